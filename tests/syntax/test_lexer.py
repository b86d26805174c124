"""BuildKit's line rules as named cases (frontend/dockerfile/parser: parser.go, directives.go)."""

from __future__ import annotations

import pytest

from fixer.syntax import lexer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a\nb\n", [("a", "\n"), ("b", "\n")], id="lf"),
        pytest.param("a\r\nb\r\n", [("a", "\r\n"), ("b", "\r\n")], id="crlf"),
        pytest.param("a\r\nb\n", [("a", "\r\n"), ("b", "\n")], id="mixed"),
        pytest.param("a\nb", [("a", "\n"), ("b", "")], id="no-final-newline"),
        pytest.param("a\rb\n", [("a\rb", "\n")], id="lone-cr-is-content"),
        pytest.param("a\r\r\n", [("a", "\r\r\n")], id="trim-newline-takes-every-cr"),
        pytest.param("a\r", [("a", "\r")], id="cr-at-eof"),
        pytest.param("a\x0cb\x1cc\u2028\n", [("a\x0cb\x1cc\u2028", "\n")], id="only-lf-splits"),
        pytest.param("\n\n", [("", "\n"), ("", "\n")], id="blank-lines"),
        pytest.param("", [], id="empty"),
    ],
)
def test_split_lines(text: str, expected: list[tuple[str, str]]) -> None:
    assert lexer.split_lines(text) == expected
    assert "".join(c + n for c, n in expected) == text


@pytest.mark.parametrize(
    ("content", "escape", "expected"),
    [
        pytest.param("RUN a \\", "\\", ("RUN a ", "\\"), id="backslash"),
        pytest.param("RUN a \\ \t", "\\", ("RUN a ", "\\ \t"), id="blanks-after-escape"),
        pytest.param("RUN a \\\\", "\\", ("RUN a \\\\", ""), id="escaped-escape-ends"),
        pytest.param("RUN a \\\\\\", "\\", ("RUN a \\\\\\", ""), id="three-escapes-end"),
        pytest.param("\\", "\\", ("", "\\"), id="escape-alone"),
        pytest.param("   \\  ", "\\", ("   ", "\\  "), id="indented-escape-alone"),
        pytest.param("RUN a `", "`", ("RUN a ", "`"), id="backtick"),
        pytest.param("COPY . C:\\app\\", "`", ("COPY . C:\\app\\", ""), id="backslash-is-data-with-backtick"),
        pytest.param("RUN a \\\rb", "\\", ("RUN a \\\rb", ""), id="escape-before-lone-cr-is-data"),
        pytest.param("good\\", "\\", ("good", "\\"), id="no-space-before-escape"),
    ],
)
def test_split_continuation(content: str, escape: str, expected: tuple[str, str]) -> None:
    assert lexer.split_continuation(content, escape) == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param("# escape=`", ("escape", "`"), id="escape"),
        pytest.param("#escape=\\", ("escape", "\\"), id="no-space"),
        pytest.param("  #  ESCAPE  =  `  ", ("escape", "`"), id="indented-upper-spaced"),
        pytest.param("# syntax=docker/dockerfile:1", ("syntax", "docker/dockerfile:1"), id="syntax"),
        pytest.param("# check=skip=JSONArgsRecommended", ("check", "skip=JSONArgsRecommended"), id="check"),
        pytest.param("# foo=bar", None, id="unknown-key-is-comment"),
        pytest.param("# escape", None, id="no-equals"),
        pytest.param("# escape=", None, id="no-value"),
        pytest.param("# 1escape=`", None, id="key-starts-with-digit"),
        pytest.param("RUN x # escape=`", None, id="not-at-line-start"),
        pytest.param("#\u00a0escape=`", None, id="go-regexp-space-is-ascii"),
    ],
)
def test_match_directive(content: str, expected: tuple[str, str] | None) -> None:
    assert lexer.match_directive(content) == expected


@pytest.mark.parametrize(
    ("content", "comment", "blank"),
    [
        pytest.param("# c", True, False, id="comment"),
        pytest.param("  \t# c", True, False, id="indented-comment"),
        pytest.param("RUN a # c", False, False, id="hash-mid-line-is-argument"),
        pytest.param("", False, True, id="empty"),
        pytest.param(" \t\v\f", False, True, id="ascii-blanks"),
        pytest.param("\u00a0\u3000\x85", False, True, id="go-unicode-space"),
        pytest.param("\x1c", False, False, id="python-only-space-is-content"),
    ],
)
def test_comment_and_blank(content: str, comment: bool, blank: bool) -> None:
    assert lexer.is_comment(content) is comment
    assert lexer.is_blank(content) is blank
