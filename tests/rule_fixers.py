"""What every rule test does: fix a snippet with one rule, on top of a FROM line."""

from __future__ import annotations

import functools
from collections.abc import Callable

import fixer


def fix_with(rule: str, text: str, unsafe: bool = False, base: str = "") -> str:
    """``fixer.fix(base + text)`` with only ``rule`` selected; ``base`` is taken off the output."""
    return fixer.fix(base + text, unsafe=unsafe, select=[rule]).output.removeprefix(base)


def fixer_for(rule: str, base: str = "") -> Callable[..., str]:
    """``fixed(text, unsafe=False)`` for one rule's test module."""
    return functools.partial(fix_with, rule, base=base)
