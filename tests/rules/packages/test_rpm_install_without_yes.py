"""DF106 rpm-install-without-yes: (source, expected) pairs, and inputs that must stay unchanged."""

from __future__ import annotations

import pytest

import fixer

IMAGE = "FROM centos:7\n"


def fixed(text: str, image: str = IMAGE) -> str:
    return fixer.fix(image + text, select=["DF106"]).output.removeprefix(image)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("RUN yum install httpd\n", "RUN yum install -y httpd\n", id="yum-one-line"),
        pytest.param("RUN dnf install httpd\n", "RUN dnf install -y httpd\n", id="dnf"),
        pytest.param("RUN yum remove httpd\n", "RUN yum remove -y httpd\n", id="remove"),
        pytest.param("RUN yum update\n", "RUN yum update -y\n", id="update-without-operands"),
        pytest.param(
            "RUN yum groupinstall 'Dev Tools'\n", "RUN yum groupinstall -y 'Dev Tools'\n", id="groupinstall"
        ),
        pytest.param("RUN dnf group install 'Dev'\n", "RUN dnf group install -y 'Dev'\n", id="group-install"),
        pytest.param(
            "RUN dnf module enable nodejs:18\n", "RUN dnf module enable -y nodejs:18\n", id="module-enable"
        ),
        pytest.param(
            "RUN yum --enablerepo=epel install jq\n",
            "RUN yum --enablerepo=epel install -y jq\n",
            id="global-option",
        ),
        pytest.param("RUN zypper install curl\n", "RUN zypper install -y curl\n", id="zypper"),
        pytest.param(
            "RUN zypper --root /mnt in curl\n", "RUN zypper --root /mnt in -y curl\n", id="zypper-in"
        ),
        pytest.param(
            "RUN zypper install -n curl\n", "RUN zypper install -y -n curl\n", id="zypper-name-is-not-yes"
        ),
        pytest.param(
            "RUN yum update \\\n    && yum install httpd\n",
            "RUN yum update -y \\\n    && yum install -y httpd\n",
            id="leading-and",
        ),
        pytest.param(
            "RUN yum update && \\\n    yum install httpd\n",
            "RUN yum update -y && \\\n    yum install -y httpd\n",
            id="trailing-and",
        ),
        pytest.param(
            "RUN yum install \\\r\n    httpd\r\n", "RUN yum install -y \\\r\n    httpd\r\n", id="crlf"
        ),
        pytest.param(
            "RUN yum install \\\n# the server\n    httpd\n",
            "RUN yum install -y \\\n# the server\n    httpd\n",
            id="comment-in-continuation",
        ),
        pytest.param(
            "RUN yum \\\n    install httpd\n",
            "RUN yum \\\n    install -y httpd\n",
            id="subcommand-on-next-line",
        ),
        pytest.param("RUN sudo yum install httpd\n", "RUN sudo yum install -y httpd\n", id="sudo"),
        pytest.param(
            "RUN <<EOF\nyum install httpd\nEOF\n", "RUN <<EOF\nyum install -y httpd\nEOF\n", id="heredoc-body"
        ),
    ],
)
def test_safe_fix(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(expected) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # dnf 4's command aliases (dnf/cli/commands), dnf 5's compatibility aliases, yum 3's names.
        pytest.param("RUN dnf in httpd\n", "RUN dnf in -y httpd\n", id="in"),
        pytest.param("RUN dnf localinstall x.rpm\n", "RUN dnf localinstall -y x.rpm\n", id="localinstall"),
        pytest.param("RUN dnf install-n httpd\n", "RUN dnf install-n -y httpd\n", id="install-n"),
        pytest.param("RUN dnf up\n", "RUN dnf up -y\n", id="up"),
        pytest.param("RUN dnf update\n", "RUN dnf update -y\n", id="update"),
        pytest.param("RUN dnf localupdate x.rpm\n", "RUN dnf localupdate -y x.rpm\n", id="localupdate"),
        pytest.param("RUN dnf up-min\n", "RUN dnf up-min -y\n", id="up-min"),
        pytest.param("RUN dnf upgrade-minimal\n", "RUN dnf upgrade-minimal -y\n", id="upgrade-minimal"),
        pytest.param("RUN yum minimal-update\n", "RUN yum minimal-update -y\n", id="yum3-minimal-update"),
        pytest.param("RUN dnf rei httpd\n", "RUN dnf rei -y httpd\n", id="rei"),
        pytest.param("RUN dnf rm httpd\n", "RUN dnf rm -y httpd\n", id="rm"),
        pytest.param("RUN dnf erase-n httpd\n", "RUN dnf erase-n -y httpd\n", id="erase-n"),
        pytest.param("RUN dnf autoremove-n x\n", "RUN dnf autoremove-n -y x\n", id="autoremove-n"),
        pytest.param("RUN dnf dsync\n", "RUN dnf dsync -y\n", id="dsync"),
        pytest.param("RUN dnf distrosync\n", "RUN dnf distrosync -y\n", id="distrosync"),
        pytest.param("RUN yum distupgrade\n", "RUN yum distupgrade -y\n", id="yum3-distupgrade"),
        pytest.param("RUN dnf dg httpd\n", "RUN dnf dg -y httpd\n", id="dg"),
        pytest.param("RUN dnf downgrade httpd\n", "RUN dnf downgrade -y httpd\n", id="downgrade"),
        pytest.param("RUN dnf build-dep x.spec\n", "RUN dnf build-dep -y x.spec\n", id="build-dep"),
        pytest.param("RUN dnf grp install 'Dev'\n", "RUN dnf grp install -y 'Dev'\n", id="grp-install"),
        pytest.param("RUN dnf group update 'Dev'\n", "RUN dnf group update -y 'Dev'\n", id="group-update"),
        pytest.param("RUN yum grouperase 'Dev'\n", "RUN yum grouperase -y 'Dev'\n", id="grouperase"),
        pytest.param("RUN dnf module erase nodejs\n", "RUN dnf module erase -y nodejs\n", id="module-erase"),
        pytest.param("RUN yum load-ts t.yumtx\n", "RUN yum load-ts -y t.yumtx\n", id="yum3-load-ts"),
        # microdnf asks since 3.7.0 (microdnf commit 9e028a5: no more default assumeyes).
        pytest.param("RUN microdnf install httpd\n", "RUN microdnf install -y httpd\n", id="microdnf"),
        pytest.param("RUN microdnf update\n", "RUN microdnf update -y\n", id="microdnf-update"),
        pytest.param("RUN microdnf dsync\n", "RUN microdnf dsync -y\n", id="microdnf-dsync"),
        pytest.param("RUN microdnf remove httpd\n", "RUN microdnf remove -y httpd\n", id="microdnf-remove"),
        pytest.param(
            "RUN microdnf module enable nodejs:18\n",
            "RUN microdnf module enable -y nodejs:18\n",
            id="microdnf-module-enable",
        ),
        pytest.param(
            "RUN microdnf --nodocs install httpd && microdnf clean all\n",
            "RUN microdnf --nodocs install -y httpd && microdnf clean all\n",
            id="microdnf-hadolint-dl3038",
        ),
    ],
)
def test_aliases_are_their_commands(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(expected) == expected


def test_escape_backtick_with_linux_image() -> None:
    source = "# escape=`\nFROM centos:7\nRUN yum install `\n    httpd\n"
    expected = "# escape=`\nFROM centos:7\nRUN yum install -y `\n    httpd\n"
    assert fixer.fix(source, select=["DF106"]).output == expected
    assert fixer.fix(expected, select=["DF106"]).output == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN yum install -y httpd\n", id="yes"),
        pytest.param("RUN yum -y install httpd\n", id="yes-before-subcommand"),
        pytest.param("RUN dnf install --assumeyes httpd\n", id="assumeyes"),
        pytest.param("RUN yum install -qy httpd\n", id="combined-flags"),
        pytest.param("RUN yum install --assumeno httpd\n", id="assumeno"),
        pytest.param("RUN dnf --setopt=assumeyes=True install httpd\n", id="setopt"),
        pytest.param("RUN yes | yum install httpd\n", id="fed-by-yes"),
        pytest.param("RUN yum makecache && yum clean all && yum info httpd\n", id="not-prompting"),
        pytest.param("RUN dnf group list\n", id="group-list"),
        pytest.param("RUN microdnf install -y httpd\n", id="microdnf-yes"),
        pytest.param("RUN microdnf --assumeyes update\n", id="microdnf-assumeyes"),
        pytest.param("RUN microdnf clean all && microdnf makecache\n", id="microdnf-not-prompting"),
        pytest.param("RUN microdnf repoquery httpd\n", id="microdnf-repoquery"),
        pytest.param("RUN dnf in -y httpd\n", id="in-with-yes"),
        pytest.param("RUN dnf mc && dnf se httpd && dnf rq httpd && dnf if httpd\n", id="short-queries"),
        pytest.param("RUN dnf grp list\n", id="grp-list"),
        pytest.param("RUN zypper -n install curl\n", id="zypper-n"),
        pytest.param("RUN zypper --non-interactive install curl\n", id="zypper-non-interactive"),
        pytest.param("RUN zypper install -y curl\n", id="zypper-y"),
        pytest.param("RUN zypper in --no-confirm curl\n", id="zypper-no-confirm"),
        pytest.param("RUN zypper refresh\n", id="zypper-refresh"),
        pytest.param('RUN ["yum", "install", "httpd"]\n', id="exec-form"),
        pytest.param("# hadolint ignore=DL3030\nRUN yum install httpd\n", id="hadolint-suppression"),
        pytest.param("# dfix: ignore=DF106\nRUN yum install httpd\n", id="dfix-suppression"),
        pytest.param('SHELL ["pwsh", "-c"]\nRUN yum install httpd\n', id="powershell"),
    ],
)
def test_unchanged(source: str) -> None:
    assert fixed(source) == source


def test_windows_stage_unchanged() -> None:
    source = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN yum install httpd\n"
    assert fixed(source, image="") == source


def test_diagnostic_location_and_message() -> None:
    (diagnostic,) = fixer.fix(IMAGE + "RUN sudo dnf group install x\n", select=["DL3038"]).diagnostics
    assert (diagnostic.rule, diagnostic.line, diagnostic.column, diagnostic.end_column) == ("DF106", 2, 5, 27)
    assert diagnostic.message == "`dnf group install` without `-y`"
    assert diagnostic.fix_title == "Add `-y`"
    assert diagnostic.applicability is fixer.Applicability.SAFE
    assert diagnostic.fixed


def test_message_names_the_command_as_written() -> None:
    (diagnostic,) = fixer.fix(IMAGE + "RUN dnf in httpd\n", select=["DF106"]).diagnostics
    assert diagnostic.message == "`dnf in` without `-y`"
    (diagnostic,) = fixer.fix(IMAGE + "RUN microdnf install x\n", select=["DL3038"]).diagnostics
    assert (diagnostic.rule, diagnostic.message) == ("DF106", "`microdnf install` without `-y`")
