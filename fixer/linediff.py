"""Line diffs that stay fast on a 1 MiB file: difflib, anchored on the lines both sides share once.

``difflib.SequenceMatcher`` looks for the longest matching block over the whole range, then
again on each side of it: on a long file with fixes spread through it, every level of that
recursion rescans most of the file, and the diff of a 1 MiB Dockerfile took longer than a third of
a second. Fixes change few lines and keep the rest in order, so most lines occur exactly once on
each side. Those are the anchors (git's patience diff picks them the same way: the longest run of
such lines in the same order on both sides); difflib then matches only the short stretches between
two anchors. A file without such lines is one stretch: plain difflib.

Lines are split on ``\\n`` only (``str.splitlines`` would also split on ``\\r``, form feeds and
Unicode separators), so a CRLF line is one line ending in ``\\r\\n``, as git shows it.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter

__all__ = ["LineMatcher", "split_lines"]


def split_lines(text: str) -> list[str]:
    """The lines of ``text``, each with its ``\\n`` (the last one may have none)."""
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


class LineMatcher(difflib.SequenceMatcher[str]):
    """A ``SequenceMatcher`` over two lists of lines whose matching blocks are found between
    anchors; ``get_opcodes`` and ``get_grouped_opcodes`` work on them as difflib's own do."""

    def __init__(self, a: list[str], b: list[str]) -> None:
        super().__init__(None, a, b, autojunk=False)
        self._lines = a, b  # difflib's own ``a``/``b``, which typeshed does not declare
        self._blocks: list[difflib.Match] | None = None

    def get_matching_blocks(self) -> list[difflib.Match]:
        if self._blocks is None:
            a, b = self._lines
            blocks = [difflib.Match(*block) for block in _joined(_match(a, b, 0, len(a), 0, len(b)))]
            self._blocks = [*blocks, difflib.Match(len(a), len(b), 0)]
        return self._blocks


_MAX_DEPTH = 32  # nested stretches: far below the recursion limit, far above what files need


def _match(
    a: list[str], b: list[str], i: int, i_end: int, j: int, j_end: int, depth: int = 0
) -> list[tuple[int, int, int]]:
    """The matching blocks of ``a[i:i_end]`` and ``b[j:j_end]``: the lines they start and end
    with alike, then the stretches between the anchors of what is left, each matched the same
    way (a line repeated through the file may occur once in a stretch); difflib's own match
    where a stretch has no anchor, or where stretches nest past ``_MAX_DEPTH``."""
    head = 0
    while i + head < i_end and j + head < j_end and a[i + head] == b[j + head]:
        head += 1
    tail = 0
    while i_end - tail > i + head and j_end - tail > j + head and a[i_end - tail - 1] == b[j_end - tail - 1]:
        tail += 1
    blocks = [(i, j, head)] if head else []
    i, j, i_end, j_end = i + head, j + head, i_end - tail, j_end - tail
    if i < i_end and j < j_end:
        anchors = _anchors(a[i:i_end], b[j:j_end]) if depth < _MAX_DEPTH else []
        if anchors:  # each anchor's place in the whole lists, then the stretch's end
            for x, y in [*((i + x, j + y) for x, y in anchors), (i_end, j_end)]:
                blocks += _match(a, b, i, x, j, y, depth + 1)
                if x < i_end:
                    blocks.append((x, y, 1))
                i, j = x + 1, y + 1
        else:
            between = difflib.SequenceMatcher(None, a[i:i_end], b[j:j_end], autojunk=False)
            blocks += ((i + x, j + y, n) for x, y, n in between.get_matching_blocks() if n)
    if tail:
        blocks.append((i_end, j_end, tail))
    return blocks


def _anchors(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """The pairs of positions of lines that occur once in ``a`` and once in ``b``, the longest
    chain of them ascending on both sides (patience sorting: a longest increasing subsequence)."""
    counts_a, counts_b = Counter(a), Counter(b)
    in_b = {line: j for j, line in enumerate(b) if counts_b[line] == 1}
    pairs = [(i, in_b[line]) for i, line in enumerate(a) if counts_a[line] == 1 and line in in_b]
    tails: list[int] = []  # tails[k]: the smallest b position ending an ascending chain of k + 1
    tail_index: list[int] = []  # the pair that ends it
    previous: list[int] = []  # for each pair, the pair before it in its chain (-1: none)
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        previous.append(tail_index[k - 1] if k else -1)
        if k == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[k], tail_index[k] = j, index
    chain: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index != -1:
        chain.append(pairs[index])
        index = previous[index]
    return chain[::-1]


def _joined(blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Adjacent matching blocks as one, as difflib returns them."""
    joined: list[tuple[int, int, int]] = []
    for i, j, size in blocks:
        if joined and joined[-1][0] + joined[-1][2] == i and joined[-1][1] + joined[-1][2] == j:
            last = joined.pop()
            joined.append((last[0], last[1], last[2] + size))
        else:
            joined.append((i, j, size))
    return joined
