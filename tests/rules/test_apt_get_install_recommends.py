"""DF104 apt-get-install-recommends (unsafe fix): pairs, where the flag goes, no-ops, locations."""

from __future__ import annotations

import pytest
from rule_fixers import fixer_for

import fixer

RULE = ["DF104"]
FROM = "FROM debian:12\n"
NIR = "--no-install-recommends"


fix_file = fixer_for(RULE[0])
fixed = fixer_for(RULE[0], base=FROM)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("RUN apt-get install curl\n", f"RUN apt-get install {NIR} curl\n", id="no-flags"),
        pytest.param("RUN apt-get install -y curl\n", f"RUN apt-get install -y {NIR} curl\n", id="after-y"),
        pytest.param(
            "RUN apt-get install --yes curl\n", f"RUN apt-get install --yes {NIR} curl\n", id="after-yes"
        ),
        pytest.param(
            "RUN apt-get install -qy curl\n", f"RUN apt-get install -qy {NIR} curl\n", id="after-qy"
        ),
        pytest.param(
            "RUN apt-get install -y -q curl\n", f"RUN apt-get install -y -q {NIR} curl\n", id="after-y-and-q"
        ),
        pytest.param(
            "RUN apt-get -qq install curl\n", f"RUN apt-get -qq install {NIR} curl\n", id="global-qq-first"
        ),
        pytest.param("RUN apt-get -y install curl\n", f"RUN apt-get -y install {NIR} curl\n", id="y-first"),
        pytest.param("RUN apt-get install curl -y\n", f"RUN apt-get install {NIR} curl -y\n", id="y-last"),
        pytest.param(
            "RUN apt-get install -y --no-install-suggests curl\n",
            f"RUN apt-get install -y {NIR} --no-install-suggests curl\n",
            id="before-other-long-options",
        ),
        pytest.param(
            "RUN apt-get install -y -- curl\n",
            f"RUN apt-get install -y {NIR} -- curl\n",
            id="before-dashdash",
        ),
        pytest.param(
            "RUN apt-get update && apt-get install -y curl && apt-get install -y git\n",
            f"RUN apt-get update && apt-get install -y {NIR} curl && apt-get install -y {NIR} git\n",
            id="two-installs",
        ),
        pytest.param(
            "RUN apt-get update \\\n    && apt-get install -y \\\n        curl\n",
            f"RUN apt-get update \\\n    && apt-get install -y {NIR} \\\n        curl\n",
            id="leading-and-style",
        ),
        pytest.param(
            "RUN apt-get update && \\\n    apt-get install -y \\\n    curl && \\\n    apt-get clean\n",
            f"RUN apt-get update && \\\n    apt-get install -y {NIR} \\\n    curl && \\\n    apt-get clean\n",
            id="trailing-and-style",
        ),
        pytest.param(
            "RUN apt-get install \\\n    # answer yes\n\n    -y \\\n    curl\n",
            f"RUN apt-get install \\\n    # answer yes\n\n    -y {NIR} \\\n    curl\n",
            id="y-after-comment-and-blank-line",
        ),
        pytest.param(
            "RUN apt-get install -y \\\r\n    curl\r\n",
            f"RUN apt-get install -y {NIR} \\\r\n    curl\r\n",
            id="crlf",
        ),
        pytest.param(
            "RUN sudo apt-get install -y curl\n", f"RUN sudo apt-get install -y {NIR} curl\n", id="sudo"
        ),
        pytest.param(
            "RUN env DEBIAN_FRONTEND=noninteractive apt-get install -y curl\n",
            f"RUN env DEBIAN_FRONTEND=noninteractive apt-get install -y {NIR} curl\n",
            id="env-prefix",
        ),
        pytest.param(
            "RUN DEBIAN_FRONTEND=noninteractive apt-get install -y curl\n",
            f"RUN DEBIAN_FRONTEND=noninteractive apt-get install -y {NIR} curl\n",
            id="assignment-prefix",
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/var/lib/apt apt-get install -y curl\n",
            f"RUN --mount=type=cache,target=/var/lib/apt apt-get install -y {NIR} curl\n",
            id="cache-mount",
        ),
        pytest.param(
            "RUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n",
            f"RUN <<EOF\napt-get update\napt-get install -y {NIR} curl\nEOF\n",
            id="heredoc-body",
        ),
    ],
)
def test_unsafe_fix(source: str, expected: str) -> None:
    assert fixed(source) == source  # never in safe mode
    assert fixed(source, unsafe=True) == expected
    assert fixed(expected, unsafe=True) == expected


def test_reported_in_safe_mode_without_applying() -> None:
    result = fixer.fix(FROM + "RUN apt-get install -y curl\n", select=RULE)
    assert result.output == FROM + "RUN apt-get install -y curl\n"
    (diagnostic,) = result.diagnostics
    assert (diagnostic.applicability, diagnostic.fixed) == (fixer.Applicability.UNSAFE, False)


def test_configuration_can_promote_the_fix() -> None:
    text = FROM + "RUN apt-get install -y curl\n"
    promoted = fixer.fix(text, select=RULE, extend_safe_fixes=["apt-get-install-recommends"]).output
    assert promoted == FROM + f"RUN apt-get install -y {NIR} curl\n"


def test_escape_backtick_linux() -> None:
    source = "# escape=`\nFROM debian:12\nRUN apt-get install -y `\n    curl\n"
    expected = f"# escape=`\nFROM debian:12\nRUN apt-get install -y {NIR} `\n    curl\n"
    assert fix_file(source, unsafe=True) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(f"RUN apt-get install -y {NIR} curl\n", id="already"),
        pytest.param(f"RUN apt-get {NIR} install -y curl\n", id="already-before-subcommand"),
        pytest.param(f"RUN apt-get install -y curl {NIR}\n", id="already-last"),
        pytest.param("RUN apt-get install -y -o APT::Install-Recommends=false curl\n", id="apt-option-false"),
        pytest.param("RUN apt-get -o APT::Install-Recommends=0 install -y curl\n", id="apt-option-first"),
        pytest.param("RUN apt-get update\n", id="update"),
        pytest.param("RUN apt-get remove -y curl\n", id="remove"),
        pytest.param("RUN apt install -y curl\n", id="apt-is-df105s"),
        pytest.param('RUN ["apt-get", "install", "-y", "curl"]\n', id="exec-form"),
        pytest.param(
            'SHELL ["powershell", "-Command"]\nRUN apt-get install -y curl\n', id="powershell-shell"
        ),
        pytest.param("# hadolint ignore=DL3015\nRUN apt-get install -y curl\n", id="hadolint-suppression"),
        pytest.param("# dfix: ignore=DF104\nRUN apt-get install -y curl\n", id="dfix-suppression-code"),
        pytest.param(
            "# dfix: ignore=apt-get-install-recommends\nRUN apt-get install -y curl\n",
            id="dfix-suppression-name",
        ),
    ],
)
def test_unchanged(source: str) -> None:
    result = fixer.fix(FROM + source, unsafe=True, select=RULE)
    assert result.output == FROM + source
    assert result.diagnostics == []


def test_windows_powershell_file_unchanged() -> None:
    text = (
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        'SHELL ["powershell", "-Command"]\nRUN apt-get install -y curl\n'
    )
    assert fix_file(text, unsafe=True) == text


def test_diagnostic_location() -> None:
    text = (
        "FROM debian:12\nRUN apt-get update \\\n && DEBIAN_FRONTEND=noninteractive apt-get install -y curl\n"
    )
    (diagnostic,) = fixer.fix(text, select=RULE).diagnostics
    assert (diagnostic.rule, diagnostic.name) == ("DF104", "apt-get-install-recommends")
    # From `apt-get` (the assignment before it is not the command) to the end of `install`.
    assert (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column) == (3, 36, 3, 51)
    assert diagnostic.message == f"`apt-get install` without `{NIR}`"
    assert diagnostic.fix_title == f"Add `{NIR}`"
