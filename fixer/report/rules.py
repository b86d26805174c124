"""What ``dfix rules`` and ``dfix explain RULE`` print: the registry, as a table, JSON or one rule's docs.

    $ dfix rules
    Code   Name                            Fix                        Summary
    DF104  apt-get-install-recommends      unsafe                     `apt-get install` without `--no-inst…`
    DF601  add-local-source                sometimes, safe or unsafe  `ADD` copies local files: use `COPY`

The Fix column says when a fix exists (always, or ``sometimes, …``) and how it applies: ``safe``
(``--write``), ``unsafe`` (only with ``--unsafe-fixes``), or ``safe or unsafe`` (fix by fix).

``dfix rules --format json`` gives a list of objects: ``code``, ``name``, ``summary``, ``aliases``,
``fix_availability`` (``none``, ``sometimes``, ``always``), ``fix_safety`` (``safe``, ``unsafe``,
``safe or unsafe``; null without a fix), ``fix_title``, ``buildkit_check``,
``image_changes`` (what a fix may change in the built image, as ``dfix verify`` checks it),
``reads_onbuild_triggers`` (whether ``ONBUILD RUN`` scripts are checked, and fixed, as RUNs) and
``explanation`` (the docstring). ``dfix explain`` prints a header (name, code, summary, aliases,
fix availability) and then the rule's docstring, dedented, Markdown as written.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Sequence
from typing import Any

from fixer.rules._base import FixAvailability, Rule
from fixer.rules._run import reads_triggers

# What a rule that reads triggers does with them (the rule's docs speak of RUN only).
TRIGGERS = (
    "Reads ONBUILD RUN triggers too, as they run in the builds FROM this image: under the shell, "
    "user and ENV the stage ends with, without its ARGs, on top of the whole stage. A fix there "
    "also changes the image config's OnBuild list."
)

HEADER = ("Code", "Name", "Fix", "Summary")


def docs(rule: type[Rule]) -> str:
    """The rule's docstring without its indentation (not the base class's when it has none)."""
    return inspect.cleandoc(rule.__dict__.get("__doc__") or "")


def rules_table(rules: Sequence[type[Rule]]) -> str:
    rows = [HEADER, *((r.code, r.name, fix_column(r), _summary(r)) for r in rules)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER) - 1)]
    lines = (
        "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]) for row in rows
    )
    return "".join(line.rstrip() + "\n" for line in lines)


def fix_column(rule: type[Rule]) -> str:
    """``unsafe``, ``sometimes, safe``, ``none``: whether a fix exists and how it applies."""
    if rule.fix_availability is FixAvailability.NONE:
        return "none"
    sometimes = "sometimes, " if rule.fix_availability is FixAvailability.SOMETIMES else ""
    return sometimes + rule.fix_safety.value


def _summary(rule: type[Rule]) -> str:
    return f"{rule.summary} (opt-in)" if rule.opt_in else rule.summary


def rule_entry(rule: type[Rule]) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary,
        "aliases": list(rule.aliases),
        "fix_availability": rule.fix_availability.value,
        "fix_safety": rule.fix_safety.value if rule.fix_availability is not FixAvailability.NONE else None,
        "fix_title": rule.fix_title,
        "opt_in": rule.opt_in,
        "buildkit_check": rule.buildkit_check,
        "reads_onbuild_triggers": reads_triggers(rule),
        "image_changes": rule.image_changes.describe()
        if rule.fix_availability is not FixAvailability.NONE
        else None,
        "explanation": docs(rule),
    }


def rules_json(rules: Sequence[type[Rule]]) -> str:
    return json.dumps([rule_entry(rule) for rule in rules], indent=2) + "\n"


def explanation(rule: type[Rule]) -> str:
    header = [f"# {rule.name} ({rule.code})", "", rule.summary, ""]
    if rule.aliases:
        header.append(f"Aliases: {', '.join(rule.aliases)}")
    if rule.opt_in:
        header.append("Opt-in: runs only when selected (or, for the pinning rules, with --pin/--refresh).")
    if rule.buildkit_check:
        header.append(f"BuildKit check: {rule.buildkit_check}")
    if reads_triggers(rule):
        header.append(TRIGGERS)
    if rule.fix_availability is FixAvailability.NONE:
        header.append("No fix available.")
    else:
        title = f": {rule.fix_title}" if rule.fix_title else ""
        header.append(f"Fix is {rule.fix_availability.value} available ({rule.fix_safety.value}){title}")
        # The declaration `dfix verify` holds the fix to: one source for the docs and the proof.
        header.append(f"What the fix may change in the built image: {rule.image_changes.describe()}")
    return "\n".join(header) + "\n\n" + docs(rule) + "\n"
