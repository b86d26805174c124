"""DF503 relative-workdir: a safe fix where the file sets the WORKDIR in force."""

from __future__ import annotations

import pytest

import fixer


def fixed(text: str) -> str:
    return fixer.fix(text, select=["DF503"]).output


@pytest.mark.parametrize(
    "text",
    [
        "FROM a:1\nWORKDIR app\n",  # relative to the base image's WORKDIR: unknown here
        "FROM a:1\nWORKDIR $HOME\nWORKDIR app\n",
        'FROM a:1\nWORKDIR /srv\nWORKDIR "my app"\n',
    ],
)
def test_reported_without_a_fix(text: str) -> None:
    result = fixer.fix(text, select=["DF503"])
    assert result.output == text
    assert len(result.diagnostics) == 1


@pytest.mark.parametrize(
    "text",
    [
        "FROM a:1\nWORKDIR /app\n",
        "FROM a:1\nWORKDIR ${DIR}/bin\n",
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR c:\\\\app\n",
    ],
)
def test_left_alone(text: str) -> None:
    assert fixer.fix(text, select=["DF503"]).diagnostics == []
