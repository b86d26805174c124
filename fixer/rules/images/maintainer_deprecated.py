"""DF405 maintainer-deprecated: ``MAINTAINER``, which BuildKit deprecates for a label."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.rules._base import Context, Rule, Violation


class MaintainerDeprecated(Rule):
    """## What it does
    Finds `MAINTAINER`, deprecated since Docker 1.13.

    ## Why is this bad?
    It sets the image config's `Author` field, which tools no longer read; the OCI label
    `org.opencontainers.image.authors` is what registries and scanners show.

    ## Example
    ```dockerfile
    MAINTAINER Jane Doe <jane@example.com>
    ```

    Use instead:
    ```dockerfile
    LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    ```

    ## Fix safety
    No fix yet: the label is another field of the image config than `Author`, which a
    consumer may still read.

    ## References
    - BuildKit check MaintainerDeprecated; hadolint DL4000; Checkov CKV_DOCKER_6
    """

    code = "DF405"
    name = "maintainer-deprecated"
    summary = "`MAINTAINER` is deprecated"
    aliases = ("MaintainerDeprecated", "DL4000", "CKV_DOCKER_6")

    def check(self, ctx: Context) -> Iterator[Violation]:
        for located in ctx.instructions:
            if located.node.upper_keyword == "MAINTAINER":
                message = "`MAINTAINER` is deprecated: use `LABEL org.opencontainers.image.authors=…`"
                yield self.violation(located.keyword_start, located.content_end, message)
