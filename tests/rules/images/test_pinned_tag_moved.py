"""DF402 pinned-tag-moved: nothing to say without ``--refresh`` (it needs the registry);
tests/registry/test_pin_registry.py refreshes pins against a real registry."""

from __future__ import annotations

import fixer

PINNED = "FROM python:3.12-slim@sha256:" + "a" * 64 + "\n"


def test_without_refresh_the_rule_reports_nothing_even_when_selected() -> None:
    assert fixer.fix(PINNED, select=["DF402"]).diagnostics == []
    assert fixer.fix(PINNED, select=["DF4"], pin=False).output == PINNED


def test_it_is_off_by_default() -> None:
    assert all(d.rule != "DF402" for d in fixer.fix(PINNED).diagnostics)
