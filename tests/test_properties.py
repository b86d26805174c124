"""Property tests: generated, mutated and arbitrary text against the parser, the oracle and the fixer.

(a) round-trip   ``fixer.parse(x).code == x`` whenever parse succeeds
(b) faithful     ``to_buildkit()`` equals BuildKit's parse whenever BuildKit accepts, and fixer raises
                 ``ParseError`` (with BuildKit's message) exactly when BuildKit's parser raises
(c) robust       nothing but ``ParseError`` escapes ``fixer.parse`` / ``fixer.fix``, on any text
(d) fix          ``fixer.fix(x).output`` parses, round-trips, is a fixed point, and stays BuildKit-valid

Example counts come from the hypothesis profile (``HYPOTHESIS_PROFILE=dev|ci``, see conftest.py).
Run with ``--hypothesis-show-statistics`` to see how often each branch (faithful / both-reject /
blind) was exercised.
"""

from __future__ import annotations

import itertools

import buildkit_oracle as oracle
import pytest
from hypothesis import currently_in_test_context, event, example, given
from hypothesis import strategies as st
from strategies import dockerfile_soup, dockerfiles, line_soup, mutated_files

import fixer

needs_oracle = pytest.mark.skipif(
    not oracle.HAVE_BUILDKIT, reason="`dockerfile` (BuildKit's parser) not installed"
)

# Inputs that once broke something or sit on an edge of BuildKit's line reader.
TRICKY = [
    pytest.param("FROM x\n\\\n\\\n", id="escape-only-lines-make-a-keywordless-instruction"),
    pytest.param("\ufeff\ufeffFROM x\n", id="second-bom-is-part-of-the-keyword"),
    pytest.param("FROM x\rRUN a\r", id="lone-cr-is-no-line-break"),
    pytest.param("RUN a\\  \n b", id="whitespace-after-escape-no-final-newline"),
    pytest.param("FROM x\nRUN foo \\\\\nRUN b\n", id="escaped-escape-is-no-continuation"),
    pytest.param("# x\n# escape=`\nRUN a`\n b\n", id="directive-after-comment-is-a-comment"),
    pytest.param("FROM x\nRUN <<-EOF\n\t\thi\n\tEOF\n", id="chomp-trims-tabs-before-terminator-only"),
    pytest.param("FROM x\nONBUILD RUN <<EOF\nhi\nEOF\n", id="onbuild-heredoc"),
    pytest.param('FROM x\nRUN ["<<EOF"]\nEOF\n', id="no-heredoc-in-json-form"),
    pytest.param("RUN <<EOF\nx\nEOF", id="terminator-at-eof-without-newline"),
    pytest.param("FROM x\nRUN <<EOF\nhi\nEOF\r\r\n", id="terminator-then-cr-cr-lf"),
    pytest.param("\u00a0FROM x\n", id="leading-nbsp-is-trimmed"),
    pytest.param("FROM\u00a0x\n", id="nbsp-does-not-split-the-keyword"),
    pytest.param("FROM x\x0bAS y\n", id="vertical-tab-splits-words"),
    pytest.param("FROM x\nRUN \\\n# escape=`\n a\n", id="directive-inside-continuation"),
]


def record(outcome: str) -> None:
    """Count an outcome in hypothesis' statistics (a no-op in plain parametrized tests)."""
    if currently_in_test_context():
        event(outcome)


def parse_or_none(text: str) -> fixer.Dockerfile | None:
    try:
        return fixer.parse(text)
    except fixer.ParseError:
        return None


def assert_roundtrip(text: str) -> None:
    tree = parse_or_none(text)
    record("parsed" if tree is not None else "ParseError")
    if tree is not None:
        shown = f"\n  text: {oracle.shorten(text)}\n  code: {oracle.shorten(tree.code)}"
        assert tree.code == text, f"round-trip changed the text{shown}"


# (a) round-trip and (c) robustness: parse never raises anything but ParseError.


@given(dockerfiles(errors=True))
@example("\ufeff# escape=`\r\nFROM x\r\nRUN a`\r\n  b`\r\n")
@example("FROM x\nRUN a \\\n# c\n\n b")
def test_generated_files_roundtrip(text: str) -> None:
    assert_roundtrip(text)


@given(mutated_files())
def test_mutated_files_roundtrip(text: str) -> None:
    assert_roundtrip(text)


@given(st.one_of(st.text(), dockerfile_soup, line_soup))
@example("\x00")
@example("\r")
@example("\ufeff")
def test_arbitrary_text_roundtrips_or_raises_parse_error(text: str) -> None:
    assert_roundtrip(text)


# (b) faithful to BuildKit's parser, on acceptance and on rejection.


def assert_faithful(text: str) -> None:
    record(oracle.check_against_buildkit(text))


@needs_oracle
@given(dockerfiles(errors=True))
def test_generated_files_are_faithful(text: str) -> None:
    assert_faithful(text)


@needs_oracle
@given(mutated_files())
def test_mutated_files_are_faithful(text: str) -> None:
    assert_faithful(text)


@needs_oracle
@given(st.one_of(dockerfile_soup, line_soup, st.text()))
# Mismatches found by these properties, kept as explicit examples (minimal reproducers):
@example("# check=x\n# escape=`\nFROM x\nRUN a`\n b\n")  # `check` is no directive to this BuildKit
@example("FROM x\nRUN ${X-a} <<EOF\na\nEOF\n")  # heredoc after ${X-a} / ${X+a} / ${X:1} missed
def test_arbitrary_text_is_faithful(text: str) -> None:
    assert_faithful(text)


@needs_oracle
@pytest.mark.parametrize("text", TRICKY)
def test_tricky_inputs_are_faithful_and_roundtrip(text: str) -> None:
    assert_faithful(text)
    assert_roundtrip(text)


# (d) the fixer: output re-parses losslessly, is a fixed point, and stays valid for BuildKit.


def assert_fix_is_stable(text: str) -> None:
    """Safe fixes, then unsafe ones too: lossless output, a fixed point, still valid."""
    for unsafe in (False, True):
        try:
            result = fixer.fix(text, unsafe=unsafe)
        except fixer.ParseError:
            assert parse_or_none(text) is None, "fix raised ParseError on text parse accepts"
            record("ParseError")
            return
        out = result.output
        assert fixer.parse(out).code == out
        assert fixer.fix(out, unsafe=unsafe).output == out, f"fix is not idempotent (unsafe={unsafe})"
        if oracle.HAVE_BUILDKIT and oracle.bk_accepts(text):
            assert oracle.bk_accepts(out), f"fix made a valid Dockerfile invalid\n  output: {out!r}"
        record(("changed" if out != text else "unchanged") + (" (unsafe)" if unsafe else ""))


@given(dockerfiles())
def test_fix_of_generated_files_is_stable(text: str) -> None:
    assert_fix_is_stable(text)


@given(mutated_files())
# found by CI: the file ends in a continuation, and lines added after the last RUN joined it
@example("FROM debian:12\nRUN apt-get update && apt-get install -y curl && curl -s x | tee log \\\n")
@example("FROM debian:12\nRUN echo a\\ \\\n")
@example("# escape=`\r\nFROM debian:12\r\nRUN make `  \r\n# c\r\n")
# found by CI: a lone CR ends the file, which BuildKit trims but which closes no line
@example("\nFROM \\\nalpine\nCOPY src \\\n#\r")
def test_fix_of_mutated_files_is_stable(text: str) -> None:
    assert_fix_is_stable(text)


def _apply_line_edits(text: str, edits: list[fixer.api.TextEdit]) -> str:
    """Apply edits by line and column as an editor does (a BOM is no column)."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    bom = len(fixer.api.BOM) if text.startswith(fixer.api.BOM) else 0

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1 + (bom if line == 1 else 0)

    for edit in reversed(edits):
        text = (
            text[: offset(edit.line, edit.column)]
            + edit.content
            + text[offset(edit.end_line, edit.end_column) :]
        )
    return text


_TEXT = st.text(alphabet="ab\n\r\ufeff", max_size=30)


@given(before=_TEXT, after=_TEXT)
def test_combined_edits_turn_the_input_into_the_output(before: str, after: str) -> None:
    bom = fixer.api.BOM
    before, after = before.replace(bom, ""), after.replace(bom, "")
    for first, second in ((before, after), (bom + before, bom + after)):
        edits = fixer.api.combined_edits(first, second)
        positions = [((e.line, e.column), (e.end_line, e.end_column)) for e in edits]
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(positions))  # sorted, apart
        assert _apply_line_edits(first, edits) == second
