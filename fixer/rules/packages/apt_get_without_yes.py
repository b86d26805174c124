"""DF101 apt-get-without-yes: ``apt-get install`` (or remove, upgrade…) that would stop at a prompt."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.diagnostic import Fix
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._run import runs

PROMPTING = frozenset({"install", "upgrade", "dist-upgrade", "full-upgrade", "remove", "purge", "autoremove"})
ASSUME_YES = ("-y", "--yes", "--assume-yes", "--force-yes")
# Quiet level 2 implies -y (apt-get(8)); `has_option` reads `-qq` as two `-q`, so match the word.
QUIET_TWO = frozenset({"-qq", "-q=2", "--quiet=2", "-qqq"})


class AptGetWithoutYes(Rule):
    """## What it does
    Finds ``apt-get`` commands that ask for confirmation (``install``, ``remove``, ``upgrade``…)
    without ``-y``.

    ## Why is this bad?
    A build has no terminal: when apt-get needs to confirm (extra dependencies, removals) it
    reads end-of-file, answers no, and the build fails — or passes today and fails the day a
    package gains a dependency.

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
    """

    code = "DF101"
    name = "apt-get-without-yes"
    summary = "`apt-get install` without `-y`"
    fix_title = "Add `-y`"
    fix_availability = FixAvailability.ALWAYS
    aliases = ("DL3014", "DS-0021")

    def check(self, ctx: Context) -> Iterator[Violation]:
        for run in runs(ctx):
            for call in run.script.script.invocations("apt-get"):
                word = call.subcommand_word
                if call.subcommand not in PROMPTING or word is None or call.has_option(*ASSUME_YES):
                    continue
                if any(option.text in QUIET_TWO for option in call.options):
                    continue
                start = run.span(call.command.words[0])[0]
                fix = Fix.safe(self.fix_title or "", run.insert_after(word, " -y"))
                yield self.violation(start, run.after(word), f"`apt-get {call.subcommand}` without `-y`", fix)
