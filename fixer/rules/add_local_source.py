"""DF601 add-local-source: ``ADD`` of local files or directories, where ``COPY`` says what is meant."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from fixer.diagnostic import Applicability, Edit, Fix
from fixer.rules._base import Context, FixAvailability, Rule, Violation

# ADD unpacks a local source that *is* a tar archive (recognised by content, compressed or not).
ARCHIVE_SUFFIXES = (
    ".tar", ".tgz", ".taz", ".tbz", ".tbz2", ".tb2", ".txz", ".tlz", ".tzst", ".tar.zst",
    ".gz", ".bz2", ".xz", ".lz", ".lzma", ".zst", ".z", ".lz4",
)  # fmt: skip
# Flags COPY understands the same way; any other (--checksum, --keep-git-dir, --unpack) is ADD's own.
SHARED_FLAGS = frozenset({"--chown", "--chmod", "--link"})


class AddLocalSource(Rule):
    """## What it does
    Finds ``ADD`` instructions whose sources are local files or directories.

    ## Why is this bad?
    ``ADD`` also fetches URLs, clones git repositories and unpacks tar archives. Using it for a
    plain copy hides which of those the author meant, and a file that later turns out to be an
    archive is silently unpacked. ``COPY`` does only what it says.

    ## Example
    ```dockerfile
    ADD requirements.txt /app/
    ```

    Use instead:
    ```dockerfile
    COPY requirements.txt /app/
    ```

    ## Fix safety
    Safe when every source is a directory (``.``, ``src/``) or a file whose name says it is not an
    archive (``app.py``). Unsafe when a source could still be a tar archive that ``ADD`` would
    have unpacked: a name without an extension, a wildcard that could match one, or a variable.
    ``ADD`` of a URL, a git source, an archive, a heredoc, or with ADD-only flags is left alone.

    ## References
    - hadolint DL3020, Trivy DS-0005, Checkov CKV_DOCKER_4
    - https://docs.docker.com/build/building/best-practices/#add-or-copy
    """

    code = "DF601"
    name = "add-local-source"
    summary = "`ADD` copies local files: use `COPY`"
    fix_title = "Replace `ADD` with `COPY`"
    fix_availability = FixAvailability.SOMETIMES
    aliases = ("DL3020", "DS-0005", "CKV_DOCKER_4")

    def check(self, ctx: Context) -> Iterator[Violation]:
        for located in ctx.instructions:
            node = located.node
            if node.upper_keyword != "ADD" or node.heredocs:
                continue
            bk = node.buildkit
            sources = bk.value[:-1]
            if not sources or any(_flag_name(flag) not in SHARED_FLAGS for flag in bk.flags):
                continue
            if not all(_is_local(source) and not _is_archive(source) for source in sources):
                continue
            span = node.keyword_span()
            fix, start = None, located.offset
            if span is not None:
                replacement = _same_case("COPY", node.keyword)
                applicability = (
                    Applicability.SAFE
                    if all(_is_plain(source) for source in sources)
                    else Applicability.UNSAFE
                )
                start, end = located.offset + span[0], located.offset + span[1]
                fix = Fix(self.fix_title or "", (Edit.replacement(start, end, replacement),), applicability)
            message = "`ADD` of local sources: `COPY` does the same"
            yield self.violation(start, located.content_end, message, fix)


def _flag_name(flag: str) -> str:
    return flag.partition("=")[0]


def _is_local(source: str) -> bool:
    lowered = source.lower()
    return "://" not in lowered and not lowered.startswith("git@")


def _is_archive(source: str) -> bool:
    return source.lower().endswith(ARCHIVE_SUFFIXES)


def _is_plain(source: str) -> bool:
    """Certainly not an archive: a directory, or a file named with a non-archive extension."""
    if "$" in source or any(ch in source for ch in "*?["):
        # A pattern is plain only if its extension pins what it matches (`*.sh`).
        ext = posixpath.splitext(source)[1]
        return "$" not in source and bool(ext) and not any(ch in ext for ch in "*?[")
    if source in (".", "..") or source.endswith("/"):
        return True
    return bool(posixpath.splitext(posixpath.basename(source))[1])


def _same_case(word: str, like: str) -> str:
    """``word`` in the casing of ``like`` (``add`` → ``copy``, ``Add`` → ``Copy``)."""
    if like.islower():
        return word.lower()
    if like[:1].isupper() and like[1:].islower():
        return word.capitalize()
    return word.upper()
