"""DF107 package-cache-not-cleaned: (source, expected) pairs, and inputs that must stay unchanged."""

from __future__ import annotations

import pytest

import fixer

IMAGE = "FROM centos:7\n"


def fixed(text: str, image: str = IMAGE) -> str:
    return fixer.fix(image + text, select=["DF107"]).output.removeprefix(image)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "RUN yum install -y httpd\n", "RUN yum install -y httpd && yum clean all\n", id="yum-one-line"
        ),
        pytest.param("RUN dnf install -y httpd\n", "RUN dnf install -y httpd && dnf clean all\n", id="dnf"),
        pytest.param(
            "RUN microdnf install httpd\n",
            "RUN microdnf install httpd && microdnf clean all\n",
            id="microdnf",
        ),
        pytest.param(
            "RUN zypper -n install curl\n", "RUN zypper -n install curl && zypper clean --all\n", id="zypper"
        ),
        pytest.param("RUN yum -y update\n", "RUN yum -y update && yum clean all\n", id="update"),
        pytest.param(
            "RUN dnf -y group install 'Dev'\n",
            "RUN dnf -y group install 'Dev' && dnf clean all\n",
            id="group-install",
        ),
        pytest.param(
            "RUN yum -y update \\\n    && yum -y install httpd\n",
            "RUN yum -y update \\\n    && yum -y install httpd \\\n    && yum clean all\n",
            id="leading-and",
        ),
        pytest.param(
            "RUN yum -y update && \\\n    yum -y install httpd\n",
            "RUN yum -y update && \\\n    yum -y install httpd && \\\n    yum clean all\n",
            id="trailing-and",
        ),
        pytest.param(
            "RUN yum -y install \\\r\n    httpd\r\n",
            "RUN yum -y install \\\r\n    httpd && \\\r\n    yum clean all\r\n",
            id="crlf",
        ),
        pytest.param(
            "RUN yum -y install \\\n    # the server\n    httpd\n",
            "RUN yum -y install \\\n    # the server\n    httpd && \\\n    yum clean all\n",
            id="comment-in-continuation",
        ),
        pytest.param(
            "RUN sudo yum install -y httpd\n",
            "RUN sudo yum install -y httpd && sudo yum clean all\n",
            id="sudo",
        ),
        pytest.param(
            "RUN yum clean all && yum install -y httpd\n",
            "RUN yum clean all && yum install -y httpd && yum clean all\n",
            id="cleaned-before-install",
        ),
        pytest.param(
            "RUN yum install -y httpd && systemctl enable httpd\n",
            "RUN yum install -y httpd && systemctl enable httpd && yum clean all\n",
            id="appended-at-the-end",
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/var/cache/apk yum install -y httpd\n",
            "RUN --mount=type=cache,target=/var/cache/apk yum install -y httpd && yum clean all\n",
            id="other-cache-mount",
        ),
        pytest.param(
            "RUN yum install -y x && rpm -e oldpkg\n",
            "RUN yum install -y x && rpm -e oldpkg && yum clean all\n",
            id="rpm-erase-with-dependency-checks",
        ),
    ],
)
def test_safe_fix(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(expected) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # The aliases hadolint's DL3040 tests list, and the rest of dnf's and microdnf's.
        pytest.param("RUN dnf in -y x\n", "RUN dnf in -y x && dnf clean all\n", id="in"),
        pytest.param("RUN dnf -y up\n", "RUN dnf -y up && dnf clean all\n", id="up"),
        pytest.param("RUN dnf -y up-min\n", "RUN dnf -y up-min && dnf clean all\n", id="up-min"),
        pytest.param("RUN dnf -y rei x\n", "RUN dnf -y rei x && dnf clean all\n", id="rei"),
        pytest.param("RUN dnf -y dsync\n", "RUN dnf -y dsync && dnf clean all\n", id="dsync"),
        pytest.param("RUN dnf -y dg x\n", "RUN dnf -y dg x && dnf clean all\n", id="dg"),
        pytest.param("RUN dnf -y build-dep x\n", "RUN dnf -y build-dep x && dnf clean all\n", id="build-dep"),
        pytest.param(
            "RUN dnf -y grp install x\n", "RUN dnf -y grp install x && dnf clean all\n", id="grp-install"
        ),
        pytest.param(
            "RUN microdnf -y dsync\n", "RUN microdnf -y dsync && microdnf clean all\n", id="microdnf-dsync"
        ),
        pytest.param(
            "RUN microdnf -y swap a b\n",
            "RUN microdnf -y swap a b && microdnf clean all\n",
            id="microdnf-swap",
        ),
    ],
)
def test_aliases_are_their_commands(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(expected) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # dnf 4 caches in /var/cache/dnf, dnf 5 in /var/cache/libdnf5, microdnf in /var/cache/yum:
        # removing another manager's directory leaves this one's cache (hadolint DL3040 takes
        # `rm -rf /var/cache/yum/*` for dnf).
        pytest.param(
            "RUN dnf install -y x && rm -rf /var/cache/yum/*\n",
            "RUN dnf install -y x && rm -rf /var/cache/yum/* && dnf clean all\n",
            id="dnf-yum-dir",
        ),
        pytest.param(
            "RUN microdnf install -y x && rm -rf /var/cache/dnf\n",
            "RUN microdnf install -y x && rm -rf /var/cache/dnf && microdnf clean all\n",
            id="microdnf-dnf-dir",
        ),
        pytest.param(
            "RUN microdnf install -y x && rm -rf /var/cache/libdnf5\n",
            "RUN microdnf install -y x && rm -rf /var/cache/libdnf5 && microdnf clean all\n",
            id="microdnf-libdnf5-dir",
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/var/cache/yum dnf install -y x\n",
            "RUN --mount=type=cache,target=/var/cache/yum dnf install -y x && dnf clean all\n",
            id="dnf-yum-cache-mount",
        ),
    ],
)
def test_another_managers_cache_removed(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(expected) == expected


def test_escape_backtick_with_linux_image() -> None:
    source = "# escape=`\nFROM centos:7\nRUN yum -y install `\n    httpd\n"
    expected = "# escape=`\nFROM centos:7\nRUN yum -y install `\n    httpd && `\n    yum clean all\n"
    assert fixer.fix(source, select=["DF107"]).output == expected
    assert fixer.fix(expected, select=["DF107"]).output == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN yum install -y httpd && yum clean all\n", id="cleaned"),
        pytest.param("RUN dnf install -y httpd && yum clean all\n", id="yum-cleans-for-dnf"),
        pytest.param("RUN yum install -y httpd && yum -q clean all\n", id="clean-with-option"),
        pytest.param("RUN yum install -y httpd && rm -rf /var/cache/yum\n", id="cache-removed"),
        pytest.param("RUN dnf install -y httpd && rm -rf /var/cache/dnf/*\n", id="cache-contents-removed"),
        pytest.param("RUN dnf install -y httpd && rm -rf /var/cache/{dnf,yum}\n", id="brace-removal"),
        pytest.param("RUN microdnf install httpd && microdnf clean all\n", id="microdnf-cleaned"),
        pytest.param("RUN zypper -n in curl && zypper clean\n", id="zypper-clean"),
        pytest.param("RUN zypper -n in curl && zypper cc -a\n", id="zypper-cc"),
        pytest.param("RUN --mount=type=cache,target=/var/cache/dnf dnf install -y httpd\n", id="cache-mount"),
        pytest.param(
            "RUN --mount=type=cache,target=/var/cache dnf install -y httpd\n", id="parent-cache-mount"
        ),
        pytest.param("RUN yum makecache\n", id="not-an-install"),
        pytest.param("RUN dnf mc && dnf rm -y x && dnf se y\n", id="short-non-installs"),
        pytest.param("RUN dnf install -y x && rm -rf /var/cache/libdnf5\n", id="dnf5-cache-removed"),
        pytest.param("RUN microdnf install -y x && rm -rf /var/cache/yum/*\n", id="microdnf-cache-removed"),
        pytest.param("RUN yum install -y x && rm -rf /var/cache/dnf\n", id="yum-is-dnf-on-el8"),
        pytest.param(
            "RUN --mount=type=cache,target=/var/cache/yum microdnf install -y x\n", id="microdnf-cache-mount"
        ),
        pytest.param("RUN yum install -y x && rpm -e --nodeps python\n", id="package-manager-erased"),
        pytest.param('RUN ["yum", "install", "-y", "httpd"]\n', id="exec-form"),
        pytest.param("RUN <<EOF\nyum install -y httpd\nEOF\n", id="heredoc-body"),
        pytest.param("RUN if [ -x /usr/bin/yum ]; then yum install -y curl; fi\n", id="conditional-install"),
        pytest.param("RUN apt-get install -y curl || yum install -y curl\n", id="multi-distro"),
        pytest.param("# hadolint ignore=DL3032\nRUN yum install -y httpd\n", id="hadolint-suppression"),
        pytest.param("# dfix: ignore=DF107\nRUN yum install -y httpd\n", id="dfix-suppression"),
        pytest.param('SHELL ["pwsh", "-c"]\nRUN yum install -y httpd\n', id="powershell"),
    ],
)
def test_unchanged(source: str) -> None:
    assert fixed(source) == source


def test_windows_stage_unchanged() -> None:
    source = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN yum install -y httpd\n"
    assert fixed(source, image="") == source


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN <<EOF\nyum install -y httpd\nEOF\n", id="heredoc-body"),
        pytest.param("RUN if [ -x /usr/bin/yum ]; then yum install -y curl; fi\n", id="conditional-install"),
        pytest.param("RUN apt-get install -y curl || yum install -y curl\n", id="multi-distro"),
        pytest.param("RUN yum install -y x && rpm -e --nodeps python yum\n", id="package-manager-erased"),
        pytest.param("RUN dnf install -y x && rm -f /usr/bin/dnf\n", id="package-manager-deleted"),
        pytest.param("RUN aptitude install -y curl || yum install -y curl\n", id="multi-distro-aptitude"),
    ],
)
def test_reported_without_fix(source: str) -> None:
    (diagnostic,) = fixer.fix(IMAGE + source, select=["DF107"]).diagnostics
    assert diagnostic.applicability is None


def test_diagnostic_location_and_message() -> None:
    (diagnostic,) = fixer.fix(
        IMAGE + "RUN yum -y update && dnf -y install x\n", select=["DL3040"]
    ).diagnostics
    assert (diagnostic.rule, diagnostic.line, diagnostic.column, diagnostic.end_column) == ("DF107", 2, 5, 18)
    assert diagnostic.message == "`yum update` without `dnf clean all`"
    assert diagnostic.fix_title == "Run `dnf clean all` at the end of the RUN"
    assert diagnostic.fixed


def test_cleanup_goes_before_a_trailing_comment() -> None:
    assert (
        fixed("RUN yum install -y httpd # the server\n")
        == "RUN yum install -y httpd && yum clean all # the server\n"
    )
