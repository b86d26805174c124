"""DF602 pipe-without-pipefail: `set -o pipefail &&` in the script where its shell knows it, a bash
SHELL scoped to the piped RUNs where /bin/sh is dash, and no fix where either would change more
than the pipes' status."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import fixer
from fixer.shell import run_scripts

SCOPED = 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
RESTORE = 'SHELL ["/bin/sh", "-c"]\n'


def fix(text: str, unsafe: bool = True) -> str:
    return fixer.fix(text, unsafe=unsafe, select=["DF602"]).output


def findings(text: str) -> list[tuple[str, str | None]]:
    result = fixer.fix(text, select=["DF602"])  # report only: every finding with its fix
    return [(d.message, d.applicability.label if d.applicability else None) for d in result.diagnostics]


def assert_fixes(source: str, expected: str) -> None:
    assert fix(source, unsafe=False) == source
    assert fix(source) == expected
    assert fix(expected) == expected  # a fixed point: nothing left to report or to fix


# ---------------------------------------------------------------------------
# In the script: the shell knows pipefail


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "FROM alpine:3.20\nRUN wget -qO- x | tar -xz\n",
            "FROM alpine:3.20\nRUN set -o pipefail && wget -qO- x | tar -xz\n",
            id="alpine-busybox-ash",
        ),
        pytest.param(
            "FROM busybox:1.36\nRUN wget -qO- x | tar -x\n",
            "FROM busybox:1.36\nRUN set -o pipefail && wget -qO- x | tar -x\n",
            id="busybox",
        ),
        pytest.param(
            "FROM fedora:40\nRUN curl x | tar -x\n",
            "FROM fedora:40\nRUN set -o pipefail && curl x | tar -x\n",
            id="fedora-sh-is-bash",
        ),
        pytest.param(
            "FROM registry.access.redhat.com/ubi9/ubi\nRUN curl x | tar -x\n",
            "FROM registry.access.redhat.com/ubi9/ubi\nRUN set -o pipefail && curl x | tar -x\n",
            id="rhel-sh-is-bash",
        ),
        pytest.param(
            "from alpine:3.20\r\nrun wget -O- x | sh\r\n",
            "from alpine:3.20\r\nrun set -o pipefail && wget -O- x | sh\r\n",
            id="lowercase-crlf",
        ),
        pytest.param(
            "FROM alpine:3.20\nRUN --mount=type=cache,target=/root/.cache wget -qO- x | tar -x\n",
            "FROM alpine:3.20\nRUN --mount=type=cache,target=/root/.cache "
            "set -o pipefail && wget -qO- x | tar -x\n",
            id="after-flags",
        ),
        pytest.param(
            "FROM alpine:3.20\nRUN \\\n    wget -qO- x \\\n    | tar -x\n",
            "FROM alpine:3.20\nRUN \\\n    set -o pipefail && wget -qO- x \\\n    | tar -x\n",
            id="continuation-first",
        ),
        pytest.param(
            "FROM alpine:3.20\nRUN apk add curl && \\\n    curl x | tar -x\n",
            "FROM alpine:3.20\nRUN set -o pipefail && apk add curl && \\\n    curl x | tar -x\n",
            id="continuation-trailing-operator",
        ),
        pytest.param(
            "FROM alpine:3.20\nRUN false || wget -qO- x | tar -x; echo done | tee log\n",
            "FROM alpine:3.20\nRUN set -o pipefail && false || wget -qO- x | tar -x; echo done | tee log\n",
            id="or-and-semicolon-lists",
        ),
        pytest.param(
            "FROM alpine:3.20\nRUN sleep 1 & wget -qO- x | tar -x; wait\n",
            "FROM alpine:3.20\nRUN set -o pipefail; sleep 1 & wget -qO- x | tar -x; wait\n",
            id="first-list-in-background",
        ),
        pytest.param(
            "FROM alpine:3.20\nRUN <<EOF\n# fetch\nwget -qO- x | tar -x\nEOF\n",
            "FROM alpine:3.20\nRUN <<EOF\n# fetch\nset -o pipefail && wget -qO- x | tar -x\nEOF\n",
            id="heredoc-after-comment",
        ),
        pytest.param(
            "FROM debian:12\nRUN <<EOF\n#!/usr/bin/env bash\ncurl x | tar -x\nEOF\n",
            "FROM debian:12\nRUN <<EOF\n#!/usr/bin/env bash\nset -o pipefail && curl x | tar -x\nEOF\n",
            id="heredoc-bash-shebang-on-debian",
        ),
    ],
)
def test_in_the_script(source: str, expected: str) -> None:
    assert_fixes(source, expected)


@pytest.mark.parametrize(
    "shell",
    [
        pytest.param('SHELL ["/bin/bash", "-ex", "-c"]', id="bash-ex"),
        pytest.param('SHELL ["/bin/bash", "-eu", "-c"]', id="bash-eu"),
        pytest.param('SHELL ["/bin/bash", "--login", "-c"]', id="bash-login"),
        pytest.param('SHELL ["/bin/bash", "-lc"]', id="bash-lc"),
        pytest.param(
            'SHELL ["conda", "run", "--no-capture-output", "-n", "app", "/bin/bash", "-c"]', id="conda-run"
        ),
        pytest.param('SHELL ["/usr/bin/env", "bash", "-c"]', id="env-bash"),
        pytest.param('SHELL ["/bin/zsh", "-c"]', id="zsh"),
        pytest.param('SHELL ["/bin/ksh", "-c"]', id="ksh"),
    ],
)
def test_the_files_own_shell_stays(shell: str) -> None:
    source = f"FROM ubuntu:24.04\n{shell}\nRUN curl x | tar -x\n"
    expected = f"FROM ubuntu:24.04\n{shell}\nRUN set -o pipefail && curl x | tar -x\n"
    assert_fixes(source, expected)


def test_alpine_with_a_bash_shell_keeps_bash() -> None:
    source = 'FROM alpine:3.20\nRUN apk add bash\nSHELL ["/bin/bash", "-c"]\nRUN wget -qO- x | tar -x\n'
    expected = source.replace("RUN wget", "RUN set -o pipefail && wget")
    assert_fixes(source, expected)


# ---------------------------------------------------------------------------
# A bash SHELL scoped to the piped RUNs: /bin/sh is dash


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "FROM debian:12\nRUN curl -fsSL x | tar -xz\nRUN echo 'a\\nb' > /f\n",
            f"FROM debian:12\n{SCOPED}RUN curl -fsSL x | tar -xz\n{RESTORE}RUN echo 'a\\nb' > /f\n",
            id="restored-before-the-next-run",
        ),
        pytest.param(
            "FROM ubuntu:24.04\nRUN a | b\n# two\nRUN c | d\n\nRUN e | f\nRUN g\nRUN h | i\n",
            f"FROM ubuntu:24.04\n{SCOPED}RUN a | b\n# two\nRUN c | d\n\nRUN e | f\n{RESTORE}RUN g\n"
            f"{SCOPED}RUN h | i\n{RESTORE}",
            id="one-pair-per-run-of-piped-runs",
        ),
        pytest.param(
            "FROM debian:12\nRUN a | b\nENV X=1\nRUN c | d\n",
            f"FROM debian:12\n{SCOPED}RUN a | b\n{RESTORE}ENV X=1\n{SCOPED}RUN c | d\n{RESTORE}",
            id="an-instruction-between-splits",
        ),
        pytest.param(
            "FROM debian:12 AS a\nRUN a | b\nFROM a\nRUN c | d\n",
            f"FROM debian:12 AS a\n{SCOPED}RUN a | b\n{RESTORE}FROM a\n{SCOPED}RUN c | d\n{RESTORE}",
            id="stage-built-on-a-stage",
        ),
        pytest.param(
            'FROM debian:12\nSHELL ["/bin/sh", "-eux", "-c"]\nRUN a | b\n',
            'FROM debian:12\nSHELL ["/bin/sh", "-eux", "-c"]\n'
            'SHELL ["/bin/bash", "-eux", "-o", "pipefail", "-c"]\n'
            'RUN a | b\nSHELL ["/bin/sh", "-eux", "-c"]\n',
            id="options-carried-and-the-files-shell-restored",
        ),
        pytest.param(
            'FROM debian:12\nSHELL ["/bin/sh", "-o", "errexit", "-c"]\nRUN a | b\n',
            'FROM debian:12\nSHELL ["/bin/sh", "-o", "errexit", "-c"]\n'
            'SHELL ["/bin/bash", "-o", "errexit", "-o", "pipefail", "-c"]\nRUN a | b\n'
            'SHELL ["/bin/sh", "-o", "errexit", "-c"]\n',
            id="long-option-carried",
        ),
        pytest.param(
            "FROM debian:12\n  RUN a | b\n",
            f"FROM debian:12\n  {SCOPED}  RUN a | b\n  {RESTORE}",
            id="indented",
        ),
        pytest.param(
            "FROM debian:12\nRUN a | b",
            f"FROM debian:12\n{SCOPED}RUN a | b\n{RESTORE.rstrip()}",
            id="no-final-newline",
        ),
        pytest.param(
            "from debian:12\r\nrun a | b\r\n",
            'from debian:12\r\nshell ["/bin/bash", "-o", "pipefail", "-c"]\r\n'
            'run a | b\r\nshell ["/bin/sh", "-c"]\r\n',
            id="lowercase-crlf",
        ),
        pytest.param(
            "FROM debian:12\nRUN <<EOF\ncurl x | tar -x\nEOF\nRUN true\n",
            f"FROM debian:12\n{SCOPED}RUN <<EOF\ncurl x | tar -x\nEOF\n\n{RESTORE}RUN true\n",
            id="heredoc-without-shebang",  # the blank line after a heredoc: hadolint needs it
        ),
        pytest.param(
            'FROM debian:12\nARG V=1.2\nRUN echo "$V  tool.tgz" | sha256sum -c -\n',
            f'FROM debian:12\nARG V=1.2\n{SCOPED}RUN echo "$V  tool.tgz" | sha256sum -c -\n{RESTORE}',
            id="echo-of-a-known-value",
        ),
    ],
)
def test_scoped_shell(source: str, expected: str) -> None:
    assert_fixes(source, expected)


def test_the_scoped_shell_goes_above_the_runs_comments() -> None:
    source = "FROM debian:12\n# fetch\n# dfix: ignore=DF104\nRUN a | b\n"
    assert fix(source) == f"FROM debian:12\n{SCOPED}# fetch\n# dfix: ignore=DF104\nRUN a | b\n{RESTORE}"


def test_a_suppressed_run_is_left_out_of_the_pair() -> None:
    source = "FROM debian:12\nRUN a | b\n# hadolint ignore=DL4006\nRUN c | d\nRUN e | f\n"
    expected = (
        f"FROM debian:12\n{SCOPED}RUN a | b\n{RESTORE}# hadolint ignore=DL4006\nRUN c | d\n"
        f"{SCOPED}RUN e | f\n{RESTORE}"
    )
    assert fix(source) == expected


def test_every_run_of_a_pair_offers_the_fix() -> None:
    source = "FROM debian:12\nRUN a | b\nRUN c | d\n"
    assert findings(source) == [("a pipe hides the failure of every command but the last", "unsafe")] * 2


def test_consecutive_runs_may_merge_under_the_scoped_shell() -> None:
    """DF502 merges small RUNs that share the scoped SHELL: both run under the same bash."""
    source = "FROM debian:12\nRUN a | b\nRUN c | d\n"
    output = fixer.fix(source, unsafe=True, ignore=["DF3"]).output
    assert output == f"FROM debian:12\n{SCOPED}RUN a | b \\\n    && c | d\n{RESTORE}"


# ---------------------------------------------------------------------------
# No fix


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        pytest.param("FROM gcr.io/distroless/static\nRUN a | b\n", "no shell", id="distroless"),
        pytest.param("FROM scratch\nRUN a | b\n", "no shell", id="scratch"),
        pytest.param("FROM registry.example.com/base:1\nRUN a | b\n", "no shell", id="unknown-family"),
        pytest.param(
            'FROM registry.example.com/base:1\nSHELL ["/bin/bash", "-c"]\nRUN a | b\n',
            "no shell",
            id="unknown-with-bash",
        ),
        pytest.param("FROM cgr.dev/chainguard/wolfi-base\nRUN a | b\n", "`sh`", id="chainguard-sh"),
        # bash reads these differently from dash
        pytest.param(
            'FROM debian:12\nRUN echo "[main]\\nkey=value" | tee /app.conf\n', "backslash", id="echo-escape"
        ),
        pytest.param(
            "FROM debian:12\nRUN mkdir -p /opt/{a,b} && ls /opt | tee /list\n", "brace", id="braces"
        ),
        pytest.param("FROM debian:12\nRUN printf 'a\\x41' | tee /f\n", "printf", id="printf-hex"),
        pytest.param(
            'FROM debian:12\nRUN echo "$(uname -m)" | tee /arch\n', "build time", id="echo-of-command-output"
        ),
        pytest.param(
            'FROM debian:12\nRUN echo "$PHP_INI_DIR" | tee /d\n', "build time", id="echo-of-base-image-env"
        ),
        pytest.param("FROM debian:12\nRUN [[ -f /x ]] && a | b\n", "[[", id="double-bracket"),
        pytest.param("FROM debian:12\nRUN source /etc/profile && a | b\n", "source", id="source"),
        pytest.param("FROM debian:12\nENV BASH_ENV=/etc/profile\nRUN a | b\n", "BASH_ENV", id="bash-env"),
        # by design
        pytest.param(
            "FROM debian:12\nRUN grep nosuchuser /etc/passwd | wc -l > /count.txt\n", "grep", id="grep-wc"
        ),
        pytest.param(
            "FROM alpine:3.20\nRUN grep nosuchuser /etc/passwd | wc -l > /count.txt\n",
            "grep",
            id="grep-wc-ash",
        ),
        pytest.param("FROM debian:12\nRUN yes | head -1 > /y\n", "yes", id="yes-head"),
        pytest.param("FROM alpine:3.20\nRUN curl x | grep -q ok\n", "grep -q", id="grep-q"),
        pytest.param(
            'FROM fedora:40\nSHELL ["/bin/bash", "-ex", "-c"]\nRUN rpm -qa | sort > /pkgs\n',
            "rpm",
            id="rpm-q",
        ),
        # shells
        pytest.param(
            'FROM debian:12\nSHELL ["/bin/sh", "-l", "-c"]\nRUN a | b\n', "options", id="dash-login"
        ),
        pytest.param(
            'FROM debian:12\nSHELL ["conda", "run", "-n", "x", "/bin/sh", "-c"]\nRUN a | b\n',
            "wraps",
            id="conda-dash",
        ),
        pytest.param(
            'FROM debian:12\nSHELL ["/opt/bin/fish", "-c"]\nRUN a | b\n', "fish", id="unknown-shell"
        ),
        pytest.param(
            'FROM debian:12\nSHELL ["/bin/bash", "-c", "source x"]\nRUN a | b\n', "-c", id="no-trailing-c"
        ),
        pytest.param(
            'FROM alpine:3.20\nSHELL ["/bin/dash", "-c"]\nRUN a | b\n',
            "bash is not known",
            id="dash-on-alpine",
        ),
        pytest.param("FROM debian:12\nRUN <<EOF\n#!/bin/sh\na | b\nEOF\n", "dash", id="heredoc-sh-shebang"),
        pytest.param(
            "FROM debian:12\nRUN bash <<EOF\na | b\nEOF\n", "command line", id="heredoc-fed-to-bash"
        ),
    ],
)
def test_no_fix(source: str, reason: str) -> None:
    assert fix(source) == source
    ((message, applicability),) = findings(source)
    assert applicability is None
    assert "not fixed: " in message and reason in message.partition("not fixed: ")[2]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("FROM debian:12\nRUN set -o pipefail && a | b\n", id="script-sets-pipefail"),
        pytest.param("FROM debian:12\nRUN set -euo pipefail; a | b\n", id="script-sets-euo-pipefail"),
        pytest.param(f"FROM debian:12\n{SCOPED}RUN a | b\n", id="shell-has-it"),
        pytest.param("FROM debian:12\nRUN echo 'a | b'\n", id="quoted-pipe"),
        pytest.param('FROM debian:12\nRUN ["sh", "-c", "a | b"]\n', id="exec-form"),
        pytest.param(
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
            'SHELL ["powershell", "-Command"]\nRUN a | b\n',
            id="windows",
        ),
    ],
)
def test_not_reported(source: str) -> None:
    assert fixer.fix(source, unsafe=True, select=["DF602"]).diagnostics == []


@pytest.mark.parametrize(
    "run",
    [
        pytest.param(
            "RUN ( set -o pipefail; wget -qO- x | tar -x ) && wget -qO- y | tar -x", id="in-a-subshell"
        ),
        pytest.param("RUN wget -qO- y | tar -x; set -o pipefail", id="after-the-pipe"),
        pytest.param("RUN set +o pipefail; wget -qO- y | tar -x", id="turned-off"),
        pytest.param("RUN if [ -n x ]; then set -o pipefail; fi; wget -qO- y | tar -x", id="in-a-condition"),
    ],
)
def test_pipefail_that_does_not_cover_the_pipe(run: str) -> None:
    source = f"FROM alpine:3.20\n{run}\n"
    assert fix(source) == f"FROM alpine:3.20\nRUN set -o pipefail && {run.removeprefix('RUN ')}\n"


# ---------------------------------------------------------------------------
# The real shells: the script form keeps every operator's meaning


def script_of(dockerfile: str) -> str:
    """The script the last RUN of ``dockerfile`` runs."""
    run = [node for node in fixer.parse(dockerfile).instructions if node.upper_keyword == "RUN"][-1]
    return run_scripts(run)[-1].script.text


def outcome(shell: list[str], script: str, where: Path) -> tuple[str, int, list[str]]:
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir()
    result = subprocess.run(
        [*shell, script], cwd=where, capture_output=True, text=True, timeout=20, check=False
    )
    return result.stdout, result.returncode, sorted(str(p.relative_to(where)) for p in where.rglob("*"))


SHELLS = [
    pytest.param(
        ("alpine:3.20", ["busybox", "sh", "-c"]),
        id="busybox-ash",
        marks=pytest.mark.skipif(shutil.which("busybox") is None, reason="busybox is not installed"),
    ),
    pytest.param(("fedora:40", ["bash", "-c"]), id="bash-as-sh"),
]
WORKING = [
    pytest.param("false || echo b | tr b c", id="or-then-pipe"),
    pytest.param("echo a; echo b | cat; echo c > f", id="semicolons"),
    pytest.param("sleep 0 & echo x | cat; wait", id="background-first"),
    pytest.param("echo a \\\n    | tr a b \\\n    && echo c", id="continuation"),
    pytest.param("if echo a | grep a > /dev/null; then echo yes | cat; fi", id="if"),
    pytest.param("f() { echo in | cat; }; f | tr i I", id="function"),
    pytest.param('x=$(echo a | tr a b); echo "$x" | cat', id="command-substitution"),
    pytest.param("set -e; echo a | cat; ( echo b | cat )", id="errexit-and-subshell"),
]


@pytest.mark.parametrize("image_shell", SHELLS)
@pytest.mark.parametrize("script", WORKING)
def test_the_script_form_keeps_meaning(
    image_shell: tuple[str, list[str]], script: str, tmp_path: Path
) -> None:
    image, shell = image_shell
    source = f"FROM {image}\nRUN {script}\n"
    fixed = script_of(fix(source))
    assert fixed != script and fixed.count("set -o pipefail") == 1
    assert outcome(shell, fixed, tmp_path / "w") == outcome(shell, script, tmp_path / "w")


@pytest.mark.parametrize("image_shell", SHELLS)
def test_the_script_form_hardens_the_pipe(image_shell: tuple[str, list[str]], tmp_path: Path) -> None:
    image, shell = image_shell
    script = "sh -c 'exit 3' | cat > out"
    fixed = script_of(fix(f"FROM {image}\nRUN {script}\n"))
    assert outcome(shell, script, tmp_path / "w")[1] == 0
    assert outcome(shell, fixed, tmp_path / "w")[1] != 0


@pytest.mark.skipif(shutil.which("dash") is None, reason="dash is not installed")
def test_dash_rejects_the_script_form(tmp_path: Path) -> None:
    """Why Debian gets the SHELL form: dash 0.5.12 ends the script at `set -o pipefail`."""
    assert outcome(["dash", "-c"], "set -o pipefail && echo ran", tmp_path / "w")[:2] == ("", 2)
