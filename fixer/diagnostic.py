"""The fix vocabulary (ruff's): ``Edit`` text splices, a ``Fix`` of edits with an ``Applicability``,
and the ``Diagnostic`` a user sees.

Edits are splices over character offsets of the source text, so every character outside an
edit is copied verbatim and losslessness holds by construction.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING


class Applicability(IntEnum):
    """How sure a fix is; a fix applies when its level is at least the one asked for."""

    DISPLAY = 0  # shown, never applied
    UNSAFE = 1  # may change behaviour or the build invocation: needs --unsafe-fixes
    SAFE = 2  # keeps the build's meaning except for the hardening it names

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True, order=True)
class Edit:
    """Replace ``text[start:end]`` with ``content`` (an insertion when start == end)."""

    start: int
    end: int
    content: str = ""

    @classmethod
    def insertion(cls, at: int, content: str) -> Edit:
        return cls(at, at, content)

    @classmethod
    def deletion(cls, start: int, end: int) -> Edit:
        return cls(start, end, "")

    @classmethod
    def replacement(cls, start: int, end: int, content: str) -> Edit:
        return cls(start, end, content)


class PackageChanges(IntEnum):
    """Which changes to the installed package set a fix may make."""

    NONE = 0
    RECOMMENDED = 1  # drop packages that were installed only because another one recommended them


@dataclass(frozen=True, slots=True)
class ImageChanges:
    """What a fix may change in the image it builds; ``dfix verify`` holds every difference
    between the original and the fixed image against it, and whatever it does not cover is
    reported as unexplained. Nothing (the default) means the image must come out the same:
    config, merged filesystem, packages and layer count.

    ``paths`` are absolute glob patterns (``*`` within a name, ``**`` across directories) of
    files that may appear, change or vanish; ``layers``: the layer count, sizes and which layer
    holds what; ``packages``: see ``PackageChanges`` (the package databases and the packages'
    own files change with them); ``installs``: packages the fix installs by name, which may be
    new to the image with what they depend on; ``config``: image config keys (``Shell``); ``secrets``: files
    that must be in no layer of the fixed image; ``may_fail``: the fixed build may fail where the
    original passed, which is the hardening itself (a pipe that failed quietly); ``setid_bits``:
    regular files may lose their setuid/setgid bits (that change of mode and no other, anywhere).
    """

    paths: tuple[str, ...] = ()
    layers: bool = False
    packages: PackageChanges = PackageChanges.NONE
    installs: tuple[str, ...] = ()
    config: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    may_fail: bool = False
    setid_bits: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.paths
            or self.layers
            or self.packages
            or self.config
            or self.secrets
            or self.may_fail
            or self.setid_bits
        )

    def describe(self) -> str:
        """One line for a person: what the fix may change in the image."""
        parts = []
        if self.paths:
            parts.append("files under " + ", ".join(p.removesuffix("/**") for p in self.paths))
        if self.layers:
            parts.append("the layers (count, sizes, which layer holds what)")
        if self.packages is PackageChanges.RECOMMENDED:
            parts.append("packages that were only recommended")
        if self.installs:
            parts.append("installs " + ", ".join(self.installs) + " (and what they depend on)")
        if self.config:
            parts.append("the image config's " + ", ".join(self.config))
        if self.secrets:
            parts.append("removes " + ", ".join(self.secrets) + " from every layer")
        if self.may_fail:
            parts.append("the build may now fail where a failure was ignored")
        if self.setid_bits:
            parts.append("drops setuid/setgid bits from files")
        return "; ".join(parts) or "nothing"


NO_CHANGES = ImageChanges()


@dataclass(frozen=True, slots=True)
class BuildSecret:
    """A secret the fixed file's build must be given: ``--secret id=ID,src=SOURCE`` (``source``
    relative to the build context: the file the original copied in), or with ``ssh`` an agent
    (``--ssh default``)."""

    id: str
    source: str | None = None
    ssh: bool = False

    @property
    def flag(self) -> str:
        if self.ssh:
            return f"--ssh {self.id}"
        return f"--secret id={self.id}" + (f",src={self.source}" if self.source else "")


@dataclass(frozen=True, slots=True)
class FileEdit:
    """Edits to a file of the build context other than the Dockerfile (``.dockerignore``):
    ``path`` is relative to the build context, the edits are offsets in its text as the fixes
    before this one left it ("" when it does not exist yet: the fix creates it)."""

    path: str
    edits: tuple[Edit, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "edits", _ordered(self.edits, f"the edits of {self.path}"))


class _Later:
    """Where a ``Fix`` made with ``Fix.later`` keeps what makes its edits until they are read:
    a slot, not a field, so equality, ``repr``, pickling and ``dataclasses.replace`` see only
    the edits (and make them first)."""

    __slots__ = ("_make",)


@dataclass(frozen=True, slots=True)
class Fix(_Later):
    """Edits that must apply together, sorted and non-overlapping. ``changes`` is what the fix
    may change in the image, when it is not what its rule declares for every fix; ``requires``:
    the secrets the fixed file's build must now be given; ``files``: edits to other files of
    the build context, applied with the Dockerfile's (a fix may have only those).

    A fix whose text is costly to make (a rendered template: jinja2 alone takes longer to
    import than a run takes) can be made ``later``: its edits are made the first time they are
    read, and checked then, so a fix that is not applied and whose edits nobody asks for
    (``dfix -``, ``dfix --write -`` without ``--unsafe-fixes``) never makes them."""

    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability
    changes: ImageChanges | None = None
    requires: tuple[BuildSecret, ...] = ()
    files: tuple[FileEdit, ...] = ()

    def __post_init__(self) -> None:
        if len({file.path for file in self.files}) != len(self.files):
            raise ValueError(f"fix {self.title!r} edits a file twice: give it one FileEdit")
        object.__setattr__(self, "edits", self._checked(self.edits))

    @classmethod
    def safe(cls, title: str, *edits: Edit) -> Fix:
        return cls(title, edits, Applicability.SAFE)

    @classmethod
    def unsafe(cls, title: str, *edits: Edit) -> Fix:
        return cls(title, edits, Applicability.UNSAFE)

    @classmethod
    def later(
        cls,
        title: str,
        edits: Callable[[], Iterable[Edit]],
        applicability: Applicability,
        changes: ImageChanges | None = None,
    ) -> Fix:
        """A fix of the Dockerfile whose ``edits`` are made by calling ``edits()`` when they are
        first read (and checked then: what it raises, reading them raises). Everything else
        about the fix must be known without them: whether there is a fix at all, its title,
        what it may change."""
        fix = cls.__new__(cls)
        for name, value in (
            ("title", title),
            ("applicability", applicability),
            ("changes", changes),
            ("requires", ()),
            ("files", ()),
            ("_make", edits),
        ):
            object.__setattr__(fix, name, value)
        return fix  # ``edits`` stays unset until ``__getattr__`` makes it

    if not TYPE_CHECKING:  # to mypy, ``edits`` is the field it always is once read

        def __getattr__(self, name: str) -> tuple[Edit, ...]:
            """Reached only for an attribute normal lookup does not find: the unset ``edits`` slot
            of a fix made ``later``, the first time it is read."""
            if name != "edits" or not hasattr(self, "_make"):
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            try:
                edits = self._checked(tuple(self._make()))
            except AttributeError as error:  # would read as "no attribute edits"
                raise RuntimeError(f"making the edits of fix {self.title!r} failed: {error}") from error
            object.__setattr__(self, "edits", edits)
            object.__delattr__(self, "_make")  # what it held (a pass's tree) can go
            return edits

    def with_applicability(self, applicability: Applicability) -> Fix:
        """This fix at another applicability; one made ``later`` stays so."""
        if hasattr(self, "_make"):
            return Fix.later(self.title, self._make, applicability, self.changes)
        return Fix(self.title, self.edits, applicability, self.changes, self.requires, self.files)

    def _checked(self, edits: tuple[Edit, ...]) -> tuple[Edit, ...]:
        if not edits and not self.files:
            raise ValueError(f"fix {self.title!r} edits nothing")
        return _ordered(edits, f"fix {self.title!r}")

    @property
    def start(self) -> int:
        """Where its first edit of the Dockerfile starts (-1: it edits only other files)."""
        return self.edits[0].start if self.edits else -1

    @property
    def end(self) -> int:
        return self.edits[-1].end if self.edits else -1

    def applies(self, level: Applicability) -> bool:
        return self.applicability >= level and self.applicability is not Applicability.DISPLAY


def _ordered(edits: tuple[Edit, ...], what: str) -> tuple[Edit, ...]:
    ordered = tuple(sorted(edits))
    for before, after in itertools.pairwise(ordered):
        if before.end > after.start:
            raise ValueError(f"overlapping edits in {what}: {before} / {after}")
    return ordered


@dataclass(frozen=True, slots=True)
class TextEdit:
    """An edit as a user sees it: 1-based line/column range and the new text."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: where (1-based line and column), what, and whether its fix was applied."""

    rule: str
    name: str
    line: int
    column: int
    message: str
    applicability: Applicability | None = None  # None: the finding has no fix
    fixed: bool = False
    fix_title: str | None = None
    end_line: int | None = None
    end_column: int | None = None
    # The fix's edits. Like the finding itself, they are placed in the input text, whichever pass
    # found them (see fixer.engine.run); a later pass's edit content was written for the text after
    # the earlier passes' fixes, so it reads as "what changed here", not as an edit to replay on the
    # input: to apply fixes, use fix()'s output.
    edits: tuple[TextEdit, ...] = ()
    changes: ImageChanges | None = None  # what the fix may change in the image (None: no fix)
    requires: tuple[BuildSecret, ...] = ()  # what the fixed file's build must be given
    # The fix's edits to other files of the build context (path relative to it), placed in
    # that file's text as the fix found it (as it is on disk, unless a fix before edited it).
    file_edits: tuple[tuple[str, tuple[TextEdit, ...]], ...] = ()

    @property
    def build_flags(self) -> tuple[str, ...]:
        """The build flags the fix makes necessary (``--secret id=npmrc,src=.npmrc``)."""
        return tuple(secret.flag for secret in self.requires)


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Splice sorted, non-overlapping edits into ``text``."""
    out, cursor = [], 0
    for edit in edits:
        out.append(text[cursor : edit.start])
        out.append(edit.content)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)
