"""DF606 docker-socket: the Docker daemon's socket in VOLUME, ENV, CMD."""

from __future__ import annotations

import pytest

import fixer


def found(text: str, code: str) -> list[str]:
    return [d.message for d in fixer.fix(f"FROM debian:12\n{text}\n", select=[code]).diagnostics]


@pytest.mark.parametrize(
    "text",
    [
        "VOLUME /var/run/docker.sock",
        'VOLUME ["/run/docker.sock"]',
        "ENV DOCKER_HOST=unix:///var/run/docker.sock",
    ],
)
def test_the_docker_socket(text: str) -> None:
    (message,) = found(text, "DF606")
    assert "whoever reaches it is root on the host" in message
