"""Edits that put new instructions on lines of their own after an existing one.

Text inserted at an instruction's end lands on the next physical line, and two kinds of
instruction's end make that line part of the instruction instead:

- the file ends without a line ending: the insertion would extend the last line; the line
  ending goes in front of the new text, and the file still ends without one;
- the file ends inside a continuation (``RUN make \\`` as its last line): BuildKit ends the
  instruction at the end of the file, but every line written after it would join it. The
  dangling escape goes, with the blanks around it: at the end of the file it continued nothing,
  and BuildKit trims the blanks that end a logical line, so the instruction reads the same. When
  what is left still ends in an escape, nothing can close the line and nothing is inserted.
"""

from __future__ import annotations

from fixer.diagnostic import Edit
from fixer.syntax import Located, SourceLine

UNCLOSABLE = "the file ends in an escape after an escaped blank, which no new line can follow"
"""Why a fix that adds lines after the last instruction is not offered, for its message."""


def insert_lines_after(located: Located, text: str) -> tuple[Edit, ...] | None:
    """The edits that put ``text`` (whole lines, each with its line ending) right after
    ``located``; None when its last line cannot be closed without changing it."""
    node = located.node
    edits: list[Edit] = []
    if _ends_in_continuation(located):
        dangling = _dangling_escape(located)
        if dangling is None:
            return None
        edits.append(Edit.deletion(*dangling))
    if not node.trailing_newline:
        newline = "\r\n" if text.endswith("\r\n") else "\n"
        text = newline + text.removesuffix(newline)
    edits.append(Edit.insertion(located.end, text))
    return tuple(edits)


def _last_source_line(located: Located) -> tuple[int, SourceLine]:
    offset, last = located.offset, None
    for line in located.node.lines:
        if isinstance(line, SourceLine):
            last = (offset, line)
        offset += len(line.code)
    assert last is not None  # an instruction starts with its source line
    return last


def _ends_in_continuation(located: Located) -> bool:
    """Heredoc bodies end their instruction; otherwise a continued last source line leaves it open."""
    return not located.node.heredocs and bool(_last_source_line(located)[1].continuation)


def _dangling_escape(located: Located) -> tuple[int, int] | None:
    """The span of the escape continuing the last line past the end of the file, with the blanks
    before it; None when what is left would still end in an escape (``a\\ \\``: that escaped
    blank is part of the instruction, and no line break can keep it)."""
    offset, line = _last_source_line(located)
    kept = line.text.rstrip(" \t")
    if kept.endswith(located.node.escape):
        return None
    return offset + len(kept), offset + len(line.text + line.continuation)
