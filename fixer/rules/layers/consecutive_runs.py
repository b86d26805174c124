"""DF502 consecutive-runs: RUN after RUN, each a layer of its own."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Final

from fixer.diagnostic import Applicability, Fix, ImageChanges
from fixer.rules._base import Context, FixAvailability, FixSafety, Located, Rule, Violation
from fixer.rules._stages import shipped_chain
from fixer.rules.layers._merge import merge_runs
from fixer.syntax import Instruction


class ConsecutiveRuns(Rule):
    """## What it does
    Finds small RUN instructions (one or two commands each) that directly follow one another
    with the same flags. A RUN with more commands was most likely kept apart on purpose, to
    cache an expensive step in a layer of its own; hadolint's DL3059 draws the same line.

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

    Only stages whose layers ship are read: the shipped stage (the last one, or the configured
    ``target``) and the stages it is built FROM. A builder stage whose results are copied out
    with ``COPY --from`` puts none of its layers in the image, so merging its RUNs would make no
    image smaller and only make its build cache coarser.

    ## Fix safety
    Unsafe: the build cache now reruns all the merged commands when one changes, which some
    files avoid on purpose. The RUNs merge as DF501 merges them (see ``dfix explain DF501``):
    each script runs as it did in a fresh shell of its own, in a subshell ``( … )`` where it
    leaves shell state (variables from assignments, ``read``, ``for``, ``${X:=…}``,
    ``getopts``; functions, aliases, traps, options, the directory …) or where a later RUN
    runs a program it found on PATH after something that may have put another one ahead
    (``pip install -U pip``); the commands and their order stay the same. What the image
    holds in the end stays the same; its layers change: fewer, and which one holds what.

    A RUN that cannot join its neighbours splits the group: the RUNs before and after it
    merge on their own. It cannot when its flags differ (``--mount``, ``--network``), it uses a
    heredoc or the exec form, it starts a background job or ends in a ``#`` comment before
    the last RUN, a later RUN reads ``$_``, ``set -e`` may be on and it would stand in the
    ``&&`` list as no plain list, or when the SHELL prepares every RUN (a login or
    interactive shell, a wrapper script, bash with ``BASH_ENV``).

    PowerShell RUNs (``SHELL ["powershell", "-Command", …]``, ``pwsh``) join with ``;``. A RUN
    that may fail without stopping the script (it runs a program, or the SHELL does not set
    ``$ErrorActionPreference = 'Stop'``) gets ``if (-not $?) { exit 1 }`` after it: the exit
    status it had on its own. A RUN stays apart when a later one could see what it leaves in
    the process: a variable the later RUN names, the location, environment or preference
    variables, functions, aliases, modules, a machine environment change, a TLS setting before a
    download; or when it may end early (``exit 0``, ``return``), ends in a ``#`` comment, or the
    later RUN reads ``$?``/``$LASTEXITCODE``. ``cmd`` RUNs are never merged.

    ## References
    - hadolint DL3059
    """

    code = "DF502"
    name = "consecutive-runs"
    summary = "consecutive RUN instructions"
    fix_title = "Merge the consecutive RUNs into one"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = FixSafety.UNSAFE
    aliases = ("DL3059",)
    image_changes = ImageChanges(layers=True)  # fewer layers; the merged file system stays

    def check(self, ctx: Context) -> Iterator[Violation]:
        for group in _consecutive_runs(ctx):
            merges = list(self._merges(ctx, group))
            if not merges:
                yield self._violation(group, None)
            for run, fix in merges:
                yield self._violation(run, fix)

    def _merges(self, ctx: Context, group: list[Located]) -> Iterator[tuple[list[Located], Fix]]:
        """The whole group as one RUN; failing that, the longest runs of RUNs that merge, left
        to right: a RUN that cannot join its neighbours (``set -e``, a suppression, state a
        later RUN would see) splits the group."""
        whole = self._merge(ctx, group[0], group[-1])
        if whole is not None:
            yield group, whole
            return
        start = 0
        while start < len(group) - 1:
            longest = self._longest_merge(ctx, group, start)
            if longest is None:
                start += 1
                continue
            last, fix = longest
            yield group[start : last + 1], fix
            start = last + 1

    def _longest_merge(self, ctx: Context, group: list[Located], start: int) -> tuple[int, Fix] | None:
        """The last RUN that ``group[start]`` merges up to, with that merge; None when it does not
        merge with the next one. A RUN that cannot join ends every range that holds it, so the
        ranges that merge are a prefix: doubling the range, then halving back, tries a number of
        merges logarithmic in its length, where trying each end in turn made a file of a
        thousand RUNs quadratic."""
        best = None
        good, bad, step = start, len(group), 1  # start..good merge, start..bad do not (or past the end)
        while good + 1 < bad:
            end = min(good + step, bad - 1) if bad == len(group) else (good + bad) // 2
            if fix := self._merge(ctx, group[start], group[end]):
                best, good, step = (end, fix), end, step * 2
            else:
                bad = end
        return best

    def _merge(self, ctx: Context, first: Located, last: Located) -> Fix | None:
        fix = merge_runs(ctx, first, last, self.fix_title or "")
        return fix and dataclasses.replace(fix, applicability=Applicability.UNSAFE)

    def _violation(self, run: list[Located], fix: Fix | None) -> Violation:
        second = run[1]
        message = f"{len(run)} consecutive RUN instructions: {len(run)} layers"
        return self.violation(second.keyword_start, second.content_end, message, fix)


# A RUN with more commands than this was most likely kept apart on purpose (hadolint's DL3059
# draws the line at the same place): its own layer caches a step that is expensive to redo.
SMALL_RUN: Final = 2


def _consecutive_runs(ctx: Context) -> Iterator[list[Located]]:
    """Runs of small RUN instructions (at most ``SMALL_RUN`` commands each) with the same flags,
    only comments and blank lines between."""
    group: list[Located] = []
    shipped = shipped_chain(ctx)
    for located in ctx.instructions:
        small = (
            located.node.upper_keyword == "RUN"
            and _ships(ctx, located, shipped)
            and _command_count(ctx, located) <= SMALL_RUN
        )
        if small and group and _same_flags(group[0].node, located.node):
            group.append(located)
            continue
        if len(group) > 1:
            yield group
        group = [located] if small else []
    if len(group) > 1:
        yield group


def _ships(ctx: Context, located: Located, shipped: frozenset[int]) -> bool:
    """Whether the RUN's layer is in the shipped image (every stage, when none is known to ship)."""
    stage = ctx.model.stage_of(located.offset)
    return not shipped or (stage is not None and stage.index in shipped)


def _command_count(ctx: Context, located: Located) -> int:
    """Commands the RUN runs: simple commands of its sh scripts, statements of a PowerShell
    script; 1 for what is not read (exec form, ``cmd``). A script that does not parse (or is too
    big to analyse) counts as big: DF502 has nothing sure to say about it."""
    unknown = SMALL_RUN + 1
    state = ctx.model.state_at(located.offset)
    if state.shell_is_posix:
        from fixer.shell import run_scripts

        scripts = run_scripts(located.node, shell_is_posix=True)
        if any(script.script.has_error for script in scripts):
            return unknown
        return max(1, sum(len(script.script.commands) for script in scripts))
    from fixer.powershell import analyse, is_powershell

    node = located.node.buildkit
    if is_powershell(state.shell) and not node.json and node.value and not located.node.heredocs:
        script = analyse(node.value[0])
        return unknown if script.has_error else max(1, script.statements)
    return 1


def _same_flags(first: Instruction, other: Instruction) -> bool:
    return sorted(first.buildkit.flags) == sorted(other.buildkit.flags)
