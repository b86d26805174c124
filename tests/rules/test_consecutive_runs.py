"""DF502 consecutive-runs: an unsafe merge of RUN after RUN."""

from __future__ import annotations

import pytest
from rule_fixers import fix_with

import fixer


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
    assert fix(source) == source
