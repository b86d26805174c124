"""Digests for image tags: the digest cache first, then the registry (the only network use dfix
makes, and only when asked with ``--pin`` or ``--refresh``).

``Resolver.resolve(tags)`` answers every tag at once, asking the registries concurrently, and
never raises for one image: each answer is a ``Manifest`` or the ``RegistryError`` saying why
that image could not be pinned, so the rest of the file is still fixed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from fixer.registry.cache import DigestCache
from fixer.registry.manifest import Manifest, Move, RegistryError
from fixer.registry.names import Repository, TagRef, repository
from fixer.registry.refresh import moved
from fixer.settings import RegistrySettings

DEFAULT_REGISTRY: Final = RegistrySettings()

if TYPE_CHECKING:
    from fixer.registry.client import Client

__all__ = [
    "Lookup",
    "Manifest",
    "Move",
    "Pins",
    "RegistryError",
    "RegistryOptions",
    "Repository",
    "Resolver",
    "TagRef",
    "repository",
]


@dataclass(frozen=True, slots=True)
class Pins:
    """What a file's images resolved to: ``tags``, each unpinned tag's manifest now; ``moves``,
    for each existing pin (tag, digest) under ``--refresh``, where it moves (None: nowhere). Each
    answer may instead be the ``RegistryError`` saying why it could not be asked."""

    tags: Mapping[TagRef, Manifest | RegistryError] = field(default_factory=dict)
    moves: Mapping[tuple[TagRef, str], Move | RegistryError | None] = field(default_factory=dict)


_WORKERS = 8  # concurrent requests: enough for a file's images, polite to one registry


class Lookup(enum.Enum):
    """Where digests come from: the cache then the network (``--pin``), the cache only
    (``--offline``), or the network only (``--refresh``: a pin is checked against the tag now)."""

    ONLINE = "online"
    OFFLINE = "offline"
    REFRESH = "refresh"


@dataclass(frozen=True, slots=True)
class RegistryOptions:
    """A run's own registry options (the command line's), on top of each file's
    ``RegistrySettings``: ``insecure`` hosts asked over plain HTTP, ``mirrors``."""

    insecure: frozenset[str] = frozenset()
    mirrors: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 10.0


class Resolver:
    """Answers tags for one run (a file, a tree, an editor session); close it when done."""

    def __init__(
        self,
        lookup: Lookup = Lookup.ONLINE,
        options: RegistryOptions | None = None,
        cache: DigestCache | None = None,
    ) -> None:
        self.lookup = lookup
        self.options = options or RegistryOptions()
        self.cache = DigestCache() if cache is None else cache
        self._clients: dict[RegistrySettings, Client] = {}  # one per project's mirrors and hosts
        self._answers: dict[TagRef, Manifest | RegistryError] = {}

    @property
    def refreshing(self) -> bool:
        """Whether existing pins are checked too (``--refresh``)."""
        return self.lookup is Lookup.REFRESH

    @property
    def requests(self) -> int:
        """Requests sent so far (the closing figures; tests count them)."""
        return sum(client.requests for client in self._clients.values())

    def resolve(
        self, tags: Iterable[TagRef], registry: RegistrySettings = DEFAULT_REGISTRY
    ) -> dict[TagRef, Manifest | RegistryError]:
        """The manifest each tag names, asked with the file's ``registry`` settings."""
        wanted = sorted(set(tags))
        missing = [tag for tag in wanted if tag not in self._answers and not self._from_cache(tag)]
        if missing and self.lookup is Lookup.OFFLINE:
            for tag in missing:
                self._answers[tag] = RegistryError(f"{tag} is not in the digest cache (--offline)")
        elif missing:
            client = self._connect(registry)
            # One tag per registry first: its answer teaches the client the registry's challenge,
            # so the others neither race into a 401 each nor ask for a token each.
            first: dict[str, TagRef] = {}
            for tag in missing:
                first.setdefault(tag.repository.registry, tag)
            leaders = list(first.values())
            rest = [tag for tag in missing if tag not in first.values()]
            with ThreadPoolExecutor(min(_WORKERS, len(missing))) as pool:
                for batch in (leaders, rest):
                    if batch is rest:
                        client.prefetch_tokens(rest)
                    for tag, answer in zip(batch, pool.map(lambda t: _ask(client, t), batch), strict=True):
                        self._answers[tag] = answer
                        if isinstance(answer, Manifest):
                            self.cache.put(tag, answer)
            self.cache.save()
        return {tag: self._answers[tag] for tag in wanted}

    def refresh(
        self, pins: Iterable[tuple[TagRef, str]], registry: RegistrySettings = DEFAULT_REGISTRY
    ) -> dict[tuple[TagRef, str], Move | RegistryError | None]:
        """Where each (tag, pinned digest) moves now: always asked of the registry."""
        wanted = sorted(set(pins))
        if not wanted:
            return {}
        client = self._connect(registry)
        with ThreadPoolExecutor(min(_WORKERS, len(wanted))) as pool:
            answers = list(pool.map(lambda pin: _ask_move(client, *pin), wanted))
        return dict(zip(wanted, answers, strict=True))

    def close(self) -> None:
        for client in self._clients.values():
            client.close()

    def __enter__(self) -> Resolver:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _from_cache(self, tag: TagRef) -> bool:
        if self.lookup is Lookup.REFRESH:
            return False
        found = self.cache.get(tag, any_age=self.lookup is Lookup.OFFLINE)
        if found is not None:
            self._answers[tag] = found
        return found is not None

    def _connect(self, registry: RegistrySettings) -> Client:
        client = self._clients.get(registry)
        if client is None:
            from fixer.registry.client import Client  # httpx loads only when a registry is asked

            client = self._clients[registry] = Client(
                mirrors={**dict(registry.mirrors), **self.options.mirrors},
                insecure=self.options.insecure | frozenset(registry.insecure),
                timeout=self.options.timeout,
            )
        return client


def _ask_move(client: Client, tag: TagRef, pinned: str) -> Move | RegistryError | None:
    try:
        return moved(client, tag, pinned)
    except RegistryError as error:
        return error


def _ask(client: Client, tag: TagRef) -> Manifest | RegistryError:
    try:
        return client.manifest(tag)
    except RegistryError as error:
        return error
