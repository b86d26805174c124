"""Merging a range of RUN instructions into one, keeping each script's meaning (DF501, DF110).

The RUNs from ``first`` to ``last`` become one ``&&``-joined RUN laid out in the file's own
continuation style. Instructions between them that are not RUNs move above it: metadata
(``LABEL``, ``CMD`` …) safely; ``ENV``, ``ARG``, ``COPY``, ``ADD``, ``WORKDIR`` only as an unsafe
fix, since the earlier commands then run after them. Anything else keeps the RUNs apart, and
so does a suppression comment on any of them (``# dfix: ignore=…`` names one instruction).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fixer.diagnostic import Applicability, Edit, Fix
from fixer.rules._base import Context, Located
from fixer.rules._run import Run
from fixer.suppress import parse_comment
from fixer.syntax import Comment, Instruction, SourceLine
from fixer.syntax.lexer import lstrip_go

if TYPE_CHECKING:
    from fixer.shell import Script

# Between the RUNs, these only set image metadata: moving them above the merged RUN changes nothing.
METADATA = frozenset(
    {"LABEL", "MAINTAINER", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "ONBUILD"}
)
# These change what a later RUN sees; moving them above the earlier RUNs may change its meaning.
MOVABLE_UNSAFE = frozenset({"ENV", "ARG", "COPY", "ADD", "WORKDIR"})


@dataclass(frozen=True, slots=True)
class _Segment:
    """One RUN of the range, with the script it runs and its source text after the flags."""

    run: Run
    script: Script
    body: str
    comments: tuple[str, ...]


def merge_runs(ctx: Context, first: Located, last: Located, title: str) -> Fix | None:
    """One RUN for the instructions from ``first`` to ``last``, or None when meaning cannot be kept.

    Instructions that are not RUNs move above the merged RUN with the comments directly above
    them; the comments above a merged RUN move inside it (BuildKit skips comment lines in a
    continuation); blank lines between them go.
    """
    from fixer.shell import analyse

    moved: list[str] = []
    segments: list[_Segment] = []
    unsafe_reasons: set[str] = set()
    comments: list[str] = []
    for node, line, offset in ctx.nodes:
        if offset < first.offset or offset > last.offset:
            continue
        if isinstance(node, Comment):
            if parse_comment(node.content)[0]:
                return None  # a suppression names one instruction: merging would change its reach
            comments.append(node.code)
            continue
        if not isinstance(node, Instruction):
            continue  # a blank line: dropped; the comments above it still move with what follows
        located = Located(node, line, offset)
        keyword = node.upper_keyword
        if keyword == "RUN":
            segment = _segment(ctx, located, first, [lstrip_go(c).rstrip("\r\n") for c in comments])
            if segment is None:
                return None
            segments.append(segment)
        elif keyword in METADATA or keyword in MOVABLE_UNSAFE:
            moved.extend([*comments, node.code])
            if keyword in MOVABLE_UNSAFE:
                unsafe_reasons.add(keyword)
        else:
            return None  # USER, SHELL, VOLUME, FROM, unknown: the RUNs must stay apart
        comments = []
    count = len(segments)
    wrapped = [_needs_subshell(s.script, i, count) for i, s in enumerate(segments)]
    if any(wrapped) and _errexit(ctx, segments):
        return None
    check = analyse(" && ".join(_wrapped(s, i, count) for i, s in enumerate(segments)))
    if check.has_error or len(check.commands) != sum(len(s.script.commands) for s in segments):
        return None
    start, own_comments = ctx.comment_block_above(first)
    if any(parse_comment(line)[0] for line in own_comments.splitlines()):
        return None
    if not moved:
        start, own_comments = first.offset, ""
    text = "".join(moved) + own_comments + _join(ctx, segments)
    if unsafe_reasons:
        title += f" (moves {', '.join(sorted(unsafe_reasons))} above the earlier RUNs)"
    applicability = Applicability.UNSAFE if unsafe_reasons else Applicability.SAFE
    return Fix(title, (Edit.replacement(start, last.end, text),), applicability)


def _segment(ctx: Context, located: Located, first: Located, comments: list[str]) -> _Segment | None:
    """The RUN as a piece of the merge, or None when it cannot be one."""
    from fixer.shell import run_scripts

    node = located.node
    scripts = run_scripts(node, ctx.model.state_at(located.offset).shell_is_posix)
    if len(scripts) != 1 or scripts[0].source != "shell-form" or node.heredocs:
        return None  # exec form, heredocs, a non-POSIX shell
    if sorted(node.buildkit.flags) != sorted(first.node.buildkit.flags):
        return None  # one RUN's mounts or network would apply to the other's commands
    script = scripts[0].script
    if script.has_error or not script.commands or _has_shell_comment(script):
        return None
    body = node.code[scripts[0].offsets[0] : len(node.code) - len(node.trailing_newline)]
    return _Segment(Run(located, scripts[0]), script, body, tuple(comments))


def _has_shell_comment(script: Script) -> bool:
    # A `#` comment inside the script would swallow what the merge appends after it.
    return not script.is_and_chain() and "#" in script.text


def _wrapped(segment: _Segment, index: int, count: int) -> str:
    text = segment.script.text
    return f"( {text} )" if _needs_subshell(segment.script, index, count) else text


def _needs_subshell(script: Script, index: int, count: int) -> bool:
    """Whether a script must run in ``( … )`` to mean the same once joined with ``&&``.

    Shell state it sets (``cd``, ``export``, ``set`` …) must not reach the scripts after it. And
    ``prev && a || b`` would run ``b`` when ``prev`` fails, ``prev && a; b`` likewise: a script
    after the first must be a plain ``&&`` list. The first script only joins the chain at its
    end (``a || b && next`` is ``(a || b) && next``), unless it ends in ``;`` or ``&``.
    """
    if (script.state_changes() or _exits(script)) and index < count - 1:
        return True
    if index == 0:
        return script.text.rstrip().endswith((";", "&"))
    return not script.is_and_chain()


def _exits(script: Script) -> bool:
    """``exit`` in a script would end the merged RUN, not just its own part."""
    return any(command.program in ("exit", "exec") for command in script.commands)


def _errexit(ctx: Context, segments: Sequence[_Segment]) -> bool:
    """Whether ``set -e`` may be in force: from SHELL flags (``-eux``, ``-o errexit``) or a script.

    POSIX ignores -e in every command of an ``&&`` list but the last, subshells included, so a
    script that relied on it cannot be wrapped and joined.
    """
    shell = ctx.model.state_at(segments[0].run.located.offset).shell
    flags = [*shell[1:]]
    for segment in segments:
        for command in segment.script.commands:
            if command.program == "set":
                flags += [word.text for word in command.args()]
    shorts = [flag for flag in flags if flag.startswith("-") and not flag.startswith("--")]
    return any("e" in flag[1:] for flag in shorts if flag != "-o") or "errexit" in flags


def _join(ctx: Context, segments: Sequence[_Segment]) -> str:
    """The merged RUN: the first RUN up to its script, then every script, in the file's style."""
    first = segments[0].run.located.node
    head = first.code[: segments[0].run.script.offsets[0]]
    newline = _newline(first)
    escape = first.escape
    leading = _leading_operator_style(ctx)
    indent = _continuation_indent(ctx, [segment.run.located for segment in segments])
    parts = [head + _body(segments[0], 0, len(segments))]
    for index, segment in enumerate(segments[1:], start=1):
        comment_lines = "".join(f"{indent}{comment}{newline}" for comment in segment.comments)
        body = _body(segment, index, len(segments))
        if leading:
            parts.append(f" {escape}{newline}{comment_lines}{indent}&& {body}")
        else:
            parts.append(f" && {escape}{newline}{comment_lines}{indent}{body}")
    last = segments[-1].run.located.node
    return "".join(parts) + last.trailing_newline


def _body(segment: _Segment, index: int, count: int) -> str:
    return f"( {segment.body} )" if _needs_subshell(segment.script, index, count) else segment.body


def _newline(node: Instruction) -> str:
    for line in node.lines:
        if line.newline:
            return line.newline
    return "\n"


def _leading_operator_style(ctx: Context) -> bool:
    """Whether the file starts continuation lines with ``&&`` (else it ends lines with ``&& \\``)."""
    leading = trailing = 0
    for located in ctx.instructions:
        sources = [line for line in located.node.lines if isinstance(line, SourceLine)]
        for line in sources[1:]:
            leading += lstrip_go(line.text).startswith("&&")
        for line in sources[:-1]:
            trailing += line.text.rstrip().endswith("&&")
    return leading >= trailing


def _continuation_indent(ctx: Context, merged: list[Located]) -> str:
    """The indentation of continuation lines: the merged RUNs' own first, else the file's other
    RUNs' (tabs stay tabs), else four spaces."""
    for located in [*merged, *ctx.instructions]:
        sources = [line for line in located.node.lines if isinstance(line, SourceLine)]
        if located.node.upper_keyword == "RUN" and len(sources) > 1:
            text = sources[1].text
            indent = text[: len(text) - len(lstrip_go(text))]
            if indent:
                return indent
    return "    "
