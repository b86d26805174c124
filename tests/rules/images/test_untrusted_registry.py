"""DF403 untrusted-registry: images from registries ``allowed-registries`` does not list."""

from __future__ import annotations

import pytest

import fixer
from fixer.settings import Settings


def findings(text: str, allowed: tuple[str, ...] | None) -> list[str]:
    settings = Settings(allowed_registries=allowed)
    return [d.message for d in fixer.fix(text, select=["DF403"], settings=settings).diagnostics]


TEXT = (
    "# syntax=docker/dockerfile:1\n"
    "ARG BASE=registry.example.com/base:1\n"
    "FROM ${BASE} AS build\n"
    "COPY --from=ghcr.io/org/tool:2 /t /t\n"
    "FROM python:3.12-slim\n"
    "COPY --from=build /a /a\n"
)


def test_without_the_setting_nothing_is_said() -> None:
    assert findings(TEXT, None) == []


@pytest.mark.parametrize(
    ("allowed", "untrusted"),
    [
        (("docker.io",), ["registry.example.com", "ghcr.io"]),
        (("*.example.com", "docker.io"), ["ghcr.io"]),
        (("registry.example.com", "ghcr.io"), ["docker.io", "docker.io"]),  # the frontend and python
        (("*",), []),
    ],
)
def test_every_image_from_elsewhere_is_a_finding(allowed: tuple[str, ...], untrusted: list[str]) -> None:
    found = findings(TEXT, allowed)
    assert [message.split("comes from ")[1].split(",")[0] for message in found] == untrusted


def test_docker_hub_is_docker_io_however_written() -> None:
    text = "FROM index.docker.io/library/python:3\nFROM docker.io/python:3\nFROM python:3\n"
    assert findings(text, ("docker.io",)) == []
    assert len(findings(text, ("ghcr.io",))) == 3


def test_hadolint_id_selects_it() -> None:
    settings = Settings(allowed_registries=("ghcr.io",))
    assert [
        d.rule for d in fixer.fix("FROM python:3\n", select=["DL3026"], settings=settings).diagnostics
    ] == ["DF403"]
