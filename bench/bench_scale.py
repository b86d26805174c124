#!/usr/bin/env python3
"""How dfix's cost grows with the work: each case doubles it and reports the growth per doubling.

Linear cost doubles with the work (a ratio of 2.0 per doubling); a quadratic one quadruples it.
The cases, each timed with hadolint on the same input in the same run:

  runs       one stage of N ``RUN echo N`` (DF502's worst case: every RUN could merge);
  stages     N stages ``FROM debian:12 AS sN`` + one RUN each;
  blocks     one stage of N blocks of ENV/WORKDIR/COPY/RUN apt-get/RUN pip/ADD/LABEL/EXPOSE
             (a finding or fix on nearly every line);
  corpus     real-world corpus files concatenated up to N KiB (up to 1 MiB, dfix's limit);
  tree       ``dfix --diff DIR`` over a tree of N corpus files (one process), up to 5,000 files.

The file cases time ``fixer.fix(text, unsafe=True)`` in-process (best of ``--passes``) and
``hadolint --no-fail`` on the same file as a process; the tree case times one process each.
Timings are for comparing ratios within one run, never absolute numbers across runs; nothing
here is asserted in the tests.

usage: .venv/bin/python bench/bench_scale.py [--corpus DIR] [--passes 2] [--quick] [--case NAME ...]
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bench_parse import DEFAULT_CORPUS, compile_bytecode, load_corpus

import fixer

BIN = Path(sys.executable).parent
HADOLINT_BUDGET = 120.0  # seconds: a case's hadolint column stops once one run takes longer

BLOCK = """ENV APP_HOME=/app{i}
WORKDIR /app{i}
COPY requirements{i}.txt ./
RUN apt-get update && apt-get install -y curl git && rm -rf /var/lib/apt/lists/*
RUN pip install -r requirements{i}.txt
ADD https://example.com/x{i}.tar.gz /tmp/
LABEL version="{i}"
EXPOSE 80{i}
"""


def runs(n: int) -> str:
    return "FROM debian:12\n" + "".join(f"RUN echo {i}\n" for i in range(n))


def stages(n: int) -> str:
    return "".join(f"FROM debian:12 AS s{i}\nRUN echo {i}\n" for i in range(n))


def blocks(n: int) -> str:
    return "FROM python:3.12\n" + "".join(BLOCK.format(i=i) for i in range(n)) + 'CMD ["python"]\n'


def corpus_text(texts: list[str]) -> Callable[[int], str]:
    """N KiB of corpus files one after the other (each ends its line; stage names made unique)."""

    def make(kib: int) -> str:
        out, size, index = [], 0, 0
        while True:  # up to N KiB, never past it: 1 MiB is dfix's limit for one file
            text = texts[index % len(texts)]
            text = text if text.endswith("\n") else text + "\n"
            if size + len(text.encode()) > kib * 1024:
                return "".join(out)
            out.append(text)
            size += len(text.encode())
            index += 1

    return make


def time_fix(text: str, passes: int) -> float:
    best = float("inf")
    for _ in range(passes):
        start = time.perf_counter()
        fixer.fix(text, unsafe=True)
        best = min(best, time.perf_counter() - start)
    return best


def time_process(command: list[str]) -> float | None:
    """Wall time of one process; None when it failed (exit status above 1: not a finding)."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode > 1:
        print(
            f"  {Path(command[0]).name} failed ({done.returncode}): {done.stderr[-200:]!r}", file=sys.stderr
        )
        return None
    return elapsed


def hadolint_file(text: str, hadolint: str | None, directory: Path) -> float | None:
    if hadolint is None:
        return None
    path = directory / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    done = subprocess.run([hadolint, "--no-fail", str(path)], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if " unexpected " in done.stdout.partition("\n")[0]:  # its parser stopped (DL1000): not comparable
        print(f"  hadolint could not parse it: {done.stdout[:120]!r}", file=sys.stderr)
        return None
    return elapsed


def file_case(
    name: str, make: Callable[[int], str], sizes: list[int], passes: int, hadolint: str | None, work: Path
) -> Iterator[tuple[str, int, int, float, float | None]]:
    with_hadolint = hadolint
    for n in sizes:
        text = make(n)
        dfix = time_fix(text, passes)
        other = hadolint_file(text, with_hadolint, work)
        if other is not None and other > HADOLINT_BUDGET:
            with_hadolint = None  # the next doubling would take twice as long again
        yield name, n, len(text.encode()), dfix, other


def tree_case(
    texts: list[str], sizes: list[int], hadolint: str | None, work: Path
) -> Iterator[tuple[str, int, int, float, float | None]]:
    dfix = str(BIN / "dfix")
    for n in sizes:
        root = work / f"tree{n}"
        files = []
        for index in range(n):  # 50 files a directory, 20 directories a level
            path = root / f"r{index // 1000}" / f"d{index // 50 % 20}" / f"f{index}" / "Dockerfile"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(texts[index % len(texts)], encoding="utf-8")
            files.append(str(path))
        size = sum(Path(f).stat().st_size for f in files)
        ours = time_process([dfix, "--diff", "--unsafe-fixes", str(root)])
        if ours is None:
            raise SystemExit("bench_scale: dfix failed on the tree")
        theirs = time_process([hadolint, "--no-fail", *files]) if hadolint else None
        shutil.rmtree(root)
        yield "tree", n, size, ours, theirs


def report(rows: list[tuple[str, int, int, float, float | None]]) -> None:
    heading = ("case", "N", "size", "dfix", "growth", "hadolint", "growth", "dfix/hl")
    print(_row(*heading))
    previous: dict[str, tuple[float, float | None]] = {}
    for case, n, size, ours, theirs in rows:
        before = previous.get(case)
        growth = f"{ours / before[0]:.2f}" if before else ""
        their_growth = f"{theirs / before[1]:.2f}" if before and before[1] and theirs else ""
        their = f"{theirs:.2f}s" if theirs is not None else "-"
        ratio = f"{ours / theirs:.2f}" if theirs else "-"
        print(_row(case, str(n), f"{size / 1024:.0f}K", f"{ours:.2f}s", growth, their, their_growth, ratio))
        previous[case] = (ours, theirs)
    print()
    for case in dict.fromkeys(row[0] for row in rows):
        mine = [row for row in rows if row[0] == case]
        ratios = [b[3] / a[3] for a, b in itertools.pairwise(mine) if a[3] > 0]
        if ratios:
            print(f"{case}: growth per doubling {', '.join(f'{r:.2f}' for r in ratios)} (linear: 2.0)")


def _row(*cells: str) -> str:
    widths = (8, 6, 10, 9, 7, 9, 7, 8)
    return " ".join(
        cell.ljust(w) if i == 0 else cell.rjust(w)
        for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="smaller sizes (about a minute)")
    parser.add_argument("--case", action="append", choices=["runs", "stages", "blocks", "corpus", "tree"])
    args = parser.parse_args()
    cases = args.case or ["runs", "stages", "blocks", "corpus", "tree"]
    hadolint = shutil.which("hadolint", path=str(BIN)) or shutil.which("hadolint")
    texts = [text for _, text in load_corpus(args.corpus, 0)] if args.corpus.is_dir() else []
    if ("corpus" in cases or "tree" in cases) and not texts:
        print(
            f"bench_scale: no corpus at {args.corpus}: the corpus and tree cases are skipped", file=sys.stderr
        )
        cases = [case for case in cases if case not in ("corpus", "tree")]
    compile_bytecode()
    quick = args.quick
    sizes = {
        "runs": [250, 500, 1000] if quick else [500, 1000, 2000, 4000],
        "stages": [250, 500, 1000] if quick else [500, 1000, 2000, 4000],
        "blocks": [125, 250, 500] if quick else [250, 500, 1000, 2000],
        "corpus": [128, 256, 512] if quick else [128, 256, 512, 1024],
        "tree": [625, 1250] if quick else [625, 1250, 2500, 5000],
    }
    generators = {"runs": runs, "stages": stages, "blocks": blocks, "corpus": corpus_text(texts)}
    print(f"hadolint: {hadolint or 'not installed (its columns are empty)'}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="dfix-scale-") as temporary:
        work = Path(temporary)
        for case in cases:
            found = (
                tree_case(texts, sizes[case], hadolint, work)
                if case == "tree"
                else file_case(case, generators[case], sizes[case], args.passes, hadolint, work)
            )
            for row in found:
                rows.append(row)
                print(f"  {row[0]} N={row[1]}: dfix {row[3]:.2f}s", file=sys.stderr, flush=True)
    report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
