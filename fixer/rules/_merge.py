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
from typing import TYPE_CHECKING, Final, cast

from fixer.diagnostic import Applicability, Edit, Fix
from fixer.rules._base import Context, Located
from fixer.suppress import parse_comment
from fixer.syntax import Comment, Instruction, SourceLine
from fixer.syntax.lexer import lstrip_go
from fixer.syntax.shell_words import GO_SPACE_CHARS

if TYPE_CHECKING:
    from fixer.powershell import PowerShellScript
    from fixer.shell import Script

# Between the RUNs, these only set image metadata: moving them above the merged RUN changes nothing.
METADATA = frozenset(
    {"LABEL", "MAINTAINER", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "ONBUILD"}
)
# These change what a later RUN sees; moving them above the earlier RUNs may change its meaning.
MOVABLE_UNSAFE = frozenset({"ENV", "ARG", "COPY", "ADD", "WORKDIR"})


@dataclass(frozen=True, slots=True)
class _Segment:
    """One RUN of the range: the script it runs, where that starts in the RUN's source, and the
    source text from there on (the part the merged RUN repeats)."""

    located: Located
    script: Script | PowerShellScript
    start: int
    body: str
    comments: tuple[str, ...]


def merge_runs(ctx: Context, first: Located, last: Located, title: str) -> Fix | None:
    """One RUN for the instructions from ``first`` to ``last``, or None when meaning cannot be kept.

    Instructions that are not RUNs move above the merged RUN with the comments directly above
    them; the comments above a merged RUN move inside it (BuildKit skips comment lines in a
    continuation); blank lines between them go. POSIX scripts join with ``&&``; PowerShell
    scripts (``SHELL ["powershell", "-Command", …]``) with ``;`` and a check of ``$?`` (see
    ``_powershell_bodies``); other shells (``cmd``) are never merged.
    """
    dialect = _dialect(ctx, first)
    if dialect is None:
        return None
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
            own = tuple(lstrip_go(c).rstrip("\r\n") for c in comments)
            segment = _segment(ctx, located, first, own, dialect)
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
    merged = _posix_bodies(ctx, segments) if dialect == _POSIX else _powershell_bodies(ctx, segments)
    if merged is None:
        return None
    bodies, script = merged
    joined = _join(ctx, segments, bodies, dialect)
    if not _runs(joined, first.node.escape, script):
        return None  # the source does not read back as the script checked above
    start, own_comments = ctx.comment_block_above(first)
    if any(parse_comment(line)[0] for line in own_comments.splitlines()):
        return None
    if not moved:
        start, own_comments = first.offset, ""
    text = "".join(moved) + own_comments + joined
    if unsafe_reasons:
        title += f" (moves {', '.join(sorted(unsafe_reasons))} above the earlier RUNs)"
    applicability = Applicability.UNSAFE if unsafe_reasons else Applicability.SAFE
    return Fix(title, (Edit.replacement(start, last.end, text),), applicability)


_POSIX: Final = "posix"
_POWERSHELL: Final = "powershell"


def _dialect(ctx: Context, first: Located) -> str | None:
    state = ctx.model.state_at(first.offset)
    if state.shell_is_posix:
        return _POSIX
    from fixer.powershell import is_powershell

    return _POWERSHELL if is_powershell(state.shell) else None


def _segment(
    ctx: Context, located: Located, first: Located, comments: tuple[str, ...], dialect: str
) -> _Segment | None:
    """The RUN as a piece of the merge, or None when it cannot be one."""
    node = located.node
    if sorted(node.buildkit.flags) != sorted(first.node.buildkit.flags):
        return None  # one RUN's mounts or network would apply to the other's commands
    script: Script | PowerShellScript
    if dialect == _POSIX:
        from fixer.shell import run_scripts

        scripts = run_scripts(node, shell_is_posix=True)
        if len(scripts) != 1 or scripts[0].source != "shell-form" or node.heredocs:
            return None  # exec form, heredocs
        script, start = scripts[0].script, scripts[0].offsets[0]
        if script.has_error or not script.commands:
            return None
    else:
        from fixer.powershell import analyse
        from fixer.shell import command_line_start

        at = command_line_start(node)
        if at is None:
            return None  # exec form, heredocs
        script, start = analyse(node.buildkit.value[0]), at
        if script.has_error or not script.statements:
            return None
    body = node.code[start : len(node.code) - len(node.trailing_newline)]
    return _Segment(located, script, start, body, comments)


def _has_shell_comment(script: Script) -> bool:
    return not script.is_and_chain() and "#" in script.text


def _posix_bodies(ctx: Context, segments: Sequence[_Segment]) -> tuple[list[str], str] | None:
    """Each RUN's source, in a subshell where joining it with ``&&`` would change its meaning,
    and the script they join into; None when meaning cannot be kept (``set -e`` would be
    defeated, the join does not parse as the scripts' commands)."""
    scripts = [cast("Script", segment.script) for segment in segments]
    count = len(scripts)
    if any(_has_shell_comment(script) for script in scripts[:-1]):
        return None  # it would swallow the scripts joined after it
    if any(script.runs_in_background for script in scripts[:-1]):
        return None  # the build ends a background job with its RUN; merged, it would run on
    wrapped = [_needs_subshell(script, i, count) for i, script in enumerate(scripts)]
    if any(wrapped) and _errexit(ctx.model.state_at(segments[0].located.offset).shell, scripts):
        return None
    from fixer.shell import analyse

    joined = " && ".join(f"( {s.text} )" if w else s.text for s, w in zip(scripts, wrapped, strict=True))
    check = analyse(joined)
    if check.has_error or len(check.commands) != sum(len(script.commands) for script in scripts):
        return None
    return [f"( {s.body} )" if w else s.body for s, w in zip(segments, wrapped, strict=True)], joined


def _powershell_bodies(ctx: Context, segments: Sequence[_Segment]) -> tuple[list[str], str] | None:
    """Each RUN's source, ready to be joined with ``;``, and the script they join into; None
    when the join would change meaning.

    Apart, each RUN fails when its last statement fails; joined, a failed statement before the
    ``;`` would let the next RUN's statements run. So a RUN that is not the last gets
    ``if (-not $?) { exit 1 }`` after it: the exit status PowerShell itself would have given it.
    The check is left out after a statement that only runs cmdlets when the SHELL sets
    ``$ErrorActionPreference = 'Stop'``: any error of theirs already ends the script.

    Apart, each RUN also starts in a fresh process. So a RUN that is not the last must not
    leave anything behind that a later one could see: no location change, environment or
    preference variable, function, alias, module or type, no machine environment change (the
    next RUN's process would read it, the merged one does not), no variable that a later RUN
    names, no TLS setting when a later RUN downloads, no program or installer when a later RUN
    depends on the environment (it may add to the machine PATH, which only a new process
    reads), and no ``exit``/``return`` that would skip the later RUNs. A later RUN must not
    read ``$?``, ``$LASTEXITCODE``, ``$Error`` or ``$Matches``, and a ``#`` comment must not
    swallow what follows it.
    """
    from fixer.powershell import analyse, reads_environment, reads_status, stops_on_error

    scripts = [cast("PowerShellScript", segment.script) for segment in segments]
    stops = stops_on_error(ctx.model.state_at(segments[0].located.offset).shell)
    for index, script in enumerate(scripts[:-1]):
        if script.has_line_comment or script.leaves_state or script.ends_early:
            return None
        for later in scripts[index + 1 :]:
            if script.assigned & later.mentioned or reads_status(later):
                return None
            if script.sets_tls_protocol and later.makes_web_request:
                return None
            if script.may_install and reads_environment(later):
                return None
    checked = [not stops or script.last_may_fail_quietly for script in scripts[:-1]]

    def render(parts: Sequence[str]) -> list[str]:
        rendered = []
        for text, check in zip(parts, checked, strict=False):
            text = text.rstrip(GO_SPACE_CHARS).removesuffix(";").rstrip(GO_SPACE_CHARS)
            rendered.append(text + ("; if (-not $?) { exit 1 }" if check else ""))
        return [*rendered, parts[-1]]

    joined = "; ".join(render([script.text for script in scripts]))
    check = analyse(joined)
    if check.has_error or check.statements != sum(s.statements for s in scripts) + sum(checked):
        return None
    return render([segment.body for segment in segments]), joined


def _runs(source: str, escape: str, script: str) -> bool:
    """Whether the merged RUN's source reads back, through BuildKit's line rules, as ``script``
    (up to blanks: continuation lines keep their indentation in the logical line)."""
    from fixer.syntax import ParseError, parse

    try:
        tree = parse(f"# escape={escape}\n{source}")
    except ParseError:
        return False
    nodes = [node for node in tree.body if isinstance(node, Instruction)]
    if len(nodes) != 1 or nodes[0].buildkit.json or not nodes[0].buildkit.value:
        return False
    return nodes[0].buildkit.value[0].split() == script.split()


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
    return not _code(script).is_and_chain()


def _code(script: Script) -> Script:
    """The script without a comment that ends it: the last RUN of a merge may keep one."""
    if script.code_end is None:
        return script
    from fixer.shell import analyse

    return analyse(script.code)


def _exits(script: Script) -> bool:
    """``exit`` in a script would end the merged RUN, not just its own part."""
    return any(command.program in ("exit", "exec") for command in script.commands)


def _errexit(shell: Sequence[str], scripts: Sequence[Script]) -> bool:
    """Whether ``set -e`` may be in force: from SHELL flags (``-eux``, ``-o errexit``) or a script.

    POSIX ignores -e in every command of an ``&&`` list but the last, subshells included, so a
    script that relied on it cannot be wrapped and joined.
    """
    flags = [*shell[1:]]
    for script in scripts:
        for command in script.commands:
            if command.program == "set":
                flags += [word.text for word in command.args()]
    shorts = [flag for flag in flags if flag.startswith("-") and not flag.startswith("--")]
    return any("e" in flag[1:] for flag in shorts if flag != "-o") or "errexit" in flags


def _join(ctx: Context, segments: Sequence[_Segment], bodies: Sequence[str], dialect: str) -> str:
    """The merged RUN: the first RUN up to its script, then every script, in the file's style.

    POSIX scripts join with ``&&``, leading or trailing as the file writes it; PowerShell
    scripts with ``;`` at the end of the line, the way Windows Dockerfiles write them.
    """
    first = segments[0].located.node
    newline = _newline(first)
    escape = first.escape
    leading = dialect == _POSIX and _leading_operator_style(ctx)
    operator = "&&" if dialect == _POSIX else ";"
    indent = _continuation_indent(ctx, [segment.located for segment in segments])
    parts = [first.code[: segments[0].start] + bodies[0]]
    for segment, body in zip(segments[1:], bodies[1:], strict=True):
        comment_lines = "".join(f"{indent}{comment}{newline}" for comment in segment.comments)
        if leading:
            parts.append(f" {escape}{newline}{comment_lines}{indent}{operator} {body}")
        else:
            space = " " if operator == "&&" else ""
            parts.append(f"{space}{operator} {escape}{newline}{comment_lines}{indent}{body}")
    return "".join(parts) + segments[-1].located.node.trailing_newline


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
