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


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # DF501's merge does not know aptitude's update keeps the shell as it was: a subshell.
        pytest.param(
            "RUN aptitude update\nRUN aptitude install -y curl\n",
            "RUN ( aptitude update ) \\\n    && aptitude install -y curl\n",
            id="aptitude",
        ),
        pytest.param(
            "RUN apt-get update\nRUN aptitude -y safe-upgrade\n",
            "RUN apt-get update \\\n    && aptitude -y safe-upgrade\n",
            id="aptitude-installs-with-apt-gets-lists",
        ),
        pytest.param(
            "RUN apt-get -q update\nRUN apt-get install -y --reinstall curl\n",
            "RUN apt-get -q update \\\n    && apt-get install -y --reinstall curl\n",
            id="quiet-update",
        ),
    ],
)
def test_apt_family_merge(source: str, expected: str) -> None:
    assert fix(source) == expected
    assert fix(expected) == expected


def diagnostics(source: str) -> list[fixer.Diagnostic]:
    text = "FROM alpine:3.20\n" + source
    result = fixer.fix(text, unsafe=True, select=["DF110"])
    assert result.output == text  # reported only
    return result.diagnostics


@pytest.mark.parametrize(
    "source",
    [
        # checkov's own failing case (CKV_DOCKER_5, example_UpdateNotAlone/failure).
        pytest.param("RUN apk update\n", id="checkov-failure"),
        pytest.param("RUN apk update\nRUN apk add --no-cache curl\n", id="later-no-cache"),
        pytest.param("RUN apk -q update\nRUN apk add curl\n", id="later-add"),
        pytest.param("RUN apk update\nRUN apk --update add curl\n", id="later-updates-itself"),
    ],
)
def test_apk_update_alone_reported_without_fix(source: str) -> None:
    (diagnostic,) = diagnostics(source)
    assert (diagnostic.rule, diagnostic.line, diagnostic.applicability) == ("DF110", 2, None)
    assert diagnostic.message.startswith("`apk update` alone in a RUN")


@pytest.mark.parametrize(
    "source",
    [
        # checkov's passing cases.
        pytest.param("RUN apk update && apk add --no-cache suuu looo\n", id="with-the-install"),
        pytest.param("RUN apk --update add moo\n", id="update-flag"),
        pytest.param("RUN apk add -U --no-cache moo\n", id="update-short-flag"),
        # An upgrade installs; it is no index refresh (checkov counts `yum update` as one).
        pytest.param("RUN yum -y update\n", id="yum-update-upgrades"),
        pytest.param("RUN dnf -y up\n", id="dnf-up-upgrades"),
        pytest.param("RUN zypper -n update\n", id="zypper-update-upgrades"),
        pytest.param("RUN apk upgrade --no-cache\n", id="apk-upgrade"),
        pytest.param("RUN update-ca-certificates\n", id="update-word-in-a-name"),
    ],
)
def test_not_an_update_alone(source: str) -> None:
    assert diagnostics(source) == []


def test_update_with_no_install_after_it_in_the_stage() -> None:
    # checkov passes this file: its check counts "add" in `useradd` as an install.
    (diagnostic,) = fixer.fix(
        "FROM debian:12\nRUN apt-get update\nRUN useradd app\n", select=["DF110"]
    ).diagnostics
    assert diagnostic.message == (
        "`apt-get update` alone in a RUN, and no later RUN of its stage installs: "
        "its package lists only fill the image"
    )
    assert diagnostic.applicability is None


def test_messages() -> None:
    (diagnostic,) = diagnostics("RUN apk update\nRUN apk add --no-cache curl\n")
    assert diagnostic.message == (
        "`apk update` alone in a RUN: `apk add` fetches the index itself "
        "(with `--no-cache` without keeping it); drop this RUN"
    )
    (diagnostic,) = fixer.fix(
        "FROM debian:12\nRUN aptitude update\nRUN aptitude install -y x\n", select=["DF110"]
    ).diagnostics
    assert diagnostic.message == "`aptitude update` alone in a RUN: its cached layer goes stale"
