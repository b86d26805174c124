"""Machine output: one JSON document on stdout once every file is done.

    {"version": "0.1.0",
     "files": [{"path": "Dockerfile", "changed": true, "written": true, "error": null,
                "diagnostics": [{"code": "DF601", "name": "add-local-source", "line": 3, "column": 1,
                                 "end_line": 3, "end_column": 20, "message": "...",
                                 "fix_title": "Replace `ADD` with `COPY`", "applicability": "safe",
                                 "edits": [{"line": 3, "column": 1, "end_line": 3, "end_column": 4,
                                            "content": "COPY"}],
                                 "fixable": true, "fixed": true, "build_flags": []}],
                "edits": [{"line": 3, "column": 1, "end_line": 4, "end_column": 1,
                           "content": "COPY app.py /app/\\n"}],
                "diff": "--- a/Dockerfile\\n..."}]}

``error`` is ``{"line", "column", "message"}`` (line and column may be null); ``applicability`` is
``safe``, ``unsafe``, ``display`` or null (no fix); ``fixable`` means ``--write`` applies the
fix, ``fixed`` that it was applied: the file was written, or the fixed stdin is in ``output``
(report, ``--check`` and ``--diff`` write nothing, so nothing is fixed there); ``build_flags``
are what the fixed file's build must be given (``--secret id=npmrc,src=.npmrc``: a secret the
file no longer copies in); ``diff`` is present with ``--diff`` and ``output`` (the fixed text)
with ``- --write``.

A fix may edit another file of the build context (DF202 adds entries to ``.dockerignore``): the
file's ``other_files`` lists each such file as ``{"path", "created"}`` (``path`` as the Dockerfile's
is given: its directory, or ``--context``, joined; ``created``: it did not exist), written with
the Dockerfile when ``written``; the diagnostic's ``file_edits`` are ``{"path", "edits"}`` with
``path`` relative to the build context and the edits placed in that file's text.

The file's ``edits`` turn its text into what ``--write`` writes: sorted, never overlapping,
placed in the input (empty when nothing changes). Apply those, not every finding's: a finding's
``edits`` are its fix alone on the input, and a later pass's fix may rewrite what an earlier one
wrote (DF110 merges the RUN that DF102 appended its cleanup to), so two findings' edits can
overlap.
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO, TextIO

from fixer.api import Diagnostic
from fixer.diagnostic import TextEdit
from fixer.io import SourceError
from fixer.report import ErrorLog, FileReport


class JsonReporter:
    def __init__(self, stdout: BinaryIO, stderr: TextIO, version: str) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.version = version
        self.files: list[dict[str, Any]] = []
        self.errors = ErrorLog(stderr)

    def add(self, report: FileReport) -> None:
        self.errors.say(report.error)  # errors reach stderr in every format, so a CI log shows them
        self.files.append(file_entry(report))

    def finish(self) -> None:
        document = {"version": self.version, "files": self.files}
        self.stdout.write(json.dumps(document, indent=2).encode("utf-8") + b"\n")
        self.stdout.flush()


def file_entry(report: FileReport) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": report.path,
        "changed": report.changed,
        "written": report.written,
        "error": None if report.error is None else error_entry(report.error),
        "diagnostics": [
            diagnostic_entry(d, applied=report.written or report.output is not None)
            for d in report.diagnostics
        ],
        "edits": [_edit_entry(edit) for edit in report.edits],
    }
    if report.others:
        entry["other_files"] = [
            {"path": other.path, "created": other.change.before is None} for other in report.others
        ]
    extras = {"diff": report.diff, "output": report.output}
    entry.update((key, value) for key, value in extras.items() if value is not None)
    return entry


def error_entry(error: SourceError) -> dict[str, Any]:
    return {"line": error.line, "column": error.column, "message": error.message}


def diagnostic_entry(diagnostic: Diagnostic, applied: bool = False) -> dict[str, Any]:
    applicability = diagnostic.applicability
    return {
        "code": diagnostic.rule,
        "name": diagnostic.name,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "end_line": diagnostic.end_line,
        "end_column": diagnostic.end_column,
        "message": diagnostic.message,
        "fix_title": diagnostic.fix_title,
        "edits": [_edit_entry(edit) for edit in diagnostic.edits],
        "applicability": applicability.label if applicability is not None else None,
        "fixable": diagnostic.fixed,
        "fixed": diagnostic.fixed and applied,
        "build_flags": list(diagnostic.build_flags),
        **(
            {
                "file_edits": [
                    {"path": path, "edits": [_edit_entry(e) for e in edits]}
                    for path, edits in diagnostic.file_edits
                ]
            }
            if diagnostic.file_edits
            else {}
        ),
    }


def _edit_entry(edit: TextEdit) -> dict[str, Any]:
    return {
        "line": edit.line,
        "column": edit.column,
        "end_line": edit.end_line,
        "end_column": edit.end_column,
        "content": edit.content,
    }
