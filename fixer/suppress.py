"""Suppression comments: dfix's own, hadolint's (through rule aliases) and BuildKit's ``# check=skip=``.

- ``# dfix: ignore=DF601,secret-file-copied`` (or ``ignore[DF601]``) in the comment block directly
  above an instruction silences those rules on it; ``# dfix: ignore-file=…`` anywhere, the file.
- ``# hadolint ignore=DL3020`` above an instruction, ``# hadolint global ignore=…`` anywhere.
- The BuildKit directive ``# check=skip=JSONArgsRecommended,…`` (or ``all``) silences the rules
  that mirror those BuildKit checks (``Rule.buildkit_check``), and only those.
A rule is named by its code, its name or any alias (hadolint, BuildKit, Trivy, Checkov ids).
"""

from __future__ import annotations

import bisect
import re

from fixer.rules._base import Context, Located, Rule, Violation
from fixer.syntax import Comment, Instruction

_DFIX = re.compile(r"#\s*dfix:\s*ignore(-file)?\s*(?:=\s*(\S+)|\[([^\]]*)\])", re.IGNORECASE)
_HADOLINT = re.compile(r"#\s*hadolint\s+(global\s+)?ignore\s*=\s*(\S+)", re.IGNORECASE)


def _names(listing: str) -> set[str]:
    return {name.strip().lower() for name in listing.split(",") if name.strip()}


def parse_comment(content: str) -> tuple[set[str], bool]:
    """The rule names a suppression comment lists, and whether it is file-wide."""
    if found := _DFIX.search(content):
        return _names(found.group(2) or found.group(3) or ""), bool(found.group(1))
    if found := _HADOLINT.search(content):
        return _names(found.group(2)), bool(found.group(1))
    return set(), False


def rule_names(rule: type[Rule]) -> set[str]:
    return {rule.code.lower(), rule.name.lower(), *(alias.lower() for alias in rule.aliases)}


class Suppressions:
    """Which rules are silenced where, read once per file."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._starts = [located.offset for located in ctx.instructions]
        self._file: set[str] = set()
        self._above: dict[int, set[str]] = {}  # instruction offset → names
        self._buildkit_skips: set[str] = set()
        for directive in ctx.tree.directives:
            if directive.name == "check":
                self._buildkit_skips |= _check_skips(directive.value)
        pending: set[str] = set()
        for node, _, offset in ctx.nodes:
            if isinstance(node, Comment):
                names, file_wide = parse_comment(node.content)
                (self._file if file_wide else pending).update(names)
            elif isinstance(node, Instruction):
                if pending:
                    self._above[offset] = pending
                pending = set()
            else:
                pending = set()  # a blank line or directive breaks "directly above"

    def covers(self, violation: Violation) -> bool:
        names = rule_names(violation.rule)
        if names & self._file or self._skipped_by_buildkit(violation.rule):
            return True
        located = self._instruction_at(violation.start)
        return located is not None and bool(names & self._above.get(located.offset, set()))

    def _skipped_by_buildkit(self, rule: type[Rule]) -> bool:
        check = rule.buildkit_check
        return check is not None and bool({"all", check.lower()} & self._buildkit_skips)

    def _instruction_at(self, offset: int) -> Located | None:
        instructions = self._ctx.instructions
        index = bisect.bisect_right(self._starts, offset) - 1
        located = instructions[index] if index >= 0 else None
        return located if located is not None and offset < located.end else None


def _check_skips(value: str) -> set[str]:
    # `# check=skip=A,B;error=true`: only the skip list matters here.
    for part in value.split(";"):
        key, _, listing = part.partition("=")
        if key.strip().lower() == "skip":
            return _names(listing)
    return set()
