"""Where an image reference lives: the registry host to ask and the repository path on it.

Docker's normalisation (``ParseNormalizedNamed``): a reference without a registry is on Docker
Hub, whose API host is ``registry-1.docker.io`` (``docker.io`` and ``index.docker.io`` name the
same registry), and a one-component name there is an official image under ``library/``.
Mirrors (configuration ``[tool.dfix.registry] mirrors``) replace the host that is asked, never
the name written in the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

DOCKER_HUB: Final = "docker.io"
DOCKER_HUB_API: Final = "registry-1.docker.io"
_DOCKER_HUB_ALIASES: Final = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})

# The distribution spec's grammar for repository paths and tags.
_PATH: Final = re.compile(r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*")
_TAG: Final = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
DIGEST: Final = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True, slots=True, order=True)
class Repository:
    """A repository on a registry: ``registry`` as written in references (``docker.io`` for Docker
    Hub) and its ``path`` on that registry (``library/python``)."""

    registry: str
    path: str

    def __str__(self) -> str:
        return f"{self.registry}/{self.path}"


@dataclass(frozen=True, slots=True, order=True)
class TagRef:
    """A tag in a repository: what a digest is resolved for, and the digest cache's key."""

    repository: Repository
    tag: str

    def __str__(self) -> str:
        return f"{self.repository}:{self.tag}"


def repository(registry: str | None, path: str) -> Repository | None:
    """The repository a reference names, or None when it is not a valid name to ask a registry
    for (upper case, a variable left in it, …)."""
    host = DOCKER_HUB if registry is None or registry in _DOCKER_HUB_ALIASES else registry
    if host == DOCKER_HUB and "/" not in path:
        path = "library/" + path
    if not _PATH.fullmatch(path):
        return None
    return Repository(host, path)


def valid_tag(tag: str) -> bool:
    return bool(_TAG.fullmatch(tag))


def api_host(registry: str, mirrors: Mapping[str, str]) -> str:
    """The host to send requests for ``registry`` to: its mirror, else Docker Hub's API host for
    Docker Hub, else the registry itself."""
    mirror = mirrors.get(registry)
    if mirror is not None:
        return mirror
    return DOCKER_HUB_API if registry == DOCKER_HUB else registry
