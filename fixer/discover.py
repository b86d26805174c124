"""Expand PATH arguments into the Dockerfiles to process.

A file argument is taken as given (reading it reports a missing or unreadable path). A directory
is walked for ``Dockerfile``, ``*.Dockerfile``, ``Dockerfile.*`` and the ``Containerfile``
equivalents, skipping ``.git``, ``.venv``, ``node_modules`` and whatever ``.gitignore`` files
exclude. As in git, each ``.gitignore`` applies below its own directory and the deepest match
wins; the ones between the repository root and the walked directory count too (Black reads only
the root's and the walked directory's).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fixer.io import SourceError

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

NAMES = ("Dockerfile", "Containerfile")
SKIP_DIRS = frozenset({".git", ".venv", "node_modules"})


def is_dockerfile_name(name: str) -> bool:
    # `Dockerfile.dockerignore` is BuildKit's per-Dockerfile ignore file, not a Dockerfile.
    if name.endswith(".dockerignore"):
        return False
    return any(name == n or name.startswith(f"{n}.") or name.endswith(f".{n}") for n in NAMES)


def discover(arguments: Iterable[str]) -> Iterator[Path | SourceError]:
    """Yield each Dockerfile once, in argument order (directories sorted), or an error in its place."""
    seen: set[Path | SourceError] = set()  # a file may come from several arguments; errors are unique
    for argument in arguments:
        path = Path(argument)
        found = False
        for item in _walk_root(path) if path.is_dir() else [path]:
            found = True
            if item not in seen:
                seen.add(item)
                yield item
        if not found:
            yield SourceError(argument, "no Dockerfile found")


@dataclass(frozen=True, slots=True)
class _Ignore:
    base: Path  # absolute directory of the .gitignore; its patterns match paths relative to it
    spec: GitIgnoreSpec

    def check(self, path: Path, is_dir: bool) -> bool | None:
        relative = path.relative_to(self.base).as_posix() + ("/" if is_dir else "")
        return self.spec.check_file(relative).include


def _walk_root(root: Path) -> Iterator[Path | SourceError]:
    absolute = Path(os.path.abspath(root))  # unlike Path.absolute(), this folds `..`
    ancestors = [_load_ignore(d) for d in _dirs_above(absolute)]
    yield from _walk(root, absolute, [i for i in ancestors if i])


def _dirs_above(directory: Path) -> list[Path]:
    """The ancestors of ``directory`` from its git repository's root down (none outside a repository)."""
    chain = [directory, *directory.parents]
    for depth, candidate in enumerate(chain):
        if (candidate / ".git").exists():
            return chain[depth:0:-1]
    return []


def _walk(directory: Path, absolute: Path, ignores: list[_Ignore]) -> Iterator[Path | SourceError]:
    own = _load_ignore(absolute)
    ignores = [*ignores, own] if own else ignores
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as error:
        yield SourceError(str(directory), error.strerror or str(error))
        return
    for entry in entries:
        is_dir = entry.is_dir(follow_symlinks=False)  # never follow links into loops or other trees
        wanted = entry.name not in SKIP_DIRS if is_dir else is_dockerfile_name(entry.name)
        if not wanted or _ignored(absolute / entry.name, is_dir, ignores):
            continue
        if is_dir:
            yield from _walk(directory / entry.name, absolute / entry.name, ignores)
        elif entry.is_file():
            yield directory / entry.name


def _ignored(path: Path, is_dir: bool, ignores: list[_Ignore]) -> bool:
    for ignore in reversed(ignores):
        verdict = ignore.check(path, is_dir)
        if verdict is not None:
            return verdict
    return False


def _load_ignore(directory: Path) -> _Ignore | None:
    try:
        lines = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    from pathspec import GitIgnoreSpec  # ~40 ms to import; only directory walks need it

    return _Ignore(directory, GitIgnoreSpec.from_lines(lines))
