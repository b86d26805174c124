"""What a run found, per file, and the formatters that print it (text, json) plus the diff.

A reporter owns both streams: stdout gets only machine output (the diff, fixed stdin text or the
JSON document, as UTF-8 bytes so line endings and a BOM survive); stderr gets the human messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol, TextIO

from fixer.api import Diagnostic, FileChange
from fixer.diagnostic import TextEdit
from fixer.io import SourceError


@dataclass(frozen=True, slots=True)
class OtherFile:
    """A file of the build context beside the Dockerfile that its fixes edit (``.dockerignore``)."""

    path: str  # as the user would name it: the context (or the Dockerfile's directory) joined
    change: FileChange


class Mode(Enum):
    REPORT = "report"  # list every finding; fail on any
    CHECK = "check"  # --check/--diff: list the fixes --write would apply; fail if the file would change
    WRITE = "write"  # apply the fixes; list and fail on the findings left


@dataclass(frozen=True, slots=True)
class FileReport:
    path: str
    diagnostics: Sequence[Diagnostic] = ()  # `fixed`: --write applies (or applied) the fix
    changed: bool = False  # the fixes change the file
    written: bool = False  # and were written back to it
    error: SourceError | None = None
    diff: str | None = None  # with --diff
    output: str | None = None  # the fixed text of stdin, with --write
    others: Sequence[OtherFile] = ()  # other files the fixes edit (written with it, in WRITE)
    edits: Sequence[TextEdit] = ()  # the fixes combined, input to output (JSON only)


class ErrorLog:
    """Prints each error once: a broken configuration is every file's error under it, and is
    said once (the summary still counts every file it kept from being processed)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.said: set[str] = set()

    def say(self, error: SourceError | None) -> None:
        if error is not None and str(error) not in self.said:
            self.said.add(str(error))
            print(error, file=self.stream)


class Reporter(Protocol):
    def add(self, report: FileReport) -> None: ...

    def finish(self) -> None: ...


def listed(report: FileReport, mode: Mode) -> list[Diagnostic]:
    """The diagnostics ``mode`` is about (see ``Mode``)."""
    if mode is Mode.WRITE:
        return [d for d in report.diagnostics if not d.fixed]
    if mode is Mode.CHECK:
        return [d for d in report.diagnostics if d.fixed]
    return list(report.diagnostics)


def exit_code(reports: Iterable[FileReport], mode: Mode) -> int:
    """2 if any input failed, 1 if any file fails ``mode`` (see ``Mode``), else 0."""
    reports = list(reports)
    if any(r.error for r in reports):
        return 2
    if mode is Mode.CHECK:
        return int(any(r.changed for r in reports))
    return int(any(listed(r, mode) for r in reports))
