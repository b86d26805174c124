"""The dfix command through its real entry points, in a subprocess.

Every test taking ``dfix`` runs twice: through the installed console script and through
``python -m fixer.cli``. No rule exists yet, so the paths that need findings (exit 1, diffs,
writes) run through ``fake``: the same ``main`` with ``fixer.fix`` replaced by the toy rules of
``tests/fake_rules.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import fixer
from fixer.io import MAX_BYTES

TESTS = Path(__file__).parent
CLEAN = b"FROM alpine:3.19\nRUN echo hi\n"


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


def runner(command: list[str], env: dict[str, str] | None = None) -> Runner:
    def run(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> Result:
        done = subprocess.run(
            [*command, *args], input=stdin, capture_output=True, cwd=cwd, env=env, timeout=60, check=False
        )
        return Result(done.returncode, done.stdout, done.stderr.decode())

    return run


def console_script() -> list[str]:
    script = shutil.which("dfix", path=os.path.dirname(sys.executable))
    if script is None:
        pytest.fail(f"no dfix console script next to {sys.executable}: run `pip install -e .`")
    return [script]


@pytest.fixture(params=["console-script", "python-m"])
def dfix(request: pytest.FixtureRequest) -> Runner:
    if request.param == "console-script":
        return runner(console_script())
    return runner([sys.executable, "-m", "fixer.cli"])


@pytest.fixture
def fake() -> Runner:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    return runner([sys.executable, "-c", "import fake_rules; from fixer.cli import main; main()"], env)


def write(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def snapshot(path: Path) -> tuple[bytes, int, int]:
    st = path.stat()
    return path.read_bytes(), st.st_mtime_ns, st.st_ino


# --- entry points, usage -------------------------------------------------------------------------


def test_version(dfix: Runner) -> None:
    result = dfix("--version")
    assert (result.code, result.stdout) == (0, f"dfix {fixer.__version__}\n".encode())


def test_python_dash_m_fixer() -> None:
    result = runner([sys.executable, "-m", "fixer"])("--version")
    assert (result.code, result.stdout) == (0, f"dfix {fixer.__version__}\n".encode())


def test_help(dfix: Runner) -> None:
    result = dfix("--help")
    assert result.code == 0
    for option in ("--write", "--diff", "--check", "--unsafe-fixes", "--select", "--ignore", "--format"):
        assert option.encode() in result.stdout


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
        pytest.param(b"FROM a\r\nRUN b\r\n", id="crlf"),
        pytest.param(b"\xef\xbb\xbfFROM a\n", id="bom"),
        pytest.param(b"FROM a", id="no-final-newline"),
        pytest.param(b"\xef\xbb\xbfFROM a\r\nRUN b\nRUN c", id="bom-mixed-endings-no-final-newline"),
        pytest.param(b"FROM a\nRUN <<EOF\r\n  x\r\nEOF\r\n", id="heredoc-crlf"),
        pytest.param("FROM a\nLABEL x=\u00e9\U0001f433\n".encode(), id="non-ascii"),
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
    path = write(tmp_path, "Dockerfile", b"\xef\xbb\xbfFROM a\r\nRUN b \\\r\n  c\r\n")
    before = snapshot(path)
    result = dfix("--write", "Dockerfile", cwd=tmp_path)
    assert (result.code, result.stdout) == (0, b"")
    assert snapshot(path) == before


# --- bad inputs: exit 2, message on stderr, nothing written, the rest processed ---------------------

HEREDOC_ERROR = r"\d+:\d+: .*heredoc"
BAD_INPUTS = {
    "binary": ("bin.Dockerfile", b"FROM a\n\x00\x01\x02", "bin.Dockerfile:2:1: binary file (NUL byte)"),
    "invalid-utf8": ("x.Dockerfile", b"FROM a\nRUN \xff\n", "x.Dockerfile:2:5: invalid UTF-8 (byte 0xff)"),
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
    result = dfix("-", "--write", *args, stdin=b"FROM a\nRUN <<EOF\nx\n")
    assert (result.code, result.stdout) == (2, b"")
    assert re.fullmatch(re.escape(filename or "-") + ":" + HEREDOC_ERROR, result.messages[0])


def test_stdin_decode_error(dfix: Runner) -> None:
    result = dfix("-", "--stdin-filename", "Dockerfile", stdin=b"FROM a\nRUN \xe9t\xe9\n")
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


# --- findings and fixes (toy rules) ----------------------------------------------------------------


def test_report_lists_findings_and_exits_1(fake: Runner, tmp_path: Path) -> None:
    before = snapshot(write(tmp_path, "Dockerfile", b"from a\nRUN sshd\n"))
    result = fake("Dockerfile", cwd=tmp_path)
    assert (result.code, result.stdout) == (1, b"")
    assert result.messages == [
        "Dockerfile:1:1: DF901 [*] keyword-case here",
        "Dockerfile:2:1: DF601 sshd here",
        "Found 2 issues in 1 file (1 fixable with --write).",
    ]
    assert snapshot(tmp_path / "Dockerfile") == before


def test_check_exits_1_when_a_file_would_change(fake: Runner, tmp_path: Path) -> None:
    before = snapshot(write(tmp_path, "Dockerfile", b"from a\nRUN sshd\n"))
    write(tmp_path, "clean.Dockerfile", CLEAN)
    result = fake("--check", ".", cwd=tmp_path)
    assert (result.code, result.stdout) == (1, b"")
    assert result.messages == ["Dockerfile:1:1: DF901 [*] keyword-case here", "Would fix 1 issue in 1 file."]
    assert snapshot(tmp_path / "Dockerfile") == before


def test_check_ignores_findings_without_a_fix(fake: Runner, tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", b"FROM a\nRUN sshd\n")
    result = fake("--check", "Dockerfile", cwd=tmp_path)
    assert (result.code, result.messages) == (0, ["Nothing to fix in 1 file."])


@pytest.mark.parametrize("mode", [["--diff"], ["--check", "--diff"]])
def test_diff_keeps_line_endings_and_marks_no_final_newline(
    fake: Runner, tmp_path: Path, mode: list[str]
) -> None:
    before = snapshot(write(tmp_path, "Dockerfile", b"from a\r\nRUN b\r\nfrom c"))
    result = fake(*mode, "Dockerfile", cwd=tmp_path)
    assert result.code == 1
    assert result.stdout == (
        b"--- a/Dockerfile\n"
        b"+++ b/Dockerfile\n"
        b"@@ -1,3 +1,3 @@\n"
        b"-from a\r\n"
        b"+FROM a\r\n"
        b" RUN b\r\n"
        b"-from c\n"
        b"\\ No newline at end of file\n"
        b"+FROM c\n"
        b"\\ No newline at end of file\n"
    )
    assert result.messages[-1] == "Would fix 2 issues in 1 file."
    assert snapshot(tmp_path / "Dockerfile") == before


def test_diff_applies_with_patch(fake: Runner, tmp_path: Path) -> None:
    patch = shutil.which("patch")
    if patch is None:
        pytest.skip("no patch(1) on PATH")
    original = b"\xef\xbb\xbf# x\r\nfrom a\r\nRUN b\n\nfrom c"
    write(tmp_path, "Dockerfile", original)
    diff = fake("--diff", "Dockerfile", cwd=tmp_path).stdout
    subprocess.run([patch, "-p1", "--binary"], input=diff, cwd=tmp_path, check=True, capture_output=True)
    assert (tmp_path / "Dockerfile").read_bytes() == b"\xef\xbb\xbf# x\r\nFROM a\r\nRUN b\n\nFROM c"


def test_write_applies_fixes_keeping_bytes_and_mode(fake: Runner, tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", b"\xef\xbb\xbf# c\r\nfrom a\r\nRUN b")
    path.chmod(0o751)
    result = fake("--write", "Dockerfile", cwd=tmp_path)
    assert (result.code, result.stdout, result.messages) == (
        0,
        b"",
        ["Fixed 1 issue in 1 file; 0 remaining."],
    )
    assert path.read_bytes() == b"\xef\xbb\xbf# c\r\nFROM a\r\nRUN b"
    assert path.stat().st_mode & 0o7777 == 0o751
    assert fake("--check", "Dockerfile", cwd=tmp_path).code == 0


def test_write_exits_1_when_findings_remain(fake: Runner, tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", b"from a\nRUN sshd\n")
    result = fake("--write", "Dockerfile", cwd=tmp_path)
    assert result.code == 1
    assert result.messages == ["Dockerfile:2:1: DF601 sshd here", "Fixed 1 issue in 1 file; 1 remaining."]
    assert path.read_bytes() == b"FROM a\nRUN sshd\n"


def test_write_processes_the_other_files_when_one_fails(fake: Runner, tmp_path: Path) -> None:
    bad = snapshot(write(tmp_path, "bad.Dockerfile", b"from a\nRUN <<EOF\n"))
    good = write(tmp_path, "good.Dockerfile", b"from a\n")
    result = fake("--write", "bad.Dockerfile", "good.Dockerfile", cwd=tmp_path)
    assert result.code == 2
    assert re.fullmatch("bad.Dockerfile:" + HEREDOC_ERROR, result.messages[0])
    assert snapshot(tmp_path / "bad.Dockerfile") == bad
    assert good.read_bytes() == b"FROM a\n"


def test_stdin_write_prints_the_fixed_text(fake: Runner) -> None:
    result = fake("-", "--write", stdin=b"from a\r\nRUN sshd")
    assert (result.code, result.stdout) == (1, b"FROM a\r\nRUN sshd")
    assert result.messages[0] == "-:2:1: DF601 sshd here"


def test_stdin_diff_uses_the_stdin_filename(fake: Runner) -> None:
    result = fake("-", "--diff", "--stdin-filename", "svc/Dockerfile", stdin=b"from a\n")
    assert result.code == 1
    assert result.stdout.startswith(b"--- a/svc/Dockerfile\n+++ b/svc/Dockerfile\n")
    assert result.messages[0] == "svc/Dockerfile:1:1: DF901 [*] keyword-case here"


def test_unsafe_fixes(fake: Runner, tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", b"FROM a\nUSER root\n")
    result = fake("--write", "Dockerfile", cwd=tmp_path)
    assert result.code == 1
    assert result.messages[-1] == "1 more fix available with --unsafe-fixes."
    result = fake("--write", "--unsafe-fixes", "Dockerfile", cwd=tmp_path)
    assert (result.code, path.read_bytes()) == (0, b"FROM a\n")


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        pytest.param([], ["DF901", "DF301", "DF601"], id="all"),
        pytest.param(["--select", "DF601"], ["DF601"], id="select"),
        pytest.param(["--select", "DF601,DF901"], ["DF901", "DF601"], id="select-comma"),
        pytest.param(["--select", "DF601", "--select", "DF301"], ["DF301", "DF601"], id="select-repeated"),
        pytest.param(["--ignore", "DF901, DF601"], ["DF301"], id="ignore"),
    ],
)
def test_select_and_ignore_reach_the_rules(fake: Runner, args: list[str], codes: list[str]) -> None:
    result = fake("-", "--format", "json", *args, stdin=b"from a\nUSER root\nRUN sshd\n")
    assert [d["code"] for d in result.json()["files"][0]["diagnostics"]] == codes


def test_json_document(fake: Runner, tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", b"from a\nRUN sshd\n")
    write(tmp_path, "bin.Dockerfile", b"\x00")
    result = fake("--format", "json", "--diff", "Dockerfile", "bin.Dockerfile", cwd=tmp_path)
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
                    "code": "DF901",
                    "name": "keyword-case",
                    "line": 1,
                    "column": 1,
                    "end_line": None,
                    "end_column": None,
                    "message": "keyword-case here",
                    "fix_title": None,
                    "applicability": "safe",
                    "fixed": True,
                },
                {
                    "code": "DF601",
                    "name": "sshd",
                    "line": 2,
                    "column": 1,
                    "end_line": None,
                    "end_column": None,
                    "message": "sshd here",
                    "fix_title": None,
                    "applicability": None,
                    "fixed": False,
                },
            ],
            "diff": "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,2 +1,2 @@\n-from a\n+FROM a\n RUN sshd\n",
        },
        {
            "path": "bin.Dockerfile",
            "changed": False,
            "written": False,
            "error": {"line": 1, "column": 1, "message": "binary file (NUL byte)"},
            "diagnostics": [],
        },
    ]


def test_json_stdin_write_carries_the_output(fake: Runner) -> None:
    result = fake("-", "--write", "--format", "json", stdin=b"from a\r\n")
    assert (result.code, result.json()["files"][0]["output"]) == (0, "FROM a\r\n")


@pytest.mark.parametrize(
    "args",
    [
        ["-"],
        ["-", "--write"],
        ["--diff", "-"],
        ["-", "--check", "--unsafe-fixes"],
        ["Dockerfile"],
        ["--check", "--diff", "."],
        ["--write", "--unsafe-fixes", "Dockerfile"],
    ],
)
def test_flags_only_argv_matches_typer(fake: Runner, tmp_path: Path, args: list[str]) -> None:
    # main() parses an argv of only flags and paths itself; `--format text` sends the same to typer.
    results = []
    for parser, extra in [("own", []), ("typer", ["--format", "text"])]:
        write(tmp_path / parser, "Dockerfile", b"from a\r\nUSER root\nRUN sshd")
        results.append(fake(*args, *extra, stdin=b"from a\nUSER root\n", cwd=tmp_path / parser))
        results.append((tmp_path / parser / "Dockerfile").read_bytes())
    assert results[0] == results[2]
    assert results[1] == results[3]


def test_stdin_run_skips_heavy_imports() -> None:
    # Cold start of `dfix -` (editor and pre-commit integrations) stays near the parser's own import.
    code = (
        "import sys; sys.argv = ['dfix', '-', '--write']\n"
        "from fixer.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ['typer', 'pydantic', 'pathspec', 'difflib', 'tempfile']\n"
        "print([m for m in heavy if m in sys.modules], file=sys.stderr)\n"
    )
    result = runner([sys.executable, "-c", code])(stdin=CLEAN)
    assert (result.stdout, result.messages[-1]) == (CLEAN, "[]")
