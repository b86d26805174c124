"""Run the rules, apply their fixes to a fixed point, and check the result before trusting it.

Per pass (ruff's ``lint_fix``): check every rule, sort the applicable fixes by position, apply
those that do not overlap one already taken (the rest wait for the next pass), re-parse.
Every pass goes through Black's safety net before it is kept:

- the new text parses;
- every instruction outside the edited spans is still there, unchanged in BuildKit's view;
- no instruction BuildKit's frontend rejects appears (its parser takes any word as a keyword,
  so text that ran into a comment or a continuation shows up as one: ``&& adduser …``);
and at the end the fixed point itself proves that a second run is a no-op. A fix that fails a
check is dropped and reported (never written); a file that does not converge is left as it was.

Every diagnostic is placed in the text the user gave (``run``'s ``text``), whichever pass found
it: ``Origin`` maps a later pass's offsets back through the edits of the passes before it.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import gc
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fixer.context_files import ContextFiles, FileChange
from fixer.diagnostic import Applicability, Diagnostic, Edit, FileEdit, Fix, TextEdit, apply_edits
from fixer.rules._base import Context, Rule, Violation
from fixer.settings import DEFAULT_SETTINGS, Settings
from fixer.suppress import Suppressions
from fixer.syntax import Dockerfile, Instruction, ParseError, parse

if TYPE_CHECKING:
    from pathlib import Path

    from fixer.registry.resolver import Pins

MAX_PASSES = 20

Fingerprint = tuple[str, str, tuple[Edit, ...]]

ENGINE_CODE = "DF000"


@dataclass(frozen=True, slots=True)
class EngineResult:
    output: str
    diagnostics: list[Diagnostic]
    files: tuple[FileChange, ...] = ()  # the other files of the build context the fixes edit


def run(
    text: str,
    rules: Sequence[Rule],
    level: Applicability,
    overrides: Mapping[str, Applicability] | None = None,
    build_context: Path | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    pins: Pins | None = None,
    edit_files: bool = True,
    diagnostic_edits: bool = True,
) -> EngineResult:
    """Fix ``text`` with ``rules`` at ``level``; raises ParseError if ``text`` does not parse.

    ``overrides`` maps rule codes to the applicability their SAFE/UNSAFE fixes get instead
    (configuration's extend-safe-fixes / extend-unsafe-fixes); DISPLAY fixes stay DISPLAY.
    ``build_context`` is the directory the file is built in, when known: rules read it (never
    write it) where the build's meaning depends on what is there (is an ``ADD`` source a tar?).
    ``settings`` say which stage ships and what user to create (see ``fixer.settings``).
    ``pins`` are the digests resolved for the file's image tags (``--pin``), for DF401.
    A fix may also edit other files of the build context (``Fix.files``: ``.dockerignore``);
    those edits go to an overlay the next pass's rules read (``fixer.context_files``), and the
    result lists every file they change. Without ``edit_files`` (stdin, where only the text
    comes back) such fixes are left as findings.
    Without ``diagnostic_edits`` the diagnostics carry no edits (``edits`` and ``file_edits``
    empty: for a caller that shows only the findings, the text report), and a fix that is not
    applied never makes its edits: a fix made ``later`` (``Fix.later``: a rendered template)
    costs nothing then. The edits the run does read (of the fixes it applies, and with
    ``diagnostic_edits`` of every fix) are made right after their rule's check, so that a
    failure to make them is that rule's ``RuleError``, as when the rule made them itself.

    Every position in the diagnostics -- the finding's range and its fix's edits, fixed or
    remaining, whichever pass found it -- is a line and column of ``text``, the input. That is the
    file the user has while dfix reports or shows a diff, the only text a fixed finding exists in,
    and one coordinate system for the whole result. A finding in text an earlier pass wrote (a
    merged RUN, an inserted line) is placed on the input text that pass replaced (see ``Origin``).
    Who wants the findings left placed in the output instead (ruff's convention after ``--fix``,
    for a file just rewritten) runs the output again: it is a fixed point, so that run changes
    nothing and reports exactly the findings left.
    """
    with _fewer_collections():
        return _run(
            text, rules, level, overrides, build_context, settings, pins, edit_files, diagnostic_edits
        )


# A pass allocates millions of small objects (trees, shell words, views) and frees few in cycles:
# at CPython's default 700 allocations a collection, a 1 MiB file spends a fifth of its time
# in the collector walking objects that are all still alive.
_GC_THRESHOLD = 100_000


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect garbage less often while the engine runs (the ``gc`` thresholds are restored
    after, unless something else changed them meanwhile)."""
    before = gc.get_threshold()
    wanted = (max(before[0], _GC_THRESHOLD), *before[1:])
    gc.set_threshold(*wanted)
    try:
        yield
    finally:
        if gc.get_threshold() == wanted:
            gc.set_threshold(*before)


def _run(
    text: str,
    rules: Sequence[Rule],
    level: Applicability,
    overrides: Mapping[str, Applicability] | None,
    build_context: Path | None,
    settings: Settings,
    pins: Pins | None,
    edit_files: bool,
    diagnostic_edits: bool,
) -> EngineResult:
    original = text
    tree = parse(text)
    # every diagnostic is placed in the input's lines
    files = ContextFiles(build_context)
    source = ctx = Context(text, tree, build_context, settings, pins, files)
    origin = Origin()
    applied: list[Diagnostic] = []
    rejected: set[Fingerprint] = set()
    for _ in range(MAX_PASSES):
        violations = _check(ctx, rules, overrides or {}, level, diagnostic_edits)
        wanted = (v for v in violations if _wanted(v, level, text, rejected, files, edit_files))
        chosen = _non_overlapping(wanted)
        if not chosen:
            remaining = [_diagnostic(source, origin, v, files, edits=diagnostic_edits) for v in violations]
            diagnostics = sorted(applied + remaining, key=lambda d: (d.line, d.column, d.rule))
            return EngineResult(text, diagnostics, files.changes())
        kept, new_text, new_tree = _apply_checked(text, tree, chosen)
        kept_ids = {id(violation) for violation in kept}  # by identity: a list scan is quadratic
        for violation in chosen:
            if id(violation) in kept_ids:
                applied.append(
                    _diagnostic(source, origin, violation, files, fixed=True, edits=diagnostic_edits)
                )
            else:
                rejected.add(_fingerprint(violation, text))
        origin = origin.then(text, (edit for violation in kept for edit in _fix(violation).edits))
        files = _edit_files(files, kept)
        text, tree = new_text, new_tree
        ctx = Context(text, tree, build_context, settings, pins, files)
    # A fix that keeps re-firing is a bug in a rule: write nothing rather than a half-fixed file.
    message = f"fixes did not settle in {MAX_PASSES} passes; file left unchanged"
    return EngineResult(original, [Diagnostic(ENGINE_CODE, "fixes-did-not-converge", 1, 1, message)])


class RuleError(Exception):
    """A rule failed (a bug in dfix): named, so that no error inside a rule reads as the
    input's own (a ParseError from a rule's template is not the file failing to parse)."""

    def __init__(self, code: str, error: Exception) -> None:
        super().__init__(f"rule {code} failed: {type(error).__name__}: {error}")
        self.code = code


def _check(
    ctx: Context,
    rules: Sequence[Rule],
    overrides: Mapping[str, Applicability],
    level: Applicability,
    edits: bool,
) -> list[Violation]:
    """Every rule's violations, sorted; the edits of the fixes the run will read are made here
    (all of them with ``edits``, else those that apply at ``level``): see ``run``."""
    from fixer.rules.suppressions.unused_suppression import UnusedSuppression

    suppressions = Suppressions(ctx)
    found = []
    # DF001 last: what the comments silenced is known once every other rule has run
    ordered = sorted(rules, key=lambda rule: isinstance(rule, UnusedSuppression))
    ran = [type(rule) for rule in rules]
    for rule in ordered:
        try:
            if isinstance(rule, UnusedSuppression):
                violations = list(rule.dead(ctx, suppressions.comments, ran))
            else:
                violations = list(rule.check(ctx))
        except Exception as error:
            raise RuleError(rule.code, error) from error
        for violation in violations:  # `dfix rules` and the docs say which fixes apply when
            fix = violation.fix
            if fix is not None and not rule.fix_safety.allows(fix.applicability):
                message = (
                    f"a {fix.applicability.label} fix from a rule whose fixes are {rule.fix_safety.value}"
                )
                raise RuleError(rule.code, ValueError(message))
        kept = [_override(v, overrides) for v in violations if not suppressions.covers(v)]
        try:
            for violation in kept:
                if violation.fix is not None and (edits or violation.fix.applies(level)):
                    _ = violation.fix.edits  # made now, if the fix was made later
        except Exception as error:
            raise RuleError(rule.code, error) from error
        found += kept
    return sorted(found, key=lambda v: (v.start, v.rule.code))


def _override(violation: Violation, overrides: Mapping[str, Applicability]) -> Violation:
    fix, wanted = violation.fix, overrides.get(violation.rule.code)
    if fix is None or wanted is None or fix.applicability is Applicability.DISPLAY:
        return violation
    return dataclasses.replace(violation, fix=fix.with_applicability(wanted))


def _wanted(
    violation: Violation,
    level: Applicability,
    text: str,
    rejected: set[Fingerprint],
    files: ContextFiles,
    edit_files: bool,
) -> bool:
    fix = violation.fix
    if fix is None or not fix.applies(level) or _fingerprint(violation, text) in rejected:
        return False
    return not fix.files or (edit_files and all(_applicable(files, edit) for edit in fix.files))


def _applicable(files: ContextFiles, edit: FileEdit) -> bool:
    """Whether ``edit`` can be made: the file is one dfix edits, and every edit lies in it."""
    found = files.get(edit.path)
    return found.editable and all(0 <= e.start <= e.end <= len(found.text) for e in edit.edits)


def _edit_files(files: ContextFiles, kept: Iterable[Violation]) -> ContextFiles:
    """``files`` with the edits of the fixes ``kept`` applied (one fix per file per pass)."""
    for violation in kept:
        for edit in _fix(violation).files:
            files = files.edited(edit.path, apply_edits(files.get(edit.path).text, list(edit.edits)))
    return files


def _fingerprint(violation: Violation, text: str) -> Fingerprint:
    """Identify a fix across passes by what it replaces, not where (earlier fixes shift offsets)."""
    assert violation.fix is not None
    edits = violation.fix.edits
    replaced = "\x00".join(text[e.start : e.end] for e in edits)
    return violation.rule.code, replaced, tuple(Edit(0, 0, e.content) for e in edits)


def _non_overlapping(violations: Iterable[Violation]) -> list[Violation]:
    """The fixes of one pass: none overlaps (or touches) another's Dockerfile edits, and no two
    edit the same other file (each one's offsets are in the text the pass started with)."""
    chosen: list[Violation] = []
    last_end = -1
    edited: set[str] = set()
    for violation in sorted(violations, key=lambda v: (_fix(v).start, _fix(v).end)):
        fix = _fix(violation)
        if (fix.edits and fix.start <= last_end) or any(edit.path in edited for edit in fix.files):
            continue  # next pass
        chosen.append(violation)
        edited.update(edit.path for edit in fix.files)
        last_end = fix.end if fix.edits else last_end
    return chosen


def _fix(violation: Violation) -> Fix:
    assert violation.fix is not None
    return violation.fix


def _apply_checked(
    text: str, tree: Dockerfile, chosen: list[Violation]
) -> tuple[list[Violation], str, Dockerfile]:
    """Apply the fixes together if the result passes the checks, else each one that passes alone."""
    together = _try(text, tree, chosen)
    if together is not None:
        return chosen, *together
    kept = [violation for violation in chosen if _try(text, tree, [violation]) is not None]
    together = _try(text, tree, kept) if kept else None
    if together is None:
        return [], text, tree
    return kept, *together


def _try(text: str, tree: Dockerfile, chosen: list[Violation]) -> tuple[str, Dockerfile] | None:
    edits = sorted(edit for violation in chosen for edit in _fix(violation).edits)
    new_text = apply_edits(text, edits)
    try:
        new_tree = parse(new_text)
    except ParseError:
        return None
    if _unknown_instructions(new_tree) > _unknown_instructions(tree):
        return None
    return (new_text, new_tree) if _unchanged_outside(tree, new_tree, edits) else None


def _unknown_instructions(tree: Dockerfile) -> int:
    return sum(not node.is_known for node in tree.instructions)


def _unchanged_outside(old: Dockerfile, new: Dockerfile, edits: list[Edit]) -> bool:
    """Every instruction no edit reaches into is still there, shifted, with the same BuildKit view.

    Its bytes were copied verbatim, so it must start exactly where the edits before it moved it;
    a fix that swallowed it (a lost line ending, a stray ``#``, a heredoc opener) breaks that.
    An insertion at an instruction's first character goes before it, not into it.
    """
    new_at = {offset: node for node, _, offset in new.located() if isinstance(node, Instruction)}
    # The edits are sorted and do not overlap, so their starts and ends both ascend: bisecting
    # them keeps this linear in the file however many fixes a pass applies.
    starts = [edit.start for edit in edits]
    ends = [edit.end for edit in edits]
    shifts = [0, *itertools.accumulate(len(e.content) - (e.end - e.start) for e in edits)]
    for node, _, start in old.located():
        if not isinstance(node, Instruction):
            continue
        end = start + len(node.code)
        near = edits[bisect.bisect_left(ends, start) : bisect.bisect_right(starts, end)]
        if any(_reaches_into(edit, start, end, node.ends_line) for edit in near):
            continue
        moved = new_at.get(start + shifts[bisect.bisect_right(ends, start)])
        if moved is None or moved.buildkit_view() != node.buildkit_view():
            return False
    return True


def _reaches_into(edit: Edit, start: int, end: int, ends_line: bool) -> bool:
    """Whether ``edit`` is meant to change the instruction at ``start:end``. Text inserted at its
    end is meant to go after it when it starts a line of its own (the instruction ends with a line
    ending, or the text starts with one), so the instruction is still checked: a dangling escape
    at the end of the file would make the new lines part of it."""
    if edit.start == edit.end:
        after = edit.start == end and (ends_line or edit.content.startswith(("\n", "\r\n")))
        return start < edit.start <= end and not after
    return edit.start < end and edit.end > start


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an offset in the text after some passes came from in the input text.

    Later passes see text earlier ones wrote, but a user reads positions against the file they
    have: each pass's edits (offsets in that pass's text) are kept, and an offset is mapped back
    through them from the last pass to the first. Text outside every edit was copied verbatim,
    so an offset there only shifts by the length the edits before it added or removed. An edit
    is first trimmed of what it leaves as it was at either end (a merge rewrites whole RUNs but
    keeps the first one's text and the last one's tail), so only text it really wrote has no
    exact origin: a span starting in it starts where the replaced text started, and a span
    ending in it ends where the replaced text ended, so a span covers the input it came from. A
    span starting where text was deleted starts on the text that followed; one ending there ends
    on the text before.
    """

    passes: tuple[tuple[Edit, ...], ...] = ()

    def then(self, text: str, edits: Iterable[Edit]) -> Origin:
        """The origin after one more pass applied ``edits`` to ``text``."""
        return Origin((*self.passes, tuple(_trimmed(text, edit) for edit in sorted(edits))))

    def start(self, offset: int) -> int:
        """The input offset of a span that starts at ``offset``."""
        for edits in reversed(self.passes):
            offset = _back(edits, offset, end=False)
        return offset

    def end(self, offset: int) -> int:
        """The input offset of a span that ends (exclusive) at ``offset``."""
        for edits in reversed(self.passes):
            offset = _back(edits, offset, end=True)
        return offset

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The input span of ``[start, end)``; an empty span (an insertion point) stays empty."""
        first = self.start(start)
        return (first, max(first, self.end(end))) if end > start else (first, first)


def _trimmed(text: str, edit: Edit) -> Edit:
    """``edit`` without the characters it replaces with themselves at its start and end."""
    old, new = text[edit.start : edit.end], edit.content
    head = _common_prefix(old, new)
    tail = _common_prefix(old[head:][::-1], new[head:][::-1])
    return Edit(edit.start + head, edit.end - tail, new[head : len(new) - tail])


def _common_prefix(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _back(edits: tuple[Edit, ...], offset: int, end: bool) -> int:
    """Map ``offset`` in the text ``edits`` produced back to the text they were applied to."""
    shift = 0  # length added so far: new offset - old offset after the edits already passed
    for edit in edits:
        new_start = edit.start + shift
        new_end = new_start + len(edit.content)
        if offset < new_start or (end and offset == new_start):
            break
        if offset < new_end or (end and offset == new_end):
            return edit.end if end else edit.start
        shift = new_end - edit.end
    return offset - shift


def _diagnostic(
    source: Context,
    origin: Origin,
    violation: Violation,
    files: ContextFiles,
    fixed: bool = False,
    edits: bool = True,
) -> Diagnostic:
    """The diagnostic for a violation in the text ``origin`` maps back to the input ``source``;
    its edits of other files are placed in their text in ``files`` (as the fix found them).
    Without ``edits`` it has none (and the fix's are not read)."""

    def position(start: int, end: int) -> tuple[int, int, int, int]:
        first, last = origin.span(start, end)
        return *source.position(first), *source.position(last)

    line, column, end_line, end_column = position(violation.start, violation.end)
    fix = violation.fix
    shown = fix if edits else None
    return Diagnostic(
        rule=violation.rule.code,
        name=violation.rule.name,
        line=line,
        column=column,
        message=violation.message,
        applicability=fix.applicability if fix else None,
        fixed=fixed,
        fix_title=fix.title if fix else None,
        end_line=end_line,
        end_column=end_column,
        edits=tuple(TextEdit(*position(edit.start, edit.end), edit.content) for edit in shown.edits)
        if shown
        else (),
        changes=(fix.changes or violation.rule.image_changes) if fix else None,
        requires=fix.requires if fix else (),
        file_edits=tuple(_file_edits(shown, files)) if shown else (),
    )


def _file_edits(fix: Fix, files: ContextFiles) -> Iterator[tuple[str, tuple[TextEdit, ...]]]:
    for edit in fix.files:
        text = files.get(edit.path).text
        yield (
            edit.path,
            tuple(
                TextEdit(*_line_column(text, e.start), *_line_column(text, e.end), e.content)
                for e in edit.edits
            ),
        )


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text`` (a file other than the Dockerfile)."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
