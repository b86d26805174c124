"""The dfix command through its real entry points, in a subprocess, with the real rules.

Every test taking ``dfix`` runs twice: through the installed console script and through
``python -m fixer.cli``. The findings come from DF601 add-local-source, which has each kind of
finding the CLI must handle:

- a safe fix: ``ADD app.py /app/`` becomes ``COPY app.py /app/`` (also ``ADD a.txt /x``,
  ``ADD c.txt /c``). DF601's fix is safe only when the build context shows every source is a
  directory or a plain file that is not a tar archive by content; the CLI takes the Dockerfile's
  directory as the context (on stdin, the directory of ``--stdin-filename``; none without it). So
  tests expecting the safe fix write the Dockerfile with ``write_with_sources()``, which puts
  plain text ``app.py``, ``a.txt`` and ``c.txt`` beside it, and stdin tests expecting it pass a
  ``--stdin-filename`` in such a directory;
- an unsafe fix (``--unsafe-fixes``): ``ADD src /x``. ``src`` is never written anywhere, so the
  context cannot show it plain (it may be an archive ADD unpacks); on stdin without
  ``--stdin-filename`` every local source is unknown, so ``ADD app.py /app/`` is unsafe there too;
- no fix: ``AD\\`` + newline + ``D a.txt /x``, a keyword split by a continuation, is reported but
  no edit can be placed.

``test_df601_safety_comes_from_the_build_context`` pins how the context decides.
"""

from __future__ import annotations

import inspect
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import fixer
from fixer.io import MAX_BYTES
from fixer.rules import RULES
from fixer.rules.exposure.add_local_source import AddLocalSource

CLEAN = b"FROM alpine:3.19\nRUN echo hi\nUSER 10001:10001\n"
# DF601 add-local-source, one instruction per kind of finding.
SAFE = b"ADD app.py /app/\n"  # safe fix
SAFE_FIXED = b"COPY app.py /app/\n"
UNSAFE = b"ADD src /x\n"  # unsafe fix: `src` is never written, so nothing shows it plain
UNSAFE_FIXED = b"COPY src /x\n"
NO_FIX = b"AD\\\nD a.txt /x\n"  # reported, but no edit can be placed
MESSAGE = "`ADD` of local sources: `COPY` does the same"
FIX_TITLE = "Replace `ADD` with `COPY`"
# The safe example's sources, as plain text files (not archives by content): written beside a
# Dockerfile, they let the build context show DF601 that COPY does the same as ADD.
SOURCES = {"app.py": b"print('hi')\n", "a.txt": b"a\n", "c.txt": b"c\n"}


def keyword_edit(line: int) -> dict[str, Any]:
    return {"line": line, "column": 1, "end_line": line, "end_column": 4, "content": "COPY"}


def finding(path: str, line: int, fixed: bool = False, unsafe: bool = False) -> str:
    hint = f" (unsafe fix: {FIX_TITLE})" if unsafe else ""
    return f"{path}:{line}:1: DF601 {'[*] ' if fixed else ''}{MESSAGE}{hint}"


@dataclass(frozen=True)
class Result:
    code: int
    stdout: bytes
    stderr: str

    @property
    def messages(self) -> list[str]:
        return self.stderr.splitlines()

    def json(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.stdout)
        return document


Runner = Callable[..., Result]


def runner(command: list[str], default_cwd: Path) -> Runner:
    def run(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> Result:
        done = subprocess.run(
            [*command, *args],
            input=stdin,
            capture_output=True,
            cwd=cwd or default_cwd,
            timeout=60,
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr.decode())

    return run


def console_script() -> list[str]:
    script = shutil.which("dfix", path=os.path.dirname(sys.executable))
    if script is None:
        pytest.fail(f"no dfix console script next to {sys.executable}: run `pip install -e .`")
    return [script]


# The CLI's mechanics are shown with DF601 (add-local-source). The users family (DF3xx) flags
# nearly every example stage here (none has a USER), so every test works in a directory below a
# configuration that leaves that family out; a test's own configuration, nearer, replaces it.
WITHOUT_USERS = b"extend-ignore = ['DF3']\n"


@pytest.fixture
def tmp_path(tmp_path: Path) -> Path:
    (tmp_path / ".dfix.toml").write_bytes(WITHOUT_USERS)
    work = tmp_path / "work"
    work.mkdir()
    return work


@pytest.fixture(params=["console-script", "python-m"])
def dfix(request: pytest.FixtureRequest, tmp_path: Path) -> Runner:
    if request.param == "console-script":
        return runner(console_script(), tmp_path)
    return runner([sys.executable, "-m", "fixer.cli"], tmp_path)


def write(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_with_sources(directory: Path, name: str, data: bytes) -> Path:
    """Write the Dockerfile ``name`` and, in its directory, the safe example's plain sources."""
    path = write(directory, name, data)
    for source, content in SOURCES.items():
        write(path.parent, source, content)
    return path


def tar_archive(name: str, data: bytes) -> bytes:
    """An uncompressed tar holding one file: what ADD unpacks, whatever the archive's name."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def snapshot(path: Path) -> tuple[bytes, int, int]:
    st = path.stat()
    return path.read_bytes(), st.st_mtime_ns, st.st_ino


# --- entry points, usage -------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--version"], ["--write", "--version", "."]])
def test_version(dfix: Runner, args: list[str]) -> None:
    result = dfix(*args)
    assert (result.code, result.stdout, result.stderr) == (0, f"dfix {fixer.__version__}\n".encode(), "")


def test_python_dash_m_fixer(tmp_path: Path) -> None:
    result = runner([sys.executable, "-m", "fixer"], tmp_path)("--version")
    assert (result.code, result.stdout) == (0, f"dfix {fixer.__version__}\n".encode())


def test_help(dfix: Runner) -> None:
    result = dfix("--help")
    assert result.code == 0
    for option in ("--write", "--diff", "--check", "--unsafe-fixes", "--select", "--ignore", "--format"):
        assert option.encode() in result.stdout
    text = result.stdout.decode()
    for option in (
        "--format text|json",
        "--stdin-filename NAME",
        "--context DIR",
        "--target STAGE",
        "--pin",
        "--offline",
        "--refresh",
        "--insecure-registry HOST",
        "--version",
        "-h, --help",
    ):
        assert f"\n  {option} " in text, option
    # the option list is two aligned columns
    options = text.split("\nOptions:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    columns = {re.match(r"  \S.*?  +", line).end() for line in options if line.startswith("  -")}  # type: ignore[union-attr]
    assert len(columns) == 1, options


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--write", "--check", "Dockerfile"], id="write-check"),
        pytest.param(["--write", "--diff", "Dockerfile"], id="write-diff"),
        pytest.param(["-", "Dockerfile"], id="stdin-and-path"),
        pytest.param(["--stdin-filename", "x", "Dockerfile"], id="stdin-filename-without-stdin"),
        pytest.param(["--format", "xml", "Dockerfile"], id="unknown-format"),
        pytest.param(["--bogus", "Dockerfile"], id="unknown-option"),
    ],
)
def test_usage_error_exits_2(dfix: Runner, tmp_path: Path, args: list[str]) -> None:
    before = snapshot(write(tmp_path, "Dockerfile", CLEAN))
    result = dfix(*args, cwd=tmp_path)
    assert (result.code, result.stdout) == (2, b"")
    assert result.stderr
    assert snapshot(tmp_path / "Dockerfile") == before


# --- clean inputs: exit 0 ------------------------------------------------------------------------


def test_clean_file_exits_0(dfix: Runner, tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", CLEAN)
    result = dfix("Dockerfile", cwd=tmp_path)
    assert (result.code, result.stdout, result.messages) == (0, b"", ["Nothing to report in 1 file."])


def test_default_path_is_the_current_directory(dfix: Runner, tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", CLEAN)
    write(tmp_path, "sub/api.Containerfile", CLEAN)
    result = dfix("--format", "json", cwd=tmp_path)
    assert result.code == 0
    assert [f["path"] for f in result.json()["files"]] == ["Dockerfile", "sub/api.Containerfile"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"FROM a:1\r\nRUN b\r\n", id="crlf"),
        pytest.param(b"\xef\xbb\xbfFROM a:1\n", id="bom"),
        pytest.param(b"FROM a:1", id="no-final-newline"),
        pytest.param(b"\xef\xbb\xbfFROM a:1\r\nRUN b\nCMD c", id="bom-mixed-endings-no-final-newline"),
        pytest.param(b"FROM a:1\nRUN <<EOF\r\n  x\r\nEOF\r\n", id="heredoc-crlf"),
        pytest.param("FROM a:1\nLABEL x=\u00e9\U0001f433\n".encode(), id="non-ascii"),
    ],
)
def test_stdin_write_echoes_unchanged_input_byte_exact(dfix: Runner, data: bytes) -> None:
    result = dfix("-", "--write", stdin=data)
    assert (result.code, result.stdout) == (0, data)


@pytest.mark.parametrize("mode", [[], ["--check"], ["--diff"]])
def test_stdin_without_write_prints_nothing_for_clean_input(dfix: Runner, mode: list[str]) -> None:
    result = dfix("-", *mode, stdin=CLEAN)
    assert (result.code, result.stdout) == (0, b"")


def test_crlf_file_untouched_by_write(dfix: Runner, tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", b"\xef\xbb\xbfFROM a:1\r\nRUN b \\\r\n  c\r\n")
    before = snapshot(path)
    result = dfix("--write", "Dockerfile", cwd=tmp_path)
    assert (result.code, result.stdout) == (0, b"")
    assert snapshot(path) == before


# --- bad inputs: exit 2, message on stderr, nothing written, the rest processed ---------------------

HEREDOC_ERROR = r"\d+:\d+: .*heredoc"
BAD_INPUTS = {
    "binary": ("bin.Dockerfile", b"FROM a:1\n\x00\x01\x02", "bin.Dockerfile:2:1: binary file (NUL byte)"),
    "invalid-utf8": ("x.Dockerfile", b"FROM a:1\nRUN \xff\n", "x.Dockerfile:2:5: invalid UTF-8 (byte 0xff)"),
    "utf-16": (
        "w.Dockerfile",
        "FROM a:1\n".encode("utf-16"),
        "w.Dockerfile:1:1: UTF-16 file (byte-order mark): save it as UTF-8",
    ),
    "unterminated-heredoc": ("Dockerfile", b"RUN <<EOF\nx\n", "Dockerfile:" + HEREDOC_ERROR),
    "too-large": ("big.Dockerfile", b"#" * (MAX_BYTES + 1), "big.Dockerfile: file too large (limit 1 MiB)"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_exits_2_and_is_not_written(dfix: Runner, tmp_path: Path, case: str) -> None:
    name, data, message = BAD_INPUTS[case]
    before = snapshot(write(tmp_path, name, data))
    write(tmp_path, "good.Dockerfile", CLEAN)
    result = dfix("--write", "--format", "json", name, "good.Dockerfile", cwd=tmp_path)
    assert result.code == 2
    assert len(result.messages) == 1
    assert re.fullmatch(re.escape(message) if case != "unterminated-heredoc" else message, result.messages[0])
    bad, good = result.json()["files"]
    assert bad["path"] == name
    assert result.messages[0].endswith(": " + bad["error"]["message"])
    assert (good["path"], good["error"]) == ("good.Dockerfile", None)
    assert snapshot(tmp_path / name) == before


def test_bad_input_text_summary(dfix: Runner, tmp_path: Path) -> None:
    write(tmp_path, "bin.Dockerfile", b"\x00")
    write(tmp_path, "good.Dockerfile", CLEAN)
    result = dfix("bin.Dockerfile", "good.Dockerfile", cwd=tmp_path)
    assert (result.code, result.stdout) == (2, b"")
    assert result.messages == [
        "bin.Dockerfile:1:1: binary file (NUL byte)",
        "Nothing to report in 1 file.",
        "1 input could not be processed.",
    ]


def test_missing_path(dfix: Runner, tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", CLEAN)
    result = dfix("--format", "json", "missing", "Dockerfile", cwd=tmp_path)
    assert result.code == 2
    assert result.messages == ["missing: No such file or directory"]
    assert [f["error"] for f in result.json()["files"]] == [
        {"line": None, "column": None, "message": "No such file or directory"},
        None,
    ]


def test_directory_without_dockerfiles(dfix: Runner, tmp_path: Path) -> None:
    write(tmp_path, "empty/README.md", b"# not a Dockerfile\n")
    write(tmp_path, "Dockerfile", CLEAN)
    result = dfix("empty", "Dockerfile", cwd=tmp_path)
    assert result.code == 2
    assert result.messages[0] == "empty: no Dockerfile found"
    assert "Nothing to report in 1 file." in result.messages


def test_summary_counts_every_file_checked(dfix: Runner, tmp_path: Path) -> None:
    for name in ("Dockerfile", "api/Dockerfile-windows", "web/app.dockerfile", "web/Dockerfile.template"):
        write(tmp_path, name, CLEAN)
    write_with_sources(tmp_path, "jobs/Dockerfile_dev", b"FROM a:1\n" + SAFE)
    result = dfix(".", cwd=tmp_path)
    assert "Found 1 issue in 1 of 4 files (1 fixable with --write)." in result.messages
    assert dfix("--check", ".", cwd=tmp_path).messages[-1] == "Would fix 1 issue in 1 of 4 files."
    two = dfix("jobs", "web", cwd=tmp_path)
    assert two.messages[-1] == "Found 1 issue in 1 of 2 files (1 fixable with --write)."


def test_unreadable_file(dfix: Runner, tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", CLEAN)
    write(tmp_path, "good.Dockerfile", CLEAN)
    path.chmod(0o000)
    if os.access(path, os.R_OK):
        path.chmod(0o644)
        pytest.skip("this user reads files with mode 000 (root with CAP_DAC_OVERRIDE)")
    try:
        result = dfix("--write", "Dockerfile", "good.Dockerfile", cwd=tmp_path)
    finally:
        path.chmod(0o644)
    assert result.code == 2
    assert result.messages[0] == "Dockerfile: Permission denied"
    assert "Nothing to report in 1 file." in result.messages


@pytest.mark.parametrize("filename", [None, "app/Dockerfile"])
def test_stdin_errors_name_the_input(dfix: Runner, filename: str | None) -> None:
    args = ["--stdin-filename", filename] if filename else []
    result = dfix("-", "--write", *args, stdin=b"FROM a:1\nRUN <<EOF\nx\n")
    assert (result.code, result.stdout) == (2, b"")
    assert re.fullmatch(re.escape(filename or "-") + ":" + HEREDOC_ERROR, result.messages[0])


def test_stdin_decode_error(dfix: Runner) -> None:
    result = dfix("-", "--stdin-filename", "Dockerfile", stdin=b"FROM a:1\nRUN \xe9t\xe9\n")
    assert (result.code, result.stdout) == (2, b"")
    assert result.messages[0] == "Dockerfile:2:5: invalid UTF-8 (byte 0xe9)"


# --- discovery ----------------------------------------------------------------------------------


def test_discovery_honours_gitignore(dfix: Runner, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, ".gitignore", b"dist/\n*.local.Dockerfile\n")
    for name in [
        "Dockerfile",
        "app/Containerfile",
        "app/api.Dockerfile",
        "app/dev.local.Dockerfile",
        "app/Dockerfile.dockerignore",
        "dist/Dockerfile",
        "node_modules/x/Dockerfile",
        ".venv/Dockerfile",
    ]:
        write(tmp_path, name, CLEAN)
    result = dfix("--format", "json", ".", cwd=tmp_path)
    assert result.code == 0
    assert [f["path"] for f in result.json()["files"]] == [
        "Dockerfile",
        "app/Containerfile",
        "app/api.Dockerfile",
    ]


# --- findings and fixes (DF601 add-local-source) -----------------------------------------------


def test_report_lists_findings_and_exits_1(dfix: Runner, tmp_path: Path) -> None:
    before = snapshot(write_with_sources(tmp_path, "Dockerfile", b"FROM a:1\n" + SAFE + UNSAFE + NO_FIX))
    result = dfix("Dockerfile", cwd=tmp_path)
    assert (result.code, result.stdout) == (1, b"")
    assert result.messages == [
        finding("Dockerfile", 2, fixed=True),
        finding("Dockerfile", 3, unsafe=True),
        finding("Dockerfile", 4),
        "Found 3 issues in 1 file (1 fixable with --write).",
        "1 more fix available with --unsafe-fixes.",
    ]
    assert snapshot(tmp_path / "Dockerfile") == before


def test_check_exits_1_when_a_file_would_change(dfix: Runner, tmp_path: Path) -> None:
    before = snapshot(write_with_sources(tmp_path, "Dockerfile", b"FROM a:1\n" + SAFE + NO_FIX))
    write(tmp_path, "clean.Dockerfile", CLEAN)
    result = dfix("--check", ".", cwd=tmp_path)
    assert (result.code, result.stdout) == (1, b"")
    assert result.messages == [finding("Dockerfile", 2, fixed=True), "Would fix 1 issue in 1 of 2 files."]
    assert snapshot(tmp_path / "Dockerfile") == before


def test_check_ignores_findings_without_a_fix(dfix: Runner, tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", b"FROM a:1\n" + NO_FIX)
    result = dfix("--check", "Dockerfile", cwd=tmp_path)
    assert (result.code, result.messages) == (0, ["Nothing to fix in 1 file."])


@pytest.mark.parametrize("mode", [["--diff"], ["--check", "--diff"]])
def test_diff_keeps_line_endings_and_marks_no_final_newline(
    dfix: Runner, tmp_path: Path, mode: list[str]
) -> None:
    before = snapshot(
        write_with_sources(tmp_path, "Dockerfile", b"FROM a:1\r\nADD app.py /app/\r\nRUN b\r\nADD c.txt /c")
    )
    result = dfix(*mode, "Dockerfile", cwd=tmp_path)
    assert result.code == 1
    assert result.stdout == (
        b"--- a/Dockerfile\n"
        b"+++ b/Dockerfile\n"
        b"@@ -1,4 +1,4 @@\n"
        b" FROM a:1\r\n"
        b"-ADD app.py /app/\r\n"
        b"+COPY app.py /app/\r\n"
        b" RUN b\r\n"
        b"-ADD c.txt /c\n"
        b"\\ No newline at end of file\n"
        b"+COPY c.txt /c\n"
        b"\\ No newline at end of file\n"
    )
    assert result.messages[-1] == "Would fix 2 issues in 1 file."
    assert snapshot(tmp_path / "Dockerfile") == before


def test_diff_applies_with_patch(dfix: Runner, tmp_path: Path) -> None:
    patch = shutil.which("patch")
    if patch is None:
        pytest.skip("no patch(1) on PATH")
    original = b"\xef\xbb\xbfADD a.txt /x\r\nFROM a:1\r\nRUN b\n\nadd c.txt /c"
    write_with_sources(tmp_path, "Dockerfile", original)
    diff = dfix("--diff", "Dockerfile", cwd=tmp_path).stdout
    subprocess.run([patch, "-p1", "--binary"], input=diff, cwd=tmp_path, check=True, capture_output=True)
    assert (
        tmp_path / "Dockerfile"
    ).read_bytes() == b"\xef\xbb\xbfCOPY a.txt /x\r\nFROM a:1\r\nRUN b\n\ncopy c.txt /c"


def test_write_applies_fixes_keeping_bytes_and_mode(dfix: Runner, tmp_path: Path) -> None:
    path = write_with_sources(
        tmp_path, "Dockerfile", b"\xef\xbb\xbf# c\r\nFROM a:1\r\nADD app.py /app/\r\nRUN b"
    )
    path.chmod(0o751)
    result = dfix("--write", "Dockerfile", cwd=tmp_path)
    assert (result.code, result.stdout, result.messages) == (
        0,
        b"",
        ["Fixed 1 issue in 1 file; 0 remaining."],
    )
    assert path.read_bytes() == b"\xef\xbb\xbf# c\r\nFROM a:1\r\nCOPY app.py /app/\r\nRUN b"
    assert path.stat().st_mode & 0o7777 == 0o751
    assert dfix("--check", "Dockerfile", cwd=tmp_path).code == 0


def test_write_on_crlf_file_changes_only_what_the_fixes_name(dfix: Runner, tmp_path: Path) -> None:
    original = (
        b"# syntax=docker/dockerfile:1\r\n"
        b"FROM alpine:3.19\r\n"
        b"RUN apk add curl \\\r\n"
        b"    && echo ADD\r\n"
        b"\r\n"
        b"ADD --chown=1:1 \\\r\n"
        b"    app.py \\\r\n"
        b"    /app/\r\n"
        b"RUN <<EOF\r\n"
        b"echo hi\r\n"
        b"EOF\r\n"
        b'CMD ["sh"]\r\n'
    )
    path = write_with_sources(tmp_path, "Dockerfile", original)
    result = dfix("--write", "Dockerfile", cwd=tmp_path)
    assert (result.code, result.messages) == (0, ["Fixed 2 issues in 1 file; 0 remaining."])
    after = path.read_bytes()
    assert after == original.replace(b"\r\nADD ", b"\r\nCOPY ").replace(b"apk add", b"apk add --no-cache")
    assert after.count(b"\r\n") == original.count(b"\r\n")
    assert b"\n" not in after.replace(b"\r\n", b"")


def test_write_exits_1_when_findings_remain(dfix: Runner, tmp_path: Path) -> None:
    path = write_with_sources(tmp_path, "Dockerfile", b"FROM a:1\n" + SAFE + NO_FIX)
    result = dfix("--write", "Dockerfile", cwd=tmp_path)
    assert result.code == 1
    assert result.messages == [finding("Dockerfile", 3), "Fixed 1 issue in 1 file; 1 remaining."]
    assert path.read_bytes() == b"FROM a:1\n" + SAFE_FIXED + NO_FIX


def test_write_processes_the_other_files_when_one_fails(dfix: Runner, tmp_path: Path) -> None:
    bad = snapshot(write_with_sources(tmp_path, "bad.Dockerfile", b"FROM a:1\n" + SAFE + b"RUN <<EOF\n"))
    good = write(tmp_path, "good.Dockerfile", b"FROM a:1\n" + SAFE)
    result = dfix("--write", "bad.Dockerfile", "good.Dockerfile", cwd=tmp_path)
    assert result.code == 2
    assert re.fullmatch("bad.Dockerfile:" + HEREDOC_ERROR, result.messages[0])
    assert snapshot(tmp_path / "bad.Dockerfile") == bad
    assert good.read_bytes() == b"FROM a:1\n" + SAFE_FIXED


def test_stdin_write_prints_the_fixed_text(dfix: Runner, tmp_path: Path) -> None:
    # The sources are beside the Dockerfile the stdin filename names, but only stdin is read.
    path = write_with_sources(tmp_path, "Dockerfile", CLEAN)
    text = b"FROM a:1\r\nADD app.py /app/\r\nAD\\\r\nD a.txt /x"
    result = dfix("-", "--write", "--stdin-filename", "Dockerfile", stdin=text, cwd=tmp_path)
    assert (result.code, result.stdout) == (1, b"FROM a:1\r\nCOPY app.py /app/\r\nAD\\\r\nD a.txt /x")
    assert result.messages[0] == finding("Dockerfile", 3)
    assert path.read_bytes() == CLEAN


def test_stdin_diff_uses_the_stdin_filename(dfix: Runner, tmp_path: Path) -> None:
    write_with_sources(tmp_path, "svc/Dockerfile", CLEAN)
    result = dfix(
        "-", "--diff", "--stdin-filename", "svc/Dockerfile", stdin=b"FROM a:1\n" + SAFE, cwd=tmp_path
    )
    assert result.code == 1
    assert result.stdout.startswith(b"--- a/svc/Dockerfile\n+++ b/svc/Dockerfile\n")
    assert result.messages[0] == finding("svc/Dockerfile", 2, fixed=True)


def test_unsafe_fixes(dfix: Runner, tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", b"FROM a:1\n" + UNSAFE)
    assert dfix("--check", "Dockerfile", cwd=tmp_path).code == 0
    result = dfix("--write", "Dockerfile", cwd=tmp_path)
    assert (result.code, path.read_bytes()) == (1, b"FROM a:1\n" + UNSAFE)
    assert result.messages == [
        finding("Dockerfile", 2, unsafe=True),
        "Fixed 0 issues in 0 files; 1 remaining.",
        "1 more fix available with --unsafe-fixes.",
    ]
    result = dfix("--check", "--unsafe-fixes", "Dockerfile", cwd=tmp_path)
    assert (result.code, result.messages) == (
        1,
        [finding("Dockerfile", 2, fixed=True), "Would fix 1 issue in 1 file."],
    )
    result = dfix("--write", "--unsafe-fixes", "Dockerfile", cwd=tmp_path)
    assert (result.code, path.read_bytes()) == (0, b"FROM a:1\n" + UNSAFE_FIXED)


@pytest.mark.parametrize(
    ("app_py", "stdin", "applicability"),
    [
        pytest.param(SOURCES["app.py"], None, "safe", id="plain-file"),
        pytest.param(tar_archive("app.py", SOURCES["app.py"]), None, None, id="tar-by-content"),
        pytest.param(None, None, "unsafe", id="missing"),
        pytest.param(SOURCES["app.py"], [], "unsafe", id="stdin"),
        pytest.param(SOURCES["app.py"], ["--stdin-filename", "Dockerfile"], "safe", id="stdin-filename"),
    ],
)
def test_df601_safety_comes_from_the_build_context(
    dfix: Runner, tmp_path: Path, app_py: bytes | None, stdin: list[str] | None, applicability: str | None
) -> None:
    # The same `ADD app.py /app/`: a safe fix when the context (the Dockerfile's directory, or the
    # --stdin-filename's) shows app.py a plain file; no fix at all when app.py is a tar by content
    # (ADD unpacks it, whatever its name); unsafe when app.py is missing or on stdin without a name,
    # even with app.py in the working directory.
    text = b"FROM a:1\n" + SAFE
    path = write(tmp_path, "Dockerfile", text)
    if app_py is not None:
        write(tmp_path, "app.py", app_py)
    name = "Dockerfile" if stdin is None else "-" if not stdin else stdin[1]
    inputs = ["Dockerfile"] if stdin is None else ["-", *stdin]

    def run(*args: str) -> Result:
        return dfix(*args, *inputs, stdin=b"" if stdin is None else text, cwd=tmp_path)

    diagnostics = run("--format", "json").json()["files"][0]["diagnostics"]
    assert [(d["code"], d["applicability"]) for d in diagnostics] == (
        [("DF601", applicability)] if applicability else []
    )
    report = run()
    assert report.code == (1 if applicability else 0)
    if applicability:
        safe, unsafe = applicability == "safe", applicability == "unsafe"
        assert report.messages[0] == finding(name, 2, fixed=safe, unsafe=unsafe)
    for args, fixed in [
        (["--write"], applicability == "safe"),
        (["--write", "--unsafe-fixes"], applicability is not None),
    ]:
        stdout = run(*args).stdout
        output = stdout if stdin is not None else path.read_bytes()
        assert output == (b"FROM a:1\n" + SAFE_FIXED if fixed else text)
        path.write_bytes(text)


@pytest.mark.parametrize(
    ("args", "found"),
    [
        pytest.param([], True, id="all"),
        pytest.param(["--select", "DF601"], True, id="select-code"),
        pytest.param(["--select", "DF6"], True, id="select-prefix"),
        pytest.param(["--select", "add-local-source"], True, id="select-name"),
        pytest.param(["--select", "DL3020"], True, id="select-alias"),
        pytest.param(["--select", "ckv_docker_4"], True, id="select-alias-any-case"),
        pytest.param(["--select", "DF110"], False, id="select-other"),
        pytest.param(["--select", "DF110,DF601"], True, id="select-comma"),
        pytest.param(["--select", "DF110", "--select", "DL3020"], True, id="select-repeated"),
        pytest.param(["--ignore", "DF601"], False, id="ignore-code"),
        pytest.param(["--ignore", "add-local-source"], False, id="ignore-name"),
        pytest.param(["--ignore", "DL3020"], False, id="ignore-alias"),
        pytest.param(["--ignore", "DF110, DS-0005"], False, id="ignore-comma"),
        pytest.param(["--ignore", "DF110"], True, id="ignore-other"),
        pytest.param(["--select", "DF601", "--ignore", "DL3020"], False, id="select-then-ignore"),
    ],
)
def test_select_and_ignore_reach_the_rules(
    dfix: Runner, tmp_path: Path, args: list[str], found: bool
) -> None:
    write_with_sources(tmp_path, "Dockerfile", CLEAN)
    stdin = ["-", "--stdin-filename", "Dockerfile"]
    text = b"FROM a:1\n" + SAFE + UNSAFE + NO_FIX
    result = dfix(*stdin, "--format", "json", *args, stdin=text, cwd=tmp_path)
    assert [d["code"] for d in result.json()["files"][0]["diagnostics"]] == ["DF601"] * 3 * found
    result = dfix(*stdin, "--write", *args, stdin=text, cwd=tmp_path)
    assert (result.code, result.stdout) == (
        (1, b"FROM a:1\n" + SAFE_FIXED + UNSAFE + NO_FIX) if found else (0, text)
    )


def test_json_document(dfix: Runner, tmp_path: Path) -> None:
    write_with_sources(tmp_path, "Dockerfile", b"FROM a:1\n" + SAFE + NO_FIX)
    write(tmp_path, "bin.Dockerfile", b"\x00")
    result = dfix("--format", "json", "--diff", "Dockerfile", "bin.Dockerfile", cwd=tmp_path)
    assert result.code == 2
    assert result.messages == ["bin.Dockerfile:1:1: binary file (NUL byte)"]
    document = result.json()
    assert document["version"] == fixer.__version__
    assert document["files"] == [
        {
            "path": "Dockerfile",
            "changed": True,
            "written": False,
            "error": None,
            "diagnostics": [
                {
                    "code": "DF601",
                    "name": "add-local-source",
                    "line": 2,
                    "column": 1,
                    "end_line": 2,
                    "end_column": 17,
                    "message": MESSAGE,
                    "fix_title": FIX_TITLE,
                    "edits": [keyword_edit(2)],
                    "applicability": "safe",
                    "fixable": True,
                    "fixed": False,  # --diff writes nothing
                    "build_flags": [],
                },
                {
                    "code": "DF601",
                    "name": "add-local-source",
                    "line": 3,
                    "column": 1,
                    "end_line": 4,
                    "end_column": 11,
                    "message": MESSAGE,
                    "fix_title": None,
                    "edits": [],
                    "applicability": None,
                    "fixable": False,
                    "fixed": False,
                    "build_flags": [],
                },
            ],
            "edits": [
                {"line": 2, "column": 1, "end_line": 3, "end_column": 1, "content": "COPY app.py /app/\n"}
            ],
            "diff": (
                "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,4 +1,4 @@\n"
                " FROM a:1\n-ADD app.py /app/\n+COPY app.py /app/\n AD\\\n D a.txt /x\n"
            ),
        },
        {
            "path": "bin.Dockerfile",
            "changed": False,
            "written": False,
            "error": {"line": 1, "column": 1, "message": "binary file (NUL byte)"},
            "diagnostics": [],
            "edits": [],
        },
    ]


@pytest.mark.parametrize("unsafe", [False, True])
def test_json_unsafe_fix(dfix: Runner, unsafe: bool) -> None:
    args = ["--unsafe-fixes"] if unsafe else []
    result = dfix("-", "--write", "--format", "json", *args, stdin=b"FROM a:1\n" + UNSAFE)
    (entry,) = result.json()["files"]
    (diagnostic,) = entry["diagnostics"]
    assert (result.code, entry["changed"], entry["output"]) == (
        (0, True, "FROM a:1\nCOPY src /x\n") if unsafe else (1, False, "FROM a:1\nADD src /x\n")
    )
    assert diagnostic == {
        "code": "DF601",
        "name": "add-local-source",
        "line": 2,
        "column": 1,
        "end_line": 2,
        "end_column": 11,
        "message": MESSAGE,
        "fix_title": FIX_TITLE,
        "edits": [keyword_edit(2)],
        "applicability": "unsafe",
        "fixable": unsafe,
        "fixed": unsafe,  # the fixed text is in "output"
        "build_flags": [],
    }


def test_json_stdin_write_carries_the_output(dfix: Runner, tmp_path: Path) -> None:
    write_with_sources(tmp_path, "Dockerfile", CLEAN)
    args = ["--stdin-filename", "Dockerfile"]
    result = dfix("-", "--write", "--format", "json", *args, stdin=b"ADD app.py /app/\r\n", cwd=tmp_path)
    assert (result.code, result.json()["files"][0]["output"]) == (0, "COPY app.py /app/\r\n")


def test_json_gives_each_file_the_combined_edits_write_applies(dfix: Runner, tmp_path: Path) -> None:
    # DF102's cleanup (inserted at 3:28) lies inside DF110's merge (2:1-4:1): applying every
    # finding's edits corrupts the file; the file's own edits give what --write writes
    text = b"FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n"
    write(tmp_path, "Dockerfile", text)
    (entry,) = dfix("--format", "json", "--select", "DF102,DF110", "Dockerfile", cwd=tmp_path).json()["files"]
    written = dfix("--write", "--select", "DF102,DF110", "Dockerfile", cwd=tmp_path)
    assert written.code == 0 and not any(d["fixed"] for d in entry["diagnostics"])  # nothing written then
    lines = text.decode().splitlines(keepends=True)
    for edit in reversed(entry["edits"]):  # whole lines, sorted, not overlapping
        assert edit["column"] == edit["end_column"] == 1
        lines[edit["line"] - 1 : edit["end_line"] - 1] = [edit["content"]]
    assert "".join(lines) == (tmp_path / "Dockerfile").read_text()


# A first pass adds a line to the RUN on lines 2-3 (DF102) and `-y` to line 5 (DF101); DF104 waits
# a pass for `-y`, and finds `apt-get install` on line 6 of that pass's text: line 5 of the file.
TWO_PASSES = (
    b"FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl\n"
    b"WORKDIR /app\nRUN apt-get update && apt-get install gdb && rm -rf /var/lib/apt/lists/*\n"
)


@pytest.mark.parametrize("mode", [[], ["--check"], ["--diff", "--format", "json"]])
def test_findings_of_a_later_pass_are_placed_in_the_file_as_given(dfix: Runner, mode: list[str]) -> None:
    result = dfix("-", "--select", "DF101,DF102,DF104", "--unsafe-fixes", *mode, stdin=TWO_PASSES)
    if "json" in mode:
        found = [
            (d["code"], d["line"], d["column"], d["edits"][0]["line"], d["edits"][0]["column"])
            for d in result.json()["files"][0]["diagnostics"]
        ]
        assert found == [("DF102", 2, 1, 3, 55), ("DF101", 5, 23, 5, 38), ("DF104", 5, 23, 5, 38)]
    else:
        assert [m.split(" [*] ")[0] for m in result.messages[:3]] == [
            "-:2:1: DF102",
            "-:5:23: DF101",
            "-:5:23: DF104",
        ]


# --- the argument parser (fixer/arguments.py) through the entry point ---------------------------

MAIN_USAGE = ["Usage: dfix [OPTIONS] [PATH]...", "Try 'dfix --help' for more information."]


def usage_lines(command: str) -> list[str]:
    usage = {
        "rules": "Usage: dfix rules [OPTIONS]",
        "explain": "Usage: dfix explain RULE",
        "verify": "Usage: dfix verify [OPTIONS] [PATH]...",
    }[command]
    return [usage, f"Try 'dfix {command} --help' for more information."]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--wirte"], "unknown option --wirte (did you mean --write?)", id="unknown-suggested"),
        pytest.param(
            ["--unsafe-fix"], "unknown option --unsafe-fix (did you mean --unsafe-fixes?)", id="near"
        ),
        pytest.param(["--bogus"], "unknown option --bogus", id="unknown-nothing-close"),
        pytest.param(["-x", "-"], "unknown option -x", id="unknown-short"),
        pytest.param(["--select=DF601", "--frmat=json"], "unknown option --frmat (did you mean --format?)"),
        pytest.param(
            ["--format", "xml"], "--format: 'xml' is not a format; choose text or json", id="choice"
        ),
        pytest.param(["--format=xml"], "--format: 'xml' is not a format; choose text or json", id="choice="),
        pytest.param(["--select"], "--select needs a value (CODES)", id="missing-value-at-end"),
        pytest.param(["--select", "--write"], "--select needs a value (CODES)", id="missing-value-flag"),
        pytest.param(["--format", "-"], "--format needs a value (text|json)", id="missing-choice"),
        pytest.param(["--write=yes"], "--write takes no value", id="value-to-a-flag"),
        pytest.param(
            ["--target", "build", "--target", "test", "-"],
            "--target given twice with different values ('build', then 'test')",
            id="twice-different",
        ),
        pytest.param(
            ["--write", "--check", "Dockerfile"],
            "--write cannot be combined with --check or --diff",
            id="make-options",
        ),
        pytest.param(
            ["--stdin-filename", "x", "Dockerfile"],
            "--stdin-filename needs '-' as the only path",
            id="make-options-stdin-filename",
        ),
    ],
)
def test_usage_errors_in_dfix_words(dfix: Runner, tmp_path: Path, args: list[str], message: str) -> None:
    before = snapshot(write(tmp_path, "Dockerfile", CLEAN))
    result = dfix(*args, cwd=tmp_path)
    assert (result.code, result.stdout, result.messages) == (2, b"", [f"dfix: {message}", *MAIN_USAGE])
    assert snapshot(tmp_path / "Dockerfile") == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["explain"], "missing RULE", id="explain-missing-rule"),
        pytest.param(["explain", "DF601", "DL3020"], "unexpected argument 'DL3020'", id="explain-two"),
        pytest.param(["explain", "--bogus", "DF601"], "unknown option --bogus", id="explain-option"),
        pytest.param(["rules", "Dockerfile"], "unexpected argument 'Dockerfile'", id="rules-path"),
        pytest.param(["rules", "--fromat", "json"], "unknown option --fromat (did you mean --format?)"),
        pytest.param(
            ["rules", "--format", "json", "--format", "text"],
            "--format given twice with different values ('json', then 'text')",
            id="rules-twice",
        ),
        pytest.param(
            ["verify", "--format", "html"],
            "--format: 'html' is not a format; choose text, json or markdown",
            id="verify-format",
        ),
        pytest.param(
            ["verify", "--builder", "podman"],
            "--builder: 'podman' is not a builder; choose auto, buildah or docker",
            id="verify-builder",
        ),
        pytest.param(["verify", "--build-arg"], "--build-arg needs a value (K=V)", id="verify-build-arg"),
        pytest.param(
            ["verify", "--build-arg", "DFIX_TEST_UNSET_ARG"],
            "--build-arg DFIX_TEST_UNSET_ARG: no value given and none in the environment",
            id="verify-build-arg-unset",
        ),
        pytest.param(["verify", "--write"], "unknown option --write", id="verify-no-write"),
    ],
)
def test_subcommand_usage_errors_in_dfix_words(dfix: Runner, args: list[str], message: str) -> None:
    result = dfix(*args)
    command = args[0]
    assert (result.code, result.stdout) == (2, b"")
    assert result.messages == [f"dfix {command}: {message}", *usage_lines(command)]


def test_the_same_value_twice_is_no_error(dfix: Runner) -> None:
    once = dfix("--format", "json", "-", stdin=CLEAN)
    assert dfix("--format", "json", "--format=json", "-", stdin=CLEAN) == once
    assert once.code == 0


@pytest.mark.parametrize(
    ("spaced", "joined"),
    [
        (["--format", "json"], ["--format=json"]),
        (["--select", "DF6"], ["--select=DF6"]),
        (["--ignore", "DF601"], ["--ignore=DF601"]),
        (["--stdin-filename", "Dockerfile"], ["--stdin-filename=Dockerfile"]),
        (["--context", "."], ["--context=."]),
    ],
)
def test_option_equals_value_is_option_space_value(
    dfix: Runner, tmp_path: Path, spaced: list[str], joined: list[str]
) -> None:
    write_with_sources(tmp_path, "Dockerfile", CLEAN)
    text = b"FROM a:1\n" + SAFE + UNSAFE
    results = [dfix("--write", *args, "-", stdin=text, cwd=tmp_path) for args in (spaced, joined)]
    assert results[0] == results[1]
    assert results[0].code in (0, 1)


def test_a_value_starting_with_a_dash_is_given_with_equals(dfix: Runner, tmp_path: Path) -> None:
    write_with_sources(tmp_path, "Dockerfile", CLEAN)
    result = dfix("--write", "--stdin-filename=-x/Dockerfile", "-", stdin=b"FROM a:1\n" + SAFE, cwd=tmp_path)
    assert result.messages[0].startswith("-x/Dockerfile:2:1: DF601")


def test_double_dash_ends_the_options(dfix: Runner, tmp_path: Path) -> None:
    # a Dockerfile literally named `--write`: after `--` it is a path, and nothing is written
    path = write_with_sources(tmp_path, "--write", b"FROM a:1\n" + SAFE)
    before = snapshot(path)
    result = dfix("--check", "--", "--write", cwd=tmp_path)
    assert (result.code, result.messages) == (
        1,
        [finding("--write", 2, fixed=True), "Would fix 1 issue in 1 file."],
    )
    assert snapshot(path) == before
    missing = dfix("--check", "--", "-h", cwd=tmp_path)
    assert missing.messages == ["-h: No such file or directory", "1 input could not be processed."]


def test_paths_and_options_interspersed(dfix: Runner, tmp_path: Path) -> None:
    for name in ("a/Dockerfile", "b/Dockerfile"):
        write_with_sources(tmp_path, name, b"FROM a:1\n" + SAFE)
    canonical = dfix("--diff", "--select", "DF601", "--format", "json", "a", "b", cwd=tmp_path)
    assert [f["path"] for f in canonical.json()["files"]] == ["a/Dockerfile", "b/Dockerfile"]
    for args in (
        ["a", "--diff", "b", "--select", "DF601", "--format", "json"],
        ["--format=json", "a", "--select=DF601", "b", "--diff"],
        ["a", "b", "--format", "json", "--diff", "--select", "DF601"],
    ):
        assert dfix(*args, cwd=tmp_path) == canonical, args


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        pytest.param(["--help"], "Usage: dfix [OPTIONS] [PATH]...", id="main"),
        pytest.param(["-h"], "Usage: dfix [OPTIONS] [PATH]...", id="main-short"),
        pytest.param(["--write", ".", "-h"], "Usage: dfix [OPTIONS] [PATH]...", id="main-after"),
        pytest.param(["--bogus", "--format", "xml", "-h"], "Usage: dfix [OPTIONS] [PATH]...", id="help-wins"),
        pytest.param(["rules", "-h"], "Usage: dfix rules [OPTIONS]", id="rules"),
        pytest.param(
            ["rules", "--format", "json", "--help"], "Usage: dfix rules [OPTIONS]", id="rules-after"
        ),
        pytest.param(["explain", "--help"], "Usage: dfix explain RULE", id="explain"),
        pytest.param(["explain", "DF601", "-h"], "Usage: dfix explain RULE", id="explain-after"),
        pytest.param(["verify", "--help"], "Usage: dfix verify [OPTIONS] [PATH]...", id="verify"),
        pytest.param(
            ["verify", ".", "--pin", "-h"], "Usage: dfix verify [OPTIONS] [PATH]...", id="verify-after"
        ),
    ],
)
def test_help_anywhere_on_stdout_exit_0(dfix: Runner, args: list[str], usage: str) -> None:
    result = dfix(*args)
    assert (result.code, result.stderr) == (0, "")
    text = result.stdout.decode()
    assert text.splitlines()[0] == usage
    assert "  -h, --help " in text


def test_verify_help_lists_its_options(dfix: Runner) -> None:
    text = dfix("verify", "--help").stdout.decode()
    for option in (
        "--unsafe-fixes",
        "--select CODES",
        "--ignore CODES",
        "--context DIR",
        "--build-arg K=V",
        "--target STAGE",
        "--builder auto|buildah|docker",
        "--insecure-registry HOST",
        "--pin",
        "--format text|json|markdown",
    ):
        assert f"  {option} " in text, option
    assert "RUNS THE DOCKERFILE'S RUN STEPS" in text


def test_build_arg_name_alone_takes_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from fixer.cli import _split_build_arg

    monkeypatch.setenv("DFIX_TEST_ARG", "from-env")
    monkeypatch.delenv("DFIX_TEST_UNSET_ARG", raising=False)
    assert _split_build_arg("DFIX_TEST_ARG") == ("DFIX_TEST_ARG", "from-env")
    assert _split_build_arg("K=a=b") == ("K", "a=b")
    assert _split_build_arg("K=") == ("K", "")
    with pytest.raises(ValueError, match="no value given and none in the environment"):
        _split_build_arg("DFIX_TEST_UNSET_ARG")


# What no dfix process imports any more (the CLI parses its own arguments), nor the plain runs
# beyond what they need: the directory walk and the diff load only when asked for.
HEAVY = ["typer", "pydantic", "click", "rich", "argparse", "pathspec", "difflib"]


@pytest.mark.parametrize(
    ("argv", "stdin"),
    [
        pytest.param(["-", "--write"], CLEAN, id="stdin"),
        pytest.param(["--write", "--stdin-filename", "Dockerfile", "-"], CLEAN, id="stdin-filename"),
        pytest.param(["--format", "json", "-"], b"", id="json"),
        pytest.param(["--select=DF6", "--ignore", "DF601", "--target", "x", "-"], b"", id="values"),
        pytest.param(["rules"], b"", id="rules"),
        pytest.param(["rules", "--format", "json"], b"", id="rules-json"),
        pytest.param(["explain", "DL3020"], b"", id="explain"),
        pytest.param(["--help"], b"", id="help"),
        pytest.param(["--version"], b"", id="version"),
    ],
)
def test_plain_runs_skip_heavy_imports(argv: list[str], stdin: bytes, tmp_path: Path) -> None:
    # Cold start of `dfix -` (editor and pre-commit integrations) stays near the parser's own import,
    # whatever options it is given.
    code = (
        f"import sys; sys.argv = ['dfix', *{argv!r}]\n"
        "from fixer.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr)\n"
    )
    result = runner([sys.executable, "-c", code], tmp_path)(stdin=stdin)
    assert result.messages[-1] == "[]"
    if stdin:
        assert result.stdout == stdin


def test_only_the_error_path_imports_difflib(tmp_path: Path) -> None:
    code = (
        "import sys; sys.argv = ['dfix', '--wirte', '-']\n"
        "from fixer.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('difflib' in sys.modules, 'typer' in sys.modules, file=sys.stderr)\n"
    )
    result = runner([sys.executable, "-c", code], tmp_path)()
    assert result.messages[0] == "dfix: unknown option --wirte (did you mean --write?)"
    assert result.messages[-1] == "True False"


# --- dfix rules, dfix explain -------------------------------------------------------------------


def test_rules_table(dfix: Runner) -> None:
    result = dfix("rules")
    assert (result.code, result.stderr) == (0, "")
    header, *rows = result.stdout.decode().splitlines()
    assert header.split() == ["Code", "Name", "Fix", "Summary"]
    assert len(rows) == len(RULES)
    fix_at, summary_at = header.index("Fix"), header.index("Summary")
    for row, rule in zip(rows, RULES, strict=True):
        summary = rule.summary + (" (opt-in)" if rule.opt_in else "")  # DF401/DF402 run when asked for
        assert row.split(maxsplit=2)[:2] == [rule.code, rule.name] and row[summary_at:] == summary
    fix = {row.split()[0]: row[fix_at:summary_at].strip() for row in rows}
    # DF104's fix is always there and never applied without --unsafe-fixes: the column said "always"
    assert [fix["DF104"], fix["DF601"], fix["DF102"], fix["DF201"]] == [
        "unsafe",
        "sometimes, safe or unsafe",
        "sometimes, safe",
        "none",
    ]


@pytest.mark.parametrize("args", [["--format", "json"], ["--format=json"]], ids=["spaced", "equals"])
def test_rules_json(dfix: Runner, args: list[str]) -> None:
    result = dfix("rules", *args)
    assert (result.code, result.stderr) == (0, "")
    entries = json.loads(result.stdout)
    assert [e["code"] for e in entries] == [rule.code for rule in RULES]
    assert [e["code"] for e in entries if e["opt_in"]] == ["DF401", "DF402"]
    (entry,) = (e for e in entries if e["code"] == "DF601")
    assert entry == {
        "code": "DF601",
        "name": "add-local-source",
        "summary": "`ADD` copies local files: use `COPY`",
        "aliases": ["DL3020", "DS-0005", "CKV_DOCKER_4"],
        "fix_availability": "sometimes",
        "fix_safety": "safe or unsafe",
        "fix_title": FIX_TITLE,
        "opt_in": False,
        "buildkit_check": None,
        "reads_onbuild_triggers": False,  # ONBUILD ADD copies in the child's context: not read
        "image_changes": "nothing",  # ADD and COPY of plain files put the same files in the image
        "explanation": inspect.cleandoc(AddLocalSource.__doc__ or ""),
    }


def test_rules_text_is_the_default_format(dfix: Runner) -> None:
    assert dfix("rules", "--format=text") == dfix("rules", "--format", "text") == dfix("rules")


@pytest.mark.parametrize(
    "selector", ["DF601", "df601", "add-local-source", "DL3020", "DS-0005", "CKV_DOCKER_4"]
)
def test_explain(dfix: Runner, selector: str) -> None:
    result = dfix("explain", selector)
    assert (result.code, result.stderr) == (0, "")
    text = result.stdout.decode()
    header, docs = text.split("\n\n## What it does\n", 1)
    assert header.splitlines() == [
        "# add-local-source (DF601)",
        "",
        "`ADD` copies local files: use `COPY`",
        "",
        "Aliases: DL3020, DS-0005, CKV_DOCKER_4",
        f"Fix is sometimes available (safe or unsafe): {FIX_TITLE}",
        "What the fix may change in the built image: nothing",
    ]
    assert "## What it does\n" + docs == inspect.cleandoc(AddLocalSource.__doc__ or "") + "\n"
    for section in ("What it does", "Why is this bad?", "Example", "Fix safety", "References"):
        assert f"\n## {section}\n" in text  # dedented: every heading starts its line
    assert "\n    " not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--select", "DF999"], "--select: `DF999` names no rule (did you mean DF109?)", id="code"
        ),
        pytest.param(
            ["--select", "DF1O2"], "--select: `DF1O2` names no rule (did you mean DF102,", id="letter-o"
        ),
        pytest.param(
            ["--select", "DF601,Dockerfile"], "--select: `Dockerfile` names no rule", id="in-a-list"
        ),
        pytest.param(
            ["--ignore", "NOPE"], "--ignore: `NOPE` names no rule (`dfix rules` lists them)", id="ignore"
        ),
        pytest.param(["--select", "root-final-usr"], "(did you mean root-final-user?)", id="name"),
    ],
)
def test_a_selector_that_names_no_rule_exits_2(
    dfix: Runner, tmp_path: Path, args: list[str], message: str
) -> None:
    """A typo must not turn a CI gate into a silent pass."""
    path = write_with_sources(tmp_path, "Dockerfile", b"FROM a:1\n" + SAFE)
    before = snapshot(path)
    result = dfix("--write", *args, "Dockerfile", cwd=tmp_path)
    assert (result.code, result.stdout) == (2, b"")
    (line,) = result.messages
    assert line.startswith("dfix: ") and message in line
    assert snapshot(path) == before


@pytest.mark.parametrize("key", ["select", "extend-select", "ignore", "extend-ignore", "extend-safe-fixes"])
def test_a_config_selector_that_names_no_rule_exits_2(dfix: Runner, tmp_path: Path, key: str) -> None:
    write(tmp_path, ".dfix.toml", f"{key} = ['DF601', 'DF999']\n".encode())
    path = write_with_sources(tmp_path, "Dockerfile", b"FROM a:1\n" + SAFE)
    before = snapshot(path)
    result = dfix("--write", "Dockerfile", cwd=tmp_path)
    assert result.code == 2
    assert f"`{key}`: `DF999` names no rule (did you mean DF109?)" in result.messages[0]
    assert snapshot(path) == before


@pytest.mark.parametrize("selector", ["DF999", "DF6", "add", ""])
def test_explain_unknown_rule_exits_2(dfix: Runner, selector: str) -> None:
    result = dfix("explain", selector)
    assert (result.code, result.stdout) == (2, b"")
    assert result.messages == [f"dfix explain: unknown rule {selector!r} (`dfix rules` lists them)"]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["explain"], id="explain-without-rule"),
        pytest.param(["explain", "DF601", "DL3020"], id="explain-two-rules"),
        pytest.param(["explain", "--bogus"], id="explain-unknown-option"),
        pytest.param(["rules", "--format", "xml"], id="rules-unknown-format"),
        pytest.param(["rules", "Dockerfile"], id="rules-with-path"),
    ],
)
def test_subcommand_usage_error_exits_2(dfix: Runner, args: list[str]) -> None:
    result = dfix(*args)
    assert (result.code, result.stdout) == (2, b"")
    assert f"Usage: dfix {args[0]}" in result.stderr


@pytest.mark.parametrize(
    ("command", "option"), [("rules", "--format"), ("explain", "RULE"), ("verify", "--build-arg")]
)
def test_subcommand_help(dfix: Runner, command: str, option: str) -> None:
    result = dfix(command, "--help")
    assert result.code == 0
    assert f"Usage: dfix {command}".encode() in result.stdout
    assert option.encode() in result.stdout


def test_help_lists_the_subcommands(dfix: Runner) -> None:
    stdout = dfix("--help").stdout
    assert b"dfix rules" in stdout
    assert b"dfix explain RULE" in stdout
    assert b"./rules" in stdout


def test_subcommand_only_as_first_argument(dfix: Runner, tmp_path: Path) -> None:
    # A directory named like a subcommand is reached as ./rules, or after another argument.
    write_with_sources(tmp_path, "rules/Dockerfile", b"FROM a:1\n" + SAFE)
    result = dfix("./rules", cwd=tmp_path)
    assert (result.code, result.messages[0]) == (1, finding("rules/Dockerfile", 2, fixed=True))
    assert dfix("--check", "rules", cwd=tmp_path).code == 1
    assert dfix("rules", cwd=tmp_path).stdout.startswith(b"Code ")


# --- configuration -------------------------------------------------------------------------------


def test_config_file_selects_and_promotes(dfix: Runner, tmp_path: Path) -> None:
    config = b"[tool.dfix]\nextend-safe-fixes = ['DF601']\nextend-ignore = ['DF3']\n"
    write(tmp_path, "pyproject.toml", config)
    path = write(tmp_path, "sub/Dockerfile", b"FROM x:1\n" + UNSAFE)
    result = dfix("--write", "sub/Dockerfile", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert path.read_bytes() == b"FROM x:1\n" + UNSAFE_FIXED


def test_config_ignore_and_cli_select_override(dfix: Runner, tmp_path: Path) -> None:
    write(tmp_path, ".dfix.toml", b"ignore = ['add-local-source', 'DF3']\n")
    write_with_sources(tmp_path, "Dockerfile", b"FROM x:1\n" + SAFE)
    assert dfix("Dockerfile", cwd=tmp_path).code == 0
    # --ignore adds to the file's list; --select replaces the file's select but not its ignore.
    assert dfix("--select", "DF6", "Dockerfile", cwd=tmp_path).code == 0


def test_config_for_stdin_comes_from_the_stdin_filename(dfix: Runner, tmp_path: Path) -> None:
    write(tmp_path, "app/.dfix.toml", b"unsafe-fixes = true\nextend-ignore = ['DF3']\n")
    result = dfix(
        "--write", "--stdin-filename", "app/Dockerfile", "-", stdin=b"FROM x:1\n" + UNSAFE, cwd=tmp_path
    )
    assert (result.code, result.stdout) == (0, b"FROM x:1\n" + UNSAFE_FIXED)


def test_bad_config_is_exit_2_naming_the_file(dfix: Runner, tmp_path: Path) -> None:
    write(tmp_path, ".dfix.toml", b"selekt = ['DF6']\n")
    path = write_with_sources(tmp_path, "Dockerfile", b"FROM x:1\n" + SAFE)
    before = snapshot(path)
    result = dfix("--write", "Dockerfile", cwd=tmp_path)
    assert result.code == 2
    assert result.messages[0] == ".dfix.toml:1:1: unknown key: selekt"  # relative, where
    assert snapshot(path) == before


def test_a_bad_config_is_said_once_relative_and_where(dfix: Runner, tmp_path: Path) -> None:
    write(tmp_path, ".dfix.toml", b'ignore = []\nselect = ["DF601",\n  oops]\n')
    for name in ("a/Dockerfile", "b/Dockerfile", "c/Dockerfile"):
        write(tmp_path, name, b"FROM x:1\n")
    result = dfix(".", cwd=tmp_path)
    assert result.code == 2
    assert result.messages == [".dfix.toml:3:3: Invalid value", "3 inputs could not be processed."]
    assert dfix("Dockerfile", cwd=tmp_path / "a").messages[0] == "../.dfix.toml:3:3: Invalid value"
    write(tmp_path, ".dfix.toml", b"ignore = []\n\n[lint]\nselect = 1\n")
    assert dfix(".", cwd=tmp_path).messages[0] == ".dfix.toml:3:1: unknown key: lint"


def test_a_crash_on_one_file_leaves_it_alone_and_the_others_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # No input is known to crash dfix (the day one does, it becomes a test of its own); a rule
    # bug is stood in for by a fix() that fails on one file's text.
    import fixer.cli

    broken = tmp_path / "broken.Dockerfile"
    fine = tmp_path / "fine.Dockerfile"
    broken.write_text("FROM debian:12\nRUN echo broken\n")
    fine.write_text("FROM debian:12\nADD app.py /app/\n")
    (tmp_path / "app.py").write_bytes(SOURCES["app.py"])
    real_fix = fixer.fix

    def fix(text: str, *args: Any, **kwargs: Any) -> fixer.FixResult:
        if "broken" in text:
            raise RecursionError("maximum recursion depth exceeded")
        return real_fix(text, *args, **kwargs)

    monkeypatch.setattr(fixer, "fix", fix)
    monkeypatch.setattr(sys, "argv", ["dfix", "--write", str(broken), str(fine)])
    with pytest.raises(SystemExit) as exited:
        fixer.cli.main()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"{broken}: dfix failed on this file and left it unchanged (RecursionError" in err
    assert broken.read_text() == "FROM debian:12\nRUN echo broken\n"
    assert fine.read_text() == "FROM debian:12\nCOPY app.py /app/\n"


def test_context_names_the_build_context_when_it_is_not_the_dockerfiles_directory(
    dfix: Runner, tmp_path: Path
) -> None:
    """`docker build -f docker/Dockerfile .`: the sources are next to the context, not the file."""
    write(tmp_path, "app.py", b"print('plain')\n")
    path = write(tmp_path, "docker/Dockerfile", b"FROM a:1\n" + SAFE)
    assert dfix("--write", "docker/Dockerfile", cwd=tmp_path).code == 1  # unsafe: no app.py there
    assert path.read_bytes() == b"FROM a:1\n" + SAFE
    assert dfix("--write", "--context", ".", "docker/Dockerfile", cwd=tmp_path).code == 0
    assert path.read_bytes() == b"FROM a:1\n" + SAFE_FIXED


def test_verify_refuses_a_selector_that_names_no_rule_before_building(dfix: Runner, tmp_path: Path) -> None:
    write_with_sources(tmp_path, "Dockerfile", b"FROM a:1\n" + SAFE)
    result = dfix("verify", "--select", "DF6O1", "Dockerfile", cwd=tmp_path)
    assert result.code == 2
    assert result.messages[0].startswith("dfix verify: --select: `DF6O1` names no rule (did you mean DF601")


# --- fixes that edit .dockerignore ---------------------------------------------------------------

KEY = b"-----BEGIN OPENSSH PRIVATE KEY-----\nZmFrZQ==\n-----END OPENSSH PRIVATE KEY-----\n"
COPY_DOT = b'FROM debian:12\nWORKDIR /app\nCOPY . .\nCMD ["./run"]\n'


def secret_context(directory: Path, ignore: bytes | None = None) -> Path:
    """A build context whose `COPY . .` brings a private key along (DF202's .dockerignore fix)."""
    dockerfile = write(directory, "Dockerfile", COPY_DOT)
    write(directory, "deploy/id_rsa", KEY)
    if ignore is not None:
        write(directory, ".dockerignore", ignore)
    return dockerfile


def test_diff_shows_the_dockerignore_it_creates_and_patch_applies_it(dfix: Runner, tmp_path: Path) -> None:
    secret_context(tmp_path / "app")
    result = dfix("--diff", "--unsafe-fixes", "--select", "DF202", "app", cwd=tmp_path)
    assert result.code == 1  # --diff fails when a file would change, here only .dockerignore
    assert result.stdout == (b"--- /dev/null\n+++ b/app/.dockerignore\n@@ -0,0 +1 @@\n+deploy/id_rsa\n")
    assert not (tmp_path / "app" / ".dockerignore").exists()
    patch = shutil.which("patch")
    if patch is not None:
        subprocess.run([patch, "-p1"], input=result.stdout, cwd=tmp_path, check=True, capture_output=True)
        assert (tmp_path / "app" / ".dockerignore").read_bytes() == b"deploy/id_rsa\n"


def test_write_edits_the_dockerignore_and_leaves_the_dockerfile(dfix: Runner, tmp_path: Path) -> None:
    dockerfile = secret_context(tmp_path, ignore=b"*.log\r\nnode_modules")
    before = snapshot(dockerfile)
    result = dfix("--write", "--unsafe-fixes", "--select", "DF202", "Dockerfile", cwd=tmp_path)
    assert (result.code, result.stdout, result.messages) == (
        0,
        b"",
        ["Fixed 1 issue in 1 file; 0 remaining."],
    )
    assert (tmp_path / ".dockerignore").read_bytes() == b"*.log\r\nnode_modules\r\ndeploy/id_rsa\r\n"
    assert snapshot(dockerfile) == before  # not rewritten: its text did not change
    assert dfix("--check", "--unsafe-fixes", "--select", "DF202", "Dockerfile", cwd=tmp_path).code == 0


def test_json_names_the_other_file_and_the_edits_placed_in_it(dfix: Runner, tmp_path: Path) -> None:
    secret_context(tmp_path, ignore=b"*.log\n")
    result = dfix("--format", "json", "--unsafe-fixes", "--select", "DF202", "Dockerfile", cwd=tmp_path)
    (entry,) = result.json()["files"]
    assert (entry["changed"], entry["written"]) == (True, False)
    assert entry["other_files"] == [{"path": ".dockerignore", "created": False}]
    (diagnostic,) = entry["diagnostics"]
    assert diagnostic["edits"] == []
    assert diagnostic["file_edits"] == [
        {
            "path": ".dockerignore",
            "edits": [{"line": 2, "column": 1, "end_line": 2, "end_column": 1, "content": "deploy/id_rsa\n"}],
        }
    ]


def test_stdin_gets_no_fix_that_edits_another_file(dfix: Runner, tmp_path: Path) -> None:
    secret_context(tmp_path)
    args = ("-", "--write", "--unsafe-fixes", "--select", "DF202", "--stdin-filename", "Dockerfile")
    result = dfix(*args, stdin=COPY_DOT, cwd=tmp_path)
    assert (result.code, result.stdout) == (1, COPY_DOT)
    assert "DF202" in result.messages[0] and "[*]" not in result.messages[0]
    assert not (tmp_path / ".dockerignore").exists()


def test_a_symlinked_dockerignore_is_never_written_through(dfix: Runner, tmp_path: Path) -> None:
    secret_context(tmp_path)
    outside = write(tmp_path.parent, "outside-rules", b"*.log\n")
    (tmp_path / ".dockerignore").symlink_to(outside)
    result = dfix("--write", "--unsafe-fixes", "--select", "DF202", "Dockerfile", cwd=tmp_path)
    assert result.code == 1 and outside.read_bytes() == b"*.log\n"


# --- closed and broken streams, Ctrl-C ---------------------------------------------------------


def shell(tmp_path: Path, redirect: str, *args: str) -> Result:
    """dfix's console script run by sh with ``redirect`` applied (``>&-``, ``2>&-``, …)."""
    import shlex

    command = f"{shlex.join([*console_script(), *args])} {redirect}"
    done = subprocess.run(["sh", "-c", command], capture_output=True, cwd=tmp_path, timeout=60, check=False)
    return Result(done.returncode, done.stdout, done.stderr.decode())


def test_a_closed_or_full_stdout_is_an_error_exit_never_a_traceback(tmp_path: Path) -> None:
    write_with_sources(tmp_path, "Dockerfile", b"FROM a:1\n" + SAFE)
    for args in (["--diff", "Dockerfile"], ["--format", "json", "Dockerfile"], ["rules"]):
        closed = shell(tmp_path, ">&-", *args)
        assert closed.code == 2, (args, closed)
        assert closed.messages[-1] == "dfix: cannot write the output: standard output is closed"
        assert "Traceback" not in closed.stderr
    full = shell(tmp_path, ">/dev/full", "--diff", "Dockerfile")
    assert (full.code, full.messages[-1]) == (2, "dfix: cannot write the output: No space left on device")
    # nothing for stdout in report mode: the findings code, as with an open stdout
    assert shell(tmp_path, ">&-", "Dockerfile").code == 1


def test_a_closed_stderr_never_puts_messages_into_stdout(tmp_path: Path) -> None:
    write_with_sources(tmp_path, "Dockerfile", b"FROM a:1\n" + SAFE)
    result = shell(tmp_path, "2>&-", "--diff", "Dockerfile")
    assert result.code == 1
    assert result.stdout.startswith(b"--- a/Dockerfile\n") and b"DF601" not in result.stdout


def test_a_closed_stdin_is_a_read_error(tmp_path: Path) -> None:
    result = shell(tmp_path, "<&-", "-")
    assert (result.code, result.messages) == (
        2,
        ["-: standard input is closed", "1 input could not be processed."],
    )


def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path: Path) -> None:
    write_with_sources(tmp_path, "Dockerfile", b"FROM a:1\n" + SAFE)
    process = subprocess.Popen(
        [*console_script(), "--diff", "Dockerfile"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # `| head -0`: gone before dfix writes
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 2
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


def test_ctrl_c_exits_130_without_a_traceback_or_a_temporary_file(tmp_path: Path) -> None:
    import signal
    import time

    # A tree of 2,000 files to rewrite (each fsynced): interrupted once the first is written
    original = b"FROM a:1\nRUN apt-get install curl\n"
    for n in range(2000):
        write(tmp_path / f"d{n:04}", "Dockerfile", original)
    first, last = tmp_path / "d0000" / "Dockerfile", tmp_path / "d1999" / "Dockerfile"
    process = subprocess.Popen(
        [*console_script(), "--write", "--unsafe-fixes", "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while first.read_bytes() == original and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert last.read_bytes() == original, "the run ended before it was interrupted"
    assert process.returncode == 130
    assert stderr.decode().splitlines()[-1] == "dfix: interrupted" and "Traceback" not in stderr.decode()
    left = sorted(p.name for p in tmp_path.rglob("*") if p.is_file() and p.name != "Dockerfile")
    assert left == []


def test_write_keeps_hard_links_and_their_text_when_the_write_fails(tmp_path: Path) -> None:
    import resource
    import signal

    original = b"FROM a:1\nRUN apt-get install curl\n"
    path = write(tmp_path, "Dockerfile", original)
    os.link(path, tmp_path / "linked")

    def small_files() -> None:  # the fixed text is longer than this: its write fails (EFBIG)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(original) + 4, len(original) + 4))

    failed = subprocess.run(
        [*console_script(), "--write", "--unsafe-fixes", "Dockerfile"],
        cwd=tmp_path,
        capture_output=True,
        preexec_fn=small_files,
        check=False,
    )
    assert failed.returncode == 2 and b"Dockerfile: File too large" in failed.stderr
    assert path.read_bytes() == original and (tmp_path / "linked").read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile", "linked"]  # no recovery file
    done = subprocess.run(
        [*console_script(), "--write", "--unsafe-fixes", "Dockerfile"], cwd=tmp_path, check=False
    )
    assert done.returncode in (0, 1)
    assert (tmp_path / "linked").read_bytes() == path.read_bytes() != original


def test_write_never_goes_through_a_link_out_of_the_tree(dfix: Runner, tmp_path: Path) -> None:
    outside = write_with_sources(tmp_path, "outside/Dockerfile", b"FROM a:1\n" + SAFE)
    before = snapshot(outside)
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "Dockerfile").symlink_to(outside)
    result = dfix("--write", "repo", cwd=tmp_path)
    assert result.code == 2
    assert result.messages[0] == "repo/Dockerfile: symlink to a file outside repo; name it to check it"
    assert snapshot(outside) == before
    assert dfix("--write", "--unsafe-fixes", "repo/Dockerfile", cwd=tmp_path).code == 0  # named: as given
    assert snapshot(outside) != before


def test_write_leaves_a_read_only_dockerfile_and_says_so(dfix: Runner, tmp_path: Path) -> None:
    path = write_with_sources(tmp_path, "Dockerfile", b"FROM a:1\n" + SAFE)
    path.chmod(0o444)
    before = snapshot(path)
    result = dfix("--write", "Dockerfile", cwd=tmp_path)
    assert result.code == 2
    assert result.messages[0] == "Dockerfile: read-only file (mode 0444); not written"
    assert snapshot(path) == before
