"""DF607 remote-script-piped-to-shell: a download piped into an interpreter."""

from __future__ import annotations

import pytest

import fixer


def found(text: str, code: str) -> list[str]:
    return [d.message for d in fixer.fix(f"FROM debian:12\n{text}\n", select=[code]).diagnostics]


@pytest.mark.parametrize(
    "run",
    [
        "curl -fsSL https://example.com/install.sh | sh",
        "wget -qO- https://example.com/i.sh | bash -s -- --yes",
        "curl -sSL https://example.com/get.py | sudo python3 -",
        "curl -fsSL https://example.com/x | tee /tmp/log | sh",
    ],
)
def test_a_download_piped_into_a_shell(run: str) -> None:
    (message,) = found(f"RUN {run}", "DF607")
    assert "the download runs as it arrives, unchecked" in message


@pytest.mark.parametrize(
    "run",
    [
        "curl -fsSL https://example.com/x.tar.gz | tar -xz",
        "curl -fsSLo /tmp/i.sh https://example.com/i.sh && sh /tmp/i.sh",
        "echo hi | sh",
        "curl -fsSL https://example.com/x | gpg --dearmor -o /k.gpg; sh /x",
    ],
)
def test_not_piped_into_a_shell(run: str) -> None:
    assert found(f"RUN {run}", "DF607") == []
