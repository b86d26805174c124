"""Edits that put new instructions on lines of their own after an existing one.

Text inserted at an instruction's end lands on the next physical line, and two kinds of
instruction's end make that line part of the instruction instead:

- the file ends without a line ending (or with a lone ``\\r``, which BuildKit trims): the
  insertion would extend the last line; a line ending goes in front of the new text, and the
  file still ends without one;
- the file ends inside a continuation (``RUN make \\`` as its last line): BuildKit ends the
  instruction at the end of the file, but every line written after it would join it. The
  dangling escape goes, with the blanks around it: at the end of the file it continued nothing,
  and BuildKit trims the blanks that end a logical line, so the instruction reads the same. When
  what is left still ends in an escape, nothing can close the line and nothing is inserted.

After a heredoc the new lines follow a blank line: BuildKit ignores it, and hadolint (2.12)
rejects an instruction on the line right after a heredoc's terminator, so without it every
file dfix added a USER to after a heredoc would fail the hadolint step of its CI.
"""

from __future__ import annotations

from collections.abc import Callable

from fixer.diagnostic import Edit
from fixer.syntax import Located, SourceLine

UNCLOSABLE = "the file ends in an escape after an escaped blank, which no new line can follow"
"""Why a fix that adds lines after the last instruction is not offered, for its message."""


def insert_lines_after(located: Located, text: str) -> tuple[Edit, ...] | None:
    """The edits that put ``text`` (whole lines, each with its line ending) right after
    ``located``; None when its last line cannot be closed without changing it."""
    insert = lines_after(located)
    return insert(text) if insert is not None else None


def lines_after(located: Located) -> Callable[[str], tuple[Edit, ...]] | None:
    """``insert_lines_after`` in two steps: whether lines can follow ``located`` (None when its
    last line cannot be closed without changing it), known without their text, and then the
    edits for a text, so that a fix made later (``Fix.later``) renders its text only when its
    edits are asked for."""
    node = located.node
    closing: tuple[Edit, ...] = ()  # the dangling escape's deletion, if any
    last = _open_last_line(located)
    if last is not None:
        offset, line = last
        kept = line.text.rstrip(" \t")
        if kept.endswith(node.escape):  # `a\ \`: that escaped blank is part of the instruction
            return None
        closing = (Edit.deletion(offset + len(kept), offset + len(line.text + line.continuation)),)

    def insert(text: str) -> tuple[Edit, ...]:
        newline = "\r\n" if text.endswith("\r\n") else "\n"
        if node.heredocs:
            text = newline + text
        if not node.ends_line:  # also a lone `\r` at the end: BuildKit trims it, but it joins what follows
            text = newline + text.removesuffix(newline)
        return (*closing, Edit.insertion(located.end, text))

    return insert


def _open_last_line(located: Located) -> tuple[int, SourceLine] | None:
    """The instruction's last source line and its offset, when it continues past the end of the
    file (never with heredocs: their bodies end the instruction)."""
    if located.node.heredocs:
        return None
    offset, last = located.offset, None
    for line in located.node.lines:
        if isinstance(line, SourceLine):
            last = (offset, line)
        offset += len(line.code)
    return last if last is not None and last[1].continuation else None
