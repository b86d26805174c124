"""DF304 sudo-in-run: ``sudo`` used as a command in a RUN."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from fixer.diagnostic import Edit, Fix
from fixer.rules._base import Context, FixAvailability, FixSafety, Rule, Violation, names
from fixer.rules._run import Run, run_state, runs, sees_triggers
from fixer.rules._stages import is_root

if TYPE_CHECKING:
    from fixer.shell import Command, Word


# sudo's options (sudo(8), 1.9) that take a value, short and long.
VALUED: Final = names(
    "-u -g -p -C -D -h -r -t -T -U -R -c -a --user --group --prompt --close-from --chdir --host"
    " --role --type --command-timeout --other-user --chroot --login-class --auth-type"
)
# What leaves the command as the RUN would run it when root runs sudo for root: prompts and
# authentication (root is never asked), HOME (root's), the groups (root's own).
HARMLESS: Final = names(
    "-E -H -n -S -k -P -A -B -p --preserve-env --set-home --non-interactive --stdin"
    " --reset-timestamp --preserve-groups --askpass --bell --prompt"
)
# The names `sudo -u` and `-g` take for root (`#0`: a numeric id, as sudo writes it).
ROOT: Final = frozenset({"root", "0", "#0"})


@dataclass(frozen=True, slots=True)
class Sudo:
    """What one ``sudo`` command line says: the command it runs (None: it runs none, as with
    ``sudo -v``, or it cannot be told), the user it runs it as, and whether every option is
    one that changes nothing for root (``-E``, ``-n``, ``-u root``, ``--``)."""

    command: Word | None
    user: str
    harmless: bool


def read_sudo(command: Command) -> Sudo:
    """Read ``sudo``'s options getopt style (bundled ``-En``, attached ``-uroot``, ``--user=x``)."""
    args = command.args()
    user, harmless, index = "root", True, 0

    def take(option: str, value: str | None) -> None:
        nonlocal user, harmless, index
        if option in VALUED and value is None:  # the value is the next word
            value, index = (args[index].text if index < len(args) else ""), index + 1
        if option in ("-u", "--user"):
            user = value or user
        if option in ("-u", "--user", "-g", "--group"):
            harmless = harmless and value in ROOT
        else:
            harmless = harmless and option in HARMLESS

    while index < len(args):
        text = args[index].text
        index += 1
        if text == "--":
            break
        if not text.startswith("-") or text == "-":
            index -= 1
            break
        if text.startswith("--"):
            name, equals, value = text.partition("=")
            take(name, value if equals else None)
            continue
        for at, letter in enumerate(text[1:], 1):
            if "-" + letter in VALUED:  # the rest of the word, if any, is its value
                take("-" + letter, text[at + 1 :] or None)
                break
            take("-" + letter, None)
    runs = args[index] if index < len(args) and "=" not in args[index].text else None
    return Sudo(runs, user, harmless and runs is not None)


class SudoInRun(Rule):
    """## What it does
    Finds ``sudo`` used as a command in a RUN.

    ## Why is this bad?
    A build step runs as the Dockerfile's ``USER``, without a terminal to type a password:
    ``sudo`` adds nothing when that user is root, and makes the step depend on a package
    (``sudo``), its configuration (``/etc/sudoers``) and, for another user, a password-less
    sudoers entry, which then stays in the image for anyone who gets a shell in the
    container. ``sudo`` also changes the command's environment (``env_reset``: the ``ENV``
    and ``ARG`` values of the Dockerfile do not reach it; ``secure_path``: another ``PATH``),
    so the step does not run as it reads.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN sudo apt-get update
    ```

    Use instead:
    ```dockerfile
    FROM debian:12
    RUN apt-get update
    ```

    When the RUN runs as another user, do the step before ``USER`` switches to it (where
    the build runs as root), or switch back with ``USER root`` around it.

    ## Fix safety
    Offered only where the RUN runs as root (no ``USER``, or ``USER root``/``0`` in force)
    and ``sudo`` runs the command as root with options that change nothing there (``-E``,
    ``-H``, ``-n``, ``-S``, ``-u root``, ``--``): the fix removes ``sudo`` and those options.
    It is unsafe, because the command then runs differently:

    - it gets the environment the Dockerfile gives it (``ENV``, ``ARG``, proxy variables),
      where sudo's ``env_reset`` gave it only ``PATH``, ``HOME``, ``TERM``, ``SUDO_*`` and a
      few more; a program that reads one of those variables may behave differently;
    - it is looked up on the stage's ``PATH``, where sudo used its ``secure_path``
      (``/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`` on Debian);
    - it runs where sudo is not installed, or where the sudoers policy refused it: the
      original build failed there ("sudo: not found"), the fixed one builds.

    ``sudo -u app cmd`` (another user), ``sudo -i``/``-s`` (through a shell), ``sudo -D``,
    ``sudo VAR=value cmd`` and ``sudo`` without a command are reported without a fix. What
    the fix may change in the image: nothing but what the command itself writes differently;
    sudo writes nothing for root (no lecture file, time stamp or log file: Debian 12's sudo,
    built both ways by the build oracle, which also shows an ``ENV`` value reaching a command
    once sudo is gone).

    ## References
    - hadolint DL3004, Trivy DS-0010, Checkov CKV2_DOCKER_1
    """

    code = "DF304"
    name = "sudo-in-run"
    summary = "`sudo` in a RUN"
    fix_title = "Remove `sudo`"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = FixSafety.UNSAFE
    aliases = ("DL3004", "DS-0010", "CKV2_DOCKER_1")

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for run in runs(ctx, triggers=True):
            user = run_state(ctx, run).user
            for command in run.script.script.commands:
                if command.program == "sudo":
                    yield self._violation(run, command, user)

    def _violation(self, run: Run, command: Command, user: str | None) -> Violation:
        start, end = run.span(command.words[0])
        sudo = read_sudo(command)
        fix = None
        if is_root(user) is not True:  # None: a USER whose value is not known
            message = f"`sudo` in a RUN as `{user}`: do this step before `USER {user}`, as root"
        elif sudo.user not in ROOT:
            message = f"`sudo -u {sudo.user}`: run this step under `USER {sudo.user}`, not through sudo"
        else:
            runs_as = "the image's default user (root)" if user is None else "root"
            message = f"`sudo` in a RUN that already runs as {runs_as}"
            if sudo.harmless and sudo.command is not None:
                removed = command.words[: command.words.index(sudo.command)]
                fix = Fix.unsafe(self.fix_title or "", *_removal(run, removed, sudo.command))
        return self.violation(start, end, message, fix)


def _removal(run: Run, removed: Sequence[Word], command: Word) -> list[Edit]:
    """Delete ``removed`` (``sudo`` and its options), up to ``command``. On one line that is one
    span. Across lines, a continuation line that held only removed words goes whole; elsewhere
    each word goes with the blanks after it, so line continuations and comment lines stay."""
    code, base = run.located.node.code, run.located.offset
    start, end = run.offset(removed[0].start), run.offset(command.start)
    if "\n" not in code[start - base : end - base]:
        return [Edit.deletion(start, end)]
    spans = []
    for word in removed:
        stop = run.after(word) - base
        while stop < len(code) and code[stop] in " \t":
            stop += 1
        spans.append((run.offset(word.start) - base, stop))
    edits: dict[int, Edit] = {}
    for first, last in spans:
        line_start = code.rfind("\n", 0, first) + 1
        line_end = code.find("\n", first) + 1 or len(code)
        rest = "".join(
            code[at] for at in range(line_start, line_end) if not any(a <= at < b for a, b in spans)
        )
        whole = line_start > 0 and rest.strip(" \t\r\n") == run.located.node.escape
        span = (line_start, line_end) if whole else (first, last)
        edits[span[0]] = Edit.deletion(base + span[0], base + span[1])
    return list(edits.values())
