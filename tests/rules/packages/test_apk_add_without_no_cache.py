"""DF103 apk-add-without-no-cache: (source, expected) pairs, inputs that must stay unchanged, locations."""

from __future__ import annotations

import pytest
from rule_fixers import fixer_for

import fixer

RULE = ["DF103"]
FROM = "FROM alpine:3.20\n"


fix_file = fixer_for(RULE[0])
fixed = fixer_for(RULE[0], base=FROM)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("RUN apk add curl\n", "RUN apk add --no-cache curl\n", id="one-line"),
        pytest.param(
            "RUN apk update && apk add curl\n",
            "RUN apk update && apk add --no-cache curl\n",
            id="after-update",
        ),
        pytest.param("RUN apk -U add curl\n", "RUN apk -U add --no-cache curl\n", id="global-option-first"),
        pytest.param(
            "RUN apk add --update curl\n", "RUN apk add --no-cache --update curl\n", id="update-option"
        ),
        pytest.param(
            "RUN apk add --virtual .build-deps gcc musl-dev\n",
            "RUN apk add --no-cache --virtual .build-deps gcc musl-dev\n",
            id="virtual",
        ),
        pytest.param(
            "RUN apk add -t .deps gcc\n", "RUN apk add --no-cache -t .deps gcc\n", id="virtual-short"
        ),
        pytest.param(
            "RUN apk add curl && apk add --no-cache git && apk add jq\n",
            "RUN apk add --no-cache curl && apk add --no-cache git && apk add --no-cache jq\n",
            id="several-invocations",
        ),
        pytest.param(
            "RUN apk add \\\n      ca-certificates \\\n      curl\n",
            "RUN apk add --no-cache \\\n      ca-certificates \\\n      curl\n",
            id="one-package-per-line",
        ),
        pytest.param(
            "RUN set -eux \\\n    && apk add \\\n        curl \\\n    && curl --version\n",
            "RUN set -eux \\\n    && apk add --no-cache \\\n        curl \\\n    && curl --version\n",
            id="leading-and-style",
        ),
        pytest.param(
            "RUN set -eux && \\\n    apk add curl && \\\n    curl --version\n",
            "RUN set -eux && \\\n    apk add --no-cache curl && \\\n    curl --version\n",
            id="trailing-and-style",
        ),
        pytest.param(
            "RUN apk \\\n    # the tools\n\n    add \\\n    curl\n",
            "RUN apk \\\n    # the tools\n\n    add --no-cache \\\n    curl\n",
            id="comment-and-blank-line-in-continuation",
        ),
        pytest.param(
            "RUN apk add \\\r\n    curl\r\n", "RUN apk add --no-cache \\\r\n    curl\r\n", id="crlf"
        ),
        pytest.param("RUN sudo apk add curl\n", "RUN sudo apk add --no-cache curl\n", id="sudo"),
        pytest.param(
            "RUN env FOO=1 apk add curl\n", "RUN env FOO=1 apk add --no-cache curl\n", id="env-prefix"
        ),
        pytest.param("RUN /sbin/apk add curl\n", "RUN /sbin/apk add --no-cache curl\n", id="full-path"),
        pytest.param(
            "RUN <<-EOT\n\tapk add curl\n\tapk add --no-cache git\n\tEOT\n",
            "RUN <<-EOT\n\tapk add --no-cache curl\n\tapk add --no-cache git\n\tEOT\n",
            id="heredoc-body",
        ),
        pytest.param(
            "RUN sh <<EOF\napk add curl\nEOF\n",
            "RUN sh <<EOF\napk add --no-cache curl\nEOF\n",
            id="heredoc-to-sh",
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/root/.cache apk add curl\n",
            "RUN --mount=type=cache,target=/root/.cache apk add --no-cache curl\n",
            id="cache-mount-elsewhere",
        ),
        pytest.param(
            "RUN --mount=type=bind,target=/var/cache/apk apk add curl\n",
            "RUN --mount=type=bind,target=/var/cache/apk apk add --no-cache curl\n",
            id="bind-mount-is-not-a-cache",
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/var/cache/apk/sub apk add curl\n",
            "RUN --mount=type=cache,target=/var/cache/apk/sub apk add --no-cache curl\n",
            id="cache-mount-below-the-cache",
        ),
        pytest.param(
            "ONBUILD RUN apk add curl\n", "ONBUILD RUN apk add --no-cache curl\n", id="onbuild-trigger"
        ),
    ],
)
def test_safe_fix(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(source, unsafe=True) == expected
    assert fixed(expected, unsafe=True) == expected


def test_escape_backtick_linux() -> None:
    source = "# escape=`\nFROM alpine:3.20\nRUN apk add `\n    curl `\n    git\n"
    expected = "# escape=`\nFROM alpine:3.20\nRUN apk add --no-cache `\n    curl `\n    git\n"
    assert fix_file(source) == expected
    assert fix_file(expected) == expected


def test_bom_no_final_newline() -> None:
    source = "\ufeffFROM alpine:3.20\nRUN apk add curl"
    assert fix_file(source) == "\ufeffFROM alpine:3.20\nRUN apk add --no-cache curl"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN apk add --no-cache curl\n", id="no-cache"),
        pytest.param("RUN apk --no-cache add curl\n", id="no-cache-before-subcommand"),
        pytest.param("RUN apk add curl --no-cache\n", id="no-cache-after-packages"),
        pytest.param("RUN apk add \\\n    --no-cache \\\n    curl\n", id="no-cache-on-continuation-line"),
        pytest.param("RUN apk del curl\n", id="del"),
        pytest.param("RUN apk update\n", id="update"),
        pytest.param("RUN apk upgrade\n", id="upgrade"),
        pytest.param('RUN echo "apk add curl"\n', id="quoted-text"),
        pytest.param("RUN --mount=type=cache,target=/var/cache/apk apk add curl\n", id="cache-mount"),
        pytest.param("RUN --mount=type=cache,target=/var/cache/apk/ apk add curl\n", id="cache-mount-slash"),
        pytest.param(
            "RUN --mount=type=cache,id=apk,sharing=locked,dst=/var/cache/apk apk add curl\n",
            id="cache-mount-dst-and-options",
        ),
        pytest.param("RUN --mount=type=cache,target=/etc/apk/cache apk add curl\n", id="cache-mount-etc"),
        pytest.param("RUN --mount=type=cache,target=/var/cache apk add curl\n", id="cache-mount-parent"),
        pytest.param(
            "RUN --mount=type=cache,target=/var/cache/apk \\\n    apk add curl \\\n    && apk add git\n",
            id="cache-mount-multi-line",
        ),
        pytest.param('RUN ["apk", "add", "curl"]\n', id="exec-form"),
        pytest.param("RUN cat <<EOF > /notes\napk add curl\nEOF\n", id="heredoc-as-data"),
        pytest.param('SHELL ["powershell", "-Command"]\nRUN apk add curl\n', id="powershell-shell"),
        pytest.param("# hadolint ignore=DL3019\nRUN apk add curl\n", id="hadolint-suppression"),
        pytest.param("# dfix: ignore=DF103\nRUN apk add curl\n", id="dfix-suppression-code"),
        pytest.param(
            "# dfix: ignore[apk-add-without-no-cache]\nRUN apk add curl\n", id="dfix-suppression-brackets"
        ),
    ],
)
def test_unchanged(source: str) -> None:
    result = fixer.fix(FROM + source, unsafe=True, select=RULE)
    assert result.output == FROM + source
    assert result.diagnostics == []


def test_windows_stage_unchanged() -> None:
    text = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN apk add curl\n"
    assert fix_file(text, unsafe=True) == text


def test_diagnostic_location() -> None:
    text = "FROM alpine:3.20\nRUN set -eux \\\n    && apk -U add curl\n"
    (diagnostic,) = fixer.fix(text, select=RULE).diagnostics
    assert (diagnostic.rule, diagnostic.name) == ("DF103", "apk-add-without-no-cache")
    # From `apk` to the end of `add`, global options included.
    assert (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column) == (3, 8, 3, 18)
    assert diagnostic.message == "`apk add` without `--no-cache`"
    assert diagnostic.fix_title == "Add `--no-cache`"
    assert diagnostic.applicability is fixer.Applicability.SAFE
    assert diagnostic.fixed
