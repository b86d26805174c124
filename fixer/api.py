"""The library entry point for fixing: ``fix(text) -> FixResult``."""

from __future__ import annotations

import bisect
import contextlib
import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fixer import engine
from fixer.context_files import FileChange
from fixer.diagnostic import Applicability, Diagnostic, TextEdit
from fixer.io import BOM
from fixer.rules import RULES, matches, select_rules
from fixer.rules.images.pinned_tag_moved import PinnedTagMoved
from fixer.rules.images.unpinned_image import UnpinnedImage
from fixer.settings import DEFAULT_SETTINGS, RegistrySettings, Settings

if TYPE_CHECKING:
    from fixer.registry.resolver import Pins, Resolver

__all__ = ["Applicability", "Diagnostic", "FileChange", "FixResult", "combined_edits", "fix"]


@dataclass(frozen=True, slots=True)
class FixResult:
    input: str
    output: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Other files of the build context the fixes edit (``.dockerignore``), for the caller to
    # show and, with ``--write``, to write after checking each is still what was read.
    files: tuple[FileChange, ...] = ()

    @property
    def changed(self) -> bool:
        return self.output != self.input or bool(self.files)

    def edits(self) -> list[TextEdit]:
        """The edits that turn ``input`` into ``output``, placed in the input, sorted, never
        overlapping: whole lines replaced, as the diff pairs them (``fixer.linediff``). An
        editor's format-on-save and a bot apply these; each finding's own edits are that fix
        alone, and two of them may overlap where one pass's fix rewrote what an earlier one
        wrote (DF110's merge over DF102's cleanup), so applying every finding's edits is not
        the output."""
        return combined_edits(self.input, self.output)


def combined_edits(before: str, after: str) -> list[TextEdit]:
    """Line-level edits from ``before`` to ``after``; positions as dfix gives them (lines end
    at ``\\n``; a byte-order mark is no column)."""
    if before == after:
        return []
    from fixer.linediff import LineMatcher, split_lines  # only when a file changed

    old, new = split_lines(before), split_lines(after)
    starts = [0, *itertools.accumulate(map(len, old))]
    bom = BOM if before.startswith(BOM) and after.startswith(BOM) else ""
    matcher = LineMatcher(old, new)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        content = "".join(new[j1:j2])
        start, end = starts[i1], starts[i2]
        if bom and start == 0:
            start, content = len(bom), content.removeprefix(bom)
        edits.append(
            TextEdit(*_position(before, starts, start, bom), *_position(before, starts, end, bom), content)
        )
    return edits


def _position(text: str, starts: list[int], offset: int, bom: str) -> tuple[int, int]:
    index = bisect.bisect_right(starts, offset) - 1
    if index == len(starts) - 1 and index > 0 and not text.endswith("\n"):
        index -= 1  # the end of a last line without a line ending
    column = offset - starts[index] + 1
    return index + 1, column - (len(bom) if index == 0 and bom else 0)


def fix(
    text: str,
    unsafe: bool = False,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    pin: bool = False,
    *,
    extend_safe_fixes: Sequence[str] = (),
    extend_unsafe_fixes: Sequence[str] = (),
    context: str | os.PathLike[str] | None = None,
    settings: Settings | None = None,
    resolver: Resolver | None = None,
    edit_files: bool = True,
    diagnostic_edits: bool = True,
) -> FixResult:
    """Fix ``text``; raises ``ParseError`` (and writes nothing) if BuildKit would reject it.

    ``diagnostics`` lists the findings fixed (``fixed=True``) and those left. ``pin`` pins
    images to their digests (DF401), asking the registries: dfix's only network use. A
    ``resolver`` says how (the digest cache only, a refresh, mirrors, insecure hosts) and is
    shared across files; passing one implies ``pin``.
    ``extend_safe_fixes`` / ``extend_unsafe_fixes`` name rules whose fixes are promoted to safe
    or demoted to unsafe (demotion wins). ``context`` is the build context directory (default:
    unknown); rules whose fix safety depends on the files there read it, and never write it.
    Fixes may edit other files of the context (``.dockerignore``): ``files`` lists them, and
    nothing is written; ``edit_files=False`` leaves such fixes as findings (the caller can only
    take the Dockerfile's text back, as with stdin).
    ``diagnostic_edits=False`` leaves each diagnostic's ``edits`` and ``file_edits`` empty, for
    a caller that shows only the findings (the text report): fixes that are not applied then
    never make their text (DF301 renders templates with jinja2), which is most of a first
    run's time. The output, and everything else in the diagnostics, is the same.
    """
    pinning = pin or resolver is not None
    # --refresh asks for the pins to move: DF402 runs, and its (unsafe) fixes apply
    refresh = resolver is not None and resolver.refreshing
    opt_in = [UnpinnedImage.code, *([PinnedTagMoved.code] if refresh else [])] if pinning else []
    rules = select_rules(select, ignore, opt_in=opt_in)
    if refresh:
        extend_safe_fixes = [*extend_safe_fixes, PinnedTagMoved.code]
    level = Applicability.UNSAFE if unsafe else Applicability.SAFE
    overrides = {
        rule.code: applicability
        for applicability, selectors in (
            (Applicability.SAFE, extend_safe_fixes),
            (Applicability.UNSAFE, extend_unsafe_fixes),
        )
        for rule in RULES
        if any(matches(rule, selector) for selector in selectors)
    }
    build_context = None
    if context is not None:
        from pathlib import Path  # not for stdin runs without a context (cold start)

        build_context = Path(context)
    pins = None
    if pinning and any(isinstance(rule, UnpinnedImage | PinnedTagMoved) for rule in rules):
        pins = _pins(text, resolver, (settings or DEFAULT_SETTINGS).registry)
    result = engine.run(
        text,
        rules,
        level,
        overrides,
        build_context,
        settings or DEFAULT_SETTINGS,
        pins,
        edit_files=edit_files,
        diagnostic_edits=diagnostic_edits,
    )
    return FixResult(input=text, output=result.output, diagnostics=result.diagnostics, files=result.files)


def _pins(text: str, resolver: Resolver | None, registry: RegistrySettings) -> Pins:
    """The digests of the file's unpinned image tags, and under ``--refresh`` where its pins move
    (parsing raises ``ParseError`` first)."""
    from fixer.registry.resolver import Pins, Resolver
    from fixer.rules._base import Context
    from fixer.rules.images._references import image_uses
    from fixer.syntax import parse

    uses = [use for use in image_uses(Context(text, parse(text))) if use.tag is not None]
    tags = {use.tag for use in uses if use.tag is not None and not use.pinned}
    pinned = {(use.tag, use.image.digest) for use in uses if use.tag is not None and use.image.digest}
    with contextlib.nullcontext(resolver) if resolver is not None else Resolver() as asked:
        moves = asked.refresh(pinned, registry) if asked.refreshing else {}
        return Pins(asked.resolve(tags, registry), moves)
