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


def test_unsafe_when_env_moves_below() -> None:
    # The update ran without the variable and still does; the install gets it exported.
    source = "RUN apt-get update\nENV DEBIAN_FRONTEND=noninteractive\nRUN apt-get install -y curl\n"
    assert fix(source) == source
    assert fix(source, unsafe=True) == (
        "RUN apt-get update \\\n"
        "    && ( export DEBIAN_FRONTEND=noninteractive && apt-get install -y curl )\n"
        "ENV DEBIAN_FRONTEND=noninteractive\n"
    )


def test_env_below_at_the_end_of_a_file_without_a_final_newline() -> None:
    source = "RUN apt-get update\r\nENV A=1\r\nRUN apt-get install -y curl"
    assert fix(source, unsafe=True) == (
        "RUN apt-get update \\\r\n    && ( export A=1 && apt-get install -y curl )\r\nENV A=1"
    )


def test_the_update_keeps_apt_get_where_it_was() -> None:
    # The shell remembers where it found apt-get; an update installs nothing, so the install
    # finds it there too, and needs no subshell around the update.
    assert fix("RUN apt-get update\nRUN apt-get install -y curl\n") == (
        "RUN apt-get update \\\n    && apt-get install -y curl\n"
    )
    assert fix("RUN apt-get update > /usr/local/bin/apt-get\nRUN apt-get install -y curl\n") == (
        "RUN ( apt-get update > /usr/local/bin/apt-get ) \\\n    && apt-get install -y curl\n"
    )


@pytest.mark.parametrize(
    "between",
    [
        pytest.param("ARG MIRROR=deb.debian.org\n", id="arg"),
        pytest.param("ENV PATH=/opt/bin:$PATH\n", id="env-reads-a-variable"),
        pytest.param("COPY sources.list /etc/apt/\n", id="copy-into-a-system-directory"),
    ],
)
def test_between_keeps_them_apart(between: str) -> None:
    source = f"RUN apt-get update\n{between}RUN apt-get install -y curl\n"
    assert fix(source, unsafe=True) == source


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
