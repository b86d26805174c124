"""Merged RUNs do what the separate RUNs did: run both with a real shell and compare.

A build runs each RUN in a fresh shell process (``SHELL`` + the RUN's command line, as BuildKit
hands it over) and stops at the first that fails; only the file system carries over. So the
property: for generated RUN sequences, running the RUNs of ``fixer.fix(text, unsafe=True)``
that way leaves the same trace (a log every command appends to: its marker, the directory, a
variable, the umask) and the same build outcome as running the original RUNs.

The scripts are made of commands whose effects a later command would see if state leaked
(``cd``, ``export``, plain assignments, ``umask``, ``ulimit``, ``set -e``/``-u``/``-o pipefail``,
functions, traps, ``readonly``), commands that fail or end the shell (``false``, ``exit``,
``exec``), reads of ``$?``, every list operator, subshells, groups, loops, ``if`` and ``case``.
(Background jobs are left out: when a build kills them is a race, so no trace compares.)
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fixer
from fixer.syntax import Instruction

SHELLS = {
    "": ("/bin/sh", "-c"),
    'SHELL ["/bin/sh", "-e", "-c"]\n': ("/bin/sh", "-e", "-c"),
    'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n': ("/bin/bash", "-o", "pipefail", "-c"),
}


@st.composite
def _command(draw: st.DrawFn) -> str:
    mark = draw(st.integers(0, 99))
    return draw(
        st.sampled_from(
            [
                f'echo {mark} >> "$LOG"',
                f'echo {mark} >> "$LOG"',
                'pwd >> "$LOG"',
                'echo "v=$V x=$X" >> "$LOG"',
                'umask >> "$LOG"',
                "true",
                "false",
                "cd /",
                'cd "$TMPD"',
                f"export V={mark}",
                f"X={mark}",
                "umask 077",
                "set -e",
                "set +e",
                "exit 0",
                "exit 3",
                f'echo {mark} | cat >> "$LOG"',
                f'false | echo {mark} >> "$LOG"',
                f'( echo {mark} >> "$LOG"; false )',
                f'if [ -n "$V" ]; then echo {mark} >> "$LOG"; fi',
                "apt-get update",
                "apt-get install -y gcc make",
                "apt-get purge -y gcc make",
                "make",
                'echo "s=$?" >> "$LOG"',
                "f() { cd /; }; f",
                'g() { echo g >> "$LOG"; }',
                "g",
                "trap 'echo t >> \"$LOG\"' EXIT",
                "unset V",
                "readonly X",
                "set -u",
                'echo "$UNSET_VAR" >> "$LOG"',
                "set -o pipefail",
                "ulimit -n 512",
                'ulimit -n >> "$LOG"',
                "exec true",
                "cd -",
                '{ echo b >> "$LOG"; false; }',
                'for i in 1 2; do echo "$i" >> "$LOG"; done',
                'case x in x) echo c >> "$LOG";; esac',
                'echo "$(cd / && pwd)" >> "$LOG"',
                "V=5 true",
                "! false",
            ]
        )
    )


@st.composite
def _script(draw: st.DrawFn) -> str:
    commands = draw(st.lists(_command(), min_size=1, max_size=2))
    script = commands[0]
    for command in commands[1:]:
        script += draw(st.sampled_from([" && ", " || ", "; "])) + command
    return script


@st.composite
def _dockerfile(draw: st.DrawFn) -> str:
    shell = draw(st.sampled_from(sorted(SHELLS)))
    runs = draw(st.lists(_script(), min_size=2, max_size=5))
    lines = ["FROM debian:bookworm-slim\n", shell]
    for script in runs:
        if draw(st.booleans()) and draw(st.booleans()):
            lines.append(draw(st.sampled_from(["# a comment\n", "\n", "LABEL a=b\n"])))
        lines.append(f"RUN {script}\n")
    return "".join(lines)


# Stand-ins that only log how they were called: the package managers and build tools a merge of
# install, build and remove RUNs (DF501, DF110) is about.
STAND_INS = ("apt-get", "make")


def _build(text: str, workdir: Path) -> tuple[str, bool]:
    """Run the file's RUNs as a build does; the log they leave and whether the build passed."""
    tree = fixer.parse(text)
    shell = SHELLS[next((k for k in SHELLS if k and k in text), "")]
    log = workdir / "log"
    log.write_text("")
    tmpd = workdir / "tmp"
    tmpd.mkdir(exist_ok=True)
    bin_dir = workdir / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in STAND_INS:
        (bin_dir / name).write_text(f'#!/bin/sh\necho "{name} $*" >> "$LOG"\n')
        (bin_dir / name).chmod(0o755)
    path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    env = {"PATH": path, "LOG": str(log), "TMPD": str(tmpd), "V": "", "X": ""}
    for node in tree.body:
        if isinstance(node, Instruction) and node.upper_keyword == "RUN":
            command = node.buildkit.value[0]
            done = subprocess.run([*shell, command], cwd=workdir, env=env, capture_output=True, check=False)
            if done.returncode != 0:
                return log.read_text(), False
    return log.read_text(), True


_EXAMPLES = min(settings.default.max_examples, 1000)  # every example starts a dozen shells
# The merging rules. (Not DF102 and its kind: their fixes delete real paths such as the apt lists.)
MERGES = ["DF110", "DF501", "DF502"]


def _outcome(text: str) -> tuple[str, bool]:
    """``_build`` in a directory of its own, named ``<dir>`` in the log."""
    with tempfile.TemporaryDirectory() as workdir:
        log, passed = _build(text, Path(workdir))
        return log.replace(workdir, "<dir>"), passed


@settings(max_examples=_EXAMPLES)
@given(_dockerfile())
def test_merged_runs_do_what_the_runs_did(text: str) -> None:
    fixed = fixer.fix(text, unsafe=True, select=MERGES).output
    assert _outcome(fixed) == _outcome(text), f"\n--- original\n{text}--- fixed\n{fixed}"


@pytest.mark.parametrize(
    "text",
    [
        # State a RUN sets must not reach the next one once merged.
        'FROM debian:bookworm-slim\nRUN cd /\nRUN pwd >> "$LOG"\n',
        'FROM debian:bookworm-slim\nRUN export V=1\nRUN echo "v=$V" >> "$LOG"\n',
        # A failing RUN stops the build, even when its failure is not its last command's.
        'FROM debian:bookworm-slim\nSHELL ["/bin/sh", "-e", "-c"]\n'
        'RUN false; echo 1 >> "$LOG"\nRUN echo 2 >> "$LOG"\n',
        'FROM debian:bookworm-slim\nRUN false || echo 1 >> "$LOG"\nRUN echo 2 >> "$LOG"\n',
        'FROM debian:bookworm-slim\nRUN exit 0\nRUN echo 2 >> "$LOG"\n',
        # Install, build, remove: one layer, the same commands in the same order.
        "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y gcc make\n"
        'RUN cd "$TMPD" && make\nRUN apt-get purge -y gcc make\nRUN pwd >> "$LOG"\n',
    ],
)
def test_known_traps(text: str) -> None:
    fixed = fixer.fix(text, unsafe=True, select=MERGES).output
    assert fixed != text
    assert _outcome(fixed) == _outcome(text), f"\n--- original\n{text}--- fixed\n{fixed}"
