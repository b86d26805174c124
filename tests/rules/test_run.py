"""ONBUILD triggers as the rules read them (``fixer/rules/_run.py``): a trigger runs in every
build FROM its stage, under the shell, user and ENV the stage *ends* with, without its ARGs, on
top of everything the stage did. Rules that read one script at a time report and fix it as a
RUN; stage-wide rules (layers, the final user) leave it alone."""

from __future__ import annotations

import pytest

import fixer


def fixed(source: str, select: str) -> str:
    return fixer.fix(source, unsafe=True, select=[select]).output


def codes(source: str) -> list[str]:
    return [d.rule for d in fixer.fix(source, unsafe=True).diagnostics]


@pytest.mark.parametrize(
    ("rule", "source", "expected"),
    [
        pytest.param(
            "DF101",
            "FROM debian:12\nonbuild   run apt-get update \\\n# a comment\n    && apt-get install curl\n",
            "FROM debian:12\nonbuild   run apt-get update \\\n# a comment\n    && apt-get install -y curl\n",
            id="lower-case-continuation-comment",
        ),
        pytest.param(
            "DF107",
            "FROM fedora:40\nONBUILD RUN dnf in -y x\n",
            "FROM fedora:40\nONBUILD RUN dnf in -y x && dnf clean all\n",
            id="dnf-cache",
        ),
        pytest.param(
            "DF108",
            "FROM python:3\nONBUILD RUN pip install x\n",
            "FROM python:3\nONBUILD RUN pip install --no-cache-dir x\n",
            id="pip",
        ),
        pytest.param(
            "DF109",
            "FROM node:20\nONBUILD RUN yarn install\n",
            "FROM node:20\nONBUILD RUN yarn install && yarn cache clean\n",
            id="yarn",
        ),
        pytest.param(
            "DF304",
            "FROM debian:12\nONBUILD RUN sudo apt-get install -y x\n",
            "FROM debian:12\nONBUILD RUN apt-get install -y x\n",
            id="sudo-as-root",
        ),
        pytest.param(
            "DF602",
            "FROM alpine:3\nONBUILD RUN wget -O- https://x | tar x\n",
            "FROM alpine:3\nONBUILD RUN set -o pipefail && wget -O- https://x | tar x\n",
            id="pipefail-in-the-script",
        ),
    ],
)
def test_trigger_fixed_as_a_run(rule: str, source: str, expected: str) -> None:
    assert fixed(source, rule) == expected
    assert fixed(expected, rule) == expected


def test_trigger_fix_declares_the_onbuild_config() -> None:
    (finding,) = fixer.fix("FROM alpine:3\nONBUILD RUN apk add curl\n", select=["DF103"]).diagnostics
    assert finding.changes is not None
    assert "OnBuild" in finding.changes.config
    assert "/var/cache/apk/**" in finding.changes.paths  # and what it changes where it runs
    assert (finding.line, finding.column) == (2, 13)
    (plain,) = fixer.fix("FROM alpine:3\nRUN apk add curl\n", select=["DF103"]).diagnostics
    assert plain.changes is not None
    assert "OnBuild" not in plain.changes.config


@pytest.mark.parametrize(
    "source",
    [
        # The SHELL the stage ends with runs the trigger, wherever the ONBUILD sits.
        pytest.param(
            'FROM debian:12\nONBUILD RUN apt-get install curl\nSHELL ["pwsh", "-c"]\n', id="shell-after"
        ),
        pytest.param('FROM debian:12\nONBUILD RUN ["apt-get", "install", "curl"]\n', id="exec-form"),
        pytest.param(
            "FROM debian:12\n# dfix: ignore=DF101\nONBUILD RUN apt-get install curl\n", id="suppressed"
        ),
        pytest.param(
            "FROM debian:12\n# hadolint ignore=DL3014\nONBUILD RUN apt-get install curl\n", id="hadolint"
        ),
    ],
)
def test_trigger_not_read(source: str) -> None:
    assert fixed(source, "DF101") == source


def test_trigger_runs_under_the_shell_the_stage_ends_with() -> None:
    source = (
        'FROM debian:12\nSHELL ["pwsh", "-c"]\nONBUILD RUN apt-get install curl\nSHELL ["/bin/sh", "-c"]\n'
    )
    assert "apt-get install -y curl" in fixed(source, "DF101")


def test_trigger_sees_the_final_env_and_no_arg() -> None:
    # ENV after the ONBUILD reaches the trigger; an ARG never crosses the FROM it runs after.
    assert codes("FROM python:3\nONBUILD RUN pip install x\nENV PIP_NO_CACHE_DIR=1\n").count("DF108") == 0
    source = "FROM python:3\nARG PIP_NO_CACHE_DIR=1\nONBUILD RUN pip install x\nRUN pip install y\n"
    findings = [d for d in fixer.fix(source).diagnostics if d.rule == "DF108"]
    assert [d.line for d in findings] == [3]


def test_trigger_sees_the_final_user() -> None:
    # The trigger runs as the stage's last USER, wherever the ONBUILD sits.
    def sudo(source: str) -> str:
        (finding,) = fixer.fix(source, select=["DF304"]).diagnostics
        return finding.message

    assert "(root)" in sudo("FROM debian:12\nONBUILD RUN sudo apt-get install -y x\n")
    assert "as `app`" in sudo("FROM debian:12\nONBUILD RUN sudo apt-get install -y x\nUSER app\n")


def test_lists_kept_for_a_trigger_that_installs() -> None:
    source = "FROM debian:12\nRUN apt-get update\nONBUILD RUN apt-get install -y make\n"
    (finding,) = [d for d in fixer.fix(source).diagnostics if d.rule == "DF102" and d.line == 2]
    assert finding.applicability is None
    assert "the ONBUILD RUN on line 3 needs them" in finding.message


def test_pipefail_trigger_under_dash_reported_without_fix() -> None:
    source = "FROM debian:12\nONBUILD RUN wget -O- https://x | tar x\n"
    (finding,) = [d for d in fixer.fix(source, unsafe=True).diagnostics if d.rule == "DF602"]
    assert finding.applicability is None
    assert "no SHELL can be scoped to it" in finding.message


def test_stage_wide_rules_leave_triggers_alone() -> None:
    # Triggers are not RUNs of this image: no merging into them, no final USER before them.
    source = "FROM debian:12\nRUN echo a\nONBUILD RUN echo b\nRUN echo c\n"
    result = fixer.fix(source, unsafe=True, select=["DF502"])
    assert "ONBUILD RUN echo b\n" in result.output
    (root,) = [d for d in fixer.fix("FROM debian:12\nONBUILD RUN make\n").diagnostics if d.rule == "DF301"]
    assert root.applicability is None
