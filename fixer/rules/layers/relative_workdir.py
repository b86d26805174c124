"""DF503 relative-workdir: a ``WORKDIR`` given relative to the one before it."""

from __future__ import annotations

import ntpath
import posixpath
from collections.abc import Iterator

from fixer.diagnostic import Edit, Fix
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._stages import chain


class RelativeWorkdir(Rule):
    """## What it does
    Finds a `WORKDIR` whose path is relative (`WORKDIR app`): it is read against the
    `WORKDIR` in force, which may come from the base image, another stage, or an
    instruction far above. Paths with variables, and Windows paths (`c:\\app`), are left
    alone.

    ## Why is this bad?
    Where the steps after it run depends on everything before it: a `WORKDIR` added or
    changed upstream (or in the base image) moves them silently, and a reader has to replay
    the file to know the directory.

    ## Example
    ```dockerfile
    FROM node:20
    WORKDIR /srv
    WORKDIR app
    ```

    Use instead:
    ```dockerfile
    FROM node:20
    WORKDIR /srv
    WORKDIR /srv/app
    ```

    ## Fix safety
    Safe when the `WORKDIR` in force is known from the file itself (a `WORKDIR` earlier in
    the stage or the stages it is built on): the absolute path is the one the build uses.
    When the directory comes from the base image, there is no fix.

    ## References
    - BuildKit check WorkdirRelativePath; Checkov CKV_DOCKER_10; hadolint DL3000
    """

    code = "DF503"
    name = "relative-workdir"
    summary = "A relative WORKDIR"
    fix_title = "Write the WORKDIR as the absolute path it is"
    fix_availability = FixAvailability.SOMETIMES
    aliases = ("WorkdirRelativePath", "CKV_DOCKER_10", "DL3000")

    def check(self, ctx: Context) -> Iterator[Violation]:
        for located in ctx.instructions:
            node = located.node.buildkit
            if node.cmd.upper() != "WORKDIR" or len(node.value) != 1:
                continue
            path = node.value[0]
            unquoted = path.strip("\"'")
            if not unquoted or "$" in unquoted or unquoted.startswith("/") or ntpath.isabs(unquoted):
                continue
            before = ctx.model.state_at(located.offset).workdir
            fix = None
            at = located.node.code.find(path, len(located.node.keyword))
            if (
                _workdir_set_in_file(ctx, located.offset)
                and before
                and before.startswith("/")
                and at >= 0
                and not any(c.isspace() or c in "\"'\\" for c in unquoted + before)
            ):
                absolute = posixpath.normpath(posixpath.join(before, unquoted))
                start = located.offset + at
                fix = Fix.safe(self.fix_title or "", Edit.replacement(start, start + len(path), absolute))
            in_force = before or "the base image's"
            message = f"`WORKDIR {path}` is relative to the WORKDIR in force ({in_force})"
            yield self.violation(located.keyword_start, located.content_end, message, fix)


def _workdir_set_in_file(ctx: Context, offset: int) -> bool:
    """Whether a WORKDIR of the stage's chain, before ``offset``, sets the directory in force."""
    stage = ctx.model.stage_of(offset)
    return stage is not None and any(
        loc.node.upper_keyword == "WORKDIR" and loc.offset < offset
        for current in chain(stage)
        for loc in current.instructions
    )
