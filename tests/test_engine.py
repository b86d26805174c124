"""The engine's contract: overlap handling, fixed point, and the safety net that drops bad fixes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixer import engine
from fixer.context_files import FileChange
from fixer.diagnostic import Applicability, Diagnostic, Edit, FileEdit, Fix, TextEdit
from fixer.rules import select_rules
from fixer.rules._base import Context, FixSafety, Rule, Violation
from fixer.rules._lines import insert_lines_after
from fixer.syntax import Instruction, parse

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


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


class SplitsRun(Rule):
    """Breaks a RUN's ``&&`` chain onto a line of its own without an escape: BuildKit's parser
    reads ``&& b`` as an instruction, which its frontend rejects."""

    code, name, summary = "DF985", "test-splits-run", "test"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for located in ctx.instructions:
            at = located.node.code.find(" &&")
            if located.node.keyword == "RUN" and at >= 0:
                fix = Fix.safe("split", Edit.insertion(located.offset + at, "\n"))
                yield self.violation(located.offset, located.content_end, "split", fix)


class NeverSettles(Rule):
    code, name, summary = "DF993", "test-never-settles", "test"

    def check(self, ctx: Context) -> Iterator[Violation]:
        last = ctx.instructions[-1]
        yield self.violation(0, 1, "grow", Fix.safe("grow", Edit.insertion(last.content_end, " x")))


class Unsafe(ReplaceKeyword):
    code, name = "DF994", "test-unsafe"
    old, new = "EXPOSE", "expose"
    fix_safety = FixSafety.UNSAFE

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


def test_fix_that_adds_an_instruction_buildkit_rejects_is_dropped() -> None:
    text = "FROM x\nRUN a && b\n"
    assert run(text, SplitsRun()).output == text


def test_an_unknown_instruction_already_there_does_not_block_other_fixes() -> None:
    result = run("FROM x\nFOO bar\nCMD me\n", ReplaceKeyword())
    assert result.output == "FROM x\nFOO bar\nENTRYPOINT me\n"


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


class AppendsUser(Rule):
    """Puts ``USER 1`` after the last instruction, naively or through ``insert_lines_after``."""

    code, name, summary = "DF986", "test-appends-user", "test"

    def __init__(self, *, naive: bool) -> None:
        self.naive = naive

    def check(self, ctx: Context) -> Iterator[Violation]:
        last = ctx.instructions[-1]
        if last.node.keyword != "USER":
            line = "USER 1\n"
            edits = (Edit.insertion(last.end, line),) if self.naive else insert_lines_after(last, line)
            fix = Fix.safe("user", *edits) if edits else None
            yield self.violation(last.offset, last.content_end, "user", fix)


@pytest.mark.parametrize("ending", ["\\\n", " \\  \n", "\\\n# note\n\n"])
def test_a_line_inserted_after_a_dangling_escape_would_join_it_so_it_is_dropped(ending: str) -> None:
    text = f"FROM x\nRUN make {ending}"
    assert run(text, AppendsUser(naive=True)).output == text


@pytest.mark.parametrize(
    ("last", "fixed"),
    [
        ("RUN make \\\n", "RUN make\nUSER 1\n"),
        ("RUN make \\", "RUN make\nUSER 1"),
        ("RUN make \\  \n", "RUN make\nUSER 1\n"),
        ("RUN make \\\n# note\n\n", "RUN make\n# note\n\nUSER 1\n"),
        ("RUN echo a\\ \\\n", "RUN echo a\\ \\\n"),  # `a\ ` ends in an escape too: no line can follow
        ("RUN make\r\n", "RUN make\r\nUSER 1\n"),
        ("RUN make", "RUN make\nUSER 1"),
        ("RUN make\r", "RUN make\r\nUSER 1"),  # a lone CR at the end closes no line
        ("RUN make \\\n#\r", "RUN make\n#\r\nUSER 1"),
        ("RUN <<EOT\nmake\nEOT\n", "RUN <<EOT\nmake\nEOT\n\nUSER 1\n"),  # hadolint needs the blank line
        ("RUN <<EOT\nmake\nEOT", "RUN <<EOT\nmake\nEOT\n\nUSER 1"),
    ],
)
def test_lines_inserted_after_the_last_instruction_close_it_first(last: str, fixed: str) -> None:
    text = f"FROM x\n{last}"
    out = run(text, AppendsUser(naive=False)).output
    assert out == f"FROM x\n{fixed}"
    assert parse(out).instructions[1].buildkit_view() == parse(text).instructions[1].buildkit_view()


# --- positions: every finding is placed in the input, whichever pass found it -----------------------


def fix_all(text: str, unsafe: bool = False) -> engine.EngineResult:
    """The real rules through the engine, as ``dfix`` runs them (but the users family's, which
    would give every example a user of its own)."""
    rules = select_rules(None, ["DF3"])
    return engine.run(text, rules, Applicability.UNSAFE if unsafe else Applicability.SAFE)


def where(d: Diagnostic) -> tuple[object, ...]:
    edits = tuple((e.line, e.column, e.end_line, e.end_column) for e in d.edits)
    return d.rule, d.fixed, (d.line, d.column, d.end_line, d.end_column), edits


# Pass 1 appends a line to the RUN on lines 2-3 (DF102) and `-y` to the one on line 5 (DF101);
# DF104 inserts at the same point as DF101, so it waits for pass 2, when line 5 has become line 6.
LINE_ADDED_ABOVE = (
    "FROM debian:12\n"
    "RUN apt-get update \\\n"
    "    && apt-get install -y --no-install-recommends curl\n"
    "WORKDIR /app\n"
    "RUN apt-get update && apt-get install gdb && rm -rf /var/lib/apt/lists/*\n"
)


@pytest.mark.parametrize("unsafe", [False, True], ids=["left", "fixed-in-pass-2"])
@pytest.mark.parametrize(
    ("bom", "newline"), [("", "\n"), ("", "\r\n"), ("\ufeff", "\r\n")], ids=["lf", "crlf", "bom-crlf"]
)
def test_a_later_pass_finding_is_placed_in_the_input(unsafe: bool, bom: str, newline: str) -> None:
    text = bom + LINE_ADDED_ABOVE.replace("\n", newline)
    result = fix_all(text, unsafe=unsafe)
    assert result.output.count(newline) == text.count(newline) + 1  # the scenario: a line was added
    assert ("--no-install-recommends gdb" in result.output) is unsafe
    # DF104 (unsafe) is left, or fixed in pass 2; either way it is where the input has
    # `apt-get install`, and its insertion goes right after it, where DF101's went.
    assert [where(d) for d in result.diagnostics] == [
        ("DF102", True, (2, 1, 3, 55), ((3, 55, 3, 55),)),
        ("DF101", True, (5, 23, 5, 38), ((5, 38, 5, 38),)),
        ("DF104", unsafe, (5, 23, 5, 38), ((5, 38, 5, 38),)),
    ]


def test_a_finding_in_text_an_earlier_pass_rewrote_covers_the_input_it_came_from() -> None:
    # Pass 1 (DF110) moves the LABEL up and merges the two RUNs; pass 2 (DF102) finds the lists
    # left in the merged RUN, whose first line the merge rewrote: it starts where the rewritten
    # input started (the first RUN; not the LABEL, now line 3 of the pass's text) and ends, like
    # the cleanup it appends, on the input's last line, which the merge kept.
    text = (
        "FROM debian:12\nRUN apt-get update\nLABEL a=b\nRUN apt-get install -y --no-install-recommends curl\n"
    )
    result = fix_all(text)
    assert result.output.startswith("FROM debian:12\nLABEL a=b\nRUN apt-get update \\\n")
    assert [where(d) for d in result.diagnostics] == [
        ("DF102", True, (2, 1, 4, 52), ((4, 52, 4, 52),)),
        ("DF110", True, (2, 1, 2, 19), ((2, 1, 5, 1),)),
    ]


def test_origin_maps_an_offset_back_through_every_pass() -> None:
    # "abcd" -> "aXYcd" (b replaced) -> "aXYc" (d deleted) -> "aXYc!" (! appended where d was).
    origin = (
        engine.Origin()
        .then("abcd", [Edit(1, 2, "XY")])
        .then("aXYcd", [Edit.deletion(4, 5)])
        .then("aXYc", [Edit.insertion(4, "!")])
    )
    assert [origin.start(i) for i in range(5)] == [0, 1, 1, 2, 4]  # X and Y come from b's place
    assert [origin.end(i) for i in range(1, 6)] == [1, 2, 2, 3, 3]  # a span ending in XY covers b
    assert origin.span(4, 4) == (4, 4)  # an insertion point stays a point
    # What an edit writes back unchanged at either end is copied text, not rewritten text.
    merged = engine.Origin().then("RUN a\n", [Edit(0, 6, "RUN a && b\n")])
    assert [merged.start(4), merged.start(7), merged.start(10)] == [4, 5, 5]  # a, &, newline


CORPUS_INPUTS = sorted(CORPUS.glob("*/input.Dockerfile"))


@pytest.mark.parametrize("path", CORPUS_INPUTS, ids=[path.parent.name for path in CORPUS_INPUTS])
def test_every_position_is_in_the_input_on_its_instructions(path: Path) -> None:
    """Every line and column, the edits' too, exists in the input, and every finding's span reaches
    one of the input's instructions -- not lines a fix added or a merge made shorter."""
    text = path.read_bytes().decode("utf-8")
    lines = text.split("\n")
    tree = parse(text)
    spans = [
        (line, line + node.code.rstrip("\n").count("\n"))
        for node, line, _ in tree.located()
        if isinstance(node, Instruction)
    ]
    for unsafe in (False, True):
        for d in fix_all(text, unsafe=unsafe).diagnostics:
            assert d.end_line is not None and d.end_column is not None
            points = [(d.line, d.column), (d.end_line, d.end_column)]
            points += [p for e in d.edits for p in ((e.line, e.column), (e.end_line, e.end_column))]
            for line, column in points:
                assert 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1, (d, line)
            assert (d.line, d.column) <= (d.end_line, d.end_column), d
            assert any(first <= d.end_line and d.line <= last for first, last in spans), d


class RaisesParseError(Rule):
    code, name, summary = "DF990", "test-raises-parse-error", "test"

    def check(self, ctx: Context) -> Iterator[Violation]:
        parse("# syntax=x\n")  # a rule's own text that does not parse: dfix's bug, not the input's
        yield from ()


def test_an_error_inside_a_rule_is_never_the_inputs_parse_error() -> None:
    with pytest.raises(engine.RuleError, match="rule DF990 failed: ParseError: 1:1: file with no"):
        run("FROM a:1\n", RaisesParseError())


class UnsafeFixDeclaredSafe(ReplaceKeyword):
    """Makes an unsafe fix while declaring (by default) that its fixes are safe."""

    def check(self, ctx: Context) -> Iterator[Violation]:
        for violation in super().check(ctx):
            assert violation.fix is not None
            yield dataclasses.replace(
                violation, fix=dataclasses.replace(violation.fix, applicability=Applicability.UNSAFE)
            )


class UnsafeFixDeclaredVarying(UnsafeFixDeclaredSafe):
    fix_safety = FixSafety.VARIES


def test_a_fix_must_apply_as_its_rule_says() -> None:
    # `dfix rules` and `dfix explain` show the declaration: every fix is held to it
    with pytest.raises(
        engine.RuleError, match="DF990 failed: ValueError: a unsafe fix from a rule whose fixes are safe"
    ):
        run("FROM a:1\nCMD x\n", UnsafeFixDeclaredSafe())
    fixed = run("FROM a:1\nCMD x\n", UnsafeFixDeclaredVarying(), level=Applicability.UNSAFE)
    assert fixed.output == "FROM a:1\nENTRYPOINT x\n"


class IgnoresCopiedSecrets(Rule):
    """Test rule: for each `COPY <name> …` whose name .dockerignore does not list yet, a fix
    that only appends the name to .dockerignore (as DF202 does for `COPY . .`)."""

    code, name, summary = "DF984", "test-ignores-copied-secrets", "test"

    def check(self, ctx: Context) -> Iterator[Violation]:
        ignore = ctx.files.get(".dockerignore")
        listed = ignore.text.split("\n")
        for located in ctx.instructions:
            words = located.node.buildkit.value
            if located.node.keyword == "COPY" and words[0] not in listed:
                edit = FileEdit(".dockerignore", (Edit.insertion(len(ignore.text), words[0] + "\n"),))
                fix = Fix("ignore it", (), Applicability.SAFE, files=(edit,))
                yield self.violation(located.offset, located.content_end, "copied", fix)


FILES_TEXT = "FROM scratch\nCOPY a /\nCOPY b /\nCMD x\n"


def test_fixes_that_edit_another_file_go_to_an_overlay_one_per_pass(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("old\n")
    rules = [IgnoresCopiedSecrets(), ReplaceKeyword()]
    result = engine.run(FILES_TEXT, rules, Applicability.SAFE, build_context=tmp_path)
    assert result.output == FILES_TEXT.replace("CMD", "ENTRYPOINT")
    assert result.files == (FileChange(".dockerignore", "old\n", "old\na\nb\n"),)
    assert (tmp_path / ".dockerignore").read_text() == "old\n"  # the disk is never written
    edits = [d.file_edits for d in result.diagnostics if d.rule == "DF984"]
    # each placed in the file as the fix found it: `b` after the pass that added `a`
    assert edits == [
        ((".dockerignore", (TextEdit(2, 1, 2, 1, "a\n"),)),),
        ((".dockerignore", (TextEdit(3, 1, 3, 1, "b\n"),)),),
    ]
    assert all(d.fixed for d in result.diagnostics)


def test_a_file_not_there_is_created_and_without_edit_files_nothing_is(tmp_path: Path) -> None:
    rules = [IgnoresCopiedSecrets()]
    created = engine.run(FILES_TEXT, rules, Applicability.SAFE, build_context=tmp_path)
    assert created.files == (FileChange(".dockerignore", None, "a\nb\n"),)
    kept = engine.run(FILES_TEXT, rules, Applicability.SAFE, build_context=tmp_path, edit_files=False)
    assert kept.files == () and not any(d.fixed for d in kept.diagnostics)
    unknown = engine.run(FILES_TEXT, rules, Applicability.SAFE)  # no context: nothing to edit
    assert unknown.files == () and len(unknown.diagnostics) == 2


@pytest.mark.parametrize("kind", ["symlink", "undecodable", "directory"])
def test_a_file_dfix_must_not_edit_leaves_the_fix_a_finding(tmp_path: Path, kind: str) -> None:
    target = tmp_path / ".dockerignore"
    if kind == "symlink":
        (tmp_path / "elsewhere").write_text("old\n")
        target.symlink_to(tmp_path / "elsewhere")
    elif kind == "undecodable":
        target.write_bytes(b"\xff\n")
    else:
        target.mkdir()
    result = engine.run(FILES_TEXT, [IgnoresCopiedSecrets()], Applicability.SAFE, build_context=tmp_path)
    assert result.files == () and not any(d.fixed for d in result.diagnostics)
