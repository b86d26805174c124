"""DF502 consecutive-runs: an unsafe merge of RUN after RUN."""

from __future__ import annotations

import pytest
from rule_fixers import fix_with

import fixer
from fixer.settings import Settings


def fix(text: str, unsafe: bool = True) -> str:
    return fix_with("DF502", text, unsafe, base="FROM debian:12\n")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("RUN ./configure\nRUN make\n", "RUN ./configure \\\n    && make\n", id="two"),
        pytest.param(
            "RUN a\n\n# then b\nRUN b\nRUN cd /x && c\n",
            "RUN a \\\n    # then b\n    && b \\\n    && cd /x && c\n",
            id="comments-move-inside-last-keeps-its-cd",
        ),
        pytest.param(
            "RUN cd /src && make\nRUN make install\n",
            "RUN ( cd /src && make ) \\\n    && make install\n",
            id="state-change-in-a-subshell",
        ),
        pytest.param(
            "RUN cd /x; \\\n\tapt-get update\nRUN echo done\n",
            "RUN ( cd /x; \\\n\tapt-get update ) \\\n\t&& echo done\n",
            id="own-tab-indent",
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/c a\r\nRUN --mount=type=cache,target=/c b\r\n",
            "RUN --mount=type=cache,target=/c a \\\r\n    && b\r\n",
            id="same-flags-crlf",
        ),
    ],
)
def test_unsafe_merge(source: str, expected: str) -> None:
    assert fix(source, unsafe=False) == source
    assert fix(source) == expected
    assert fix(expected) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN a\nCOPY . /x\nRUN b\n", id="copy-between"),
        pytest.param("RUN a\nRUN --network=none b\n", id="different-flags"),
        pytest.param('RUN a\nRUN ["b"]\n', id="exec-form"),
        pytest.param("RUN a\n", id="single"),
    ],
)
def test_not_merged(source: str) -> None:
    assert fix(source) == source


def test_reported_without_fix_when_a_heredoc_is_in_the_run() -> None:
    text = "FROM debian:12\nRUN a\nRUN <<EOF\nb\nEOF\n"
    (diagnostic,) = fixer.fix(text, unsafe=True, select=["DF502"]).diagnostics
    assert (diagnostic.line, diagnostic.fixed, diagnostic.applicability) == (3, False, None)


def test_errexit_scripts_are_not_wrapped() -> None:
    # POSIX ignores `set -e` inside `( … ) && …`: wrapping would let a failing command pass.
    assert (
        fix("RUN set -eux; false; echo ran\nRUN echo done\n")
        == "RUN set -eux; false; echo ran\nRUN echo done\n"
    )
    shell = 'SHELL ["/bin/bash", "-euo", "pipefail", "-c"]\n'
    source = shell + "RUN echo start\nRUN false; echo ran\nRUN echo done\n"
    # The group splits: the `;` list cannot stand in `( … ) && echo done`, but it can end a
    # merge, where `-e` holds in its subshell (`echo start && ( false; echo ran )` stops at
    # `false`), or lead one (`false; echo ran && echo done` stops there too).
    merged = shell + "RUN echo start \\\n    && ( false; echo ran )\nRUN echo done\n"
    assert fix(source) == merged
    assert fix(shell + "RUN false; echo ran\nRUN echo done\n") == (
        shell + "RUN false; echo ran \\\n    && echo done\n"
    )
    # In `{ false; echo ran; } && echo done`, a command of an `&&` list, `-e` is ignored: no join.
    assert fix(shell + "RUN { false; echo ran; }\nRUN echo done\n") == (
        shell + "RUN { false; echo ran; }\nRUN echo done\n"
    )
    assert fix("RUN { false; echo ran; }\nRUN echo done\n") == (
        "RUN { false; echo ran; } \\\n    && echo done\n"
    )


POWERSHELL = (
    "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
    'SHELL ["powershell", "-Command", "$ErrorActionPreference = \'Stop\';"]\n'
)


@pytest.mark.parametrize(
    ("first", "second", "merged"),
    [
        pytest.param("Write-Host a", "Write-Host b", "Write-Host a; `\n    Write-Host b", id="cmdlets"),
        pytest.param(
            "git clone https://x/y.git",
            "Write-Host b",
            "git clone https://x/y.git; if (-not $?) { exit 1 }; `\n    Write-Host b",
            id="program-checked",
        ),
        pytest.param(
            "Write-Host a ;  ", "Write-Host b", "Write-Host a; `\n    Write-Host b", id="one-semicolon"
        ),
        pytest.param(
            "$url = 'x'; Write-Host $url",
            "Write-Host $env:url",
            "$url = 'x'; Write-Host $url; `\n    Write-Host $env:url",
            id="env-variable-is-another-variable",
        ),
        pytest.param("$url = 'x'; Write-Host $url", "Write-Host $URL", "", id="variable-named-later"),
        pytest.param("Set-Location C:\\x", "Get-ChildItem", "", id="location"),
        pytest.param("choco install -y git # pin", "Write-Host b", "", id="line-comment"),
        pytest.param("exit 0", "Write-Host b", "", id="exit-zero"),
        pytest.param("Write-Host a", "Write-Host $LASTEXITCODE", "", id="status-read"),
        pytest.param(
            "[Net.ServicePointManager]::SecurityProtocol = 'Tls12'",
            "Invoke-WebRequest https://x -OutFile y",
            "",
            id="tls-then-download",
        ),
        pytest.param("Write-Host a", "cmd /c 'echo \u2019'", "", id="non-ascii"),
        pytest.param("choco install -y nodejs-lts", "npm --version", "", id="installer-then-program"),
        pytest.param(
            "Start-Process msiexec -ArgumentList '/i', 'node.msi', '/qn' -Wait",
            "Write-Host $env:PATH",
            "",
            id="installer-then-environment",
        ),
        pytest.param(
            "choco install -y nodejs-lts",
            "Remove-Item C:\\temp -Recurse; mkdir C:\\app",
            "choco install -y nodejs-lts; if (-not $?) { exit 1 }; `\n"
            "    Remove-Item C:\\temp -Recurse; mkdir C:\\app",
            id="installer-then-cmdlets-and-built-in-aliases",
        ),
    ],
)
def test_powershell_merge(first: str, second: str, merged: str) -> None:
    """``merged`` is the merged RUN's script, or empty when the RUNs must stay apart."""
    source = f"RUN {first}\nRUN {second}\n"
    result = fix_with("DF502", source, True, base=POWERSHELL)
    assert result == (f"RUN {merged}\n" if merged else source)


def test_powershell_merge_without_stop_checks_cmdlets_too() -> None:
    base = 'FROM mcr.microsoft.com/powershell:7.4-ubuntu-22.04\nSHELL ["pwsh", "-Command"]\n'
    result = fix_with("DF502", "RUN Write-Host a\nRUN Write-Host b\n", True, base=base)
    assert result == "RUN Write-Host a; if (-not $?) { exit 1 }; \\\n    Write-Host b\n"


def test_cmd_runs_are_reported_not_merged() -> None:
    text = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN icacls \\a\nRUN icacls \\b\n"
    (diagnostic,) = fixer.fix(text, unsafe=True, select=["DF502"]).diagnostics
    assert (diagnostic.line, diagnostic.fixed) == (3, False)


def test_group_splits_around_a_run_that_cannot_join() -> None:
    # `set -e; c` cannot stand before `&& d`: POSIX ignores -e in its subshell there.
    source = "RUN a\nRUN b\nRUN set -e; c\nRUN d\nRUN e\n"
    expected = "RUN a \\\n    && b \\\n    && ( set -e; c )\nRUN d \\\n    && e\n"
    assert fix(source) == expected
    source = "RUN a\nRUN b\nRUN <<EOF\nc\nEOF\nRUN d\nRUN e\n"
    expected = "RUN a \\\n    && b\nRUN <<EOF\nc\nEOF\nRUN d \\\n    && e\n"
    assert fix(source) == expected


def test_the_last_run_may_end_in_a_comment() -> None:
    # Nothing is joined after the last RUN, so its comment stays last; elsewhere it would
    # swallow the RUNs after it.
    assert fix("RUN a\nRUN b # note\n") == "RUN a \\\n    && b # note\n"
    assert fix("RUN a # note\nRUN b\n") == "RUN a # note\nRUN b\n"
    # `( b; c # note )` would comment out its `)`: no merge.
    assert fix("RUN a\nRUN b; c # note\n") == "RUN a\nRUN b; c # note\n"


def test_runs_of_more_than_two_commands_stay_apart() -> None:
    # Like hadolint's DL3059: a bigger RUN was most likely kept apart to cache its step.
    big = "RUN ./configure && make && make install\n"
    assert fixer.fix(f"FROM debian:12\n{big}RUN ldconfig\n", select=["DF502"]).diagnostics == []
    assert fix(f"RUN a\nRUN b\n{big}RUN c\nRUN d | e\n") == (
        f"RUN a \\\n    && b\n{big}RUN c \\\n    && d | e\n"
    )


def test_a_background_job_ends_with_its_run() -> None:
    # The build kills what `&` left running when the RUN's shell exits; merged, it would run on
    # beside the next RUN's commands. As the last RUN, nothing follows it (in a subshell:
    # `client && server &` would put `client` in the background too).
    assert fix("RUN ./server &\nRUN ./client\n") == "RUN ./server &\nRUN ./client\n"
    assert fix("RUN ./client\nRUN ./server &\n") == "RUN ./client \\\n    && ( ./server & )\n"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("read x < /etc/hostname", 'echo "$x"', id="read"),
        pytest.param("for i in 1 2; do :; done", 'echo "$i"', id="for"),
        pytest.param(': "${X:=default}"', 'echo "$X"', id="default-assignment"),
        pytest.param("ls() { echo shadowed; }", "ls /", id="function-shadows-a-program"),
        pytest.param("getopts ab o -a", 'echo "$o $OPTIND"', id="getopts"),
        pytest.param("let n=1", 'echo "$n"', id="let"),
        pytest.param(": $((n = 1))", 'echo "$n"', id="arithmetic"),
        pytest.param("printf -v x %s 1", 'echo "$x"', id="printf-v"),
        pytest.param("set -- a b", 'echo "$#"', id="positional"),
        pytest.param("trap 'echo bye' EXIT", "make", id="trap"),
        pytest.param("shopt -s nullglob", "ls *.txt", id="shopt"),
        pytest.param("pushd /tmp", "make", id="pushd"),
        pytest.param("hash -r", "make", id="hash"),
        pytest.param("X=1 :", 'echo "$X"', id="assignment-before-a-special-builtin"),
        pytest.param("$prepare", "make", id="command-named-by-an-expansion"),
        pytest.param("pip install -U pip", "pip install flask", id="program-found-before-an-upgrade"),
    ],
)
def test_state_the_first_run_leaves_stays_in_its_subshell(first: str, second: str) -> None:
    assert fix(f"RUN {first}\nRUN {second}\n") == f"RUN ( {first} ) \\\n    && {second}\n"


def test_position_the_later_run_reads_keeps_them_apart() -> None:
    # `$_` is the last argument of the command before: in a fresh shell, the shell's path.
    assert fix('RUN echo a\nRUN echo "$_"\n') == 'RUN echo a\nRUN echo "$_"\n'


def test_stateless_runs_join_without_subshells() -> None:
    source = 'RUN echo a > /log\nRUN printf "%s" b; true\nRUN X=1 make\n'
    assert fix(source) == 'RUN echo a > /log \\\n    && ( printf "%s" b; true ) \\\n    && X=1 make\n'


BUILDER_AND_FINAL = (
    "FROM golang:1.22 AS build\nRUN go mod download\nRUN go build -o /app .\n"
    "FROM base AS runtime\nRUN echo a\nRUN echo b\n"
    "FROM runtime\nCOPY --from=build /app /app\n"
)


def test_only_shipped_stages_are_read() -> None:
    # The builder's layers never ship (only /app is copied out); `runtime` is under the final stage.
    findings = fixer.fix(BUILDER_AND_FINAL, unsafe=True, select=["DF502"]).diagnostics
    assert [d.line for d in findings] == [6]


def test_the_configured_target_ships() -> None:
    settings = Settings(target="build")
    findings = fixer.fix(BUILDER_AND_FINAL, unsafe=True, select=["DF502"], settings=settings).diagnostics
    assert [d.line for d in findings] == [3]
