"""An image read from its layers: the config, each layer's additions and whiteouts, and the merged
filesystem a container sees.

The input is a ``docker-archive`` (what ``docker save``, the Engine API's ``GET /images/…/get``
and ``buildah push … docker-archive:`` write): ``manifest.json`` names the config and the layer
tarballs, bottom layer first. Layers are applied as the overlay filesystem applies them: an
entry replaces what lower layers had at its path, ``.wh.NAME`` deletes ``NAME`` (and everything
under it), ``.wh..wh..opq`` hides every lower entry of its directory.

Files are compared by content hash, never by timestamp. One timestamp lives *inside* files: a
``.pyc`` records its source's mtime (bytes 8 to 12 of a timestamp-based pyc), which is the moment a
build unpacked the source; it is left out of the hash.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import stat
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Entry:
    """One filesystem object: ``kind`` is file, dir, symlink, char, block or fifo; ``mode`` the
    permission bits with setuid/setgid/sticky; ``digest`` the content hash of a file;
    ``target`` a symlink's target."""

    kind: str
    mode: int
    uid: int
    gid: int
    size: int = 0
    digest: str | None = None
    target: str | None = None
    device: tuple[int, int] | None = None

    @property
    def special_bits(self) -> int:
        return self.mode & (stat.S_ISUID | stat.S_ISGID)


@dataclass(frozen=True, slots=True)
class Layer:
    """What one layer adds (``entries``, by absolute path) and takes away
    (``whiteouts``: paths deleted; ``opaque``: directories whose lower contents are hidden)."""

    digest: str
    size: int
    entries: dict[str, Entry]
    whiteouts: frozenset[str]
    opaque: frozenset[str]


@dataclass(slots=True)
class Image:
    """A built image: its config (the ``config`` object of the image JSON), its layers, its
    history, and the merged filesystem; ``contents`` holds the bytes of the files ``keep``
    asked for when the image was read (package databases), as the merged filesystem has them."""

    config: dict[str, Any]
    layers: list[Layer]
    history: list[dict[str, Any]]
    files: dict[str, Entry] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)
    os: str = "linux"

    def canonical(self, path: str) -> str:
        """``path`` with the symlinked directories on its way resolved in this image: a package
        that lists ``/lib/x86_64-linux-gnu/libc.so.6`` puts it in ``/usr/lib/…`` on a merged-/usr
        system, where ``/lib`` links to ``usr/lib``. The last component stays as it is."""
        directory, name = posixpath.split(path)
        return posixpath.join(self._resolved(directory, 0), name)

    def _resolved(self, directory: str, depth: int) -> str:
        resolved = "/"
        for part in directory.split("/"):
            if not part:
                continue
            candidate = posixpath.join(resolved, part)
            entry = self.files.get(candidate)
            if entry is not None and entry.kind == "symlink" and entry.target:
                if depth > 40:  # a symlink loop
                    return directory
                candidate = self._resolved(
                    posixpath.normpath(posixpath.join(resolved, entry.target)), depth + 1
                )
            resolved = candidate
        return resolved

    @property
    def size(self) -> int:
        """Bytes of the layer tarballs (uncompressed in a docker-archive)."""
        return sum(layer.size for layer in self.layers)


Keep = Callable[[str], bool]


def read_archive(path: Path, keep: Keep = lambda _path: False) -> Image:
    """Read a docker-archive tarball (one image) into an ``Image``."""
    with tarfile.open(path) as archive:
        manifest = json.load(_member(archive, "manifest.json"))
        if not isinstance(manifest, list) or len(manifest) != 1:
            raise ValueError(f"{path}: expected one image in manifest.json")
        document = json.load(_member(archive, manifest[0]["Config"]))
        image = Image(
            config=document.get("config") or {},
            layers=[],
            history=document.get("history") or [],
            os=document.get("os") or "linux",
        )
        for name in manifest[0]["Layers"]:
            size = archive.getmember(name).size
            image.layers.append(_read_layer(name, size, _member(archive, name), image, keep))
    return image


def _member(archive: tarfile.TarFile, name: str) -> IO[bytes]:
    stream = archive.extractfile(name)
    if stream is None:
        raise ValueError(f"{name}: not a file in the image archive")
    return stream


def _read_layer(name: str, size: int, stream: IO[bytes], image: Image, keep: Keep) -> Layer:
    """Read one layer and apply it to ``image.files``: lower entries go first under opaque
    directories and whiteouts, then this layer's entries land."""
    entries: dict[str, Entry] = {}
    kept: dict[str, bytes] = {}
    whiteouts: set[str] = set()
    opaque: set[str] = set()
    with tarfile.open(fileobj=stream, mode="r|*") as layer:
        for member in layer:
            path = _normal(member.name)
            directory, base = posixpath.split(path)
            if base == OPAQUE:
                opaque.add(directory)
            elif base.startswith(WHITEOUT):
                whiteouts.add(posixpath.join(directory, base[len(WHITEOUT) :]))
            else:
                entries[path] = _entry(member, layer, path, entries, image.files, keep, kept)
    for directory in opaque:
        _remove_below(image, directory, keep_self=True)
    for path in whiteouts:
        _remove_below(image, path, keep_self=False)
    image.files.update(entries)
    image.contents.update(kept)
    digest = name.removesuffix("/layer.tar").removesuffix(".tar")
    return Layer(digest, size, entries, frozenset(whiteouts), frozenset(opaque))


def _entry(
    member: tarfile.TarInfo,
    layer: tarfile.TarFile,
    path: str,
    entries: dict[str, Entry],
    lower: dict[str, Entry],
    keep: Keep,
    kept: dict[str, bytes],
) -> Entry:
    mode, owner = member.mode & 0o7777, (member.uid, member.gid)
    if member.isdir():
        return Entry("dir", mode, *owner)
    if member.issym():
        return Entry("symlink", mode, *owner, target=member.linkname)
    if member.islnk():  # a hard link shares its target's content (in this layer, or below it)
        target = entries.get(_normal(member.linkname)) or lower.get(_normal(member.linkname))
        digest, size = (target.digest, target.size) if target else (None, 0)
        if keep(path) and _normal(member.linkname) in kept:
            kept[path] = kept[_normal(member.linkname)]
        return Entry("file", mode, *owner, size=size, digest=digest)
    if member.ischr() or member.isblk():
        kind = "char" if member.ischr() else "block"
        return Entry(kind, mode, *owner, device=(member.devmajor, member.devminor))
    if member.isfifo():
        return Entry("fifo", mode, *owner)
    stream = layer.extractfile(member)
    assert stream is not None  # a regular file
    wanted = keep(path)
    digest, data = _hash(stream, path.endswith(".pyc"), wanted)
    if wanted and data is not None:
        kept[path] = data
    return Entry("file", mode, *owner, size=member.size, digest=digest)


def _hash(stream: IO[bytes], pyc: bool, keep: bool) -> tuple[str, bytes | None]:
    """The content hash (a timestamp-based pyc without its timestamp), and the bytes if kept."""
    if pyc or keep:
        data = stream.read()
        hashed = data[:8] + data[12:] if pyc and len(data) >= 16 and data[4:8] == b"\0\0\0\0" else data
        return hashlib.sha256(hashed).hexdigest(), data if keep else None
    digest = hashlib.sha256()
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest(), None


def _remove_below(image: Image, path: str, keep_self: bool) -> None:
    prefix = path.rstrip("/") + "/"
    doomed = [p for p in image.files if p.startswith(prefix) or (not keep_self and p == path)]
    for name in doomed:
        del image.files[name]
        image.contents.pop(name, None)


def _normal(name: str) -> str:
    """A tar member name as an absolute path (``./usr/bin/`` → ``/usr/bin``)."""
    return posixpath.normpath("/" + name).replace("//", "/")
