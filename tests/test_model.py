"""The semantic model: stages, ARG/ENV resolution, effective state, image references and families."""

from __future__ import annotations

import collections
from collections.abc import Iterable

import pytest
from buildkit_oracle import read_utf8, realworld_files

import fixer
from fixer.model import (
    POSIX_SHELL,
    WINDOWS_SHELL,
    Family,
    Model,
    Programs,
    State,
    build_model,
    image_family,
    parse_image_ref,
)
from fixer.syntax import Instruction


def model(text: str, programs: Programs | None = None, build_args: dict[str, str] | None = None) -> Model:
    return build_model(fixer.parse(text), programs, build_args)


def before(text: str, needle: str) -> State:
    """The state just before the (first) instruction that starts with ``needle``."""
    return model(text).state_at(text.index(needle))


def ref(text: str) -> str | None:
    """The resolved reference of the last stage's base image."""
    final = model(text).final
    assert final is not None and final.base is not None
    return final.base.resolved


# ---------------------------------------------------------------------------
# ARG before FROM, ARG in stages, build args


def test_global_arg_is_usable_in_from() -> None:
    m = model("ARG BASE=python\nARG TAG=3.12-slim\nFROM ${BASE}:$TAG\n")
    assert dict(m.global_args) == {"BASE": "python", "TAG": "3.12-slim"}
    assert m.stages[0].base is not None
    assert m.stages[0].base.raw == "${BASE}:$TAG"
    assert m.stages[0].base.resolved == "python:3.12-slim"


def test_global_arg_is_visible_in_stage_only_after_redeclaration() -> None:
    text = "ARG V=1\nARG W=2\nFROM alpine\nRUN a\nARG V\nRUN b\n"
    assert dict(before(text, "RUN a").args) == {}
    assert dict(before(text, "RUN b").args) == {"V": "1"}  # the global default, W not redeclared


def test_stage_arg_default_overrides_global_default() -> None:
    assert dict(before("ARG V=1\nFROM alpine\nARG V=2\nRUN x\n", "RUN").args) == {"V": "2"}


def test_from_line_sees_global_args() -> None:
    text = "ARG V=1\nFROM alpine\nARG X=2\nFROM debian\n"
    assert dict(before(text, "FROM debian").args) == {"V": "1"}


def test_global_arg_default_expands_earlier_global_args() -> None:
    m = model("ARG REG=docker.io\nARG IMG=$REG/library/alpine\nFROM $IMG\n")
    assert m.global_args["IMG"] == "docker.io/library/alpine"
    assert m.stages[0].family is Family.ALPINE


@pytest.mark.parametrize(
    ("expression", "resolved"),
    [
        ("${SET}", "imgx"),
        ("$SET", "imgx"),
        ("${SET:-d}", "imgx"),
        ("${EMPTY:-d}", "imgd"),  # `:-` treats empty as unset
        ("${EMPTY-d}", "img"),  # `-` only unset
        ("${UNDECLARED:-d}", "imgd"),
        ("${UNDECLARED-d}", "imgd"),
        ("${SET:+alt}", "imgalt"),
        ("${EMPTY:+alt}", "img"),
        ("${EMPTY+alt}", "imgalt"),
        ("${UNDECLARED+alt}", "img"),
        ("$UNDECLARED", "img"),  # BuildKit expands an undeclared variable to nothing
    ],
)
def test_from_expansion_follows_buildkit_lexer(expression: str, resolved: str) -> None:
    assert ref(f"ARG SET=x\nARG EMPTY=\nFROM img{expression}\n") == resolved


def test_from_reading_arg_without_value_is_unresolved() -> None:
    m = model("ARG TAG\nFROM python:${TAG}-alpine\n")
    base = m.stages[0].base
    assert base is not None
    assert base.resolved is None  # depends on --build-arg TAG
    assert (base.repository, base.tag) == ("python", "${TAG}-alpine")  # best effort, unknown kept
    assert m.stages[0].family is Family.ALPINE
    assert ref("ARG TAG\nFROM python:${TAG:-3}\n") is None


def test_automatic_platform_args_are_unknown_unless_passed() -> None:
    text = "FROM golang:1.22-$TARGETARCH\n"
    assert ref(text) is None
    final = model(text, build_args={"TARGETARCH": "arm64"}).final
    assert final is not None and final.base is not None
    assert final.base.resolved == "golang:1.22-arm64"


def test_build_args_override_declared_args_only() -> None:
    text = "ARG BASE=debian\nFROM $BASE\nARG V=1\nRUN x\n"
    m = model(text, build_args={"BASE": "alpine", "V": "2", "OTHER": "z"})
    assert m.stages[0].family is Family.ALPINE
    assert dict(m.state_at(text.index("RUN")).args) == {"V": "2"}


# ---------------------------------------------------------------------------
# ENV, USER, WORKDIR, SHELL


def test_env_persists_within_stage_and_into_child_stage() -> None:
    text = "FROM alpine AS base\nENV A=1\nRUN one\nENV B=2\nFROM base\nRUN two\nFROM alpine\nRUN three\n"
    assert dict(before(text, "RUN one").env) == {"A": "1"}
    assert dict(before(text, "RUN two").env) == {"A": "1", "B": "2"}
    assert dict(before(text, "RUN three").env) == {}


def test_arg_does_not_persist_into_child_stage() -> None:
    text = "FROM alpine AS base\nARG V=1\nFROM base\nRUN x\n"
    assert dict(before(text, "RUN").args) == {}


def test_env_expands_earlier_env_and_arg() -> None:
    text = "FROM alpine\nARG V=1\nENV A=a$V\nENV B=${A}b\nRUN x\n"
    assert dict(before(text, "RUN").env) == {"A": "a1", "B": "a1b"}


def test_env_overrides_arg_of_the_same_name() -> None:
    text = "FROM alpine\nENV X=env\nARG X=arg\nENV Y=$X\nRUN x\n"
    assert before(text, "RUN").env["Y"] == "env"


def test_env_values_of_one_instruction_read_the_previous_state() -> None:
    text = "FROM alpine\nENV A=old\nENV A=new B=$A\nRUN x\n"
    assert dict(before(text, "RUN").env) == {"A": "new", "B": "old"}


def test_env_unknown_variable_is_kept_literally() -> None:
    # PATH comes from the image, which the model does not know.
    text = 'FROM alpine\nENV PATH=/x:$PATH MSG="hello world"\nENV OLD legacy form\nRUN x\n'
    env = before(text, "RUN").env
    assert dict(env) == {"PATH": "/x:$PATH", "MSG": "hello world", "OLD": "legacy form"}


def test_arg_without_value_is_kept_literally_in_stage_expansion() -> None:
    text = "FROM alpine\nARG V\nENV A=$V\nRUN x\n"
    state = before(text, "RUN")
    assert dict(state.args) == {"V": None}
    assert state.env["A"] == "$V"


def test_user_per_instruction() -> None:
    text = "FROM alpine\nRUN a\nUSER app\nRUN b\nARG UID=1000\nUSER ${UID}:${UID}\nRUN c\n"
    assert before(text, "RUN a").user is None
    assert before(text, "RUN b").user == "app"
    assert before(text, "RUN c").user == "1000:1000"


def test_relative_workdir_joins_the_previous_one() -> None:
    text = "FROM alpine\nWORKDIR /app/\nRUN a\nWORKDIR src\nRUN b\nWORKDIR ../lib\nRUN c\nWORKDIR /\nRUN d\n"
    assert before(text, "RUN a").workdir == "/app"
    assert before(text, "RUN b").workdir == "/app/src"
    assert before(text, "RUN c").workdir == "/app/lib"
    assert before(text, "RUN d").workdir == "/"


def test_relative_workdir_on_unknown_image_default_stays_relative() -> None:
    text = "FROM alpine\nWORKDIR src\nWORKDIR app\nRUN x\n"
    assert before(text, "RUN").workdir == "src/app"


def test_shell_json_form_sets_the_shell() -> None:
    text = 'FROM alpine\nRUN a\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN b\nSHELL /bin/zsh\nRUN c\n'
    assert before(text, "RUN a").shell == POSIX_SHELL
    assert before(text, "RUN b").shell == ("/bin/bash", "-o", "pipefail", "-c")
    assert before(text, "RUN c").shell == ("/bin/bash", "-o", "pipefail", "-c")  # not JSON: ignored


def test_child_stage_inherits_user_workdir_and_shell() -> None:
    text = 'FROM alpine AS a\nUSER app\nWORKDIR /w\nSHELL ["/bin/ash", "-c"]\nFROM a AS b\nRUN x\n'
    state = before(text, "RUN")
    assert (state.user, state.workdir, state.shell) == ("app", "/w", ("/bin/ash", "-c"))


def test_onbuild_does_not_change_the_state_of_its_stage() -> None:
    text = "FROM alpine\nONBUILD USER app\nONBUILD ENV A=1\nONBUILD WORKDIR /x\nRUN x\n"
    state = before(text, "RUN")
    assert (state.user, state.workdir, dict(state.env)) == (None, None, {})


# ---------------------------------------------------------------------------
# Stages


def test_stage_names_are_lower_cased() -> None:
    m = model("FROM golang AS Build\nFROM alpine\n")
    assert [stage.name for stage in m.stages] == ["build", None]
    assert m.target("BUILD") is m.stages[0]


def test_from_refers_to_earlier_stage_case_insensitively() -> None:
    m = model("FROM python:3.12 AS Base\nFROM BASE AS test\nFROM base\n")
    base, test, final = m.stages
    assert test.base is None and test.parent is base
    assert final.parent is base
    assert test.family is final.family is Family.DEBIAN
    assert final.image is base.base


def test_from_stage_name_can_come_from_an_arg() -> None:
    m = model("ARG FROM_STAGE=builder\nFROM alpine AS builder\nFROM ${FROM_STAGE}\n")
    assert m.stages[1].parent is m.stages[0]


def test_from_names_only_earlier_stages() -> None:
    m = model("FROM later\nFROM alpine AS later\n")
    assert m.stages[0].parent is None
    assert m.stages[0].base is not None and m.stages[0].base.repository == "later"


def test_stage_ref_by_name_or_index() -> None:
    m = model("FROM alpine AS one\nFROM debian\n")
    assert m.stage_ref("ONE") is m.stages[0]
    assert m.stage_ref("1") is m.stages[1]
    assert m.stage_ref("2") is None
    assert m.stage_ref("alpine") is None


def test_from_scratch() -> None:
    m = model("FROM scratch\nCOPY app /\n")
    assert m.stages[0].family is Family.SCRATCH
    assert m.stages[0].base is not None and m.stages[0].base.resolved == "scratch"


def test_shipped_stages_are_the_final_one_and_its_from_chain() -> None:
    text = (
        "FROM golang AS build\nFROM alpine AS base\nFROM base AS runtime\n"
        "COPY --from=build /app /app\nFROM base AS test\n"
    )
    m = model(text)
    assert [m.shipped(stage) for stage in m.stages] == [False, True, False, True]
    assert [m.shipped(stage, target="runtime") for stage in m.stages] == [False, True, True, False]
    assert m.final is m.stages[3]
    assert not m.shipped(m.stages[1], target="missing")


def test_stage_of_and_state_at_offsets() -> None:
    text = "ARG A=1\n# comment\nFROM alpine\nRUN x\n"
    m = model(text)
    assert m.stage_of(0) is None
    assert dict(m.state_at(0).args) == {}
    assert dict(m.state_at(text.index("# comment")).args) == {}  # still the ARG's: before it
    assert dict(m.state_at(text.index("FROM")).args) == {"A": "1"}
    assert m.stage_of(text.index("FROM")) is m.stages[0]
    assert m.stage_of(text.index("x\n")) is m.stages[0]  # inside the RUN
    assert m.stages[0].from_offset == text.index("FROM")
    assert [(loc.line, loc.node.upper_keyword) for loc in m.stages[0].instructions] == [
        (3, "FROM"),
        (4, "RUN"),
    ]


def test_file_without_from_has_no_stages() -> None:
    m = model("ARG A=1\n")
    assert m.stages == () and m.final is None
    assert dict(m.global_args) == {"A": "1"}
    assert m.stage_of(100) is None


def test_platform_is_kept_as_written() -> None:
    m = model("FROM --platform=$BUILDPLATFORM golang AS b\nFROM alpine\n")
    assert [stage.platform for stage in m.stages] == ["$BUILDPLATFORM", None]


# ---------------------------------------------------------------------------
# Image references and families


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest", "canonical"),
    [
        ("python", None, "python", None, None, "docker.io/library/python:latest"),
        ("python:3.12-slim", None, "python", "3.12-slim", None, "docker.io/library/python:3.12-slim"),
        ("bitnami/redis:7", None, "bitnami/redis", "7", None, "docker.io/bitnami/redis:7"),
        ("docker.io/library/node:20", "docker.io", "library/node", "20", None, "docker.io/library/node:20"),
        ("index.docker.io/node", "index.docker.io", "node", None, None, "docker.io/library/node:latest"),
        ("localhost:5000/app:1", "localhost:5000", "app", "1", None, "localhost:5000/app:1"),
        ("localhost/app", "localhost", "app", None, None, "localhost/app:latest"),
        ("ghcr.io/o/r@sha256:ab", "ghcr.io", "o/r", None, "sha256:ab", "ghcr.io/o/r@sha256:ab"),
        ("r.example.com:443/t/b:1@sha256:ab", "r.example.com:443", "t/b", "1", "sha256:ab", None),
    ],
)
def test_image_reference_parts(
    text: str,
    registry: str | None,
    repository: str,
    tag: str | None,
    digest: str | None,
    canonical: str | None,
) -> None:
    image = parse_image_ref(text, text, text)
    assert (image.registry, image.repository, image.tag, image.digest) == (registry, repository, tag, digest)
    assert image.canonical() == (canonical or text)


@pytest.mark.parametrize(
    ("image", "family"),
    [
        ("debian:bookworm-slim", Family.DEBIAN),
        ("buildpack-deps:bookworm", Family.DEBIAN),
        ("buildpack-deps:jammy-scm", Family.UBUNTU),
        ("python:3.12-slim", Family.DEBIAN),
        ("python:3.11-bullseye", Family.DEBIAN),
        ("node:20", Family.DEBIAN),
        ("ruby:3-buster", Family.DEBIAN),
        ("golang:1.22", Family.DEBIAN),
        ("openjdk:17", Family.DEBIAN),
        ("php:8-apache", Family.DEBIAN),
        ("arm64v8/python:3", Family.DEBIAN),
        ("mcr.microsoft.com/dotnet/sdk:8.0", Family.DEBIAN),
        ("ubuntu:22.04", Family.UBUNTU),
        ("nvidia/cuda:12.2.0-runtime-ubuntu22.04", Family.UBUNTU),
        ("eclipse-temurin:21", Family.UBUNTU),
        ("mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled", Family.UBUNTU),
        ("alpine:3.19", Family.ALPINE),
        ("python:3.12-alpine3.19", Family.ALPINE),
        ("golang:alpine", Family.ALPINE),
        ("nginx:stable-alpine-slim", Family.ALPINE),
        ("mcr.microsoft.com/dotnet/sdk:8.0-alpine", Family.ALPINE),
        ("frolvlad/alpine-glibc", Family.ALPINE),
        ("docker:24-dind", Family.ALPINE),
        ("redhat/ubi9", Family.RHEL),
        ("registry.access.redhat.com/ubi9/ubi-minimal:9.3", Family.RHEL),
        ("registry.access.redhat.com/ubi8/python-311", Family.RHEL),
        ("centos:7", Family.RHEL),
        ("quay.io/centos/centos:stream9", Family.RHEL),
        ("rockylinux:9", Family.RHEL),
        ("almalinux:9-minimal", Family.RHEL),
        ("oraclelinux:8-slim", Family.RHEL),
        ("eclipse-temurin:17-ubi9-minimal", Family.RHEL),
        ("fedora:40", Family.FEDORA),
        ("registry.fedoraproject.org/fedora-minimal", Family.FEDORA),
        ("amazonlinux:2023", Family.AMAZONLINUX),
        ("public.ecr.aws/amazonlinux/amazonlinux:2", Family.AMAZONLINUX),
        ("amazoncorretto:17-al2023", Family.AMAZONLINUX),
        ("opensuse/leap:15.5", Family.SUSE),
        ("registry.suse.com/bci/bci-base:15.5", Family.SUSE),
        ("gcr.io/distroless/static-debian12:nonroot", Family.DISTROLESS),
        ("gcr.io/distroless/python3", Family.DISTROLESS),
        ("cgr.dev/chainguard/python:latest-dev", Family.CHAINGUARD),
        ("cgr.dev/chainguard/wolfi-base", Family.CHAINGUARD),
        ("busybox:1.36", Family.BUSYBOX),
        ("scratch", Family.SCRATCH),
        ("mcr.microsoft.com/windows/servercore:ltsc2022", Family.WINDOWS),
        ("mcr.microsoft.com/windows/nanoserver:1809", Family.WINDOWS),
        ("mcr.microsoft.com/windows:1809", Family.WINDOWS),
        ("microsoft/windowsservercore", Family.WINDOWS),
        ("golang:1.22-windowsservercore-ltsc2022", Family.WINDOWS),
        ("mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-1809", Family.WINDOWS),
        ("registry.example.com/team/base:1", Family.UNKNOWN),
        ("${BASE_IMAGE}", Family.UNKNOWN),
    ],
)
def test_family_from_image(image: str, family: Family) -> None:
    assert image_family(parse_image_ref(image, image, image)) is family


def programs_from(table: dict[str, list[str]]) -> tuple[list[str], Programs]:
    """A fake shell analysis: the programs listed for each RUN's first word, and a call log."""
    calls: list[str] = []

    def programs(node: Instruction) -> Iterable[str]:
        calls.append(node.upper_keyword)
        return table.get(node.buildkit.value[0].split()[0], [])

    return calls, programs


@pytest.mark.parametrize(
    ("manager", "family"),
    [
        ("apt-get", Family.DEBIAN),
        ("/usr/bin/apt", Family.DEBIAN),
        ("dpkg", Family.DEBIAN),
        ("apk", Family.ALPINE),
        ("yum", Family.RHEL),
        ("dnf", Family.RHEL),
        ("microdnf", Family.RHEL),
        ("rpm", Family.RHEL),
        ("zypper", Family.SUSE),
        ("make", Family.UNKNOWN),
    ],
)
def test_family_from_package_managers_when_the_image_says_nothing(manager: str, family: Family) -> None:
    calls, programs = programs_from({"install": ["set", manager]})
    text = "FROM registry.example.com/team/base:1\nCOPY a b\nRUN install\n"
    assert model(text, programs=programs).stages[0].family is family
    assert calls == ["RUN"]  # asked about RUNs only


def test_package_managers_do_not_override_the_image_family() -> None:
    calls, programs = programs_from({"install": ["apk"]})
    assert model("FROM python:3.12\nRUN install\n", programs=programs).stages[0].family is Family.DEBIAN
    assert calls == []  # not even asked


def test_child_stage_runs_tell_the_family_of_the_shared_root() -> None:
    _, programs = programs_from({"install": ["apt-get"]})
    text = "FROM registry.example.com/base AS a\nRUN build\nFROM a\nRUN install\nFROM alpine\n"
    families = [stage.family for stage in model(text, programs=programs).stages]
    assert families == [Family.DEBIAN, Family.DEBIAN, Family.ALPINE]


def test_without_programs_an_unknown_image_stays_unknown() -> None:
    assert model("FROM registry.example.com/base\nRUN apt-get update\n").stages[0].family is Family.UNKNOWN


# ---------------------------------------------------------------------------
# Windows


WINDOWS = """\
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
WORKDIR C:\\app
RUN dir
WORKDIR src
SHELL ["powershell", "-Command"]
RUN Get-ChildItem
"""


def test_windows_image_with_backtick_escape() -> None:
    m = model(WINDOWS)
    assert m.stages[0].family is Family.WINDOWS
    first = m.state_at(WINDOWS.index("RUN dir"))
    assert (first.shell, first.windows, first.shell_is_posix) == (WINDOWS_SHELL, True, False)
    assert first.workdir == "C:\\app"
    second = m.state_at(WINDOWS.index("RUN Get"))
    assert second.workdir == "C:\\app\\src"
    assert second.shell == ("powershell", "-Command")


def test_backtick_escape_hints_windows_for_an_unknown_image() -> None:
    assert model("# escape=`\nFROM registry.example.com/win:1\n").stages[0].family is Family.WINDOWS


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ('FROM example.com/iis\nSHELL ["powershell", "-Command"]\n', Family.WINDOWS),
        ('FROM example.com/iis\nSHELL ["C:\\\\Windows\\\\cmd.exe", "/C"]\n', Family.WINDOWS),
        ("FROM example.com/chocolatey\nRUN choco install -y cygwin\n", Family.WINDOWS),
        ('FROM example.com/tools\nSHELL ["pwsh", "-c"]\n', Family.UNKNOWN),  # pwsh runs on Linux too
    ],
)
def test_windows_only_shells_and_chocolatey_hint_windows(text: str, family: Family) -> None:
    assert model(text, naive_programs).stages[0].family is family


def test_windows_platform_hints_windows_for_an_unknown_image() -> None:
    m = model("FROM --platform=windows/amd64 registry.example.com/win:1\n")
    assert m.stages[0].family is Family.WINDOWS


@pytest.mark.parametrize(
    ("shell", "posix"),
    [
        ('["pwsh", "-c"]', False),
        ('["powershell", "-Command"]', False),
        ('["C:\\\\Program Files\\\\PowerShell\\\\pwsh.EXE", "-c"]', False),
        ('["cmd", "/S", "/C"]', False),
        ('["/bin/bash", "-c"]', True),
    ],
)
def test_non_posix_shells_in_a_linux_stage(shell: str, posix: bool) -> None:
    text = f"FROM alpine\nRUN a\nSHELL {shell}\nRUN b\n"
    assert before(text, "RUN a").shell_is_posix
    assert before(text, "RUN b").shell_is_posix is posix


# ---------------------------------------------------------------------------
# Real-world corpus


def naive_programs(node: Instruction) -> Iterable[str]:
    """Every word of a RUN: crude, but enough to exercise the package-manager path."""
    return " ".join(node.buildkit.value).split()


@pytest.mark.skipif(not realworld_files(), reason="real-world corpus absent (../shared/corpus/realworld)")
def test_realworld_corpus_models_build_and_every_stage_gets_a_family() -> None:
    by_image: collections.Counter[str] = collections.Counter()
    with_runs: collections.Counter[str] = collections.Counter()
    files = 0
    for path in realworld_files():
        text = read_utf8(path)
        if text is None:
            continue
        try:
            tree = fixer.parse(text)
        except fixer.ParseError:
            continue
        files += 1
        for programs, counter in ((None, by_image), (naive_programs, with_runs)):
            m = build_model(tree, programs=programs)
            for stage in m.stages:
                assert isinstance(stage.family, Family), path
                counter[stage.family.value] += 1
            for loc in m.instructions:
                m.state_at(loc.offset)
    print(f"\n{files} files, {sum(by_image.values())} stages")
    print("families from images:", dict(by_image.most_common()))
    print("with RUN words as programs:", dict(with_runs.most_common()))
