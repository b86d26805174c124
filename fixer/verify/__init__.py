"""``dfix verify``: build the original and the fixed Dockerfile, and explain every difference.

A fix is correct when the image it produces differs from the original only as the fix says.
Verify proves it the only way it can be proved: it builds both files with a real builder
(``fixer.verify.builders``), reads both images from their layers (``image``), lists every
difference in config, merged filesystem, packages, layers and secrets (``compare``), and holds
each one against what the applied fixes declared they may change (``explain``). What no fix
declares is unexplained, and unexplained means wrong.

Verify executes the Dockerfile's RUN steps, as ``docker build`` does: it only ever runs when a
user asks for it (never from fixing, the language server or pre-commit).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from fixer.diagnostic import Diagnostic
from fixer.verify.builders import Builder, BuildError, BuildRequest
from fixer.verify.compare import compare, secret_layers, suid_files
from fixer.verify.explain import Attribution, attribute
from fixer.verify.image import Image, read_archive
from fixer.verify.packages import Packages, is_database_file, read_packages

__all__ = ["ImageSummary", "SecretFinding", "Verdict", "VerifyReport", "verify"]


class Verdict(StrEnum):
    EXPLAINED = "explained"  # every difference is one a fix declared
    UNEXPLAINED = "unexplained"  # something changed that no fix declared
    FIXED_FAILED = "fixed-build-failed"  # the original builds, the fixed file does not
    ORIGINAL_FAILED = "original-build-failed"  # nothing to compare with
    NOTHING_TO_VERIFY = "nothing-to-verify"  # no fix applies

    @property
    def exit_code(self) -> int:
        return {Verdict.EXPLAINED: 0, Verdict.NOTHING_TO_VERIFY: 0, Verdict.ORIGINAL_FAILED: 2}.get(self, 1)


@dataclass(frozen=True, slots=True)
class ImageSummary:
    layers: int
    size: int
    packages: int
    package_manager: str | None
    suid: tuple[str, ...]
    build_seconds: float


@dataclass(frozen=True, slots=True)
class SecretFinding:
    """Where a file a fix declares secret is, by 1-based layer, in each image."""

    path: str
    original_layers: tuple[int, ...]
    original_whiteouts: tuple[int, ...]
    fixed_layers: tuple[int, ...]


@dataclass(slots=True)
class VerifyReport:
    path: str
    verdict: Verdict
    fixes: list[Diagnostic] = field(default_factory=list)
    builder: str | None = None
    notes: list[str] = field(default_factory=list)
    original: ImageSummary | None = None
    fixed: ImageSummary | None = None
    attribution: Attribution | None = None
    secrets: list[SecretFinding] = field(default_factory=list)
    error: str | None = None
    log: str | None = None


def verify(
    path: str,
    original: str,
    fixed: str,
    fixes: Sequence[Diagnostic],
    builder: Builder,
    context: Path,
    build_args: Mapping[str, str] | None = None,
    target: str | None = None,
) -> VerifyReport:
    """Build ``original`` and ``fixed`` (Dockerfile texts) in ``context`` and explain the differences.

    ``fixes`` are the applied fixes (diagnostics with ``fixed`` set), each with the ImageChanges
    it declares. The caller owns ``builder`` and closes it.
    """
    report = VerifyReport(path, Verdict.NOTHING_TO_VERIFY, list(fixes), builder.name)
    if original == fixed:
        return report
    with tempfile.TemporaryDirectory(prefix="dfix-verify-") as scratch:
        work = Path(scratch)
        secrets = _dummy_secrets(work, (original, fixed))
        ssh = _dummy_ssh_keys(work, (original, fixed)) if shutil.which("ssh-keygen") else {}
        built: list[tuple[Image, ImageSummary]] = []
        for label, text in (("original", original), ("fixed", fixed)):
            dockerfile = work / f"{label}.Dockerfile"
            dockerfile.write_text(text, encoding="utf-8", newline="")
            request = BuildRequest(dockerfile, context, dict(build_args or {}), target, secrets, ssh)
            tag = f"localhost/dfix-verify/{label}:{work.name.lower()}"
            try:
                seconds = builder.build(request, tag)
            except BuildError as error:
                report.verdict = Verdict.ORIGINAL_FAILED if label == "original" else Verdict.FIXED_FAILED
                report.error = f"the {label} Dockerfile does not build: {error.message}"
                report.log = error.tail()
                report.notes = list(builder.notes)
                return report
            archive = work / f"{label}.tar"
            builder.export(tag, archive)
            image = read_archive(archive, keep=lambda p: is_database_file(p))
            archive.unlink()
            built.append((image, _summary(image, read_packages(image.contents, image.canonical), seconds)))
        report.notes = list(builder.notes)
        (before, report.original), (after, report.fixed) = built
        packages = (
            read_packages(before.contents, before.canonical),
            read_packages(after.contents, after.canonical),
        )
        differences = compare(before, after, packages)
        report.attribution = attribute(differences, fixes, packages)
        report.secrets = list(_secrets(before, after, fixes))
        leaked = any(finding.fixed_layers for finding in report.secrets)
        report.verdict = Verdict.EXPLAINED if report.attribution.ok and not leaked else Verdict.UNEXPLAINED
    return report


def _summary(image: Image, packages: Packages, seconds: float) -> ImageSummary:
    return ImageSummary(
        layers=len(image.layers),
        size=image.size,
        packages=len(packages.installed),
        package_manager=packages.manager,
        suid=tuple(suid_files(image)),
        build_seconds=seconds,
    )


def _secrets(before: Image, after: Image, fixes: Sequence[Diagnostic]) -> Iterator[SecretFinding]:
    for path in dict.fromkeys(p for fix in fixes if fix.changes for p in fix.changes.secrets):
        added, whiteouts = secret_layers(before, path)
        still = secret_layers(after, path)[0]
        yield SecretFinding(path, tuple(added), tuple(whiteouts), tuple(still))


def _dummy_secrets(work: Path, texts: Sequence[str]) -> dict[str, Path]:
    """A file of dummy bytes for every ``--mount=type=secret`` id the files use: the build needs
    the secret to be there, and its value is nobody's business."""
    ids: dict[str, Path] = {}
    for secret in sorted({s for text in texts for s in _mount_ids(text, "secret")}):
        path = work / f"secret-{len(ids)}"
        path.write_text(f"dfix-verify-dummy-secret-{secret}\n")
        ids[secret] = path
    return ids


def _dummy_ssh_keys(work: Path, texts: Sequence[str]) -> dict[str, Path]:
    """A throwaway key for every ``--mount=type=ssh`` id: the builder serves it from an agent,
    so the RUN finds a socket with a key; it opens no door anywhere."""
    keys: dict[str, Path] = {}
    for name in sorted({s for text in texts for s in _mount_ids(text, "ssh")}):
        path = work / f"ssh-{len(keys)}"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dfix-verify", "-f", str(path)],
            check=True,
            capture_output=True,
        )
        keys[name] = path
    return keys


def _mount_ids(text: str, kind: str) -> Iterator[str]:
    """The ids of the ``--mount=type=KIND`` flags in ``text`` (BuildKit's defaults: a secret's
    id is its target's name, an ssh mount's is ``default``)."""
    from fixer.syntax import parse

    with contextlib.suppress(Exception):
        for node in parse(text).instructions:
            for flag in node.buildkit.flags:
                name, _, value = flag.partition("=")
                options = dict(part.partition("=")[::2] for part in value.split(","))
                if name == "--mount" and options.get("type") == kind:
                    default = "default" if kind == "ssh" else options.get("target", "").rpartition("/")[2]
                    yield options.get("id") or default
