"""Physical lines → CST, following BuildKit's ``parser.Parse`` loop step by step.

The loop mirrors ``frontend/dockerfile/parser/parser.go``: directives at the top; comment and
blank lines between instructions; an instruction's first line, then its continuation lines
(skipping comment and blank lines inside the continuation), then one body per heredoc the
logical line opens. It rejects exactly what BuildKit rejects, with the same messages.

Heredoc markers are read as current BuildKit reads them (v0.22 / Dockerfile frontend 1.16 on):
``RUN << EOF`` opens a heredoc, as ``RUN <<EOF`` always did (see ``fixer.syntax.buildkit``).
``parse(text, heredoc_space=False)`` reads them as BuildKit v0.12, the one the ``dockerfile``
package (the conformance oracle) embeds, where ``RUN << EOF`` is a plain command and the body's
lines are instructions of their own; the conformance tests compare that reading with the oracle
wherever the two readings differ.
"""

from __future__ import annotations

from fixer.syntax import buildkit, lexer
from fixer.syntax.nodes import (
    BlankLine,
    Comment,
    ContinuedLine,
    Directive,
    Dockerfile,
    HeredocBody,
    Instruction,
    SourceLine,
    TopLevel,
)

BOM = "\ufeff"


class ParseError(ValueError):
    """A Dockerfile BuildKit would reject; ``line`` and ``column`` are 1-based."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.line = line
        self.column = column
        self.message = message


class _Reader:
    """A cursor over the physical lines; ``number`` is the 1-based number of the next line."""

    def __init__(self, lines: list[tuple[str, str]]) -> None:
        self.lines = lines
        self.index = 0

    @property
    def number(self) -> int:
        return self.index + 1

    def at_end(self) -> bool:
        return self.index >= len(self.lines)

    def peek(self) -> tuple[str, str]:
        return self.lines[self.index]

    def take(self) -> tuple[str, str]:
        line = self.lines[self.index]
        self.index += 1
        return line


def parse(text: str, *, heredoc_space: bool = True) -> Dockerfile:
    """Parse a whole Dockerfile; ``parse(text).code == text`` for every text BuildKit accepts.

    ``heredoc_space=False`` reads ``<< EOF`` (whitespace after ``<<``) as BuildKit before v0.22
    does: as no heredoc marker. It exists for comparing with that older parser.
    """
    bom = BOM if text.startswith(BOM) else ""
    lines = lexer.split_lines(text[len(bom) :])
    too_long = _first_too_long_line(lines, first_line_extra=len(bom.encode()))
    # BuildKit's scanner stops at a line over its limit; what it read up to there is parsed
    # first, so its errors ("unterminated heredoc", "file with no instructions") come first.
    tree = _parse_lines(lines[:too_long], bom, heredoc_space)
    if too_long is not None:
        limit = lexer.MAX_LINE_BYTES - 1
        raise ParseError(too_long + 1, 1, f"dockerfile line greater than max allowed size of {limit}")
    return tree


def _parse_lines(lines: list[tuple[str, str]], bom: str, heredoc_space: bool) -> Dockerfile:
    reader = _Reader(lines)
    body: list[TopLevel] = []
    escape = _read_directives(reader, body)
    has_instruction = False
    while not reader.at_end():
        content = reader.peek()[0]
        if lexer.is_comment(content):
            body.append(Comment(*reader.take()))
        elif lexer.is_blank(content):
            body.append(BlankLine(*reader.take()))
        else:
            body.append(_read_instruction(reader, escape, heredoc_space))
            has_instruction = True
    if not has_instruction:
        raise ParseError(max(len(lines), 1), 1, "file with no instructions")
    return Dockerfile(body=tuple(body), bom=bom)


def _first_too_long_line(lines: list[tuple[str, str]], first_line_extra: int) -> int | None:
    """Index of the first line over bufio.Scanner's limit (its ``\n`` not counted), if any."""
    for index, (content, newline) in enumerate(lines):
        # Cheap test first: a line can only be too long in bytes if it is long in characters / 4.
        if (len(content) + len(newline)) * 4 > lexer.MAX_LINE_BYTES:
            size = len(content.encode()) + len(newline.rstrip("\n")) + (first_line_extra if index == 0 else 0)
            if size >= lexer.MAX_LINE_BYTES:
                return index
    return None


def _read_directives(reader: _Reader, body: list[TopLevel]) -> str:
    """Take the directive block off the top; return the escape character it sets."""
    escape = "\\"
    seen: set[str] = set()
    while not reader.at_end():
        found = lexer.match_directive(reader.peek()[0])
        if found is None:
            break
        key, value = found
        if key in seen:
            raise ParseError(reader.number, 1, f"only one {key} parser directive can be used")
        seen.add(key)
        if key == "escape":
            if value not in lexer.ESCAPE_CHARS:
                raise ParseError(reader.number, 1, f"invalid escape token '{value}' does not match ` or \\")
            escape = value
        body.append(Directive(*reader.take()))
    return escape


def _read_instruction(reader: _Reader, escape: str, heredoc_space: bool) -> Instruction:
    start = reader.number
    text, marker = lexer.split_continuation(reader.peek()[0], escape)
    lines: list[ContinuedLine] = [SourceLine(text, marker, reader.take()[1])]
    while marker and not reader.at_end():
        content, newline = reader.take()
        if lexer.is_comment(content):
            lines.append(Comment(content, newline))
        elif lexer.is_blank(content):
            lines.append(BlankLine(content, newline))
        else:
            text, marker = lexer.split_continuation(content, escape)
            lines.append(SourceLine(text, marker, newline))
    instruction = Instruction(lines=tuple(lines), escape=escape)
    try:
        node = instruction.buildkit
        opens_heredocs = buildkit.can_contain_heredoc(node)
        line = instruction.logical_line
        specs = buildkit.heredocs_from_line(line, heredoc_space=heredoc_space) if opens_heredocs else ()
    except buildkit.BuildKitError as error:
        raise ParseError(start, 1, error.message) from None
    if not specs:
        return instruction
    bodies = tuple(_read_heredoc(reader, spec, start) for spec in specs)
    return Instruction(lines=instruction.lines, heredocs=bodies, escape=escape, _buildkit=node)


def _read_heredoc(reader: _Reader, spec: buildkit.HeredocSpec, start: int) -> HeredocBody:
    """Take body lines up to the terminator: a line equal to the name (tabs trimmed for ``<<-``)."""
    body: list[str] = []
    while not reader.at_end():
        content, newline = reader.take()
        candidate = content.lstrip("\t") if spec.chomp else content
        if candidate == spec.name:
            return HeredocBody(name=spec.name, lines=tuple(body), terminator=content + newline)
        body.append(content + newline)
    raise ParseError(start, 1, "unterminated heredoc")
