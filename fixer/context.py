"""The build context: the files ``COPY`` and ``ADD`` read, looked at the way BuildKit looks at them.

Rules whose fix safety depends on what the context holds (is an ``ADD`` source a tar archive
that ``ADD`` would unpack? is a ``COPY . .`` bringing a key file along?) read it through
``BuildContext``. It only reads: ``lstat``, directory listings and the first kilobyte of a file
(decompressed when it is compressed); it never follows a symlink and never looks outside its root.

What BuildKit does, and what is ported here:

* A source is cleaned and joined to ``/`` (``system.NormalizePath``): ``/a``, ``a`` and ``./a``
  name the same file, ``a/..`` is the root. A source that climbs above the root (``../a``) is
  taken as ``OUTSIDE`` here: BuildKit clamps it at the root, dfix does not guess.
* Wildcards (``fsutil/copy.ResolveWildcards``): the path is split at the first component with
  ``*``, ``?`` or ``[`` (a backslash escapes the next character); the part after it is matched
  with Go's ``filepath.Match`` against every path below the part before it (``filepath.Walk``,
  which does not follow symlinks), a matching directory is not entered. No match is no error.
* ``ADD`` unpacks a local source when it is a tar archive by content (``isArchivePath`` in
  ``solver/llbsolver/file/unpack.go``): a regular file (``Lstat``; BuildKit resolves symlinks
  first, dfix reports them as ``SYMLINK``), decompressed by its magic bytes (gzip, bzip2, xz,
  zstd) or read as is, on which Go's ``archive/tar`` reads a first header. A directory is never
  unpacked, nor anything inside it.

Not read yet: ``.dockerignore``. It only removes files from what the build sees, so a rule that
needs every source to be plain sees more here than the build does, never less; a rule that needs
to know a file is *not* sent (a secrets check) must apply it first, in ``entries``.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import stat
import zlib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Final

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = ["BuildContext", "Entry", "Kind", "contains_wildcards", "go_match", "is_tar_archive"]


class Kind(Enum):
    """What a source names in the build context; the value reads as a sentence's end."""

    DIRECTORY = "a directory"
    FILE = "a file that is not a tar archive"
    ARCHIVE = "a tar archive"
    MAYBE_ARCHIVE = "a file that may be an archive"  # zstd, a Git LFS pointer, broken compression
    SYMLINK = "a symlink"
    SPECIAL = "a special file"
    MISSING = "not in the build context"
    UNREADABLE = "unreadable"
    OUTSIDE = "outside the build context"

    @property
    def plain(self) -> bool:
        """Certainly copied as it is by ``ADD``: a directory, or a file that is not an archive."""
        return self in (Kind.DIRECTORY, Kind.FILE)


@dataclass(frozen=True, slots=True)
class Entry:
    """One path a source names: relative to the root, ``/``-separated (``""`` is the root)."""

    path: str
    kind: Kind


class BuildContext:
    """The directory a Dockerfile is built in, read-only."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._root = os.fsencode(self.root)

    def entries(self, source: str) -> list[Entry]:
        """What a ``COPY``/``ADD`` source (already expanded, quotes removed) names: one entry for
        a plain path, one per match for a wildcard (none when nothing matches). When a wildcard
        cannot be resolved, the one entry returned says why (``MISSING``, ``SYMLINK`` …)."""
        parts = _clean(source)
        if parts is None:
            return [Entry(source, Kind.OUTSIDE)]
        split = next((i for i, part in enumerate(parts) if contains_wildcards(part)), len(parts))
        base, pattern = parts[:split], parts[split:]
        if not pattern:
            return [Entry("/".join(base), self.kind("/".join(base)))]
        base_kind = self.kind("/".join(base))
        if base_kind is not Kind.DIRECTORY:
            return [Entry("/".join(base), base_kind)]
        matches = _glob(os.path.join(self._root, *(p.encode() for p in base)), "/".join(pattern).encode())
        if matches is None:
            return [Entry("/".join(parts), Kind.UNREADABLE)]
        prefix = "".join(part + "/" for part in base)
        return [
            Entry(prefix + os.fsdecode(match), self.kind(prefix + os.fsdecode(match))) for match in matches
        ]

    def kind(self, path: str) -> Kind:
        """What the relative, cleaned ``path`` is; a symlink anywhere on the way makes it ``SYMLINK``."""
        current = self._root
        mode = stat.S_IFDIR if os.path.isdir(current) else 0  # the root itself may be a symlink
        for part in (part for part in path.split("/") if part):
            if not stat.S_ISDIR(mode):
                return Kind.MISSING  # `file/x`, or a root that is no directory: no such path
            current = os.path.join(current, os.fsencode(part))
            try:
                mode = os.lstat(current).st_mode
            except FileNotFoundError:
                return Kind.MISSING
            except OSError:
                return Kind.UNREADABLE
            if stat.S_ISLNK(mode):
                return Kind.SYMLINK
        if stat.S_ISDIR(mode):
            return Kind.DIRECTORY
        if not mode:
            return Kind.MISSING
        if not stat.S_ISREG(mode):
            return Kind.SPECIAL
        archive = is_tar_archive(Path(os.fsdecode(current)))
        if archive is None:
            return Kind.MAYBE_ARCHIVE if os.access(current, os.R_OK) else Kind.UNREADABLE
        return Kind.ARCHIVE if archive else Kind.FILE


def _clean(source: str) -> list[str] | None:
    """The components of ``source`` relative to the root (``.``, empty and ``..`` resolved
    lexically, as Go's ``path.Join`` does); None when it climbs above the root."""
    parts: list[str] = []
    for part in source.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return parts


def contains_wildcards(name: str) -> bool:
    """fsutil's ``containsWildcards``: ``*``, ``?`` or ``[``, not escaped by a backslash."""
    escaped = False
    for char in name:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "*?[":
            return True
    return False


# ---------------------------------------------------------------------------
# Wildcards

MAX_VISITED: Final = 100_000  # entries a glob may look at before it gives up (unknown)


def _glob(base: bytes, pattern: bytes) -> list[bytes] | None:
    """fsutil's ``resolveWildcards``: paths below ``base`` (relative to it) that ``pattern``
    matches, a matching directory not entered; None when a directory cannot be read.

    ``filepath.Walk`` walks the whole tree; a path deeper than the pattern can match is skipped
    here. ``*`` and ``?`` never match ``/``, but a character class may (Go's quirk), so a
    match has at most one ``/`` per ``/`` or ``[`` in the pattern.
    """
    depth = pattern.count(b"/") + pattern.count(b"[") + 1
    found: list[bytes] = []
    visited = 0

    def walk(directory: bytes, prefix: bytes, level: int) -> None:
        nonlocal visited
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        for entry in entries:
            visited += 1
            if visited > MAX_VISITED:
                raise OSError("too many files")
            relative = prefix + entry.name
            if go_match(pattern, relative):
                found.append(relative)
            elif level < depth and entry.is_dir(follow_symlinks=False):
                walk(entry.path, relative + b"/", level + 1)

    try:
        walk(base, b"", 1)
    except OSError:
        return None
    return found


def go_match(pattern: bytes, name: bytes) -> bool:
    """Go's ``filepath.Match`` on Unix, on bytes as Go works (a malformed pattern matches
    nothing, as fsutil ignores the error)."""
    try:
        return _match(pattern, name)
    except _BadPattern:
        return False


class _BadPattern(Exception):
    pass


def _match(pattern: bytes, name: bytes) -> bool:
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            return b"/" not in name  # a trailing * matches the rest unless it has a /
        rest = _match_chunk(chunk, name)
        if rest is not None and (not rest or pattern):
            name = rest
            continue
        if star and (rest := _after_star(chunk, name, last=not pattern)) is not None:
            name = rest
            continue
        return False
    return not name


def _after_star(chunk: bytes, name: bytes, *, last: bool) -> bytes | None:
    """Where ``chunk`` matches after a star skipped 1, 2, … bytes of ``name`` (never a ``/``);
    the last chunk must end the name."""
    for i in range(len(name)):
        if name[i] == 0x2F:
            break
        rest = _match_chunk(chunk, name[i + 1 :])
        if rest is not None and not (last and rest):
            return rest
    return None


def _scan_chunk(pattern: bytes) -> tuple[bool, bytes, bytes]:
    star = False
    while pattern[:1] == b"*":
        pattern = pattern[1:]
        star = True
    in_range = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == 0x5C:  # backslash: the next byte is literal
            if i + 1 < len(pattern):
                i += 1
        elif char == 0x5B:
            in_range = True
        elif char == 0x5D:
            in_range = False
        elif char == 0x2A and not in_range:
            break
        i += 1
    return star, pattern[:i], pattern[i:]


def _match_chunk(chunk: bytes, s: bytes) -> bytes | None:
    """What is left of ``s`` after ``chunk`` (no ``*`` in it) matched its start, or None."""
    while chunk:
        if not s:
            return None
        char = chunk[0]
        if char == 0x5B:  # [ character class
            rune, size = _decode_rune(s)
            s = s[size:]
            chunk = chunk[1:]
            if not chunk:
                raise _BadPattern
            negated = chunk[0] == 0x5E
            if negated:
                chunk = chunk[1:]
            matched, ranges = False, 0
            while True:
                if chunk[:1] == b"]" and ranges > 0:
                    chunk = chunk[1:]
                    break
                lo, chunk = _get_escaped(chunk)
                hi = lo
                if chunk[0] == 0x2D:
                    hi, chunk = _get_escaped(chunk[1:])
                if lo <= rune <= hi:
                    matched = True
                ranges += 1
            if matched == negated:
                return None
        elif char == 0x3F:  # ?
            if s[0] == 0x2F:
                return None
            s = s[_decode_rune(s)[1] :]
            chunk = chunk[1:]
        else:
            if char == 0x5C:
                chunk = chunk[1:]
                if not chunk:
                    raise _BadPattern
            if chunk[0] != s[0]:
                return None
            s = s[1:]
            chunk = chunk[1:]
    return s


def _get_escaped(chunk: bytes) -> tuple[int, bytes]:
    """Go's ``getEsc``: one possibly escaped character of a class, and the rest of the chunk."""
    if not chunk or chunk[0] in (0x2D, 0x5D):
        raise _BadPattern
    if chunk[0] == 0x5C:
        chunk = chunk[1:]
        if not chunk:
            raise _BadPattern
    rune, size = _decode_rune(chunk)
    if rune == 0xFFFD and size == 1:
        raise _BadPattern
    rest = chunk[size:]
    if not rest:
        raise _BadPattern
    return rune, rest


def _decode_rune(data: bytes) -> tuple[int, int]:
    """Go's ``utf8.DecodeRune``: the first rune and its size; (U+FFFD, 1) when invalid."""
    lead = data[0]
    if lead < 0x80:
        return lead, 1
    size = 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if 0xF0 <= lead <= 0xF4 else 0
    try:
        return (ord(data[:size].decode("utf-8")), size) if size else (0xFFFD, 1)
    except UnicodeDecodeError:  # a bad continuation byte, an overlong form, a surrogate
        return 0xFFFD, 1


# ---------------------------------------------------------------------------
# Archives

HEADER: Final = 512  # a tar block
READ_LIMIT: Final = 16 << 20  # compressed bytes read to get the first blocks out, at most
_GZIP: Final = b"\x1f\x8b\x08"
_BZIP2: Final = b"BZh"
_XZ: Final = b"\xfd7zXZ\x00"
_ZSTD: Final = b"\x28\xb5\x2f\xfd"
_LFS_POINTER: Final = b"version https://git-lfs.github.com/spec/"


def is_tar_archive(path: Path) -> bool | None:
    """Whether ``ADD`` would unpack the regular file at ``path``: True for a tar archive (maybe
    compressed), False for anything else, None when that cannot be told (zstd, which Python
    3.11 cannot read; compressed data that does not decompress; a Git LFS pointer, which stands
    for a file that may be an archive; a file that cannot be opened; not a regular file).

    BuildKit's ``isArchivePath``: decompress by magic bytes, then Go's ``tar.Reader.Next``. A
    first block whose header checksum is valid counts as an archive (Go may still reject the
    header later, then ``ADD`` copies the file: dfix errs on the side of unpacking). An empty
    file, a short one and an all-zero end-of-archive block are not archives.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        regular = False
    if not regular:
        os.close(fd)
        return None
    with os.fdopen(fd, "rb") as raw:
        try:
            head = raw.read(10)
            raw.seek(0)
            stream = _decompressed(head, io.BufferedReader(_Limited(raw)))
            if stream is None:
                return None
            first = _read_block(stream)
        except (OSError, EOFError, zlib.error, lzma.LZMAError):
            return None  # gzip.BadGzipFile is an OSError, and so is a read past READ_LIMIT
    if first.startswith(_LFS_POINTER):
        return None
    if len(first) < HEADER:
        return False  # EOF or a short read: no header
    if first == bytes(HEADER):
        return False  # end of archive (or a zero block, then junk): Next fails either way
    return _valid_checksum(first)


def _decompressed(head: bytes, raw: io.BufferedReader) -> io.BufferedIOBase | None:
    """``compression.DecompressStream``: the stream read through the decompressor its magic
    bytes name (None for zstd: not in Python 3.11's library)."""
    if head.startswith(_BZIP2):
        return bz2.BZ2File(raw)
    if head.startswith(_GZIP):
        return gzip.GzipFile(fileobj=raw)
    if head.startswith(_XZ):
        return lzma.LZMAFile(raw, format=lzma.FORMAT_XZ)
    if head.startswith(_ZSTD) or (len(head) >= 8 and int.from_bytes(head[:4], "little") & ~0xF == 0x184D2A50):
        return None
    return raw


def _read_block(stream: io.BufferedIOBase) -> bytes:
    """The first 512 bytes (fewer at the end of the stream), as ``io.ReadFull`` gets them."""
    out = b""
    while len(out) < HEADER:
        chunk = stream.read(HEADER - len(out))
        if not chunk:
            break
        out += chunk
    return out


def _valid_checksum(block: bytes) -> bool:
    """Go's ``block.getFormat`` checksum test: the octal field at 148..156 equals the byte sum
    of the block (unsigned or signed) with that field read as spaces."""
    field = block[148:156].strip(b" \x00")
    digits = field.split(b"\x00", 1)[0]
    if not field:
        value = 0
    elif not digits or any(char not in b"01234567" for char in digits):
        return False  # strconv.ParseUint fails: FormatUnknown
    else:
        value = int(digits, 8)
    rest = block[:148] + b" " * 8 + block[156:]
    unsigned = sum(rest)
    signed = unsigned - 256 * sum(1 for char in rest if char > 0x7F)
    return value in (unsigned, signed)


class _Limited(io.RawIOBase):
    """A file read no further than ``READ_LIMIT`` bytes (a decompressor on crafted input could
    otherwise read a whole large file for a few bytes of output)."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self.raw = raw
        self.left = READ_LIMIT

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if self.left <= 0:
            raise OSError("read limit reached")
        data = self.raw.read(min(len(view), self.left))
        view[: len(data)] = data
        self.left -= len(data)
        return len(data)
