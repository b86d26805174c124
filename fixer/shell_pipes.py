"""Pipes whose commands may fail by design: where ``pipefail`` would break a build that works.

Without ``pipefail`` a pipe's status is its last command's. With it, the pipe fails when any
command fails, which is what DF602 wants for ``curl … | tar -x``; but some pipes rely on an
earlier command failing, or being stopped, in a build that works:

* a command before the last that answers a question with its exit status: ``grep`` (1 when
  nothing matches: ``grep nosuchuser /etc/passwd | wc -l`` fails under pipefail), ``diff``,
  ``cmp``, ``test``/``[``, ``false``, ``which``, ``command -v``, ``expr``, ``getent``, ``id``,
  ``dpkg-query``/``dpkg -s``, ``rpm -q``, ``pgrep`` …, also run through ``xargs`` (which then
  exits 123) or another wrapper; ``find /`` without ``-xdev`` (``/proc`` entries vanish while it
  walks); one whose error messages go to ``/dev/null`` (its author expects it to fail); and
  writers that never end on their own (``yes``, ``/dev/urandom``), stopped by SIGPIPE (status
  141) when the reader is done;
* a command after the first that may stop reading before its input ends, so the writer gets
  SIGPIPE: ``head``, ``grep -q``/``-m``/``-l``, ``read``, a ``sed`` program that quits, an
  ``awk`` program that exits, ``dd count=``, ``cmp``, ``file``; commands that read no input at
  all (``true``, ``:``, ``echo`` …); a reader whose standard input is redirected elsewhere.

``failure_by_design(text)`` finds the first such pipe, walking tree-sitter-bash's tree (shared
with ``fixer.shell``'s parser). It is a blocklist: a program not named here is taken to fail only
when something went wrong, which is the failure pipefail is there to catch; where a program's
options or script are not literal, it is taken to be one of the by-design cases.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from fixer.shell import _unescape, _unescape_double_quoted, _words, syntax_tree

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["ByDesign", "failure_by_design"]


@dataclass(frozen=True, slots=True)
class ByDesign:
    """A pipe that fails under pipefail in a build that works: where, and why (for a message)."""

    start: int
    reason: str


def failure_by_design(text: str) -> ByDesign | None:
    """The first pipe in ``text`` whose earlier command may fail, or be stopped, by design."""
    return _first(text)


@functools.lru_cache(maxsize=1024)
def _first(text: str) -> ByDesign | None:
    root = syntax_tree(text)
    if root.has_error:
        return ByDesign(0, "the script does not parse")
    try:
        for stages in _pipelines(root):
            found = _judge(text, stages)
            if found is not None:
                return found
    except RecursionError:
        return ByDesign(0, "the script is nested too deep to analyse")
    return None


# ---------------------------------------------------------------------------
# Pipelines and their stages


@dataclass(frozen=True, slots=True)
class _Stage:
    """One command of a pipe and the redirects that apply to it (tree-sitter sometimes hangs them
    on an enclosing node: ``a | b 2>/dev/null | c`` parses as ``(a | b) 2>/dev/null | c``)."""

    node: Node
    redirects: tuple[Node, ...] = ()


def _pipelines(root: Node) -> Iterator[list[_Stage]]:
    """Every pipe's stages, in source order. A pipe nested in a wrapper is also seen alone,
    which only repeats checks its whole already makes."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "pipeline":
            stages = _flatten(node)
            parent = node.parent
            if (
                parent is not None
                and parent.type == "redirected_statement"
                and parent.child_by_field_name("body") == node
            ):
                redirects = tuple(child for child in parent.named_children if child.id != node.id)
                stages[-1] = _Stage(stages[-1].node, stages[-1].redirects + redirects)
            yield stages
        elif node.type == "heredoc_redirect":
            piped = next((child for child in node.named_children if child.type == "pipeline"), None)
            statement = node.parent
            body = statement.child_by_field_name("body") if statement is not None else None
            if piped is not None and body is not None:  # `cat <<EOF | tee x`: the pipe hangs here
                yield [_Stage(body), *_heredoc_rest(piped)]
        stack.extend(reversed(node.children))


def _flatten(pipeline: Node) -> list[_Stage]:
    stages: list[_Stage] = []
    for child in pipeline.named_children:
        if child.type == "comment":
            continue
        body = child.child_by_field_name("body") if child.type == "redirected_statement" else None
        if body is not None and body.type == "pipeline":
            inner = _flatten(body)
            redirects = tuple(c for c in child.named_children if c.id != body.id)
            inner[-1] = _Stage(inner[-1].node, inner[-1].redirects + redirects)
            stages += inner
        else:
            stages.append(_Stage(child))
    return stages


def _heredoc_rest(piped: Node) -> list[_Stage]:
    """The stages after ``cmd <<EOF``: tree-sitter parses ``| a | b && c`` under the redirect,
    with the ``&& c`` (not part of the pipe) in it."""
    children = [child for child in piped.named_children if child.type != "comment"]
    if not children:
        return []
    first = children[0]
    while first.type == "list" and first.named_child_count:
        first = first.named_children[0]
    return _flatten(first) if first.type == "pipeline" else [_Stage(first)]


# ---------------------------------------------------------------------------
# Judging the stages

# Programs that answer with their exit status: non-zero is an answer, not an error.
_QUERIES: Final = _words(
    "grep egrep fgrep zgrep rgrep rg ag ack pgrep pidof diff cmp test [ false which type expr"
    " getent id dpkg-query ldd lsof systemctl"
)
# Package queries by option: `dpkg -s x` fails when x is not installed.
_QUERY_OPTIONS: Final = {
    "dpkg": _words("-s --status -l --list -S --search -L --listfiles -p --print-avail"),
    "rpm": _words("-q --query -qa -qi -ql -qf -qR -V --verify"),
    "apk": _words("info"),
    "command": _words("-v -V"),
}
# Writers that never end on their own.
_ENDLESS: Final = _words("yes")
_ENDLESS_FILES: Final = _words("/dev/urandom /dev/random /dev/zero")
_BOUNDED: Final = _words("head dd")
# Readers that stop before the end of their input, or read none of it.
_EARLY_READERS: Final = _words("head read dd cmp file")
_NON_READERS: Final = _words("true : false exit return break echo printf test [ sleep")
_LOOP_ENDS: Final = _words("exit return break")
_GREPS: Final = _words("grep egrep fgrep zgrep rg")
_GREP_EARLY: Final = _words("--quiet --silent --max-count --files-with-matches --files-without-match")
_AWKS: Final = _words("awk gawk mawk nawk")
# Commands that run the command in their arguments (and the options taking a value).
_WRAPPERS: Final = {
    "command": frozenset[str](),
    "sudo": _words("-u --user -g --group -h --host -p --prompt -C -D -r -t"),
    "env": _words("-u --unset -C --chdir -S --split-string"),
    "nice": _words("-n --adjustment"),
    "nohup": frozenset[str](),
    "exec": _words("-a"),
    "time": _words("-f --format -o --output"),
    "stdbuf": _words("-i -o -e"),
    "ionice": _words("-c -n -p"),
    "chroot": frozenset[str](),
    "eatmydata": frozenset[str](),
    "timeout": _words("-s --signal -k --kill-after"),
    "xargs": _words("-a --arg-file -d --delimiter -E -e -I -i -L -l -n --max-args -P -s"),
}


def _judge(text: str, stages: list[_Stage]) -> ByDesign | None:
    for stage in stages:
        # `! a | b` (tree-sitter: `(! a) | b`): where the script ends on it, a failing `a` would
        # now make the RUN pass; as an `if`/`while` condition it only takes the other branch.
        if stage.node.type == "negated_command" and not _is_condition(stage.node.parent):
            return ByDesign(stage.node.start_byte, "`!` before a pipe: pipefail changes what it negates")
    for stage in stages[:-1]:
        found = _writer(text, stage)
        if found is not None:
            return found
    for stage in stages[1:]:
        found = _reader(text, stage)
        if found is not None:
            return found
    return None


def _writer(text: str, stage: _Stage) -> ByDesign | None:
    commands = [(command, list(_programs(_argv(text, command)))) for command in _commands(stage.node)]
    # `head -c 32 /dev/urandom`, `dd … count=`: they stop by themselves.
    bounded = all(programs and programs[-1][0] in _BOUNDED for _, programs in commands)
    for node in (*_stage_redirects(stage), *_redirects_in(stage.node)):
        if _silences_errors(text, node):
            return ByDesign(node.start_byte, "a command before the last sends its errors to /dev/null")
        if _span(text, _last_named(node)) in _ENDLESS_FILES and not bounded:
            return ByDesign(node.start_byte, "a command before the last reads an endless device")
    for command, programs in commands:
        for program, args in programs:
            endless_file = program == "cat" and any(arg in _ENDLESS_FILES for arg in args)
            if program in _ENDLESS or endless_file:
                return ByDesign(command.start_byte, f"`{program}` writes until the reader stops it (SIGPIPE)")
            if program in _QUERIES or _query_option(program, args):
                reason = f"`{program}` before the last command exits non-zero by design"
                return ByDesign(command.start_byte, reason)
            if program == "find" and _finds_through_proc(args):
                reason = "`find` through `/proc` fails when a process ends while it walks"
                return ByDesign(command.start_byte, reason)
    return None


def _reader(text: str, stage: _Stage) -> ByDesign | None:
    for node in (stage.node, *_stage_redirects(stage)):
        if _reads_elsewhere(text, node, stage):
            return ByDesign(node.start_byte, "a command after the first reads its input from elsewhere")
    loop_reads = _while_read_conditions(text, stage.node)
    # A compound reader (`while read …`, `{ …; }`) reads through its commands: one that prints
    # (`echo`) does not stop it, one that stops reading (`head`, `read`, `exit`) does.
    body = stage.node.child_by_field_name("body") if stage.node.type == "redirected_statement" else stage.node
    simple = body is not None and body.type == "command"
    for command in _commands(stage.node):
        words = _argv(text, command)
        for program, args in _programs(words, through_xargs=False):
            if program == "read" and command.id in loop_reads:
                continue  # `while read …; do …; done` reads to the end
            if not simple and program in _NON_READERS and program not in _LOOP_ENDS:
                continue
            reason = _early(program, args)
            if reason:
                return ByDesign(command.start_byte, reason)
    return None


def _early(program: str, args: list[str | None]) -> str | None:
    """Why ``program`` may stop reading its input before the end, or None."""
    if program in _EARLY_READERS or program in _NON_READERS:
        return f"`{program}` after the first command may stop reading early (the writer gets SIGPIPE)"
    if program in _GREPS:
        for arg in args:
            if arg is None:
                return f"`{program}` with an option only known at build time"
            if arg in _GREP_EARLY or arg.partition("=")[0] in _GREP_EARLY:
                return f"`{program} {arg}` stops reading at the first match"
            if arg.startswith("-") and not arg.startswith("--") and set(arg[1:]) & set("qlLm"):
                return f"`{program} {arg}` stops reading at the first match"
    if program == "sed" and any(
        arg is None or "q" in arg.lower() or arg.startswith(("-i", "-f")) for arg in args
    ):
        return "a `sed` program that may quit, edit in place or is not literal"
    if program in _AWKS and any(arg is None or "exit" in arg or arg.startswith("-f") for arg in args):
        return f"an `{program}` program that may exit early or is not literal"
    return None


def _finds_through_proc(args: list[str | None]) -> bool:
    """``find /`` (or ``/proc``) without ``-xdev``: entries of processes that end while it walks
    vanish, and find exits 1 in a build that works."""
    if None in args:
        return True
    words = [arg for arg in args if arg is not None]
    starts = []
    for word in words:
        if word.startswith(("-", "(", "!")):
            break
        starts.append(word.rstrip("/") or "/")
    if not starts:
        starts = ["."]
    through = any(start in ("/", "/proc") for start in starts)
    return through and not ({"-xdev", "-mount"} & set(words))


def _query_option(program: str, args: list[str | None]) -> bool:
    options = _QUERY_OPTIONS.get(program)
    if options is None:
        return False
    return any(arg is None or arg in options or (program == "rpm" and arg.startswith("-q")) for arg in args)


def _programs(words: list[str | None], through_xargs: bool = True) -> Iterator[tuple[str, list[str | None]]]:
    """The program a command runs and its arguments, then again for each wrapper it goes
    through (``sudo``, ``env``, ``xargs`` …): ``xargs -r dpkg-query -S`` yields xargs, then
    dpkg-query. ``xargs`` runs its command on another standard input: a reader is not looked
    through it (``through_xargs=False``)."""
    while words:
        name = words[0]
        if name is None:
            yield "", words[1:]  # a program only known at build time: an unknown program
            return
        program = name.rpartition("/")[2]
        args = words[1:]
        yield program, args
        options = _WRAPPERS.get(program)
        if options is None or (program == "command" and args[:1] in (["-v"], ["-V"])):
            return
        if program == "xargs" and not through_xargs:
            return
        position = 0
        operand_first = program in ("timeout", "chroot")  # the duration, the new root
        while position < len(args):
            arg = args[position]
            if arg is None:
                return
            if arg == "--":
                position += 1
                break
            if arg.startswith("-") and len(arg) > 1:
                position += 2 if arg in options else 1
            elif (program == "env" and "=" in arg) or operand_first:
                position += 1
                operand_first = False
            else:
                break
        words = args[position:]


# ---------------------------------------------------------------------------
# Tree helpers


def _span(text: str, node: Node | None) -> str:
    return "" if node is None else text[node.start_byte : node.end_byte]


def _last_named(node: Node) -> Node | None:
    return node.named_children[-1] if node.named_child_count else None


def _commands(node: Node) -> Iterator[Node]:
    """The simple commands a stage runs itself (not those in ``$(…)``, whose status is lost)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "command":
            yield current
        if current.type in ("command_substitution", "process_substitution", "function_definition"):
            continue
        stack.extend(reversed(current.children))


def _argv(text: str, command: Node) -> list[str | None]:
    """A command's name and arguments as the shell passes them, None where the build decides."""
    name = command.child_by_field_name("name")
    if name is None:
        return []
    parts = [name, *(c for c in command.children_by_field_name("argument") if c.type != "file_redirect")]
    return [_literal(text, part) for part in parts]


def _literal(text: str, node: Node) -> str | None:
    kind = node.type
    raw = _span(text, node)
    if kind in ("word", "number"):
        return _unescape(raw)
    if kind == "command_name":
        return _literal(text, node.named_children[0]) if node.named_child_count == 1 else None
    if kind == "raw_string":
        return raw[1:-1]
    if kind == "string":
        if any(child.type != "string_content" for child in node.named_children):
            return None
        return _unescape_double_quoted(raw[1:-1])
    if kind == "concatenation":
        parts = [_literal(text, child) for child in node.children]
        return None if None in parts else "".join(part or "" for part in parts)
    return None


def _stage_redirects(stage: _Stage) -> tuple[Node, ...]:
    """Redirects of the stage itself: its own (``cmd 2>/dev/null``) and those hung on it."""
    own = tuple(
        child
        for child in stage.node.named_children
        if stage.node.type == "redirected_statement" and child.type.endswith("redirect")
    )
    return own + stage.redirects


def _redirects_in(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "file_redirect":
            yield current
        if current.type not in ("command_substitution", "process_substitution"):
            stack.extend(current.children)


def _silences_errors(text: str, redirect: Node) -> bool:
    """``2>/dev/null``, ``&>/dev/null``, ``2>&-``: the author expects errors."""
    if redirect.type != "file_redirect":
        return False
    descriptor = _span(text, redirect.child_by_field_name("descriptor"))
    operators = [child.type for child in redirect.children if not child.is_named]
    target = _span(text, _last_named(redirect))
    if "&>" in operators or "&>>" in operators:
        return target == "/dev/null"
    return descriptor == "2" and (target == "/dev/null" or ">&-" in operators)


def _reads_elsewhere(text: str, node: Node, stage: _Stage) -> bool:
    """A redirect of standard input on the stage itself (``b < file``, ``b <<EOF``)."""
    if node.type == "redirected_statement":
        return False  # its redirects are looked at one by one
    if node.type in ("heredoc_redirect", "herestring_redirect"):
        descriptor = _span(text, node.child_by_field_name("descriptor"))
        return descriptor in ("", "0")
    if node.type == "file_redirect":
        descriptor = _span(text, node.child_by_field_name("descriptor"))
        operators = [child.type for child in node.children if not child.is_named]
        return descriptor in ("", "0") and any(op in ("<", "<&", "<>") for op in operators)
    return False


def _is_condition(node: Node | None) -> bool:
    """Whether ``node`` is (in an ``&&``/``||`` list that is) the condition of an ``if``,
    ``elif``, ``while`` or ``until``."""
    while node is not None and node.parent is not None:
        parent = node.parent
        if parent.type == "list" or (
            parent.type == "redirected_statement" and parent.child_by_field_name("body") == node
        ):
            node = parent
            continue
        if parent.type in ("if_statement", "elif_clause", "while_statement"):
            index = next(i for i, child in enumerate(parent.children) if child.id == node.id)
            return parent.field_name_for_child(index) == "condition"
        return False
    return False


def _while_read_conditions(text: str, node: Node) -> set[int]:
    """``read`` commands that are the condition of a ``while`` loop without ``break``, ``exit`` or
    ``return`` in its body: the loop reads its input to the end."""
    found: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        stack.extend(current.children)
        if current.type != "while_statement" or current.children[0].type != "while":
            continue
        condition = current.child_by_field_name("condition")
        body = current.child_by_field_name("body")
        if condition is None or body is None or condition.type != "command":
            continue
        names = {_span(text, c.child_by_field_name("name")) for c in _commands(body)}
        if not names & {"break", "exit", "return"}:
            found.add(condition.id)
    return found
