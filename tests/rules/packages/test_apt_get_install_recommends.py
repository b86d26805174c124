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
        pytest.param("RUN apt-get install htop\n", f"RUN apt-get install {NIR} htop\n", id="no-flags"),
        pytest.param("RUN apt-get install -y htop\n", f"RUN apt-get install -y {NIR} htop\n", id="after-y"),
        pytest.param(
            "RUN apt-get install --yes htop\n", f"RUN apt-get install --yes {NIR} htop\n", id="after-yes"
        ),
        pytest.param(
            "RUN apt-get install -qy htop\n", f"RUN apt-get install -qy {NIR} htop\n", id="after-qy"
        ),
        pytest.param(
            "RUN apt-get install -y -q htop\n", f"RUN apt-get install -y -q {NIR} htop\n", id="after-y-and-q"
        ),
        pytest.param(
            "RUN apt-get -qq install htop\n", f"RUN apt-get -qq install {NIR} htop\n", id="global-qq-first"
        ),
        pytest.param("RUN apt-get -y install htop\n", f"RUN apt-get -y install {NIR} htop\n", id="y-first"),
        pytest.param("RUN apt-get install htop -y\n", f"RUN apt-get install {NIR} htop -y\n", id="y-last"),
        pytest.param(
            "RUN apt-get install -y --no-install-suggests htop\n",
            f"RUN apt-get install -y {NIR} --no-install-suggests htop\n",
            id="before-other-long-options",
        ),
        pytest.param(
            "RUN apt-get install -y -- htop\n",
            f"RUN apt-get install -y {NIR} -- htop\n",
            id="before-dashdash",
        ),
        pytest.param(
            "RUN apt-get update && apt-get install -y htop && apt-get install -y jq\n",
            f"RUN apt-get update && apt-get install -y {NIR} htop && apt-get install -y {NIR} jq\n",
            id="two-installs",
        ),
        pytest.param(
            "RUN apt-get update \\\n    && apt-get install -y \\\n        htop\n",
            f"RUN apt-get update \\\n    && apt-get install -y {NIR} \\\n        htop\n",
            id="leading-and-style",
        ),
        pytest.param(
            "RUN apt-get update && \\\n    apt-get install -y \\\n    htop && \\\n    apt-get clean\n",
            f"RUN apt-get update && \\\n    apt-get install -y {NIR} \\\n    htop && \\\n    apt-get clean\n",
            id="trailing-and-style",
        ),
        pytest.param(
            "RUN apt-get install \\\n    # answer yes\n\n    -y \\\n    htop\n",
            f"RUN apt-get install \\\n    # answer yes\n\n    -y {NIR} \\\n    htop\n",
            id="y-after-comment-and-blank-line",
        ),
        pytest.param(
            "RUN apt-get install -y \\\r\n    htop\r\n",
            f"RUN apt-get install -y {NIR} \\\r\n    htop\r\n",
            id="crlf",
        ),
        pytest.param(
            "RUN sudo apt-get install -y htop\n", f"RUN sudo apt-get install -y {NIR} htop\n", id="sudo"
        ),
        pytest.param(
            "RUN env DEBIAN_FRONTEND=noninteractive apt-get install -y htop\n",
            f"RUN env DEBIAN_FRONTEND=noninteractive apt-get install -y {NIR} htop\n",
            id="env-prefix",
        ),
        pytest.param(
            "RUN DEBIAN_FRONTEND=noninteractive apt-get install -y htop\n",
            f"RUN DEBIAN_FRONTEND=noninteractive apt-get install -y {NIR} htop\n",
            id="assignment-prefix",
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/var/lib/apt apt-get install -y htop\n",
            f"RUN --mount=type=cache,target=/var/lib/apt apt-get install -y {NIR} htop\n",
            id="cache-mount",
        ),
        pytest.param(
            "RUN <<EOF\napt-get update\napt-get install -y htop\nEOF\n",
            f"RUN <<EOF\napt-get update\napt-get install -y {NIR} htop\nEOF\n",
            id="heredoc-body",
        ),
    ],
)
def test_unsafe_fix(source: str, expected: str) -> None:
    assert fixed(source) == source  # never in safe mode
    assert fixed(source, unsafe=True) == expected
    assert fixed(expected, unsafe=True) == expected


def test_reported_in_safe_mode_without_applying() -> None:
    result = fixer.fix(FROM + "RUN apt-get install -y htop\n", select=RULE)
    assert result.output == FROM + "RUN apt-get install -y htop\n"
    (diagnostic,) = result.diagnostics
    assert (diagnostic.applicability, diagnostic.fixed) == (fixer.Applicability.UNSAFE, False)


def test_configuration_can_promote_the_fix() -> None:
    text = FROM + "RUN apt-get install -y htop\n"
    promoted = fixer.fix(text, select=RULE, extend_safe_fixes=["apt-get-install-recommends"]).output
    assert promoted == FROM + f"RUN apt-get install -y {NIR} htop\n"


def test_escape_backtick_linux() -> None:
    source = "# escape=`\nFROM debian:12\nRUN apt-get install -y `\n    htop\n"
    expected = f"# escape=`\nFROM debian:12\nRUN apt-get install -y {NIR} `\n    htop\n"
    assert fix_file(source, unsafe=True) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(f"RUN apt-get install -y {NIR} htop\n", id="already"),
        pytest.param(f"RUN apt-get {NIR} install -y htop\n", id="already-before-subcommand"),
        pytest.param(f"RUN apt-get install -y htop {NIR}\n", id="already-last"),
        pytest.param("RUN apt-get install -y -o APT::Install-Recommends=false htop\n", id="apt-option-false"),
        pytest.param("RUN apt-get -o APT::Install-Recommends=0 install -y htop\n", id="apt-option-first"),
        pytest.param("RUN apt-get update\n", id="update"),
        pytest.param("RUN apt-get remove -y htop\n", id="remove"),
        pytest.param("RUN apt install -y htop\n", id="apt-is-df105s"),
        pytest.param('RUN ["apt-get", "install", "-y", "htop"]\n', id="exec-form"),
        pytest.param(
            'SHELL ["powershell", "-Command"]\nRUN apt-get install -y htop\n', id="powershell-shell"
        ),
        pytest.param("# hadolint ignore=DL3015\nRUN apt-get install -y htop\n", id="hadolint-suppression"),
        pytest.param("# dfix: ignore=DF104\nRUN apt-get install -y htop\n", id="dfix-suppression-code"),
        pytest.param(
            "# dfix: ignore=apt-get-install-recommends\nRUN apt-get install -y htop\n",
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
        'SHELL ["powershell", "-Command"]\nRUN apt-get install -y htop\n'
    )
    assert fix_file(text, unsafe=True) == text


def test_diagnostic_location() -> None:
    text = (
        "FROM debian:12\nRUN apt-get update \\\n && DEBIAN_FRONTEND=noninteractive apt-get install -y htop\n"
    )
    (diagnostic,) = fixer.fix(text, select=RULE).diagnostics
    assert (diagnostic.rule, diagnostic.name) == ("DF104", "apt-get-install-recommends")
    # From `apt-get` (the assignment before it is not the command) to the end of `install`.
    assert (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column) == (3, 36, 3, 51)
    assert diagnostic.message == f"`apt-get install` without `{NIR}`"
    assert diagnostic.fix_title == f"Add `{NIR}`"


# --- ca-certificates: kept where TLS is used ---------------------------------------------------

CA = f"{NIR} ca-certificates"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("RUN apt-get install -y curl\n", f"RUN apt-get install -y {CA} curl\n", id="curl"),
        pytest.param("RUN apt-get install -y wget\n", f"RUN apt-get install -y {CA} wget\n", id="wget"),
        pytest.param("RUN apt-get install -y git\n", f"RUN apt-get install -y {CA} git\n", id="git"),
        pytest.param(
            "RUN apt-get install -y python3\n", f"RUN apt-get install -y {CA} python3\n", id="python3"
        ),
        pytest.param(
            "RUN apt-get install -y python3.11\n", f"RUN apt-get install -y {CA} python3.11\n", id="python3-n"
        ),
        pytest.param(
            "RUN apt-get install -y libcurl4\n", f"RUN apt-get install -y {CA} libcurl4\n", id="libcurl"
        ),
        pytest.param(
            "RUN apt-get install -y htop curl=7.88.1-10+deb12u5\n",
            f"RUN apt-get install -y {CA} htop curl=7.88.1-10+deb12u5\n",
            id="pinned-version",
        ),
        pytest.param(
            "RUN apt-get install -y curl:amd64\n",
            f"RUN apt-get install -y {CA} curl:amd64\n",
            id="architecture",
        ),
        pytest.param(
            "ENV PKGS='htop curl'\nRUN apt-get install -y $PKGS\n",
            f"ENV PKGS='htop curl'\nRUN apt-get install -y {CA} $PKGS\n",
            id="packages-from-env",
        ),
        pytest.param(
            'RUN deps="git make" && apt-get install -y ${deps}\n',
            f'RUN deps="git make" && apt-get install -y {CA} ${{deps}}\n',
            id="packages-from-script-variable",
        ),
        pytest.param(
            "RUN apt-get install -y htop\nRUN curl -fsSL -o /x https://example.com/x\n",
            f"RUN apt-get install -y {CA} htop\nRUN curl -fsSL -o /x https://example.com/x\n",
            id="later-run-runs-curl",
        ),
        pytest.param(
            "RUN apt-get install -y gnupg && wget -qO- http://example.com/key | apt-key add -\n",
            f"RUN apt-get install -y {CA} gnupg && wget -qO- http://example.com/key | apt-key add -\n",
            id="same-run-runs-wget-later",
        ),
        pytest.param(
            "RUN apt-get install -y make\nRUN git clone git@example.com:a/b.git\n",
            f"RUN apt-get install -y {CA} make\nRUN git clone git@example.com:a/b.git\n",
            id="later-run-runs-git",
        ),
        pytest.param(
            "RUN apt-get install -y gnupg\nRUN echo 'deb https://deb.example.com/ main' > x.list\n",
            f"RUN apt-get install -y {CA} gnupg\nRUN echo 'deb https://deb.example.com/ main' > x.list\n",
            id="https-url-in-a-later-run",
        ),
        pytest.param(
            'RUN apt-get install -y htop\nRUN ["/usr/bin/curl", "-o", "/x", "http://example.com/x"]\n',
            f'RUN apt-get install -y {CA} htop\nRUN ["/usr/bin/curl", "-o", "/x", "http://example.com/x"]\n',
            id="later-exec-form-curl",
        ),
        pytest.param(
            "RUN apt-get install -y htop \\\n    curl\n",
            f"RUN apt-get install -y {CA} htop \\\n    curl\n",
            id="packages-on-the-options-line",
        ),
        pytest.param(
            "RUN apt-get install -y \\\n    curl \\\n    htop\n",
            f"RUN apt-get install -y {NIR} \\\n    ca-certificates \\\n    curl \\\n    htop\n",
            id="one-package-per-line",
        ),
        pytest.param(
            "RUN apt-get install -y \\\r\n\tcurl\r\n",
            f"RUN apt-get install -y {NIR} \\\r\n\tca-certificates \\\r\n\tcurl\r\n",
            id="one-package-per-line-crlf-tabs",
        ),
        pytest.param(
            "RUN <<EOF\napt-get install -y \\\n  curl\nEOF\n",
            f"RUN <<EOF\napt-get install -y {NIR} \\\n  ca-certificates \\\n  curl\nEOF\n",
            id="heredoc-body",
        ),
    ],
)
def test_keeps_ca_certificates(source: str, expected: str) -> None:
    assert fixed(source) == source  # still never in safe mode
    assert fixed(source, unsafe=True) == expected
    assert fixed(expected, unsafe=True) == expected


def test_keeps_ca_certificates_with_backtick_escape() -> None:
    source = "# escape=`\nFROM debian:12\nRUN apt-get install -y `\n    git\n"
    expected = f"# escape=`\nFROM debian:12\nRUN apt-get install -y {NIR} `\n    ca-certificates `\n    git\n"
    assert fix_file(source, unsafe=True) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN apt-get install -y htop\n", id="no-tls"),
        pytest.param("RUN apt-get install -y openssl\n", id="openssl-only-suggests-it"),
        pytest.param("RUN apt-get install -y python3-requests\n", id="depends-on-it-anyway"),
        pytest.param("RUN apt-get install -y ca-certificates curl\n", id="already-named"),
        pytest.param("RUN apt-get install -y curl ca-certificates=20230311\n", id="already-named-pinned"),
        pytest.param(
            "RUN curl -o /x https://example.com/x\nRUN apt-get install -y htop\n", id="https-before-it"
        ),
        pytest.param(
            "RUN apt-get install -y htop\nFROM debian:12\nRUN curl https://example.com\n",
            id="https-in-another-stage",
        ),
        pytest.param("RUN apt-get install -y htop\nRUN echo http://example.com\n", id="plain-http"),
    ],
)
def test_adds_only_the_flag(source: str) -> None:
    assert fixed(source, unsafe=True) == source.replace("install -y", f"install -y {NIR}")


@pytest.mark.parametrize(
    "between",
    [pytest.param("", id="same-stage"), pytest.param("FROM base\n", id="in-the-parent-stage")],
)
def test_named_earlier(between: str) -> None:
    source = f"FROM debian:12 AS base\nRUN apt-get install -y {NIR} ca-certificates\n{between}"
    assert fix_file(source + "RUN apt-get install -y curl\n", unsafe=True) == (
        source + f"RUN apt-get install -y {NIR} curl\n"
    )


def test_https_in_a_stage_built_on_it() -> None:
    source = (
        "FROM debian:12 AS base\nRUN apt-get install -y htop\nFROM base\nRUN URL=https://x.example sh x.sh\n"
    )
    assert fix_file(source, unsafe=True) == source.replace("-y htop", f"-y {CA} htop")


def test_https_in_a_stage_copying_from_it() -> None:
    source = (
        "FROM debian:12 AS base\nRUN apt-get install -y htop\n"
        "FROM debian:12\nCOPY --from=base /usr/bin/htop /usr/bin/\nRUN curl -O https://example.com/x\n"
    )
    assert fix_file(source, unsafe=True) == source.replace("-y htop", f"-y {NIR} htop")


def test_an_earlier_install_that_keeps_recommends_brings_them() -> None:
    # The first install's own fix names ca-certificates; unfixed, its recommends bring them.
    source = "RUN apt-get install -y curl\nRUN apt-get install -y git\n"
    expected = f"RUN apt-get install -y {CA} curl\nRUN apt-get install -y {NIR} git\n"
    assert fixed(source, unsafe=True) == expected


def test_an_earlier_install_without_recommends_does_not() -> None:
    source = f"RUN apt-get install -y {NIR} curl\nRUN apt-get install -y git\n"
    assert (
        fixed(source, unsafe=True) == f"RUN apt-get install -y {NIR} curl\nRUN apt-get install -y {CA} git\n"
    )


@pytest.mark.parametrize(
    ("source", "title"),
    [
        pytest.param("RUN apt-get install -y curl\n", "which curl needs for HTTPS", id="package"),
        pytest.param(
            "RUN apt-get install -y htop\nRUN git pull\n", "which git needs for HTTPS", id="program"
        ),
        pytest.param(
            "RUN apt-get install -y htop\nRUN sh -c 'x' https://example.com\n",
            "which the `https://` URLs used after it need",
            id="url",
        ),
    ],
)
def test_fix_title_says_why(source: str, title: str) -> None:
    (diagnostic,) = fixer.fix(FROM + source, select=RULE).diagnostics
    assert diagnostic.fix_title == f"Add `{NIR}`; also installs `ca-certificates`, {title}"
    assert diagnostic.message == f"`apt-get install` without `{NIR}`"
    assert diagnostic.applicability is fixer.Applicability.UNSAFE
