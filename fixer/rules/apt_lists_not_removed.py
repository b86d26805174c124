"""DF102 apt-lists-not-removed: a RUN that installs with apt leaves ``/var/lib/apt/lists`` in its layer."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.diagnostic import Fix
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._packages import covered_by_cache, removes
from fixer.rules._run import Run, append_command, runs

LISTS = "/var/lib/apt/lists"
CLEANUP = "rm -rf /var/lib/apt/lists/*"
NEEDS_LISTS = frozenset(
    {"install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "source", "download"}
)


class AptListsNotRemoved(Rule):
    """## What it does
    Finds RUN instructions that run ``apt-get update`` or ``apt-get install`` and leave the
    package lists (``/var/lib/apt/lists``) behind.

    ## Why is this bad?
    The lists are tens of megabytes that nothing in the image uses at run time. Deleting them
    in a later RUN does not help: they stay in the earlier layer.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```

    Use instead:
    ```dockerfile
    RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix safety
    Safe: the removal is appended to the same RUN, laid out as the RUN already is, and runs only
    when everything before it succeeded. No fix is offered when a later RUN of the stage (or of a
    stage built on it) installs packages without its own ``apt-get update``: it needs the lists.
    A RUN that keeps ``/var/lib/apt`` in a cache mount is not reported.

    ## References
    - hadolint DL3009
    - https://docs.docker.com/build/building/best-practices/#apt-get
    """

    code = "DF102"
    name = "apt-lists-not-removed"
    summary = "apt package lists left in the layer"
    fix_title = "Remove `/var/lib/apt/lists/*` in the same RUN"
    fix_availability = FixAvailability.SOMETIMES
    aliases = ("DL3009",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        all_runs = list(runs(ctx))
        for index, run in enumerate(all_runs):
            script = run.script.script
            calls = script.invocations("apt-get", "apt")
            if not any(call.subcommand in NEEDS_LISTS | {"update"} for call in calls):
                continue
            if removes(script, LISTS) or covered_by_cache(run.located.node, LISTS):
                continue
            later = [other for other in all_runs[index + 1 :] if _inherits(ctx, run, other)]
            fix = None
            if not any(_relies_on_lists(other) for other in later):
                edit = append_command(run, CLEANUP)
                fix = Fix.safe(self.fix_title or "", edit) if edit else None
            start = run.located.offset
            yield self.violation(start, run.located.content_end, "apt lists are left in the layer", fix)


def _inherits(ctx: Context, run: Run, later: Run) -> bool:
    """Whether ``later`` runs on top of ``run``'s layer (same stage, or a stage built on it)."""
    if later.located.offset == run.located.offset:
        return False
    stage = ctx.model.stage_of(later.located.offset)
    home = ctx.model.stage_of(run.located.offset)
    while stage is not None:
        if stage is home:
            return True
        stage = stage.parent
    return False


def _relies_on_lists(run: Run) -> bool:
    """An apt install that would fail without lists left by an earlier layer."""
    for call in run.script.script.invocations("apt-get", "apt"):
        if call.subcommand == "update":
            return False
        if call.subcommand in NEEDS_LISTS:
            return True
    return False
