"""DF101 apt-get-without-yes: (source, expected) pairs, inputs that must stay unchanged, locations."""

from __future__ import annotations

import pytest
from rule_fixers import fixer_for

import fixer

RULE = ["DF101"]
FROM = "FROM debian:12\n"


fix_file = fixer_for(RULE[0])
fixed = fixer_for(RULE[0], base=FROM)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("RUN apt-get install curl\n", "RUN apt-get install -y curl\n", id="one-line"),
        pytest.param(
            "RUN apt-get update && apt-get install curl\n",
            "RUN apt-get update && apt-get install -y curl\n",
            id="after-update",
        ),
        pytest.param("RUN apt-get upgrade\n", "RUN apt-get upgrade -y\n", id="upgrade"),
        pytest.param("RUN apt-get dist-upgrade\n", "RUN apt-get dist-upgrade -y\n", id="dist-upgrade"),
        pytest.param("RUN apt-get remove curl\n", "RUN apt-get remove -y curl\n", id="remove"),
        pytest.param("RUN apt-get purge curl\n", "RUN apt-get purge -y curl\n", id="purge"),
        pytest.param("RUN apt-get autoremove\n", "RUN apt-get autoremove -y\n", id="autoremove"),
        pytest.param(
            "RUN apt-get install curl && apt-get purge wget\n",
            "RUN apt-get install -y curl && apt-get purge -y wget\n",
            id="two-invocations-one-run",
        ),
        pytest.param("RUN apt-get -q install curl\n", "RUN apt-get -q install -y curl\n", id="quiet-level-1"),
        pytest.param(
            "RUN apt-get install -o Dpkg::Options::=--force-confold curl\n",
            "RUN apt-get install -y -o Dpkg::Options::=--force-confold curl\n",
            id="option-with-argument",
        ),
        pytest.param(
            "RUN apt-get -o APT::Foo=-y install curl\n",
            "RUN apt-get -o APT::Foo=-y install -y curl\n",
            id="option-argument-is-not-yes",
        ),
        pytest.param(
            "RUN apt-get update \\\n    && apt-get install \\\n        curl \\\n        git\n",
            "RUN apt-get update \\\n    && apt-get install -y \\\n        curl \\\n        git\n",
            id="leading-and-style",
        ),
        pytest.param(
            "RUN apt-get update && \\\n    apt-get install curl git && \\\n    apt-get clean\n",
            "RUN apt-get update && \\\n    apt-get install -y curl git && \\\n    apt-get clean\n",
            id="trailing-and-style",
        ),
        pytest.param(
            "RUN apt-get install \\\n      ca-certificates \\\n      curl \\\n      git\n",
            "RUN apt-get install -y \\\n      ca-certificates \\\n      curl \\\n      git\n",
            id="one-package-per-line",
        ),
        pytest.param(
            "RUN apt-get update \\\n    # then the tools\n\n    && apt-get \\\n    # subcommand next\n"
            "    install \\\n    curl\n",
            "RUN apt-get update \\\n    # then the tools\n\n    && apt-get \\\n    # subcommand next\n"
            "    install -y \\\n    curl\n",
            id="comments-and-blank-line-in-continuation",
        ),
        pytest.param(
            "RUN apt-get update && \\\r\n    apt-get install curl\r\n",
            "RUN apt-get update && \\\r\n    apt-get install -y curl\r\n",
            id="crlf",
        ),
        pytest.param("RUN sudo apt-get install curl\n", "RUN sudo apt-get install -y curl\n", id="sudo"),
        pytest.param(
            "RUN sudo -E -u root apt-get install curl\n",
            "RUN sudo -E -u root apt-get install -y curl\n",
            id="sudo-with-options",
        ),
        pytest.param(
            "RUN env DEBIAN_FRONTEND=noninteractive apt-get install curl\n",
            "RUN env DEBIAN_FRONTEND=noninteractive apt-get install -y curl\n",
            id="env-prefix",
        ),
        pytest.param(
            "RUN DEBIAN_FRONTEND=noninteractive apt-get install curl\n",
            "RUN DEBIAN_FRONTEND=noninteractive apt-get install -y curl\n",
            id="assignment-prefix",
        ),
        pytest.param(
            "RUN /usr/bin/apt-get install curl\n", "RUN /usr/bin/apt-get install -y curl\n", id="full-path"
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/var/cache/apt apt-get install curl\n",
            "RUN --mount=type=cache,target=/var/cache/apt apt-get install -y curl\n",
            id="cache-mount-flag",
        ),
        pytest.param(
            "RUN <<EOF\nset -e\napt-get update\napt-get install curl\nEOF\n",
            "RUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n",
            id="heredoc-body",
        ),
        pytest.param(
            "RUN <<-EOT\n\tapt-get update\n\tapt-get install curl\n\tEOT\n",
            "RUN <<-EOT\n\tapt-get update\n\tapt-get install -y curl\n\tEOT\n",
            id="heredoc-body-tab-stripped",
        ),
        pytest.param(
            "RUN bash <<EOF\napt-get install curl\nEOF\n",
            "RUN bash <<EOF\napt-get install -y curl\nEOF\n",
            id="heredoc-fed-to-bash",
        ),
        pytest.param(
            "RUN <<EOF\r\napt-get install curl\r\nEOF\r\n",
            "RUN <<EOF\r\napt-get install -y curl\r\nEOF\r\n",
            id="heredoc-crlf",
        ),
        pytest.param(
            'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN apt-get install curl\n',
            'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN apt-get install -y curl\n',
            id="bash-shell",
        ),
        pytest.param(
            "ONBUILD RUN apt-get install curl\n",
            "ONBUILD RUN apt-get install -y curl\n",
            id="onbuild-trigger",
        ),
    ],
)
def test_safe_fix(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(source, unsafe=True) == expected
    assert fixed(expected, unsafe=True) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "# escape=`\nFROM debian:12\nRUN apt-get update && `\n    apt-get install `\n    curl\n",
            "# escape=`\nFROM debian:12\nRUN apt-get update && `\n    apt-get install -y `\n    curl\n",
            id="escape-backtick-linux",
        ),
        pytest.param(
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win\nRUN echo hi\n"
            "FROM debian:12\nRUN apt-get install curl\n",
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win\nRUN echo hi\n"
            "FROM debian:12\nRUN apt-get install -y curl\n",
            id="linux-stage-after-windows-stage",
        ),
        pytest.param(
            "\ufeffFROM debian:12\nRUN apt-get install curl",
            "\ufeffFROM debian:12\nRUN apt-get install -y curl",
            id="bom-no-final-newline",
        ),
    ],
)
def test_safe_fix_whole_file(source: str, expected: str) -> None:
    assert fix_file(source) == expected
    assert fix_file(expected, unsafe=True) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN apt-get install -y curl\n", id="y"),
        pytest.param("RUN apt-get install --yes curl\n", id="yes"),
        pytest.param("RUN apt-get install --assume-yes curl\n", id="assume-yes"),
        pytest.param("RUN apt-get -y install curl\n", id="y-before-subcommand"),
        pytest.param("RUN apt-get install curl -y\n", id="y-after-packages"),
        pytest.param("RUN apt-get -qy install curl\n", id="qy-combined"),
        pytest.param("RUN apt-get install -yq curl\n", id="yq-combined"),
        pytest.param("RUN apt-get install \\\n    -y \\\n    curl\n", id="y-on-continuation-line"),
        pytest.param("RUN apt-get update\n", id="update-does-not-prompt"),
        pytest.param("RUN apt-get clean\n", id="clean-does-not-prompt"),
        pytest.param("RUN apt-get source hello\n", id="source-does-not-prompt"),
        pytest.param("RUN apt install curl\n", id="apt-is-df105s"),
        pytest.param("RUN apt-cache policy curl\n", id="apt-cache"),
        pytest.param('RUN echo "apt-get install curl"\n', id="quoted-text"),
        pytest.param('RUN ["apt-get", "install", "curl"]\n', id="exec-form"),
        pytest.param("RUN cat <<EOF > /notes\napt-get install curl\nEOF\n", id="heredoc-as-data"),
        pytest.param(
            "RUN <<EOF\n#!/usr/bin/env python3\nprint('apt-get install')\nEOF\n", id="python-heredoc"
        ),
        pytest.param('SHELL ["powershell", "-Command"]\nRUN apt-get install curl\n', id="powershell-shell"),
        pytest.param("# hadolint ignore=DL3014\nRUN apt-get install curl\n", id="hadolint-suppression"),
        pytest.param("# dfix: ignore=DF101\nRUN apt-get install curl\n", id="dfix-suppression-code"),
        pytest.param(
            "# dfix: ignore=apt-get-without-yes\nRUN apt-get install curl\n", id="dfix-suppression-name"
        ),
    ],
)
def test_unchanged(source: str) -> None:
    assert fixed(source, unsafe=True) == source


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN apt-get install curl\n", id="windows-cmd"
        ),
        pytest.param(
            "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
            'SHELL ["powershell", "-Command"]\nRUN apt-get install curl; `\n    apt-get remove wget\n',
            id="windows-powershell-backtick",
        ),
    ],
)
def test_unchanged_whole_file(source: str) -> None:
    result = fixer.fix(source, unsafe=True, select=RULE)
    assert result.output == source
    assert result.diagnostics == []


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN apt-get -qq install curl\n", id="qq"),
        pytest.param("RUN apt-get -q -q install curl\n", id="q-q"),
        pytest.param("RUN apt-get install -q -q curl\n", id="q-q-after-subcommand"),
        pytest.param("RUN apt-get --quiet --quiet install curl\n", id="quiet-quiet"),
        pytest.param("RUN apt-get --silent -q install curl\n", id="silent-q"),
        pytest.param("RUN apt-get -qqq install curl\n", id="qqq"),
        pytest.param("RUN apt-get -qqd install curl\n", id="qq-with-download-only"),
        pytest.param("RUN apt-get -q=2 install curl\n", id="q-equals-2"),
        pytest.param("RUN apt-get -q2 install curl\n", id="q2"),
        pytest.param("RUN apt-get -q=3 install curl\n", id="q-equals-3"),
        pytest.param("RUN apt-get --quiet=2 install curl\n", id="quiet-equals-2"),
        pytest.param("RUN apt-get -o quiet=2 install curl\n", id="option-quiet"),
        pytest.param("RUN apt-get --option=Quiet=2 install curl\n", id="option-equals-quiet"),
        pytest.param("RUN apt-get -oquiet=2 install curl\n", id="glued-option-quiet"),
    ],
)
def test_quiet_level_two_assumes_yes(source: str) -> None:
    """apt-get(8): "Note that quiet level 2 implies -y"."""
    assert fixed(source) == source
    assert fixer.fix(FROM + source, select=RULE).diagnostics == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("RUN apt-get -q install curl\n", "RUN apt-get -q install -y curl\n", id="q"),
        pytest.param("RUN apt-get --quiet install x\n", "RUN apt-get --quiet install -y x\n", id="quiet"),
        pytest.param("RUN apt-get -q=1 install x\n", "RUN apt-get -q=1 install -y x\n", id="q-equals-1"),
        pytest.param(
            "RUN apt-get -qq -q=0 install x\n", "RUN apt-get -qq -q=0 install -y x\n", id="level-set-back"
        ),
        pytest.param(
            "RUN apt-get -q -o Debug::q=q install x\n",
            "RUN apt-get -q -o Debug::q=q install -y x\n",
            id="q-in-an-option-argument",
        ),
        pytest.param(
            "RUN apt-get -t bookworm-backports -q install x\n",
            "RUN apt-get -t bookworm-backports -q install -y x\n",
            id="target-release-argument",
        ),
    ],
)
def test_quiet_level_below_two_still_asks(source: str, expected: str) -> None:
    assert fixed(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        # apt-get(8) -s: "No action; perform a simulation"; the simulation returns before the prompt.
        pytest.param("RUN apt-get -s install curl\n", id="s"),
        pytest.param("RUN apt-get install --simulate curl\n", id="simulate"),
        pytest.param("RUN apt-get --just-print install curl\n", id="just-print"),
        pytest.param("RUN apt-get --dry-run upgrade\n", id="dry-run"),
        pytest.param("RUN apt-get --recon remove curl\n", id="recon"),
        pytest.param("RUN apt-get --no-act purge curl\n", id="no-act"),
        pytest.param("RUN apt-get -qs install curl\n", id="qs-combined"),
        pytest.param("RUN apt-get -o APT::Get::Simulate=true install curl\n", id="simulate-option"),
        pytest.param("RUN apt-get --print-uris install curl\n", id="print-uris"),
        pytest.param("RUN apt-get --trivial-only install curl\n", id="trivial-only-refuses"),
        pytest.param("RUN apt-get --assume-no install curl\n", id="assume-no-answers-no"),
        pytest.param("RUN apt-get -o APT::Get::Assume-Yes=true install curl\n", id="assume-yes-option"),
        pytest.param("RUN yes | apt-get install curl\n", id="fed-by-yes"),
    ],
)
def test_never_asks(source: str) -> None:
    assert fixed(source) == source
    assert fixer.fix(FROM + source, select=RULE).diagnostics == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # --force-yes only lets -y go through what it would refuse; it answers no prompt.
        pytest.param(
            "RUN apt-get --force-yes install curl\n",
            "RUN apt-get --force-yes install -y curl\n",
            id="force-yes",
        ),
        pytest.param("RUN apt-get -d install curl\n", "RUN apt-get -d install -y curl\n", id="download-only"),
        pytest.param(
            "RUN apt-get --simulate=no install x\n",
            "RUN apt-get --simulate=no install -y x\n",
            id="simulate-no",
        ),
        pytest.param("RUN apt-get reinstall curl\n", "RUN apt-get reinstall -y curl\n", id="reinstall"),
        pytest.param("RUN apt-get autopurge\n", "RUN apt-get autopurge -y\n", id="autopurge"),
        pytest.param("RUN apt-get auto-remove\n", "RUN apt-get auto-remove -y\n", id="auto-remove"),
        pytest.param("RUN apt-get full-upgrade\n", "RUN apt-get full-upgrade -y\n", id="full-upgrade"),
        pytest.param("RUN apt-get build-dep hello\n", "RUN apt-get build-dep -y hello\n", id="build-dep"),
        pytest.param(
            "RUN apt-get satisfy 'curl (>= 7)'\n", "RUN apt-get satisfy -y 'curl (>= 7)'\n", id="satisfy"
        ),
        pytest.param(
            "RUN apt-get dselect-upgrade\n", "RUN apt-get dselect-upgrade -y\n", id="dselect-upgrade"
        ),
    ],
)
def test_asks(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(expected) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("RUN aptitude install curl\n", "RUN aptitude install -y curl\n", id="install"),
        pytest.param("RUN aptitude safe-upgrade\n", "RUN aptitude safe-upgrade -y\n", id="safe-upgrade"),
        pytest.param("RUN aptitude full-upgrade\n", "RUN aptitude full-upgrade -y\n", id="full-upgrade"),
        pytest.param("RUN aptitude purge curl\n", "RUN aptitude purge -y curl\n", id="purge"),
        pytest.param(
            "RUN aptitude build-depends hello\n", "RUN aptitude build-depends -y hello\n", id="build-depends"
        ),
        # aptitude's quiet levels imply nothing, and its simulation asks too.
        pytest.param("RUN aptitude -qq install curl\n", "RUN aptitude -qq install -y curl\n", id="qq"),
        pytest.param("RUN aptitude -s install curl\n", "RUN aptitude -s install -y curl\n", id="simulate"),
        pytest.param(
            "RUN aptitude -t jammy install curl\n",
            "RUN aptitude -t jammy install -y curl\n",
            id="target-release-is-no-yes",
        ),
        pytest.param(
            "RUN sudo aptitude update && sudo aptitude install curl\n",
            "RUN sudo aptitude update && sudo aptitude install -y curl\n",
            id="sudo",
        ),
    ],
)
def test_aptitude(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(expected) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN aptitude -y install curl\n", id="y"),
        pytest.param("RUN aptitude install --assume-yes curl\n", id="assume-yes"),
        pytest.param("RUN aptitude -o Aptitude::CmdLine::Assume-Yes=true install curl\n", id="option"),
        pytest.param("RUN aptitude --schedule-only install curl\n", id="schedule-only"),
        pytest.param("RUN aptitude update && aptitude clean && aptitude search curl\n", id="no-prompt"),
    ],
)
def test_aptitude_unchanged(source: str) -> None:
    assert fixed(source) == source


def test_aptitude_message() -> None:
    (diagnostic,) = fixer.fix(FROM + "RUN aptitude install curl\n", select=["DL3014"]).diagnostics
    assert (diagnostic.rule, diagnostic.message) == ("DF101", "`aptitude install` without `-y`")


def test_diagnostic_location() -> None:
    text = "FROM debian:12\nRUN apt-get update && \\\n    sudo apt-get install curl\n"
    (diagnostic,) = fixer.fix(text, select=RULE).diagnostics
    assert (diagnostic.rule, diagnostic.name) == ("DF101", "apt-get-without-yes")
    # From the command (wrapper included) to the end of the subcommand.
    assert (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column) == (3, 5, 3, 25)
    assert diagnostic.message == "`apt-get install` without `-y`"
    assert diagnostic.fix_title == "Add `-y`"
    assert diagnostic.applicability is fixer.Applicability.SAFE
    assert diagnostic.fixed


def test_diagnostic_location_in_heredoc_body() -> None:
    text = "FROM debian:12\nRUN <<EOF\napt-get update\n  apt-get remove curl\nEOF\n"
    (diagnostic,) = fixer.fix(text, select=RULE).diagnostics
    assert (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column) == (4, 3, 4, 17)
    assert diagnostic.message == "`apt-get remove` without `-y`"


def test_one_diagnostic_per_invocation() -> None:
    text = "FROM debian:12\nRUN apt-get install a && apt-get install b\nRUN apt-get install -y c\n"
    diagnostics = fixer.fix(text, select=RULE).diagnostics
    assert [(d.line, d.column) for d in diagnostics] == [(2, 5), (2, 26)]


def test_insertion_at_end_of_file_without_newline() -> None:
    assert fix_file("FROM debian:12\nRUN apt-get autoremove") == "FROM debian:12\nRUN apt-get autoremove -y"
