"""The CST's shape, its API, and the errors BuildKit raises (line numbers included)."""

from __future__ import annotations

import pytest

import fixer
from fixer.syntax import (
    BlankLine,
    Comment,
    Directive,
    HeredocBody,
    Instruction,
    SourceLine,
)


def kinds(text: str) -> list[str]:
    return [type(node).__name__ for node in fixer.parse(text).body]


def test_top_level_kinds() -> None:
    text = "# syntax=docker/dockerfile:1\n# escape=`\n\n# a comment\nFROM x\n  \nRUN a\n"
    assert kinds(text) == [
        "Directive",
        "Directive",
        "BlankLine",
        "Comment",
        "Instruction",
        "BlankLine",
        "Instruction",
    ]


def test_directive_block_ends_at_first_other_line() -> None:
    # BuildKit: the first comment, blank line or instruction ends the directive block.
    assert kinds("# hello\n# escape=`\nFROM x\n") == ["Comment", "Comment", "Instruction"]
    assert fixer.parse("# hello\n# escape=`\nFROM x\n").escape == "\\"


def test_directive_name_and_value_are_derived_from_bytes() -> None:
    tree = fixer.parse("#  Escape = `  \r\nFROM x\n")
    (directive,) = tree.directives
    assert isinstance(directive, Directive)
    assert (directive.name, directive.value, directive.newline) == ("escape", "`", "\r\n")
    assert tree.escape == "`"


def test_instruction_owns_its_continuation_lines() -> None:
    text = "RUN a \\\n  # inside\n\n  b \\ \n  c\nFROM x\n"
    run = fixer.parse(text).instructions[0]
    assert [type(line).__name__ for line in run.lines] == [
        "SourceLine",
        "Comment",
        "BlankLine",
        "SourceLine",
        "SourceLine",
    ]
    first, _, _, middle, last = run.lines
    assert isinstance(first, SourceLine) and first.continuation == "\\"
    assert isinstance(middle, SourceLine) and middle.continuation == "\\ "
    assert isinstance(last, SourceLine) and last.continuation == ""
    assert run.logical_line == "RUN a   b   c"
    assert run.keyword == "RUN"
    assert run.code == "RUN a \\\n  # inside\n\n  b \\ \n  c\n"


def test_heredoc_bodies_belong_to_the_instruction() -> None:
    text = "FROM x\nRUN <<A cat && cat <<-B\nline a\nA\n\tline b\n\tB\nCMD x\n"
    tree = fixer.parse(text)
    run = tree.instructions[1]
    assert [body.name for body in run.heredocs] == ["A", "B"]
    assert run.heredocs[0] == HeredocBody(name="A", lines=("line a\n",), terminator="A\n")
    assert run.heredocs[1].terminator == "\tB\n"
    assert run.line_count == 5
    assert [d["start_line"] for d in tree.to_buildkit()] == [1, 2, 7]


def test_json_form_opens_no_heredoc() -> None:
    tree = fixer.parse('FROM x\nRUN ["sh", "-c", "cat <<EOF"]\nEOF\n')
    assert [i.keyword for i in tree.instructions] == ["FROM", "RUN", "EOF"]


def test_located_gives_lines_and_offsets() -> None:
    text = "\ufeffFROM x\r\n# c\nRUN a \\\n b\nCMD c"
    tree = fixer.parse(text)
    located = [(type(n).__name__, line, offset) for n, line, offset in tree.located()]
    assert located == [
        ("Instruction", 1, 1),
        ("Comment", 2, 9),
        ("Instruction", 3, 13),
        ("Instruction", 5, 24),
    ]
    for node, _, offset in tree.located():
        assert text[offset : offset + len(node.code)] == node.code


def test_with_changes_builds_a_new_tree_and_drops_stale_views() -> None:
    tree = fixer.parse("FROM x\nRUN a\n")
    run = tree.instructions[1]
    assert run.buildkit.value == ("a",)
    new_run = run.with_changes(lines=(SourceLine("RUN b", "", "\n"),))
    assert new_run.buildkit.value == ("b",)
    new_tree = tree.with_changes(body=(tree.body[0], new_run))
    assert new_tree.code == "FROM x\nRUN b\n"
    assert tree.code == "FROM x\nRUN a\n"  # the original is immutable


def test_nodes_are_immutable() -> None:
    comment = Comment("# c", "\n")
    with pytest.raises(AttributeError):
        comment.content = "# d"  # type: ignore[misc]


def test_trailing_newline() -> None:
    tree = fixer.parse("FROM x\r\nRUN <<E\nb\nE\r\nCMD y")
    assert [i.trailing_newline for i in tree.instructions] == ["\r\n", "\r\n", ""]


def test_blank_and_comment_nodes_keep_whitespace() -> None:
    tree = fixer.parse("FROM x\n \t\n\t# c \n")
    assert tree.body[1] == BlankLine(" \t", "\n")
    assert tree.body[2] == Comment("\t# c ", "\n")
    assert isinstance(tree.body[0], Instruction)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param("", 1, "file with no instructions", id="empty"),
        pytest.param("# only\n\n", 2, "file with no instructions", id="only-comments"),
        pytest.param("FROM x\nRUN <<EOF\nbody\n", 2, "unterminated heredoc", id="unterminated-heredoc"),
        pytest.param(
            "FROM x\nRUN <<A <<B\na\nA\nb\n", 2, "unterminated heredoc", id="second-heredoc-unterminated"
        ),
        pytest.param(
            "# escape=`\n# escape=\\\nFROM x\n",
            2,
            "only one escape parser directive can be used",
            id="duplicate-directive",
        ),
        pytest.param(
            "# escape=x\nFROM x\n", 1, "invalid escape token 'x' does not match ` or \\", id="invalid-escape"
        ),
        pytest.param("FROM x\nENV a\n", 2, "ENV must have two arguments", id="buildkit-argument-error"),
        pytest.param(
            "FROM x\nRUN " + "a" * 70000 + "\n",
            2,
            "dockerfile line greater than max allowed size of 65535",
            id="line-too-long",
        ),
    ],
)
def test_parse_errors(text: str, line: int, message: str) -> None:
    with pytest.raises(fixer.ParseError) as caught:
        fixer.parse(text)
    assert (caught.value.line, caught.value.message) == (line, message)
    assert str(caught.value) == f"{line}:1: {message}"
