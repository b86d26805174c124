"""Human output: ``path:line:col: CODE [*] message`` per finding, then a summary, all on stderr.

``[*]`` marks a finding whose fix ``--write`` applies (ruff's marker); a fix that is not applied
(unsafe without ``--unsafe-fixes``) is named after the message. Which findings are listed
depends on the mode (``fixer.report.Mode``).
"""

from __future__ import annotations

from typing import BinaryIO, TextIO

from fixer.api import Applicability, Diagnostic
from fixer.report import ErrorLog, FileReport, Mode, listed


def format_diagnostic(path: str, diagnostic: Diagnostic) -> str:
    """``path:line:col: CODE [*] message`` and, for a fix not applied, its title and why not."""
    marker = "[*] " if diagnostic.fixed else ""
    line = f"{path}:{diagnostic.line}:{diagnostic.column}: {diagnostic.rule} {marker}{diagnostic.message}"
    if diagnostic.fix_title and not diagnostic.fixed:
        kind = "unsafe fix" if diagnostic.applicability is Applicability.UNSAFE else "fix"
        line += f" ({kind}: {diagnostic.fix_title})"
    if diagnostic.build_flags:
        needs = "the build now needs" if diagnostic.fixed else "its build would need"
        line += f"; {needs} {' '.join(diagnostic.build_flags)}"
    return line


class TextReporter:
    def __init__(self, stdout: BinaryIO, stderr: TextIO, mode: Mode, unsafe_fixes: bool) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.mode = mode
        self.unsafe_fixes = unsafe_fixes
        self.reports: list[FileReport] = []
        self.errors = ErrorLog(stderr)

    def add(self, report: FileReport) -> None:
        self.reports.append(report)
        self.errors.say(report.error)
        for diagnostic in listed(report, self.mode):
            print(format_diagnostic(report.path, diagnostic), file=self.stderr)
        for artefact in (report.diff, report.output):
            if artefact is not None:
                self.stdout.write(artefact.encode("utf-8"))

    def finish(self) -> None:
        self.stdout.flush()
        for line in summary(self.reports, self.mode, self.unsafe_fixes):
            print(line, file=self.stderr)


def summary(reports: list[FileReport], mode: Mode, unsafe_fixes: bool) -> list[str]:
    """The closing lines: a headline worded by mode, then hints and the error count."""
    diagnostics = [d for r in reports for d in r.diagnostics]
    headline = _headline(reports, mode)
    lines = [headline] if headline else []
    hidden = sum(d.applicability is Applicability.UNSAFE and not d.fixed for d in diagnostics)
    if hidden and not unsafe_fixes:
        lines.append(f"{_n(hidden, 'more fix', 'more fixes')} available with --unsafe-fixes.")
    errors = sum(r.error is not None for r in reports)
    if errors:
        lines.append(f"{_n(errors, 'input')} could not be processed.")
    return lines


def _headline(reports: list[FileReport], mode: Mode) -> str | None:
    """``Found 3 issues in 2 of 40 files.``: the files a run checked always counted, so a
    directory walk that found fewer Dockerfiles than expected shows it."""
    diagnostics = [d for r in reports for d in r.diagnostics]
    fixable = sum(d.fixed for d in diagnostics)
    checked = sum(r.error is None for r in reports)
    changed = _files(sum(r.changed for r in reports), checked)
    if mode is Mode.REPORT and diagnostics:
        hint = f" ({fixable} fixable with --write)" if fixable else ""
        found = _files(sum(bool(r.diagnostics) for r in reports), checked)
        return f"Found {_n(len(diagnostics), 'issue')} in {found}{hint}."
    if mode is Mode.CHECK and fixable:
        return f"Would fix {_n(fixable, 'issue')} in {changed}."
    if mode is Mode.WRITE and diagnostics:
        return f"Fixed {_n(fixable, 'issue')} in {changed}; {len(diagnostics) - fixable} remaining."
    if not checked:
        return None
    return f"Nothing to {'fix' if mode is Mode.CHECK else 'report'} in {_n(checked, 'file')}."


def _files(count: int, checked: int) -> str:
    """``2 files``, or ``2 of 40 files`` when more were checked (a lone file goes without)."""
    return _n(count, "file") if count >= checked or checked == 1 else f"{count} of {_n(checked, 'file')}"


def _n(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
