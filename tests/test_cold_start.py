"""What a `dfix -` process imports: every module costs each run (editors and pre-commit start one per
file), so those only some inputs need load on first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fixer.config import find_config

# Not needed for a Dockerfile without RUN or JSON form, on scratch, running as a non-root user, read on
# stdin with no config file around: the shell analysis and its parser, the template engine,
# typer, the config file reader (and pathlib, urllib.parse with it), the JSON decoder, the diff
# and the directory walk. (The model is: who the image runs as is a fact about its stages.)
LAZY = (
    "fixer.shell",
    "tree_sitter",
    "jinja2",
    "typer",
    "tomllib",
    "pathlib",
    "json",
    "difflib",
    "pathspec",
)

PLAIN = b"# base\nFROM scratch\nENV A=1\nWORKDIR /app\nCOPY . .\nUSER 10001:10001\nCMD /app/hi\n"


def test_plain_stdin_run_imports_only_what_it_needs(tmp_path: Path) -> None:
    if find_config(tmp_path) is not None:
        pytest.skip("a configuration file above the temporary directory")
    code = (
        "import sys\n"
        "preloaded = set(sys.modules)\n"  # whatever the interpreter's startup (site) brought
        "sys.argv = ['dfix', '-']\n"
        "from fixer.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    print(exit.code)\n"
        f"print(sorted(m for m in {LAZY!r} if m in sys.modules and m not in preloaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], input=PLAIN, capture_output=True, cwd=tmp_path, check=True
    )
    assert result.stdout.decode().splitlines() == ["0", "[]"], result.stderr.decode()
