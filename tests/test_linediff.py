"""The anchored line diff (fixer/linediff.py): every diff it makes turns the old text into the new
one, applied by GNU patch as well as read back from the opcodes; it pairs lines as difflib does
where the anchors leave nothing to choose; and it stays linear on a 1 MiB file where difflib's
own matcher is not (measured by counting, not timing)."""

from __future__ import annotations

import difflib
import itertools
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fixer.linediff import LineMatcher, split_lines
from fixer.report.diff import unified_diff

# Few distinct lines, so that most repeat and the anchors (lines found once on each side) are rare.
LINES = st.lists(
    st.sampled_from(["RUN a\n", "RUN b\n", "\n", "# c\n", "RUN d\r\n", "ENV e=1\n"]), max_size=25
)


@st.composite
def texts(draw: st.DrawFn) -> str:
    lines = [*draw(LINES), draw(st.sampled_from(["", "CMD x", "RUN a"]))]
    return "".join(lines) + draw(st.sampled_from(["", "\n"]))


def rebuilt(old: str, new: str) -> str:
    a, b = split_lines(old), split_lines(new)
    out = []
    for tag, i1, i2, j1, j2 in LineMatcher(a, b).get_opcodes():
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        out += b[j1:j2]
    return "".join(out)


@given(texts(), texts())
def test_the_opcodes_turn_the_old_lines_into_the_new(old: str, new: str) -> None:
    assert rebuilt(old, new) == new


@given(texts(), texts())
def test_the_matching_blocks_ascend_without_touching_as_difflib_returns_them(old: str, new: str) -> None:
    blocks = LineMatcher(split_lines(old), split_lines(new)).get_matching_blocks()
    assert blocks[-1] == (len(split_lines(old)), len(split_lines(new)), 0)
    for (i, j, n), (k, m, _) in itertools.pairwise(blocks[:-1]):
        assert n > 0 and i + n <= k and j + n <= m and (i + n, j + n) != (k, m)


@pytest.mark.skipif(shutil.which("patch") is None, reason="GNU patch is not installed")
@given(texts(), texts())
def test_gnu_patch_applies_the_unified_diff(
    tmp_path_factory: pytest.TempPathFactory, old: str, new: str
) -> None:
    directory = tmp_path_factory.mktemp("patch")
    (directory / "Dockerfile").write_bytes(old.encode())
    diff = unified_diff(old, new, "Dockerfile")
    done = subprocess.run(
        ["patch", "-p1", "--binary", "--quiet", "--no-backup-if-mismatch"],
        cwd=directory,
        input=diff.encode(),
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (directory / "Dockerfile").read_bytes() == new.encode()


def test_lines_found_once_on_each_side_pair_as_difflib_pairs_them() -> None:
    old = "".join(f"RUN step {n}\n" for n in range(200))
    new = old.replace("RUN step 50\n", "RUN step 50 && rm -rf /tmp/x\n").replace("RUN step 150\n", "")
    mine = unified_diff(old, new, "Dockerfile")
    theirs = "".join(difflib.unified_diff(split_lines(old), split_lines(new), "a/Dockerfile", "b/Dockerfile"))
    assert mine == theirs


def test_a_one_mebibyte_file_is_matched_in_short_stretches(monkeypatch: pytest.MonkeyPatch) -> None:
    # difflib's find_longest_match rescans the whole range at every level of its recursion;
    # between anchors each call sees only the lines around one change.
    old = "".join(f"RUN echo {n}\n" for n in range(80_000))
    new = "".join(f"RUN echo {n}{' && true' if n % 97 == 0 else ''}\n" for n in range(80_000))
    assert len(old) > 1 << 20
    scanned = 0
    original = difflib.SequenceMatcher.find_longest_match

    def counting(
        self: difflib.SequenceMatcher[str],
        alo: int = 0,
        ahi: int | None = None,
        blo: int = 0,
        bhi: int | None = None,
    ) -> difflib.Match:
        nonlocal scanned
        scanned += (len(self.a) if ahi is None else ahi) - alo
        return original(self, alo, ahi, blo, bhi)

    monkeypatch.setattr(difflib.SequenceMatcher, "find_longest_match", counting)
    assert rebuilt(old, new) == new
    assert scanned < 10 * len(split_lines(old)) // 97  # a few lines per change, not the file per level


def test_split_lines_keeps_every_ending_and_a_last_line_without_one() -> None:
    assert split_lines("a\r\nb\n\x0cc") == ["a\r\n", "b\n", "\x0cc"]
    assert split_lines("") == []
    assert split_lines("a\n") == ["a\n"]
