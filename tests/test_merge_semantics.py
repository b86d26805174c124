"""Merged RUNs do what the separate RUNs did: run both with a real shell and compare.

A build runs each RUN in a fresh shell process (``SHELL`` + the RUN's command line, as BuildKit
hands it over) in the RUN's WORKDIR and environment, and stops at the first that fails; only
the file system carries over. So the property: for generated Dockerfiles, building the output
of ``fixer.fix(text, unsafe=True)`` that way leaves the same trace (a log every command appends
to: its marker, the directory, a variable, the umask, a listing) and the same build outcome as
building the original.

The scripts are made of commands whose effects a later command would see if state leaked
(``cd``, ``pushd``, ``export``, plain assignments, ``read``, ``for``, ``${X:=…}``, ``getopts``,
``let`` and arithmetic, ``printf -v``, ``readarray``, ``X=1 :``, ``set --``/``shift``, ``umask``,
``ulimit``, ``set -e``/``-u``/``-o pipefail``, functions (one shadowing a program), aliases,
traps, ``readonly``, the shell's table of where it found programs, ``$_``), commands that fail
or end the shell (``false``, ``exit``, ``exec``), reads of ``$?``, every list operator,
subshells, groups, loops, ``if`` and ``case``. Between the RUNs stand ``WORKDIR``, ``ENV``,
``ARG``, ``COPY`` and ``LABEL``, which the build emulates (paths under ``/ws`` live in a
directory of the test's own). (Background jobs are left out: when a build kills them is a
race, so no trace compares.)
"""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fixer
from fixer.syntax import Instruction

ERREXIT = 'SHELL ["/bin/sh", "-e", "-c"]\n'
SHELLS = {
    "": ("/bin/sh", "-c"),
    'SHELL ["/bin/sh", "-e", "-c"]\n': ("/bin/sh", "-e", "-c"),
    'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n': ("/bin/bash", "-o", "pipefail", "-c"),
}

COMMANDS = [
    'echo {mark} >> "$LOG"',
    'echo {mark} >> "$LOG"',
    'pwd >> "$LOG"',
    'echo "v=$V x=$X" >> "$LOG"',
    'echo "y=${Y-unset} args=$# o=$OPTIND" >> "$LOG"',
    'umask >> "$LOG"',
    "true",
    "false",
    "cd /ws",
    'cd "$TMPD"',
    "cd -",
    'pushd "$TMPD" > /dev/null',
    "popd > /dev/null",
    "export V={mark}",
    "X={mark}",
    "X={mark} :",
    'read X < "$IN"',
    "for X in 1 2; do :; done",
    ': "${X:=d}"',
    ': "${Y=y}"',
    "getopts a X -a",
    "let X={mark}",
    ": $((X={mark}))",
    "((X++))",
    "printf -v X %s {mark}",
    'readarray -t X < "$IN"',
    "set -- a b",
    "shift",
    "umask 077",
    "set -e",
    "set +e",
    "exit 0",
    "exit 3",
    'echo {mark} | cat >> "$LOG"',
    'false | echo {mark} >> "$LOG"',
    '( echo {mark} >> "$LOG"; false )',
    'if [ -n "$V" ]; then echo {mark} >> "$LOG"; fi',
    "apt-get update",
    "apt-get install -y gcc make",
    "apt-get purge -y gcc make",
    "make",
    "pip install -U pip",
    "pip install x",
    "tool",
    'tool() { echo shadowed >> "$LOG"; }',
    "shopt -s expand_aliases; alias tool='echo aliased >> \"$LOG\"'",
    'echo "s=$?" >> "$LOG"',
    'echo "u=$_" >> "$LOG"',
    'f() { cd "$TMPD"; }; f',
    'g() { echo g >> "$LOG"; }',
    "g",
    "trap 'echo t >> \"$LOG\"' EXIT",
    "trap - EXIT",
    "unset V",
    "readonly X",
    "set -u",
    'echo "$UNSET_VAR" >> "$LOG"',
    "set -o pipefail",
    "ulimit -n 512",
    'ulimit -n >> "$LOG"',
    "exec true",
    "hash -r",
    '{ echo b >> "$LOG"; false; }',
    'for i in 1 2; do echo "$i" >> "$LOG"; done',
    'case x in x) echo c >> "$LOG";; esac',
    'echo "$(cd / && pwd)" >> "$LOG"',
    "V=5 true",
    "! false",
    "touch m{mark}",
    'ls >> "$LOG"',
    'cat in.txt >> "$LOG"',
]
# Commands that read or write their working directory.
FILES = ["touch installed.marker", 'ls >> "$LOG"', 'pwd >> "$LOG"', 'cat in.txt >> "$LOG"']
BETWEEN = [
    "# a comment\n",
    "\n",
    "LABEL a=b\n",
    "WORKDIR /ws/a\n",
    "WORKDIR /ws/b\n",
    "WORKDIR sub\n",
    "ENV V=9\n",
    "ENV X='e x'\n",
    "ARG X=arg\n",
    "COPY in.txt ./\n",
    "COPY in.txt /ws/a/\n",
]
# What stands between an install and a build: a directory of its own, the sources, a setting.
MOVES = [
    "WORKDIR /ws/b\nCOPY in.txt ./\n",
    "WORKDIR /ws/src\nCOPY in.txt ./\nENV V=9\n",
    "COPY in.txt /ws/b/\n",
    "ENV V=9 X=x\n",
]


@st.composite
def _command(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(COMMANDS)).replace("{mark}", str(draw(st.integers(0, 99))))


@st.composite
def _script(draw: st.DrawFn) -> str:
    commands = draw(st.lists(_command(), min_size=1, max_size=2))
    script = commands[0]
    for command in commands[1:]:
        script += draw(st.sampled_from([" && ", " || ", "; "])) + command
    return script


@st.composite
def _dockerfile(draw: st.DrawFn) -> str:
    """Any RUNs, sometimes with instructions between them."""
    shell = draw(st.sampled_from(sorted(SHELLS)))
    runs = draw(st.lists(_script(), min_size=2, max_size=5))
    lines = ["FROM debian:bookworm-slim\n", shell]
    if draw(st.booleans()):  # a known directory to start in
        lines.append(draw(st.sampled_from(["WORKDIR /ws\n", "WORKDIR /ws/a\n", "WORKDIR /ws/b\n"])))
    for script in runs:
        if draw(st.booleans()) and draw(st.booleans()):
            lines.append(draw(st.sampled_from(BETWEEN)))
        lines.append(f"RUN {script}\n")
    return "".join(lines)


@st.composite
def _install_build_remove(draw: st.DrawFn) -> str:
    """DF501's shape: an install, RUNs and other instructions, the removal."""
    shell = draw(st.sampled_from(sorted(SHELLS)))
    lines = ["FROM debian:bookworm-slim\n", shell]
    if draw(st.booleans()):  # a known directory to start in
        lines.append(draw(st.sampled_from(["WORKDIR /ws\n", "WORKDIR /ws/a\n", "WORKDIR /ws/b\n"])))
    first = "apt-get update && apt-get install -y gcc make"
    if draw(st.booleans()):  # often a command that works in its directory
        extra = draw(st.one_of(st.sampled_from(FILES), _command()))
        first += draw(st.sampled_from([" && ", "; "])) + extra
    lines.append(f"RUN {first}\n")
    for _ in range(draw(st.integers(0, 3))):
        lines += draw(st.lists(st.sampled_from([*BETWEEN, *MOVES]), max_size=2))
        if draw(st.booleans()):
            lines.append(f"RUN {draw(st.one_of(st.sampled_from(FILES), _script()))}\n")
    lines += draw(st.lists(st.sampled_from(BETWEEN), max_size=2))
    lines.append(f"RUN {draw(_script())} && apt-get purge -y gcc make\n")
    return "".join(lines)


# Stand-ins that only log how they were called: the package managers and build tools a merge of
# install, build and remove RUNs (DF501, DF110) is about; `pip install -U pip` puts a new pip
# ahead of itself on PATH, as pip does on Debian; `tool` is a program a function can shadow.
STAND_INS = {
    "apt-get": 'echo "apt-get $*" >> "$LOG"',
    "make": 'echo "make $*" >> "$LOG"',
    "tool": 'echo "tool $*" >> "$LOG"',
    "pip": 'echo "pip $*" >> "$LOG"\n'
    'case "$*" in *-U*) printf \'#!/bin/sh\\necho "new pip $*" >> "$LOG"\\n\' > "$EARLY/pip";'
    ' chmod +x "$EARLY/pip";; esac',
}


def _build(text: str, workdir: Path) -> tuple[str, bool]:
    """Run the file's RUNs as a build does; the log they leave and whether the build passed."""
    tree = fixer.parse(text)
    shell = SHELLS[next((k for k in SHELLS if k and k in text), "")]
    log = workdir / "log"
    log.write_text("")
    for name in ("tmp", "bin", "early", "root", "context"):
        (workdir / name).mkdir(exist_ok=True)
    (workdir / "in").write_text("42\n")
    (workdir / "context" / "in.txt").write_text("from the context\n")
    for name, body in STAND_INS.items():
        (workdir / "bin" / name).write_text(f"#!/bin/sh\n{body}\n")
        (workdir / "bin" / name).chmod(0o755)
    root = str(workdir / "root")
    path = os.pathsep.join([str(workdir / "early"), str(workdir / "bin"), os.environ["PATH"]])
    env = {
        "PATH": path,
        "LOG": str(log),
        "TMPD": str(workdir / "tmp"),
        "IN": str(workdir / "in"),
        "EARLY": str(workdir / "early"),
        "V": "",
        "X": "",
    }
    cwd = root  # the image's WORKDIR: / stands for the test's root directory

    def host(value: str) -> str:  # `/ws` lives in the test's root
        return value.replace("/ws", root + "/ws")

    for node in tree.body:
        if not isinstance(node, Instruction):
            continue
        keyword, value = node.upper_keyword, node.buildkit.value
        if keyword == "WORKDIR":  # made when a RUN starts there, as buildah does (BuildKit: at once)
            cwd = posixpath.normpath(posixpath.join(cwd, host(value[0])))
        elif keyword in ("ENV", "ARG"):
            pairs = (
                [w.partition("=")[::2] for w in value]
                if keyword == "ARG"
                else zip(value[::2], value[1::2], strict=True)
            )
            for name, raw in pairs:
                env[name] = raw.strip("'")
        elif keyword == "COPY":
            destination = posixpath.join(cwd, host(value[-1]))
            if value[-1].endswith(("/", ".")):
                destination = posixpath.join(destination, posixpath.basename(value[0]))
            os.makedirs(posixpath.dirname(destination), exist_ok=True)
            shutil.copyfile(workdir / "context" / value[0], destination)
        elif keyword == "RUN":
            os.makedirs(cwd, exist_ok=True)
            command = host(value[0])
            done = subprocess.run(
                [*shell, command],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=False,
            )
            if done.returncode != 0:
                return log.read_text(), False
    return log.read_text(), True


_EXAMPLES = settings.default.max_examples  # every example starts a dozen shells: ~80 s at 3,000
# The merging rules. (Not DF102 and its kind: their fixes delete real paths such as the apt lists.)
MERGES = ["DF110", "DF501", "DF502"]


def _outcome(text: str) -> tuple[str, bool]:
    """``_build`` in a directory of its own, named ``<dir>`` in the log."""
    with tempfile.TemporaryDirectory() as workdir:
        log, passed = _build(text, Path(workdir))
        return log.replace(workdir, "<dir>"), passed


@settings(max_examples=_EXAMPLES)
@given(st.one_of(_dockerfile(), _install_build_remove()))
def test_merged_runs_do_what_the_runs_did(text: str) -> None:
    fixed = fixer.fix(text, unsafe=True, select=MERGES).output
    assert _outcome(fixed) == _outcome(text), f"\n--- original\n{text}--- fixed\n{fixed}"


BASH = 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'


MERGED = [
    # State a RUN sets must not reach the next one once merged.
    'FROM debian:bookworm-slim\nRUN cd /\nRUN pwd >> "$LOG"\n',
    'FROM debian:bookworm-slim\nRUN export V=1\nRUN echo "v=$V" >> "$LOG"\n',
    'FROM debian:bookworm-slim\nRUN read X < "$IN"\nRUN echo "x=$X" >> "$LOG"\n',
    'FROM debian:bookworm-slim\nRUN for X in 1 2; do :; done\nRUN echo "x=$X" >> "$LOG"\n',
    'FROM debian:bookworm-slim\nRUN : "${X:=default}"\nRUN echo "x=$X" >> "$LOG"\n',
    'FROM debian:bookworm-slim\nRUN tool() { echo shadowed >> "$LOG"; }\nRUN tool\n',
    'FROM debian:bookworm-slim\nRUN getopts a X -a\nRUN echo "x=$X o=$OPTIND" >> "$LOG"\n',
    'FROM debian:bookworm-slim\nRUN X=7 :\nRUN echo "x=$X" >> "$LOG"\n',
    f'FROM debian:bookworm-slim\n{BASH}RUN let X=5\nRUN echo "x=$X" >> "$LOG"\n',
    # The shell remembers where it found a program; a later RUN must look again.
    "FROM debian:bookworm-slim\nRUN pip install -U pip\nRUN pip install x\n",
    # A failing RUN stops the build, even when its failure is not its last command's.
    f'FROM debian:bookworm-slim\n{ERREXIT}RUN false; echo 1 >> "$LOG"\nRUN echo 2 >> "$LOG"\n',
    'FROM debian:bookworm-slim\nRUN false || echo 1 >> "$LOG"\nRUN echo 2 >> "$LOG"\n',
    'FROM debian:bookworm-slim\nRUN exit 0\nRUN echo 2 >> "$LOG"\n',
    # Install, build, remove: one layer, the same commands in the same order.
    "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y gcc make\n"
    'RUN cd "$TMPD" && make\nRUN apt-get purge -y gcc make\nRUN pwd >> "$LOG"\n',
    # Each script keeps its directory and environment across WORKDIR and ENV.
    "FROM debian:bookworm-slim\nWORKDIR /ws/build\n"
    "RUN apt-get install -y gcc make && touch installed.marker\n"
    "WORKDIR /ws/src\nCOPY in.txt ./\nENV V=9\n"
    'RUN cat in.txt >> "$LOG" && ls >> "$LOG" && echo "v=$V" >> "$LOG"\n'
    "RUN apt-get purge -y gcc make\n",
]
APART = [
    # `-e` stops inside `{ … }` on its own, not as a command of an `&&` list other than the last.
    f'FROM debian:bookworm-slim\n{ERREXIT}RUN {{ false; echo 1 >> "$LOG"; }}\nRUN echo 2 >> "$LOG"\n',
    # `$_` is the last argument of the command before: merged, another command's.
    f'FROM debian:bookworm-slim\n{BASH}RUN echo a\nRUN echo "u=$_" >> "$LOG"\n',
    # The directory the install ran in is the base image's: unknown, so no `cd` can restore it.
    "FROM debian:bookworm-slim\nRUN apt-get install -y gcc make && touch installed.marker\n"
    'WORKDIR /ws/src\nRUN ls >> "$LOG" && apt-get purge -y gcc make\n',
    # It ran in the directory above: `touch src` there would make the WORKDIR's directory.
    "FROM debian:bookworm-slim\nWORKDIR /ws\nRUN apt-get install -y gcc make && touch installed.marker\n"
    'WORKDIR /ws/src\nRUN ls >> "$LOG" && apt-get purge -y gcc make\n',
]


@pytest.mark.parametrize("text", MERGED)
def test_known_traps_merge_keeping_meaning(text: str) -> None:
    fixed = fixer.fix(text, unsafe=True, select=MERGES).output
    assert fixed != text
    assert _outcome(fixed) == _outcome(text), f"\n--- original\n{text}--- fixed\n{fixed}"


@pytest.mark.parametrize("text", APART)
def test_known_traps_stay_apart(text: str) -> None:
    assert fixer.fix(text, unsafe=True, select=MERGES).output == text
