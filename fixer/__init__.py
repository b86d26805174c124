"""dfix: lossless Dockerfile parsing and auto-remediation.

Public API (ARCHITECTURE.md §4; ../shared/tools/corpus_check.py depends on it)::

    tree = fixer.parse(text)        # raises fixer.ParseError(line, column, message)
    tree.code == text               # always
    tree.to_buildkit()              # BuildKit's own view of the instructions
    res = fixer.fix(text)           # res.output, res.diagnostics
"""

from __future__ import annotations

from fixer.api import Applicability, Diagnostic, FixResult, fix
from fixer.syntax import Dockerfile, ParseError, parse

__version__ = "0.1.0"

__all__ = [
    "Applicability",
    "Diagnostic",
    "Dockerfile",
    "FixResult",
    "ParseError",
    "__version__",
    "fix",
    "parse",
]
