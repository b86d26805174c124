"""What a rule is: metadata, a docstring in three parts, and ``check(ctx)`` yielding violations.

A rule reads the syntax tree (and, through the context, derived facts) and yields
``Violation``s; a violation may carry a ``Fix`` whose applicability the rule sets from facts.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from fixer.context_files import ContextFiles
from fixer.diagnostic import NO_CHANGES, Applicability, Fix, ImageChanges
from fixer.settings import DEFAULT_SETTINGS, Settings
from fixer.syntax import Comment, Dockerfile, Instruction, Located, TopLevel

if TYPE_CHECKING:
    from pathlib import Path

    from fixer.model import Model
    from fixer.registry.resolver import Pins

__all__ = ["Context", "FixAvailability", "FixSafety", "Located", "Rule", "Violation"]

T = TypeVar("T")


def names(text: str) -> frozenset[str]:
    """A set of names written as one space-separated string (compact tables)."""
    return frozenset(text.split())


class FixAvailability(Enum):
    NONE = "none"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


class FixSafety(Enum):
    """How a rule's fixes apply: with ``--write`` (safe), only with ``--unsafe-fixes``, or
    either, fix by fix. The engine holds every fix to it (configuration may move a rule's fixes
    afterwards: extend-safe-fixes)."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    VARIES = "safe or unsafe"

    def allows(self, applicability: Applicability) -> bool:
        if applicability is Applicability.DISPLAY or self is FixSafety.VARIES:
            return True
        return applicability is (Applicability.SAFE if self is FixSafety.SAFE else Applicability.UNSAFE)


@dataclass(frozen=True, slots=True)
class Violation:
    """A finding at ``text[start:end]``, with an optional fix."""

    rule: type[Rule]
    start: int
    end: int
    message: str
    fix: Fix | None = None


class Context:
    """One file under analysis: its text, tree, and the facts rules share."""

    def __init__(
        self,
        text: str,
        tree: Dockerfile,
        build_context: Path | None = None,
        settings: Settings = DEFAULT_SETTINGS,
        pins: Pins | None = None,
        files: ContextFiles | None = None,
    ) -> None:
        self.text = text
        self.tree = tree
        # The directory the file is built in (None: unknown, e.g. stdin): read, never written.
        self.build_context = build_context
        # Its files that fixes edit (.dockerignore), as the fixes before this pass left them.
        self.files = files if files is not None else ContextFiles(build_context)
        self.settings = settings
        # Digests the registry (or the digest cache) answered for this file's image tags, when
        # pinning was asked for; None otherwise, and unpinned images are only reported.
        self.pins = pins
        # Every top-level node with its line and offset, computed once: rules walk them often.
        self.nodes = list(tree.located())
        self._node_offsets = [offset for _, _, offset in self.nodes]
        self.instructions = [Located(n, line, at) for n, line, at in self.nodes if isinstance(n, Instruction)]
        self._line_starts = _line_starts(text)
        self._shared: dict[str, object] = {}

    def shared(self, key: str, compute: Callable[[Context], T]) -> T:
        """``compute(self)``, computed once per pass for every rule that reads it (the RUN
        scripts: most rules walk them, and a file of thousands of RUNs would pay that per rule)."""
        if key not in self._shared:
            self._shared[key] = compute(self)
        return cast("T", self._shared[key])

    @functools.cached_property
    def model(self) -> Model:
        """Stages, base images, distro families and the state at every instruction."""
        from fixer.model import build_model  # imported on first use: `dfix -` cold start

        return build_model(self.tree, programs=_programs)

    def render(self, template: str, **values: object) -> str:
        """A snippet from ``templates/`` in this file's style (see ``fixer.snippets``)."""
        from fixer.snippets import render  # jinja2 loads only when a fix is built

        return render(template, self.tree, **values)

    def nodes_within(self, start: int, end: int) -> list[tuple[TopLevel, int, int]]:
        """The top-level nodes (with line and offset) that start from ``start`` to ``end``."""
        offsets = self._node_offsets
        return self.nodes[bisect.bisect_left(offsets, start) : bisect.bisect_right(offsets, end)]

    def comment_block_above(self, located: Located) -> tuple[int, str]:
        """Where the comments directly above an instruction start, and their text (the offset of
        the instruction itself, and "", when there are none): they document it, or suppress
        findings on it, so whatever goes above the instruction goes above them too."""
        # back from the instruction (bisected, not scanned: a fix asks this of every RUN)
        first = index = bisect.bisect_left(self._node_offsets, located.offset)
        while first > 0 and isinstance(self.nodes[first - 1][0], Comment):
            first -= 1
        if first == index:
            return located.offset, ""
        return self.nodes[first][2], "".join(node.code for node, _, _ in self.nodes[first:index])

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; the BOM is not a column."""
        index = bisect.bisect_right(self._line_starts, offset) - 1
        column = offset - self._line_starts[index] + 1
        if index == 0 and self.tree.bom:
            column = max(1, column - len(self.tree.bom))
        return index + 1, column


class Rule:
    """Base class of every rule; see ``fixer/rules/__init__.py`` for the registry."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    fix_title: ClassVar[str | None] = None
    fix_availability: ClassVar[FixAvailability] = FixAvailability.NONE
    fix_safety: ClassVar[FixSafety] = FixSafety.SAFE  # of the fixes it makes, when it makes any
    # Whether its findings depend on the build context's files (an ADD source that is an
    # archive, a secret `COPY . .` brings): found on disk, maybe not on stdin, and the reverse.
    reads_build_context: ClassVar[bool] = False
    aliases: ClassVar[tuple[str, ...]] = ()  # hadolint / Trivy / Checkov ids
    buildkit_check: ClassVar[str | None] = None  # the BuildKit check this rule mirrors, if any
    # Off unless selected by name or prefix (or, for DF401, asked for with --pin): a rule whose
    # finding would be on nearly every file, with nothing to do about it offline.
    opt_in: ClassVar[bool] = False
    # What its fixes may change in the built image (a fix may say otherwise): `dfix verify` checks it.
    image_changes: ClassVar[ImageChanges] = NO_CHANGES

    def check(self, ctx: Context) -> Iterator[Violation]:
        raise NotImplementedError

    def violation(self, start: int, end: int, message: str, fix: Fix | None = None) -> Violation:
        return Violation(type(self), start, end, message, fix)


def _programs(instruction: Instruction) -> Iterable[str]:
    """The programs a RUN invokes (what tells a distro when the image name does not)."""
    from fixer.shell import run_scripts

    for script in run_scripts(instruction):
        for command in script.script.commands:
            if command.program:
                yield command.program


def _line_starts(text: str) -> list[int]:
    """The offset of every line's first character (str.find: a character loop costs a 1 MiB file
    a tenth of a second per pass)."""
    starts, found = [0], text.find("\n")
    while found != -1:
        starts.append(found + 1)
        found = text.find("\n", found + 1)
    return starts
