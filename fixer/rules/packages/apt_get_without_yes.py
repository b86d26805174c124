"""DF101 apt-get-without-yes: `apt-get`/`aptitude` install (remove, upgrade…) that would stop at a prompt."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from fixer.diagnostic import Fix
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._run import runs, sees_triggers
from fixer.rules.packages._cleanup import fed_by_yes
from fixer.rules.packages._managers import calls, full_name, options

if TYPE_CHECKING:
    from fixer.shell import PackageInvocation

# apt-get's commands that end in InstallPackages and its "Do you want to continue?" (by their
# full names: `auto-remove` is `autoremove`).
PROMPTING = frozenset(
    {
        "install", "reinstall", "remove", "purge", "autoremove", "autopurge", "upgrade",
        "dist-upgrade", "full-upgrade", "dselect-upgrade", "build-dep", "satisfy",
    }
)  # fmt: skip
# aptitude's actions that go through cmdline_do_action and change packages.
APTITUDE_PROMPTING = frozenset(
    {
        "install", "reinstall", "remove", "purge", "upgrade", "safe-upgrade", "full-upgrade",
        "dist-upgrade", "build-dep",
    }
)  # fmt: skip
YES = frozenset({"-y", "--yes", "--assume-yes"})
QUIET = frozenset({"-q", "--quiet", "--silent"})
# Options after which apt-get asks nothing: a simulation, or --print-uris, returns before the
# prompt; --trivial-only refuses instead of asking; --assume-no answers it (no).
NO_PROMPT = frozenset(
    {
        "-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act", "--print-uris",
        "--trivial-only", "--assume-no",
    }
)  # fmt: skip
# The same as configuration items (`-o APT::Get::Simulate=true`), lower-cased as apt compares them.
NO_PROMPT_ITEMS = frozenset(
    {"apt::get::simulate", "apt::get::print-uris", "apt::get::trivial-only", "apt::get::assume-no"}
)
_FALSE = frozenset({"0", "no", "false", "without", "off", "disable"})


class AptGetWithoutYes(Rule):
    """## What it does
    Finds ``apt-get`` and ``aptitude`` commands that ask for confirmation (``install``,
    ``remove``, ``upgrade``…) without ``-y``.

    ## Why is this bad?
    A build has no terminal: when apt-get needs to confirm (extra dependencies, removals) it
    reads end-of-file, answers no, and the build fails — or passes today and fails the day a
    package gains a dependency. aptitude asks whenever it would do more than it was told.

    Not reported where apt-get asks nothing: with quiet level 2 — apt-get(8): "Note that quiet
    level 2 implies -y" — however it is written (``-qq``, ``-q -q``, ``--quiet --quiet``,
    ``-q=2``, ``--quiet=2``, ``-o quiet=2``; apt counts each ``-q`` up and ``=N`` sets the
    level); with a no-action option (apt-get(8): ``-s``, ``--simulate``, ``--just-print``,
    ``--dry-run``, ``--recon``, ``--no-act``: "No action; perform a simulation"; and
    ``--print-uris``), which returns before the prompt; with ``--trivial-only``, which refuses
    instead of asking; with ``--assume-no`` or ``-o APT::Get::Assume-Yes=true``, which answer
    it; and when the command reads its answers from ``yes |``. ``--force-yes`` is no answer: it
    only lets ``-y`` go through what ``-y`` alone refuses, and apt-get still asks without ``-y``
    (``apt-private/private-install.cc``). For aptitude only ``-y``/``--assume-yes`` (or
    ``-o Aptitude::CmdLine::Assume-Yes=true``) answer: its quiet levels imply nothing, and its
    ``-s`` simulation asks too.

    ## Example
    ```dockerfile
    RUN apt-get install curl
    ```

    Use instead:
    ```dockerfile
    RUN apt-get install -y curl
    ```

    ## Fix safety
    Safe: ``-y`` only answers the prompt the build could not answer. What it may change in the
    image: nothing (a build that stopped at the prompt now builds).

    ## References
    - hadolint DL3014, Trivy DS-0021
    - apt-get(8) (``-q``, ``-s``, ``-y``), aptitude(8) (``-y``)
    """

    code = "DF101"
    name = "apt-get-without-yes"
    summary = "`apt-get`/`aptitude install` without `-y`"
    fix_title = "Add `-y`"
    fix_availability = FixAvailability.ALWAYS
    aliases = ("DL3014", "DS-0021")

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for run in runs(ctx, triggers=True):
            script = run.script.script
            for call in calls(script, "apt-get", "aptitude"):
                word = call.subcommand_word
                if word is None or not _asks(call) or fed_by_yes(script, call.command):
                    continue
                start = run.span(call.command.words[0])[0]
                fix = Fix.safe(self.fix_title or "", run.insert_after(word, " -y"))
                message = f"`{call.manager} {call.subcommand}` without `-y`"
                yield self.violation(start, run.after(word), message, fix)


def _asks(call: PackageInvocation) -> bool:
    """Whether ``call`` may stop at a prompt that nothing on its command line answers."""
    if call.manager == "aptitude":
        if full_name(call) not in APTITUDE_PROMPTING:
            return False
        for name, value in options(call, frozenset({"-q"})):
            if name in ("-y", "--assume-yes", "--schedule-only"):
                return False
            key, _, item = (value or "").partition("=")
            if name == "-o" and key.lower() == "aptitude::cmdline::assume-yes" and _true(item):
                return False
        return True
    if full_name(call) not in PROMPTING:
        return False
    quiet, answered = 0, False
    for name, value in options(call, frozenset({"-q"})):
        if name in QUIET:
            quiet = int(value) if value is not None and value.isdigit() else quiet + 1
        elif name in YES or name in NO_PROMPT:
            answered = value is None or _true(value)
        elif name.startswith("--no-") and ("--" + name.removeprefix("--no-")) in YES | NO_PROMPT:
            answered = False
        elif name in ("-o", "--option") and value:
            key, _, item = value.partition("=")
            key = key.lower()
            if key == "quiet" and item.isdigit():
                quiet = int(item)
            elif key == "apt::get::assume-yes" or key in NO_PROMPT_ITEMS:
                answered = _true(item)
    return not (answered or quiet >= 2)


def _true(value: str) -> bool:
    """apt's reading of a boolean value (StringToBool)."""
    return value.strip().lower() not in _FALSE
