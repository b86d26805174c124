"""Suppression comments: dfix's own, hadolint's (through rule aliases) and BuildKit's ``# check=skip=``.

- ``# dfix: ignore=DF601,secret-file-copied`` (or ``ignore[DF601]``) in the comment block directly
  above an instruction silences those rules on it; ``# dfix: ignore-file=…`` anywhere, the file.
  A bare ``# dfix: ignore`` (``ignore-file``) silences every rule there, as ruff's bare ``noqa``.
- ``# hadolint ignore=DL3020`` above an instruction, ``# hadolint global ignore=…`` anywhere.
- The BuildKit directive ``# check=skip=JSONArgsRecommended,…`` (or ``all``) silences the rules
  that mirror those BuildKit checks (``Rule.buildkit_check``), and only those.
A rule is named by its code, its name or any alias (hadolint, BuildKit, Trivy, Checkov ids).
Each pass records which names of dfix's own comments silenced something: DF001 reports the
rest (``fixer/rules/suppressions/unused_suppression.py``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from fixer.rules._base import Context, Located, Rule, Violation
from fixer.syntax import Comment, Instruction

_DFIX = re.compile(r"#\s*dfix:\s*ignore(-file)?(?:\s*=\s*(\S+)|\s*\[([^\]]*)\]|(?=\s|$))", re.IGNORECASE)
_HADOLINT = re.compile(r"#\s*hadolint\s+(global\s+)?ignore\s*=\s*(\S+)", re.IGNORECASE)
EVERY_RULE = "*"  # what a bare `# dfix: ignore` names


def _names(listing: str) -> set[str]:
    return {name.strip().lower() for name in listing.split(",") if name.strip()}


def parse_comment(content: str) -> tuple[set[str], bool]:
    """The rule names a suppression comment lists (``EVERY_RULE`` for a bare dfix ignore), and
    whether it is file-wide."""
    found = _parse(content)
    return (found.names, found.file_wide) if found else (set(), False)


def rule_names(rule: type[Rule]) -> set[str]:
    return {rule.code.lower(), rule.name.lower(), *(alias.lower() for alias in rule.aliases)}


@dataclass(eq=False)
class SuppressionComment:
    """One suppression comment, read once: its names as written (by their lower-case form; none
    for a bare ``# dfix: ignore``), and which of them silenced a finding this pass."""

    written: dict[str, str]
    file_wide: bool
    own: bool  # dfix's own (``# dfix: ignore``), not hadolint's
    listing: tuple[int, int] | None  # where the names are in the comment
    whole: bool  # the comment says nothing else: removing it loses no words
    used: set[str] = field(default_factory=set)

    @property
    def names(self) -> set[str]:
        return set(self.written) if self.written or not self.own else {EVERY_RULE}

    def silences(self, rule: type[Rule]) -> bool:
        matched = self.names & (rule_names(rule) | {EVERY_RULE})
        self.used |= matched
        return bool(matched)


def _parse(content: str) -> SuppressionComment | None:
    if found := _DFIX.search(content):
        group = 2 if found.group(2) is not None else 3 if found.group(3) is not None else None
        listing = None if group is None else found.span(group)
        whole = found.group(0) == content.strip()
        return SuppressionComment(_written(content, listing), bool(found.group(1)), True, listing, whole)
    if found := _HADOLINT.search(content):
        listing = found.span(2)
        return SuppressionComment(_written(content, listing), bool(found.group(1)), False, listing, False)
    return None


def _written(content: str, listing: tuple[int, int] | None) -> dict[str, str]:
    names = content[listing[0] : listing[1]].split(",") if listing else []
    return {name.strip().lower(): name.strip() for name in names if name.strip()}


@dataclass(frozen=True, slots=True)
class Placed:
    """A suppression comment where it stands: its node and offset in the file."""

    node: Comment
    offset: int
    comment: SuppressionComment


class Suppressions:
    """Which rules are silenced where, read once per file."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._starts = [located.offset for located in ctx.instructions]
        self.comments: list[Placed] = []
        self._file: list[SuppressionComment] = []
        self._above: dict[int, list[SuppressionComment]] = {}  # instruction offset → comments
        self._buildkit_skips: set[str] = set()
        for directive in ctx.tree.directives:
            if directive.name == "check":
                self._buildkit_skips |= _check_skips(directive.value)
        pending: list[SuppressionComment] = []
        for node, _, offset in ctx.nodes:
            if isinstance(node, Comment):
                if (comment := _parse(node.content)) is not None:
                    self.comments.append(Placed(node, offset, comment))
                    (self._file if comment.file_wide else pending).append(comment)
            elif isinstance(node, Instruction):
                if pending:
                    self._above[offset] = pending
                pending = []
            else:
                pending = []  # a blank line or directive breaks "directly above"

    def covers(self, violation: Violation) -> bool:
        rule = violation.rule
        located = self._instruction_at(violation.start)
        above = self._above.get(located.offset, []) if located is not None else []
        # every comment that names the rule is marked used, so none is reported as dead
        silenced = [comment.silences(rule) for comment in (*self._file, *above)]
        return any(silenced) or self._skipped_by_buildkit(rule)

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
