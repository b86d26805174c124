"""The rule registry's invariants, checked for every rule (after ruff's registry and docs checks).

Codes, names and aliases are unique and well formed, every rule documents itself in the sections
``dfix explain`` prints, a fixable rule names its fix, and every rule module is registered in
``fixer.rules.RULES``. Modules whose name starts with ``_`` (``_base``, shared helpers) hold no rule.
A rule lives in the package of its family (DF1xx in ``fixer/rules/packages/``), its tests in the
same place under ``tests/rules/``: one place to look for a rule, its helpers and its tests.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections import Counter
from pathlib import Path

import pytest

import fixer.rules
from fixer.rules import RULES, by_code
from fixer.rules._base import FixAvailability, Rule

CODE = re.compile(r"DF\d{3}")
KEBAB_CASE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
SECTIONS = ("What it does", "Why is this bad?", "Example", "Fix safety", "References")


def duplicates(values: list[str]) -> list[str]:
    return [value for value, count in Counter(values).items() if count > 1]


FAMILIES = {
    "0": "suppressions",
    "1": "packages",
    "2": "secrets",
    "3": "users",
    "4": "images",
    "5": "layers",
    "6": "exposure",
}
TESTS = Path(__file__).parent / "rules"


def rule_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(fixer.rules.__path__, prefix=f"{fixer.rules.__name__}.")
        if not info.ispkg and not info.name.rpartition(".")[2].startswith("_")
    )


def docs(rule: type[Rule]) -> str:
    return inspect.cleandoc(rule.__dict__.get("__doc__") or "")


def required_sections(rule: type[Rule]) -> list[str]:
    fixable = rule.fix_availability is not FixAvailability.NONE
    return [s for s in SECTIONS if s != "Fix safety" or fixable]


per_rule = pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])


def test_there_are_rules() -> None:
    assert RULES
    assert all(isinstance(rule, type) and issubclass(rule, Rule) and rule is not Rule for rule in RULES)


def test_codes_are_unique() -> None:
    assert duplicates([rule.code for rule in RULES]) == []


def test_names_are_unique() -> None:
    assert duplicates([rule.name for rule in RULES]) == []


def test_codes_names_and_aliases_denote_one_rule() -> None:
    # Selectors are case-insensitive, so a clash in any case is a clash.
    selectors = [s.lower() for rule in RULES for s in (rule.code, rule.name, *rule.aliases)]
    assert duplicates(selectors) == []


@per_rule
def test_code(rule: type[Rule]) -> None:
    assert CODE.fullmatch(rule.code), rule.code


@per_rule
def test_name_is_kebab_case(rule: type[Rule]) -> None:
    assert KEBAB_CASE.fullmatch(rule.name), rule.name


@per_rule
def test_every_selector_finds_the_rule(rule: type[Rule]) -> None:
    for selector in (rule.code, rule.name, *rule.aliases):
        assert by_code(selector) is rule, selector


@per_rule
def test_summary(rule: type[Rule]) -> None:
    assert rule.__dict__.get("summary", "").strip(), f"{rule.code} has no summary"
    assert "\n" not in rule.summary


@per_rule
def test_docstring_sections(rule: type[Rule]) -> None:
    text = docs(rule)
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    missing = [s for s in required_sections(rule) if s not in headings]
    assert missing == [], f"{rule.code} docstring lacks: {missing}"
    present = [h for h in headings if h in SECTIONS]
    assert present == sorted(present, key=SECTIONS.index), f"{rule.code} sections out of order: {present}"
    assert text.startswith("## What it does\n")
    for heading in headings:
        body = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
        assert body.strip(), f"{rule.code}: section {heading!r} is empty"


@per_rule
def test_fixable_rule_has_a_fix_title(rule: type[Rule]) -> None:
    fixable = rule.fix_availability is not FixAvailability.NONE
    assert rule.fix_title or not fixable, f"{rule.code} is fixable but has no fix_title"


@pytest.mark.parametrize("module", rule_modules())
def test_every_rule_module_is_registered(module: str) -> None:
    imported = importlib.import_module(module)
    defined = [
        value
        for value in vars(imported).values()
        if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == module
    ]
    assert defined, f"{module} defines no rule (helpers belong in a module named _...)"
    unregistered = [rule.__name__ for rule in defined if rule not in RULES]
    assert unregistered == [], f"add {unregistered} to RULES in fixer/rules/__init__.py"


@per_rule
def test_rule_lives_in_its_family(rule: type[Rule]) -> None:
    family = FAMILIES[rule.code[2]]
    module = rule.__module__.removeprefix(f"{fixer.rules.__name__}.")
    assert module.partition(".")[0] == family, f"{rule.code} belongs in fixer/rules/{family}/"
    tests = TESTS / family / f"test_{module.partition('.')[2]}.py"
    assert tests.is_file(), f"{rule.code}'s tests belong in {tests.relative_to(TESTS.parent.parent)}"
