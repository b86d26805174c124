"""Every difference between two images: config, merged filesystem, packages, layers, secrets.

The builder's own traces are not differences: the mount-point stubs a RUN leaves (``/dev``,
``/proc``, ``/sys``, ``/run`` directories, empty ``/etc/hosts``, ``/etc/hostname``,
``/etc/resolv.conf``), the package managers' logs and binary caches (they carry timestamps), and
image labels builders stamp (``io.buildah.version``). Timestamps are never compared.
"""

from __future__ import annotations

import dataclasses
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fixer.dockerignore import pattern_regex
from fixer.verify.image import Entry, Image
from fixer.verify.packages import Packages

# A container runtime mounts over these; a builder leaves empty stubs for them in a RUN's layer.
MOUNT_STUBS = frozenset({"/dev", "/proc", "/sys", "/run", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf"})
# Logs and caches that differ from build to build by the time they were written.
NOISE = (
    "/var/log/apt/**",
    "/var/log/dpkg.log",
    "/var/log/alternatives.log",
    "/var/log/bootstrap.log",
    "/var/log/dnf*.log",
    "/var/log/hawkey.log",
    "/var/log/yum.log",
    "/var/log/zypper.log",
    "/var/log/zypp/**",
    "/var/lib/zypp/AutoInstalled",  # a "generated <date>" header over what rpm's database also says
    "/var/cache/apt/pkgcache.bin",
    "/var/cache/apt/srcpkgcache.bin",
    "/var/cache/ldconfig/aux-cache",
    "/var/lib/dpkg/*-old",
    "/var/cache/debconf/*-old",
    "/root/.cache/pip/selfcheck/**",
    "/**/.npm/_logs/**",
    "/**/.npm/_update-notifier-last-checked",
    # rpm's database and dnf's history hold install times and command lines; what matters in
    # them, the package set, is compared from their contents.
    "/var/lib/rpm/rpmdb.sqlite*",
    "/usr/lib/sysimage/rpm/rpmdb.sqlite*",
    "/var/lib/rpm/__db.*",
    "/var/lib/dnf/history.sqlite*",
)
BUILDER_LABELS = frozenset({"io.buildah.version"})
# The config keys compared, as the Docker image config spells them.
CONFIG_KEYS = (
    "User",
    "Env",
    "WorkingDir",
    "Entrypoint",
    "Cmd",
    "Shell",
    "ExposedPorts",
    "Volumes",
    "Labels",
    "StopSignal",
    "Healthcheck",
    "OnBuild",
)
DEFAULT_SHELL = {"linux": ["/bin/sh", "-c"], "windows": ["cmd", "/S", "/C"]}


class Kind(StrEnum):
    CONFIG = "config"
    FILE = "file"
    PACKAGE = "package"
    LAYERS = "layers"
    SECRET = "secret"


@dataclass(frozen=True, slots=True)
class Difference:
    """One way the fixed image differs from the original.

    ``subject`` is the config key, the path, the package name, or ``""`` for the layers;
    ``change`` is ``added``, ``removed`` or ``changed``; ``before``/``after`` say what it was and
    is, as a person reads it (``mode 0644``, ``1.2-3``, ``5 layers``); ``size`` is the bytes a
    file difference adds (positive) or removes (negative); ``modes``: a changed file's mode,
    before and after, when it changed; ``setid_dropped``: the change is only setuid/setgid bits
    dropped from a regular file (see ``drops_only_setid``).
    """

    kind: Kind
    subject: str
    change: str
    before: str | None = None
    after: str | None = None
    size: int = 0
    digest: str | None = None  # a file added or removed: its content hash (to tell a file that moved)
    modes: tuple[int, int] | None = None
    setid_dropped: bool = False

    def describe(self) -> str:
        if self.kind is Kind.LAYERS:
            return f"{self.before} → {self.after}"
        if self.kind is Kind.CONFIG and self.subject == "User":
            return f"runs as {user_as_read(self.after)} (was {user_as_read(self.before)})"
        if self.change == "added":
            return f"{self.subject}: added" + (f" ({self.after})" if self.after else "")
        if self.change == "removed":
            return f"{self.subject}: removed" + (f" ({self.before})" if self.before else "")
        return f"{self.subject}: {self.before} → {self.after}"


SETID = stat.S_ISUID | stat.S_ISGID
ROOT_NAMES = frozenset({"", "0", "root"})


def user_as_read(shown: str | None) -> str:
    """A ``User`` config value as a person reads it: unset, ``0``, ``root`` (with no group, or
    group 0 or root) are all ``root``; anything else as it is spelled."""
    if shown is None or shown == UNSET:
        return "root"
    user, _, group = shown.partition(":")
    return "root" if user in ROOT_NAMES and group in ROOT_NAMES else shown


def compare(before: Image, after: Image, packages: tuple[Packages, Packages]) -> list[Difference]:
    """The differences from ``before`` to ``after``, config first, then layers, files, packages."""
    return [
        *_config(before, after),
        *_layers(before, after),
        *_files(before.files, after.files),
        *_packages(*packages),
    ]


def _config(before: Image, after: Image) -> Iterator[Difference]:
    for key in CONFIG_KEYS:
        old, new = _config_value(before, key), _config_value(after, key)
        if old != new:
            yield Difference(Kind.CONFIG, key, "changed", _show(old), _show(new))


def _config_value(image: Image, key: str) -> Any:
    """A config value in one spelling: empty and absent are the same, an unset Shell is the
    OS's default shell, and builder-stamped labels are left out."""
    value = image.config.get(key)
    if key == "Shell" and not value:
        return DEFAULT_SHELL.get(image.os)
    if key == "Labels" and value:
        value = {k: v for k, v in value.items() if k not in BUILDER_LABELS}
    if key == "WorkingDir" and value == "/":
        return None  # "/" is what an unset WORKDIR means
    return value or None


UNSET = "(unset)"


def _show(value: Any) -> str:
    if value is None:
        return UNSET
    if isinstance(value, dict) and all(v in ({}, None) for v in value.values()):
        return ", ".join(value)  # ExposedPorts, Volumes: only the keys mean something
    return str(value)


def _layers(before: Image, after: Image) -> Iterator[Difference]:
    if len(before.layers) != len(after.layers):
        yield Difference(
            Kind.LAYERS,
            "",
            "changed",
            f"{len(before.layers)}",
            f"{len(after.layers)} layers",
            size=after.size - before.size,
        )


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _files(before: Mapping[str, Entry], after: Mapping[str, Entry]) -> Iterator[Difference]:
    for path in sorted(before.keys() | after.keys()):
        old, new = before.get(path), after.get(path)
        if old == new or _is_noise(path, old, new):
            continue
        if old is None:
            assert new is not None
            yield Difference(Kind.FILE, path, "added", None, _entry(new), size=new.size, digest=new.digest)
        elif new is None:
            yield Difference(Kind.FILE, path, "removed", _entry(old), None, size=-old.size, digest=old.digest)
        else:
            yield Difference(
                Kind.FILE,
                path,
                "changed",
                *_changed(old, new),
                size=new.size - old.size,
                modes=(old.mode, new.mode) if old.kind == new.kind and old.mode != new.mode else None,
                setid_dropped=drops_only_setid(old, new),
            )


def drops_only_setid(old: Entry, new: Entry) -> bool:
    """Whether ``new`` is the regular file ``old`` with its setuid bit, its setgid bit or both
    cleared and nothing else changed (content, owner, the other mode bits): what ``chmod a-s``
    does. Directories are left out: their setgid bit makes new files inherit the group, it grants
    no privilege."""
    dropped, added = old.mode & ~new.mode, new.mode & ~old.mode
    return (
        old.kind == "file"
        and bool(dropped)
        and not dropped & ~SETID
        and not added
        and dataclasses.replace(old, mode=new.mode) == new
    )


def _is_noise(path: str, old: Entry | None, new: Entry | None) -> bool:
    if path in MOUNT_STUBS and all(e is None or e.kind == "dir" or e.size == 0 for e in (old, new)):
        return True
    return matches_any(path, NOISE)


def _entry(entry: Entry) -> str:
    """``file 0644 root`` and the like; SUID/SGID bits spelled out since they matter most."""
    text = f"{entry.kind} {entry.mode:04o}"
    if entry.uid or entry.gid:
        text += f" {entry.uid}:{entry.gid}"
    if entry.target is not None:
        text += f" → {entry.target}"
    if entry.special_bits:
        text += " " + "+".join(name for bit, name in _SPECIAL if entry.mode & bit)
    return text


_SPECIAL = ((stat.S_ISUID, "setuid"), (stat.S_ISGID, "setgid"))


def _changed(old: Entry, new: Entry) -> tuple[str, str]:
    """The attributes that differ, before and after."""
    if old.kind != new.kind:
        return _entry(old), _entry(new)
    parts = []
    if old.mode != new.mode:
        parts.append((f"mode {old.mode:04o}", f"mode {new.mode:04o}"))
    if (old.uid, old.gid) != (new.uid, new.gid):
        parts.append((f"owner {old.uid}:{old.gid}", f"owner {new.uid}:{new.gid}"))
    if old.digest != new.digest:
        parts.append(
            (f"content {old.digest and old.digest[:12]}", f"content {new.digest and new.digest[:12]}")
        )
    if old.target != new.target:
        parts.append((f"target {old.target}", f"target {new.target}"))
    if old.device != new.device:
        parts.append((f"device {old.device}", f"device {new.device}"))
    return ", ".join(p[0] for p in parts), ", ".join(p[1] for p in parts)


def _packages(before: Packages, after: Packages) -> Iterator[Difference]:
    old, new = before.installed, after.installed
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            yield Difference(Kind.PACKAGE, name, "removed", old[name].version, None)
        elif name not in old:
            yield Difference(Kind.PACKAGE, name, "added", None, new[name].version)
        elif old[name].version != new[name].version:
            yield Difference(Kind.PACKAGE, name, "changed", old[name].version, new[name].version)


def suid_files(image: Image) -> list[str]:
    """Paths of files with the setuid or setgid bit, in the merged filesystem."""
    return sorted(p for p, e in image.files.items() if e.kind == "file" and e.special_bits)


def secret_layers(image: Image, path: str) -> tuple[list[int], list[int]]:
    """The 1-based layers that add ``path`` (or anything under it), and those that white it out."""
    prefix = path.rstrip("/") + "/"
    added = [
        n
        for n, layer in enumerate(image.layers, 1)
        if any(p == path or p.startswith(prefix) for p in layer.entries)
    ]
    removed = [n for n, layer in enumerate(image.layers, 1) if path in layer.whiteouts]
    return added, removed


def matches_any(path: str, patterns: Iterable[str]) -> bool:
    """Whether ``path`` matches one of the glob ``patterns`` (``.dockerignore`` syntax); a
    trailing ``/**`` takes in the directory itself (``/var/lib/apt/lists/**`` covers ``…/lists``)."""
    return any(pattern_regex(p).fullmatch(path) or pattern_regex(p).fullmatch(path + "/") for p in patterns)
