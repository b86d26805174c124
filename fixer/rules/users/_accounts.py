"""The accounts a RUN creates: ``useradd`` / ``groupadd`` (shadow-utils), Debian's ``adduser`` /
``addgroup`` and BusyBox's, read from their options as each tool parses them.

Debian's ``adduser`` takes long options (``--uid 1000 --ingroup app``) and BusyBox's short ones,
where ``-g`` is the GECOS field, not the group (``adduser -S -D -u 1000 -G app app``); a word
with a single dash before a letter tells BusyBox's apart, as the tools themselves would.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from fixer.rules._base import names

if TYPE_CHECKING:
    from fixer.shell import Command, Script

__all__ = ["Account", "Group", "accounts", "creates_accounts", "groups", "parse_options"]


@dataclass(frozen=True, slots=True)
class Account:
    """A user a command creates. ``uid``/``group`` are as written (a number or a name; None:
    chosen by the tool); ``password``: a password hash or a password was given on the command
    line; ``no_log_init``: ``useradd -l`` (no lastlog/faillog entry)."""

    tool: str
    name: str | None
    uid: str | None
    group: str | None
    shell: str | None
    system: bool
    password: bool
    no_log_init: bool
    command: Command


@dataclass(frozen=True, slots=True)
class Group:
    """A group a command creates (``groupadd``, ``addgroup``); ``gid`` as written."""

    name: str | None
    gid: str | None
    command: Command


@dataclass(frozen=True, slots=True)
class _Syntax:
    """How a tool reads its options: short options that take a value, long ones that do, and
    the long name each short option stands for (so callers ask for one name)."""

    short_values: frozenset[str]
    long_values: frozenset[str]
    aliases: Mapping[str, str]


_USERADD: Final = _Syntax(
    frozenset("bcdefgGkKpPRsuZ"),
    names(
        "--base-dir --comment --home-dir --expiredate --inactive --gid --groups --skel --key "
        "--password --prefix --root --shell --uid --selinux-user --selinux-range"
    ),
    {
        "-u": "--uid", "-g": "--gid", "-s": "--shell", "-p": "--password", "-r": "--system",
        "-l": "--no-log-init", "-m": "--create-home", "-M": "--no-create-home", "-d": "--home-dir",
    },
)  # fmt: skip
_GROUPADD: Final = _Syntax(
    frozenset("gKpPR"),
    names("--gid --key --password --prefix --root --users"),
    {"-g": "--gid", "-r": "--system"},
)
_DEBIAN_ADDUSER: Final = _Syntax(
    frozenset(),
    names(
        "--uid --gid --ingroup --home --shell --gecos --comment --conf --firstuid --lastuid "
        "--firstgid --lastgid --extrausers"
    ),
    {},
)
_BUSYBOX_ADDUSER: Final = _Syntax(
    frozenset("hgsGuk"), frozenset(), {"-u": "--uid", "-G": "--ingroup", "-s": "--shell", "-S": "--system"}
)
_BUSYBOX_ADDGROUP: Final = _Syntax(frozenset("g"), frozenset(), {"-g": "--gid", "-S": "--system"})


def parse_options(words: list[str], syntax: _Syntax) -> tuple[dict[str, str | None], list[str]]:
    """Options (by long name; a flag maps to None) and operands, getopt style: bundled short
    flags (``-rm``), attached values (``-u1000``, ``--uid=1000``), ``--`` ending the options."""
    options: dict[str, str | None] = {}
    operands: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word == "--":
            operands += words[index:]
            break
        if word.startswith("--"):
            name, equals, value = word.partition("=")
            if not equals and name in syntax.long_values and index < len(words):
                value, index = words[index], index + 1
            options[name] = value if equals or name in syntax.long_values else None
        elif word.startswith("-") and len(word) > 1:
            for at, letter in enumerate(word[1:], 1):
                name = syntax.aliases.get("-" + letter, "-" + letter)
                if letter in syntax.short_values:
                    value = word[at + 1 :]
                    if not value and index < len(words):
                        value, index = words[index], index + 1
                    options[name] = value
                    break
                options[name] = None
        else:
            operands.append(word)
    return options, operands


def _texts(command: Command) -> list[str]:
    return [word.text for word in command.args()]


def _is_busybox(args: list[str]) -> bool:
    return any(arg.startswith("-") and not arg.startswith("--") and len(arg) > 1 for arg in args)


def accounts(script: Script) -> Iterator[Account]:
    """Every user ``script`` creates, in order."""
    for command in script.commands:
        args = _texts(command)
        if command.program == "useradd":
            options, operands = parse_options(args, _USERADD)
            yield Account(
                "useradd",
                operands[-1] if operands else None,
                options.get("--uid"),
                options.get("--gid"),
                options.get("--shell"),
                "--system" in options,
                "--password" in options,
                "--no-log-init" in options,
                command,
            )
        elif command.program == "adduser":
            busybox = _is_busybox(args)
            options, operands = parse_options(args, _BUSYBOX_ADDUSER if busybox else _DEBIAN_ADDUSER)
            if not busybox and len(operands) == 2:
                continue  # `adduser user group`: adds an existing user to a group
            yield Account(
                "adduser",
                operands[0] if operands else None,
                options.get("--uid"),
                options.get("--ingroup") or options.get("--gid"),
                options.get("--shell"),
                "--system" in options,
                False,  # neither adduser takes a password on the command line
                True,  # adduser never writes lastlog/faillog entries
                command,
            )


def creates_accounts(script: Script) -> bool:
    """Whether ``script`` creates a user: with a tool, or by appending its line to /etc/passwd
    (images without shadow-utils or adduser, where ``root-final-user`` writes the line itself)."""
    return any(accounts(script)) or any(target.text == "/etc/passwd" for target in script.redirect_writes)


def groups(script: Script) -> Iterator[Group]:
    """Every group ``script`` creates, in order (``adduser --group name`` included)."""
    for command in script.commands:
        args = _texts(command)
        if command.program == "groupadd":
            options, operands = parse_options(args, _GROUPADD)
        elif command.program == "addgroup" or (command.program == "adduser" and "--group" in args):
            syntax = _BUSYBOX_ADDGROUP if _is_busybox(args) else _DEBIAN_ADDUSER
            options, operands = parse_options(args, syntax)
            if command.program == "addgroup" and len(operands) == 2:
                continue  # `addgroup user group`: adds an existing user to a group
        else:
            continue
        yield Group(operands[0] if operands else None, options.get("--gid"), command)


# usermod changes an existing account; `-l` is the new login name there, not useradd's flag.
_USERMOD: Final = _Syntax(
    frozenset("cdefgGlpPRsuvVwWZ"),
    names(
        "--comment --home --expiredate --inactive --gid --groups --login --password --prefix --root"
        " --shell --uid --add-subuids --del-subuids --add-subgids --del-subgids --selinux-user"
        " --selinux-range"
    ),
    {"-p": "--password", "-s": "--shell", "-u": "--uid", "-g": "--gid", "-l": "--login"},
)


def usermod_options(command: Command) -> tuple[dict[str, str | None], list[str]]:
    """A ``usermod`` command's options (by long name) and operands (the user it changes)."""
    return parse_options(_texts(command), _USERMOD)
