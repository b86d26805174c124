"""Digests resolved earlier, so editors and pre-commit do not ask the registry on every run.

One JSON file in the user cache directory (``$XDG_CACHE_HOME/dfix/digests.json``, default
``~/.cache/dfix``): ``{"docker.io/library/python:3.12": {"digest": …, "media_type": …, "at": …}}``.
An entry younger than the TTL answers without a request; ``--offline`` takes entries of any age
(it has nothing better); ``--refresh`` ignores them. Written atomically (temp file, then rename),
merged with what another process wrote meanwhile; a cache that cannot be read or written is
an empty one, never an error: it only saves time.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from fixer.registry.manifest import Manifest
from fixer.registry.names import DIGEST, TagRef

DEFAULT_TTL: Final = 3600.0  # seconds: a tag's digest moves when it is re-pushed, rarely within an hour


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dfix" / "digests.json"


class DigestCache:
    def __init__(self, path: Path | None = None, ttl: float = DEFAULT_TTL) -> None:
        self.path = default_path() if path is None else path
        self.ttl = ttl
        self._entries = self._read()
        self._new: dict[str, dict[str, object]] = {}

    def get(self, ref: TagRef, *, any_age: bool = False) -> Manifest | None:
        entry = self._new.get(str(ref)) or self._entries.get(str(ref))
        if entry is None:
            return None
        digest, media_type, at = entry.get("digest"), entry.get("media_type"), entry.get("at")
        if not (isinstance(digest, str) and DIGEST.fullmatch(digest) and isinstance(media_type, str)):
            return None
        if not any_age and not (isinstance(at, int | float) and 0 <= time.time() - at < self.ttl):
            return None
        return Manifest(digest, media_type)

    def put(self, ref: TagRef, manifest: Manifest) -> None:
        self._new[str(ref)] = {
            "digest": manifest.digest,
            "media_type": manifest.media_type,
            "at": time.time(),
        }

    def save(self) -> None:
        """Merge the new entries into the file as it is now (another run may have written it)."""
        if not self._new:
            return
        entries = {**self._read(), **self._new}
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=".digests.", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(entries, out, indent=0, sort_keys=True)
                os.replace(temporary, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        self._entries, self._new = entries, {}

    def _read(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {key: value for key, value in data.items() if isinstance(value, dict)}
