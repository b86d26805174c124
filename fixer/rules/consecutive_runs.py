"""DF502 consecutive-runs: RUN after RUN, each a layer of its own."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from fixer.diagnostic import Applicability
from fixer.rules._base import Context, FixAvailability, Located, Rule, Violation
from fixer.rules._merge import merge_runs
from fixer.syntax import Instruction


class ConsecutiveRuns(Rule):
    """## What it does
    Finds RUN instructions that directly follow another RUN with the same flags.

    ## Why is this bad?
    Each RUN is a layer: files one RUN creates and the next deletes stay in the image, and
    every layer adds to pull and unpack time. Steps that belong together belong in one RUN.

    ## Example
    ```dockerfile
    RUN ./configure
    RUN make
    ```

    Use instead:
    ```dockerfile
    RUN ./configure \\
        && make
    ```

    ## Fix safety
    Unsafe: the RUNs merge as DF501 merges them (see ``dfix explain DF501``: subshells where a
    script would leak state or is not a plain ``&&`` list, no merge across a suppression comment
    or where ``set -e`` may be on), so the commands and their order stay the same; but the
    build cache now rebuilds all of them when one changes, which some files avoid on purpose.
    No fix when the flags differ (``--mount``, ``--network``) or a RUN uses a heredoc, the exec
    form or a shell comment.

    ## References
    - hadolint DL3059
    """

    code = "DF502"
    name = "consecutive-runs"
    summary = "consecutive RUN instructions"
    fix_title = "Merge the consecutive RUNs into one"
    fix_availability = FixAvailability.SOMETIMES
    aliases = ("DL3059",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        for group in _consecutive_runs(ctx):
            fix = merge_runs(ctx, group[0], group[-1], self.fix_title or "")
            if fix is not None:
                fix = dataclasses.replace(fix, applicability=Applicability.UNSAFE)
            second = group[1]
            message = f"{len(group)} consecutive RUN instructions: {len(group)} layers"
            yield self.violation(second.keyword_start, second.content_end, message, fix)


def _consecutive_runs(ctx: Context) -> Iterator[list[Located]]:
    """Runs of RUN instructions with the same flags, only comments and blank lines between."""
    group: list[Located] = []
    for located in ctx.instructions:
        if located.node.upper_keyword == "RUN" and group and _same_flags(group[0].node, located.node):
            group.append(located)
            continue
        if len(group) > 1:
            yield group
        group = [located] if located.node.upper_keyword == "RUN" else []
    if len(group) > 1:
        yield group


def _same_flags(first: Instruction, other: Instruction) -> bool:
    return sorted(first.buildkit.flags) == sorted(other.buildkit.flags)
