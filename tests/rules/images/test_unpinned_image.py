"""DF401 unpinned-image: where each kind of reference is pinned, and what is never rewritten.

Digests come from a real digest cache in tmp_path read with ``--offline`` semantics (no
network); tests/registry pins against a real registry.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import fixer
from fixer.registry.cache import DigestCache
from fixer.registry.manifest import Manifest
from fixer.registry.names import TagRef, repository
from fixer.registry.resolver import Lookup, Resolver

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def digest(char: str) -> str:
    return "sha256:" + char * 64


B = digest("b")
CACHED = {
    "python:3.12-slim": (digest("a"), INDEX),
    "alpine:3.20": (digest("b"), MANIFEST),
    "busybox:latest": (digest("c"), INDEX),
    "docker/dockerfile:1": (digest("d"), INDEX),
    "ghcr.io/org/tool:2": (digest("e"), MANIFEST),
    "localhost:5000/base:1": (digest("f"), MANIFEST),
}


def tag_ref(name: str) -> TagRef:
    from fixer.model.images import parse_image_ref

    ref = parse_image_ref(name, name, name)
    found = repository(ref.registry, ref.repository)
    assert found is not None
    return TagRef(found, ref.tag or "latest")


@pytest.fixture
def resolver(tmp_path: Path) -> Resolver:
    cache = DigestCache(tmp_path / "digests.json")
    for name, (value, media_type) in CACHED.items():
        cache.put(tag_ref(name), Manifest(value, media_type))
    cache.save()
    return Resolver(Lookup.OFFLINE, cache=DigestCache(tmp_path / "digests.json"))


def pin(text: str, resolver: Resolver) -> fixer.FixResult:
    return fixer.fix(text, select=["DF401"], resolver=resolver)


@pytest.mark.parametrize(
    ("line", "pinned"),
    [
        ("FROM python:3.12-slim\n", f"FROM python:3.12-slim@{digest('a')}\n"),
        ("FROM --platform=linux/arm64 alpine:3.20 AS b\n", f"FROM --platform=linux/arm64 alpine:3.20@{B} AS b\n"),  # noqa: E501
        ("FROM busybox\n", f"FROM busybox:latest@{digest('c')}\n"),
        ("FROM ghcr.io/org/tool:2\n", f"FROM ghcr.io/org/tool:2@{digest('e')}\n"),
        ("FROM localhost:5000/base:1\r\n", f"FROM localhost:5000/base:1@{digest('f')}\r\n"),
        ("from \\\n  python:3.12-slim\n", f"from \\\n  python:3.12-slim@{digest('a')}\n"),
    ],
)  # fmt: skip
def test_from_images_are_pinned_keeping_tag_platform_and_name(
    line: str, pinned: str, resolver: Resolver
) -> None:
    result = pin(line, resolver)
    assert result.output == pinned
    assert [(d.rule, d.fixed) for d in result.diagnostics] == [("DF401", True)]


def test_an_untagged_image_is_pinned_as_latest_and_says_so(resolver: Resolver) -> None:
    (found,) = pin("FROM busybox\n", resolver).diagnostics
    assert "`latest`" in (found.fix_title or "")


def test_every_kind_of_reference_is_pinned(resolver: Resolver) -> None:
    text = (
        "# syntax=docker/dockerfile:1\n"
        "FROM python:3.12-slim AS build\n"
        "COPY --from=alpine:3.20 /bin/busybox /x\n"
        "RUN --mount=type=bind,from=busybox,target=/b true\n"
        "FROM build\n"
        "COPY --from=build /x /y\n"
        "COPY --from=0 /x /z\n"
    )
    expected = (
        f"# syntax=docker/dockerfile:1@{digest('d')}\n"
        f"FROM python:3.12-slim@{digest('a')} AS build\n"
        f"COPY --from=alpine:3.20@{digest('b')} /bin/busybox /x\n"
        f"RUN --mount=type=bind,from=busybox:latest@{digest('c')},target=/b true\n"
        "FROM build\n"
        "COPY --from=build /x /y\n"
        "COPY --from=0 /x /z\n"
    )
    result = pin(text, resolver)
    assert result.output == expected
    assert sum(d.fixed for d in result.diagnostics) == 4


def test_a_from_arg_default_is_pinned_in_the_arg(resolver: Resolver) -> None:
    text = "ARG BASE=python:3.12-slim\nFROM ${BASE}\nFROM $BASE AS again\n"
    result = pin(text, resolver)
    assert result.output == f"ARG BASE=python:3.12-slim@{digest('a')}\nFROM ${{BASE}}\nFROM $BASE AS again\n"
    assert fixer.fix(result.output, select=["DF401"]).diagnostics == []


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("ARG PY=3.12\nFROM python:${PY}-slim\n", "assembled from ARGs (PY)"),
        ("ARG BASE=python:3.12-slim\nFROM ${BASE}\nARG BASE\nRUN echo $BASE\n", "declared more than once"),
        ("ARG BASE\nFROM ${BASE}\n", "no plain default"),
        ('ARG BASE="python:3.12-slim"\nFROM ${BASE}\n', "no plain default"),
        ("FROM python:3.12-slim\nARG IMG=alpine:3.20\nCOPY --from=${IMG} /a /b\n", "reads a variable"),
    ],
)
def test_references_with_no_single_place_to_pin_are_reported(text: str, why: str, resolver: Resolver) -> None:
    result = pin(text, resolver)
    assert "@sha256:" not in result.output.replace(f"python:3.12-slim@{digest('a')}", "")
    messages = [d.message for d in result.diagnostics if not d.fixed]
    assert any(why in message for message in messages), messages


def test_stage_names_scratch_and_pinned_images_are_left_alone(resolver: Resolver) -> None:
    text = f"FROM alpine:3.20@{digest('9')} AS a\nFROM scratch\nCOPY --from=a / /\nFROM a\n"
    assert pin(text, resolver).diagnostics == []


def test_an_image_not_in_the_cache_is_reported_and_the_rest_still_pinned(resolver: Resolver) -> None:
    result = pin("FROM nosuch:1\nCOPY --from=alpine:3.20 / /\n", resolver)
    assert result.output == f"FROM nosuch:1\nCOPY --from=alpine:3.20@{digest('b')} / /\n"
    (left,) = [d for d in result.diagnostics if not d.fixed]
    assert "not in the digest cache (--offline)" in left.message


def test_without_pin_the_rule_is_off_unless_selected() -> None:
    text = "FROM python:3.12-slim\n"
    assert all(d.rule != "DF401" for d in fixer.fix(text).diagnostics)
    (found,) = fixer.fix(text, select=["DF401"]).diagnostics
    assert "`dfix --pin` resolves it" in found.message and not found.fixed


def test_pinning_is_a_fixed_point(resolver: Resolver) -> None:
    text = "# syntax=docker/dockerfile:1\nARG BASE=python:3.12-slim\nFROM ${BASE}\nCOPY --from=busybox / /\n"
    once = pin(text, resolver).output
    assert pin(once, resolver).output == once
