"""The build oracle: for every rule with a fix, a Dockerfile built before and after the fix with a
real builder, and every difference between the two images explained by the fix that declared it.

Each case builds on a base from the session's registry (``{base}`` in the Dockerfile), with the
context files it names, fixed with the rules it selects; the test checks which fixes applied,
the verdict, and what the case is about (a package kept, a secret gone, a difference caught).
The reproducers of meaning changes found by real builds are cases too: before their fixes they
showed unexplained differences. With ``DFIX_ORACLE_REPORT=FILE`` every report is appended to
FILE as markdown (the tables quoted in issue notes).
"""

from __future__ import annotations

import io
import os
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import Lab

import fixer
from fixer import engine
from fixer.diagnostic import Applicability, Edit, Fix, ImageChanges, PackageChanges
from fixer.report.verify import render_markdown, render_text
from fixer.rules._base import Context, Rule, Violation
from fixer.verify import Verdict, VerifyReport, verify
from fixer.verify.compare import Kind


def tar_bytes(files: dict[str, bytes], compress: bool = False) -> bytes:
    """A tar archive (gzip-compressed with ``compress``) holding ``files``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if compress else "w") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


NODE_PACKAGE = tar_bytes(
    {
        "package/package.json": b'{"name": "dfix-demo", "version": "1.0.0", "main": "index.js"}\n',
        "package/index.js": b"module.exports = 1;\n",
    },
    compress=True,
)


@dataclass(frozen=True)
class Case:
    name: str
    base: str
    dockerfile: str
    fixed: frozenset[str]  # the rules whose fixes must apply
    select: tuple[str, ...] | None = None
    unsafe: bool = True
    files: dict[str, bytes] = field(default_factory=dict)
    verdict: Verdict = Verdict.EXPLAINED
    check: Callable[[VerifyReport], None] | None = None


def _explained_by(code: str, kind: Kind) -> Callable[[VerifyReport], None]:
    def check(report: VerifyReport) -> None:
        assert report.attribution is not None
        (explained,) = [e for e in report.attribution.explained if e.fix.rule == code]
        assert any(d.kind is kind for d in explained.differences), explained

    return check


def _unchanged_image(report: VerifyReport) -> None:
    assert report.attribution is not None
    assert not any(e.differences or e.folded for e in report.attribution.explained)


def _keeps_ca_certificates(report: VerifyReport) -> None:
    assert report.attribution is not None
    (explained,) = [e for e in report.attribution.explained if e.fix.rule == "DF104"]
    removed = {d.subject for d in explained.differences if d.kind is Kind.PACKAGE and d.change == "removed"}
    assert removed, "curl's recommended packages are no longer installed"
    assert "ca-certificates" not in removed


def _only_the_fixed_file_builds(report: VerifyReport) -> None:
    assert report.error and report.error.endswith("; the fixed one builds"), report.error
    assert "use '--non-interactive'" in (report.log or "")
    assert report.fixed is not None


def _cleans_dnf_cache(report: VerifyReport) -> None:
    """dnf's cache goes, and the rpm database (read from its SQLite file) still has the package."""
    _explained_by("DF107", Kind.FILE)(report)
    assert report.fixed is not None
    assert report.fixed.package_manager == "dpkg+rpm"  # dnf on Debian: its rpms, and Debian's own
    assert report.original is not None and report.fixed.packages == report.original.packages


WORKDIR_REPRODUCER = (
    "FROM {base}\n"
    "RUN apt-get update && apt-get install -y --no-install-recommends xz-utils\\\n"
    " && touch installed.marker\n"
    "WORKDIR /src\n"
    "COPY input.txt ./\n"
    "RUN xz -k input.txt && ls > listing.txt\n"
    "RUN apt-get purge -y xz-utils\n"
)

CASES = [
    # --- one case per rule with a fix ---------------------------------------------------------
    Case(
        "df101-apt-get-yes",
        "debian",
        "FROM {base}\nRUN apt-get update && apt-get install hello\n",
        frozenset({"DF101"}),
        select=("DF101",),
        check=_unchanged_image,
    ),
    Case(
        "df102-apt-lists-removed",
        "debian",
        "FROM {base}\nRUN apt-get update && apt-get install -y --no-install-recommends hello\n",
        frozenset({"DF102"}),
        select=("DF102",),
        check=_explained_by("DF102", Kind.FILE),
    ),
    Case(  # a trigger runs in the stage built FROM its stage: fixed there as a RUN, lists kept below
        "df101-df102-onbuild-trigger-in-a-child-stage",
        "debian",
        "FROM {base} AS parent\nRUN apt-get update\nONBUILD RUN apt-get install hello\n"
        "FROM parent\nRUN hello > /greeting.txt\n",
        frozenset({"DF101", "DF102"}),
        select=("DF101", "DF102"),
        check=_explained_by("DF102", Kind.FILE),
    ),
    Case(
        "df104-no-install-recommends-keeps-ca-certificates",
        "debian",
        "FROM {base}\nRUN apt-get update && apt-get install -y curl\nRUN curl --version > /curl.txt\n",
        frozenset({"DF104"}),
        select=("DF104",),
        check=_keeps_ca_certificates,
    ),
    Case(
        "df105-apt-to-apt-get",
        "debian",
        "FROM {base}\nRUN apt update && apt install -y --no-install-recommends hello\n",
        frozenset({"DF105"}),
        select=("DF105",),
    ),
    Case(
        "df108-pip-no-cache-dir",
        "debian-python",
        "FROM {base}\nCOPY dfixdemo-1.0.tar.gz /tmp/\n"
        "RUN pip install --break-system-packages /tmp/dfixdemo-1.0.tar.gz\n",
        frozenset({"DF108"}),
        select=("DF108",),
        files={
            "dfixdemo-1.0.tar.gz": tar_bytes(
                {
                    "dfixdemo-1.0/setup.py": b"from setuptools import setup\n"
                    b"setup(name='dfixdemo', version='1.0', py_modules=['dfixdemo'])\n",
                    "dfixdemo-1.0/dfixdemo.py": b"VALUE = 1\n",
                    "dfixdemo-1.0/PKG-INFO": b"Metadata-Version: 1.0\nName: dfixdemo\nVersion: 1.0\n",
                },
                compress=True,
            )
        },
        check=_explained_by("DF108", Kind.FILE),
    ),
    Case(
        "df106-dnf-and-yum-yes",
        "debian-dnf",
        "FROM {base}\nRUN dnf install dfix-hello\nRUN yum install dfix-hello\n",
        frozenset({"DF106"}),
        select=("DF106",),
        check=_unchanged_image,
    ),
    Case(
        "df107-dnf-clean-all",
        "debian-dnf",
        "FROM {base}\nRUN dnf install -y dfix-hello\n",
        frozenset({"DF107"}),
        select=("DF107",),
        check=_cleans_dnf_cache,
    ),
    Case(
        "df106-zypper-non-interactive",
        "debian-dnf",
        "FROM {base}\nRUN zypper install dfix-hello\n",
        frozenset({"DF106"}),
        select=("DF106",),
        verdict=Verdict.ORIGINAL_FAILED,  # zypper stops at its prompt: there is nothing to compare
        check=_only_the_fixed_file_builds,
    ),
    Case(
        "df107-zypper-clean",
        "debian-dnf",
        "FROM {base}\nRUN zypper --non-interactive install dfix-hello\n",
        frozenset({"DF107"}),
        select=("DF107",),
        check=_explained_by("DF107", Kind.FILE),
    ),
    Case(
        "df109-npm-cache-clean",
        "debian-node",
        "FROM {base}\nCOPY dfix-demo-1.0.0.tgz /tmp/\nWORKDIR /app\n"
        "RUN npm install /tmp/dfix-demo-1.0.0.tgz\n",
        frozenset({"DF109"}),
        select=("DF109",),
        files={"dfix-demo-1.0.0.tgz": NODE_PACKAGE},
        check=_explained_by("DF109", Kind.FILE),
    ),
    Case(
        "df109-yarn-cache-clean",
        "debian-node",
        "FROM {base}\nCOPY dfix-demo-1.0.0.tgz /tmp/\nWORKDIR /app\n"
        "RUN yarn add file:/tmp/dfix-demo-1.0.0.tgz\n",
        frozenset({"DF109"}),
        select=("DF109",),
        files={"dfix-demo-1.0.0.tgz": NODE_PACKAGE},
        check=_explained_by("DF109", Kind.FILE),
    ),
    Case(
        "df110-update-merged-into-install",
        "debian",
        "FROM {base}\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends hello\n",
        frozenset({"DF110"}),
        select=("DF110",),
        check=_explained_by("DF110", Kind.LAYERS),
    ),
    Case(
        "df501-install-build-purge-one-layer",
        "debian",
        "FROM {base}\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends hello\n"
        "RUN hello > /greeting.txt\n"
        "RUN apt-get purge -y hello\n",
        frozenset({"DF501"}),
        select=("DF501",),
        check=_explained_by("DF501", Kind.LAYERS),
    ),
    Case(
        "df502-consecutive-runs",
        "busybox",
        "FROM {base}\nRUN echo a > /a\nRUN echo b > /b\n",
        frozenset({"DF502"}),
        select=("DF502",),
        check=_explained_by("DF502", Kind.LAYERS),
    ),
    Case(  # a relative WORKDIR written as the absolute path it is: the same image
        "df503-relative-workdir",
        "busybox",
        "FROM {base} AS base\nWORKDIR /srv\nFROM base\nWORKDIR app/../data\nRUN pwd > where\n",
        frozenset({"DF503"}),
        select=("DF503",),
        unsafe=False,
        check=_unchanged_image,
    ),
    Case(
        "build-inputs-get-dummy-secrets-and-ssh-keys",
        "busybox",
        "FROM {base}\n"
        "RUN --mount=type=secret,id=token --mount=type=ssh"
        ' test -s /run/secrets/token && test -S "$SSH_AUTH_SOCK"\n'
        "RUN echo a > /a\nRUN echo b > /b\n",
        frozenset({"DF502"}),
        select=("DF502",),
    ),
    Case(  # a dead suppression removed: only a comment goes, the image is the same
        "df001-unused-suppression",
        "busybox",
        "FROM {base}\n# dfix: ignore=DF108\nRUN echo a > /a\n# dfix: ignore\nCOPY notes.txt /docs/\n",
        frozenset({"DF001"}),
        select=("DF001", "DF108", "DF601"),
        unsafe=False,
        files={"notes.txt": b"plain text\n"},
        check=_unchanged_image,
    ),
    Case(
        "df601-add-plain-files",
        "busybox",
        "FROM {base}\nADD notes.txt /docs/\nADD src/ /src/\n",
        frozenset({"DF601"}),
        select=("DF601",),
        unsafe=False,
        files={"notes.txt": b"plain text\n", "src/main.sh": b"echo main\n"},
        check=_unchanged_image,
    ),
    Case(
        "df602-pipefail-busybox",
        "busybox",
        "FROM {base}\nRUN echo hello | tr a-z A-Z > /shout.txt\n",
        frozenset({"DF602"}),
        select=("DF602",),
        check=_unchanged_image,
    ),
    Case(
        "df602-pipefail-debian",
        "debian",
        "FROM {base}\nRUN echo hello | tr a-z A-Z > /shout.txt\nRUN echo done > /done.txt\n",
        frozenset({"DF602"}),
        select=("DF602",),
    ),
    # --- the reproducers: meaning changes real builds found ----------------------------------
    Case(
        "reproducer-df601-archives-by-content",
        "busybox",
        'FROM {base}\nADD thing.gem /b/\nADD bundle.crate /c/\nADD "file.tgz" /d/\nADD notes.txt /e/\n',
        frozenset({"DF601"}),
        select=("DF601",),
        files={
            "thing.gem": tar_bytes({"inside.txt": b"inside\n"}),
            "bundle.crate": tar_bytes({"crate.txt": b"crate\n"}, compress=True),
            "file.tgz": tar_bytes({"tgz.txt": b"tgz\n"}, compress=True),
            "notes.txt": b"notes\n",
        },
        check=_unchanged_image,
    ),
    Case(
        "reproducer-df602-dash-reads-echo-escapes",
        "debian",
        "FROM {base}\n"
        "RUN echo hello | tr a-z A-Z > /shout.txt\n"
        'RUN echo "[main]\\nkey=value" > /app.conf && mkdir -p /opt/{{a,b}}\n',
        frozenset({"DF602"}),  # bash only for the piped RUN: dash still reads the echo
        select=("DF602",),
        check=_unchanged_image,
    ),
    Case(
        "reproducer-df602-pipe-fails-by-design",
        "busybox",
        "FROM {base}\nRUN grep nosuchuser /etc/passwd | wc -l > /count.txt\n",
        frozenset(),
        select=("DF602",),
        verdict=Verdict.NOTHING_TO_VERIFY,
    ),
    Case(
        "reproducer-df501-workdir-between",
        "debian",
        WORKDIR_REPRODUCER,
        frozenset(),  # the install ran in the base image's directory, which the file does not say
        select=("DF501",),
        files={"input.txt": b"some input\n"},
        verdict=Verdict.NOTHING_TO_VERIFY,
    ),
    Case(
        "reproducer-df501-workdir-between-known-directory",
        "debian",
        WORKDIR_REPRODUCER.replace("FROM {base}\n", "FROM {base}\nWORKDIR /build\n"),
        frozenset({"DF501"}),  # each script runs where it ran: `cd` to /build in its subshell
        select=("DF501",),
        files={"input.txt": b"some input\n"},
        check=_explained_by("DF501", Kind.LAYERS),
    ),
    Case(
        "reproducer-df502-shell-state",
        "busybox",
        "FROM {base}\n"
        "RUN read x < /etc/hostname\n"
        'RUN echo "x=$x" > /x.txt\n'
        "RUN for i in 1 2; do :; done\n"
        'RUN echo "i=$i" > /i.txt\n'
        'RUN : "${{X:=default}}"\n'
        'RUN echo "X=$X" > /X.txt\n'
        "RUN ls() {{ echo shadowed; }}\n"
        "RUN ls / > /listing.txt\n",
        frozenset({"DF502"}),  # each RUN's state stays in its subshell
        select=("DF502",),
        check=_explained_by("DF502", Kind.LAYERS),
    ),
    Case(
        "reproducer-df501-copy-over-package-file",
        "debian",
        "FROM {base}\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends hello\n"
        "COPY fake-hello /usr/bin/hello\n"
        "RUN hello > /greeting.txt\n"
        "RUN apt-get purge -y hello\n",
        frozenset(),
        select=("DF501",),
        files={"fake-hello": b"#!/bin/sh\necho fake hello\n"},
        verdict=Verdict.NOTHING_TO_VERIFY,
    ),
]


def _write_context(directory: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if name.startswith("fake-"):
            path.chmod(0o755)


def _record(report: VerifyReport) -> None:
    target = os.environ.get("DFIX_ORACLE_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(render_markdown(report) + "\n")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_oracle(case: Case, lab: Lab, tmp_path: Path) -> None:
    _write_context(tmp_path, case.files)
    text = case.dockerfile.format(base=lab.image(case.base))
    result = fixer.fix(text, unsafe=case.unsafe, select=case.select, context=tmp_path)
    applied = [d for d in result.diagnostics if d.fixed]
    assert {d.rule for d in applied} == case.fixed, result.output
    report = verify(case.name, text, result.output, applied, lab.builder, tmp_path)
    _record(report)
    print(render_text(report))
    assert report.verdict is case.verdict, render_text(report)
    if case.check:
        case.check(report)


# --- verify catches what a fix does not declare ---------------------------------------------


class DropsCurl(Rule):
    """A test-only rule whose fix claims to drop only recommended packages, and deletes curl."""

    code = "DF999"
    name = "test-drops-curl"
    summary = "test only"
    image_changes = ImageChanges(packages=PackageChanges.RECOMMENDED)

    def check(self, ctx: Context) -> Iterator[Violation]:
        at = ctx.text.find(" curl")
        if at >= 0:
            fix = Fix("Drop curl", (Edit.deletion(at, at + 5),), Applicability.SAFE)
            yield self.violation(at, at + 5, "curl", fix)


def test_a_fix_that_deletes_a_needed_package_is_caught(lab: Lab, tmp_path: Path) -> None:
    install = "apt-get install -y --no-install-recommends jq curl"
    text = f"FROM {lab.image('debian')}\nRUN apt-get update && {install}\n"
    result = engine.run(text, [DropsCurl()], Applicability.SAFE)
    applied = [d for d in result.diagnostics if d.fixed]
    report = verify("drops-curl", text, result.output, applied, lab.builder, tmp_path)
    _record(report)
    shown = render_text(report)
    assert report.verdict is Verdict.UNEXPLAINED, shown
    assert "curl: removed" in shown
    assert "unexplained (fixes applied: DF999):" in shown
    assert (
        "DF999 may remove only packages that were only recommended; this one was installed by name" in shown
    )


class MovesSecretToMount(Rule):
    """A test-only secrets fix: the COPY of a key and its later rm become a secret mount."""

    code = "DF998"
    name = "test-secret-to-mount"
    summary = "test only"
    image_changes = ImageChanges(layers=True, secrets=("/root/.ssh/id_rsa",))

    def check(self, ctx: Context) -> Iterator[Violation]:
        if "COPY id_rsa" in ctx.text:
            fixed = (
                ctx.text.replace("COPY id_rsa /root/.ssh/id_rsa\n", "")
                .replace("RUN test -s", "RUN --mount=type=secret,id=id_rsa,target=/root/.ssh/id_rsa test -s")
                .replace("RUN rm /root/.ssh/id_rsa\n", "")
            )
            yield self.violation(0, 1, "secret", Fix.safe("Mount the key", Edit(0, len(ctx.text), fixed)))


def test_a_secret_removed_from_every_layer(lab: Lab, tmp_path: Path) -> None:
    (tmp_path / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n")
    text = (
        f"FROM {lab.image('busybox')}\n"
        "COPY id_rsa /root/.ssh/id_rsa\n"
        "RUN test -s /root/.ssh/id_rsa && echo used > /used.txt\n"
        "RUN rm /root/.ssh/id_rsa\n"
    )
    result = engine.run(text, [MovesSecretToMount()], Applicability.SAFE)
    applied = [d for d in result.diagnostics if d.fixed]
    report = verify("secret-to-mount", text, result.output, applied, lab.builder, tmp_path)
    _record(report)
    shown = render_text(report)
    (finding,) = report.secrets
    assert finding.original_layers and finding.original_whiteouts, shown
    assert not finding.fixed_layers, shown
