"""DF102 apt-lists-not-removed: the appended cleanup in each RUN layout, the guard, and no-ops."""

from __future__ import annotations

import pytest

import fixer

RULE = ["DF102"]
FROM = "FROM debian:12\n"
CLEANUP = "rm -rf /var/lib/apt/lists/*"


def fix_file(text: str, unsafe: bool = False) -> fixer.FixResult:
    return fixer.fix(text, unsafe=unsafe, select=RULE)


def fixed(text: str, unsafe: bool = False) -> str:
    return fix_file(FROM + text, unsafe=unsafe).output.removeprefix(FROM)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "RUN apt-get update && apt-get install -y curl\n",
            f"RUN apt-get update && apt-get install -y curl && {CLEANUP}\n",
            id="one-line",
        ),
        pytest.param("RUN apt-get update\n", f"RUN apt-get update && {CLEANUP}\n", id="update-only"),
        pytest.param(
            "RUN apt update && apt install -y curl\n",
            f"RUN apt update && apt install -y curl && {CLEANUP}\n",
            id="apt-front-end",
        ),
        pytest.param(
            "RUN apt-get update; apt-get install -y curl\n",
            f"RUN apt-get update; apt-get install -y curl && {CLEANUP}\n",
            id="semicolons",
        ),
        pytest.param(
            "RUN apt-get update && apt-get install -y curl || true\n",
            f"RUN apt-get update && apt-get install -y curl || true && {CLEANUP}\n",
            id="ends-in-or-true",
        ),
        pytest.param(
            "RUN apt-get update && apt-get install -y curl && apt-get clean\n",
            f"RUN apt-get update && apt-get install -y curl && apt-get clean && {CLEANUP}\n",
            id="apt-get-clean-keeps-lists",
        ),
        pytest.param(
            "RUN apt-get update \\\n    && apt-get install -y curl\n",
            f"RUN apt-get update \\\n    && apt-get install -y curl \\\n    && {CLEANUP}\n",
            id="leading-and-style",
        ),
        pytest.param(
            "RUN apt-get update \\\n\t&& apt-get install -y curl\n",
            f"RUN apt-get update \\\n\t&& apt-get install -y curl \\\n\t&& {CLEANUP}\n",
            id="leading-and-style-tab",
        ),
        pytest.param(
            "RUN apt-get update \\\n && apt-get install -y curl \\\n    && echo done\n",
            f"RUN apt-get update \\\n && apt-get install -y curl \\\n    && echo done \\\n    && {CLEANUP}\n",
            id="leading-and-style-indent-of-last",
        ),
        pytest.param(
            "RUN apt-get update && \\\n    apt-get install -y curl\n",
            f"RUN apt-get update && \\\n    apt-get install -y curl && \\\n    {CLEANUP}\n",
            id="trailing-and-style",
        ),
        pytest.param(
            "RUN apt-get update &&\\\n  apt-get install -y curl\n",
            f"RUN apt-get update &&\\\n  apt-get install -y curl && \\\n  {CLEANUP}\n",
            id="trailing-and-style-no-space",
        ),
        pytest.param(
            "RUN \\\n    apt-get update && \\\n    apt-get install -y curl\n",
            f"RUN \\\n    apt-get update && \\\n    apt-get install -y curl && \\\n    {CLEANUP}\n",
            id="empty-first-line",
        ),
        pytest.param(
            "RUN apt-get update && \\\n  apt-get install -y \\\n    ca-certificates \\\n    curl\n",
            "RUN apt-get update && \\\n  apt-get install -y \\\n    ca-certificates \\\n    curl && \\\n"
            f"  {CLEANUP}\n",
            id="one-package-per-line-trailing",
        ),
        pytest.param(
            "RUN apt-get update \\\n    && apt-get install -y \\\n        ca-certificates \\\n        curl\n",
            "RUN apt-get update \\\n    && apt-get install -y \\\n        ca-certificates \\\n"
            f"        curl \\\n    && {CLEANUP}\n",
            id="one-package-per-line-leading",
        ),
        pytest.param(
            "RUN apt-get update \\\n    && apt-get install -y \\\n        # compilers\n        gcc \\\n"
            "\n        # vcs\n        git\n",
            "RUN apt-get update \\\n    && apt-get install -y \\\n        # compilers\n        gcc \\\n"
            f"\n        # vcs\n        git \\\n    && {CLEANUP}\n",
            id="comments-and-blank-line-in-continuation",
        ),
        pytest.param(
            "RUN apt-get update && \\\n    apt-get install -y \\\n    # compilers\n    gcc\n",
            "RUN apt-get update && \\\n    apt-get install -y \\\n    # compilers\n"
            f"    gcc && \\\n    {CLEANUP}\n",
            id="comment-before-last-line",
        ),
        pytest.param(
            "RUN apt-get update \\\r\n    && apt-get install -y curl\r\n",
            f"RUN apt-get update \\\r\n    && apt-get install -y curl \\\r\n    && {CLEANUP}\r\n",
            id="crlf",
        ),
        pytest.param(
            "RUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y curl\n",
            f"RUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y curl && \\\n    {CLEANUP}\n",
            id="set-eux-semicolons",
        ),
        pytest.param(
            "RUN DEBIAN_FRONTEND=noninteractive apt-get -qy install curl\n",
            f"RUN DEBIAN_FRONTEND=noninteractive apt-get -qy install curl && {CLEANUP}\n",
            id="assignment-prefix-and-qy",
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl\n",
            "RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl"
            f" && {CLEANUP}\n",
            id="cache-mount-of-archives-only",
        ),
        pytest.param(
            "RUN --mount=type=bind,target=/var/lib/apt apt-get update\n",
            f"RUN --mount=type=bind,target=/var/lib/apt apt-get update && {CLEANUP}\n",
            id="bind-mount-is-not-a-cache",
        ),
        pytest.param(
            "RUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n",
            f"RUN apt-get update && apt-get install -y curl && {CLEANUP}\nRUN rm -rf /var/lib/apt/lists/*\n",
            id="cleanup-in-a-later-run-is-too-late",
        ),
        pytest.param(
            "RUN apt-get update && apt-get install -y curl\nRUN apt-get update && apt-get install -y git\n",
            f"RUN apt-get update && apt-get install -y curl && {CLEANUP}\n"
            f"RUN apt-get update && apt-get install -y git && {CLEANUP}\n",
            id="later-run-updates-itself",
        ),
        pytest.param(
            "RUN apt-get update && apt-get install -y curl\nFROM debian:12\nRUN apt-get install -y git\n",
            f"RUN apt-get update && apt-get install -y curl && {CLEANUP}\nFROM debian:12\n"
            f"RUN apt-get install -y git && {CLEANUP}\n",
            id="later-unrelated-stage",
        ),
        pytest.param(
            "ONBUILD RUN apt-get update\n", f"ONBUILD RUN apt-get update && {CLEANUP}\n", id="onbuild-trigger"
        ),
    ],
)
def test_safe_fix(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(source, unsafe=True) == expected
    assert fixed(expected, unsafe=True) == expected


def test_cleanup_under_sudo_when_apt_runs_under_sudo() -> None:
    """A plain ``rm`` would run as ``app`` and fail with "Permission denied"."""
    source = "FROM debian:12\nUSER app\nRUN sudo apt-get update && sudo apt-get install -y curl\n"
    expected = source.replace("curl\n", f"curl && sudo {CLEANUP}\n")
    assert fix_file(source).output == expected
    assert fix_file(expected).output == expected


@pytest.mark.parametrize(
    "wrapper", ["sudo", "sudo -u root", "sudo --user=root -E", "env LC_ALL=C", "nice -n 5"]
)
def test_cleanup_through_a_wrapper_counts(wrapper: str) -> None:
    """Otherwise a plain ``rm`` (Permission denied for a non-root USER) would be appended."""
    text = (
        "FROM debian:12\nUSER app\nRUN sudo apt-get update && sudo apt-get install -y curl"
        f" && {wrapper} rm -rf /var/lib/apt/lists/*\n"
    )
    assert fix_file(text).diagnostics == []


def test_tmpfs_mount_not_reported() -> None:
    """A tmpfs mount keeps the lists out of the layer as a cache mount does."""
    text = "FROM debian:12\nRUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update\n"
    assert fix_file(text).diagnostics == []


def test_escape_backtick_linux_uses_backtick_for_new_line() -> None:
    source = "# escape=`\nFROM debian:12\nRUN apt-get update `\n    && apt-get install -y curl\n"
    expected = (
        "# escape=`\nFROM debian:12\nRUN apt-get update `\n"
        f"    && apt-get install -y curl `\n    && {CLEANUP}\n"
    )
    assert fix_file(source).output == expected
    assert fix_file(expected).output == expected


def test_escape_backtick_trailing_style_and_crlf() -> None:
    source = "# escape=`\r\nFROM debian:12\r\nRUN apt-get update && `\r\n    apt-get install -y curl\r\n"
    expected = (
        "# escape=`\r\nFROM debian:12\r\nRUN apt-get update && `\r\n    apt-get install -y curl && `\r\n"
        f"    {CLEANUP}\r\n"
    )
    assert fix_file(source).output == expected
    assert fix_file(expected).output == expected


def test_bom() -> None:
    source = "\ufeffFROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl\n"
    expected = (
        f"\ufeffFROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl \\\n    && {CLEANUP}\n"
    )
    assert fix_file(source).output == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "FROM debian:12\nRUN apt-get update",
            f"FROM debian:12\nRUN apt-get update && {CLEANUP}",
            id="one-line",
        ),
        pytest.param(
            "\ufeffFROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl",
            "\ufeffFROM debian:12\nRUN apt-get update \\\n"
            f"    && apt-get install -y curl \\\n    && {CLEANUP}",
            id="bom-leading-and",
        ),
    ],
)
def test_no_final_newline(source: str, expected: str) -> None:
    assert fix_file(source).output == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "RUN apt-get update && apt-get install -y curl\nRUN echo hi\nRUN apt-get install -y git\n",
            "RUN apt-get update && apt-get install -y curl\nRUN echo hi\n"
            f"RUN apt-get install -y git && {CLEANUP}\n",
            id="same-stage-not-adjacent",
        ),
        pytest.param(
            "RUN apt-get update && apt-get install -y curl\nFROM base\nRUN apt-get install -y git\n",
            "RUN apt-get update && apt-get install -y curl\nFROM base\n"
            f"RUN apt-get install -y git && {CLEANUP}\n",
            id="stage-from-this-one",
        ),
        pytest.param(
            "RUN apt-get update && apt-get install -y curl\nFROM base AS mid\nRUN echo hi\n"
            "FROM mid\nRUN DEBIAN_FRONTEND=noninteractive apt install -y git\n",
            "RUN apt-get update && apt-get install -y curl\nFROM base AS mid\nRUN echo hi\n"
            f"FROM mid\nRUN DEBIAN_FRONTEND=noninteractive apt install -y git && {CLEANUP}\n",
            id="stage-two-levels-down",
        ),
        pytest.param(
            "RUN apt-get update\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
            "RUN apt-get update\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
            id="later-run-cleans-up-itself",
        ),
    ],
)
def test_guard_reports_without_fix(source: str, expected: str) -> None:
    """A later RUN that installs without its own update needs the lists: no fix for this RUN."""
    prefix = "FROM debian:12 AS base\n"
    result = fix_file(prefix + source, unsafe=True)
    assert result.output == prefix + expected
    guarded = [d for d in result.diagnostics if d.line == 2]
    assert [(d.rule, d.applicability, d.fixed) for d in guarded] == [("DF102", None, False)]


@pytest.mark.parametrize(
    "later",
    [
        pytest.param('RUN ["apt-get", "install", "-y", "git"]\n', id="exec-form"),
        pytest.param('RUN ["/bin/sh", "-c", "apt-get install -y git"]\n', id="exec-form-sh-c"),
        pytest.param('RUN sh -c "apt-get install -y git"\n', id="sh-c-string"),
    ],
)
def test_guard_sees_installs_it_cannot_analyse(later: str) -> None:
    """An install dfix cannot read still needs the lists: removing them would make it fail."""
    text = FROM + "RUN apt-get update && apt-get install -y curl\n" + later
    assert fix_file(text).output == text


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n", id="heredoc-body"),
        pytest.param("RUN bash <<EOF\napt-get update\napt-get install -y curl\nEOF\n", id="heredoc-to-bash"),
        pytest.param(
            "RUN apt-get update && apt-get install -y curl && cat <<EOF > /etc/motd\nhello\nEOF\n",
            id="heredoc-as-data",
        ),
    ],
)
def test_reported_without_fix(source: str) -> None:
    text = FROM + source
    result = fix_file(text, unsafe=True)
    assert result.output == text
    (diagnostic,) = result.diagnostics
    assert (diagnostic.rule, diagnostic.line, diagnostic.applicability, diagnostic.fixed) == (
        "DF102",
        2,
        None,
        False,
    )


def test_guard_leaves_the_later_run_fixable() -> None:
    text = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n"
    result = fix_file(text)
    assert result.output == f"FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl && {CLEANUP}\n"
    assert sorted((d.line, d.fixed) for d in result.diagnostics) == [(2, False), (3, True)]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n", id="star"
        ),
        pytest.param(
            "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists\n", id="dir"
        ),
        pytest.param(
            "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/\n", id="slash"
        ),
        pytest.param("RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt\n", id="parent"),
        pytest.param(
            "RUN apt-get update \\\n    && apt-get install -y curl \\\n    # clean up\n"
            "    && rm -rf /var/lib/apt/lists/*\n",
            id="cleanup-after-comment",
        ),
        pytest.param(
            "RUN <<EOF\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF\n",
            id="heredoc-with-cleanup",
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl\n",
            id="cache-mount-var-lib-apt",
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n"
            "    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \\\n"
            "    apt-get update && apt-get install -y curl\n",
            id="cache-mount-lists",
        ),
        pytest.param("RUN --mount=type=cache,dst=/var/lib/apt/ apt-get update\n", id="cache-mount-dst"),
        pytest.param("RUN apt-get remove -y curl && apt-get autoremove -y\n", id="remove-needs-no-lists"),
        pytest.param("RUN apt-get clean\n", id="clean"),
        pytest.param("RUN apt-cache policy curl\n", id="apt-cache"),
        pytest.param('RUN ["apt-get", "update"]\n', id="exec-form"),
        pytest.param('SHELL ["powershell", "-Command"]\nRUN apt-get update\n', id="powershell-shell"),
        pytest.param("# hadolint ignore=DL3009\nRUN apt-get update\n", id="hadolint-suppression"),
        pytest.param("# dfix: ignore=DF102\nRUN apt-get update\n", id="dfix-suppression-code"),
        pytest.param(
            "# dfix: ignore=apt-lists-not-removed\nRUN apt-get update\n", id="dfix-suppression-name"
        ),
    ],
)
def test_not_reported(source: str) -> None:
    result = fix_file(FROM + source, unsafe=True)
    assert result.output == FROM + source
    assert result.diagnostics == []


def test_windows_powershell_file_not_reported() -> None:
    text = (
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        'SHELL ["powershell", "-Command"]\nRUN apt-get update; `\n    apt-get install -y curl\n'
    )
    result = fix_file(text, unsafe=True)
    assert (result.output, result.diagnostics) == (text, [])


def test_diagnostic_location() -> None:
    text = 'FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl\nCMD ["curl"]\n'
    (diagnostic,) = fix_file(text).diagnostics
    assert (diagnostic.rule, diagnostic.name) == ("DF102", "apt-lists-not-removed")
    # The whole RUN, from its keyword to the end of its last line.
    assert (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column) == (2, 1, 3, 31)
    assert diagnostic.message == "apt lists are left in the layer"
    assert diagnostic.fix_title == "Remove `/var/lib/apt/lists/*` in the same RUN"
    assert diagnostic.applicability is fixer.Applicability.SAFE
    assert diagnostic.fixed


def test_diagnostic_location_indented_run_starts_at_keyword() -> None:
    (diagnostic,) = fix_file("FROM debian:12\n  RUN apt-get update\n").diagnostics
    assert (diagnostic.line, diagnostic.column) == (2, 3)


def test_removal_follows_a_conditional_install() -> None:
    # `rm -rf` of lists that were never fetched is harmless, so the removal goes after `fi`.
    source = "RUN if [ -x /usr/bin/apt-get ]; then apt-get update && apt-get install -y curl; fi\n"
    fixed = fixer.fix("FROM debian:12\n" + source, select=["DF102"]).output
    assert fixed == "FROM debian:12\n" + source.replace("fi\n", "fi && rm -rf /var/lib/apt/lists/*\n")


def test_dist_clean_removes_the_lists() -> None:
    text = "FROM debian:13\nRUN apt-get update; apt-get install -y curl; apt-get dist-clean\n"
    assert fixer.fix(text, select=["DF102"]).diagnostics == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "RUN apt-get update && apt-get install -y curl # the tools\n",
            f"RUN apt-get update && apt-get install -y curl && {CLEANUP} # the tools\n",
            id="one-line",
        ),
        pytest.param(
            "RUN apt-get update \\\n    && apt-get install -y curl  # the tools\n",
            f"RUN apt-get update \\\n    && apt-get install -y curl \\\n    && {CLEANUP}  # the tools\n",
            id="leading-operators",
        ),
        pytest.param(
            "RUN apt-get update; apt-get install -y curl # ; && | )\n",
            f"RUN apt-get update; apt-get install -y curl && {CLEANUP} # ; && | )\n",
            id="operators-in-the-comment",
        ),
    ],
)
def test_cleanup_goes_before_a_trailing_comment(source: str, expected: str) -> None:
    assert fixed(source) == expected


def test_cleanup_follows_the_last_update() -> None:
    # A second update downloads the lists again: an `rm` before it does not count.
    source = (
        f"RUN apt-get update && apt-get install -y a && {CLEANUP} && apt-get update && apt-get install -y b\n"
    )
    assert fixed(source) == source.removesuffix("\n") + f" && {CLEANUP}\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # hadolint's DL3009 case: aptitude fills and reads the same lists as apt-get.
        pytest.param(
            "RUN aptitude update && aptitude install -y python3\n",
            f"RUN aptitude update && aptitude install -y python3 && {CLEANUP}\n",
            id="aptitude",
        ),
        pytest.param(
            "RUN sudo aptitude update && sudo aptitude -y safe-upgrade\n",
            f"RUN sudo aptitude update && sudo aptitude -y safe-upgrade && sudo {CLEANUP}\n",
            id="aptitude-sudo",
        ),
        # `aptitude clean` empties /var/cache/apt/archives only (cmdline_clean), as `apt-get clean`.
        pytest.param(
            "RUN aptitude update && aptitude install -y curl && aptitude clean\n",
            f"RUN aptitude update && aptitude install -y curl && aptitude clean && {CLEANUP}\n",
            id="aptitude-clean-keeps-the-lists",
        ),
    ],
)
def test_aptitude(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(expected) == expected


def test_a_later_aptitude_install_needs_the_lists() -> None:
    text = FROM + "RUN apt-get update && apt-get install -y curl\nRUN aptitude install -y git\n"
    result = fix_file(text)
    assert result.output == text.replace("git\n", f"git && {CLEANUP}\n")
    assert [(d.line, d.fixed) for d in result.diagnostics] == [(2, False), (3, True)]


def test_aptitude_search_needs_no_lists_removed() -> None:
    assert fixed("RUN aptitude search curl\n") == "RUN aptitude search curl\n"
