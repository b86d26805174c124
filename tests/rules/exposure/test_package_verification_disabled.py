"""DF604 package-verification-disabled: package managers told to install unsigned packages."""

from __future__ import annotations

import pytest

import fixer


def messages(text: str) -> list[str]:
    return [d.message for d in fixer.fix(text, select=["DF604"]).diagnostics]


@pytest.mark.parametrize(
    ("run", "options"),
    [
        ("apk add --allow-untrusted x", "`--allow-untrusted`"),
        ("apt-get install -y --allow-unauthenticated x", "`--allow-unauthenticated`"),
        ("apt-get --force-yes install x", "`--force-yes`"),
        ("apt-get -o APT::Get::AllowUnauthenticated=true install x", "`APT::Get::AllowUnauthenticated=true`"),
        ("apt update --allow-insecure-repositories", "`--allow-insecure-repositories`"),
        ("dnf install -y --nogpgcheck x", "`--nogpgcheck`"),
        ("microdnf --nogpgcheck install x", "`--nogpgcheck`"),
        ("yum install -y --setopt=epel.gpgcheck=0 x", "`--setopt=epel.gpgcheck=0`"),
        ("rpm -i --nodigest --nosignature x.rpm", "`--nodigest`, `--nosignature`"),
        ("zypper --no-gpg-checks install -y x", "`--no-gpg-checks`"),
        ("sudo -E apk add --allow-untrusted x", "`--allow-untrusted`"),
    ],
)
def test_reported_with_the_options(run: str, options: str) -> None:
    (message,) = messages(f"FROM debian:12\nRUN {run}\n")
    assert message.startswith(f"{options}: ")
    assert "without checking their signatures" in message


@pytest.mark.parametrize(
    "run",
    [
        "apk add x | grep --allow-untrusted",
        'apt-get update && echo "--force-yes"',
        "rpm -i x.rpm && rpm -V x",
        "yum install -y --setopt=install_weak_deps=False x",
        "dnf install -y x",
    ],
)
def test_left_alone(run: str) -> None:
    assert messages(f"FROM debian:12\nRUN {run}\n") == []
