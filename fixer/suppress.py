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
    if found := _DFIX.search(content):
        listing = found.group(2) if found.group(2) is not None else found.group(3)
        return (_names(listing) if listing is not None else {EVERY_RULE}), bool(found.group(1))
    if found := _HADOLINT.search(content):
        return _names(found.group(2)), bool(found.group(1))
    return set(), False


def rule_names(rule: type[Rule]) -> set[str]:
    return {rule.code.lower(), rule.name.lower(), *(alias.lower() for alias in rule.aliases)}


@dataclass(eq=False)
class DfixComment:
    """One ``# dfix: ignore…`` comment, and which of its names silenced a finding this pass."""

    node: Comment
    offset: int
    names: set[str]
    file_wide: bool
    used: set[str] = field(default_factory=set)

    @property
    def written(self) -> dict[str, str]:
        """Each name as the comment spells it (``DF1O2``), by its lower-case form."""
        span = listing_span(self.node)
        listing = self.node.content[span[0] : span[1]] if span else ""
        return {name.strip().lower(): name.strip() for name in listing.split(",") if name.strip()}

    def silences(self, rule: type[Rule]) -> bool:
        matched = (self.names & rule_names(rule)) | (self.names & {EVERY_RULE})
        self.used |= matched
        return bool(matched)


class Suppressions:
    """Which rules are silenced where, read once per file."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._starts = [located.offset for located in ctx.instructions]
        self._file: set[str] = set()
        self._above: dict[int, set[str]] = {}  # instruction offset → names
        self._buildkit_skips: set[str] = set()
        self.dfix_comments: list[DfixComment] = []
        self._dfix_file: list[DfixComment] = []
        self._dfix_above: dict[int, list[DfixComment]] = {}
        for directive in ctx.tree.directives:
            if directive.name == "check":
                self._buildkit_skips |= _check_skips(directive.value)
        pending: set[str] = set()
        pending_dfix: list[DfixComment] = []
        for node, _, offset in ctx.nodes:
            if isinstance(node, Comment):
                names, file_wide = parse_comment(node.content)
                if _DFIX.search(node.content):
                    comment = DfixComment(node, offset, names, file_wide)
                    self.dfix_comments.append(comment)
                    (self._dfix_file if file_wide else pending_dfix).append(comment)
                else:
                    (self._file if file_wide else pending).update(names)
            elif isinstance(node, Instruction):
                if pending:
                    self._above[offset] = pending
                if pending_dfix:
                    self._dfix_above[offset] = pending_dfix
                pending, pending_dfix = set(), []
            else:
                pending, pending_dfix = set(), []  # a blank line or directive breaks "directly above"

    def covers(self, violation: Violation) -> bool:
        rule = violation.rule
        names = rule_names(rule)
        # every comment that names the rule is marked used, so none is reported as dead
        by_dfix = [comment.silences(rule) for comment in self._dfix_file]
        located = self._instruction_at(violation.start)
        if located is not None:
            by_dfix += [comment.silences(rule) for comment in self._dfix_above.get(located.offset, [])]
        if any(by_dfix) or names & self._file or self._skipped_by_buildkit(rule):
            return True
        return located is not None and bool(names & self._above.get(located.offset, set()))

    def _skipped_by_buildkit(self, rule: type[Rule]) -> bool:
        check = rule.buildkit_check
        return check is not None and bool({"all", check.lower()} & self._buildkit_skips)

    def _instruction_at(self, offset: int) -> Located | None:
        instructions = self._ctx.instructions
        index = bisect.bisect_right(self._starts, offset) - 1
        located = instructions[index] if index >= 0 else None
        return located if located is not None and offset < located.end else None


def listing_span(comment: Comment) -> tuple[int, int] | None:
    """Where the names of a dfix comment are written in its content (None for a bare ignore)."""
    found = _DFIX.search(comment.content)
    if found is None:
        return None
    group = 2 if found.group(2) is not None else 3 if found.group(3) is not None else None
    return None if group is None else found.span(group)


def is_only_a_suppression(comment: Comment) -> bool:
    """Whether the comment says nothing but its ``# dfix: ignore…`` (so removing it loses no words)."""
    found = _DFIX.match(comment.content.strip())
    return found is not None and found.end() == len(comment.content.strip())


def _check_skips(value: str) -> set[str]:
    # `# check=skip=A,B;error=true`: only the skip list matters here.
    for part in value.split(";"):
        key, _, listing = part.partition("=")
        if key.strip().lower() == "skip":
            return _names(listing)
    return set()
