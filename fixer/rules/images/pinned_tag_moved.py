"""DF402 pinned-tag-moved: ``image:tag@sha256:…`` whose tag now names another image (``--refresh``)."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.diagnostic import Applicability, Fix
from fixer.registry.manifest import Move
from fixer.rules._base import Context, FixAvailability, FixSafety, Rule, Violation
from fixer.rules.images._references import image_uses


class PinnedTagMoved(Rule):
    """## What it does
    With ``dfix --refresh``, asks the registry what each pinned image's tag names now, and
    finds the pins whose tag has moved: a new release, a rebuilt base with security fixes.

    ## Why is this bad?
    A pin keeps the build reproducible, and also keeps it on the image it was pinned to after
    the publisher has shipped fixes. Refreshing the pins is how a pinned file gets those fixes,
    reviewed as a change of digest.

    ## Example
    ```dockerfile
    FROM python:3.12-slim@sha256:<the digest the tag named last month>
    ```

    With ``dfix --refresh``:
    ```dockerfile
    FROM python:3.12-slim@sha256:<the digest the tag names now>
    ```

    ## Fix safety
    Unsafe by nature: the build gets another image, which is the point of a refresh.
    ``--refresh`` is the request for it, so it applies these fixes (as configuration's
    ``extend-safe-fixes`` would); the message says from which digest to which. A pin of the
    tag's index moves to its index now. A pin of one platform's manifest stays a per-platform
    pin: it moves to that platform's image in the tag's index now, and the fix says so; when
    that image is the pinned one (only other platforms were rebuilt), nothing is reported.
    The rule is opt-in and needs ``--refresh`` (the network); it reports nothing without it.

    ## References
    - Renovate's digest updates, Dependabot's docker updater
    """

    code = "DF402"
    name = "pinned-tag-moved"
    summary = "a pinned image whose tag now names another image"
    fix_title = "Move the pin to the tag's digest now"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = FixSafety.UNSAFE
    opt_in = True  # on with --refresh

    def check(self, ctx: Context) -> Iterator[Violation]:
        if ctx.pins is None or not ctx.pins.moves:
            return
        for use in image_uses(ctx):
            old = use.image.digest
            if use.tag is None or old is None:
                continue
            answer = ctx.pins.moves.get((use.tag, old))
            if answer is None:
                continue
            name = use.written.partition("@")[0]
            if not isinstance(answer, Move):
                yield self.violation(
                    use.start, use.end, f"the pin of `{name}` could not be refreshed: {answer}"
                )
                continue
            child = f" (its {answer.platform} image: the pin is one platform's)" if answer.platform else ""
            message = f"`{name}` now names {answer.digest[:19]}…{child}, not the pinned {old[:19]}…"
            edit = use.rewrite(f"{name}@{answer.digest}") if use.rewrite is not None else None
            fix = (
                None
                if edit is None
                else Fix(f"Move the pin of `{name}`{child}", (edit,), Applicability.UNSAFE)
            )
            yield self.violation(use.start, use.end, message, fix)
