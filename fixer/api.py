"""The library entry point for fixing: ``fix(text) -> FixResult``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from fixer import engine
from fixer.diagnostic import Applicability, Diagnostic
from fixer.rules import RULES, matches, select_rules
from fixer.settings import DEFAULT_SETTINGS, Settings

__all__ = ["Applicability", "Diagnostic", "FixResult", "fix"]


@dataclass(frozen=True, slots=True)
class FixResult:
    input: str
    output: str
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.output != self.input


def fix(
    text: str,
    unsafe: bool = False,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    pin: bool = False,
    *,
    extend_safe_fixes: Sequence[str] = (),
    extend_unsafe_fixes: Sequence[str] = (),
    context: str | os.PathLike[str] | None = None,
    settings: Settings | None = None,
) -> FixResult:
    """Fix ``text``; raises ``ParseError`` (and writes nothing) if BuildKit would reject it.

    ``diagnostics`` lists the findings fixed (``fixed=True``) and those left. ``pin`` (digest
    pinning, the only network use) is accepted for the stable signature; no rule uses it yet.
    ``extend_safe_fixes`` / ``extend_unsafe_fixes`` name rules whose fixes are promoted to safe
    or demoted to unsafe (demotion wins). ``context`` is the build context directory (default:
    unknown); rules whose fix safety depends on the files there read it, and never write it.
    """
    rules = select_rules(select, ignore)
    level = Applicability.UNSAFE if unsafe else Applicability.SAFE
    overrides = {
        rule.code: applicability
        for applicability, selectors in (
            (Applicability.SAFE, extend_safe_fixes),
            (Applicability.UNSAFE, extend_unsafe_fixes),
        )
        for rule in RULES
        if any(matches(rule, selector) for selector in selectors)
    }
    build_context = None
    if context is not None:
        from pathlib import Path  # not for stdin runs without a context (cold start)

        build_context = Path(context)
    result = engine.run(text, rules, level, overrides, build_context, settings or DEFAULT_SETTINGS)
    return FixResult(input=text, output=result.output, diagnostics=result.diagnostics)
