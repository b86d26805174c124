"""fixer.context: what a build context holds, read as BuildKit reads it (real files in tmp_path)."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import tarfile
from pathlib import Path

import pytest

from fixer.context import BuildContext, Entry, Kind, contains_wildcards, go_match, is_tar_archive


def make_tar(path: Path, mode: str = "w", members: dict[str, bytes] | None = None) -> Path:
    """A real tar archive (``mode`` ``w:gz``, ``w:bz2``, ``w:xz`` compresses it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, mode) as archive:  # type: ignore[call-overload]
        for name, data in (members if members is not None else {"inside.txt": b"hi\n"}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- is_tar_archive ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["w", "w:gz", "w:bz2", "w:xz"])
@pytest.mark.parametrize("tar_format", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
def test_tar_archives_by_content(tmp_path: Path, mode: str, tar_format: int) -> None:
    path = tmp_path / "thing.gem"  # the name says nothing
    with tarfile.open(path, mode, format=tar_format) as archive:  # type: ignore[call-overload]
        long = tar_format != tarfile.USTAR_FORMAT  # GNU and PAX put a long-name header first
        info = tarfile.TarInfo("a-long-name-" + "x" * 120 if long else "a.txt")
        archive.addfile(info, io.BytesIO(b""))
    assert is_tar_archive(path) is True


def test_v7_header_with_a_valid_checksum_is_an_archive(tmp_path: Path) -> None:
    block = bytearray(512)
    block[:5] = b"a.txt"
    block[124:136] = b"00000000000\x00"
    block[148:156] = b" " * 8
    checksum = sum(block)
    block[148:156] = f"{checksum:06o}\x00 ".encode()
    assert is_tar_archive(write(tmp_path / "v7", bytes(block) + bytes(1024))) is True
    block[0] ^= 1  # one byte off: the checksum no longer holds
    assert is_tar_archive(write(tmp_path / "bad", bytes(block) + bytes(1024))) is False


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("empty.tar", b"", id="empty-file"),
        pytest.param("short.tar", b"x" * 100, id="shorter-than-a-block"),
        pytest.param("zeros.tar", bytes(1024), id="end-of-archive-blocks"),
        pytest.param("zero-then-junk.tar", bytes(512) + b"x" * 512, id="zero-block-then-junk"),
        pytest.param("notes.tgz", b"just text, named like an archive\n" * 40, id="plain-text-tgz"),
        pytest.param("app.bin", bytes(range(256)) * 4, id="binary-not-tar"),
        pytest.param("notes.txt.gz", gzip.compress(b"hello\n" * 200), id="gzipped-text"),
        pytest.param("tiny.gz", gzip.compress(b"hi"), id="gzip-shorter-than-a-block"),
        pytest.param("notes.bz2", bz2.compress(b"hello\n" * 200), id="bzip2-text"),
        pytest.param("notes.xz", lzma.compress(b"hello\n" * 200), id="xz-text"),
        pytest.param("gz-magic-alone", b"\x1f\x8b", id="two-bytes-of-gzip-magic"),
    ],
)
def test_not_archives(tmp_path: Path, name: str, data: bytes) -> None:
    assert is_tar_archive(write(tmp_path / name, data)) is False


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x28\xb5\x2f\xfd" + bytes(600), id="zstd-frame"),
        pytest.param(b"\x5a\x2a\x4d\x18" + bytes(600), id="zstd-skippable-frame"),
        pytest.param(b"\x1f\x8b\x08" + b"garbage" * 100, id="broken-gzip"),
        pytest.param(b"BZh9" + b"garbage" * 100, id="text-starting-like-bzip2"),
        pytest.param(gzip.compress(bytes(range(256)) * 4)[:40], id="truncated-gzip"),
        pytest.param(
            b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n", id="git-lfs-pointer"
        ),
    ],
)
def test_cannot_tell(tmp_path: Path, data: bytes) -> None:
    assert is_tar_archive(write(tmp_path / "f.tar.gz", data)) is None


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    make_tar(tmp_path / "real.tar")
    (tmp_path / "link.tar").symlink_to("real.tar")
    os.mkfifo(tmp_path / "fifo")
    assert is_tar_archive(tmp_path / "link.tar") is None  # never followed
    assert is_tar_archive(tmp_path / "fifo") is None  # and never blocks
    assert is_tar_archive(tmp_path) is None
    assert is_tar_archive(tmp_path / "missing") is None


FILE = Kind.FILE

# --- BuildContext --------------------------------------------------------------------------------


@pytest.fixture
def context(tmp_path: Path) -> BuildContext:
    write(tmp_path / "app.py", b"print('hi')\n")
    write(tmp_path / "src" / "main.py", b"")
    make_tar(tmp_path / "src" / "vendor.tar")  # inside a directory: never unpacked
    make_tar(tmp_path / "thing.gem")
    make_tar(tmp_path / "bundle.crate", "w:gz")
    write(tmp_path / "plain.tgz", b"text\n")
    write(tmp_path / "scripts" / "a.sh", b"")
    write(tmp_path / "scripts" / "b.sh", b"")
    (tmp_path / "scripts" / "sub").mkdir()
    (tmp_path / "current").symlink_to("src")
    (tmp_path / "app-link.py").symlink_to("app.py")
    return BuildContext(tmp_path)


@pytest.mark.parametrize(
    ("source", "entries"),
    [
        pytest.param("app.py", [Entry("app.py", Kind.FILE)], id="file"),
        pytest.param("/app.py", [Entry("app.py", Kind.FILE)], id="absolute-is-in-the-context"),
        pytest.param("./src/../app.py", [Entry("app.py", Kind.FILE)], id="cleaned"),
        pytest.param(".", [Entry("", Kind.DIRECTORY)], id="root"),
        pytest.param("", [Entry("", Kind.DIRECTORY)], id="empty-is-root"),
        pytest.param("src/", [Entry("src", Kind.DIRECTORY)], id="directory"),
        pytest.param("thing.gem", [Entry("thing.gem", Kind.ARCHIVE)], id="tar-named-gem"),
        pytest.param("bundle.crate", [Entry("bundle.crate", Kind.ARCHIVE)], id="tar-gz-named-crate"),
        pytest.param("plain.tgz", [Entry("plain.tgz", Kind.FILE)], id="text-named-tgz"),
        pytest.param("missing.txt", [Entry("missing.txt", Kind.MISSING)], id="missing"),
        pytest.param("app.py/x", [Entry("app.py/x", Kind.MISSING)], id="below-a-file"),
        pytest.param("../etc/passwd", [Entry("../etc/passwd", Kind.OUTSIDE)], id="outside"),
        pytest.param("app-link.py", [Entry("app-link.py", Kind.SYMLINK)], id="symlink"),
        pytest.param("current/main.py", [Entry("current/main.py", Kind.SYMLINK)], id="through-a-symlink"),
        pytest.param(
            "scripts/*.sh",
            [Entry("scripts/a.sh", Kind.FILE), Entry("scripts/b.sh", Kind.FILE)],
            id="wildcard",
        ),
        pytest.param("scripts/[a]*", [Entry("scripts/a.sh", Kind.FILE)], id="class"),
        pytest.param(
            "scripts/*",
            [
                Entry("scripts/a.sh", Kind.FILE),
                Entry("scripts/b.sh", Kind.FILE),
                Entry("scripts/sub", Kind.DIRECTORY),
            ],
            id="star-matches-directories",
        ),
        pytest.param("*/main.py", [Entry("src/main.py", Kind.FILE)], id="wildcard-directory"),
        pytest.param("*.gem", [Entry("thing.gem", Kind.ARCHIVE)], id="wildcard-archive"),
        pytest.param("app-*", [Entry("app-link.py", Kind.SYMLINK)], id="wildcard-symlink"),
        pytest.param("*.none", [], id="no-match"),
        pytest.param("nowhere/*.sh", [Entry("nowhere", Kind.MISSING)], id="wildcard-below-nothing"),
        pytest.param("current/*.py", [Entry("current", Kind.SYMLINK)], id="wildcard-below-a-symlink"),
        pytest.param("app\\*.py", [Entry("app\\*.py", Kind.MISSING)], id="escaped-star-is-literal"),
    ],
)
def test_entries(context: BuildContext, source: str, entries: list[Entry]) -> None:
    assert context.entries(source) == entries


def test_a_class_can_match_a_slash(tmp_path: Path) -> None:
    # Go's filepath.Match lets `[^x]` match `/`: `src[^x]main.py` matches `src/main.py`.
    write(tmp_path / "src" / "main.py", b"")
    assert BuildContext(tmp_path).entries("src[^x]main.py") == [Entry("src/main.py", Kind.FILE)]


def test_a_matching_directory_is_not_entered(tmp_path: Path) -> None:
    make_tar(tmp_path / "lib" / "lib" / "x.tar")
    assert BuildContext(tmp_path).entries("l*") == [Entry("lib", Kind.DIRECTORY)]


def test_an_unreadable_file_is_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "secret.txt", b"x")
    real_open, real_access = os.open, os.access

    def refuse(name: object, *args: object, **kwargs: object) -> int:
        if os.fsencode(str(name)) == os.fsencode(path):
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    monkeypatch.setattr(
        os, "access", lambda name, mode: False if name == os.fsencode(path) else real_access(name, mode)
    )
    assert BuildContext(tmp_path).entries("secret.txt") == [Entry("secret.txt", Kind.UNREADABLE)]


def test_an_unreadable_directory_makes_a_wildcard_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "d" / "a.txt", b"")
    real_scandir = os.scandir

    def refuse(path: bytes) -> object:
        if path.endswith(b"/d"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    assert BuildContext(tmp_path).entries("d/*.txt") == [Entry("d/*.txt", Kind.UNREADABLE)]


def test_special_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert BuildContext(tmp_path).entries("pipe") == [Entry("pipe", Kind.SPECIAL)]


def test_a_missing_root(tmp_path: Path) -> None:
    assert BuildContext(tmp_path / "nowhere").entries(".") == [Entry("", Kind.MISSING)]


def test_plain_kinds() -> None:
    assert {kind for kind in Kind if kind.plain} == {Kind.DIRECTORY, Kind.FILE}


# --- wildcards, as Go and fsutil read them ---------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "name", "matched"),
    [
        ("*.sh", "run.sh", True),
        ("*.sh", "dir/run.sh", False),  # * never crosses a /
        ("*/run.sh", "dir/run.sh", True),
        ("r?n.sh", "run.sh", True),
        ("r?n.sh", "r/n.sh", False),  # nor does ?
        ("[a-c]*", "bin", True),
        ("[^a-c]*", "bin", False),
        ("x[^y]z", "x/z", True),  # a class does (Go's quirk)
        ("\\*.sh", "*.sh", True),
        ("\\*.sh", "a.sh", False),
        ("a?b", "a☺b", True),  # ? is one character, however many bytes
        ("a??b", "a☺b", False),
        ("*??", "€", True),  # Go skips bytes after a star: a multi-byte character splits
        ("[", "[", False),  # malformed: matches nothing
        ("a[", "a", False),
        ("[]a]", "]", False),
        ("[\\]a]", "]", True),
        ("*", "", True),
    ],
)
def test_go_match(pattern: str, name: str, matched: bool) -> None:
    assert go_match(pattern.encode(), name.encode()) is matched


@pytest.mark.parametrize(
    ("name", "wild"),
    [("a.txt", False), ("*.txt", True), ("a?", True), ("[ab]", True), ("a\\*", False), ("a\\\\*", True)],
)
def test_contains_wildcards(name: str, wild: bool) -> None:
    assert contains_wildcards(name) is wild
