"""DF501 packages-removed-in-later-run: merges, their safety, and the cases that must stay apart."""

from __future__ import annotations

import pytest

import fixer
from fixer.shell import analyse


def fix(text: str, unsafe: bool = False) -> str:
    return fixer.fix(text, unsafe=unsafe, select=["DF501"]).output


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "FROM debian:12\n"
            "RUN apt-get update && apt-get install -y gcc make\n"
            "RUN make -C /src\n"
            "RUN apt-get purge -y gcc make\n",
            "FROM debian:12\n"
            "RUN apt-get update && apt-get install -y gcc make \\\n"
            "    && make -C /src \\\n"
            "    && apt-get purge -y gcc make\n",
            id="three-runs",
        ),
        pytest.param(
            "FROM alpine:3.20\n"
            "RUN apk add --no-cache --virtual .build-deps gcc musl-dev\n"
            "# build the wheel\n"
            "RUN pip install --no-cache-dir uwsgi\n"
            "\n"
            "RUN apk del .build-deps\n",
            "FROM alpine:3.20\n"
            "RUN apk add --no-cache --virtual .build-deps gcc musl-dev \\\n"
            "    # build the wheel\n"
            "    && pip install --no-cache-dir uwsgi \\\n"
            "    && apk del .build-deps\n",
            id="apk-virtual-comment-moves-inside",
        ),
        pytest.param(
            "FROM debian:12\n"
            "ENV buildDeps='gcc make'\n"
            "RUN apt-get install -y $buildDeps && \\\n"
            "    echo installed\n"
            "RUN apt-get purge -y $buildDeps\n",
            "FROM debian:12\n"
            "ENV buildDeps='gcc make'\n"
            "RUN apt-get install -y $buildDeps && \\\n"
            "    echo installed && \\\n"
            "    apt-get purge -y $buildDeps\n",
            id="env-variable-trailing-operator-style",
        ),
        pytest.param(
            "FROM debian:12\n"
            "RUN apt-get install -y gcc\n"
            "RUN cd /src; make || true\n"
            "RUN export CC=gcc && ./configure\n"
            "RUN apt-get remove -y gcc\n",
            "FROM debian:12\n"
            "RUN apt-get install -y gcc \\\n"
            "    && ( cd /src; make || true ) \\\n"
            "    && ( export CC=gcc && ./configure ) \\\n"
            "    && apt-get remove -y gcc\n",
            id="shell-state-and-lists-in-subshells",
        ),
        pytest.param(
            "FROM debian:12\r\n"
            "RUN apt-get install -y gcc\r\n"
            "LABEL stage=build\r\n"
            "RUN make\r\n"
            "RUN apt-get purge -y gcc\r\n"
            'CMD ["app"]\r\n',
            "FROM debian:12\r\n"
            "LABEL stage=build\r\n"
            "RUN apt-get install -y gcc \\\r\n"
            "    && make \\\r\n"
            "    && apt-get purge -y gcc\r\n"
            'CMD ["app"]\r\n',
            id="crlf-metadata-moves-above",
        ),
        pytest.param(
            "# escape=`\nFROM debian:12\nRUN apt-get install -y gcc\nRUN make\nRUN apt-get purge -y gcc\n",
            "# escape=`\n"
            "FROM debian:12\n"
            "RUN apt-get install -y gcc `\n"
            "    && make `\n"
            "    && apt-get purge -y gcc\n",
            id="backtick-escape",
        ),
        pytest.param(
            "FROM debian:12\n"
            "RUN --mount=type=cache,target=/var/cache/apt apt-get install -y gcc\n"
            "RUN --mount=type=cache,target=/var/cache/apt apt-get purge -y gcc\n",
            "FROM debian:12\n"
            "RUN --mount=type=cache,target=/var/cache/apt apt-get install -y gcc \\\n"
            "    && apt-get purge -y gcc\n",
            id="same-flags",
        ),
    ],
)
def test_safe_merge(source: str, expected: str) -> None:
    assert fix(source) == expected
    assert fix(expected) == expected


@pytest.mark.parametrize(
    ("source", "expected", "moved"),
    [
        pytest.param(
            "FROM debian:12\n"
            "# toolchain\n"
            "RUN apt-get install -y gcc\n"
            "# sources\n"
            "COPY . /src\n"
            "WORKDIR /src\n"
            "RUN make\n"
            "RUN apt-get purge -y gcc\n",
            "FROM debian:12\n"
            "# sources\n"
            "COPY . /src\n"
            "WORKDIR /src\n"
            "# toolchain\n"
            "RUN apt-get install -y gcc \\\n"
            "    && make \\\n"
            "    && apt-get purge -y gcc\n",
            "COPY, WORKDIR",
            id="copy-and-workdir-move-with-their-comments",
        ),
        pytest.param(
            "FROM debian:12\n"
            "RUN apt-get install -y gcc\n"
            "ENV CFLAGS=-O2\n"
            "RUN make\n"
            "RUN apt-get purge -y gcc\n",
            "FROM debian:12\n"
            "ENV CFLAGS=-O2\n"
            "RUN apt-get install -y gcc \\\n"
            "    && make \\\n"
            "    && apt-get purge -y gcc\n",
            "ENV",
            id="env",
        ),
    ],
)
def test_unsafe_merge_says_what_moves(source: str, expected: str, moved: str) -> None:
    assert fix(source) == source
    assert fix(source, unsafe=True) == expected
    (diagnostic,) = fixer.fix(source, select=["DF501"]).diagnostics
    assert diagnostic.fix_title is not None and f"moves {moved} above" in diagnostic.fix_title
    assert diagnostic.applicability is fixer.Applicability.UNSAFE


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN apk add gcc\nUSER app\nRUN apk del gcc\n", id="user-between"),
        pytest.param('RUN apk add gcc\nSHELL ["/bin/ash", "-c"]\nRUN apk del gcc\n', id="shell-between"),
        pytest.param("RUN apk add gcc\nVOLUME /data\nRUN apk del gcc\n", id="volume-between"),
        pytest.param("RUN apk add gcc\nRUN --network=none make\nRUN apk del gcc\n", id="different-flags"),
        pytest.param("RUN apk add gcc\nRUN <<EOF\nmake\nEOF\nRUN apk del gcc\n", id="heredoc-between"),
        pytest.param('RUN apk add gcc\nRUN ["make"]\nRUN apk del gcc\n', id="exec-form-between"),
        pytest.param("RUN apk add gcc # compiler\nRUN apk del gcc\n", id="shell-comment"),
    ],
)
def test_reported_without_fix(source: str) -> None:
    text = "FROM alpine:3.20\n" + source
    result = fixer.fix(text, unsafe=True, select=["DF501"])
    assert result.output == text
    assert [(d.rule, d.applicability) for d in result.diagnostics] == [("DF501", None)]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN apk add gcc\nRUN apk del make\n", id="other-package"),
        pytest.param("RUN apk add gcc && make && apk del gcc\n", id="same-run"),
        pytest.param("RUN apk add gcc\nFROM alpine:3.20\nRUN apk del gcc\n", id="other-stage"),
    ],
)
def test_not_reported(source: str) -> None:
    text = "FROM alpine:3.20\n" + source
    result = fixer.fix(text, unsafe=True, select=["DF501"])
    assert (result.output, result.diagnostics) == (text, [])


def test_suppression_on_the_install_run() -> None:
    text = "FROM alpine:3.20\n# dfix: ignore=DF501\nRUN apk add gcc\nRUN apk del gcc\n"
    assert fixer.fix(text, unsafe=True, select=["DF501"]).diagnostics == []


def test_merged_script_runs_the_same_commands_in_order() -> None:
    source = (
        "FROM debian:12\n"
        "RUN apt-get update && apt-get install -y gcc\n"
        "RUN cd /src && ./configure --prefix=/usr\n"
        "RUN make -j4 && make install\n"
        "RUN apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*\n"
    )
    before = [analyse(line.removeprefix("RUN ")) for line in source.splitlines()[1:]]
    merged = fixer.parse(fix(source)).instructions[1]
    after = analyse(merged.buildkit.value[0])
    assert [[w.text for w in c.words] for s in before for c in s.commands] == [
        [w.text for w in c.words] for c in after.commands
    ]
    assert sum(c.in_subshell for c in after.commands) == 2  # the `cd` script keeps its state to itself


def test_diagnostic_points_at_the_install_and_names_the_removal() -> None:
    text = "FROM alpine:3.20\nRUN apk add gcc make\nRUN make\nRUN apk del gcc make\n"
    (diagnostic,) = fixer.fix(text, select=["DF501"]).diagnostics
    assert (diagnostic.line, diagnostic.column, diagnostic.fixed) == (2, 1, True)
    assert (
        diagnostic.message
        == "`gcc`, `make` installed here are removed in a later RUN (line 4): still in the image"
    )
