"""fixer.io: strict, byte-exact reading and atomic writing."""

from __future__ import annotations

import io
import os
import stat

import pytest

from fixer.io import MAX_BYTES, SourceError, create_new, decode, read_dockerfile, read_stream, write_atomic


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"FROM a\nRUN b\n", id="lf"),
        pytest.param(b"FROM a\r\nRUN b\r\n", id="crlf"),
        pytest.param(b"FROM a\r\nRUN b\nRUN c\r", id="mixed-and-lone-cr"),
        pytest.param(b"\xef\xbb\xbfFROM a\n", id="bom"),
        pytest.param(b"FROM a", id="no-final-newline"),
        pytest.param("FROM a\nLABEL x=\u00e9\u20ac\U0001f433\n".encode(), id="non-ascii"),
    ],
)
def test_decode_keeps_every_byte(data: bytes) -> None:
    text = decode(data, "Dockerfile")
    assert text.encode("utf-8") == data


def test_decode_keeps_the_bom_as_a_character() -> None:
    assert decode(b"\xef\xbb\xbfFROM a\n", "f") == "\ufeffFROM a\n"


@pytest.mark.parametrize(
    ("data", "line", "column", "byte"),
    [
        pytest.param(b"\xffFROM a\n", 1, 1, 0xFF, id="first-byte"),
        pytest.param(b"FROM a\nRUN \xff\n", 2, 5, 0xFF, id="second-line"),
        pytest.param(b"FROM a\r\nRUN \xfe\r\n", 2, 5, 0xFE, id="crlf"),
        pytest.param("RUN \u00e9".encode() + b"\xff", 1, 6, 0xFF, id="columns-count-characters"),
        pytest.param(b"\xef\xbb\xbfRUN \xff", 1, 5, 0xFF, id="bom-not-a-column"),
        pytest.param(b"RUN \xe2\x82", 1, 5, 0xE2, id="truncated-sequence"),
        pytest.param(b"RUN \xed\xa0\x80", 1, 5, 0xED, id="encoded-surrogate"),
        pytest.param(b"RUN \xc0\xaf", 1, 5, 0xC0, id="overlong"),
    ],
)
def test_invalid_utf8_points_at_the_first_bad_byte(data: bytes, line: int, column: int, byte: int) -> None:
    with pytest.raises(SourceError) as caught:
        decode(data, "x")
    assert (caught.value.line, caught.value.column) == (line, column)
    assert str(caught.value) == f"x:{line}:{column}: invalid UTF-8 (byte 0x{byte:02x})"


def test_nul_byte_is_binary() -> None:
    with pytest.raises(SourceError) as caught:
        decode(b"FROM a\nRUN \x00\xff", "bin.Dockerfile")
    assert str(caught.value) == "bin.Dockerfile:2:5: binary file (NUL byte)"


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32-le", "UTF-32"), ("utf-32-be", "UTF-32")],
)
def test_a_wide_encoding_is_named_not_called_binary(encoding: str, name: str) -> None:
    with pytest.raises(SourceError) as caught:
        decode("\ufeffFROM a\n".encode(encoding), "w.Dockerfile")
    assert str(caught.value) == f"w.Dockerfile:1:1: {name} file (byte-order mark): save it as UTF-8"


def test_size_limit() -> None:
    assert len(read_stream(io.BytesIO(b"#" * MAX_BYTES), "f").text) == MAX_BYTES
    with pytest.raises(SourceError) as caught:
        read_stream(io.BytesIO(b"#" * (MAX_BYTES + 1)), "big")
    assert str(caught.value) == "big: file too large (limit 1 MiB)"
    assert caught.value.line is None


def test_read_dockerfile(tmp_path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"\xef\xbb\xbfFROM a\r\n")
    source = read_dockerfile(path)
    assert (source.path, source.text) == (str(path), "\ufeffFROM a\r\n")


def test_read_dockerfile_os_errors(tmp_path) -> None:
    with pytest.raises(SourceError) as caught:
        read_dockerfile(tmp_path / "missing")
    assert str(caught.value) == f"{tmp_path / 'missing'}: No such file or directory"
    with pytest.raises(SourceError, match=r": Is a directory$"):
        read_dockerfile(tmp_path)


def test_source_error_formats() -> None:
    assert (
        str(SourceError("Dockerfile", "unterminated heredoc", 3, 1)) == "Dockerfile:3:1: unterminated heredoc"
    )
    assert str(SourceError("missing", "No such file or directory")) == "missing: No such file or directory"


def test_write_atomic_keeps_bytes_and_mode(tmp_path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM a\n")
    path.chmod(0o751)
    write_atomic(path, "\ufeffFROM b\r\nRUN c")
    assert path.read_bytes() == b"\xef\xbb\xbfFROM b\r\nRUN c"
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]


def test_write_atomic_replaces_the_file(tmp_path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM a\n")
    before = path.stat().st_ino
    write_atomic(path, "FROM b\n")
    assert path.stat().st_ino != before  # a rename, not an in-place rewrite


def test_write_atomic_writes_through_hard_links(tmp_path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM a\n")
    other = tmp_path / "other"
    os.link(path, other)
    write_atomic(path, "FROM b\nRUN c\n", was="FROM a\n")
    assert other.read_text() == "FROM b\nRUN c\n"  # a rename would have left it the old text
    assert path.stat().st_ino == other.stat().st_ino and path.stat().st_nlink == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile", "other"]  # no recovery file left


def test_write_atomic_follows_symlinks(tmp_path) -> None:
    target = tmp_path / "real.Dockerfile"
    target.write_text("FROM a\n")
    link = tmp_path / "Dockerfile"
    link.symlink_to(target.name)
    write_atomic(link, "FROM b\n")
    assert link.is_symlink()
    assert target.read_text() == "FROM b\n"


def test_write_atomic_failure_leaves_the_file_and_no_temp(tmp_path, monkeypatch) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM a\n")

    def fail(src: str, dst: str) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(SourceError, match=r"Dockerfile: disk on fire$"):
        write_atomic(path, "FROM b\n")
    assert path.read_text() == "FROM a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]


@pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")
def test_write_atomic_keeps_the_owner(tmp_path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM a\n")
    os.chown(path, 65534, 65534)
    path.chmod(0o4755)  # set after chown, which clears it
    write_atomic(path, "FROM b\n")
    st = path.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (65534, 65534, 0o4755)


def test_write_atomic_leaves_a_file_changed_since_it_was_read(tmp_path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM a\nLABEL x=1\n")  # someone appended while dfix ran
    with pytest.raises(SourceError) as raised:
        write_atomic(path, "FROM b\n", was="FROM a\n")
    assert str(raised.value) == f"{path}: changed while dfix ran; not written"
    assert path.read_bytes() == b"FROM a\nLABEL x=1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]
    write_atomic(path, "FROM b\n", was="FROM a\nLABEL x=1\n")
    assert path.read_bytes() == b"FROM b\n"


def test_create_new_makes_the_file_with_the_umask_mode_and_never_over_one(tmp_path) -> None:
    path = tmp_path / ".dockerignore"
    old = os.umask(0o027)
    try:
        create_new(path, "id_rsa\r\n")
    finally:
        os.umask(old)
    assert path.read_bytes() == b"id_rsa\r\n"
    assert path.stat().st_mode & 0o777 == 0o640
    with pytest.raises(SourceError) as raised:
        create_new(path, "other\n")  # it appeared since dfix found none there
    assert str(raised.value) == f"{path}: changed while dfix ran; not written"
    assert path.read_bytes() == b"id_rsa\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dockerignore"]


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o555])
def test_write_atomic_leaves_a_read_only_file_also_as_root(tmp_path, mode: int) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM a\n")
    path.chmod(mode)
    with pytest.raises(SourceError) as raised:
        write_atomic(path, "FROM b\n", was="FROM a\n")
    assert str(raised.value) == f"{path}: read-only file (mode {mode:04o}); not written"
    assert path.read_bytes() == b"FROM a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]
