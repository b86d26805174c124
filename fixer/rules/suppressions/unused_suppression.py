"""DF001 unused-suppression: a ``# dfix: ignore`` comment that silences nothing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from fixer.diagnostic import Edit, Fix
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.suppress import EVERY_RULE, Placed, rule_names


class UnusedSuppression(Rule):
    """## What it does
    Finds ``# dfix: ignore=…`` and ``# dfix: ignore-file=…`` comments whose names silence no
    finding: a name that is no rule's code, name or alias (``DF1O2`` with a letter O), or a rule
    that ran and found nothing there. A bare ``# dfix: ignore`` (every rule) that silences
    nothing is reported too. Like ruff's RUF100.

    Only rules that ran count: a comment naming a rule left out by ``--select``, or an opt-in
    rule not asked for (DF401 without ``--pin``), is never called unused; nor is one naming a
    rule whose findings depend on the build context's files (DF202, DF601), since an editor
    sends the text alone and finds what a run on the file does not, or the reverse. hadolint's comments
    (``# hadolint ignore=DL3008``) name hadolint's rules and are left to it.

    ## Why is this bad?
    A misspelt name silences nothing while it looks as if it did, and a dead suppression would
    silence a real finding the day one appears there. Both hide what the file needs.

    ## Example
    ```dockerfile
    # dfix: ignore=DF601
    COPY app.py /app/
    ```

    Use instead:
    ```dockerfile
    COPY app.py /app/
    ```

    ## Fix safety
    Safe: only the comment changes, and a comment never reaches the build. The unused names
    leave the list; when none is left, the comment line goes. A comment that says more than the
    suppression (``# vendored; dfix: ignore=DF601``) is only reported.

    ## References
    - ruff RUF100 (unused-noqa)
    """

    code = "DF001"
    name = "unused-suppression"
    summary = "a `# dfix: ignore` comment that silences nothing"
    fix_title = "Remove the unused suppression"
    fix_availability = FixAvailability.SOMETIMES

    def check(self, ctx: Context) -> Iterator[Violation]:
        # The engine asks `dead` once every other rule has run: only then is it known what the
        # comments silenced.
        yield from ()

    def dead(
        self, ctx: Context, comments: Iterable[Placed], ran: Iterable[type[Rule]]
    ) -> Iterator[Violation]:
        known = {name: rule for rule in _all_rules() for name in rule_names(rule)}
        ran_codes = {rule.code for rule in ran}
        for placed in comments:
            comment = placed.comment
            if not comment.own:
                continue  # hadolint's names are hadolint's
            written = comment.written or {EVERY_RULE: EVERY_RULE}  # in the comment's order
            unused = [name for name in written if name not in comment.used and _dead(name, known, ran_codes)]
            if not unused:
                continue
            unknown = [written[name] for name in unused if name not in known and name != EVERY_RULE]
            message = _message([written[name] for name in unused], unknown)
            end = placed.offset + len(placed.node.content)
            yield self.violation(placed.offset, end, message, _fix(self.fix_title or "", placed, set(unused)))


def _all_rules() -> tuple[type[Rule], ...]:
    from fixer.rules import RULES  # the registry imports this module

    return RULES


def _dead(name: str, known: dict[str, type[Rule]], ran_codes: set[str]) -> bool:
    if name == EVERY_RULE:
        return True  # every rule that ran found nothing there
    rule = known.get(name)
    if rule is None:
        return True
    return rule.code in ran_codes and rule.code != UnusedSuppression.code and not rule.reads_build_context


def _message(unused: list[str], unknown: list[str]) -> str:
    if unused == [EVERY_RULE]:
        return "`# dfix: ignore` silences no finding"
    parts = [f"`{name}` names no rule" for name in unknown]
    silent = [name for name in unused if name not in unknown]
    if silent:
        parts.append(f"{', '.join(f'`{name}`' for name in silent)} found nothing to silence here")
    return "unused suppression: " + "; ".join(parts)


def _fix(title: str, placed: Placed, unused: set[str]) -> Fix | None:
    comment, node, offset = placed.comment, placed.node, placed.offset
    if not comment.whole:
        return None
    span = comment.listing
    written = [] if span is None else node.content[span[0] : span[1]].split(",")
    kept = [name for name in written if name.strip() and name.strip().lower() not in unused]
    if not kept or span is None:
        return Fix.safe(title, Edit.deletion(offset, offset + len(node.content) + len(node.newline)))
    listing = ",".join(kept).strip()
    return Fix.safe(title, Edit.replacement(offset + span[0], offset + span[1], listing))
