"""Has a pinned tag moved, and to what? ``--refresh`` asks for every ``name:tag@sha256:…``.

A pin of the tag's index (or of a single-platform image) moves to the tag's digest now. A pin
of one platform's manifest out of an index (what ``docker pull`` on one machine records, and what
Renovate keeps per platform) stays a per-platform pin: its platform is read from its image
config, and the pin moves to that platform's child in the tag's index now. When that child is
the pinned manifest itself, only other platforms were rebuilt and nothing moves (Dependabot's
"multi-arch no-op"). HEAD answers the common case; the per-platform case needs GETs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from fixer.registry.manifest import INDEX_TYPES, Move, RegistryError

if TYPE_CHECKING:
    from fixer.registry.client import Client
    from fixer.registry.names import TagRef


def moved(client: Client, tag: TagRef, pinned: str) -> Move | None:
    """The move of the pin ``pinned`` of ``tag``, or None when it still names the same image."""
    current = client.manifest(tag)
    if current.digest == pinned:
        return None
    if not current.is_index:
        return Move(current.digest)
    try:
        media_type, body = client.document(tag, "manifests", pinned)
    except RegistryError:
        return Move(current.digest)  # the pinned manifest is gone: nothing says it was one platform's
    if media_type in INDEX_TYPES:
        return Move(current.digest)
    platform = _platform(client, tag, body)
    index = _json(client.document(tag, "manifests", current.digest)[1])
    entries = index.get("manifests")
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and _name(entry.get("platform")) == platform:
            digest = entry.get("digest")
            if isinstance(digest, str):
                return None if digest == pinned else Move(digest, platform)
    raise RegistryError(f"{tag} no longer has a {platform} image, which the pin is for")


def _platform(client: Client, tag: TagRef, manifest: bytes) -> str:
    config = _json(manifest).get("config")
    digest = config.get("digest") if isinstance(config, dict) else None
    if not isinstance(digest, str):
        raise RegistryError(f"the pinned manifest of {tag} names no image config")
    platform = _name(_json(client.document(tag, "blobs", digest)[1]))
    if platform is None:
        raise RegistryError(f"the pinned image of {tag} does not say its platform")
    return platform


def _name(platform: object) -> str | None:
    """``linux/arm64/v8`` from an index entry's ``platform`` or an image config."""
    if not isinstance(platform, dict):
        return None
    parts = [platform.get("os"), platform.get("architecture"), platform.get("variant")]
    if not all(isinstance(part, str) for part in parts[:2]):
        return None
    return "/".join(part for part in parts if isinstance(part, str) and part)


def _json(body: bytes) -> dict[str, object]:
    try:
        found = json.loads(body)
    except ValueError:
        raise RegistryError("the registry answered a manifest that is not JSON") from None
    if not isinstance(found, dict):
        raise RegistryError("the registry answered a manifest that is not a JSON object")
    return found
