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
# the config file reader (and pathlib, urllib.parse with it), the JSON decoder, the diff
# and the directory walk. (The model is: who the image runs as is a fact about its stages.)
LAZY = (
    "fixer.shell",
    "tree_sitter",
    "jinja2",
    "tomllib",
    "pathlib",
    "json",
    "difflib",
    "pathspec",
)
# Never imported by a run: dfix parses its arguments itself (fixer/arguments.py), with or without
# values, and imports difflib (its "did you mean") only for an unknown option.
PARSERS = ("typer", "pydantic", "click", "rich", "argparse", "optparse")

PLAIN = b"# base\nFROM scratch\nENV A=1\nWORKDIR /app\nCOPY . .\nUSER 10001:10001\nCMD /app/hi\n"


@pytest.mark.parametrize(
    ("argv", "needed"),
    [
        pytest.param(["-"], (), id="stdin"),
        # the named file's directory is the build context, which DF601 reads through pathlib
        pytest.param(["--write", "--stdin-filename", "Dockerfile", "-"], ("pathlib",), id="stdin-filename"),
        pytest.param(["--format", "json", "-"], ("json",), id="json"),
        pytest.param(["--write", "--select=DF6", "--ignore", "DF601", "--target", "x", "-"], (), id="values"),
    ],
)
def test_plain_stdin_run_imports_only_what_it_needs(
    tmp_path: Path, argv: list[str], needed: tuple[str, ...]
) -> None:
    if find_config(tmp_path) is not None:
        pytest.skip("a configuration file above the temporary directory")
    forbidden = [module for module in (*LAZY, *PARSERS) if module not in needed]
    code = (
        "import sys\n"
        "preloaded = set(sys.modules)\n"  # whatever the interpreter's startup (site) brought
        f"sys.argv = ['dfix', *{argv!r}]\n"
        "from fixer.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    print(exit.code)\n"
        f"print(sorted(m for m in {forbidden!r} if m in sys.modules and m not in preloaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], input=PLAIN, capture_output=True, cwd=tmp_path, check=True
    )
    # after what dfix printed (the fixed text with --write, the JSON document): its exit code, the list
    assert result.stdout.decode().splitlines()[-2:] == ["0", "[]"], result.stderr.decode()


@pytest.mark.parametrize("argv", [["-"], ["--write", "-"]], ids=["report", "write"])
def test_unapplied_generated_fixes_render_nothing(tmp_path: Path, argv: list[str]) -> None:
    # DF301 (no USER) and DF302 offer unsafe fixes built from templates; the text path, which
    # neither applies nor shows them, must not load the template engine to build their text.
    if find_config(tmp_path) is not None:
        pytest.skip("a configuration file above the temporary directory")
    code = (
        f"import sys\nsys.argv = ['dfix', *{argv!r}]\n"
        "from fixer.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('jinja2' in sys.modules)\n"
    )
    source = b"FROM debian:12\nRUN apt-get update\n"
    result = subprocess.run([sys.executable, "-c", code], input=source, capture_output=True, cwd=tmp_path)
    assert b"DF301" in result.stderr, result.stderr.decode()
    assert result.stdout.decode().splitlines()[-1] == "False", result.stderr.decode()
