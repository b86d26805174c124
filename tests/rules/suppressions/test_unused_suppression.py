"""DF001 unused-suppression: dead and misspelt `# dfix: ignore` comments, reported and removed."""

from __future__ import annotations

import pytest

import fixer

ADD = "ADD app.py /app/\n"  # DF601 fires here (no build context: the source is not known to be plain)
COPY = "COPY app.py /app/\n"  # nothing fires here


def df001(text: str, **options: object) -> list[tuple[int, str]]:
    return [(d.line, d.message) for d in fixer.fix(text, **options).diagnostics if d.rule == "DF001"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("FROM x\n# dfix: ignore=DF601\n" + ADD, [], id="used"),
        pytest.param("FROM x\n# dfix: ignore=add-local-source\n" + ADD, [], id="used-by-name"),
        pytest.param("FROM x\n# dfix: ignore=DL3020\n" + ADD, [], id="used-by-alias"),
        pytest.param("FROM x\n# dfix: ignore\n" + ADD, [], id="bare-used"),
        pytest.param("# dfix: ignore-file=DF601\nFROM x\nRUN a\n" + ADD, [], id="file-wide-used"),
        pytest.param(
            "FROM x\n# dfix: ignore=DF108\n" + COPY,
            [(2, "unused suppression: `DF108` found nothing to silence here")],
            id="nothing-there",
        ),
        pytest.param(
            "FROM x\n# dfix: ignore=DF1O2,DF601\n" + ADD,
            [(2, "unused suppression: `DF1O2` names no rule")],
            id="typo-letter-o",
        ),
        pytest.param(
            "FROM x\n# dfix: ignore\n" + COPY, [(2, "`# dfix: ignore` silences no finding")], id="bare-unused"
        ),
        pytest.param(
            "# dfix: ignore-file=DF999\nFROM x\n",
            [(1, "unused suppression: `DF999` names no rule")],
            id="file-wide",
        ),
        pytest.param("FROM x\n# dfix: ignore=DF601\n" + COPY, [], id="reads-the-context"),
        pytest.param("FROM x\n# dfix: ignore=DF401\n" + COPY, [], id="opt-in-not-run"),
        pytest.param("FROM x\n# hadolint ignore=DL3008,DL9999\n" + COPY, [], id="hadolint-left-to-it"),
        pytest.param("FROM x\n# dfix: ignore=DF001\n" + COPY, [], id="itself"),
    ],
)
def test_findings(text: str, found: list[tuple[int, str]]) -> None:
    assert df001(text) == found


def test_a_rule_left_out_by_select_is_never_called_unused() -> None:
    text = "FROM x\n# dfix: ignore=DF108\n" + COPY
    assert df001(text, select=["DF001", "DF601"]) == []
    assert df001(text, select=["DF001", "DF108"]) == [
        (2, "unused suppression: `DF108` found nothing to silence here")
    ]


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        pytest.param("FROM x\n# dfix: ignore=DF108\n" + COPY, "FROM x\n" + COPY, id="line-goes"),
        pytest.param("FROM x\r\n# dfix: ignore\r\nCOPY a b\r\n", "FROM x\r\nCOPY a b\r\n", id="crlf"),
        pytest.param(
            "FROM x\n# dfix: ignore=DF1O2,DF601\n" + ADD,
            "FROM x\n# dfix: ignore=DF601\n" + ADD,
            id="typo-goes",
        ),
        pytest.param(
            "FROM x\n# dfix: ignore[DF108, DF601, nope]\n" + ADD,
            "FROM x\n# dfix: ignore[DF601]\n" + ADD,
            id="bracket-list",
        ),
        pytest.param(
            "FROM x\n# vendored, dfix: ignore=DF108\n" + COPY,
            "FROM x\n# vendored, dfix: ignore=DF108\n" + COPY,
            id="other-words-only-reported",
        ),
    ],
)
def test_safe_fix(text: str, fixed: str) -> None:
    result = fixer.fix(text)
    assert result.output == fixed
    assert fixer.fix(result.output).output == result.output  # a fixed point


def test_the_freed_runs_then_merge() -> None:
    # a suppression keeps RUNs apart (it names one instruction); once gone, DF502 may merge them
    text = "FROM x\nRUN a\n# dfix: ignore=DF108\nRUN b\n"
    fixed = fixer.fix(text, unsafe=True, select=["DF001", "DF108", "DF502"])
    assert fixed.output == "FROM x\nRUN a \\\n    && b\n"
