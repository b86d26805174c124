"""DF404 latest-tag: an image named without a tag, or by ``latest``, and not pinned by digest."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.rules._base import Context, Rule, Violation
from fixer.rules.images._references import image_uses


class LatestTag(Rule):
    """## What it does
    Finds images referenced without a tag (`FROM alpine`) or by `latest`, with no digest:
    in `FROM`, `COPY --from=<image>`, `RUN --mount=…,from=<image>`. `scratch`, stages and
    references assembled from ARGs without a value are left alone.

    ## Why is this bad?
    `latest` is whatever the publisher pushed last: the same Dockerfile builds another
    image next week (a new major version, another distribution release), and a rebuild to
    fix one thing brings every other change along. Builds cannot be reproduced or audited.

    ## Example
    ```dockerfile
    FROM python
    ```

    Use instead:
    ```dockerfile
    FROM python:3.12-slim-bookworm
    ```
    and pin it (`dfix --pin`, rule `unpinned-image`) to build the same image every time.

    ## Fix safety
    No fix: which version the file means is the user's choice; `--pin` records the one
    `latest` is today, and says so.

    ## References
    - hadolint DL3006 and DL3007; Checkov CKV_DOCKER_7
    """

    code = "DF404"
    name = "latest-tag"
    summary = "An image referenced by `latest` or by no tag"
    aliases = ("DL3006", "DL3007", "CKV_DOCKER_7")

    def check(self, ctx: Context) -> Iterator[Violation]:
        for use in image_uses(ctx):
            if use.pinned or use.kind == "# syntax=" or use.image.repository == "scratch":
                continue
            if use.image.resolved is None:  # an ARG without a value: the build says which image
                continue
            tag = use.image.tag
            if tag is None or tag == "latest":
                said = "no tag (so `latest`)" if tag is None else "`latest`"
                message = f"`{use.written}` names {said}: each build may get another image"
                yield self.violation(use.start, use.end, message)
