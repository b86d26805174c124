"""The build oracle for DF202 (secret-file-copied): a secret the original copies in, uses and
deletes becomes a secret mount. Both files are built, the fixed one with the secret dfix names
(``--secret id=…,src=…``, the file from the build context); what must hold: the fixed image
holds the secret in no layer (each layer's entries and whiteouts read), the RUN that used it
got the same bytes (its result is the same file in both images), and nothing else differs but
what the fix declares."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import Lab
from test_oracle import _record

import fixer
from fixer.report.verify import render_text
from fixer.verify import Verdict, verify

NPMRC = b"//registry.npmjs.org/:_authToken=npm_0123456789abcdefABCDEF0123456789abcd\n"
KEY = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # in the build context
    content: bytes
    landing: str  # where the original copies it
    dockerfile: str
    flag: str  # what dfix says the build needs


CASES = [
    Case(
        "df202-npmrc",
        ".npmrc",
        NPMRC,
        "/root/.npmrc",
        "FROM {base}\nWORKDIR /app\nCOPY .npmrc /root/.npmrc\n"
        "RUN sha256sum /root/.npmrc | cut -d' ' -f1 > /app/used.sum \\\n    && rm -f /root/.npmrc\n"
        'CMD ["cat", "/app/used.sum"]\n',
        "--secret id=npmrc,src=.npmrc",
    ),
    Case(  # the COPY made /root/.ssh; the mount makes it for the RUN, which keeps a file in it
        "df202-ssh-key-two-runs",
        "id_ed25519",
        KEY,
        "/root/.ssh/id_ed25519",
        "FROM {base}\nCOPY id_ed25519 /root/.ssh/id_ed25519\n"
        "RUN sha256sum /root/.ssh/id_ed25519 | cut -d' ' -f1 > /root/.ssh/used.sum\n"
        "RUN cp /root/.ssh/used.sum /app.sum && rm /root/.ssh/id_ed25519\n",
        "--secret id=id_ed25519,src=id_ed25519",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_secrets_oracle(case: Case, lab: Lab, tmp_path: Path) -> None:
    (tmp_path / case.file).write_bytes(case.content)
    text = case.dockerfile.format(base=lab.image("debian"))
    result = fixer.fix(text, unsafe=True, select=["DF202"], context=tmp_path)
    applied = [d for d in result.diagnostics if d.fixed]
    assert [d.build_flags for d in applied] == [(case.flag,)], result.output
    assert "COPY" not in result.output and "rm " not in result.output
    report = verify(case.name, text, result.output, applied, lab.builder, tmp_path)
    _record(report)
    shown = render_text(report)
    print(shown)
    assert report.verdict is Verdict.EXPLAINED, shown
    (secret,) = report.secrets
    assert secret.path == case.landing
    assert secret.original_layers and secret.original_whiteouts, "the original leaks it, then whites it out"
    assert secret.fixed_layers == (), shown  # in no layer of the fixed image
    used = lab.builder.run(
        report.fixed.reference if report.fixed else "", ["sh", "-c", "cat /app/used.sum /app.sum 2>/dev/null"]
    )
    assert used.stdout.strip() == hashlib.sha256(case.content).hexdigest(), used


def test_copy_dot_secret_kept_out_by_the_dockerignore_fix(lab: Lab, tmp_path: Path) -> None:
    """DF202's .dockerignore fix: `COPY . .` with keys in the context. The fixed build reads the
    fixed .dockerignore (the context itself stays as it is): the keys are in no layer, the
    other files arrive as before, and nothing else differs."""
    for name, content in {
        "src/main.txt": b"main\n",
        "deploy/id_ed25519": KEY,
        "certs/tls.key": KEY,
        "build.log": b"excluded already\n",
        ".dockerignore": b"*.log",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    text = f"FROM {lab.image('debian')}\nWORKDIR /app\nCOPY . .\nRUN cp /app/src/main.txt /copied.txt\n"
    result = fixer.fix(text, unsafe=True, select=["DF202"], context=tmp_path)
    assert result.output == text
    (change,) = result.files
    assert change.after == "*.log\ncerts/tls.key\ndeploy/id_ed25519\n"
    applied = [d for d in result.diagnostics if d.fixed]
    report = verify(
        "df202-dockerignore", text, result.output, applied, lab.builder, tmp_path, files=result.files
    )
    _record(report)
    shown = render_text(report)
    print(shown)
    assert report.verdict is Verdict.EXPLAINED, shown
    assert {s.path for s in report.secrets} == {"/app/certs/tls.key", "/app/deploy/id_ed25519"}
    assert all(s.original_layers and s.fixed_layers == () for s in report.secrets), shown
    assert (tmp_path / ".dockerignore").read_bytes() == b"*.log"  # verify edits no context
    copied = lab.builder.run(report.fixed.reference if report.fixed else "", ["cat", "/copied.txt"])
    assert copied.stdout == "main\n", copied
