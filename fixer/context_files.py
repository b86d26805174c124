"""Files of the build context that fixes edit beside the Dockerfile (``.dockerignore``).

A fix may carry ``FileEdit``s for a file of the build context. The engine applies them to an
overlay, never to the disk: the next pass's rules read the edited text through
``ContextFiles.get``, so the fixed point holds across files (the entry a fix added to
``.dockerignore`` is what keeps it from firing again), and the caller gets every edited file
as a ``FileChange`` (its text as read, and as the fixes left it) to show in a diff and, with
``--write``, to write after checking the file is still what was read.

Only a regular file in UTF-8, or a file that is not there yet, is editable: a symlink is read
(as a build reads it) but never written, since it could point anywhere (a bot must not write
outside the repository it was given), and a file that does not decode cannot be edited without
changing bytes nobody asked to change.
"""

from __future__ import annotations

import os
import posixpath
import stat
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["ContextFile", "ContextFiles", "FileChange"]


@dataclass(frozen=True, slots=True)
class ContextFile:
    """A file of the build context as the fixes so far see it."""

    path: str  # relative to the build context, "/"-separated
    text: str  # "" when it does not exist; undecodable bytes replaced when not editable
    exists: bool
    editable: bool  # absent, or a regular file (not a symlink) in UTF-8


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file of the build context the fixes edited: ``before`` is None when they create it."""

    path: str
    before: str | None
    after: str


@dataclass(frozen=True, slots=True)
class ContextFiles:
    """The build context's files, read on demand, with the fixes' edits laid over them."""

    root: Path | None
    _read: dict[str, ContextFile] = field(default_factory=dict)  # as on disk, read once per run
    _edited: dict[str, str] = field(default_factory=dict)

    def get(self, path: str) -> ContextFile:
        """``path`` (relative to the build context) as the fixes so far left it."""
        path = posixpath.normpath(path)
        original = self._original(path)
        if path in self._edited:
            return ContextFile(path, self._edited[path], True, original.editable)
        return original

    def edited(self, path: str, text: str) -> ContextFiles:
        """These files with ``path``'s text replaced (the disk is not touched)."""
        path = posixpath.normpath(path)
        if not self.get(path).editable:
            raise ValueError(f"{path} is not a file dfix edits")
        return ContextFiles(self.root, self._read, {**self._edited, path: text})

    def changes(self) -> tuple[FileChange, ...]:
        """Every file whose text the fixes changed, with its text as read."""
        found = []
        for path, text in sorted(self._edited.items()):
            original = self._read[path]
            if text != original.text or not original.exists:
                found.append(FileChange(path, original.text if original.exists else None, text))
        return tuple(found)

    def _original(self, path: str) -> ContextFile:
        if path not in self._read:
            self._read[path] = _read(self.root, path)
        return self._read[path]


def _read(root: Path | None, path: str) -> ContextFile:
    if root is None or path.startswith("../") or posixpath.isabs(path):
        return ContextFile(path, "", False, False)
    full = os.path.join(root, path)
    try:
        link = stat.S_ISLNK(os.lstat(full).st_mode)
        regular = stat.S_ISREG(os.stat(full).st_mode)  # a link's target is read, never written
    except FileNotFoundError:
        # a dangling link is not there to read, and not to be written either
        return ContextFile(
            path, "", False, not os.path.islink(full) and os.path.isdir(os.path.dirname(full) or ".")
        )
    except OSError:
        return ContextFile(path, "", False, False)
    if not regular:
        return ContextFile(path, "", True, False)
    try:
        with open(full, "rb") as file:
            data = file.read()
    except OSError:
        return ContextFile(path, "", True, False)
    try:
        return ContextFile(path, data.decode("utf-8"), True, not link)
    except UnicodeDecodeError:
        return ContextFile(path, data.decode("utf-8", errors="replace"), True, False)
