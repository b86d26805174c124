"""Reading and writing Dockerfiles byte-exactly.

Input is decoded as strict UTF-8 with no newline translation: a BOM stays in the text as
``'\\ufeff'`` and CRLF/LF stay as written, because the parser and every fix keep them verbatim.
Inputs larger than ``MAX_BYTES`` (1 MiB, far above any real Dockerfile) are refused, so a stray
log or image passed by mistake is not loaded whole; so is binary data (any NUL byte).
Every failure is a ``SourceError`` whose ``str()`` is the ``path:line:col: message`` (or
``path: message``) printed on stderr.
"""

from __future__ import annotations

import codecs
import contextlib
import os
from dataclasses import dataclass
from typing import BinaryIO, Final

MAX_BYTES = 1024 * 1024
BOM = "\ufeff"


class SourceError(Exception):
    """An input dfix cannot read, decode, parse or write; ``line``/``column`` are 1-based or None."""

    def __init__(self, path: str, message: str, line: int | None = None, column: int | None = None) -> None:
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str
    text: str


def read_dockerfile(path: str | os.PathLike[str]) -> SourceFile:
    name = os.fspath(path)
    try:
        with open(path, "rb") as stream:
            return read_stream(stream, name)
    except OSError as error:
        raise SourceError(name, error.strerror or str(error)) from None


def read_stream(stream: BinaryIO, name: str) -> SourceFile:
    """Read and decode at most ``MAX_BYTES`` from ``stream`` (a file or stdin) named ``name``."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise SourceError(name, f"file too large (limit {MAX_BYTES // 1024 // 1024} MiB)")
    return SourceFile(name, decode(data, name))


# Longest first: UTF-32's little-endian mark starts with UTF-16's.
_WIDE_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def decode(data: bytes, name: str) -> str:
    # An editor's "Unicode" is UTF-16 on Windows: its NUL bytes are no sign of a binary file.
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            raise SourceError(name, f"{encoding} file (byte-order mark): save it as UTF-8", 1, 1)
    # NUL first: binary files are usually invalid UTF-8 too, and "binary file" is the clearer message.
    nul = data.find(b"\0")
    if nul >= 0:
        raise SourceError(name, "binary file (NUL byte)", *_position(data, nul))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        message = f"invalid UTF-8 (byte 0x{data[error.start]:02x})"
        raise SourceError(name, message, *_position(data, error.start)) from None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, BOM not counted) of byte ``offset``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[line_start:offset].decode("utf-8", "replace")
    if line_start == 0:
        prefix = prefix.removeprefix(BOM)
    return data.count(b"\n", 0, offset) + 1, len(prefix) + 1


def write_atomic(path: str | os.PathLike[str], text: str, was: str | None = None) -> None:
    """Replace the existing file at ``path`` with ``text`` encoded as UTF-8, atomically.

    The new content goes to a temporary file in the same directory (so ``os.replace`` is a
    rename on one filesystem), is fsynced, takes the old file's mode and, where permitted, its
    owner, and then replaces it: readers see the old file or the new one, never a mix.
    A symlink is followed, so the file it points to is replaced and the link is kept. A file
    with other hard links is rewritten in place instead, so that all its names see the fix
    (``_rewrite_in_place``).
    ``was`` is the text dfix read: when the file no longer holds it (someone edited it while
    dfix ran), nothing is written and the error says so, rather than losing their edit. A
    read-only file is left as it is, as ruff and black leave it.
    """
    try:
        target = os.path.realpath(path)
        if was is not None and not _unchanged(target, was):
            raise SourceError(os.fspath(path), CHANGED)
        mode = os.stat(target).st_mode
        if not _writable(target, mode):
            raise SourceError(os.fspath(path), f"read-only file (mode {mode & 0o7777:04o}); not written")
        _replace(target, text.encode("utf-8"))
    except OSError as error:
        raise SourceError(os.fspath(path), error.strerror or str(error)) from None


def create_new(path: str | os.PathLike[str], text: str) -> None:
    """Create the file ``path`` holding ``text`` (UTF-8), atomically, and never over a file
    that appeared since dfix found none there; its mode is what the umask leaves of 0666, as
    an editor's new file gets."""
    name = os.fspath(path)
    directory, base = os.path.split(name)
    temp = os.path.join(directory, f".{base}.{os.urandom(6).hex()}.dfix")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(text.encode("utf-8"))
                stream.flush()
                os.fsync(stream.fileno())
            os.link(temp, name)  # unlike a rename, fails when the file exists
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
    except FileExistsError:
        raise SourceError(name, CHANGED) from None
    except OSError as error:
        raise SourceError(name, error.strerror or str(error)) from None


CHANGED = "changed while dfix ran; not written"


def _writable(target: str, mode: int) -> bool:
    """Whether the file may be written as its mode says. The rename that replaces it needs only
    the directory's write bit, so a read-only file would be rewritten without this check; root
    passes every access check, so for root the file's write bits decide (as an editor asks)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return bool(mode & 0o222)
    return os.access(target, os.W_OK)


def _unchanged(target: str, was: str) -> bool:
    with open(target, "rb") as stream:
        return stream.read(MAX_BYTES + 1) == was.encode("utf-8")


def _replace(target: str, data: bytes) -> None:
    old = os.stat(target)
    if old.st_nlink > 1:
        _rewrite_in_place(target, data)
        return
    temp = _copy_beside(target, data)
    try:
        _copy_owner_and_mode(old, temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def _copy_beside(target: str, data: bytes) -> str:
    """A new file ``.NAME.XXXX.dfix`` beside ``target`` holding ``data``, fsynced (none left on failure)."""
    import tempfile  # ~5 ms to import; only --write needs it

    directory, base = os.path.split(target)
    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{base}.", suffix=".dfix")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def _rewrite_in_place(target: str, data: bytes) -> None:
    """Write ``data`` into the file itself, so that every hard link to it sees the fix (a rename
    gives this name a new file and leaves the other names the old text, silently).

    The old text goes to a recovery file beside it first (``.NAME.XXXX.dfix``, fsynced) and is
    removed once the new text is on disk: a crash in between leaves the old text there. An
    error or Ctrl-C while writing puts the old text back before it is removed.
    """
    with open(target, "r+b", buffering=0) as stream:
        old_data = stream.readall()
        recovery = _copy_beside(target, old_data)
        try:
            _overwrite(stream.fileno(), data)
        except BaseException:
            _overwrite(stream.fileno(), old_data)  # should this fail too, the recovery file stays
            os.unlink(recovery)
            raise
        os.unlink(recovery)


def _overwrite(fd: int, data: bytes) -> None:
    """``data`` as the whole file, written unbuffered: a failed write leaves nothing queued
    that would fail again when the old text is put back."""
    written = 0
    while written < len(data):
        written += os.pwrite(fd, data[written:], written)
    os.ftruncate(fd, len(data))
    os.fsync(fd)


def _copy_owner_and_mode(old: os.stat_result, temp: str) -> None:
    # Owner first: chown may clear set-id bits that chmod then restores.
    if hasattr(os, "chown"):
        with contextlib.suppress(PermissionError):
            os.chown(temp, old.st_uid, old.st_gid)
    os.chmod(temp, old.st_mode & 0o7777)
