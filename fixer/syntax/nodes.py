"""Immutable concrete-syntax-tree nodes that own every byte of a Dockerfile.

The tree is line-shaped, because BuildKit's grammar is: a file is a sequence of physical lines
(split on ``\\n`` only), grouped into parser directives, comments, blank lines and instructions.
An instruction owns the physical lines of its logical line (text, continuation markers, and the
comment and blank lines BuildKit skips inside a continuation) and the lines of its heredoc bodies.

Every node prints itself back exactly (``node.code``); nothing is normalised. Semantic views
(keyword, flags, BuildKit's values) are derived from the bytes, never stored beside them, so a
node can not hold two disagreeing truths. Nodes change through ``with_changes(...)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar, cast

from fixer.syntax import buildkit
from fixer.syntax.buildkit import BuildKitNode
from fixer.syntax.lexer import lstrip_go, match_directive

T = TypeVar("T")

KEYWORDS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    }
)  # fmt: skip
"""The instructions BuildKit's frontend runs; its parser takes any word, the frontend rejects the rest."""


def _directive_match(content: str) -> tuple[str, str]:
    found = match_directive(content)
    if found is None:  # only reachable through with_changes(content=…) on a directive
        raise ValueError(f"not a parser directive: {content!r}")
    return found


class Node:
    """Base of every node: ``code`` prints it back, ``with_changes`` makes a changed copy.

    Every concrete node is a frozen dataclass with slots. This base, which has no fields, is a
    plain class, and so are the three whole-line kinds, which add none: they inherit all their
    dataclass methods from ``_WholeLine`` (``repr`` prints their own name). Each ``@dataclass``
    costs every ``dfix`` process about half a millisecond to build (cold start).
    """

    __slots__ = ()
    if TYPE_CHECKING:  # what makes the concrete nodes dataclasses, for dataclasses.replace
        __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    @property
    def code(self) -> str:
        return "".join(self._emit())

    def _emit(self) -> Iterator[str]:
        raise NotImplementedError

    @property
    def line_count(self) -> int:
        """Physical lines this node spans (what BuildKit counts for start/end lines)."""
        raise NotImplementedError

    def with_changes(self, **changes: object) -> Self:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class _WholeLine(Node):
    """A physical line kept as it is: its content and its own line ending (``\\n``, ``\\r\\n``, ...)."""

    content: str
    newline: str

    def _emit(self) -> Iterator[str]:
        yield self.content
        yield self.newline

    @property
    def line_count(self) -> int:
        return 1


class Directive(_WholeLine):
    """A parser directive (``# syntax=…``, ``# escape=…``, ``# check=…``) at the top of the file."""

    __slots__ = ()

    @property
    def name(self) -> str:
        """The directive's key, lower-cased as BuildKit reads it."""
        return _directive_match(self.content)[0]

    @property
    def value(self) -> str:
        return _directive_match(self.content)[1]


class Comment(_WholeLine):
    """A comment line (first non-blank character ``#``), indentation included in ``content``."""

    __slots__ = ()


class BlankLine(_WholeLine):
    """A line holding only whitespace, at top level or inside a continuation."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class SourceLine(Node):
    """One physical line of an instruction's logical line.

    ``text`` is what the line contributes (the first line keeps its indentation here; BuildKit
    trims it), ``continuation`` the escape character plus trailing blanks when the logical line
    goes on (empty on its last line), ``newline`` the line's own ending.
    """

    text: str
    continuation: str
    newline: str

    def _emit(self) -> Iterator[str]:
        yield self.text
        yield self.continuation
        yield self.newline

    @property
    def line_count(self) -> int:
        return 1


ContinuedLine = SourceLine | Comment | BlankLine
"""What an instruction's logical line is made of: source lines, and the comment and blank
lines that BuildKit skips when they sit inside a continuation."""


@dataclass(frozen=True, slots=True)
class HeredocBody(Node):
    """The body of one heredoc (``<<EOF`` … ``EOF``): raw lines and the terminator line."""

    name: str
    lines: tuple[str, ...]
    terminator: str

    def _emit(self) -> Iterator[str]:
        yield from self.lines
        yield self.terminator

    @property
    def line_count(self) -> int:
        return len(self.lines) + 1

    @property
    def content(self) -> str:
        """The body as BuildKit reports it (the terminator line excluded; tabs not yet chomped)."""
        return "".join(self.lines)


@dataclass(frozen=True, slots=True)
class Instruction(Node):
    """An instruction: its logical line (over one or more physical lines) and its heredoc bodies.

    ``escape`` is the file's escape character, parse context rather than bytes (as LibCST keeps
    its parser config): it decides how the lines join into one logical line.
    """

    lines: tuple[ContinuedLine, ...]
    heredocs: tuple[HeredocBody, ...] = ()
    escape: str = "\\"
    _buildkit: BuildKitNode | None = field(default=None, compare=False, repr=False)

    def _emit(self) -> Iterator[str]:
        for line in self.lines:
            yield from line._emit()
        for body in self.heredocs:
            yield from body._emit()

    @property
    def line_count(self) -> int:
        return len(self.lines) + sum(body.line_count for body in self.heredocs)

    def with_changes(self, **changes: object) -> Self:
        # The cached BuildKit view belongs to the old bytes.
        return dataclasses.replace(self, _buildkit=None, **changes)  # type: ignore[arg-type]

    @property
    def logical_line(self) -> str:
        """The line BuildKit parses: source texts joined, first one left-trimmed, markers dropped."""
        texts = [line.text for line in self.lines if isinstance(line, SourceLine)]
        if texts:
            texts[0] = lstrip_go(texts[0])
        return "".join(texts)

    def logical_offsets(self) -> list[int]:
        """For each character of ``logical_line``, its offset in ``code``; then one past the last.

        Edits found in the logical line (what BuildKit and the shell see) map back to the source
        through this, so continuation markers, comments and blank lines in between stay put.
        """
        offsets: list[int] = []
        position, end, first = 0, 0, True
        for line in self.lines:
            if isinstance(line, SourceLine):
                skip = len(line.text) - len(lstrip_go(line.text)) if first else 0
                offsets.extend(range(position + skip, position + len(line.text)))
                end, first = position + len(line.text), False
            position += len(line.code)
        offsets.append(end)
        return offsets

    @property
    def buildkit(self) -> BuildKitNode:
        """BuildKit's node for this instruction (keyword, flags, values, JSON form, ONBUILD child)."""
        node = self._buildkit
        if node is None:
            node = buildkit.parse_logical_line(self.logical_line, self.escape)
            object.__setattr__(self, "_buildkit", node)
        return node

    @property
    def keyword(self) -> str:
        """The instruction keyword as written (``run``, ``RUN``, ``Run`` …)."""
        return self.buildkit.cmd

    @property
    def upper_keyword(self) -> str:
        return self.buildkit.cmd.upper()

    @property
    def is_known(self) -> bool:
        """Whether BuildKit's frontend knows the keyword (an unknown one fails the build)."""
        return self.upper_keyword in KEYWORDS

    def keyword_span(self) -> tuple[int, int] | None:
        """Where the keyword sits in ``code``, or None when a continuation splits it (``RU\\⏎N``)."""
        first = self.lines[0]
        assert isinstance(first, SourceLine)  # an instruction always starts with its source line
        start = len(first.text) - len(lstrip_go(first.text))
        end = start + len(self.keyword)
        return (start, end) if first.text[start:end] == self.keyword else None

    def buildkit_view(self) -> dict[str, object]:
        """BuildKit's view of this instruction, without line numbers (see ``Dockerfile.to_buildkit``)."""
        cmd, sub_cmd, json, flags, value = buildkit.view_fields(self.buildkit)
        return {
            "cmd": cmd.upper(),
            "sub_cmd": sub_cmd,
            "json": json,
            "flags": flags,
            "value": value,
            "heredocs": _heredoc_view(self),
        }

    @property
    def trailing_newline(self) -> str:
        """The ending of the instruction's last physical line (``""``, or a lone ``\\r``, at the end
        of the file)."""
        last = self.heredocs[-1] if self.heredocs else self.lines[-1]
        if isinstance(last, HeredocBody):
            return last.terminator[len(last.terminator.rstrip("\r\n")) :]
        return last.newline

    @property
    def ends_line(self) -> bool:
        """Whether the instruction's last physical line is closed, so text written after it
        starts a line of its own. Only ``\\n`` closes a line: a lone ``\\r`` at the end of the
        file is trimmed by BuildKit but would run into anything appended."""
        return self.trailing_newline.endswith("\n")


TopLevel = Directive | Comment | BlankLine | Instruction


@dataclass(frozen=True, slots=True)
class Located:
    """An instruction with its first line (1-based) and character offset in the source."""

    node: Instruction
    line: int
    offset: int

    @property
    def end(self) -> int:
        return self.offset + len(self.node.code)

    @property
    def content_end(self) -> int:
        """The end of the instruction's text, before its final line ending."""
        return self.end - len(self.node.trailing_newline)

    @property
    def keyword_start(self) -> int:
        """Where the keyword starts (past the indentation): where findings on it point."""
        span = self.node.keyword_span()
        return self.offset + (span[0] if span else 0)


@dataclass(frozen=True, slots=True)
class Dockerfile(Node):
    """A whole Dockerfile: an optional UTF-8 byte-order mark and its top-level lines."""

    body: tuple[TopLevel, ...]
    bom: str = ""
    # What the properties below computed, kept as an instruction keeps its BuildKit node: the
    # engine, the rules' context, the model and the templates all ask the same tree in every
    # pass, and a 1 MiB file would pay each walk dozens of times.
    _facts: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def _emit(self) -> Iterator[str]:
        yield self.bom
        for node in self.body:
            yield from node._emit()

    def _fact(self, name: str, compute: Callable[[], T]) -> T:
        if name not in self._facts:
            self._facts[name] = compute()
        return cast("T", self._facts[name])

    def with_changes(self, **changes: object) -> Self:
        return dataclasses.replace(self, _facts={}, **changes)  # type: ignore[arg-type]

    @property
    def line_count(self) -> int:
        return sum(node.line_count for node in self.body)

    @property
    def directives(self) -> tuple[Directive, ...]:
        return self._fact("directives", lambda: tuple(n for n in self.body if isinstance(n, Directive)))

    @property
    def escape(self) -> str:
        for directive in self.directives:
            if directive.name == "escape":
                return directive.value
        return "\\"

    @property
    def instructions(self) -> tuple[Instruction, ...]:
        return self._fact("instructions", lambda: tuple(n for n in self.body if isinstance(n, Instruction)))

    def located(self) -> tuple[tuple[TopLevel, int, int], ...]:
        """Each top-level node with its first line (1-based) and its character offset."""
        return self._fact("located", lambda: tuple(self._locate()))

    def _locate(self) -> Iterator[tuple[TopLevel, int, int]]:
        line, offset = 1, len(self.bom)
        for node in self.body:
            yield node, line, offset
            line += node.line_count
            offset += len(node.code)

    @property
    def keywords_upper(self) -> bool:
        """Whether the file writes keywords in upper case (most do; ties go to upper case), the
        case the lines a fix writes follow."""
        return self._fact("keywords_upper", self._count_upper_keywords)

    def _count_upper_keywords(self) -> bool:
        cases = [0, 0]
        for node in self.instructions:
            if node.keyword:
                cases[node.keyword.isupper()] += 1
        return cases[1] >= cases[0]

    def located_instructions(self) -> list[Located]:
        return [
            Located(node, line, offset)
            for node, line, offset in self.located()
            if isinstance(node, Instruction)
        ]

    def to_buildkit(self) -> list[dict[str, object]]:
        """The instructions as BuildKit's parser (the ``dockerfile`` package) reports them."""
        return [
            {**node.buildkit_view(), "start_line": line, "end_line": line + node.line_count - 1}
            for node, line, _ in self.located()
            if isinstance(node, Instruction)
        ]


def _heredoc_view(node: Instruction) -> tuple[tuple[str, str], ...]:
    # The `dockerfile` package reads heredocs off ONBUILD's inner node, where BuildKit
    # never puts them: the bodies are consumed, but reported empty.
    if node.buildkit.sub is not None:
        return ()
    return tuple((body.name, body.content) for body in node.heredocs)
