"""Merging a range of RUN instructions into one, keeping each script's meaning (DF501, DF110, DF502).

The RUNs from ``first`` to ``last`` become one ``&&``-joined RUN laid out in the file's own
continuation style. Each RUN's script runs as it did in a fresh shell of its own: in a subshell
``( … )`` when it leaves shell state the later scripts would see (``Script.state_changes``,
``Script.hashed``) or is not a plain ``&&`` list, with what it needs to see what it saw (its
directory, its environment: ``_moves.plan_moves``) run first in that subshell. The
instructions between the RUNs move above or below the merged RUN as ``plan_moves`` allows; the
RUNs stay apart when any script could not keep its meaning, and across a suppression comment
(``# dfix: ignore=…`` names one instruction).
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, cast

from fixer.diagnostic import Applicability, Edit, Fix
from fixer.rules._base import Context, Located
from fixer.rules.layers._moves import METADATA, MOVABLE, Between, Plan, plan_moves
from fixer.suppress import parse_comment
from fixer.syntax import Comment, Instruction, SourceLine
from fixer.syntax.lexer import lstrip_go
from fixer.syntax.shell_words import GO_SPACE_CHARS

if TYPE_CHECKING:
    from fixer.model import State
    from fixer.powershell import PowerShellScript
    from fixer.shell import Command, Script

__all__ = ["METADATA", "merge_runs"]


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

    Instructions that are not RUNs move above or below the merged RUN (``plan_moves``) with
    the comments directly above them; the comments above a merged RUN move inside it (BuildKit
    skips comment lines in a continuation); blank lines between them go. POSIX scripts join
    with ``&&`` (see ``_posix_bodies``); PowerShell scripts (``SHELL ["powershell", "-Command",
    …]``) with ``;`` and a check of ``$?`` (see ``_powershell_bodies``), with only metadata
    between them; other shells (``cmd``, a wrapper script) are never merged.
    """
    dialect = _dialect(ctx, first)
    if dialect is None:
        return None
    segments: list[_Segment] = []
    between: list[Between] = []
    comments: list[str] = []
    for node, line, offset in ctx.nodes_within(first.offset, last.offset):
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
        elif keyword in METADATA or keyword in MOVABLE:
            between.append(Between(located, "".join(comments) + node.code, len(segments)))
        else:
            return None  # USER, SHELL, VOLUME, FROM, unknown: the RUNs must stay apart
        comments = []
    merged: tuple[list[str], str] | None
    if dialect == _POSIX:
        scripts = [cast("Script", segment.script) for segment in segments]
        plan = plan_moves(ctx, [segment.located for segment in segments], scripts, between)
        merged = None if plan is None else _posix_bodies(ctx, segments, plan.prefixes)
    else:
        if any(instruction.keyword not in METADATA for instruction in between):
            return None
        plan = Plan(tuple(between), (), ((),) * len(segments))
        merged = _powershell_bodies(ctx, segments)
    if plan is None or merged is None:
        return None
    bodies, script = merged
    joined = _join(ctx, segments, bodies, dialect)
    if not _runs(joined, first.node.escape, script):
        return None  # the source does not read back as the script checked above
    start, own_comments = ctx.comment_block_above(first)
    if any(parse_comment(line)[0] for line in own_comments.splitlines()):
        return None
    if not plan.above:
        start, own_comments = first.offset, ""
    above = "".join(instruction.text for instruction in plan.above)
    below = "".join(instruction.text for instruction in plan.below)
    if below and not last.node.ends_line:  # the file ends without one: so it still does
        newline = _newline(first.node)
        joined, below = joined + newline, below.removesuffix(newline)
    text = above + own_comments + joined + below
    return Fix(title + _moves_title(plan), (Edit.replacement(start, last.end, text),), _applicability(plan))


def _moves_title(plan: Plan) -> str:
    """`` (moves COPY, WORKDIR above the earlier RUNs)``: what the fix moves past RUNs."""
    up = sorted({i.keyword for i in plan.above if i.keyword not in METADATA})
    down = sorted({i.keyword for i in plan.below})
    parts = []
    if up:
        parts.append(f"moves {', '.join(up)} above the earlier RUNs")
    if down:
        parts.append(f"moves {', '.join(down)} below the later RUNs")
    return f" ({'; '.join(parts)})" if parts else ""


def _applicability(plan: Plan) -> Applicability:
    """Unsafe when an instruction that is not metadata moves: the build keeps its meaning, but
    its cache no longer matches the file's order (a COPY above an install reruns the install
    whenever the copied files change)."""
    moves = [*plan.below, *(i for i in plan.above if i.keyword not in METADATA)]
    return Applicability.UNSAFE if moves else Applicability.SAFE


_POSIX: Final = "posix"
_POWERSHELL: Final = "powershell"


def _dialect(ctx: Context, first: Located) -> str | None:
    state = ctx.model.state_at(first.offset)
    if state.shell_is_posix:
        return _POSIX if _fresh_each_run(state) else None
    from fixer.powershell import is_powershell

    return _POWERSHELL if is_powershell(state.shell) else None


_SHELLS: Final = frozenset({"sh", "bash", "dash", "ash"})
# Options that set only what `set` could set inside the script (not -i, -l, -s, -t, -m, -n …).
_SHELL_FLAGS: Final = frozenset("aefhuvxBCEHPT")
_SHELL_OPTIONS: Final = frozenset({
    "allexport", "errexit", "errtrace", "functrace", "hashall", "braceexpand", "noclobber",
    "noglob", "nounset", "physical", "pipefail", "posix", "privileged", "verbose", "xtrace",
})  # fmt: skip
_SHELL_LONG_OPTIONS: Final = frozenset({"--posix", "--norc", "--noprofile", "--noediting"})


def _fresh_each_run(state: State) -> bool:
    """Whether the SHELL starts every RUN as a plain shell reading its script from ``-c``:
    ``sh``, ``bash``, ``dash`` or ``ash`` with options ``set`` could set. A login or
    interactive shell reads start-up files, which an earlier RUN may write (``conda init``),
    and so does bash with ``BASH_ENV``; a wrapper script may do anything before each RUN.
    Merged, all that would happen once, before the first script."""
    shell = state.shell
    if not shell or posixpath.basename(shell[0]) not in _SHELLS:
        return False
    args = list(shell[1:])
    if not args or args[-1].startswith("--") or not (args[-1].startswith("-") and args[-1].endswith("c")):
        return False
    args[-1] = args[-1][:-1]
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        if arg in ("", "-") or arg in _SHELL_LONG_OPTIONS:
            continue
        if arg[:1] not in ("-", "+") or arg.startswith("--"):
            return False
        letters = arg[1:]
        if letters[-1:] in ("o", "O"):  # `-euo pipefail`: the last letter takes the next word
            if position >= len(args) or (letters[-1] == "o" and args[position] not in _SHELL_OPTIONS):
                return False
            letters, position = letters[:-1], position + 1
        if not set(letters) <= _SHELL_FLAGS:
            return False
    bash = posixpath.basename(shell[0]) == "bash"
    return not (bash and ("BASH_ENV" in state.env or "BASH_ENV" in state.args))


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


def _posix_bodies(
    ctx: Context, segments: Sequence[_Segment], prefixes: Sequence[tuple[str, ...]]
) -> tuple[list[str], str] | None:
    """Each RUN's source, in a subshell where joining it with ``&&`` would change its meaning
    (with ``prefixes[i]`` run first in it), and the script they join into; None when meaning
    cannot be kept.

    Apart, each script starts in a fresh shell; joined, in the one the scripts before it ran
    in. So a script that leaves state for the next (``state_changes``), or whose programs a
    later script would find where it found them (``_finds_stale_programs``), runs in a
    subshell, where that state dies. A background job (``cmd &``) before the last script, a
    ``#`` comment before it, or a later script reading ``$_`` or ``$BASHPID`` keep the RUNs
    apart; so does ``set -e`` where the part of a script that becomes a command of the
    ``&&`` list other than its last is no plain list (POSIX ignores ``-e`` there).
    """
    scripts = [cast("Script", segment.script) for segment in segments]
    count = len(scripts)
    if any(_has_shell_comment(script) for script in scripts[:-1]):
        return None  # it would swallow the scripts joined after it
    if any(script.runs_in_background for script in scripts[:-1]):
        return None  # the build ends a background job with its RUN; merged, it would run on
    stale = _finds_stale_programs(scripts)
    wrapped = [
        bool(prefix) or _needs_subshell(script, i, count, stale[i])
        for i, (script, prefix) in enumerate(zip(scripts, prefixes, strict=True))
    ]
    if any(script.reads_shell_position() and (i or wrapped[i]) for i, script in enumerate(scripts)):
        return None  # `$_` is the last argument of the command before it: another one, merged
    state = ctx.model.state_at(segments[0].located.offset)
    for i, script in enumerate(scripts[:-1]):
        if _errexit(state, script) and not script.errexit_proof(whole=wrapped[i] or i > 0):
            return None
    from fixer.shell import analyse

    def render(text: str, prefix: tuple[str, ...], wrap: bool) -> str:
        return f"( {' && '.join([*prefix, text])} )" if wrap else text

    parts = [render(s.text, p, w) for s, p, w in zip(scripts, prefixes, wrapped, strict=True)]
    joined = " && ".join(parts)
    check = analyse(joined)
    if check.has_error or len(check.commands) != sum(len(analyse(part).commands) for part in parts):
        return None
    bodies = [render(g.body, p, w) for g, p, w in zip(segments, prefixes, wrapped, strict=True)]
    return bodies, joined


def _finds_stale_programs(scripts: Sequence[Script]) -> list[bool]:
    """For each script, whether a later one runs a program it looked up on PATH, after
    something that may have put a program of that name elsewhere on PATH ran: the shell
    remembers where it found each program (bash, dash and ash alike), so merged, the later
    script would run the file found before. ``pip install -U pip`` puts a new ``pip`` in
    /usr/local/bin, ahead of the /usr/bin one the shell found, or removes the one it found."""
    from fixer.shell import program_lookups

    found: list[bool] = []
    for index, script in enumerate(scripts):
        hashed = script.hashed()
        changed = not all(_keeps_programs(script, command) for command in script.commands)
        stale = False
        for later in scripts[index + 1 :] if hashed else ():
            for command in later.commands:
                if changed and hashed.intersection(program_lookups(command)):
                    stale = True
                    break
                changed = changed or not _keeps_programs(later, command)
            if stale:
                break
        found.append(stale)
    return found


# Builtins that write no file (but through a redirection), and package-manager subcommands that
# install and remove nothing: after them, every program is where it was.
_QUIET_BUILTINS: Final = frozenset(
    {":", "[", "[[", "echo", "printf", "true", "false", "pwd", "type", "test", "wait"}
)
_KEEPS_PACKAGES: Final = {
    "apt-get": frozenset({"update", "clean", "autoclean", "check"}),
    "apt": frozenset({"update", "clean", "autoclean"}),
    "apk": frozenset({"update"}),
    "yum": frozenset({"makecache", "clean", "check-update"}),
    "dnf": frozenset({"makecache", "clean", "check-update"}),
    "microdnf": frozenset({"makecache", "clean"}),
    "zypper": frozenset({"refresh", "ref", "clean"}),
}


def _keeps_programs(script: Script, command: Command) -> bool:
    """Whether ``command`` certainly creates and removes no program."""
    if script.writes_through_redirects:
        return False
    if command.program in _QUIET_BUILTINS:
        return True
    call = next((c for c in script.invocations() if c.command is command), None)
    return call is not None and call.subcommand in _KEEPS_PACKAGES.get(call.manager, frozenset())


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


def _needs_subshell(script: Script, index: int, count: int, stale: bool) -> bool:
    """Whether a script must run in ``( … )`` to mean the same once joined with ``&&``.

    Shell state it leaves (``cd``, ``read x``, ``for i``, ``f() { … }``, ``exit`` …) and the
    programs the shell found for it (``stale``) must not reach the scripts after it. And
    ``prev && a || b`` would run ``b`` when ``prev`` fails, ``prev && a; b`` likewise: a script
    after the first must be a plain ``&&`` list. The first script only joins the chain at its
    end (``a || b && next`` is ``(a || b) && next``), unless it ends in ``;`` or ``&``.
    """
    if (script.state_changes() or stale) and index < count - 1:
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


def _errexit(state: State, script: Script) -> bool:
    """Whether ``set -e`` may be in force in ``script``: from SHELL flags (``-eux``, ``-o
    errexit``), bash's SHELLOPTS, or a ``set`` in the script itself (in a subshell too, which
    POSIX also makes ignore ``-e`` in a command of an ``&&`` list other than the last)."""
    if "SHELLOPTS" in state.env:
        return True
    flags = [*state.shell[1:]]
    for command in script.commands:
        if command.program == "set":
            flags += [word.value or "-e" for word in command.args()]
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
    return ctx.shared("leading-operator-style", _count_operator_styles)


def _count_operator_styles(ctx: Context) -> bool:
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
    own = _first_continuation_indent(merged)
    # the file's, found once per pass: a file of thousands of one-line RUNs merges hundreds
    # of them, and each merge walked the whole file
    found = ctx.shared("run-continuation-indent", lambda c: _first_continuation_indent(c.instructions))
    return own or found or "    "


def _first_continuation_indent(instructions: list[Located]) -> str:
    """The indentation of the first continuation line of the first RUN of ``instructions``
    that has an indented one; "" when none has."""
    for located in instructions:
        sources = [line for line in located.node.lines if isinstance(line, SourceLine)]
        if located.node.upper_keyword == "RUN" and len(sources) > 1:
            text = sources[1].text
            indent = text[: len(text) - len(lstrip_go(text))]
            if indent:
                return indent
    return ""
