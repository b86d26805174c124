"""The library entry point for fixing: `fix(text) -> FixResult`.

No rule exists yet, so a fix is a parse (which validates the input) and an echo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fixer.diagnostic import Applicability, Diagnostic
from fixer.syntax import parse

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
    """Parse `text` (raising `ParseError` if BuildKit would reject it) and apply fixes."""
    parse(text)
    return FixResult(input=text, output=text)
