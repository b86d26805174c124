"""DF504 duplicate-stage-name: two stages with one name."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.rules._base import Context, Rule, Violation


class DuplicateStageName(Rule):
    """## What it does
    Finds a `FROM … AS name` whose name (case-insensitive, as BuildKit compares them) an
    earlier stage already has.

    ## Why is this bad?
    `COPY --from=name`, `--target name` and `FROM name` then mean one of the two, and which
    one depends on the builder: current BuildKit refuses the file, older builders take the
    last. Either way the file does not say what it builds.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS build
    FROM node:20 AS build
    ```

    Use instead: a name per stage (`AS build-go`, `AS build-web`).

    ## Fix safety
    No fix: which stage each reference means is the question.

    ## References
    - BuildKit check DuplicateStageName; Checkov CKV_DOCKER_11; hadolint DL3024
    """

    code = "DF504"
    name = "duplicate-stage-name"
    summary = "Two stages with one name"
    aliases = ("DuplicateStageName", "CKV_DOCKER_11", "DL3024")

    def check(self, ctx: Context) -> Iterator[Violation]:
        seen: dict[str, int] = {}
        for stage in ctx.model.stages:
            if stage.name is None:
                continue
            first = stage.instructions[0]
            if stage.name in seen:
                taken = f"stage name `{stage.name}` is taken by stage {seen[stage.name]}"
                message = f"{taken}: references to it are ambiguous"
                yield self.violation(first.keyword_start, first.content_end, message)
            else:
                seen[stage.name] = stage.index
