"""DF110 apt-get-update-alone: the update merges into the RUN that installs."""

from __future__ import annotations

import pytest
from rule_fixers import fixer_for

import fixer

fix = fixer_for("DF110", base="FROM debian:12\n")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "RUN apt-get update\nRUN apt-get install -y curl\n",
            "RUN apt-get update \\\n    && apt-get install -y curl\n",
            id="next-run",
        ),
        pytest.param(
            "RUN apt-get -qq update\nEXPOSE 80\n# tools\n"
            "RUN apt-get install -y \\\n      curl \\\n      git\n",
            "EXPOSE 80\nRUN apt-get -qq update \\\n      # tools\n"
            "      && apt-get install -y \\\n      curl \\\n      git\n",
            id="metadata-between-and-file-indent",
        ),
        pytest.param(
            "RUN apt-get update\r\nRUN apt-get upgrade -y\r\n",
            "RUN apt-get update \\\r\n    && apt-get upgrade -y\r\n",
            id="crlf-upgrade",
        ),
    ],
)
def test_safe_merge(source: str, expected: str) -> None:
    assert fix(source) == expected
    assert fix(expected) == expected


def test_unsafe_when_env_moves_above() -> None:
    source = "RUN apt-get update\nENV DEBIAN_FRONTEND=noninteractive\nRUN apt-get install -y curl\n"
    assert fix(source) == source
    assert fix(source, unsafe=True) == (
        "ENV DEBIAN_FRONTEND=noninteractive\nRUN apt-get update \\\n    && apt-get install -y curl\n"
    )


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN apt-get update\nUSER app\nRUN apt-get install -y curl\n", id="user-between"),
        pytest.param("RUN apt-get update\n", id="no-install-after"),
        pytest.param(
            "RUN apt-get update\nRUN apt-get update && apt-get install -y x\n", id="next-updates-itself"
        ),
        pytest.param("RUN apt-get update\nFROM debian:12\nRUN apt-get install -y curl\n", id="other-stage"),
    ],
)
def test_reported_without_fix(source: str) -> None:
    result = fixer.fix("FROM debian:12\n" + source, unsafe=True, select=["DF110"])
    assert result.output == "FROM debian:12\n" + source
    assert [(d.rule, d.fixed) for d in result.diagnostics] == [("DF110", False)]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN apt-get update && apt-get install -y curl\n", id="already-together"),
        pytest.param("RUN apt-get update; echo done\nRUN apt-get install -y x\n", id="not-alone"),
        pytest.param('RUN ["apt-get", "update"]\nRUN apt-get install -y x\n', id="exec-form"),
    ],
)
def test_not_reported(source: str) -> None:
    assert fixer.fix("FROM debian:12\n" + source, unsafe=True, select=["DF110"]).diagnostics == []
