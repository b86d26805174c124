"""Reading an image from its layers: entries, whiteouts, opaque directories, hard links, pyc."""

from __future__ import annotations

import hashlib
from pathlib import Path

from archives import ArchiveSpec, directory, file, hardlink, symlink, write_archive

from fixer.verify.image import read_archive


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_layers_stack_into_the_merged_filesystem(tmp_path: Path) -> None:
    spec = ArchiveSpec(
        [
            [directory("./"), directory("etc/"), file("etc/a", b"one"), file("etc/b", b"bee", uid=5, gid=6)],
            [file("etc/a", b"two", mode=0o600), symlink("etc/c", "/etc/a")],
        ],
        config={"User": "app"},
    )
    image = read_archive(write_archive(tmp_path / "i.tar", spec))
    assert image.config == {"User": "app"}
    assert [len(layer.entries) for layer in image.layers] == [4, 2]
    assert image.files["/etc/a"].digest == sha(b"two")
    assert image.files["/etc/a"].mode == 0o600
    assert (image.files["/etc/b"].uid, image.files["/etc/b"].gid) == (5, 6)
    assert image.files["/etc/c"].kind == "symlink" and image.files["/etc/c"].target == "/etc/a"
    assert image.size == sum(layer.size for layer in image.layers) > 0


def test_whiteouts_delete_the_path_and_everything_below(tmp_path: Path) -> None:
    spec = ArchiveSpec(
        [
            [
                directory("run/"),
                directory("run/secrets/"),
                file("run/secrets/key", b"k"),
                file("run/keep", b"x"),
            ],
            [file("run/.wh.secrets")],
        ]
    )
    image = read_archive(write_archive(tmp_path / "i.tar", spec))
    assert "/run/secrets" not in image.files and "/run/secrets/key" not in image.files
    assert "/run/keep" in image.files
    assert image.layers[1].whiteouts == {"/run/secrets"}
    assert image.layers[0].entries["/run/secrets/key"].digest == sha(b"k")  # still in layer 1


def test_an_opaque_directory_hides_lower_entries_but_keeps_its_own(tmp_path: Path) -> None:
    spec = ArchiveSpec(
        [
            [directory("app/"), file("app/old", b"o")],
            [directory("app/"), file("app/.wh..wh..opq"), file("app/new", b"n")],
        ]
    )
    image = read_archive(write_archive(tmp_path / "i.tar", spec))
    assert "/app/old" not in image.files
    assert "/app/new" in image.files and "/app" in image.files
    assert image.layers[1].opaque == {"/app"}


def test_a_hard_link_has_its_targets_content(tmp_path: Path) -> None:
    spec = ArchiveSpec([[file("bin/busybox", b"elf", mode=0o755), hardlink("bin/sh", "bin/busybox")]])
    image = read_archive(write_archive(tmp_path / "i.tar", spec))
    assert image.files["/bin/sh"].digest == sha(b"elf")
    assert image.files["/bin/sh"].kind == "file"


def test_setuid_bits_are_kept_in_the_mode(tmp_path: Path) -> None:
    spec = ArchiveSpec([[file("usr/bin/su", b"su", mode=0o4755), file("usr/bin/wall", b"w", mode=0o2755)]])
    image = read_archive(write_archive(tmp_path / "i.tar", spec))
    assert image.files["/usr/bin/su"].special_bits == 0o4000
    assert image.files["/usr/bin/wall"].special_bits == 0o2000


def test_a_pyc_timestamp_is_not_part_of_its_hash(tmp_path: Path) -> None:
    """A timestamp-based pyc (flags 0) records its source's mtime at bytes 8-12: the build's time."""
    header = b"\xa7\r\r\n" + b"\0\0\0\0"
    early = header + (1000).to_bytes(4, "little") + (42).to_bytes(4, "little") + b"code"
    late = header + (2000).to_bytes(4, "little") + (42).to_bytes(4, "little") + b"code"
    other = header + (2000).to_bytes(4, "little") + (42).to_bytes(4, "little") + b"CODE"
    hashes = []
    for data in (early, late, other):
        spec = ArchiveSpec([[file("m/__pycache__/x.cpython-311.pyc", data)]])
        image = read_archive(write_archive(tmp_path / "i.tar", spec))
        hashes.append(image.files["/m/__pycache__/x.cpython-311.pyc"].digest)
    assert hashes[0] == hashes[1] != hashes[2]


def test_kept_contents_follow_the_merged_filesystem(tmp_path: Path) -> None:
    spec = ArchiveSpec(
        [
            [file("var/lib/dpkg/status", b"old"), file("etc/x", b"x")],
            [file("var/lib/dpkg/status", b"new")],
            [file("etc/.wh.x")],
        ]
    )
    image = read_archive(
        write_archive(tmp_path / "i.tar", spec), keep=lambda p: p.startswith(("/var", "/etc"))
    )
    assert image.contents == {"/var/lib/dpkg/status": b"new"}
