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

import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from fixer.context_files import FileChange
from fixer.diagnostic import Diagnostic
from fixer.verify.accounts import ACCOUNT_FILES, user_notes
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
    """One built image. ``reference``: its tag in the builder's storage, where it stays until
    the builder is closed (``Buildah.run`` runs commands in it); ``suid``: its setuid/setgid files."""

    reference: str
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
    files: Sequence[FileChange] = (),
) -> VerifyReport:
    """Build ``original`` and ``fixed`` (Dockerfile texts) in ``context`` and explain the differences.

    ``fixes`` are the applied fixes (diagnostics with ``fixed`` set), each with the ImageChanges
    it declares; ``files``, the other files of the context they edit (``.dockerignore``), which
    the fixed build reads as fixed while the context stays as it is. The caller owns
    ``builder`` and closes it.
    """
    report = VerifyReport(path, Verdict.NOTHING_TO_VERIFY, list(fixes), builder.name)
    if original == fixed and not files:
        return report
    with tempfile.TemporaryDirectory(prefix="dfix-verify-") as scratch:
        work = Path(scratch)
        mounts = [fields for text in (original, fixed) for fields in _mounts(text)]
        secrets = {**_dummy_secrets(work, _mount_ids(mounts, "secret")), **_given_secrets(context, fixes)}
        ssh = _dummy_ssh_keys(work, _mount_ids(mounts, "ssh")) if shutil.which("ssh-keygen") else {}
        built: dict[str, _Built | BuildError] = {}
        fixed_ignore = _fixed_ignore_file(work, files)
        for label, text in (("original", original), ("fixed", fixed)):
            dockerfile = work / f"{label}.Dockerfile"
            dockerfile.write_text(text, encoding="utf-8", newline="")
            ignore_file = fixed_ignore if label == "fixed" else None
            request = BuildRequest(
                dockerfile, context, dict(build_args or {}), target, secrets, ssh, ignore_file
            )
            try:
                built[label] = _build(
                    builder, request, f"localhost/dfix-verify/{label}:{work.name.lower()}", work
                )
            except BuildError as error:
                built[label] = error  # a fixed file may build where the original does not: say so
        report.notes = list(builder.notes)
        old, new = built["original"], built["fixed"]
        if isinstance(old, BuildError) or isinstance(new, BuildError):
            return _failed(report, old, new, fixes)
        report.original, report.fixed = old.summary, new.summary
        report.notes += _user_notes(old.image, new.image)
        packages = (old.packages, new.packages)
        report.attribution = attribute(compare(old.image, new.image, packages), fixes, packages)
        report.secrets = list(_secrets(old.image, new.image, fixes))
        leaked = any(finding.fixed_layers for finding in report.secrets)
        report.verdict = Verdict.EXPLAINED if report.attribution.ok and not leaked else Verdict.UNEXPLAINED
    return report


def _fixed_ignore_file(work: Path, files: Sequence[FileChange]) -> Path | None:
    """The fixed ``.dockerignore`` written outside the context, when a fix edits it."""
    if any(change.path != ".dockerignore" for change in files):
        raise ValueError(f"dfix verify builds with a fixed .dockerignore only, not {[c.path for c in files]}")
    if not files:
        return None
    path = work / "fixed.dockerignore"
    path.write_text(files[0].after, encoding="utf-8", newline="")
    return path


@dataclass(frozen=True, slots=True)
class _Built:
    image: Image
    packages: Packages
    summary: ImageSummary


def _build(builder: Builder, request: BuildRequest, tag: str, work: Path) -> _Built:
    seconds = builder.build(request, tag)
    archive = work / "image.tar"
    builder.export(tag, archive)
    image = read_archive(archive, keep=_kept)
    archive.unlink()
    packages = read_packages(image.contents, image.canonical)
    return _Built(image, packages, _summary(tag, image, packages, seconds))


def _kept(path: str) -> bool:
    """The files whose bytes verify reads: the package databases, the users and groups."""
    return is_database_file(path) or path in ACCOUNT_FILES


def _user_notes(before: Image, after: Image) -> list[str]:
    """Notes on the user the fixed image runs as, when a fix changed it."""
    user = after.config.get("User") or ""
    return user_notes(user, after.contents) if user != (before.config.get("User") or "") else []


def _failed(
    report: VerifyReport,
    old: _Built | BuildError,
    new: _Built | BuildError,
    fixes: Sequence[Diagnostic],
) -> VerifyReport:
    """The report when a build failed: the original (nothing to compare with; whether the fixed
    file builds is said too), or only the fixed one (with the fixes that declare they may)."""
    if isinstance(old, BuildError):
        report.verdict = Verdict.ORIGINAL_FAILED
        either = (
            "; the fixed one does not build either"
            if isinstance(new, BuildError)
            else "; the fixed one builds"
        )
        report.error = f"the original Dockerfile does not build: {old.message}{either}"
        report.log = old.tail()
        report.fixed = None if isinstance(new, BuildError) else new.summary
        return report
    assert isinstance(new, BuildError)
    report.verdict = Verdict.FIXED_FAILED
    report.original = old.summary
    declared = [fix.rule for fix in fixes if fix.changes and fix.changes.may_fail]
    hardening = (
        f" ({', '.join(dict.fromkeys(declared))} may make a failure that was ignored fail the build)"
        if declared
        else ""
    )
    report.error = f"the fixed Dockerfile does not build: {new.message}{hardening}"
    report.log = new.tail()
    return report


def _summary(tag: str, image: Image, packages: Packages, seconds: float) -> ImageSummary:
    return ImageSummary(
        reference=tag,
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


def _dummy_secrets(work: Path, ids: Sequence[str]) -> dict[str, Path]:
    """A file of dummy bytes for every ``--mount=type=secret`` id the files use: the build needs
    the secret to be there, and its value is nobody's business."""
    found: dict[str, Path] = {}
    for secret in ids:
        path = work / f"secret-{len(found)}"
        path.write_text(f"dfix-verify-dummy-secret-{secret}\n")
        found[secret] = path
    return found


def _given_secrets(context: Path, fixes: Sequence[Diagnostic]) -> dict[str, Path]:
    """The secrets the applied fixes say the build needs, from the files of the build context
    the original copied in (a fix that moved ``.npmrc`` to a secret mount builds with it)."""
    return {
        secret.id: context / secret.source
        for fix in fixes
        for secret in fix.requires
        if secret.source is not None and not secret.ssh
    }


def _dummy_ssh_keys(work: Path, ids: Sequence[str]) -> dict[str, Path]:
    """A throwaway key for every ``--mount=type=ssh`` id: the builder serves it from an agent,
    so the RUN finds a socket with a key; it opens no door anywhere."""
    keys: dict[str, Path] = {}
    for name in ids:
        path = work / f"ssh-{len(keys)}"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dfix-verify", "-f", str(path)],
            check=True,
            capture_output=True,
        )
        keys[name] = path
    return keys


def _mounts(text: str) -> list[dict[str, str]]:
    """The fields of every ``--mount`` flag in the Dockerfile ``text``."""
    from fixer.rules.packages._cleanup import mounts
    from fixer.syntax import ParseError, parse

    try:
        return [fields for node in parse(text).instructions for fields in mounts(node)]
    except ParseError:
        return []


def _mount_ids(mounts: Sequence[dict[str, str]], kind: str) -> list[str]:
    """The ids of the ``type=KIND`` mounts, sorted (BuildKit's defaults: a secret's id is its
    target's name, an ssh mount's is ``default``)."""
    ids = set()
    for fields in mounts:
        if fields.get("type") == kind:
            default = "default" if kind == "ssh" else fields.get("target", "").rpartition("/")[2]
            ids.add(fields.get("id") or default)
    return sorted(ids)
