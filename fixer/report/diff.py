"""Unified diffs that keep every line ending as in the file.

Lines are split on ``\\n`` only (see ``fixer.linediff``), so CRLF lines appear in the diff as
CRLF, as in git. A last line without a newline gets git's ``\\ No newline at end of file``
marker, which difflib lacks (https://bugs.python.org/issue2142; Black works around it the same
way). The hunks are difflib's, written as ``difflib.unified_diff`` writes them, from the
anchored matcher that keeps a 1 MiB file's diff linear.
"""

from __future__ import annotations

from collections.abc import Iterator

from fixer.linediff import LineMatcher, split_lines

NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(old: str, new: str, path: str, context: int = 3, created: bool = False) -> str:
    """The diff from ``old`` to ``new`` with ``--- a/path`` / ``+++ b/path`` headers; "" if equal.
    A file ``created`` is diffed from ``/dev/null``, as git and patch(1) expect."""
    name = path.lstrip("/")  # git's a/ b/ prefixes; an absolute path keeps one slash
    before = "/dev/null" if created else f"a/{name}"
    lines = _unified(split_lines(old), split_lines(new), before, f"b/{name}", context)
    return "".join(line if line.endswith("\n") else line + "\n" + NO_NEWLINE for line in lines)


def _unified(a: list[str], b: list[str], before: str, after: str, context: int) -> Iterator[str]:
    for index, group in enumerate(LineMatcher(a, b).get_grouped_opcodes(context)):
        if index == 0:
            yield f"--- {before}\n"
            yield f"+++ {after}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in a[i1:i2])
                continue
            if tag in ("replace", "delete"):
                yield from ("-" + line for line in a[i1:i2])
            if tag in ("replace", "insert"):
                yield from ("+" + line for line in b[j1:j2])


def _range(start: int, stop: int) -> str:
    """A hunk's line range as unified diffs write it (``3`` for one line, ``2,0`` for none)."""
    length = stop - start
    if length == 1:
        return f"{start + 1}"
    return f"{start + 1 if length else start},{length}"
