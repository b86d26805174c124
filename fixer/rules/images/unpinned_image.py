"""DF401 unpinned-image: an external image named by tag alone, so the build takes whatever the
registry serves that day."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.diagnostic import Applicability, Fix
from fixer.registry.manifest import Manifest
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules.images._references import ImageUse, image_uses


class UnpinnedImage(Rule):
    """## What it does
    Finds external images named without a digest: every ``FROM`` image, ``COPY --from=<image>``,
    ``RUN --mount=…,from=<image>`` and the ``# syntax=`` frontend.

    ## Why is this bad?
    A tag is a name the image's publisher can move: ``python:3.12-slim`` is a different image
    every few weeks, and a compromised or mistaken push reaches every build that names it. A
    digest names exactly the image that was reviewed and tested; the tag stays beside it for
    the reader (and for Renovate, Dependabot and ``dfix --refresh`` to update).

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    ```

    With ``dfix --pin``:
    ```dockerfile
    FROM python:3.12-slim@sha256:<the digest the tag names now>
    ```

    The rule is opt-in: ``--pin``, ``--offline`` and ``--refresh`` turn it on, and so does
    selecting it (``--select DF401``, ``select = ["DF4"]``), which reports unpinned images
    without asking any registry.

    ## Fix safety
    The fix needs ``--pin`` (dfix asks the registry: its only network use) or ``--offline`` (the
    digest cache of earlier runs only). It is safe: the digest is the one the tag names now, so
    today's build pulls the same image. For a multi-platform image it is the digest of the
    index (manifest list), never of one platform's manifest, so every platform still builds.
    ``--platform`` and ``AS name`` are kept; an untagged image is pinned as ``:latest`` and the
    fix says so. ``FROM ${BASE}`` whose value is wholly the default of one ``ARG BASE=…`` is
    pinned inside that ARG; a reference assembled from several ARGs, or from an ARG other
    instructions read too, is reported and never half-rewritten. Stage names and ``scratch``
    are not images; an image that cannot be resolved (unknown tag, registry down, no
    credentials) is reported with the reason, and the rest of the file is still fixed.

    ## References
    - Renovate ``pinDigests``, Scorecard ``Pinned-Dependencies``
    - https://docs.docker.com/build/building/best-practices/#pin-base-image-versions
    """

    code = "DF401"
    name = "unpinned-image"
    summary = "an external image named without a digest"
    fix_title = "Pin the image to its digest"
    fix_availability = FixAvailability.SOMETIMES
    opt_in = True  # on with --pin, --offline or --refresh, or when selected

    def check(self, ctx: Context) -> Iterator[Violation]:
        for use in image_uses(ctx):
            if not use.pinned:
                yield self.violation(use.start, use.end, *_message_and_fix(ctx, use))


def _message_and_fix(ctx: Context, use: ImageUse) -> tuple[str, Fix | None]:
    where = (
        f"`{use.written}`"
        if use.kind != "ARG"
        else f"the default of the ARG the FROM reads (`{use.written}`)"
    )
    unpinned = f"{where} is not pinned to a digest"
    if use.problem is not None:
        return f"{unpinned}; not pinned: {use.problem}", None
    if ctx.pins is None or use.tag is None or use.rewrite is None:
        return f"{unpinned} (`dfix --pin` resolves it)", None
    answer = ctx.pins.tags.get(use.tag)
    if not isinstance(answer, Manifest):
        reason = "it was not resolved" if answer is None else str(answer)
        return f"{unpinned}; could not pin: {reason}", None
    tag = "" if use.image.tag is not None else ":latest"
    edit = use.rewrite(use.written + tag + "@" + answer.digest)
    if edit is None:
        return f"{unpinned}; not pinned: it is written in a way dfix cannot rewrite", None
    kind = "index of every platform" if answer.is_index else "manifest"
    latest = " (untagged: pinned as `latest`, the tag it pulls)" if tag else ""
    title = f"Pin `{use.written}` to {answer.digest[:19]}… ({kind}){latest}"
    return unpinned, Fix(title, (edit,), Applicability.SAFE)
