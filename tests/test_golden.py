"""Golden corpus: ``corpus/<case>/input.Dockerfile`` must fix to ``expected.Dockerfile``.

A case without ``expected.Dockerfile`` must come out unchanged. A case with a ``context/``
directory is fixed with it as its build context (what ``ADD`` sources are); without one, the
context is unknown. Fixes that edit the context's ``.dockerignore`` must leave it as
``expected.dockerignore`` says (and, without one, edit no file but the Dockerfile). Every
case also runs Black's safety net: the output parses, and fixing it again changes nothing.

Cases of the users family (named ``df3…``) run every rule; the others every rule but the users
family's, which gives every file's final stage a user of its own and would bury each case's subject.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import fixer

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CASES = sorted(path.parent for path in CORPUS.glob("*/input.Dockerfile"))


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def test_corpus_is_not_empty() -> None:
    assert len(CASES) >= 5


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_golden(case: Path) -> None:
    source = read(case / "input.Dockerfile")
    expected_path = case / "expected.Dockerfile"
    expected = read(expected_path) if expected_path.exists() else source
    context = case / "context" if (case / "context").is_dir() else None
    ignore = None if case.name.startswith("df3") else ["DF3"]
    result = fixer.fix(source, unsafe=True, ignore=ignore, context=context)
    assert result.output == expected
    ignore_path = case / "expected.dockerignore"
    expected_files = {".dockerignore": read(ignore_path)} if ignore_path.exists() else {}
    assert {change.path: change.after for change in result.files} == expected_files
    assert fixer.parse(result.output).code == result.output
    assert fixer.fix(result.output, unsafe=True, ignore=ignore, context=context).output == result.output
