"""Unified diffs that keep every line ending as in the file.

difflib is given lines split on ``\\n`` only (``str.splitlines`` would also split on ``\\r``,
form feeds and Unicode separators), so CRLF lines appear in the diff as CRLF, as in git. A last
line without a newline gets git's ``\\ No newline at end of file`` marker, which difflib lacks
(https://bugs.python.org/issue2142; Black works around it the same way).
"""

from __future__ import annotations

import difflib

NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(old: str, new: str, path: str, context: int = 3, created: bool = False) -> str:
    """The diff from ``old`` to ``new`` with ``--- a/path`` / ``+++ b/path`` headers; "" if equal.
    A file ``created`` is diffed from ``/dev/null``, as git and patch(1) expect."""
    name = path.lstrip("/")  # git's a/ b/ prefixes; an absolute path keeps one slash
    before = "/dev/null" if created else f"a/{name}"
    lines = difflib.unified_diff(_lines(old), _lines(new), before, f"b/{name}", n=context)
    return "".join(line if line.endswith("\n") else line + "\n" + NO_NEWLINE for line in lines)


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])
