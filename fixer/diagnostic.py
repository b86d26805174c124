"""The fix vocabulary (ruff's): ``Edit`` text splices, a ``Fix`` of edits with an ``Applicability``,
and the ``Diagnostic`` a user sees.

Edits are splices over character offsets of the source text, so every character outside an
edit is copied verbatim and losslessness holds by construction.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import IntEnum


class Applicability(IntEnum):
    """How sure a fix is; a fix applies when its level is at least the one asked for."""

    DISPLAY = 0  # shown, never applied
    UNSAFE = 1  # may change behaviour or the build invocation: needs --unsafe-fixes
    SAFE = 2  # keeps the build's meaning except for the hardening it names

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True, order=True)
class Edit:
    """Replace ``text[start:end]`` with ``content`` (an insertion when start == end)."""

    start: int
    end: int
    content: str = ""

    @classmethod
    def insertion(cls, at: int, content: str) -> Edit:
        return cls(at, at, content)

    @classmethod
    def deletion(cls, start: int, end: int) -> Edit:
        return cls(start, end, "")

    @classmethod
    def replacement(cls, start: int, end: int, content: str) -> Edit:
        return cls(start, end, content)


@dataclass(frozen=True, slots=True)
class Fix:
    """Edits that must apply together, sorted and non-overlapping."""

    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.edits))
        for before, after in itertools.pairwise(ordered):
            if before.end > after.start:
                raise ValueError(f"overlapping edits in fix {self.title!r}: {before} / {after}")
        object.__setattr__(self, "edits", ordered)

    @classmethod
    def safe(cls, title: str, *edits: Edit) -> Fix:
        return cls(title, edits, Applicability.SAFE)

    @classmethod
    def unsafe(cls, title: str, *edits: Edit) -> Fix:
        return cls(title, edits, Applicability.UNSAFE)

    @property
    def start(self) -> int:
        return self.edits[0].start

    @property
    def end(self) -> int:
        return self.edits[-1].end

    def applies(self, level: Applicability) -> bool:
        return self.applicability >= level and self.applicability is not Applicability.DISPLAY


@dataclass(frozen=True, slots=True)
class TextEdit:
    """An edit as a user sees it: 1-based line/column range and the new text."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: where (1-based line and column), what, and whether its fix was applied."""

    rule: str
    name: str
    line: int
    column: int
    message: str
    applicability: Applicability | None = None  # None: the finding has no fix
    fixed: bool = False
    fix_title: str | None = None
    end_line: int | None = None
    end_column: int | None = None
    # The fix's edits. Like the finding itself, they are placed in the input text, whichever pass
    # found them (see fixer.engine.run); a later pass's edit content was written for the text after
    # the earlier passes' fixes, so it reads as "what changed here", not as an edit to replay on the
    # input: to apply fixes, use fix()'s output.
    edits: tuple[TextEdit, ...] = ()


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Splice sorted, non-overlapping edits into ``text``."""
    out, cursor = [], 0
    for edit in edits:
        out.append(text[cursor : edit.start])
        out.append(edit.content)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)
