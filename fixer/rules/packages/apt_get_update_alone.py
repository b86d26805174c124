"""DF110 apt-get-update-alone: ``RUN apt-get update`` (or ``apk update``) in a layer of its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from fixer.diagnostic import ImageChanges
from fixer.rules._base import Context, FixAvailability, FixSafety, Rule, Violation
from fixer.rules._run import Run, runs, runs_at
from fixer.rules._stages import layered_on
from fixer.rules.layers._merge import merge_runs
from fixer.rules.packages._managers import calls, full_name

if TYPE_CHECKING:
    from fixer.shell import PackageInvocation

APT = ("apt-get", "apt", "aptitude")  # one family: they fill and read the same lists
UPDATERS = (*APT, "apk")
# What reads the lists an update fetched (by the commands' full names).
INSTALLS = frozenset(
    {
        "install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade",
        "build-dep", "satisfy", "source", "download",
    }
)  # fmt: skip


class AptGetUpdateAlone(Rule):
    """## What it does
    Finds a RUN that only runs ``apt-get update`` (``apt update``, ``aptitude update``), with
    the install in a later RUN, or with no later RUN of its stage that installs at all; and a
    RUN that only runs ``apk update``.

    ## Why is this bad?
    The build cache keeps the update layer: change the install line later and it runs against
    package lists from the day the cache was filled — old versions, or "404 Not Found" when the
    mirror has moved on. The update belongs in the RUN that installs. With no install after it
    in the stage, the lists only make the image bigger.

    ``apk update`` alone is a layer of waste: ``apk add`` fetches the index itself when it has
    none or its copy is older than ``--cache-max-age`` (4 hours; apk-tools opens the database
    for ``add``, ``upgrade`` and ``fix`` with auto-update), and ``apk add --no-cache`` fetches
    it every time without keeping it — so the index this layer keeps is at best unused, and in
    the image. Drop the RUN, and install with ``apk add --no-cache`` (DF103).

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
    merge; none when nothing in the stage installs after the update. ``apk update`` is reported
    without a fix: its fix would delete the RUN, which no build here has proven (the build
    oracle has no Alpine base), and a later ``apk search``/``apk info`` would read no index.

    Where Checkov's CKV_DOCKER_5 differs, on purpose: it matches words in the whole file, so it
    passes an update and an install in separate RUNs (the stale layer this rule is about), and
    an update followed by ``RUN useradd …`` ("add"); and it counts ``yum update``, ``dnf up``
    and ``zypper update`` as updates alone, which upgrade packages (DF106 and DF107 read them).

    ## References
    - Trivy DS-0017, Checkov CKV_DOCKER_5
    - https://docs.docker.com/build/building/best-practices/#apt-get
    """

    code = "DF110"
    name = "apt-get-update-alone"
    summary = "`apt-get update` (or `apk update`) alone in a RUN"
    fix_title = "Merge `apt-get update` into the RUN that installs"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = FixSafety.VARIES
    aliases = ("DS-0017", "CKV_DOCKER_5")
    image_changes = ImageChanges(layers=True)  # one layer fewer; the merged file system stays

    def check(self, ctx: Context) -> Iterator[Violation]:
        shell_runs = [run for run in runs(ctx) if run.script.source == "shell-form"]
        for index, run in enumerate(shell_runs):
            update = _only_update(run)
            if update is None:
                continue
            if update.manager == "apk":
                message = (
                    "`apk update` alone in a RUN: `apk add` fetches the index itself "
                    "(with `--no-cache` without keeping it); drop this RUN"
                )
                yield self.violation(run.located.keyword_start, run.located.content_end, message)
                continue
            install = _next_install(ctx, run, shell_runs[index + 1 :])
            fix = merge_runs(ctx, run.located, install.located, self.fix_title or "") if install else None
            name = f"`{update.manager} {update.subcommand}`"
            if install is None and not _installs_later(ctx, run):
                message = (
                    f"{name} alone in a RUN, and no later RUN of its stage installs: "
                    "its package lists only fill the image"
                )
            else:
                message = f"{name} alone in a RUN: its cached layer goes stale"
            yield self.violation(run.located.keyword_start, run.located.content_end, message, fix)


def _only_update(run: Run) -> PackageInvocation | None:
    script = run.script.script
    found = calls(script, *UPDATERS)
    if len(script.commands) == 1 and len(found) == 1 and full_name(found[0]) == "update":
        return found[0]
    return None


def _next_install(ctx: Context, update: Run, later: list[Run]) -> Run | None:
    stage = ctx.model.stage_of(update.located.offset)
    for run in later:
        if ctx.model.stage_of(run.located.offset) is not stage:
            return None
        found = calls(run.script.script, *APT)
        if any(full_name(call) == "update" for call in found):
            return None  # it updates for itself
        if any(full_name(call) in INSTALLS for call in found):
            return run
    return None


def _installs_later(ctx: Context, update: Run) -> bool:
    """Whether a RUN on top of the update's layer (its stage's, or of a stage built on it)
    may read its lists: it installs with apt, or dfix cannot read it and it names apt."""
    scripts = runs_at(ctx)
    for located in layered_on(ctx, update.located):
        if located.node.upper_keyword != "RUN":
            continue
        analysed = scripts.get(located.offset)
        if analysed is None:
            if "apt" in located.node.logical_line:
                return True
        elif any(full_name(call) in INSTALLS for run in analysed for call in calls(run.script.script, *APT)):
            return True
    return False
