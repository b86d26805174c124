"""The library entry point for fixing: ``fix(text) -> FixResult``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fixer import engine
from fixer.diagnostic import Applicability, Diagnostic
from fixer.rules import select_rules

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
) -> FixResult:
    """Fix ``text``; raises ``ParseError`` (and writes nothing) if BuildKit would reject it.

    ``diagnostics`` lists the findings fixed (``fixed=True``) and those left. ``pin`` (digest
    pinning, the only network use) is accepted for the stable signature; no rule uses it yet.
    """
    rules = select_rules(select, ignore)
    level = Applicability.UNSAFE if unsafe else Applicability.SAFE
    result = engine.run(text, rules, level)
    return FixResult(input=text, output=result.output, diagnostics=result.diagnostics)
