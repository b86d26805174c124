from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from fixer.diagnostic import Applicability, Edit, Fix, ImageChanges
from fixer.rules._base import Context, FixAvailability, FixSafety, Located, Rule, Violation
from fixer.rules._lines import lines_after
from fixer.rules._run import Run, append_command
from fixer.rules._stages import is_root, shipped_stage
from fixer.rules.users._accounts import creates_accounts
from fixer.rules.users._stage_user import has_shell, insertion_point
from fixer.rules.users._tools import Tool, has_tool

if TYPE_CHECKING:
    from fixer.model import Stage
    from fixer.shell import Command


class SetuidFilesKept(Rule):
    """## What it does
    Finds a shipped image (the last stage, or configuration's `target`) that keeps the
    setuid and setgid bits its packages installed (`su`, `passwd`, `mount`, `newgrp`, …),
    and strips them in one step just before the stage switches to its non-root user.

    ## Why is this bad?
    A setuid-root file runs as root whoever starts it: for a process that was made to run as
    an unprivileged user, each one is a way back to root (CIS Docker Benchmark 4.8). An app in
    a container never needs `su` or `passwd`.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN groupadd --system --gid 10001 app \\
        && useradd --system --no-log-init --uid 10001 --gid 10001 app
    USER 10001:10001
    ```
    Use instead:
    ```dockerfile
    FROM debian:12
    RUN groupadd --system --gid 10001 app \\
        && useradd --system --no-log-init --uid 10001 --gid 10001 app \\
        && find / -xdev -perm /6000 -type f -exec chmod a-s {} +
    USER 10001:10001
    ```
    The step goes before the stage's last switch from root to another user (after it, no step
    can set the bits again as root), appended to the RUN that creates the user when that RUN is
    right there, else as a `RUN` of its own; in a stage that never leaves root, after its last
    build step (where `root-final-user` puts its switch). `-xdev` keeps `find` on the image's
    own filesystem (not `/proc`, nor mounts). Files to keep (`/usr/bin/sudo`, `/bin/ping` on
    old images) are listed in configuration: `suid-keep = ["/usr/bin/sudo"]`. To keep them
    all, put `# dfix: ignore=DF302` above the stage's `FROM`.

    Stages without a shell (distroless, `scratch`, Windows) and stages whose distribution is
    unknown are left alone; so is a stage that already runs such a `find`. Images that may lack
    `find` (Fedora, Amazon Linux 2023, `-minimal` and `-micro` images, SUSE) get the finding
    without a fix, unless the stage installs `findutils` first: a `find` that is not there
    would fail the build.

    ## Fix safety
    Unsafe: the programs that lose the bit no longer run as root for other users, which is the
    hardening, and what breaks: `su`, `sudo`, `passwd`, `ping` on old images, `mount`. The
    chmod copies each such file into the new layer (the merged filesystem is what a container
    sees). `dfix verify` shows the modes that lost the bits and the layer it adds, nothing else;
    a mode changed in any other way is reported as unexplained.

    ## References
    - CIS Docker Benchmark 4.8; Datadog cis-docker-1.2.0-4.8
    - `--security-opt=no-new-privileges` is the runtime's complement
    """

    code = "DF302"
    name = "setuid-files-kept"
    summary = "The shipped image keeps setuid/setgid files"
    fix_title = "Strip the setuid and setgid bits before switching users"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = FixSafety.UNSAFE
    image_changes = ImageChanges(setid_bits=True, layers=True)

    def check(self, ctx: Context) -> Iterator[Violation]:
        stage = shipped_stage(ctx)
        if stage is None or not has_shell(ctx, stage):
            return
        if _strips_already(ctx, stage):
            return
        command = strip_command(ctx.settings.suid_keep)
        first = stage.instructions[0]
        message = "setuid/setgid files stay in the shipped image"
        if not has_tool(stage, Tool.FIND):
            image = stage.image.familiar if stage.image is not None else "the base image"
            yield self.violation(
                first.keyword_start,
                first.content_end,
                f"{message}; not fixed: {image} may have no `find` (findutils): install findutils in "
                f"the stage, then strip them with `{command}`",
            )
            return
        fix = _fix(ctx, stage, command)
        if fix is None:
            return
        kept = f" (kept: {', '.join(ctx.settings.suid_keep)})" if ctx.settings.suid_keep else ""
        message += f"; strip them before the switch to its user{kept}"
        yield self.violation(first.keyword_start, first.content_end, message, fix)


def strip_command(keep: tuple[str, ...]) -> str:
    """The ``find`` that clears both bits on every file but ``keep``'s."""
    exclusions = "".join(f" ! -path {shlex.quote(path)}" for path in keep)
    return f"find / -xdev -perm /6000 -type f{exclusions} -exec chmod a-s {{}} +"


def _strips_already(ctx: Context, stage: Stage) -> bool:
    """Whether a RUN of the stage runs a ``find -perm … -exec chmod …-s`` of its own, with no
    RUN as root after it (which could install setuid files again)."""
    from fixer.shell import run_scripts

    stripped = False
    for located in stage.instructions:
        if located.node.upper_keyword != "RUN":
            continue
        if any(
            _is_strip(command) for script in run_scripts(located.node) for command in script.script.commands
        ):
            stripped = True
        elif is_root(ctx.model.state_at(located.offset).user) is not False:
            stripped = False
    return stripped


def _is_strip(command: Command) -> bool:
    words = [word.text for word in command.args()]
    return command.program == "find" and "-perm" in words and any(w.endswith("-s") for w in words)


def _fix(ctx: Context, stage: Stage, command: str) -> Fix | None:
    if is_root(ctx.model.end_state(stage).user) is not False:  # ends as root: after its last step
        insert = lines_after(insertion_point(stage))
        return _fix_of(lambda: insert(_run_line(ctx, command))) if insert is not None else None
    switch = _switch_from_root(ctx, stage)
    if switch is None:
        return None  # runs as another user from the start: no step here could strip as root
    user_run = _user_creating_run(stage, switch)
    edit = append_command(user_run, command) if user_run is not None else None
    if edit is not None:
        return _fix_of(lambda: (edit,))
    at, _ = ctx.comment_block_above(switch)  # the comments above the USER stay with it
    return _fix_of(lambda: (Edit.insertion(at, _run_line(ctx, command)),))


def _switch_from_root(ctx: Context, stage: Stage) -> Located | None:
    """The stage's last USER that leaves root for another user."""
    for located in reversed(stage.instructions):
        if located.node.upper_keyword != "USER":
            continue
        before = ctx.model.state_at(located.offset).user
        after = located.node.buildkit.value[0] if located.node.buildkit.value else None
        if is_root(before) is True and is_root(after) is False:
            return located
    return None


def _user_creating_run(stage: Stage, switch: Located) -> Run | None:
    """The RUN right before ``switch`` when it creates a user and runs one shell script."""
    from fixer.shell import run_scripts

    index = stage.instructions.index(switch)
    previous = stage.instructions[index - 1] if index > 0 else None
    if previous is None or previous.node.upper_keyword != "RUN":
        return None
    scripts = run_scripts(previous.node)
    if len(scripts) != 1 or not creates_accounts(scripts[0].script):
        return None
    return Run(previous, scripts[0])


def _run_line(ctx: Context, command: str) -> str:
    return ctx.render("users/strip_setid.j2", command=command)


def _fix_of(edits: Callable[[], Iterable[Edit]]) -> Fix:
    """The fix, its edits made (its RUN rendered) only when they are read."""
    return Fix.later("Strip the setuid and setgid bits", edits, Applicability.UNSAFE)
