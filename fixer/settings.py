"""What rules may be told about the project: the shipped stage, the user to create, SUID files to keep.

Read from configuration (``target``, ``[tool.dfix.user]``, ``suid-keep``) and the command line
(``--target``); rules read them from ``Context.settings``. Defaults are what a project that says
nothing gets: the last stage ships, the user is ``app`` with uid and gid 10001 (above every
distribution's system and login ranges, so it never collides with a user the base image has).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

# useradd's default NAME_REGEX (shadow-utils), which BusyBox's adduser also accepts.
USER_NAME: Final = re.compile(r"[a-z_][a-z0-9_-]{0,31}")
MAX_ID: Final = 2**31 - 2  # the largest id every tool here takes (uid_t is 32 bits; -1 is "none")


@dataclass(frozen=True, slots=True)
class UserSettings:
    """The unprivileged user DF301 creates: its name and numeric ids."""

    name: str = "app"
    uid: int = 10001
    gid: int = 10001

    @property
    def ids(self) -> str:
        return f"{self.uid}:{self.gid}"


@dataclass(frozen=True, slots=True)
class RegistrySettings:
    """``[tool.dfix.registry]``: ``mirrors``, (registry, host asked instead) pairs (``docker.io``
    through a pull-through cache); ``insecure``, hosts asked over plain HTTP (a local registry)."""

    mirrors: tuple[tuple[str, str], ...] = ()
    insecure: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Settings:
    """``target``: the stage that ships (None: the last); ``suid_keep``: files whose SUID/SGID
    bits stay (``/usr/bin/sudo``); ``allowed_registries``: the registries images may come from
    (``docker.io``, ``*.example.com``; None: any)."""

    target: str | None = None
    user: UserSettings = field(default_factory=UserSettings)
    suid_keep: tuple[str, ...] = ()
    allowed_registries: tuple[str, ...] | None = None
    registry: RegistrySettings = field(default_factory=RegistrySettings)


DEFAULT_SETTINGS: Final = Settings()


def user_problem(name: object, uid: object, gid: object) -> str | None:
    """What is wrong with a configured user, or None."""
    if not isinstance(name, str) or not USER_NAME.fullmatch(name):
        return "`user.name` must be a user name: lower-case letters, digits, _ and -, at most 32"
    for key, value in (("uid", uid), ("gid", gid)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
            return f"`user.{key}` must be a number from 1 to {MAX_ID} (0 is root)"
    return None
