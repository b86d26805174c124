"""Toy rules for the CLI tests: importing this module replaces ``fixer.fix``.

No real rule exists yet, so the CLI paths that need findings and fixes (exit 1, diffs, writes, the
``[*]`` marker, ``--select``/``--ignore``, ``--unsafe-fixes``) run against three line rules on top of
the real parser (its errors still raise):

- DF901 keyword-case, safe fix: a line starting ``from `` gets ``FROM ``.
- DF301 user-root, unsafe fix: a line ``USER root`` is deleted.
- DF601 sshd, no fix: a line mentioning sshd.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import fixer
from fixer.api import Applicability, Diagnostic, FixResult

Rule = tuple[str, str, Applicability | None, Callable[[str], bool], Callable[[str], str]]

RULES: list[Rule] = [
    ("DF901", "keyword-case", Applicability.SAFE, lambda s: s.startswith("from "), lambda s: "FROM " + s[5:]),
    ("DF301", "user-root", Applicability.UNSAFE, lambda s: s.rstrip("\r\n") == "USER root", lambda s: ""),
    ("DF601", "sshd", None, lambda s: "sshd" in s, lambda s: s),
]


def fix(
    text: str,
    unsafe: bool = False,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    pin: bool = False,
) -> FixResult:
    fixer.parse(text)
    output, diagnostics = [], []
    for number, line in enumerate(re.findall(r"[^\n]*\n|[^\n]+", text), start=1):
        for code, name, applicability, matches, rewrite in RULES:
            if (select is not None and code not in select) or code in (ignore or ()) or not matches(line):
                continue
            applied = applicability is Applicability.SAFE or (
                applicability is Applicability.UNSAFE and unsafe
            )
            diagnostics.append(Diagnostic(code, name, number, 1, f"{name} here", applicability, applied))
            line = rewrite(line) if applied else line
        output.append(line)
    return FixResult(text, "".join(output), diagnostics)


fixer.fix = fix
