"""DF403 untrusted-registry: an image from a registry the project's ``allowed-registries`` omits."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from fixer.rules._base import Context, Rule, Violation
from fixer.rules.images._references import image_uses


class UntrustedRegistry(Rule):
    """## What it does
    With ``allowed-registries`` in the configuration, finds images (``FROM``, ``COPY --from``,
    ``RUN --mount=from=``, ``# syntax=``) from any other registry.

    ## Why is this bad?
    An organisation that mirrors and scans its base images wants every build to take them from
    its own registry; an image from elsewhere skips that review.

    ## Example
    ```toml
    [tool.dfix]
    allowed-registries = ["registry.example.com"]
    ```
    ```dockerfile
    FROM python:3.12-slim   # Docker Hub, not registry.example.com
    ```

    ## Fix safety
    No fix: another registry's image of the same name may be another image.

    Entries are registry hosts as references write them (``docker.io`` for Docker Hub, also
    for names without a registry; ``host:port``), with ``*`` and ``?`` as shell wildcards
    (``*.example.com``). ``FROM ${BASE}`` is judged by the default of ``ARG BASE``; a reference
    assembled from several ARGs, or one without a default, is not judged. Without ``allowed-registries``
    the rule says nothing.

    ## References
    - hadolint DL3026
    """

    code = "DF403"
    name = "untrusted-registry"
    summary = "an image from a registry `allowed-registries` does not list"
    aliases = ("DL3026",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        allowed = ctx.settings.allowed_registries
        if allowed is None:
            return
        for use in image_uses(ctx):
            if use.tag is None:
                continue
            registry = use.tag.repository.registry
            if not any(fnmatch.fnmatchcase(registry, pattern.lower()) for pattern in allowed):
                message = f"`{use.written}` comes from {registry}, which `allowed-registries` does not list"
                yield self.violation(use.start, use.end, message)
