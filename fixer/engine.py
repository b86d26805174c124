"""Run the rules, apply their fixes to a fixed point, and check the result before trusting it.

Per pass (ruff's ``lint_fix``): check every rule, sort the applicable fixes by position, apply
those that do not overlap one already taken (the rest wait for the next pass), re-parse.
Every pass goes through Black's safety net before it is kept:

- the new text parses;
- every instruction outside the edited spans is still there, unchanged in BuildKit's view;
and at the end the fixed point itself proves that a second run is a no-op. A fix that fails a
check is dropped and reported (never written); a file that does not converge is left as it was.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from fixer.diagnostic import Applicability, Diagnostic, Edit, Fix, TextEdit, apply_edits
from fixer.rules._base import Context, Rule, Violation
from fixer.suppress import Suppressions
from fixer.syntax import Dockerfile, Instruction, ParseError, parse

MAX_PASSES = 20

Fingerprint = tuple[str, str, tuple[Edit, ...]]

ENGINE_CODE = "DF000"


@dataclass(frozen=True, slots=True)
class EngineResult:
    output: str
    diagnostics: list[Diagnostic]


def run(
    text: str,
    rules: Sequence[Rule],
    level: Applicability,
    overrides: Mapping[str, Applicability] | None = None,
) -> EngineResult:
    """Fix ``text`` with ``rules`` at ``level``; raises ParseError if ``text`` does not parse.

    ``overrides`` maps rule codes to the applicability their SAFE/UNSAFE fixes get instead
    (configuration's extend-safe-fixes / extend-unsafe-fixes); DISPLAY fixes stay DISPLAY.
    """
    original = text
    tree = parse(text)
    applied: list[Diagnostic] = []
    rejected: set[Fingerprint] = set()
    for _ in range(MAX_PASSES):
        ctx = Context(text, tree)
        violations = _check(ctx, rules, overrides or {})
        chosen = _non_overlapping(v for v in violations if _wanted(v, level, text, rejected))
        if not chosen:
            remaining = [_diagnostic(ctx, v) for v in violations]
            return EngineResult(text, sorted(applied + remaining, key=lambda d: (d.line, d.column, d.rule)))
        kept, new_text, new_tree = _apply_checked(text, tree, chosen)
        for violation in chosen:
            if violation in kept:
                applied.append(_diagnostic(ctx, violation, fixed=True))
            else:
                rejected.add(_fingerprint(violation, text))
        text, tree = new_text, new_tree
    # A fix that keeps re-firing is a bug in a rule: write nothing rather than a half-fixed file.
    message = f"fixes did not settle in {MAX_PASSES} passes; file left unchanged"
    return EngineResult(original, [Diagnostic(ENGINE_CODE, "fixes-did-not-converge", 1, 1, message)])


def _check(ctx: Context, rules: Sequence[Rule], overrides: Mapping[str, Applicability]) -> list[Violation]:
    suppressions = Suppressions(ctx)
    found = [_override(v, overrides) for rule in rules for v in rule.check(ctx) if not suppressions.covers(v)]
    return sorted(found, key=lambda v: (v.start, v.rule.code))


def _override(violation: Violation, overrides: Mapping[str, Applicability]) -> Violation:
    fix, wanted = violation.fix, overrides.get(violation.rule.code)
    if fix is None or wanted is None or fix.applicability is Applicability.DISPLAY:
        return violation
    return dataclasses.replace(violation, fix=dataclasses.replace(fix, applicability=wanted))


def _wanted(violation: Violation, level: Applicability, text: str, rejected: set[Fingerprint]) -> bool:
    fix = violation.fix
    return fix is not None and fix.applies(level) and _fingerprint(violation, text) not in rejected


def _fingerprint(violation: Violation, text: str) -> Fingerprint:
    """Identify a fix across passes by what it replaces, not where (earlier fixes shift offsets)."""
    assert violation.fix is not None
    edits = violation.fix.edits
    replaced = "\x00".join(text[e.start : e.end] for e in edits)
    return violation.rule.code, replaced, tuple(Edit(0, 0, e.content) for e in edits)


def _non_overlapping(violations: Iterable[Violation]) -> list[Violation]:
    chosen: list[Violation] = []
    last_end = -1
    for violation in sorted(violations, key=lambda v: (_fix(v).start, _fix(v).end)):
        if _fix(violation).start <= last_end:
            continue  # overlaps (or touches) a fix already taken: next pass
        chosen.append(violation)
        last_end = _fix(violation).end
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
    return (new_text, new_tree) if _unchanged_outside(tree, new_tree, edits) else None


def _unchanged_outside(old: Dockerfile, new: Dockerfile, edits: list[Edit]) -> bool:
    """Every instruction no edit reaches into is still there, shifted, with the same BuildKit view.

    Its bytes were copied verbatim, so it must start exactly where the edits before it moved it;
    a fix that swallowed it (a lost line ending, a stray ``#``, a heredoc opener) breaks that.
    An insertion at an instruction's first character goes before it, not into it.
    """
    new_at = {offset: node for node, _, offset in new.located() if isinstance(node, Instruction)}
    for node, _, start in old.located():
        if not isinstance(node, Instruction):
            continue
        end = start + len(node.code)
        open_ended = not node.code.endswith("\n")  # text inserted at its end extends its last line
        if any(_reaches_into(edit, start, end, open_ended) for edit in edits):
            continue
        shift = sum(len(e.content) - (e.end - e.start) for e in edits if e.end <= start)
        moved = new_at.get(start + shift)
        if moved is None or moved.buildkit_view() != node.buildkit_view():
            return False
    return True


def _reaches_into(edit: Edit, start: int, end: int, open_ended: bool) -> bool:
    if edit.start == edit.end:
        return start < edit.start < end or (open_ended and edit.start == end)
    return edit.start < end and edit.end > start


def _diagnostic(ctx: Context, violation: Violation, fixed: bool = False) -> Diagnostic:
    line, column = ctx.position(violation.start)
    end_line, end_column = ctx.position(violation.end)
    fix = violation.fix
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
        edits=tuple(
            TextEdit(*ctx.position(edit.start), *ctx.position(edit.end), edit.content) for edit in fix.edits
        )
        if fix
        else (),
    )
