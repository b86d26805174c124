"""DF105 apt-in-script: ``apt`` → ``apt-get`` for the subcommands that behave the same, others reported."""

from __future__ import annotations

import pytest

import fixer

RULE = ["DF105"]
KEEP = "-o APT::Keep-Downloaded-Packages=false"  # apt deletes what it downloads; apt-get, told so
FROM = "FROM debian:12\n"


def fix_file(text: str, unsafe: bool = False, select: list[str] | None = RULE) -> fixer.FixResult:
    return fixer.fix(text, unsafe=unsafe, select=select)


def fixed(text: str, unsafe: bool = False) -> str:
    return fix_file(FROM + text, unsafe=unsafe).output.removeprefix(FROM)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("RUN apt install -y curl\n", f"RUN apt-get {KEEP} install -y curl\n", id="install"),
        pytest.param("RUN apt update\n", "RUN apt-get update\n", id="update"),
        pytest.param("RUN apt remove -y curl\n", "RUN apt-get remove -y curl\n", id="remove"),
        pytest.param("RUN apt purge -y curl\n", "RUN apt-get purge -y curl\n", id="purge"),
        pytest.param("RUN apt autoremove -y\n", "RUN apt-get autoremove -y\n", id="autoremove"),
        pytest.param("RUN apt clean\n", "RUN apt-get clean\n", id="clean"),
        pytest.param("RUN apt -y install curl\n", f"RUN apt-get {KEEP} -y install curl\n", id="option-first"),
        pytest.param(
            "RUN apt update && apt install -y curl\n",
            f"RUN apt-get update && apt-get {KEEP} install -y curl\n",
            id="update-and-install",
        ),
        pytest.param(
            "RUN apt update \\\n    && apt install -y \\\n        curl\n",
            f"RUN apt-get update \\\n    && apt-get {KEEP} install -y \\\n        curl\n",
            id="leading-and-style",
        ),
        pytest.param(
            "RUN apt update && \\\n    apt install -y curl && \\\n    apt clean\n",
            f"RUN apt-get update && \\\n    apt-get {KEEP} install -y curl && \\\n    apt-get clean\n",
            id="trailing-and-style",
        ),
        pytest.param(
            "RUN apt update \\\n    # comment\n\n    && apt install -y curl\n",
            f"RUN apt-get update \\\n    # comment\n\n    && apt-get {KEEP} install -y curl\n",
            id="comment-and-blank-line-in-continuation",
        ),
        pytest.param(
            "RUN apt update \\\r\n    && apt install -y curl\r\n",
            f"RUN apt-get update \\\r\n    && apt-get {KEEP} install -y curl\r\n",
            id="crlf",
        ),
        pytest.param(
            "RUN DEBIAN_FRONTEND=noninteractive apt install -y curl\n",
            f"RUN DEBIAN_FRONTEND=noninteractive apt-get {KEEP} install -y curl\n",
            id="assignment-prefix",
        ),
        pytest.param(
            "RUN <<EOF\napt update\napt install -y curl\nEOF\n",
            f"RUN <<EOF\napt-get update\napt-get {KEEP} install -y curl\nEOF\n",
            id="heredoc-body",
        ),
        pytest.param(
            "RUN apt update && apt upgrade -y && apt install -y curl\n",
            f"RUN apt-get update && apt upgrade -y && apt-get {KEEP} install -y curl\n",
            id="upgrade-between-fixable",
        ),
        pytest.param(
            "ONBUILD RUN apt install -y curl\n",
            f"ONBUILD RUN apt-get {KEEP} install -y curl\n",
            id="onbuild-trigger",
        ),
    ],
)
def test_safe_fix(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(source, unsafe=True) == expected
    assert fixed(expected, unsafe=True) == expected


def test_escape_backtick_linux() -> None:
    source = "# escape=`\nFROM ubuntu:24.04\nRUN apt update `\n    && apt install -y curl\n"
    expected = f"# escape=`\nFROM ubuntu:24.04\nRUN apt-get update `\n    && apt-get {KEEP} install -y curl\n"
    assert fix_file(source).output == expected


def test_with_the_other_apt_rules_on_one_run() -> None:
    """DF105 makes the command ``apt-get``; DF101, DF102 and DF104 then fix it on later passes."""
    source = FROM + "RUN apt update && apt install curl\n"
    result = fix_file(source, unsafe=True, select=["DF1"])
    expected = (
        f"RUN apt-get update && apt-get {KEEP} install -y"
        " --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*\n"
    )
    assert result.output == FROM + expected
    assert sorted({d.rule for d in result.diagnostics}) == ["DF101", "DF102", "DF104", "DF105"]
    assert all(d.fixed for d in result.diagnostics)
    assert fix_file(result.output, unsafe=True, select=["DF1"]).output == result.output


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN apt upgrade -y\n", id="upgrade-installs-new-packages"),
        pytest.param("RUN apt full-upgrade -y\n", id="full-upgrade"),
        pytest.param("RUN apt list --installed\n", id="list"),
        pytest.param("RUN apt search curl\n", id="search"),
        pytest.param("RUN apt show curl\n", id="show"),
        pytest.param("RUN /usr/bin/apt install -y curl\n", id="full-path"),
    ],
)
def test_reported_without_fix(source: str) -> None:
    result = fix_file(FROM + source, unsafe=True)
    assert result.output == FROM + source
    (diagnostic,) = result.diagnostics
    assert (diagnostic.rule, diagnostic.applicability, diagnostic.fixed) == ("DF105", None, False)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "RUN sudo apt install -y curl\n", f"RUN sudo apt-get {KEEP} install -y curl\n", id="sudo"
        ),
        pytest.param(
            "RUN env DEBIAN_FRONTEND=noninteractive apt install -y curl\n",
            f"RUN env DEBIAN_FRONTEND=noninteractive apt-get {KEEP} install -y curl\n",
            id="env",
        ),
    ],
)
def test_wrapped_apt_is_fixed(source: str, expected: str) -> None:
    assert fixed(source) == expected


def test_wrapped_apt_diagnostic_points_at_apt() -> None:
    (diagnostic,) = fix_file(FROM + "RUN sudo apt install -y curl\n").diagnostics
    assert (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column) == (2, 10, 2, 13)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(f"RUN apt-get {KEEP} install -y curl\n", id="apt-get"),
        pytest.param("RUN apt-cache policy curl\n", id="apt-cache"),
        pytest.param("RUN apt-mark hold curl\n", id="apt-mark"),
        pytest.param("RUN apt-get install -y apt\n", id="package-named-apt"),
        pytest.param('RUN echo "apt install curl"\n', id="quoted-text"),
        pytest.param("RUN cat <<EOF > /notes\napt install curl\nEOF\n", id="heredoc-as-data"),
        pytest.param('RUN ["apt", "install", "-y", "curl"]\n', id="exec-form"),
        pytest.param('SHELL ["powershell", "-Command"]\nRUN apt install -y curl\n', id="powershell-shell"),
        pytest.param("# hadolint ignore=DL3027\nRUN apt install -y curl\n", id="hadolint-suppression"),
        pytest.param("# dfix: ignore=DF105\nRUN apt install -y curl\n", id="dfix-suppression-code"),
        pytest.param("# dfix: ignore=apt-in-script\nRUN apt install -y curl\n", id="dfix-suppression-name"),
    ],
)
def test_unchanged(source: str) -> None:
    result = fix_file(FROM + source, unsafe=True)
    assert result.output == FROM + source
    assert result.diagnostics == []


def test_windows_powershell_file_unchanged() -> None:
    text = (
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        'SHELL ["powershell", "-Command"]\nRUN apt update; `\n    apt install -y curl\n'
    )
    assert fix_file(text, unsafe=True).output == text


def test_diagnostic_location() -> None:
    text = "FROM debian:12\nRUN apt-get update \\\n    && DEBIAN_FRONTEND=noninteractive apt upgrade -y\n"
    (diagnostic,) = fix_file(text).diagnostics
    assert (diagnostic.rule, diagnostic.name) == ("DF105", "apt-in-script")
    # Just the `apt` word.
    assert (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column) == (3, 39, 3, 42)
    assert diagnostic.message == "`apt` has no stable interface for scripts"
    assert diagnostic.fix_title is None
    assert diagnostic.applicability is None


def test_fixed_diagnostic_title() -> None:
    (diagnostic,) = fix_file(FROM + "RUN apt install -y curl\n").diagnostics
    assert (diagnostic.line, diagnostic.column, diagnostic.end_column) == (2, 5, 8)
    assert diagnostic.fix_title == "Replace `apt` with `apt-get`"
    assert (diagnostic.applicability, diagnostic.fixed) == (fixer.Applicability.SAFE, True)
