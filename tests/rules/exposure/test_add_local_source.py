"""DF601 add-local-source: ADD → COPY is safe only when the build context shows plain sources.

Every test builds a real context in tmp_path: tar archives made with ``tarfile`` (under names
that say nothing, like ``.gem`` and ``.crate``), files that only look like archives, directories,
symlinks; sources are read as BuildKit reads them (quotes, ARG/ENV, the JSON form, wildcards).
"""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest

import fixer


def make_tar(path: Path, mode: str = "w") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, mode) as archive:  # type: ignore[call-overload]
        info = tarfile.TarInfo("inside.txt")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"hi\n"))


def write(path: Path, data: bytes = b"x\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture
def context(tmp_path: Path) -> Path:
    for name in ("app.py", "a.txt", "a b.txt", "file.tgz", "a.tar.gz", "entrypoint", "conf/app.yaml"):
        write(tmp_path / name, b"plain text, whatever the name says\n")
    write(tmp_path / "empty.tar", b"")
    write(tmp_path / "src" / "main.py")
    make_tar(tmp_path / "src" / "vendor.tar")  # inside a directory: ADD copies it as it is
    write(tmp_path / "bin" / "run.sh")
    write(tmp_path / "bin" / "stop.sh")
    make_tar(tmp_path / "thing.gem")  # a plain tar
    make_tar(tmp_path / "bundle.crate", "w:gz")  # a tar.gz
    make_tar(tmp_path / "rootfs.tar.xz", "w:xz")
    make_tar(tmp_path / "lib" / "deps.tar")
    write(tmp_path / "lib" / "notes.txt")
    write(tmp_path / "data.bin", b"\x28\xb5\x2f\xfd" + bytes(100))  # zstd: may be an archive
    (tmp_path / "link.txt").symlink_to("a.txt")
    return tmp_path


def fixed(text: str, context: Path | None, unsafe: bool = False) -> str:
    result = fixer.fix("FROM x\n" + text, unsafe=unsafe, select=["DF601"], context=context)
    return result.output.removeprefix("FROM x\n")


def copy(source: str) -> str:
    return source.replace("ADD ", "COPY ")


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("ADD app.py /app/\n", id="file"),
        pytest.param("ADD entrypoint /bin/\n", id="file-without-extension"),
        pytest.param("ADD . /app\n", id="context-directory"),
        pytest.param("ADD src/ conf/ /app/\n", id="directories-holding-archives"),
        pytest.param('ADD ["a b.txt", "/x/"]\n', id="json-form"),
        pytest.param('ADD "file.tgz" /usr/src/app/\n', id="text-named-tgz"),
        pytest.param("ADD 'a.tar.gz' /x/\n", id="text-named-tar-gz-quoted"),
        pytest.param("ADD empty.tar /x/\n", id="empty-file-is-no-archive"),
        pytest.param("ADD /app.py ./src/../a.txt /x/\n", id="cleaned-paths"),
        pytest.param("ADD --chown=1:1 --link bin/*.sh /bin/\n", id="flags-glob"),
        pytest.param("ADD b[i]n/r?n.sh /bin/\n", id="class-and-question-mark"),
        pytest.param("ENV F=app.py\nADD $F /x/\n", id="env-variable"),
        pytest.param("ENV D=/x\nADD a.txt $D/\n", id="variable-destination"),
        pytest.param('ENV F=a.txt\nADD ["$F", "/x/"]\n', id="json-variable"),
    ],
)
def test_safe_fix(context: Path, source: str) -> None:
    assert fixed(source, context) == copy(source)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("add a.txt /\n", "copy a.txt /\n", id="lower-case-kept"),
        pytest.param("Add a.txt /\n", "Copy a.txt /\n", id="title-case-kept"),
        pytest.param("  ADD a.txt /\r\n", "  COPY a.txt /\r\n", id="indent-and-crlf-kept"),
        pytest.param(
            "ADD \\\n  a.txt \\\n  # note\n  /x\n", "COPY \\\n  a.txt \\\n  # note\n  /x\n", id="continuation"
        ),
    ],
)
def test_layout_kept(context: Path, source: str, expected: str) -> None:
    assert fixed(source, context) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("ADD thing.gem /b/\n", id="plain-tar-named-gem"),
        pytest.param("ADD bundle.crate /c/\n", id="tar-gz-named-crate"),
        pytest.param('ADD ["thing.gem", "/b/"]\n', id="json-form-tar"),
        pytest.param('ADD "bundle.crate" /c/\n', id="quoted-tar"),
        pytest.param("ADD rootfs.tar.xz /\n", id="tar-xz"),
        pytest.param("ADD a.txt thing.gem /x/\n", id="one-archive-among-files"),
        pytest.param("ADD lib/* /x/\n", id="wildcard-matching-an-archive"),
        pytest.param("ADD *.crate /x/\n", id="wildcard-archive"),
        pytest.param("ENV GEM=thing.gem\nADD ${GEM} /b/\n", id="variable-naming-an-archive"),
        pytest.param("ADD link.tar.gz /x/\n", id="missing-but-named-as-an-archive"),
        pytest.param("ADD *.tar.zst /x/\n", id="no-match-named-as-an-archive"),
    ],
)
def test_archives_are_left_to_add(context: Path, source: str) -> None:
    assert fixed(source, context, unsafe=True) == source


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("ADD https://example.com/a.txt /x\n", id="url"),
        pytest.param('ADD "https://example.com/a.txt" /x\n', id="quoted-url"),
        pytest.param("ADD git@github.com:moby/buildkit.git /src\n", id="git-scp"),
        pytest.param('ADD "git@github.com:moby/buildkit.git" /src\n', id="quoted-git-scp"),
        pytest.param("ADD github.com:moby/buildkit.git /src\n", id="git-scp-without-user"),
        pytest.param("ADD git://example.com/repo /src\n", id="git-protocol"),
        pytest.param("ADD ssh://git@example.com/repo.git /src\n", id="ssh-protocol"),
        pytest.param("ADD https://github.com/moby/buildkit.git#v0.14.1 /src\n", id="git-https-ref"),
        pytest.param("ADD github.com/moby/buildkit /src\n", id="github-style-ref"),
        pytest.param(
            "ARG JAEGERUI_REPO=https://github.com/jaegertracing/jaeger-ui.git\nARG REF=v1.2.0\n"
            "ADD ${JAEGERUI_REPO}#${REF} /src\n",
            id="arg-default-git-with-ref",
        ),
        pytest.param(
            "ARG JAEGERUI_REPO=https://github.com/jaegertracing/jaeger-ui.git\nARG REF\n"
            "ADD ${JAEGERUI_REPO}#${REF} /src\n",
            id="arg-default-git-unknown-ref",
        ),
        pytest.param("ARG REPO\nADD ${REPO}#main /src\n", id="unknown-arg-with-ref"),
        pytest.param("ARG HOST\nADD https://$HOST/a.txt /x\n", id="url-with-unknown-host"),
        pytest.param("ENV URL=https://example.com/a.txt\nADD $URL /x\n", id="env-url"),
        pytest.param('ADD ["https://example.com/a.txt", "/x"]\n', id="json-url"),
        pytest.param("ADD --checksum=sha256:0 a.txt /x\n", id="add-only-flag"),
        pytest.param("ADD --unpack=false thing.gem /x/\n", id="unpack-flag"),
        pytest.param("ADD <<EOF /x\nhi\nEOF\n", id="heredoc"),
        pytest.param("COPY a.txt /x\n", id="already-copy"),
        pytest.param("# dfix: ignore=DF601\nADD a.txt /x\n", id="dfix-suppression"),
        pytest.param("# hadolint ignore=DL3020\nADD a.txt /x\n", id="hadolint-suppression"),
        pytest.param("ONBUILD ADD a.txt /x\n", id="onbuild-left-alone"),
        pytest.param('ADD "a.txt /x\n', id="unterminated-quote-fails-the-build"),
        pytest.param("ENV F=a.txt\nADD ${F%.txt} /x\n", id="modifier-buildkit-rejects"),
    ],
)
def test_unchanged(context: Path, source: str) -> None:
    assert fixed(source, context, unsafe=True) == source


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("ADD link.txt /x/\n", id="symlink"),
        pytest.param("ADD missing.txt /x/\n", id="not-in-the-context"),
        pytest.param("ADD *.none /x/\n", id="wildcard-without-match"),
        pytest.param("ADD l* /x/\n", id="wildcard-matching-a-symlink"),
        pytest.param("ADD ../outside.txt /x/\n", id="outside-the-context"),
        pytest.param("ADD data.bin /x/\n", id="zstd-may-be-an-archive"),
        pytest.param("ARG APP\nADD $APP /x\n", id="arg-without-default"),
        pytest.param("ADD $APP /x\n", id="image-env"),
        pytest.param("ARG F=app.py\nADD $F /x/\n", id="build-arg-can-change-it"),
        pytest.param("ARG N=app\nENV F=$N.py\nADD $F /x/\n", id="env-from-build-arg"),
        pytest.param("ENV F=$HOME/app.py\nADD $F /x/\n", id="env-holding-unknown-variable"),
        pytest.param("ARG F=app.py\nENV F=a.txt\nADD $F /x/\n", id="both-arg-and-env"),
    ],
)
def test_unsafe_fix(context: Path, source: str) -> None:
    assert fixed(source, context) == source
    assert fixed(source, context, unsafe=True) == copy(source)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("ADD app.py /app/\n", id="file"),
        pytest.param("ADD . /app\n", id="directory"),
        pytest.param("ADD src /x\n", id="no-extension"),
        pytest.param("ADD * /x/\n", id="wildcard"),
        pytest.param('ADD ["a b.txt", "/x/"]\n', id="json-form"),
    ],
)
def test_without_a_context_never_safe(source: str) -> None:
    assert fixed(source, None) == source
    assert fixed(source, None, unsafe=True) == copy(source)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("ADD rootfs.tar.gz /\n", id="tar-gz"),
        pytest.param("ADD vendor.tgz /opt/\n", id="tgz"),
        pytest.param('ADD "file.tgz" /usr/src/app/\n', id="quoted-tgz"),
        pytest.param("ADD *.tar /x/\n", id="wildcard-tar"),
    ],
)
def test_without_a_context_archive_names_are_left_to_add(source: str) -> None:
    assert fixed(source, None, unsafe=True) == source


def test_windows_stage_is_never_safe(context: Path) -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nADD a.txt C:/x/\n"
    result = fixer.fix(text, select=["DF601"], context=context)
    assert result.output == text
    assert fixer.fix(text, unsafe=True, select=["DF601"], context=context).output == text.replace(
        "ADD", "COPY"
    )


def test_special_file_is_unsafe(context: Path) -> None:
    os.mkfifo(context / "pipe")
    assert fixed("ADD pipe /x\n", context) == "ADD pipe /x\n"
    assert fixed("ADD pipe /x\n", context, unsafe=True) == "COPY pipe /x\n"


def test_context_is_read_not_written(context: Path) -> None:
    before = sorted((p.relative_to(context), p.lstat().st_mtime_ns) for p in context.rglob("*"))
    fixed("ADD * thing.gem . /x/\n", context, unsafe=True)
    assert sorted((p.relative_to(context), p.lstat().st_mtime_ns) for p in context.rglob("*")) == before


def test_diagnostic_location_and_fix_title() -> None:
    (diagnostic,) = fixer.fix("FROM x\n  ADD src /x\n", select=["DL3020"]).diagnostics
    assert (diagnostic.rule, diagnostic.line, diagnostic.column, diagnostic.end_line) == ("DF601", 2, 3, 2)
    assert diagnostic.fix_title == "Replace `ADD` with `COPY`"
    assert diagnostic.applicability is fixer.Applicability.UNSAFE
    assert not diagnostic.fixed


def test_configuration_can_promote_and_demote_fixes(context: Path) -> None:
    text = "FROM x\nADD missing /x\nADD app.py /y\n"
    promoted = fixer.fix(text, extend_safe_fixes=["DF601"], context=context).output
    assert promoted == "FROM x\nCOPY missing /x\nCOPY app.py /y\n"
    demoted = fixer.fix(text, extend_unsafe_fixes=["add-local-source"], context=context).output
    assert demoted == text
    assert fixer.fix(text, context=context).output == "FROM x\nADD missing /x\nCOPY app.py /y\n"
