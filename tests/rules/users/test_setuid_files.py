"""DF302 setuid-files-kept: where the strip goes, folded into the user's RUN or on its own, the
keep-list, and the stages left alone."""

from __future__ import annotations

import pytest
from rule_fixers import fixer_for

import fixer
from fixer.settings import Settings

fixed = fixer_for("DF302")
STRIP = "find / -xdev -perm /6000 -type f -exec chmod a-s {} +"


def test_folded_into_the_run_that_creates_the_user() -> None:
    source = 'FROM debian:12\nRUN apt-get install -y x\nRUN useradd -u 1000 app\nUSER 1000\nCMD ["x"]\n'
    assert fixed(source, unsafe=True) == source.replace(
        "useradd -u 1000 app\n", f"useradd -u 1000 app && {STRIP}\n"
    )
    assert fixed(source) == source  # unsafe


def test_a_run_of_its_own_before_the_switch_and_its_comments() -> None:
    source = "FROM alpine:3.20\nRUN apk add --no-cache curl\n# the app's user\nUSER 1000\n"
    assert fixed(source, unsafe=True) == source.replace("# the app's", f"RUN {STRIP}\n# the app's")


def test_a_stage_that_stays_root_strips_after_its_last_build_step() -> None:
    source = 'from debian:12\r\nrun make\r\ncmd ["x"]\r\n'
    assert fixed(source, unsafe=True) == f'from debian:12\r\nrun make\r\nrun {STRIP}\r\ncmd ["x"]\r\n'


def test_the_keep_list_comes_from_the_settings() -> None:
    settings = Settings(suid_keep=("/usr/bin/sudo", "/bin/my ping"))
    result = fixer.fix("FROM debian:12\nUSER 1000\n", unsafe=True, select=["DF302"], settings=settings)
    assert (
        "RUN find / -xdev -perm /6000 -type f ! -path /usr/bin/sudo ! -path '/bin/my ping' -exec"
        in result.output
    )
    assert "(kept: /usr/bin/sudo, /bin/my ping)" in result.diagnostics[0].message


@pytest.mark.parametrize(
    "source",
    [
        "FROM gcr.io/distroless/static\nCOPY app /app\n",
        "FROM scratch\nCOPY app /app\n",
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo\n",
        "FROM example.com/custom:1\nRUN make\n",
        f"FROM debian:12\nRUN {STRIP}\nUSER 1000\n",
        "FROM debian:12 AS base\nUSER 1000\nFROM base\nRUN make\n",  # never root here
        'FROM debian:12\nSHELL ["pwsh", "-c"]\nRUN x\n',
        "# dfix: ignore=DF302\nFROM debian:12\nUSER 1000\n",
    ],
)
def test_left_alone(source: str) -> None:
    assert fixer.fix(source, unsafe=True, select=["DF302"]).diagnostics == []


def test_with_root_final_user_the_strip_joins_the_users_run() -> None:
    output = fixer.fix("FROM debian:12\nCOPY app /app\n", unsafe=True, select=["DF301", "DF302"]).output
    assert f"--shell /usr/sbin/nologin app \\\n    && {STRIP}\nUSER 10001:10001\n" in output
    assert fixer.fix(output, unsafe=True, select=["DF301", "DF302"]).output == output


def test_a_stage_that_ends_as_root_strips_after_its_last_install() -> None:
    source = (
        "FROM alpine:3.20\nRUN adduser -D -u 1000 app\nUSER app\nRUN make\nUSER root\n"
        "RUN apk add --no-cache tini\n"
    )
    assert fixed(source, unsafe=True) == source + f"RUN {STRIP}\n"


def test_a_strip_with_a_root_install_after_it_is_not_enough() -> None:
    source = f"FROM debian:12\nRUN {STRIP}\nRUN apt-get install -y sudo\nUSER 1000\n"
    assert fixed(source, unsafe=True) == source.replace("USER 1000", f"RUN {STRIP}\nUSER 1000")


@pytest.mark.parametrize(
    "base",
    [
        "fedora:40",
        "amazonlinux:2023",
        "amazonlinux",
        "registry.access.redhat.com/ubi9/ubi-minimal:9.4",
        "rockylinux:9-minimal",
        "oraclelinux:9-slim",
        "opensuse/leap:15.6",
    ],
)
def test_an_image_that_may_have_no_find_is_reported_without_a_fix(base: str) -> None:
    source = f"FROM {base}\nUSER 1000\n"
    result = fixer.fix(source, unsafe=True, select=["DF302"])
    assert result.output == source  # a missing find would fail the build
    (diagnostic,) = result.diagnostics
    assert diagnostic.applicability is None
    assert "may have no `find` (findutils): install findutils in the stage" in diagnostic.message


@pytest.mark.parametrize("base", ["amazonlinux:2", "registry.access.redhat.com/ubi9/ubi:9.4", "rockylinux:9"])
def test_images_with_find_are_fixed(base: str) -> None:
    assert STRIP in fixed(f"FROM {base}\nUSER 1000\n", unsafe=True)


def test_a_stage_that_installs_findutils_is_fixed() -> None:
    source = "FROM fedora:40\nRUN dnf install -y findutils && dnf clean all\nUSER 1000\n"
    assert fixed(source, unsafe=True) == source.replace("USER 1000", f"RUN {STRIP}\nUSER 1000")


def test_folded_into_the_passwd_lines_of_an_image_without_useradd() -> None:
    output = fixer.fix('FROM busybox:1.36\nCMD ["app"]\n', unsafe=True, select=["DF301", "DF302"]).output
    assert f"chown 10001:10001 /home/app \\\n    && {STRIP}\nUSER 10001:10001\n" in output


def test_a_stage_that_already_ran_find_is_fixed() -> None:
    source = "FROM quay.io/fedora/s2i-base:43\nRUN find /opt -name x -delete && echo ok\nUSER 1001\n"
    assert fixed(source, unsafe=True) == source.replace("USER 1001", f"RUN {STRIP}\nUSER 1001")


@pytest.mark.parametrize(
    "run",
    [
        "command -v find && find /opt -delete || true",  # may not have run, or failed quietly
        "find /opt -delete; echo done",  # a failure there does not fail the build
        "if true; then find /opt; fi",
    ],
)
def test_a_find_that_may_have_failed_proves_nothing(run: str) -> None:
    source = f"FROM fedora:40\nRUN {run}\nUSER 1001\n"
    assert fixed(source, unsafe=True) == source
