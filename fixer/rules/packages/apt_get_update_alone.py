"""DF110 apt-get-update-alone: ``RUN apt-get update`` in a layer of its own."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.diagnostic import ImageChanges
from fixer.rules._base import Context, FixAvailability, FixSafety, Rule, Violation
from fixer.rules._run import Run, runs
from fixer.rules.layers._merge import merge_runs

UPDATERS = ("apt-get", "apt")


class AptGetUpdateAlone(Rule):
    """## What it does
    Finds a RUN that only runs ``apt-get update``, with the install in a later RUN.

    ## Why is this bad?
    The build cache keeps the update layer: change the install line later and it runs against
    package lists from the day the cache was filled — old versions, or "404 Not Found" when the
    mirror has moved on. The update belongs in the RUN that installs.

    ## Example
    ```dockerfile
    RUN apt-get update
    RUN apt-get install -y curl
    ```

    Use instead:
    ```dockerfile
    RUN apt-get update \\
        && apt-get install -y curl
    ```

    ## Fix safety
    The update merges into the next RUN that installs with apt, as DF501 merges RUNs (see
    ``dfix explain DF501``): each script runs as it did in a fresh shell, the image holds the
    same files in the end, and only its layers change (the update's layer is gone; the
    package lists, if kept, are in the install's). Safe when only RUNs and metadata
    instructions lie between. Unsafe when other instructions must move: ``COPY``, ``ADD`` and
    ``WORKDIR`` go above the merged RUN (a ``COPY`` only where no earlier script could touch
    its destination: never into a system directory such as ``/etc/apt``, which the update
    reads), ``ENV`` below it with its values exported to the scripts after it. No fix across
    ``ARG``, ``USER``, ``SHELL``, ``VOLUME``, differing RUN flags, or where DF501 would not
    merge.

    ## References
    - Trivy DS-0017, Checkov CKV_DOCKER_5
    - https://docs.docker.com/build/building/best-practices/#apt-get
    """

    code = "DF110"
    name = "apt-get-update-alone"
    summary = "`apt-get update` alone in a RUN"
    fix_title = "Merge `apt-get update` into the RUN that installs"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = FixSafety.VARIES
    aliases = ("DS-0017", "CKV_DOCKER_5")
    image_changes = ImageChanges(layers=True)  # one layer fewer; the merged file system stays

    def check(self, ctx: Context) -> Iterator[Violation]:
        shell_runs = [run for run in runs(ctx) if run.script.source == "shell-form"]
        for index, run in enumerate(shell_runs):
            if not _only_update(run):
                continue
            install = _next_install(ctx, run, shell_runs[index + 1 :])
            fix = merge_runs(ctx, run.located, install.located, self.fix_title or "") if install else None
            message = "`apt-get update` alone in a RUN: its cached layer goes stale"
            yield self.violation(run.located.keyword_start, run.located.content_end, message, fix)


def _only_update(run: Run) -> bool:
    commands = run.script.script.commands
    calls = run.script.script.invocations(*UPDATERS)
    return len(commands) == 1 and len(calls) == 1 and calls[0].subcommand == "update"


def _next_install(ctx: Context, update: Run, later: list[Run]) -> Run | None:
    stage = ctx.model.stage_of(update.located.offset)
    for run in later:
        if ctx.model.stage_of(run.located.offset) is not stage:
            return None
        calls = run.script.script.invocations(*UPDATERS)
        if any(call.subcommand == "update" for call in calls):
            return None  # it updates for itself
        if any(call.subcommand in ("install", "upgrade", "dist-upgrade") for call in calls):
            return run
    return None
