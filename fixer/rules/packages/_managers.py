"""What a package manager's command is, by the name the tool itself gives it.

dnf takes ``in`` for ``install`` and ``up`` for ``upgrade``; yum 3, dnf 4, dnf 5 and microdnf
each accept their own list. Rules compare the full name (``action``) and keep the word as
written for messages and edits. The tables come from the tools' own sources: dnf 4's commands
(``dnf/cli/commands/*.py``, each command's ``aliases`` and ``nevra_forms``; ``group.py``'s
``direct_commands`` and ``_CMD_ALIASES``), dnf 5's compatibility aliases
(``/usr/share/dnf5/aliases.d/compatibility.conf``), yum 3's ``yumcommands.py`` (each command's
``getNames``) and microdnf's command plugins (``X-Alias-Name``). On RHEL 8 and later ``yum``
is dnf, so yum and dnf share one table.

``aptitude`` is not among the managers the shell analysis reads on its own (other rules would
then see it): ``calls`` adds its invocations (``fixer.shell.invocation_of``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from fixer.shell import PackageInvocation, Script, Word


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _names(text: str, canonical: str) -> dict[str, str]:
    return dict.fromkeys(text.split(), canonical)


YUM_ALIASES: Final = {
    **_names("in localinstall install-n install-na install-nevra", "install"),
    **_names("update up upgrade-to update-to localupdate", "upgrade"),
    **_names("update-minimal up-min minimal-update minimal-upgrade", "upgrade-minimal"),
    **_names("rei", "reinstall"),
    **_names("erase rm remove-n remove-na remove-nevra erase-n erase-na erase-nevra", "remove"),
    **_names("autoremove-n autoremove-na autoremove-nevra", "autoremove"),
    **_names("distrosync distribution-synchronization dsync distupgrade", "distro-sync"),
    **_names("dg", "downgrade"),
    **_names("build-dep", "builddep"),
    **_names("mc", "makecache"),
    **_names("groups grp", "group"),
    **_names("load-ts ts-load", "load-transaction"),
    **_names("check-upgrade check-updates", "check-update"),
}
# `yum groupinstall x` is `yum group install x` (dnf 4 maps groupupdate to install).
YUM_GROUP_COMMANDS: Final = {
    "groupinstall": "install",
    "groupupdate": "install",
    "groupremove": "remove",
    "grouperase": "remove",
    "grouplist": "list",
    "groupinfo": "info",
}
# The actions of `group` and `module` (the first operand), by their full names.
GROUP_ACTION_ALIASES: Final = {"update": "upgrade", "erase": "remove"}
MICRODNF_ALIASES: Final = {"update": "upgrade", "dsync": "distro-sync"}
APT_ALIASES: Final = {
    "auto-remove": "autoremove",
    "auto-clean": "autoclean",
    "dist-clean": "distclean",
    "build-depends": "build-dep",  # aptitude's other name for it
}
_ALIASES: Final = {
    "yum": YUM_ALIASES,
    "dnf": YUM_ALIASES,
    "microdnf": MICRODNF_ALIASES,
    "apt-get": APT_ALIASES,
    "apt": APT_ALIASES,
    "aptitude": APT_ALIASES,
}
_GROUPED: Final = {"yum": ("group", "module"), "dnf": ("group", "module"), "microdnf": ("module",)}


def full_name(call: PackageInvocation) -> str | None:
    """The command ``call`` runs, by its full name (dnf's ``in``: ``install``)."""
    if call.subcommand is None:
        return None
    return _ALIASES.get(call.manager, {}).get(call.subcommand, call.subcommand)


def action(call: PackageInvocation) -> tuple[str, Word] | None:
    """What ``call`` does by its full name, and the word that names it: ``("install", in)``
    for ``dnf in x``; for yum's, dnf's and microdnf's ``group``/``module`` commands the action
    is the first operand: ``("group install", install)`` for ``dnf grp install x`` (and for
    ``yum groupinstall x``, the subcommand word)."""
    name, word = full_name(call), call.subcommand_word
    if name is None or word is None:
        return None
    if call.manager in ("yum", "dnf") and call.subcommand in YUM_GROUP_COMMANDS:
        return f"group {YUM_GROUP_COMMANDS[call.subcommand]}", word
    if name in _GROUPED.get(call.manager, ()):
        if not call.packages or call.packages[0].value is None:
            return None
        operand = call.packages[0].value
        return f"{name} {GROUP_ACTION_ALIASES.get(operand, operand)}", call.packages[0]
    return name, word


def written(call: PackageInvocation, word: Word) -> str:
    """The action as written, for a message: ``dnf in``, ``dnf group install``."""
    head = call.subcommand if word is call.subcommand_word else f"{call.subcommand} {word.text}"
    return f"{call.manager} {head}"


def calls(script: Script, *managers: str) -> list[PackageInvocation]:
    """``script.invocations(*managers)``, with ``aptitude``'s among them (all when none are
    named, or when ``aptitude`` is), in the order they run."""
    found = script.invocations(*managers) if managers else script.invocations()
    if managers and "aptitude" not in managers:
        return found
    from fixer.shell import invocation_of  # the shell analysis loads only for files with a RUN

    extra = [call for command in script.commands if (call := invocation_of(command, "aptitude")) is not None]
    return sorted([*found, *extra], key=lambda call: call.command.start) if extra else found


def options(
    call: PackageInvocation, levels: frozenset[str] = frozenset()
) -> Iterator[tuple[str, str | None]]:
    """The options of ``call`` one at a time, in order, each with its value: ``-qy`` is
    ``("-q", None), ("-y", None)``; ``-o quiet=2``, ``-oquiet=2`` and ``--option=quiet=2`` are
    ``("-o"/"--option", "quiet=2")``; ``--quiet=2`` is ``("--quiet", "2")``. A short option in
    ``levels`` (apt's ``-q``) takes the rest of its word as its value when that is a number
    (``-q2``, ``-q=2``), as apt's command line parser does; everything after ``--`` is no
    option."""
    arguments = call.argument_options
    words = call.options
    index = 0
    while index < len(words):
        text = words[index].text
        index += 1
        if text == "--":
            return
        following = words[index].text if index < len(words) else None
        if text.startswith("--"):
            name, equals, value = text.partition("=")
            if equals:
                yield name, value
            elif name in arguments and following is not None:
                yield name, following
                index += 1
            else:
                yield name, None
            continue
        for position in range(1, len(text)):
            flag, rest = "-" + text[position], text[position + 1 :]
            if flag in arguments:
                if rest:
                    yield flag, rest.removeprefix("=")
                elif following is not None:
                    yield flag, following
                    index += 1
                else:
                    yield flag, None
                break
            if flag in levels and (rest.removeprefix("=").isdigit() or rest.startswith("=")):
                yield flag, rest.removeprefix("=")
                break
            yield flag, None
