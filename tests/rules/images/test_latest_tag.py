"""DF404 latest-tag: images by `latest` or no tag, not pinned."""

from __future__ import annotations

import pytest

import fixer


def found(text: str, code: str) -> list[str]:
    return [d.message for d in fixer.fix(text, select=[code]).diagnostics]


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\n",
        "FROM alpine:latest\n",
        "FROM golang:1.22 AS b\nFROM python\nCOPY --from=nginx /etc/nginx /x\n",
        "FROM debian:12\nRUN --mount=type=bind,from=busybox:latest,target=/b ls\n",
    ],
)
def test_latest_or_no_tag(text: str) -> None:
    assert found(text, "DF404")


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\n",
        "FROM scratch\n",
        "FROM alpine@sha256:" + "a" * 64 + "\n",
        "FROM alpine:3 AS base\nFROM base\n",
        "ARG BASE\nFROM $BASE\n",
    ],
)
def test_a_tag_or_a_digest(text: str) -> None:
    assert found(text, "DF404") == []


def test_each_reference_is_one_finding() -> None:
    text = "FROM python\nCOPY --from=nginx /etc/nginx /x\n"
    assert [m.split("`")[1] for m in found(text, "DF404")] == ["python", "nginx"]
