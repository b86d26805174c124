"""BuildKit's line rules (``frontend/dockerfile/parser/parser.go``, ``directives.go``), as pure functions.

BuildKit reads a Dockerfile as physical lines split on ``\\n`` alone; a line's ending is every
trailing ``\\r``/``\\n`` (``trimNewline``). These helpers answer the questions its parser asks of
one line: is it a directive, a comment, blank, and does it continue onto the next line?
"""

from __future__ import annotations

import re

from fixer.syntax.buildkit import GO_SPACE

MAX_LINE_BYTES = 65536
"""bufio.Scanner's token limit: BuildKit rejects a longer line ("dockerfile line greater than max
allowed size of 65535")."""

DIRECTIVES = frozenset({"syntax", "escape", "check"})
ESCAPE_CHARS = frozenset({"\\", "`"})

# Go's `\s` is ASCII-only and its `$` is end-of-text: spell both out rather than use Python's.
_DIRECTIVE_RE = re.compile(r"#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\Z")
_GO_SPACE_CHARS = "".join(sorted(GO_SPACE))


def split_lines(text: str) -> list[tuple[str, str]]:
    """Split into (content, ending) per physical line, as bufio.Scanner + trimNewline do.

    Only ``\\n`` ends a line (``str.splitlines`` would also split on ``\\r``, ``\\f``, ``\\x1c`` …);
    the ending is the run of ``\\r``/``\\n`` at the end, so a lone ``\\r`` inside a line stays content.
    """
    pieces = text.split("\n")
    lines = []
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        if last and not piece:
            break
        content = piece.rstrip("\r")
        lines.append((content, piece[len(content) :] + ("" if last else "\n")))
    return lines


def lstrip_go(text: str) -> str:
    """Go's ``bytes.TrimLeftFunc(s, unicode.IsSpace)``: BuildKit's idea of leading whitespace."""
    return text.lstrip(_GO_SPACE_CHARS)


def is_comment(content: str) -> bool:
    return lstrip_go(content).startswith("#")


def is_blank(content: str) -> bool:
    return not lstrip_go(content)


def match_directive(content: str) -> tuple[str, str] | None:
    """(key, value) if the line reads as a known parser directive, else None.

    BuildKit matches the left-trimmed line; an unknown key (``# foo=bar``) is a plain comment
    and ends the directive block, so it answers None here.
    """
    found = _DIRECTIVE_RE.match(lstrip_go(content))
    if found is None:
        return None
    key = found.group(1).lower()
    return (key, found.group(2)) if key in DIRECTIVES else None


def split_continuation(content: str, escape: str) -> tuple[str, str]:
    """Split a line into (text, continuation marker); the marker is ``""`` when the line ends.

    BuildKit's regex is ``([^E])E[ \\t]*$|^E[ \\t]*$`` for escape character E: the line goes on
    when it ends in one escape character, blanks after it allowed, not preceded by another
    (``foo \\\\`` ends). Leading whitespace is never E, so first lines (which BuildKit left-trims
    first) follow the same rule.
    """
    body = content.rstrip(" \t")
    if not body.endswith(escape):
        return content, ""
    at = len(body) - 1
    if at > 0 and body[at - 1] == escape:
        return content, ""
    return content[:at], content[at:]
