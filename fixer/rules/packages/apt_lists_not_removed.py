"""DF102 apt-lists-not-removed: a RUN that installs with apt leaves ``/var/lib/apt/lists`` in its layer."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.diagnostic import Fix, ImageChanges
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._run import Run, append_command, runs, runs_at
from fixer.rules._stages import layered_on
from fixer.rules.packages._cleanup import mount_covers, removes_path, wrapper_prefix

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
    Safe: the removal is appended to the same RUN, laid out as the RUN already is (with ``sudo``
    when the install used it), and runs only when everything before it succeeded. No fix is
    offered when a later RUN of the stage (or of a stage built on it) installs packages without
    its own ``apt-get update`` — it needs the lists — or is a RUN dfix cannot read that uses apt.
    A RUN that keeps ``/var/lib/apt`` in a cache mount is not reported. What it may change in
    the image: the files under ``/var/lib/apt/lists`` are gone.

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
    image_changes = ImageChanges(paths=("/var/lib/apt/lists/**",))

    def check(self, ctx: Context) -> Iterator[Violation]:
        for run in runs(ctx):
            script = run.script.script
            calls = script.invocations("apt-get", "apt")
            if not any(call.subcommand in NEEDS_LISTS | {"update"} for call in calls):
                continue
            last_apt = max(c.command.start for c in calls if c.subcommand in NEEDS_LISTS | {"update"})
            # `apt-get dist-clean` (apt >= 2.7) removes the lists too.
            dist_clean = any(c.subcommand == "dist-clean" and c.command.start > last_apt for c in calls)
            if (
                dist_clean
                or removes_path(script, LISTS, after=last_apt)
                or mount_covers(run.located.node, LISTS)
            ):
                continue
            fix = None
            if not _later_run_relies_on_lists(ctx, run):
                edit = append_command(run, wrapper_prefix(calls[-1]) + CLEANUP)
                fix = Fix.safe(self.fix_title or "", edit) if edit else None
            yield self.violation(
                run.located.keyword_start, run.located.content_end, "apt lists are left in the layer", fix
            )


def _later_run_relies_on_lists(ctx: Context, run: Run) -> bool:
    """Whether a later RUN on top of this layer installs with the lists this RUN leaves.

    A later RUN the shell analysis cannot read (exec form, a non-POSIX shell) counts when it
    mentions apt at all: a fix must not break a build it cannot see through.
    """
    scripts = runs_at(ctx)
    for located in layered_on(ctx, run.located):
        if located.node.upper_keyword != "RUN":
            continue
        analysed = scripts.get(located.offset)
        if analysed is None:
            if "apt" in located.node.logical_line:
                return True
        elif any(_relies_on_lists(other) for other in analysed):
            return True
    return False


SHELLS = frozenset({"sh", "bash", "dash", "ash"})


def _relies_on_lists(run: Run) -> bool:
    """An apt install that would fail without lists left by an earlier layer (an apt command
    inside ``sh -c '…'`` counts: its script is a string the analysis does not open)."""
    for command in run.script.script.commands:
        if command.program in SHELLS and any("apt" in word.text for word in command.args()):
            return True
    for call in run.script.script.invocations("apt-get", "apt"):
        if call.subcommand == "update":
            return False
        if call.subcommand in NEEDS_LISTS:
            return True
    return False
