"""Fixes made later (``Fix.later``): their edits are made only when read, so a run that neither
applies a fix nor shows its edits never renders its template (issue 8: jinja2's import was most
of a first run's time on the editor path, for DF301's fix that ``dfix --write -`` never applies)."""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator

import pytest

import fixer
from fixer import engine
from fixer.diagnostic import Applicability, Edit, Fix, TextEdit
from fixer.rules._base import Context, FixSafety, Rule, Violation

USERLESS = "FROM debian:12\nRUN apt-get update\n"
PIPED = "FROM debian:12\nRUN curl -fsSL https://example.com/t.tgz | tar -xz -C /usr/local\n"

# The edits fixer.fix gave before fixes were made later (recorded from that version).
CREATE_USER = TextEdit(
    3,
    1,
    3,
    1,
    "RUN groupadd --system --gid 10001 app \\\n"
    "    && useradd --system --no-log-init --uid 10001 --gid 10001 --create-home \\\n"
    "        --home-dir /home/app --shell /usr/sbin/nologin app\n"
    "USER 10001:10001\n",
)
STRIP_SETID = TextEdit(3, 1, 3, 1, "RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +\n")
SCOPED_SHELL = (
    TextEdit(2, 1, 2, 1, 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'),
    TextEdit(3, 1, 3, 1, 'SHELL ["/bin/sh", "-c"]\n'),
)


def counted(edits: Iterable[Edit]) -> tuple[Callable[[], Iterable[Edit]], list[int]]:
    calls: list[int] = []

    def make() -> Iterable[Edit]:
        calls.append(1)
        return edits

    return make, calls


# --- Fix.later ------------------------------------------------------------------------------------


def test_a_later_fix_makes_its_edits_once_on_first_read_sorted_and_checked() -> None:
    make, calls = counted([Edit(5, 5, "b"), Edit(1, 2, "a")])
    fix = Fix.later("t", make, Applicability.UNSAFE)
    assert (fix.title, fix.applicability, fix.files, fix.requires) == ("t", Applicability.UNSAFE, (), ())
    assert calls == []
    assert fix.edits == (Edit(1, 2, "a"), Edit(5, 5, "b"))
    assert (fix.start, fix.end) == (1, 5)
    assert calls == [1]
    assert fix == Fix.unsafe("t", Edit(1, 2, "a"), Edit(5, 5, "b"))


@pytest.mark.parametrize(
    ("edits", "error"),
    [([], "edits nothing"), ([Edit(1, 4, "a"), Edit(2, 3, "b")], "overlapping edits")],
)
def test_a_later_fix_is_checked_when_its_edits_are_read(edits: list[Edit], error: str) -> None:
    fix = Fix.later("t", lambda: edits, Applicability.UNSAFE)
    with pytest.raises(ValueError, match=error):
        _ = fix.edits


def test_a_later_fix_is_a_fix_like_any_other() -> None:
    make, calls = counted([Edit(1, 2, "a")])
    fix = Fix.later("t", make, Applicability.UNSAFE)
    safe = fix.with_applicability(Applicability.SAFE)
    assert calls == [] and safe.applicability is Applicability.SAFE  # still later
    assert safe.edits == (Edit(1, 2, "a"),)
    assert dataclasses.replace(fix, title="u") == Fix.unsafe("u", Edit(1, 2, "a"))
    assert pickle.loads(pickle.dumps(fix)) == fix
    assert "Edit(start=1" in repr(Fix.later("t", lambda: [Edit(1, 2, "a")], Applicability.SAFE))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = fix.nothing  # type: ignore[attr-defined]


# --- the engine reads a fix's edits only when it applies it or shows them --------------------------


class LaterUser(Rule):
    """Test rule: an unsafe fix made later, whose making may fail (as a template's render can)."""

    code, name, summary = "DF970", "test-later-user", "test"
    fix_safety = FixSafety.UNSAFE

    def __init__(self, make: Callable[[], Iterable[Edit]]) -> None:
        self.make = make

    def check(self, ctx: Context) -> Iterator[Violation]:
        last = ctx.instructions[-1]
        if last.node.keyword != "USER":
            fix = Fix.later("user", self.make, Applicability.UNSAFE)
            yield self.violation(last.offset, last.content_end, "root", fix)


def test_a_fix_not_applied_makes_no_edits_unless_the_diagnostics_carry_them() -> None:
    make, calls = counted([Edit.insertion(7, "USER 1\n")])
    rules = [LaterUser(make)]
    result = engine.run("FROM x\n", rules, Applicability.SAFE, diagnostic_edits=False)
    assert calls == []
    [found] = result.diagnostics
    assert (found.rule, found.fixed, found.fix_title, found.edits) == ("DF970", False, "user", ())
    shown = engine.run("FROM x\n", rules, Applicability.SAFE).diagnostics  # the API's default
    assert shown[0].edits == (TextEdit(2, 1, 2, 1, "USER 1\n"),)
    assert calls == [1]
    assert dataclasses.replace(shown[0], edits=()) == found


def test_a_fix_applied_makes_its_edits_and_without_diagnostic_edits_shows_none() -> None:
    make, calls = counted([Edit.insertion(7, "USER 1\n")])
    result = engine.run("FROM x\n", [LaterUser(make)], Applicability.UNSAFE, diagnostic_edits=False)
    assert result.output == "FROM x\nUSER 1\n"
    assert calls == [1]
    assert [(d.fixed, d.edits) for d in result.diagnostics] == [(True, ())]


def fails() -> Iterable[Edit]:
    raise ValueError("rendered text does not parse")


def test_a_fix_whose_edits_fail_fails_the_run_when_they_are_read_as_before() -> None:
    # As when the rule rendered the template itself: the rule is named, the file left alone.
    for level, edits in ((Applicability.SAFE, True), (Applicability.UNSAFE, False)):
        with pytest.raises(engine.RuleError, match="rule DF970 failed: ValueError: rendered text"):
            engine.run("FROM x\n", [LaterUser(fails)], level, diagnostic_edits=edits)


def test_a_fix_whose_edits_fail_is_still_reported_when_nothing_reads_them() -> None:
    result = engine.run("FROM x\n", [LaterUser(fails)], Applicability.SAFE, diagnostic_edits=False)
    assert [(d.rule, d.fixed, d.fix_title) for d in result.diagnostics] == [("DF970", False, "user")]


def test_an_override_keeps_a_fix_later() -> None:
    make, calls = counted([Edit.insertion(7, "USER 1\n")])
    overrides = {"DF970": Applicability.UNSAFE}
    engine.run("FROM x\n", [LaterUser(make)], Applicability.SAFE, overrides, diagnostic_edits=False)
    assert calls == []
    promoted = {"DF970": Applicability.SAFE}
    result = engine.run("FROM x\n", [LaterUser(make)], Applicability.SAFE, promoted, diagnostic_edits=False)
    assert result.output == "FROM x\nUSER 1\n" and calls == [1]


# --- the real rules ---------------------------------------------------------------------------------


def test_the_api_default_still_gives_every_findings_edits() -> None:
    found = {d.rule: d for d in fixer.fix(USERLESS).diagnostics}
    assert found["DF301"].edits == (CREATE_USER,)
    assert found["DF302"].edits == (STRIP_SETID,)
    assert {d.rule: d for d in fixer.fix(PIPED).diagnostics}["DF602"].edits == SCOPED_SHELL


@pytest.mark.parametrize("text", [USERLESS, PIPED])
def test_without_diagnostic_edits_the_result_is_the_same_but_for_the_edits(text: str) -> None:
    for unsafe in (False, True):
        full = fixer.fix(text, unsafe=unsafe)
        bare = fixer.fix(text, unsafe=unsafe, diagnostic_edits=False)
        assert bare.output == full.output
        assert bare.diagnostics == [dataclasses.replace(d, edits=(), file_edits=()) for d in full.diagnostics]


@pytest.mark.parametrize("text", [USERLESS, PIPED])
def test_the_text_path_never_imports_the_template_engine(text: str) -> None:
    """``dfix -`` and ``dfix --write -`` (no --unsafe-fixes): DF301, DF302 and DF602 are found,
    their unsafe fixes not applied, and nothing renders their templates."""
    code = (
        "import sys, fixer\n"
        f"result = fixer.fix({text!r}, unsafe=False, diagnostic_edits=False)\n"
        "print(sorted(d.rule for d in result.diagnostics if d.fix_title and not d.fixed))\n"
        "print(sorted(m for m in ('jinja2', 'fixer.snippets') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    unapplied, imported = done.stdout.splitlines()
    assert "DF301" in unapplied, done.stdout
    assert imported == "[]"
