"""Expand PATH arguments into the Dockerfiles to process.

A file argument is taken as given (reading it reports a missing or unreadable path). A directory
is walked for the names editors and scanners take for Dockerfiles (``is_dockerfile_name``),
skipping ``.git``, ``.venv``, ``node_modules`` and whatever ``.gitignore`` files exclude. As in
git, each ``.gitignore`` applies below its own directory and the deepest match wins; the ones
between the repository root and the walked directory count too (Black reads only the root's and
the walked directory's). The walk keeps its own stack, so a tree of any depth is walked.
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

NAMES = ("dockerfile", "containerfile")
SKIP_DIRS = frozenset({".git", ".venv", "node_modules"})
# Files named like Dockerfiles that are something else: code, documents, data, and templates
# that a generator renders into a Dockerfile (docker-library's `Dockerfile.template`, a
# `Dockerfile.j2`): a fix there could break the template syntax between the instructions. Given
# by name, such a file is still processed.
_OTHER_EXTENSIONS = (
    "dockerignore md rst txt adoc html go py js ts rs java rb sh bash ps1 bat json yaml yml toml"
    " xml lock patch diff j2 jinja jinja2 tmpl tpl template erb mustache hbs in m4 swp"
)
NOT_DOCKERFILES = frozenset(_OTHER_EXTENSIONS.split())


def is_dockerfile_name(name: str) -> bool:
    """``Dockerfile``, ``Dockerfile.dev``, ``Dockerfile-windows``, ``Dockerfile_dev``,
    ``app.Dockerfile``, ``app.dockerfile`` and the ``Containerfile`` forms, in any case (what
    hadolint's, Trivy's and the editors' patterns take together), but not ``Dockerfile.md`` or
    ``Dockerfile.template`` (``NOT_DOCKERFILES``), nor BuildKit's per-Dockerfile ignore file
    ``Dockerfile.dockerignore``."""
    lower = name.lower()
    if lower.rpartition(".")[2] in NOT_DOCKERFILES:
        return False
    return any(
        lower == base or lower.startswith((f"{base}.", f"{base}-", f"{base}_")) or lower.endswith(f".{base}")
        for base in NAMES
    )


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


def _walk(root: Path, absolute: Path, ignores: list[_Ignore]) -> Iterator[Path | SourceError]:
    """The Dockerfiles under ``root`` in sorted depth-first order, each directory's entries by name."""
    # One frame per directory being read: its path, its absolute path, the ignore files that
    # apply in it, and the entries still to visit (reversed, so the next one pops off the end).
    stack = [_open(root, absolute, ignores)]
    inside = os.path.join(os.path.realpath(root), "")
    while stack:
        directory, absolute, ignores, entries = stack[-1]
        if isinstance(entries, SourceError):
            stack.pop()
            yield entries
            continue
        if not entries:
            stack.pop()
            continue
        entry = entries.pop()
        is_dir = entry.is_dir(follow_symlinks=False)  # never follow links into loops or other trees
        wanted = entry.name not in SKIP_DIRS if is_dir else is_dockerfile_name(entry.name)
        if not wanted or _ignored(absolute / entry.name, is_dir, ignores):
            continue
        if is_dir:
            stack.append(_open(directory / entry.name, absolute / entry.name, ignores))
        elif not entry.is_file():
            continue
        elif entry.is_symlink() and not os.path.realpath(entry.path).startswith(inside):
            # Directories are never followed, so only a file itself can link out of the tree.
            # A bot run on an untrusted repository must not read or write through one to /etc/…
            # or ~/.ssh/…: such a file is only processed when named.
            yield SourceError(
                str(directory / entry.name), f"symlink to a file outside {root}; name it to check it"
            )
        else:
            yield directory / entry.name


_Frame = tuple[Path, Path, list["_Ignore"], "list[os.DirEntry[str]] | SourceError"]


def _open(directory: Path, absolute: Path, ignores: list[_Ignore]) -> _Frame:
    own = _load_ignore(absolute)
    ignores = [*ignores, own] if own else ignores
    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda e: e.name, reverse=True)
    except OSError as error:
        return directory, absolute, ignores, SourceError(str(directory), error.strerror or str(error))
    return directory, absolute, ignores, entries


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
