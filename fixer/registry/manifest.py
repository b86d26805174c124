"""What a registry answers about a tag, and how a question about one image fails.

Kept apart from the HTTP client so ``--offline`` runs (the digest cache only) never import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

INDEX_TYPES: Final = frozenset(
    {"application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"}
)


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a tag names: its digest and media type (an index or list: several platforms)."""

    digest: str
    media_type: str

    @property
    def is_index(self) -> bool:
        return self.media_type in INDEX_TYPES


@dataclass(frozen=True, slots=True)
class Move:
    """Where a pin goes: ``digest``; ``platform`` (``linux/arm64/v8``) when it stays one platform's."""

    digest: str
    platform: str | None = None


class RegistryError(Exception):
    """A per-image failure, said so a user can act on it (never with a credential in it)."""
