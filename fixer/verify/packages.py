"""The installed packages of an image, read from its package manager's own database.

- dpkg (Debian, Ubuntu): ``/var/lib/dpkg/status`` (installed packages, their Depends and
  Recommends), the file lists ``/var/lib/dpkg/info/<name>[:<arch>].list``, and apt's
  ``/var/lib/apt/extended_states`` (which packages were installed only as dependencies);
- apk (Alpine, Wolfi): ``/lib/apk/db/installed`` (``P:`` name, ``V:`` version, ``D:`` depends,
  ``p:`` provides, ``F:``/``R:`` files);
- rpm (RHEL, Fedora, SUSE, Amazon Linux): the SQLite database ``rpmdb.sqlite`` of rpm ≥ 4.16
  (``/var/lib/rpm`` or ``/usr/lib/sysimage/rpm``); each row is an rpm header blob, read for the
  name, version, release, arch and files. The Berkeley DB of older releases is not read.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sqlite3
import struct
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

DPKG_STATUS = "/var/lib/dpkg/status"
DPKG_INFO = "/var/lib/dpkg/info/"
APT_EXTENDED_STATES = "/var/lib/apt/extended_states"
APK_INSTALLED = "/lib/apk/db/installed"
RPM_SQLITE = ("/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite")

# Files every package manager rewrites when the package set changes: its own database and the
# caches and indexes its triggers regenerate (the packages' own files are in their file lists).
BOOKKEEPING = (
    "/var/lib/dpkg/**",
    "/var/lib/apt/extended_states",
    "/var/cache/debconf/**",
    "/var/cache/ldconfig/**",
    "/etc/ld.so.cache",
    "/usr/share/info/dir",
    "/usr/share/info/dir.old",
    "/etc/alternatives/**",
    "/var/lib/ucf/**",
    "/lib/apk/db/**",
    "/etc/apk/world",
    "/var/lib/rpm/**",
    "/usr/lib/sysimage/rpm/**",
    "/var/cache/man/**",
)


@dataclass(frozen=True, slots=True)
class Package:
    """An installed package. ``depends`` and ``recommends`` are groups of alternatives (names
    only: versions and architecture qualifiers dropped); ``auto``: installed only because
    another package needed it (apt's Auto-Installed)."""

    name: str
    version: str
    depends: tuple[tuple[str, ...], ...] = ()
    recommends: tuple[tuple[str, ...], ...] = ()
    provides: tuple[str, ...] = ()
    auto: bool = False
    files: tuple[str, ...] = ()
    scripts: str = ""  # its maintainer scripts (postinst …): they make files no file list names


@dataclass(frozen=True, slots=True)
class Packages:
    """The package set of one image, by name; ``manager`` is dpkg, apk, rpm or None (no database)."""

    manager: str | None
    installed: Mapping[str, Package]

    def owners(self) -> dict[str, set[str]]:
        """Path → the packages whose file lists hold it."""
        found: dict[str, set[str]] = {}
        for package in self.installed.values():
            for path in package.files:
                found.setdefault(path, set()).add(package.name)
        return found

    def only_recommended(self) -> set[str]:
        """Packages installed only because one recommended them: not reachable through
        Depends/Pre-Depends from a package installed by name (apt's manual ones)."""
        return set(self.installed) - self.needed_by(n for n, p in self.installed.items() if not p.auto)

    def needed_by(self, names: Iterable[str]) -> set[str]:
        """The installed packages among ``names`` and everything they need (Depends and
        Pre-Depends, every installed alternative, providers of virtual names)."""
        providers: dict[str, set[str]] = {}
        for package in self.installed.values():
            for name in (package.name, *package.provides):
                providers.setdefault(name, set()).add(package.name)
        needed: set[str] = set()
        todo = [name for name in names if name in self.installed]
        while todo:
            name = todo.pop()
            if name in needed:
                continue
            needed.add(name)
            for group in self.installed[name].depends:
                todo.extend(p for alternative in group for p in providers.get(alternative, ()))
        return needed


_DPKG_SCRIPTS = (".preinst", ".postinst", ".prerm", ".postrm", ".config", ".triggers")


def is_database_file(path: str) -> bool:
    """Whether ``read_packages`` needs the bytes of ``path`` (the image reader keeps those)."""
    rpm = tuple(db + suffix for db in RPM_SQLITE for suffix in _SQLITE_FILES)
    return path in (DPKG_STATUS, APT_EXTENDED_STATES, APK_INSTALLED, *rpm) or (
        path.startswith(DPKG_INFO) and path.endswith((".list", *_DPKG_SCRIPTS))
    )


def read_packages(contents: Mapping[str, bytes], canonical: Callable[[str], str] = lambda p: p) -> Packages:
    """The packages recorded in the database files among ``contents`` (path → bytes), their
    file lists resolved by ``canonical`` (the image's symlinked directories). An image with
    two databases (rpm installed on Debian) has both: ``manager`` is ``dpkg+rpm``, and a name
    both know is kept as ``rpm:name`` for the second."""
    databases = []
    if DPKG_STATUS in contents:
        databases.append(("dpkg", _dpkg(contents)))
    if APK_INSTALLED in contents:
        databases.append(("apk", _apk(contents[APK_INSTALLED])))
    if rpm := next((p for p in RPM_SQLITE if p in contents), None):
        databases.append(("rpm", _rpm({suffix: contents.get(rpm + suffix, b"") for suffix in _SQLITE_FILES})))
    installed: dict[str, Package] = {}
    for manager, found in databases:
        for name, package in found.items():
            files = tuple(dict.fromkeys(map(canonical, package.files)))
            installed[f"{manager}:{name}" if name in installed else name] = dataclasses.replace(
                package, files=files
            )
    return Packages("+".join(manager for manager, _ in databases) or None, installed)


# --- dpkg ---------------------------------------------------------------------------------


def _paragraphs(text: str) -> Iterator[dict[str, str]]:
    """deb822 paragraphs: ``Field: value`` with continuation lines, separated by blank lines."""
    fields: dict[str, str] = {}
    last = None
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if fields:
                yield fields
            fields, last = {}, None
        elif line[0] in " \t" and last is not None:
            fields[last] += "\n" + line.strip()
        elif ":" in line:
            last, _, value = line.partition(":")
            fields[last] = value.strip()
    return


def _relations(value: str) -> tuple[tuple[str, ...], ...]:
    """``a (>= 1) | b:any, c`` → ``(("a", "b"), ("c",))``."""
    groups = []
    for group in value.split(","):
        names = tuple(_relation_name(alternative) for alternative in group.split("|"))
        if any(names):
            groups.append(tuple(name for name in names if name))
    return tuple(groups)


def _relation_name(alternative: str) -> str:
    name = alternative.strip().split(" ", 1)[0].split("(", 1)[0].split("[", 1)[0]
    return name.partition(":")[0]


def _dpkg(contents: Mapping[str, bytes]) -> dict[str, Package]:
    auto = {
        fields["Package"]
        for fields in _paragraphs(contents.get(APT_EXTENDED_STATES, b"").decode("utf-8", "replace"))
        if fields.get("Auto-Installed") == "1" and "Package" in fields
    }
    installed = {}
    for fields in _paragraphs(contents[DPKG_STATUS].decode("utf-8", "replace")):
        name = fields.get("Package")
        if not name or not fields.get("Status", "").endswith(" installed"):
            continue
        arch = fields.get("Architecture", "")
        listing = contents.get(f"{DPKG_INFO}{name}.list") or contents.get(
            f"{DPKG_INFO}{name}:{arch}.list", b""
        )
        scripts = (
            contents.get(f"{DPKG_INFO}{name}{s}") or contents.get(f"{DPKG_INFO}{name}:{arch}{s}")
            for s in _DPKG_SCRIPTS
        )
        installed[name] = Package(
            name=name,
            version=fields.get("Version", ""),
            scripts="\n".join(data.decode("utf-8", "replace") for data in scripts if data),
            depends=_relations(", ".join(filter(None, (fields.get("Pre-Depends"), fields.get("Depends"))))),
            recommends=_relations(fields.get("Recommends", "")),
            provides=tuple(alt[0] for alt in _relations(fields.get("Provides", ""))),
            auto=name in auto,
            files=tuple(line for line in listing.decode("utf-8", "replace").splitlines() if line),
        )
    return installed


# --- apk ----------------------------------------------------------------------------------


def _apk(data: bytes) -> dict[str, Package]:
    installed = {}
    for block in data.decode("utf-8", "replace").split("\n\n"):
        fields: dict[str, list[str]] = {}
        files: list[str] = []
        directory = ""
        for line in block.splitlines():
            key, _, value = line.partition(":")
            if key == "F":
                directory = value
                files.append("/" + value)
            elif key == "R":
                files.append(f"/{directory}/{value}" if directory else "/" + value)
            else:
                fields.setdefault(key, []).append(value)
        if "P" not in fields:
            continue
        name = fields["P"][0]
        installed[name] = Package(
            name=name,
            version=fields.get("V", [""])[0],
            depends=tuple(
                (_apk_name(d),) for d in " ".join(fields.get("D", [])).split() if not d.startswith("!")
            ),
            provides=tuple(_apk_name(p) for p in " ".join(fields.get("p", [])).split()),
            files=tuple(files),
        )
    return installed


def _apk_name(word: str) -> str:
    for separator in ("=", ">", "<", "~"):
        word = word.partition(separator)[0]
    return word


# --- rpm ----------------------------------------------------------------------------------

_SQLITE_FILES = ("", "-wal", "-shm")  # the database, its write-ahead log and its index
_NAME, _VERSION, _RELEASE, _EPOCH = 1000, 1001, 1002, 1003
_DIRINDEXES, _BASENAMES, _DIRNAMES = 1116, 1117, 1118
_INT32, _STRING, _STRING_ARRAY, _I18NSTRING = 4, 6, 8, 9


def _rpm(files: Mapping[str, bytes]) -> dict[str, Package]:
    installed = {}
    for blob in _rpm_blobs(files):
        tags = _rpm_header(blob)
        name = tags.get(_NAME)
        if not isinstance(name, str):
            continue
        epoch = tags.get(_EPOCH)
        version = f"{tags.get(_VERSION, '')}-{tags.get(_RELEASE, '')}"
        if isinstance(epoch, list) and epoch and epoch[0]:
            version = f"{epoch[0]}:{version}"
        installed[name] = Package(name=name, version=version, files=tuple(_rpm_files(tags)))
    return installed


def _rpm_blobs(files: Mapping[str, bytes]) -> Iterable[bytes]:
    """The header blobs of an rpmdb.sqlite database (sqlite reads files, so it goes through a
    temporary directory; with its write-ahead log, which holds the last transactions until a
    checkpoint folds them in)."""
    with tempfile.TemporaryDirectory(prefix="dfix-rpmdb-") as directory:
        path = os.path.join(directory, "rpmdb.sqlite")
        for suffix, data in files.items():
            if data or not suffix:
                with open(path + suffix, "wb") as handle:
                    handle.write(data)
        with contextlib.closing(sqlite3.connect(path)) as db:
            return [bytes(row[0]) for row in db.execute("SELECT blob FROM Packages")]


def _rpm_header(blob: bytes) -> dict[int, object]:
    """The tags of an rpm header blob: index count, data size, 16-byte index entries, data."""
    count, size = struct.unpack(">ii", blob[:8])
    store = blob[8 + 16 * count : 8 + 16 * count + size]
    tags: dict[int, object] = {}
    for index in range(count):
        tag, kind, offset, items = struct.unpack(">iiii", blob[8 + 16 * index : 24 + 16 * index])
        if kind in (_STRING, _I18NSTRING):
            tags[tag] = store[offset : store.index(b"\0", offset)].decode("utf-8", "replace")
        elif kind == _STRING_ARRAY:
            values, at = [], offset
            for _ in range(items):
                end = store.index(b"\0", at)
                values.append(store[at:end].decode("utf-8", "replace"))
                at = end + 1
            tags[tag] = values
        elif kind == _INT32:
            tags[tag] = list(struct.unpack(f">{items}i", store[offset : offset + 4 * items]))
    return tags


def _rpm_files(tags: Mapping[int, object]) -> Iterator[str]:
    names, dirs, indexes = tags.get(_BASENAMES), tags.get(_DIRNAMES), tags.get(_DIRINDEXES)
    if isinstance(names, list) and isinstance(dirs, list) and isinstance(indexes, list):
        for name, index in zip(names, indexes, strict=False):
            yield dirs[index] + name
