"""DF102 apt-lists-not-removed: a RUN that installs with apt leaves ``/var/lib/apt/lists`` in its layer."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.diagnostic import Fix, ImageChanges
from fixer.rules._base import Context, FixAvailability, Located, Rule, Violation
from fixer.rules._run import Run, append_command, runs, runs_above, sees_triggers
from fixer.rules.packages._cleanup import mount_covers, removes_path, wrapper_prefix
from fixer.rules.packages._managers import calls, full_name

LISTS = "/var/lib/apt/lists"
CLEANUP = "rm -rf /var/lib/apt/lists/*"
# Commands (by their full names) that read the lists, of apt-get, apt and aptitude.
NEEDS_LISTS = frozenset(
    {
        "install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade",
        "build-dep", "satisfy", "source", "download",
    }
)  # fmt: skip
MANAGERS = ("apt-get", "apt", "aptitude")


class AptListsNotRemoved(Rule):
    """## What it does
    Finds RUN instructions that run ``apt-get update`` or ``apt-get install`` (``apt``,
    ``aptitude``) and leave the package lists (``/var/lib/apt/lists``) behind. ``apt-get
    clean`` and ``aptitude clean`` do not remove them: they empty ``/var/cache/apt/archives``.

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
    offered when a later RUN of the stage (or of a stage built on it, or an ``ONBUILD RUN``
    trigger, which runs on top of the stage) installs packages without its own
    ``apt-get update`` — it needs the lists — or is a RUN dfix cannot read that uses apt.
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

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for run in runs(ctx, triggers=True):
            script = run.script.script
            found = calls(script, *MANAGERS)
            if not any(full_name(call) in NEEDS_LISTS | {"update"} for call in found):
                continue
            last_apt = max(c.command.start for c in found if full_name(c) in NEEDS_LISTS | {"update"})
            # `apt-get dist-clean` (apt >= 2.7) removes the lists too.
            dist_clean = any(
                c.manager != "aptitude" and full_name(c) == "distclean" and c.command.start > last_apt
                for c in found
            )
            if (
                dist_clean
                or removes_path(script, LISTS, after=last_apt)
                or mount_covers(run.located.node, LISTS)
            ):
                continue
            fix = None
            message = "apt lists are left in the layer"
            reader = _later_run_relying_on_lists(ctx, run)
            if reader is None:
                edit = append_command(run, wrapper_prefix(found[-1]) + CLEANUP)
                fix = Fix.safe(self.fix_title or "", edit) if edit else None
            else:
                keyword = "RUN" if reader in ctx.instructions else "ONBUILD RUN"  # a trigger is cut out
                message += f"; not fixed: the {keyword} on line {reader.line} needs them"
            yield self.violation(run.located.keyword_start, run.located.content_end, message, fix)


def _later_run_relying_on_lists(ctx: Context, run: Run) -> Located | None:
    """A later RUN on top of this layer that installs with the lists this RUN leaves: a RUN of
    the stage (or of a stage built on it), or an ``ONBUILD RUN`` trigger, which runs on top of
    the stage in the builds FROM it (its line is the ONBUILD's).

    A later RUN the shell analysis cannot read (exec form, a non-POSIX shell) counts when it
    mentions apt at all: a fix must not break a build it cannot see through.
    """
    for located, analysed in runs_above(ctx, run):
        if not analysed:
            if "apt" in located.node.logical_line:
                return located
        elif any(_relies_on_lists(other) for other in analysed):
            return located
    return None


SHELLS = frozenset({"sh", "bash", "dash", "ash"})


def _relies_on_lists(run: Run) -> bool:
    """An apt install that would fail without lists left by an earlier layer (an apt command
    inside ``sh -c '…'`` counts: its script is a string the analysis does not open)."""
    for command in run.script.script.commands:
        if command.program in SHELLS and any("apt" in word.text for word in command.args()):
            return True
    for call in calls(run.script.script, *MANAGERS):
        if full_name(call) == "update":
            return False
        if full_name(call) in NEEDS_LISTS:
            return True
    return False
