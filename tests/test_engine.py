"""The engine's contract: overlap handling, fixed point, and the safety net that drops bad fixes."""

from __future__ import annotations

from collections.abc import Iterator

from fixer import engine
from fixer.diagnostic import Applicability, Edit, Fix
from fixer.rules._base import Context, Rule, Violation


class ReplaceKeyword(Rule):
    """Test rule: replace every `old` keyword (exact case) with `new`."""

    code, name, summary = "DF990", "test-replace-keyword", "test"
    old, new = "CMD", "ENTRYPOINT"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for located in ctx.instructions:
            span = located.node.keyword_span()
            if located.node.keyword == self.old and span:
                edit = Edit(located.offset + span[0], located.offset + span[1], self.new)
                yield self.violation(located.offset, located.content_end, "kw", Fix.safe("swap", edit))


class Breaks(ReplaceKeyword):
    """Turns `RUN a` into a heredoc opener with no body: the result does not parse."""

    code, name = "DF991", "test-breaks-syntax"
    old, new = "RUN", "RUN <<EOF"


class SwallowsNext(Rule):
    """Deletes the line ending of the first RUN: the next instruction joins it."""

    code, name, summary = "DF992", "test-swallows-next", "test"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for located in ctx.instructions:
            if located.node.keyword == "RUN" and located.node.trailing_newline:
                fix = Fix.safe("x", Edit.deletion(located.content_end, located.end))
                yield self.violation(located.offset, located.content_end, "run", fix)


class CommentsOut(Rule):
    """Puts a `#` before CMD, which turns it into a comment."""

    code, name, summary = "DF996", "test-comments-out", "test"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for located in ctx.instructions:
            if located.node.keyword == "CMD":
                fix = Fix.safe("x", Edit.insertion(located.offset, "#"))
                yield self.violation(located.offset, located.content_end, "cmd", fix)


class NeverSettles(Rule):
    code, name, summary = "DF993", "test-never-settles", "test"

    def check(self, ctx: Context) -> Iterator[Violation]:
        last = ctx.instructions[-1]
        yield self.violation(0, 1, "grow", Fix.safe("grow", Edit.insertion(last.content_end, " x")))


class Unsafe(ReplaceKeyword):
    code, name = "DF994", "test-unsafe"
    old, new = "EXPOSE", "expose"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for v in super().check(ctx):
            assert v.fix is not None
            yield Violation(v.rule, v.start, v.end, v.message, Fix.unsafe("u", *v.fix.edits))


def run(text: str, *rules: Rule, level: Applicability = Applicability.SAFE) -> engine.EngineResult:
    return engine.run(text, list(rules), level)


def test_applies_a_safe_fix_and_reports_it_fixed() -> None:
    result = run("FROM x\nCMD me\n", ReplaceKeyword())
    assert result.output == "FROM x\nENTRYPOINT me\n"
    assert [(d.rule, d.line, d.fixed) for d in result.diagnostics] == [("DF990", 2, True)]


def test_unsafe_fix_needs_the_unsafe_level() -> None:
    text = "FROM x\nEXPOSE 80\n"
    assert run(text, Unsafe()).output == text
    assert [d.fixed for d in run(text, Unsafe()).diagnostics] == [False]
    assert run(text, Unsafe(), level=Applicability.UNSAFE).output == "FROM x\nexpose 80\n"


def test_fix_that_breaks_syntax_is_dropped_but_others_apply() -> None:
    result = run("FROM x\nRUN a\nCMD me\n", Breaks(), ReplaceKeyword())
    assert result.output == "FROM x\nRUN a\nENTRYPOINT me\n"
    assert {(d.rule, d.fixed) for d in result.diagnostics} == {("DF991", False), ("DF990", True)}


def test_fix_that_swallows_the_next_instruction_is_dropped() -> None:
    text = "FROM x\nRUN a\nCMD b\n"
    assert run(text, SwallowsNext()).output == text


def test_fix_that_turns_an_instruction_into_a_comment_is_dropped() -> None:
    text = "FROM x\nRUN a\nCMD b\n"
    assert run(text, CommentsOut()).output == text


def test_fix_that_never_settles_leaves_the_file_unchanged() -> None:
    text = "FROM x\nCMD a\n"
    result = run(text, NeverSettles())
    assert result.output == text
    assert [d.name for d in result.diagnostics] == ["fixes-did-not-converge"]


def test_overlapping_fixes_wait_for_the_next_pass() -> None:
    class Upper(ReplaceKeyword):
        code, name, old, new = "DF988", "test-upper", "cmd", "CMD"

    class Title(ReplaceKeyword):
        code, name, old, new = "DF989", "test-title", "cmd", "Cmd"

    # Both fix the same span in pass 1: the first by position and code wins, the other waits,
    # then no longer applies; ReplaceKeyword fires on the upper-cased result in pass 2.
    result = run("FROM x\ncmd me\n", Upper(), Title(), ReplaceKeyword())
    assert result.output == "FROM x\nENTRYPOINT me\n"
    assert [d.rule for d in result.diagnostics if d.fixed] == ["DF988", "DF990"]


def test_bom_does_not_count_as_a_column() -> None:
    result = run("\ufeffCMD me\n", ReplaceKeyword())
    assert (result.diagnostics[0].line, result.diagnostics[0].column) == (1, 1)
    assert result.output == "\ufeffENTRYPOINT me\n"


def test_fixes_keep_crlf_and_bytes_outside_the_edit() -> None:
    text = "FROM x\r\n# c \\\r\nCMD me \\\r\n  # inside\r\n  you\r\nRUN y"
    assert run(text, ReplaceKeyword()).output == text.replace("CMD", "ENTRYPOINT")


def test_text_appended_to_a_last_line_without_newline_belongs_to_that_instruction() -> None:
    class AppendToLast(Rule):
        code, name, summary = "DF987", "test-append-to-last", "test"

        def check(self, ctx: Context) -> Iterator[Violation]:
            last = ctx.instructions[-1]
            if not last.node.code.endswith(" b"):
                fix = Fix.safe("b", Edit.insertion(last.content_end, " b"))
                yield self.violation(last.offset, last.content_end, "b", fix)

    assert run("FROM x\nRUN a", AppendToLast()).output == "FROM x\nRUN a b"
