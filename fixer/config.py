"""Configuration: ``[tool.dfix]`` in ``pyproject.toml``, or a ``.dfix.toml`` (same keys, top level).

The nearest file walking up from the Dockerfile's directory wins (``.dfix.toml`` before
``pyproject.toml`` in the same directory; a ``pyproject.toml`` without ``[tool.dfix]`` is skipped),
as ruff and Black find theirs. Keys are the long CLI option names::

    [tool.dfix]
    select = ["DF1", "DF601"]        # replaces the default (all rules)
    extend-select = ["DF5"]          # adds to it
    ignore = ["DL3020"]              # codes, prefixes, names or aliases
    extend-ignore = []
    unsafe-fixes = false
    extend-safe-fixes = ["DF104"]    # promote these rules' unsafe fixes to safe
    extend-unsafe-fixes = ["DF601"]  # demote these rules' safe fixes to unsafe
    target = "runtime"               # the stage that ships (default: the last one)
    suid-keep = ["/usr/bin/sudo"]    # files whose SUID/SGID bits DF302 keeps
    allowed-registries = ["docker.io", "*.example.com"]  # DF403: images from elsewhere are findings

    [tool.dfix.registry]             # how --pin asks the registries
    mirrors = {"docker.io" = "mirror.example.com:5000"}   # ask this host for Docker Hub's images
    insecure = ["localhost:5000"]    # hosts asked over plain HTTP

    [tool.dfix.user]                 # the user DF301 creates (defaults shown)
    name = "app"
    uid = 10001
    gid = 10001

Precedence: command line > file > defaults; ``--select`` replaces the file's select.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fixer.settings import DEFAULT_SETTINGS, RegistrySettings, Settings, UserSettings, user_problem

if TYPE_CHECKING:
    from pathlib import Path

# The search runs for every `dfix` process, so it uses os.path: pathlib (~4 ms to import, with
# urllib.parse) and tomllib (~4 ms) load only once there is a file to read or report.

# The list keys that name rules (each checked against the registry), then the others.
_SELECTOR_KEYS = (
    "select", "extend-select", "ignore", "extend-ignore", "extend-safe-fixes", "extend-unsafe-fixes",
)  # fmt: skip
LIST_KEYS = (*_SELECTOR_KEYS, "suid-keep", "allowed-registries")


class ConfigError(ValueError):
    """A configuration file that cannot be used; ``path`` names it, ``line`` and ``column`` (when
    known) where: the TOML error, or the line of the key at fault."""

    def __init__(self, path: Path, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
        self.line = line
        self.column = column


def _at_key(path: Path, key: str, message: str) -> ConfigError:
    """The error about ``key``, placed on the first line that sets it (a ``key =`` line or a
    ``[key]`` table; in a pyproject.toml from ``[tool.dfix]`` on), when one does."""
    try:
        with open(path, encoding="utf-8") as stream:
            lines = stream.read().split("\n")
    except (OSError, UnicodeDecodeError):
        return ConfigError(path, message)
    start = 0
    if path.name == "pyproject.toml":
        start = next((i for i, line in enumerate(lines) if line.strip().startswith("[tool.dfix")), 0)
    for index in range(start, len(lines)):
        stripped = lines[index].lstrip()
        name = stripped.lstrip("[").split("=")[0].split("]")[0].strip().strip('"')
        if name in (key, f"tool.dfix.{key}"):
            return ConfigError(path, message, index + 1, len(lines[index]) - len(stripped) + 1)
    return ConfigError(path, message)


@dataclass(frozen=True, slots=True)
class Config:
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    extend_safe_fixes: tuple[str, ...] = ()
    extend_unsafe_fixes: tuple[str, ...] = ()
    settings: Settings = DEFAULT_SETTINGS
    source: Path | None = field(default=None, compare=False)

    def selection(self) -> tuple[list[str] | None, list[str]]:
        """(select, ignore) as the rule registry takes them: None selects every rule."""
        select = None if self.select is None and not self.extend_select else [*(self.select or ("all",))]
        if select is not None:
            select += self.extend_select
        return select, [*self.ignore, *self.extend_ignore]

    def with_cli(
        self,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] | None = None,
        unsafe_fixes: bool | None = None,
        target: str | None = None,
    ) -> Config:
        """The command line's options over this file's (``--select`` replaces, ``--ignore`` adds)."""
        settings = self.settings if target is None else dataclasses.replace(self.settings, target=target)
        return Config(
            select=tuple(select) if select is not None else self.select,
            extend_select=() if select is not None else self.extend_select,
            ignore=self.ignore + tuple(ignore or ()),
            extend_ignore=self.extend_ignore,
            unsafe_fixes=self.unsafe_fixes if unsafe_fixes is None else unsafe_fixes,
            extend_safe_fixes=self.extend_safe_fixes,
            extend_unsafe_fixes=self.extend_unsafe_fixes,
            settings=settings,
            source=self.source,
        )


def find_config(start: str | os.PathLike[str]) -> Path | None:
    """The nearest ``.dfix.toml`` or ``pyproject.toml`` with ``[tool.dfix]``, from ``start`` upwards
    (``start``'s own folder when it is a file), as a resolved path."""
    start = os.fspath(start)
    folder = os.path.realpath(start if os.path.isdir(start) else os.path.dirname(start))
    while True:
        dedicated = os.path.join(folder, ".dfix.toml")
        if os.path.isfile(dedicated):
            return _path(dedicated)
        pyproject = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(pyproject) and _tool_table(pyproject) is not None:
            return _path(pyproject)
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load_config(path: Path) -> Config:
    table = (_tool_table(path) or {}) if path.name == "pyproject.toml" else _read(path)
    unknown = sorted(set(table) - {*LIST_KEYS, "unsafe-fixes", "target", "user", "registry"})
    if unknown:
        message = f"unknown key{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"
        raise _at_key(path, unknown[0], message)
    lists = {key: _string_list(path, table, key) for key in LIST_KEYS}
    from fixer.rules import unknown_selector_message

    for key in _SELECTOR_KEYS:
        problem = unknown_selector_message(lists[key] or (), f"`{key}`")
        if problem is not None:
            raise _at_key(path, key, problem)
    unsafe = table.get("unsafe-fixes", False)
    if not isinstance(unsafe, bool):
        raise _at_key(path, "unsafe-fixes", "`unsafe-fixes` must be true or false")
    return Config(
        select=lists["select"],
        extend_select=lists["extend-select"] or (),
        ignore=lists["ignore"] or (),
        extend_ignore=lists["extend-ignore"] or (),
        unsafe_fixes=unsafe,
        extend_safe_fixes=lists["extend-safe-fixes"] or (),
        extend_unsafe_fixes=lists["extend-unsafe-fixes"] or (),
        settings=dataclasses.replace(
            _settings(path, table, lists["suid-keep"] or ()),
            allowed_registries=lists["allowed-registries"],
            registry=_registry(path, table.get("registry", {})),
        ),
        source=path,
    )


def _settings(path: Path, table: dict[str, object], suid_keep: tuple[str, ...]) -> Settings:
    target = table.get("target")
    if target is not None and (not isinstance(target, str) or not target):
        raise _at_key(path, "target", "`target` must be a stage name")
    bad = [entry for entry in suid_keep if not entry.startswith("/")]
    if bad:
        raise _at_key(path, "suid-keep", f"`suid-keep` takes absolute paths: {bad[0]!r}")
    user = table.get("user", {})
    if not isinstance(user, dict):
        raise _at_key(path, "user", "`user` must be a table: name, uid, gid")
    unknown = sorted(set(user) - {"name", "uid", "gid"})
    if unknown:
        raise _at_key(path, "user", f"unknown key in `user`: {', '.join(unknown)}")
    default = UserSettings()
    name, uid, gid = (user.get(key, getattr(default, key)) for key in ("name", "uid", "gid"))
    if problem := user_problem(name, uid, gid):
        raise ConfigError(path, problem)
    assert isinstance(name, str) and isinstance(uid, int) and isinstance(gid, int)
    return Settings(target=target, user=UserSettings(name, uid, gid), suid_keep=suid_keep)


def _registry(path: Path, table: object) -> RegistrySettings:
    """``[registry]``: ``mirrors = {"docker.io" = "mirror.example.com"}``, ``insecure = [hosts]``."""
    if not isinstance(table, dict):
        raise _at_key(path, "registry", "`registry` must be a table: mirrors, insecure")
    unknown = sorted(set(table) - {"mirrors", "insecure"})
    if unknown:
        raise _at_key(path, "registry", f"unknown key in `registry`: {', '.join(unknown)}")
    mirrors = table.get("mirrors", {})
    if not isinstance(mirrors, dict) or not all(
        isinstance(host, str) and host and "/" not in host for host in mirrors.values()
    ):
        raise ConfigError(path, '`registry.mirrors` maps registries to hosts: {"docker.io" = "host:port"}')
    insecure = _string_list(path, table, "insecure") or ()
    return RegistrySettings(tuple(sorted(mirrors.items())), insecure)


def _tool_table(pyproject: str | Path) -> dict[str, object] | None:
    tool = _read(pyproject).get("tool")
    table = tool.get("dfix") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else None


def _read(path: str | Path) -> dict[str, object]:
    import tomllib

    text = ""
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        import re

        # Python 3.11's message ends "(at line 2, column 1)" or "(at end of document)"
        message, line, column = str(error), None, None
        if found := re.search(r" \(at line (\d+), column (\d+)\)$", message):
            message, line, column = message[: found.start()], int(found[1]), int(found[2])
        elif message.endswith(" (at end of document)"):
            message = message.removesuffix(" (at end of document)") + " at the end of the file"
            line, column = text.count("\n") + 1, len(text.rpartition("\n")[2]) + 1
        raise ConfigError(_path(path), message, line, column) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(_path(path), str(error)) from None


def _path(path: str | Path) -> Path:
    import pathlib

    return pathlib.Path(path)


def _string_list(path: Path, table: dict[str, object], key: str) -> tuple[str, ...] | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _at_key(path, key, f"`{key}` must be a list of strings")
    return tuple(value)
