"""DF601 add-local-source: ``ADD`` of local files or directories, where ``COPY`` says what is meant."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Final

from fixer.diagnostic import Applicability, Edit, Fix
from fixer.rules._base import Context, FixAvailability, FixSafety, Located, Rule, Violation
from fixer.syntax.shell_words import ShellWordsError, process_word

if TYPE_CHECKING:
    from fixer.context import BuildContext, Entry
    from fixer.model import State

# Names of files ADD would likely unpack: what decides when there is no build context to read.
ARCHIVE_SUFFIXES = (
    ".tar", ".tgz", ".taz", ".tbz", ".tbz2", ".tb2", ".txz", ".tlz", ".tzst", ".tar.zst",
    ".gz", ".bz2", ".xz", ".lz", ".lzma", ".zst", ".z", ".lz4",
)  # fmt: skip
# Flags COPY understands the same way; any other (--checksum, --keep-git-dir, --unpack) is ADD's own.
SHARED_FLAGS = frozenset({"--chown", "--chmod", "--link"})
# BuildKit's SCP-style git URL (`sshutil.gitSSHRegex`, the user optional as in BuildKit >= 0.13):
# `git@github.com:org/repo.git`, `host:path`. Only its start matters: the rest matches anything.
SCP_URL: Final = re.compile(r"(?:[A-Za-z0-9_-]+@)?[A-Za-z0-9.-]+:")


class Source(Enum):
    """What one ``ADD`` source is, for the choice between ``ADD`` and ``COPY``."""

    PLAIN = "plain"  # a directory or a file that is not an archive: COPY does the same
    UNKNOWN = "unknown"  # may be an archive: COPY may change the image
    ARCHIVE = "archive"  # ADD unpacks it: ADD is meant
    REMOTE = "remote"  # a URL or a git repository: COPY cannot fetch it


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
    Sources are read as BuildKit reads them: quotes removed and ARG/ENV values expanded with
    BuildKit's shell lexer, in the shell and the JSON form alike. The fix is safe only when the
    build context shows that every source is a directory or a regular file that is not a tar
    archive by its content (what ``ADD`` checks: gzip, bzip2, xz or zstd magic bytes, then a tar
    header with a valid checksum); each match of a wildcard is checked, as BuildKit matches it.
    Then ``ADD`` and ``COPY`` put the same files in the image: the fix changes nothing in the
    filesystem, only the instruction recorded in the image history (``COPY`` for ``ADD``).

    The fix is unsafe when that cannot be shown: no build context is known (stdin), a source
    is not in it or outside it, a wildcard matches nothing, a source is a symlink, a special
    file, unreadable, a Git LFS pointer or zstd-compressed, a variable has no value the file
    gives (an ARG without default, the image's ENV), a ``--build-arg`` could change the source,
    or the stage is a Windows one. A name never makes the fix safe.

    ``ADD`` is left alone when a source is an archive by its content (or, without a context to
    read, by its name: ``.tar.gz``, ``.tgz`` …), a URL, or a git source as BuildKit detects them
    (``https://…``, ``git@host:repo``, ``git://``, ``ssh://``, ``https://….git#ref``,
    ``github.com/…``), also when a variable's value is one; and with a heredoc or an ADD-only
    flag (``--checksum``, ``--keep-git-dir``, ``--unpack``).

    ## References
    - hadolint DL3020, Trivy DS-0005, Checkov CKV_DOCKER_4
    - https://docs.docker.com/build/building/best-practices/#add-or-copy
    """

    code = "DF601"
    name = "add-local-source"
    summary = "`ADD` copies local files: use `COPY`"
    fix_title = "Replace `ADD` with `COPY`"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = FixSafety.VARIES
    reads_build_context = True
    aliases = ("DL3020", "DS-0005", "CKV_DOCKER_4")

    def check(self, ctx: Context) -> Iterator[Violation]:
        reader = _Reader(ctx)
        for located in ctx.instructions:
            node = located.node
            if node.upper_keyword != "ADD" or node.heredocs:
                continue
            bk = node.buildkit
            sources = bk.value[:-1]
            if not sources or any(_flag_name(flag) not in SHARED_FLAGS for flag in bk.flags):
                continue
            kinds = reader.sources(located, sources, bk.value[-1])
            if kinds is None or Source.REMOTE in kinds or Source.ARCHIVE in kinds:
                continue  # ADD does what COPY cannot: fetch, clone, unpack
            span = node.keyword_span()
            fix, start = None, located.offset
            if span is not None:
                replacement = _same_case("COPY", node.keyword)
                safe = all(kind is Source.PLAIN for kind in kinds)
                applicability = Applicability.SAFE if safe else Applicability.UNSAFE
                start, end = located.offset + span[0], located.offset + span[1]
                fix = Fix(self.fix_title or "", (Edit.replacement(start, end, replacement),), applicability)
            message = "`ADD` of local sources: `COPY` does the same"
            yield self.violation(start, located.content_end, message, fix)


class _Reader:
    """Reads the sources of one file's ``ADD`` instructions as the build would see them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.escape = ctx.tree.escape

    @functools.cached_property
    def context(self) -> BuildContext | None:
        if self.ctx.build_context is None:
            return None
        from fixer.context import BuildContext  # only files with an ADD read the context

        return BuildContext(self.ctx.build_context)

    @functools.cached_property
    def overridden(self) -> tuple[State, ...]:
        """The state at every instruction when every declared ARG is given by ``--build-arg``."""
        from fixer.model import build_model

        names = {
            word.partition("=")[0]
            for located in self.ctx.instructions
            if located.node.upper_keyword == "ARG"
            for word in located.node.buildkit.value
        }
        return build_model(self.ctx.tree, build_args=dict.fromkeys(names, _OVERRIDE)).states

    def sources(self, located: Located, sources: tuple[str, ...], destination: str) -> list[Source] | None:
        """What each source is; None when BuildKit could not expand the words (a failing build)."""
        state = self.ctx.model.state_at(located.offset)
        try:
            _Scope.expand(destination, state, self.escape)
            return [self._source(located, state, source) for source in sources]
        except ShellWordsError:
            return None

    def _source(self, located: Located, state: State, source: str) -> Source:
        value = _Scope.expand(source, state, self.escape)
        if value is None:  # a variable without a known value: judge what is known of it
            return _guess(_Scope.best_effort(source, state, self.escape))
        if _is_remote(value):
            return Source.REMOTE
        context = self.context
        if context is None or state.windows:
            return Source.ARCHIVE if _archive_name(value) else Source.UNKNOWN
        entries = context.entries(value)
        if not entries:  # a wildcard that matches nothing here may match files made before the build
            return Source.ARCHIVE if _archive_name(value) else Source.UNKNOWN
        kinds = {_entry_source(entry) for entry in entries}
        if kinds != {Source.PLAIN}:
            return Source.ARCHIVE if Source.ARCHIVE in kinds else Source.UNKNOWN
        if "$" in source and self._build_arg_changes(located, source, value):
            return Source.UNKNOWN
        return Source.PLAIN

    def _build_arg_changes(self, located: Located, source: str, value: str) -> bool:
        """Whether a ``--build-arg`` can change what ``source`` expands to (``ADD $F`` after
        ``ARG F=a.txt``, or after an ENV set from an ARG)."""
        index = self.ctx.model.offsets.index(located.offset)
        return _Scope.expand(source, self.overridden[index], self.escape) != value


_OVERRIDE: Final = "\x00build-arg\x00"  # a --build-arg value no Dockerfile holds


class _Scope(Mapping[str, str]):
    """The variables an ``ADD`` sees, as far as the Dockerfile tells: ARGs with values and ENV.

    Reading any other name (an ARG without a value, the image's ENV) is noted: the word is then
    unknown. So is a name that is both an ARG and an ENV (which one wins depends on their order,
    which the model does not keep) and a value with ``$`` (the model keeps unknown variables
    literal in values, ``ENV P=$HOME/x``).
    """

    __slots__ = ("known", "unknown")

    def __init__(self, state: State) -> None:
        args = {name: value for name, value in state.args.items() if value is not None}
        both = args.keys() & state.env.keys()
        self.known = {k: v for k, v in {**args, **state.env}.items() if k not in both and "$" not in v}
        self.unknown = False

    def __contains__(self, name: object) -> bool:
        if name in self.known:
            return True
        self.unknown = True
        return False

    def __getitem__(self, name: str) -> str:
        return self.known[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.known)

    def __len__(self) -> int:
        return len(self.known)

    def __bool__(self) -> bool:
        return True  # an empty scope must still be asked (the lexer takes a falsy one for none)

    @classmethod
    def expand(cls, word: str, state: State, escape: str) -> str | None:
        """``word`` as BuildKit's ``ProcessWord`` makes it (quotes removed, variables
        expanded); None when it reads a variable whose value is unknown. Raises
        ShellWordsError when BuildKit would fail the build on it."""
        scope = cls(state)
        value = process_word(word, scope, escape=escape)
        return None if scope.unknown else value

    @classmethod
    def best_effort(cls, word: str, state: State, escape: str) -> str:
        """``word`` expanded with the known variables, the unknown ones kept as written."""
        return process_word(word, cls(state).known, escape=escape, skip_unset_env=True)


def _entry_source(entry: Entry) -> Source:
    """What ADD makes of one path of the context; where its content cannot be read (missing,
    a symlink, zstd …) its name tells whether it is most likely an archive."""
    from fixer.context import Kind

    if entry.kind.plain:
        return Source.PLAIN
    if entry.kind is Kind.ARCHIVE or _archive_name(entry.path):
        return Source.ARCHIVE
    return Source.UNKNOWN


def _guess(partial: str) -> Source:
    """A source with unknown variables in it: remote or an archive when what is known says so
    (``${REPO}#${REF}``, ``https://$HOST/x``, ``$NAME.tar.gz``), else unknown."""
    if _is_remote(partial) or "#" in partial:
        return Source.REMOTE
    return Source.ARCHIVE if _archive_name(partial) else Source.UNKNOWN


def _is_remote(source: str) -> bool:
    """A source BuildKit fetches (an http(s) URL) or clones (``dfgitutil.ParseGitRef``), or
    one dfix leaves to ``ADD`` in doubt: any ``scheme://`` (BuildKit reads an unknown scheme as
    an odd local path), ``github.com/…`` (a git source to older BuildKit), anything SCP-like."""
    if source.startswith(("./", "../")):
        return False  # ParseGitRef: a local path, whatever follows
    return "://" in source or source.startswith("github.com/") or SCP_URL.match(source) is not None


def _archive_name(source: str) -> bool:
    return source.lower().endswith(ARCHIVE_SUFFIXES)


def _flag_name(flag: str) -> str:
    return flag.partition("=")[0]


def _same_case(word: str, like: str) -> str:
    """``word`` in the casing of ``like`` (``add`` → ``copy``, ``Add`` → ``Copy``)."""
    if like.islower():
        return word.lower()
    if like[:1].isupper() and like[1:].islower():
        return word.capitalize()
    return word.upper()
