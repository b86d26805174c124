"""Whether the user an image runs as is one its own ``/etc/passwd`` and ``/etc/group`` know.

A container runtime resolves the image's ``User`` in the image's files, as runc does: a name
must have a passwd entry (and a group name a group entry) or the container does not start; a
numeric uid without an entry still runs, with numeric ids only and ``HOME=/``; with
``uid:gid`` the gid given wins over the passwd entry's primary group.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

PASSWD = "/etc/passwd"
GROUP = "/etc/group"
ACCOUNT_FILES = frozenset({PASSWD, GROUP})


@dataclass(frozen=True, slots=True)
class Account:
    """A passwd entry: name, uid, primary gid."""

    name: str
    uid: int
    gid: int


def user_notes(user: str, contents: Mapping[str, bytes]) -> list[str]:
    """What a person should know about running as ``user`` (the ``User`` config, ``name``,
    ``uid``, ``name:group`` or ``uid:gid``) in an image whose files are ``contents``."""
    name, _, group = user.partition(":")
    if not name or (name.isdigit() and PASSWD not in contents):
        return []  # numeric ids need no passwd file, and without one there is nothing to hold them to
    accounts = _passwd(contents.get(PASSWD, b""))
    account = next((a for a in accounts if a.name == name or (name.isdigit() and a.uid == int(name))), None)
    notes = []
    if account is None:
        notes.append(_no_entry(user, name))
    elif group.isdigit() and account.gid != int(group):
        notes.append(
            f"User {user}: /etc/passwd gives {account.name} ({account.uid}) the primary group"
            f" {account.gid}; the container runs with group {group} instead"
        )
    if group and not group.isdigit() and group not in _group_names(contents.get(GROUP, b"")):
        notes.append(f"User {user}: group {group} has no entry in {GROUP}; the container will not start")
    return notes


def _no_entry(user: str, name: str) -> str:
    if name.isdigit():
        return (
            f"User {user} has no entry in {PASSWD}: the container runs with numeric ids"
            " (no user name, no supplementary groups); HOME is /"
        )
    return f"User {user}: {name} has no entry in {PASSWD}; the container will not start"


def _passwd(data: bytes) -> Iterator[Account]:
    for line in data.decode("utf-8", "replace").splitlines():
        fields = line.split(":")
        if len(fields) >= 4 and fields[2].isdigit() and fields[3].isdigit():
            yield Account(fields[0], int(fields[2]), int(fields[3]))


def _group_names(data: bytes) -> set[str]:
    return {line.split(":", 1)[0] for line in data.decode("utf-8", "replace").splitlines() if ":" in line}
