"""Facts the cache rules share: a RUN's scripts together, where caches go, what removes them.

A cleanup appended at the end of a RUN must run wherever the install it follows ran, and find
its program: rules offer it only when the install runs unconditionally (``unconditional``: not
inside ``if``/``case`` or a function), the script does not also drive another distribution's
package manager (``other_families``: a multi-distro script) and nothing after the install removes
the package manager (``removes_program``). A ``sudo`` install gets a ``sudo`` cleanup
(``wrapper_prefix``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from fixer.rules._base import Context
from fixer.rules._run import Run, run_state, runs
from fixer.rules.packages._managers import calls
from fixer.syntax import Instruction

if TYPE_CHECKING:
    from fixer.shell import Command, PackageInvocation, Script

# Which distribution's package manager each one is (`yum` and `dnf` are one family).
FAMILIES = {
    "apt-get": "deb",
    "apt": "deb",
    "aptitude": "deb",
    "apk": "apk",
    "yum": "rpm",
    "dnf": "rpm",
    "microdnf": "rpm",
    "zypper": "zypper",
}


def run_groups(ctx: Context, *, triggers: bool = False) -> Iterator[list[Run]]:
    """The shell scripts of each RUN, together (a command line and the heredoc bodies it runs);
    with ``triggers``, those of each ``ONBUILD RUN`` too."""
    group: list[Run] = []
    for run in runs(ctx, triggers=triggers):
        if group and group[0].located.offset != run.located.offset:
            yield group
            group = []
        group.append(run)
    if group:
        yield group


def unconditional(command: Command) -> bool:
    """Whether ``command`` runs whenever its script runs to the end (not in a branch or function)."""
    return not (command.in_condition or command.in_function)


def other_families(scripts: Iterable[Script], family: str) -> bool:
    """Whether the scripts also run the package manager of another distribution family."""
    return any(FAMILIES.get(call.manager, family) != family for script in scripts for call in calls(script))


def fed_by_yes(script: Script, command: Command) -> bool:
    """Whether ``command`` reads its answers from ``yes |`` (``yes | yum install x``)."""
    if command.connector not in ("|", "|&"):
        return False
    index = script.commands.index(command)
    return index > 0 and script.commands[index - 1].program == "yes"


def mounts(instruction: Instruction) -> list[dict[str, str]]:
    """The fields of each ``--mount=…`` flag (BuildKit reads them as one CSV record; keys are
    lower-cased, and ``target`` also answers for ``dst`` and ``destination``)."""
    found = []
    for flag in instruction.buildkit.flags:
        name, _, spec = flag.partition("=")
        if name == "--mount":
            fields = dict(_field(part) for part in next(csv.reader([spec]), []))
            target = fields.get("target") or fields.get("dst") or fields.get("destination")
            if target:
                fields["target"] = target
            found.append(fields)
    return found


def cache_mount_targets(instruction: Instruction) -> list[str]:
    """Targets of ``RUN --mount=type=cache|tmpfs,target=…``: what lands there never reaches a layer."""
    return [
        fields["target"].rstrip("/") or "/"
        for fields in mounts(instruction)
        if fields.get("type") in ("cache", "tmpfs") and fields.get("target")
    ]


def _field(part: str) -> tuple[str, str]:
    key, _, value = part.partition("=")
    return key.strip().lower(), value.strip()


def mount_covers(
    instruction: Instruction, *paths: str | None, wanted: Callable[[str], bool] | None = None
) -> bool:
    """Whether a cache mount of the RUN holds one of ``paths``, or is a folder ``wanted`` accepts."""
    for target in cache_mount_targets(instruction):
        if wanted is not None and wanted(target):
            return True
        if any(path == target or path.startswith(target.rstrip("/") + "/") for path in paths if path):
            return True
    return False


def removes_any(script: Script, wanted: Callable[[str], bool]) -> Command | None:
    """The last ``rm`` (also ``sudo rm``) in the script of a path ``wanted`` accepts (``/*`` and
    ``/`` stripped)."""
    found = None
    for command in script.commands:
        if command.unwrapped_program() != "rm":
            continue
        for word in (command.unwrapped() or ())[1:]:
            path = word.text.rstrip("*").rstrip("/")
            if path and not word.text.startswith("-") and wanted(path):
                found = command
    return found


def removes_path(script: Script, path: str, after: int = -1) -> bool:
    """Whether the script removes ``path``, what is inside it, or a folder holding it (with an
    ``rm`` that starts after offset ``after``: a removal before the last install is undone by it)."""

    def hits(removed: str) -> bool:
        return removed == path or path.startswith(removed + "/") or removed.startswith(path + "/")

    found = removes_any(script, hits)
    return found is not None and found.start > after


def environment(ctx: Context, run: Run) -> Mapping[str, str]:
    """The variables a RUN's commands see from the Dockerfile: ARGs with values, then ENV (for
    a trigger, the ENV its stage ends with)."""
    state = run_state(ctx, run)
    return {**{k: v for k, v in state.args.items() if v is not None}, **state.env}


def inline_variables(script: Script, call: PackageInvocation) -> dict[str, str]:
    """Variables the script sets before ``call`` (``export X=1``) or on its command (``X=1 pip``)."""
    found: dict[str, str] = {}
    for command in script.commands:
        if command is call.command:
            break
        if command.in_subshell or not (command.program == "export" or command.name is None):
            continue
        for word in command.assignment_words if command.name is None else command.args():
            name, equals, value = word.text.partition("=")
            if equals and word.value is not None:
                found[name] = value
    for word in call.command.assignment_words:
        name, equals, value = word.text.partition("=")
        if equals and word.value is not None:
            found[name] = value
    for word in call.command.words:  # `env X=1 pip …`: wrapper assignments sit among the words
        name, equals, value = word.text.partition("=")
        if word is call.subcommand_word:
            break
        if equals and name.isidentifier() and word.value is not None:
            found[name] = value
    return found


def wrapper_prefix(call: PackageInvocation) -> str:
    """``sudo …`` as written before the package manager, for a cleanup to run as the install did."""
    words = call.command.words
    if not words or words[0].text.rpartition("/")[2] != "sudo":
        return ""
    for index, word in enumerate(words):
        if index and word.text.rpartition("/")[2] == call.manager:
            return "".join(f"{w.raw} " for w in words[:index])
    return ""


def option_value(call: PackageInvocation, name: str) -> str | None:
    """The value of ``--name value`` / ``--name=value`` when literal."""
    options = call.options
    for index, word in enumerate(options):
        text = word.text
        if text.startswith(name + "="):
            return text.partition("=")[2] if word.value is not None else None
        if text == name and index + 1 < len(options):
            return options[index + 1].value
    return None


REMOVING = frozenset(
    {"remove", "erase", "purge", "autoremove", "del", "uninstall", "un", "rm", "r", "unlink"}
)


def removes_program(script: Script, start: int, names: frozenset[str]) -> bool:
    """Whether a command from ``start`` on removes one of the programs ``names`` (``rm``, a
    package removal) or erases packages behind the package manager's back (``rpm -e --nodeps``):
    a cleanup appended at the end of the script could then not run."""
    for command in script.commands:
        if command.start < start:
            continue
        args = [word.text for word in command.args()]
        if command.program == "rm" and any(_is_program(arg, names) for arg in args):
            return True
        if command.program == "rpm" and "--nodeps" in args and any(_erases(arg) for arg in args):
            return True
    virtual = _virtual_packages(script)
    for call in script.invocations():
        if call.command.start < start or call.subcommand not in REMOVING:
            continue
        packages = [word.value or "" for word in call.packages]
        packages += [name for package in packages for name in virtual.get(package, ())]
        if any(_names(package, names) for package in packages):
            return True
    return False


def _virtual_packages(script: Script) -> dict[str, list[str]]:
    """``apk add --virtual .deps a b``: what ``apk del .deps`` removes."""
    found: dict[str, list[str]] = {}
    for call in script.invocations("apk"):
        if call.subcommand != "add":
            continue
        name = option_value(call, "--virtual") or option_value(call, "-t")
        if name:
            found[name] = [word.value or "" for word in call.packages]
    return found


def _names(package: str, names: frozenset[str]) -> bool:
    """``nodejs``, ``nodejs-current``, ``npm=10.2.4-r0`` for ``nodejs``/``npm``."""
    return any(package == name or package.startswith((name + "-", name + "=")) for name in names)


def _is_program(path: str, names: frozenset[str]) -> bool:
    """``/usr/bin/yum``, ``/usr/local/lib/node_modules/npm`` (not ``/var/cache/yum``)."""
    parts = path.rstrip("/*").split("/")
    return len(parts) > 1 and parts[-1] in names and parts[-2] in ("bin", "sbin", "node_modules")


def _erases(arg: str) -> bool:
    return arg == "--erase" or (arg.startswith("-") and not arg.startswith("--") and "e" in arg)
