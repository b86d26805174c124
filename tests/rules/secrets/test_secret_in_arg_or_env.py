"""DF201 secret-in-arg-or-env: BuildKit's name check with its allow-list, credential-shaped
values whatever the name, and what each place leaks."""

from __future__ import annotations

import pytest

import fixer


def messages(text: str) -> list[str]:
    return [d.message for d in fixer.fix(text, select=["DF201"]).diagnostics]


@pytest.mark.parametrize(
    "definition",
    [
        "ARG NPM_TOKEN",
        "ARG api_key=x",
        "ENV DB_PASSWORD=x",
        "ENV AUTH x",
        "ENV SECRET_MESSAGE=hello",
        "ARG GITHUB_TOKEN AUTH_HEADER",  # BuildKit's ARG takes several names
        "ENV A=1 AWS_SECRET_ACCESS_KEY=x",
    ],
)
def test_a_name_that_says_secret(definition: str) -> None:
    (message,) = messages(f"FROM debian:12\n{definition}\n")[:1]
    assert "its name says it holds a secret" in message


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
        ("ghp_" + "a" * 36, "a GitHub token"),
        ("github_pat_" + "A" * 82, "a GitHub token"),
        ("glpat-" + "x" * 20, "a GitLab token"),
        ('"-----BEGIN OPENSSH PRIVATE KEY-----"', "a private key"),
        (
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "a JSON Web Token",
        ),
        ("https://deploy:hunter2@git.example.com/repo.git", "a URL with a password"),
    ],
)
def test_a_value_that_is_a_credential_whatever_its_name(value: str, kind: str) -> None:
    (message,) = messages(f"FROM debian:12\nENV SETTING={value}\n")
    assert f"its value is {kind}" in message


@pytest.mark.parametrize(
    "definition",
    [
        "ARG PUBLIC_KEY=x",
        "ENV GPG_KEY_FILE=/k.asc",
        "ARG TOKEN_VERSION=2",
        "ENV KEYBOARD=us",  # `KEY` must be a word of its own
        "ENV MONKEY=1",
        "ENV URL=https://${USER}:${PASSWORD}@example.com",  # variables, not a written password
        "ENV URL=https://example.com:8443/path",
        "ENV AKIA=1",
    ],
)
def test_left_alone(definition: str) -> None:
    assert messages(f"FROM debian:12\n{definition}\n") == []


def test_what_leaks_where() -> None:
    text = "FROM debian:12 AS build\nENV BUILD_TOKEN=x\nARG NPM_TOKEN\nFROM debian:12\nENV API_KEY=x\n"
    built, arg, shipped = messages(text)
    assert "stays in this build stage's image and the build cache" in built
    assert "recorded in the history of every RUN that uses it" in arg
    assert "--mount=type=secret" in arg
    assert "stays in the image's config, for anyone who pulls it" in shipped


def test_selected_by_its_aliases() -> None:
    for alias in ("SecretsUsedInArgOrEnv", "DL3064", "DS-0031"):
        assert fixer.fix("FROM a\nARG NPM_TOKEN\n", select=[alias]).diagnostics
