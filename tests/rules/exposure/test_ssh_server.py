"""DF605 ssh-server: port 22, an SSH server installed or started."""

from __future__ import annotations

import pytest

import fixer


def found(text: str, code: str) -> list[str]:
    return [d.message for d in fixer.fix(f"FROM debian:12\n{text}\n", select=[code]).diagnostics]


@pytest.mark.parametrize(
    "text",
    [
        "EXPOSE 8080 22",
        "EXPOSE 22/tcp",
        "RUN apt-get install -y --no-install-recommends openssh-server",
        "RUN apk add --no-cache openssh",
        'CMD ["/usr/sbin/sshd", "-D"]',
        "RUN mkdir /run/sshd && sshd -t",
    ],
)
def test_an_ssh_server(text: str) -> None:
    assert len(found(text, "DF605")) == 1


@pytest.mark.parametrize(
    "text", ["EXPOSE 2222", "RUN apt-get install -y openssh-client", "RUN echo sshd", 'CMD ["ssh", "-V"]']
)
def test_no_ssh_server(text: str) -> None:
    assert found(text, "DF605") == []
