"""DF602 pipe-without-pipefail: a SHELL with pipefail, per distro, once per stage."""

from __future__ import annotations

import pytest

import fixer


def fix(text: str, unsafe: bool = True) -> str:
    return fixer.fix(text, unsafe=unsafe, select=["DF602"]).output


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "FROM debian:12\nRUN curl -fsSL x | tar -xz\nRUN a | b\n",
            'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
            "RUN curl -fsSL x | tar -xz\nRUN a | b\n",
            id="debian-once-per-stage",
        ),
        pytest.param(
            "from alpine:3.20\r\nrun wget -O- x | sh\r\n",
            'from alpine:3.20\r\nshell ["/bin/ash", "-o", "pipefail", "-c"]\r\nrun wget -O- x | sh\r\n',
            id="alpine-lowercase-crlf",
        ),
        pytest.param(
            "FROM ubuntu:24.04 AS a\nRUN a | b\nFROM fedora:40\nRUN c | d\n",
            'FROM ubuntu:24.04 AS a\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\n'
            'FROM fedora:40\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN c | d\n',
            id="each-stage",
        ),
    ],
)
def test_unsafe_fix(source: str, expected: str) -> None:
    assert fix(source, unsafe=False) == source
    assert fix(source) == expected
    assert fix(expected) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("FROM gcr.io/distroless/static\nRUN a | b\n", id="distroless"),
        pytest.param("FROM scratch\nRUN a | b\n", id="scratch"),
        pytest.param("FROM registry.example.com/base:1\nRUN a | b\n", id="unknown-family"),
    ],
)
def test_reported_without_fix(source: str) -> None:
    result = fixer.fix(source, unsafe=True, select=["DF602"])
    assert result.output == source
    assert [(d.rule, d.applicability) for d in result.diagnostics] == [("DF602", None)]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("FROM debian:12\nRUN set -o pipefail && a | b\n", id="script-sets-pipefail"),
        pytest.param(
            'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\n', id="shell-has-it"
        ),
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
    ],
)
def test_pipefail_that_does_not_cover_the_pipe(run: str) -> None:
    source = f"FROM alpine:3.20\n{run}\n"
    expected = f'FROM alpine:3.20\nSHELL ["/bin/ash", "-o", "pipefail", "-c"]\n{run}\n'
    assert fix(source) == expected


def test_pipefail_set_before_the_pipe_covers_it() -> None:
    source = "FROM alpine:3.20\nRUN set -o pipefail && wget -qO- y | tar -x\n"
    assert fix(source) == source
