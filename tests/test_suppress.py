"""Suppression comments: dfix's, hadolint's (through aliases) and BuildKit's `# check=skip=`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import fixer
from fixer import engine
from fixer.diagnostic import Applicability
from fixer.rules._base import Context, Rule, Violation

ADD = "ADD app.py /app/\n"


def codes(text: str) -> list[str]:
    return [d.rule for d in fixer.fix(text, select=["DF601"]).diagnostics]


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        pytest.param("FROM x\n" + ADD, ["DF601"], id="no-comment"),
        pytest.param("FROM x\n# dfix: ignore=DF601\n" + ADD, [], id="code"),
        pytest.param("FROM x\n# dfix: ignore=add-local-source\n" + ADD, [], id="name"),
        pytest.param("FROM x\n# dfix: ignore[DF101, DF601]\n" + ADD, [], id="bracket-list"),
        pytest.param("FROM x\n# why: vendored\n# hadolint ignore=DL3020\n" + ADD, [], id="hadolint-in-block"),
        pytest.param("FROM x\n# dfix: ignore=DF601\n\n" + ADD, ["DF601"], id="blank-line-breaks-it"),
        pytest.param(
            "FROM x\n# dfix: ignore=DF601\nRUN a\n" + ADD, ["DF601"], id="only-the-next-instruction"
        ),
        pytest.param("FROM x\n# dfix: ignore=DF101\n" + ADD, ["DF601"], id="other-rule"),
        pytest.param("# dfix: ignore-file=DF601\nFROM x\nRUN a\n" + ADD, [], id="file-wide"),
        pytest.param("FROM x\n# hadolint global ignore=DL3020\nRUN a\n" + ADD, [], id="hadolint-global"),
    ],
)
def test_comments(text: str, reported: list[str]) -> None:
    assert codes(text) == reported


class MirrorsBuildKitCheck(Rule):
    code, name, summary = "DF997", "test-mirrors-check", "test"
    buildkit_check = "JSONArgsRecommended"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for located in ctx.instructions:
            if located.node.upper_keyword == "CMD":
                yield self.violation(located.offset, located.content_end, "cmd")


@pytest.mark.parametrize(
    ("directive", "reported"),
    [
        pytest.param("", 1, id="none"),
        pytest.param("# check=skip=JSONArgsRecommended\n", 0, id="by-name"),
        pytest.param("# check=skip=all\n", 0, id="all"),
        pytest.param("# check=skip=StageNameCasing;error=true\n", 1, id="other-check"),
    ],
)
def test_buildkit_check_skip_silences_only_mirrored_checks(directive: str, reported: int) -> None:
    text = directive + "FROM x\nCMD a\n"
    result = engine.run(text, [MirrorsBuildKitCheck()], Applicability.SAFE)
    assert len(result.diagnostics) == reported


def test_check_skip_all_does_not_silence_other_rules() -> None:
    assert codes("# check=skip=all\nFROM x\n" + ADD) == ["DF601"]
