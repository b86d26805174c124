"""DF301 root-final-user: per family, images that ship a user, users the file made, the switch's
place, what is reported without a fix, and which stage counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_fixers import fixer_for

import fixer
from fixer.settings import Settings, UserSettings

fixed = fixer_for("DF301")


def messages(text: str, **options: object) -> list[str]:
    return [d.message for d in fixer.fix(text, select=["DF301"], **options).diagnostics]  # type: ignore[arg-type]


SHADOW = (
    "RUN groupadd --system --gid 10001 app \\\n"
    "    && useradd --system --no-log-init --uid 10001 --gid 10001 --create-home \\\n"
    "        --home-dir /home/app --shell {shell} app{own}\n"
    "USER 10001:10001\n"
)
BUSYBOX = (
    "RUN addgroup -S -g 10001 app \\\n"
    "    && adduser -S -D -u 10001 -G app -h /home/app -s /sbin/nologin app\n"
    "USER 10001:10001\n"
)
PASSWD = (
    "RUN echo 'app:x:10001:' >> /etc/group \\\n"
    "    && echo 'app:x:10001:10001::/home/app:/sbin/nologin' >> /etc/passwd \\\n"
    "    && mkdir -p /home/app && chown 10001:10001 /home/app\n"
    "USER 10001:10001\n"
)


@pytest.mark.parametrize(
    ("base", "creation"),
    [
        ("debian:12", SHADOW.format(shell="/usr/sbin/nologin", own="")),
        ("ubuntu:24.04", SHADOW.format(shell="/usr/sbin/nologin", own="")),
        ("python:3.12-slim", SHADOW.format(shell="/usr/sbin/nologin", own="")),
        ("rockylinux:9", SHADOW.format(shell="/sbin/nologin", own="")),
        ("fedora:40", SHADOW.format(shell="/sbin/nologin", own="")),
        ("registry.access.redhat.com/ubi9/ubi:9.4", SHADOW.format(shell="/sbin/nologin", own="")),
        ("oraclelinux:9-slim", SHADOW.format(shell="/sbin/nologin", own="")),
        ("alpine:3.20", BUSYBOX),
        ("busybox:1.36", PASSWD),
        # Images without shadow-utils: the lines useradd would write, written directly.
        ("registry.access.redhat.com/ubi9/ubi-minimal", PASSWD),
        ("registry.access.redhat.com/ubi9/ubi-micro:9.4", PASSWD),
        ("rockylinux:9-minimal", PASSWD),
        ("amazonlinux:2023", PASSWD),
        ("amazonlinux:2", PASSWD),
        ("amazoncorretto:21-al2023", PASSWD),
        ("opensuse/leap:15.6", PASSWD),
        ("registry.suse.com/bci/bci-base:15.6", PASSWD),
    ],
)
def test_a_user_is_created_the_way_the_family_does(base: str, creation: str) -> None:
    source = f'FROM {base}\nCOPY app /usr/local/bin/app\nCMD ["app"]\n'
    expected = f'FROM {base}\nCOPY app /usr/local/bin/app\n{creation}CMD ["app"]\n'
    assert fixed(source, unsafe=True) == expected
    assert fixed(source) == source  # unsafe: never without --unsafe-fixes


@pytest.mark.parametrize(
    ("base", "switch"),
    [
        ("gcr.io/distroless/static-debian12", "USER 65532:65532\n"),
        ("gcr.io/distroless/python3-debian12:debug", "USER 65532:65532\n"),
        ("cgr.dev/chainguard/static", "USER 65532:65532\n"),
        ("scratch", "USER 10001:10001\n"),
        ("mcr.microsoft.com/windows/nanoserver:ltsc2022", "USER ContainerUser\n"),
        ("node:20-alpine", "USER 1000:1000\n"),
        ("mcr.microsoft.com/dotnet/aspnet:8.0", "USER 1654:1654\n"),
    ],
)
def test_images_without_a_shell_or_with_their_own_user_get_only_a_switch(base: str, switch: str) -> None:
    source = f'FROM {base}\nCOPY app /app\nENTRYPOINT ["/app"]\n'
    assert fixed(source, unsafe=True) == f'FROM {base}\nCOPY app /app\n{switch}ENTRYPOINT ["/app"]\n'


def test_the_switch_goes_after_the_last_build_step_and_owns_the_app_directories() -> None:
    source = (
        "FROM debian:12\n"
        "WORKDIR /srv/app\n"
        "COPY . .\n"
        "RUN make\n"
        "# the app\n"
        "VOLUME /data\n"
        "ENV PORT=8080\n"
        'CMD ["./app"]\n'
    )
    output = fixed(source, unsafe=True)
    assert output == source.replace(
        "RUN make\n",
        "RUN make\n"
        + SHADOW.format(
            shell="/usr/sbin/nologin",
            own=" \\\n    && mkdir -p /srv/app /data && chown 10001:10001 /srv/app /data",
        ),
    )


def test_system_directories_are_never_made_the_users() -> None:
    source = "FROM debian:12\nWORKDIR /usr/local\nVOLUME /tmp /var/lib/app\nCOPY x .\n"
    assert "chown 10001:10001 /var/lib/app\n" in fixed(source, unsafe=True)


def test_a_user_the_file_creates_is_switched_to() -> None:
    source = (
        "FROM debian:12\n"
        "RUN groupadd -g 2000 web && useradd -u 2000 -g web -m web\n"
        "COPY site /site\n"
        'CMD ["serve"]\n'
    )
    assert fixed(source, unsafe=True) == source.replace(
        "COPY site /site\n", "COPY site /site\nUSER 2000:2000\n"
    )


def test_a_created_user_without_a_known_uid_is_switched_to_by_name() -> None:
    source = "FROM alpine:3.20\nRUN adduser -D web\n"
    assert fixed(source, unsafe=True) == source + "USER web\n"
    (message,) = messages(source)
    assert "by name, as the file gives it no fixed uid: Kubernetes' runAsNonRoot accepts only" in message
    assert "by name" not in messages("FROM alpine:3.20\nRUN adduser -D -u 1000 web\n")[0]


def test_user_root_at_the_end_is_switched_back_after_what_needs_it() -> None:
    source = 'FROM debian:12\nUSER 1000\nRUN make\nUSER root\nRUN apt-get install -y curl\nCMD ["app"]\n'
    assert fixed(source, unsafe=True) == source.replace("curl\n", "curl\nUSER 1000\n")
    (message,) = messages(source)
    assert "switch back to 1000 after the last step that needs root (RUN at line 5)" in message


def test_user_root_that_nothing_needs_is_replaced() -> None:
    source = 'FROM debian:12\nUSER app\nRUN make\nUSER root\nCMD ["app"]\n'
    assert fixed(source, unsafe=True) == source.replace("USER root", "USER app")


@pytest.mark.parametrize("user", ["root", "0", "0:0", "root:root"])
def test_an_explicit_root_user_is_found_on_its_line(user: str) -> None:
    result = fixer.fix(f"FROM debian:12\nUSER {user}\n", select=["DF301"])
    (finding,) = result.diagnostics
    assert (finding.line, finding.column) == (2, 1)


@pytest.mark.parametrize(
    "source",
    [
        "FROM debian:12\nUSER 10001:10001\n",
        "FROM debian:12\nUSER app\n",
        "FROM debian:12\nUSER $APP_UID\n",  # who that is depends on the build
        "FROM gcr.io/distroless/static:nonroot\nCOPY app /app\n",
        "FROM bitnami/redis:7.2\n",
        "FROM gitpod/workspace-full:2024-01-01\nRUN brew install x\n",  # runs as gitpod already
        "FROM debian:12 AS base\nUSER 1000\nFROM base\nCOPY x /x\n",  # inherited from a stage
        "ARG X\n",  # no stage at all
    ],
)
def test_non_root_images_are_not_reported(source: str) -> None:
    assert messages(source) == []


def test_only_the_shipped_stage_is_fixed() -> None:
    source = (
        "FROM golang:1.22 AS build\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=build /app /app\n"
    )
    output = fixed(source, unsafe=True)
    assert output.startswith("FROM golang:1.22 AS build\nRUN go build -o /app\nFROM alpine:3.20\n")
    assert output.endswith(BUSYBOX)


def test_the_target_stage_is_the_shipped_one() -> None:
    source = "FROM alpine:3.20 AS app\nCOPY x /x\nFROM app AS debug\nUSER 1000\n"
    settings = Settings(target="app")
    output = fixer.fix(source, unsafe=True, select=["DF301"], settings=settings).output
    assert output == source.replace("COPY x /x\n", "COPY x /x\n" + BUSYBOX)
    assert fixer.fix(source, unsafe=True, select=["DF301"]).output == source


def test_the_user_comes_from_the_settings() -> None:
    settings = Settings(user=UserSettings("svc", 4242, 4343))
    output = fixer.fix("FROM alpine:3.20\n", unsafe=True, select=["DF301"], settings=settings).output
    assert "addgroup -S -g 4343 svc" in output and "adduser -S -D -u 4242 -G svc" in output
    assert output.endswith("USER 4242:4343\n")


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ('FROM debian:12\nENTRYPOINT ["gosu", "app", "server"]\n', "gosu (in ENTRYPOINT)"),
        ("FROM alpine:3.20\nCMD su-exec app server\n", "su-exec (in CMD)"),
        ('FROM debian:12\nCMD ["chroot", "--userspec=1:1", "/", "app"]\n', "chroot --userspec"),
        ("FROM debian:12\nONBUILD RUN make\n", "ONBUILD triggers"),
        ("FROM example.com/custom:1\n", "distribution is unknown"),
    ],
)
def test_reported_without_a_fix_when_a_user_would_break_the_image(source: str, reason: str) -> None:
    (message,) = messages(source, unsafe=True)
    assert "not fixed" in message and reason in message
    assert fixed(source, unsafe=True) == source


def test_an_entrypoint_script_from_the_build_context_is_read(tmp_path: Path) -> None:
    (tmp_path / "docker-entrypoint.sh").write_text('#!/bin/sh\nchown app /data\nexec gosu app "$@"\n')
    source = (
        "FROM debian:12\nCOPY docker-entrypoint.sh /usr/local/bin/\n"
        'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]\n'
    )
    (message,) = messages(source, context=tmp_path)
    assert "gosu (in docker-entrypoint.sh)" in message
    assert "not fixed" not in messages(source)[0]  # without the context, nothing says so


def test_a_low_port_is_named() -> None:
    (message,) = messages("FROM debian:12\nEXPOSE 80 8080/tcp 443/tcp\n")
    assert "EXPOSE 80 443/tcp" in message and "Kubernetes" in message


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # the file's keyword case, line endings and escape character
        ("from alpine:3.20\r\nrun make\r\n", "run make\r\nrun addgroup"),
        ("# escape=`\nFROM alpine:3.20\nRUN make\n", "addgroup -S -g 10001 app `\n"),
        # a file that ends without a newline still does
        ("FROM scratch\nCOPY x /x", "COPY x /x\nUSER 10001:10001"),
    ],
)
def test_generated_lines_follow_the_files_style(source: str, expected: str) -> None:
    output = fixed(source, unsafe=True)
    assert expected in output
    assert fixer.parse(output).code == output
    if not source.endswith("\n"):
        assert not output.endswith("\n")


@pytest.mark.parametrize(
    "install",
    [
        "microdnf install -y shadow-utils",
        "dnf install -y shadow-utils",
        "zypper --non-interactive install shadow",
    ],
)
def test_an_image_without_useradd_gets_it_from_the_stage_that_installs_it(install: str) -> None:
    base = "opensuse/leap:15.6" if "zypper" in install else "registry.access.redhat.com/ubi9/ubi-minimal"
    source = f'FROM {base}\nRUN {install}\nCMD ["app"]\n'
    assert "useradd --system --no-log-init" in fixed(source, unsafe=True)


def test_the_lines_say_why_useradd_is_not_used() -> None:
    (message,) = messages('FROM amazonlinux:2023\nCMD ["app"]\n')
    assert "with /etc/passwd lines (amazonlinux may have no useradd)" in message


def test_user_root_on_an_image_that_runs_as_its_own_user_switches_back_to_it() -> None:
    source = "FROM gitpod/workspace-full:2024-01-01\nUSER root\nRUN install-packages shellcheck\n"
    assert fixed(source, unsafe=True) == source + "USER 33333:33333\n"
    (message,) = messages(source)
    assert "switch to gitpod 33333:33333, the user gitpod/workspace-full ships" in message
