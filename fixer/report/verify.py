"""``dfix verify`` reports: one model (``VerifyReport``), three renderings.

- text, for terminals: a verdict line per file, the two images side by side, a line per fix
  ("DF501 … : 5 → 2 layers, 122.8 → 85.0 MB"), then every unexplained difference;
- markdown, for pull-request bodies: the same as a table;
- JSON, for machines: everything, each difference with its kind, subject, change and values.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from fixer.verify import ImageSummary, SecretFinding, Verdict, VerifyReport
from fixer.verify.compare import Difference, Kind, megabytes
from fixer.verify.explain import Explained

SHOWN = 20  # unexplained differences listed in text and markdown (JSON has them all)

VERDICTS = {
    Verdict.EXPLAINED: "every difference is explained by a fix",
    Verdict.UNEXPLAINED: "differences no fix explains",
    Verdict.FIXED_FAILED: "the fixed Dockerfile does not build",
    Verdict.ORIGINAL_FAILED: "the original Dockerfile does not build: nothing to compare",
    Verdict.NOTHING_TO_VERIFY: "no fix applies: nothing to verify",
}


def fix_summary(explained: Explained) -> str:
    """What one fix changed, in a line: ``5 → 2 layers, …; 6 files removed under /var/lib/apt/lists``."""
    parts = [_describe_group(kind, group) for kind, group in _groups(explained.differences)]
    if explained.folded:
        parts.append(_files_phrase(explained.folded, "with them"))
    return "; ".join(parts) or "no difference in the image"


def _groups(differences: Sequence[Difference]) -> Iterator[tuple[Kind, list[Difference]]]:
    for kind in Kind:
        group = [d for d in differences if d.kind is kind]
        if group:
            yield kind, group


def _describe_group(kind: Kind, group: list[Difference]) -> str:
    if kind is Kind.LAYERS:
        return group[0].describe()
    if kind is Kind.CONFIG:
        return "; ".join(d.describe() for d in group)
    if kind is Kind.PACKAGE:
        return "; ".join(_package_phrases(group))
    return _files_phrase(group)


def _package_phrases(group: list[Difference]) -> Iterator[str]:
    for change, verb in (
        ("removed", "no longer installed"),
        ("added", "now installed"),
        ("changed", "changed"),
    ):
        names = [d.subject for d in group if d.change == change]
        if names:
            yield f"{_count(len(names), 'package')} {verb}: {_listing(names)}"


def _listing(names: Sequence[str], most: int = 8) -> str:
    return ", ".join(names[:most]) + (", …" if len(names) > most else "")


# A file difference's kind of change as a phrase says it; a mode change that only dropped the
# setuid/setgid bits is told apart from other changes, since it is the point of a hardening fix.
_FILE_CHANGES: tuple[tuple[str, Callable[[Difference], bool]], ...] = (
    ("removed", lambda d: d.change == "removed"),
    ("added", lambda d: d.change == "added"),
    ("stripped of setuid/setgid", lambda d: d.setid_dropped),
    ("changed", lambda d: d.change == "changed" and not d.setid_dropped),
)


def _files_phrase(group: list[Difference], suffix: str = "") -> str:
    """``12 files removed under /var/lib/apt/lists (18.3 MB)``, one clause per kind of change."""
    clauses = []
    for change, belongs in _FILE_CHANGES:
        paths = [d for d in group if belongs(d)]
        if not paths:
            continue
        common = posixpath.commonpath([d.subject for d in paths])
        if len(paths) == 1:
            clause = f"{common} {change}"
        else:
            clause = f"{_count(len(paths), 'file')} {change}" + (f" under {common}" if common != "/" else "")
        size = abs(sum(d.size for d in paths))
        clauses.append(clause + (f" ({megabytes(size)})" if size >= 50_000 else ""))
    return ", ".join(clauses) + (f" {suffix}" if suffix else "")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class SetidChange:
    """How the setuid/setgid files differ between the images: how many in each, the fixed
    image's that were set in the original (``still``) and those that were not (``new``)."""

    before: int
    after: int
    still: tuple[str, ...]
    new: tuple[str, ...]

    def describe(self) -> str:
        """``SUID/SGID files: 14 → 2 (still set: /usr/bin/su, /usr/bin/passwd)``."""
        details = [
            f"{label}: {_listing(paths)}"
            for label, paths in (("still set", self.still), ("new", self.new))
            if paths
        ]
        return f"SUID/SGID files: {self.before} → {self.after}" + (
            f" ({'; '.join(details)})" if details else ""
        )


def setid_change(report: VerifyReport) -> SetidChange | None:
    """The change in setuid/setgid files, when both images were built and they differ."""
    if report.original is None or report.fixed is None or report.original.suid == report.fixed.suid:
        return None
    before = set(report.original.suid)
    return SetidChange(
        len(report.original.suid),
        len(report.fixed.suid),
        tuple(p for p in report.fixed.suid if p in before),
        tuple(p for p in report.fixed.suid if p not in before),
    )


def unexplained_lines(report: VerifyReport) -> list[str]:
    """The unexplained differences, each in a line; a file that moved says where it was."""
    attribution = report.attribution
    if attribution is None:
        return []
    moved = _moves(attribution.unexplained)
    lines = []
    for difference in attribution.unexplained:
        if difference.subject in moved.values():
            continue  # shown with the path it moved to
        line = difference.describe()
        if difference.subject in moved:
            line += f" (was {moved[difference.subject]})"
        if difference in attribution.reasons:
            line += f": {attribution.reasons[difference]}"
        lines.append(line)
    if attribution.unexplained_folded:
        lines.append(_files_phrase(attribution.unexplained_folded, "with the packages above"))
    lines += [
        f"{finding.path}: still in layer {', '.join(map(str, finding.fixed_layers))} of the fixed image"
        for finding in report.secrets
        if finding.fixed_layers
    ]
    return lines


def _moves(differences: Sequence[Difference]) -> dict[str, str]:
    """Added path → removed path, for files that kept their name and content but moved."""

    def key(difference: Difference) -> tuple[str, str | None, str | None]:
        entry = (difference.before or difference.after or "").split(" → ")[0]
        return posixpath.basename(difference.subject), entry, difference.digest

    files = [d for d in differences if d.kind is Kind.FILE]
    removed = {key(d): d.subject for d in files if d.change == "removed"}
    return {d.subject: removed[key(d)] for d in files if d.change == "added" and key(d) in removed}


# --- text ------------------------------------------------------------------------------------


def render_text(report: VerifyReport) -> str:
    lines = [f"{report.path}: {VERDICTS[report.verdict]}" + _builder(report)]
    for label, summary in (("original", report.original), ("fixed", report.fixed)):
        if summary:
            lines.append(f"  {label:<9}{_image_line(summary)}")
    setid = setid_change(report)
    if setid:
        lines.append(f"  {setid.describe()}")
    if report.attribution:
        lines += [f"  {_fix_label(e)}: {fix_summary(e)}" for e in report.attribution.explained]
        shown = unexplained_lines(report)
        if shown:
            lines.append(f"  unexplained (fixes applied: {_codes(report)}):")
            lines += [f"    {line}" for line in shown[:SHOWN]]
            if len(shown) > SHOWN:
                lines.append(f"    … and {len(shown) - SHOWN} more (--format json lists them all)")
    lines += [f"  {_secret_line(finding)}" for finding in report.secrets]
    if report.error:
        lines.append(f"  {report.error}")
        lines += [f"    | {line}" for line in (report.log or "").splitlines()]
    lines += [f"  note: {note}" for note in report.notes]
    return "\n".join(lines) + "\n"


def _codes(report: VerifyReport) -> str:
    return ", ".join(dict.fromkeys(fix.rule for fix in report.fixes)) or "none"


def _builder(report: VerifyReport) -> str:
    return (
        f" ({report.builder})" if report.builder and report.verdict is not Verdict.NOTHING_TO_VERIFY else ""
    )


def _image_line(summary: ImageSummary) -> str:
    packages = (
        f"{summary.packages} {summary.package_manager} packages"
        if summary.package_manager
        else "no package database"
    )
    return (
        f"{_count(summary.layers, 'layer')}, {megabytes(summary.size)}, {packages}, "
        f"{_count(len(summary.suid), 'setuid/setgid file')}, built in {summary.build_seconds:.1f} s"
    )


def _fix_label(explained: Explained) -> str:
    fix = explained.fix
    return f"{fix.rule} {fix.name} (line {fix.line})"


def _secret_line(finding: SecretFinding) -> str:
    before = ", ".join(map(str, finding.original_layers)) or "none"
    after = ", ".join(map(str, finding.fixed_layers)) or "none"
    return f"secret {finding.path}: in layers {before} of the original, {after} of the fixed image"


# --- markdown --------------------------------------------------------------------------------


def render_markdown(report: VerifyReport) -> str:
    lines = [f"#### `{report.path}`: {VERDICTS[report.verdict]}", ""]
    if report.original and report.fixed:
        lines += [
            "| | layers | size | packages | setuid/setgid files | build |",
            "|---|---:|---:|---:|---:|---:|",
            *(
                f"| {label} | {s.layers} | {megabytes(s.size)} | {s.packages} | {len(s.suid)} "
                f"| {s.build_seconds:.1f} s |"
                for label, s in (("original", report.original), ("fixed", report.fixed))
            ),
            "",
        ]
    setid = setid_change(report)
    if setid:
        lines += [setid.describe(), ""]
    if report.attribution:
        lines += ["| fix | what it changed in the image |", "|---|---|"]
        lines += [
            f"| {e.fix.rule} `{e.fix.name}` (line {e.fix.line}) | {_cell(fix_summary(e))} |"
            for e in report.attribution.explained
        ]
        shown = unexplained_lines(report)
        lines += [f"| **unexplained** ({_codes(report)}) | {_cell(line)} |" for line in shown[:SHOWN]]
        if len(shown) > SHOWN:
            lines.append(f"| **unexplained** | … and {len(shown) - SHOWN} more |")
        lines.append("")
    if report.error:
        lines += [report.error, "", "```", report.log or "", "```", ""]
    lines += [f"> {note}" for note in report.notes]
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --- json ------------------------------------------------------------------------------------


def report_json(report: VerifyReport) -> dict[str, Any]:
    attribution = report.attribution
    return {
        "path": report.path,
        "verdict": report.verdict.value,
        "builder": report.builder,
        "notes": report.notes,
        "original": _summary_json(report.original),
        "fixed": _summary_json(report.fixed),
        "setid_files": _setid_json(setid_change(report)),
        "fixes": [
            {
                "code": e.fix.rule,
                "name": e.fix.name,
                "line": e.fix.line,
                "title": e.fix.fix_title,
                "declares": e.changes.describe(),
                "summary": fix_summary(e),
                "differences": [_difference_json(d) for d in e.differences],
                "folded": [_difference_json(d) for d in e.folded],
            }
            for e in (attribution.explained if attribution else [])
        ],
        "unexplained": [
            {**_difference_json(d), "reason": attribution.reasons.get(d)} for d in attribution.unexplained
        ]
        if attribution
        else [],
        "unexplained_folded": [_difference_json(d) for d in attribution.unexplained_folded]
        if attribution
        else [],
        "secrets": [
            {
                "path": f.path,
                "original_layers": list(f.original_layers),
                "original_whiteouts": list(f.original_whiteouts),
                "fixed_layers": list(f.fixed_layers),
            }
            for f in report.secrets
        ],
        "error": report.error,
        "log": report.log,
    }


def _summary_json(summary: ImageSummary | None) -> dict[str, Any] | None:
    if summary is None:
        return None
    return {
        "reference": summary.reference,
        "layers": summary.layers,
        "size": summary.size,
        "packages": summary.packages,
        "package_manager": summary.package_manager,
        "suid": list(summary.suid),
        "build_seconds": round(summary.build_seconds, 2),
    }


def _setid_json(change: SetidChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "original": change.before,
        "fixed": change.after,
        "still_set": list(change.still),
        "new": list(change.new),
        "summary": change.describe(),
    }


def _difference_json(difference: Difference) -> dict[str, Any]:
    return {
        "kind": difference.kind.value,
        "subject": difference.subject,
        "change": difference.change,
        "before": difference.before,
        "after": difference.after,
        "size": difference.size,
        "setid_dropped": difference.setid_dropped,
        "description": difference.describe(),
    }


def render_json(reports: Sequence[VerifyReport], version: str) -> str:
    document = {"version": version, "files": [report_json(report) for report in reports]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
