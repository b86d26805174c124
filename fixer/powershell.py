"""PowerShell analysis of RUN scripts in stages whose SHELL is ``powershell`` or ``pwsh``.

Windows images write their RUNs in PowerShell, never to be read as sh. This module parses such a
script with tree-sitter-powershell and answers what a merge of RUNs needs to know: what the
script leaves behind for code that runs after it in the same process (variables, the location,
loaded code, process-wide settings), whether it can end the process early, and whether its last
statement may fail without stopping the script.

How a RUN runs under ``SHELL ["powershell", "-Command", "<prelude>"]``: BuildKit appends the RUN's
text as one more argument, PowerShell joins the arguments after ``-Command`` with spaces and runs
them as one script; the process exits with 1 when the last statement failed (``$?`` is false),
with N on ``exit N``, with 1 on an uncaught terminating error (PowerShell/PowerShell#13501).
"""

from __future__ import annotations

import functools
import ntpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

_POWERSHELLS: Final = frozenset({"powershell", "pwsh"})
_COMMAND_FLAGS: Final = frozenset({"-command", "-c"})

# Commands that change what later statements of the same process see: the location, aliases,
# variables by name, modules, types, strictness, the execution policy, code run from text.
_STATEFUL_COMMANDS: Final = frozenset(
    {
        *("cd", "chdir", "sl", "set-location", "pushd", "push-location", "popd", "pop-location"),
        *("set-alias", "new-alias", "sal", "nal", "import-module", "ipmo", "add-type"),
        *("set-variable", "new-variable", "sv", "nv", "remove-variable", "rv", "clear-variable"),
        *("set-strictmode", "set-psdebug", "set-executionpolicy", "update-typedata"),
        *("update-formatdata", "invoke-expression", "iex", "setx"),
    }
)
# Common parameters that assign a variable by name.
_VARIABLE_PARAMETERS: Final = frozenset(
    {
        *("-outvariable", "-ov", "-errorvariable", "-ev", "-warningvariable", "-wv"),
        *("-informationvariable", "-iv", "-pipelinevariable", "-pv"),
    }
)
# Automatic variables a statement sets for the statements after it.
_STATUS_VARIABLES: Final = frozenset({"?", "lastexitcode", "error", "matches"})
# Process-wide variables every cmdlet reads without naming them.
_IMPLICIT_VARIABLES: Final = frozenset({"ofs", "formatenumerationlimit", "maximumhistorycount"})
_CMDLET_NAME: Final = re.compile(r"[A-Za-z]+-[A-Za-z]+")
# Windows PowerShell's built-in aliases and functions for file and output cmdlets: no PATH
# lookup, no installer behind them. (`curl`/`wget` are aliases there but programs in pwsh.)
_BUILTIN_ALIASES: Final = frozenset(
    {
        *("cat", "cp", "copy", "del", "dir", "echo", "erase", "gc", "gci", "ls", "md", "mkdir"),
        *("move", "mv", "ni", "pwd", "rd", "ren", "ri", "rm", "rmdir", "select", "sort", "tee"),
        *("type", "where", "write", "foreach", "%", "?", "sleep", "measure"),
    }
)
# Cmdlets that run programs or install software, which may change the machine environment.
_INSTALLING_CMDLETS: Final = frozenset(
    {
        *("start-process", "saps", "start", "install-package", "install-windowsfeature"),
        *("add-windowsfeature", "enable-windowsoptionalfeature", "add-windowscapability"),
    }
)
# Item cmdlets that write to a drive, such as ``env:``.
_ITEM_COMMANDS: Final = frozenset(
    {
        *("set-item", "si", "new-item", "ni", "remove-item", "ri", "rm", "del", "clear-item"),
        *("cli", "set-content", "sc", "add-content", "ac", "rename-item", "rni", "move-item", "mi"),
    }
)
# Commands and types that make web requests (which a TLS setting in ServicePointManager changes).
_WEB_COMMANDS: Final = frozenset(
    {"invoke-webrequest", "iwr", "invoke-restmethod", "irm", "start-bitstransfer", "curl", "wget"}
)


@dataclass(frozen=True, slots=True)
class PowerShellScript:
    """Facts about one PowerShell script (a RUN's command line)."""

    text: str
    has_error: bool
    has_line_comment: bool
    statements: int
    assigned: frozenset[str]
    """Variables the script assigns, lower case, scope prefix dropped (``env:path`` kept)."""
    mentioned: frozenset[str]
    """Every variable the script names, in the same form."""
    leaves_state: bool
    """Whether it changes something later statements see besides its variables: the location,
    aliases, modules, types, environment variables, preference variables, the machine
    environment, functions, or code it runs from text or dot-sources."""
    sets_tls_protocol: bool
    """Whether it sets ``[Net.ServicePointManager]::SecurityProtocol`` (which web requests after
    it in the process use). Any other property it sets counts in ``leaves_state``."""
    makes_web_request: bool
    runs_programs: bool
    """Whether it runs anything but cmdlets and built-in aliases: programs found on PATH (which
    an installer in an earlier RUN may have changed), functions, scripts, script blocks."""
    may_install: bool
    """Whether it runs programs or installers, which may change the machine environment (an
    installer's PATH entry): a new process, as the next RUN was, would see that; this one not."""
    ends_early: bool
    """Whether it may end the script before its last statement succeeds (``exit`` with a
    status that is not a non-zero literal, ``return``, ``break``, ``continue``, ``trap``)."""
    last_may_fail_quietly: bool
    """Whether its last statement runs a program (or a script, a script block): its failure
    sets ``$?`` without stopping the script, even under ``$ErrorActionPreference = 'Stop'``,
    which makes any cmdlet's error (built-in aliases and functions included) end it."""


def is_powershell(shell: Sequence[str]) -> bool:
    """Whether a SHELL runs scripts with PowerShell's ``-Command``."""
    return bool(shell) and _program(shell[0]) in _POWERSHELLS and _prelude(shell) is not None


def stops_on_error(shell: Sequence[str]) -> bool:
    """Whether the SHELL's prelude sets ``$ErrorActionPreference = 'Stop'``: then any error of a
    cmdlet ends the script, and only programs can fail without ending it."""
    prelude = _prelude(shell)
    if prelude is None or not prelude.isascii():
        return False
    root = _parse(prelude)
    if root.has_error:
        return False
    setting = ""
    for statement in _statements(root):
        inner = statement.children[0] if statement.type == "pipeline" and statement.children else statement
        assignment = _assignment(inner)
        if assignment is not None and _variable_name(assignment[0]) == "erroractionpreference":
            setting = _text(assignment[1]).strip().strip("'\"").lower() if assignment[1] else ""
    return setting == "stop"


def _program(word: str) -> str:
    return ntpath.basename(word).lower().removesuffix(".exe")


def _prelude(shell: Sequence[str]) -> str | None:
    """The text PowerShell runs before the RUN's script: the arguments after ``-Command``."""
    for position, word in enumerate(shell[1:], start=1):
        if word.lower() in _COMMAND_FLAGS:
            return " ".join(shell[position + 1 :])
    return None


@functools.lru_cache(maxsize=256)
def analyse(text: str) -> PowerShellScript:
    """Parse ``text`` as one PowerShell script and collect the facts a merge needs.

    A script with a non-ASCII character counts as unparsed: PowerShell reads typographic quotes
    and dashes as quotes and dashes, which the grammar does not.
    """
    if not text.isascii():
        return _unparsed(text)
    try:
        return _analysed(text)
    except RecursionError:  # nested deeper than Python's stack: too big to analyse
        return _unparsed(text)


def _analysed(text: str) -> PowerShellScript:
    root = _parse(text)
    statements = _statements(root)
    nodes = list(_walk(root))
    assigned: set[str] = set()
    mentioned: set[str] = set()
    leaves_state = sets_tls_protocol = makes_web_request = ends_early = False
    runs_programs = may_install = False
    for node in nodes:
        kind = node.type
        if kind == "variable":
            mentioned.add(_variable_name(node))
        elif kind == "foreach_statement":
            assigned.update(_variable_name(c) for c in node.children if c.type == "variable")
        elif kind in ("function_statement", "class_statement", "enum_statement"):
            leaves_state = True
        elif kind == "trap_statement":
            ends_early = True
        elif kind == "flow_control_statement":
            ends_early = ends_early or not _exits_with_failure(node)
        elif kind == "command":
            name = _command_name(node)
            leaves_state = leaves_state or name in _STATEFUL_COMMANDS or _dot_sources(node)
            leaves_state = leaves_state or _writes_environment(node)
            makes_web_request = makes_web_request or name in _WEB_COMMANDS
            program = _runs_program(node)
            runs_programs = runs_programs or program
            may_install = may_install or program or name in _INSTALLING_CMDLETS
            parameters = {_text(c).lower() for c in _descendants(node, "command_parameter")}
            leaves_state = leaves_state or bool(parameters & _VARIABLE_PARAMETERS)
        elif kind == "member_name":
            member = _text(node).lower()
            leaves_state = leaves_state or member == "setenvironmentvariable"
            makes_web_request = makes_web_request or member.startswith("download")
        elif kind == "type_name" and _text(node).lower().endswith("webclient"):
            makes_web_request = True
        assignment = _assignment(node)
        if assignment is not None:
            target = assignment[0]
            if _descendants(target, "member_access"):
                if _text(target).replace(" ", "").lower().endswith("servicepointmanager]::securityprotocol"):
                    sets_tls_protocol = True
                else:
                    leaves_state = True  # a property of a type or an object that outlives the RUN
            for variable in _descendants(target, "variable"):
                assigned.add(_variable_name(variable))
    leaves_state = leaves_state or any(_is_process_setting(name) for name in assigned)
    return PowerShellScript(
        text=text,
        has_error=root.has_error,
        has_line_comment=any(node.type == "comment" and not _text(node).startswith("<#") for node in nodes),
        statements=len(statements),
        assigned=frozenset(assigned),
        mentioned=frozenset(mentioned),
        leaves_state=leaves_state,
        sets_tls_protocol=sets_tls_protocol,
        makes_web_request=makes_web_request,
        runs_programs=runs_programs,
        may_install=may_install,
        ends_early=ends_early,
        last_may_fail_quietly=bool(statements) and _may_fail_quietly(statements[-1]),
    )


def _unparsed(text: str) -> PowerShellScript:
    """A script nothing is known of: every fact that keeps a merge away is set."""
    empty: frozenset[str] = frozenset()
    return PowerShellScript(
        text=text,
        has_error=True,
        has_line_comment=False,
        statements=0,
        assigned=empty,
        mentioned=empty,
        leaves_state=True,
        sets_tls_protocol=False,
        makes_web_request=False,
        runs_programs=True,
        may_install=True,
        ends_early=True,
        last_may_fail_quietly=True,
    )


def reads_status(script: PowerShellScript) -> bool:
    """Whether the script reads ``$?``, ``$LASTEXITCODE``, ``$Error`` or ``$Matches``, which the
    statements before it set."""
    return bool(script.mentioned & _STATUS_VARIABLES)


def reads_environment(script: PowerShellScript) -> bool:
    """Whether the script depends on the process environment: programs found on PATH, ``$env:``."""
    return script.runs_programs or any(name.startswith("env:") for name in script.mentioned)


def _runs_program(command: Node) -> bool:
    name = _command_name(command)
    if _has_invocation_operator(command):
        return True
    return _CMDLET_NAME.fullmatch(name) is None and name not in _BUILTIN_ALIASES


def _is_process_setting(name: str) -> bool:
    """Environment and preference variables reach every later statement and child process."""
    return (
        name.startswith("env:")
        or name.endswith("preference")
        or name.startswith("ps")
        or name in _IMPLICIT_VARIABLES
    )


def _exits_with_failure(node: Node) -> bool:
    """``exit 1`` (any non-zero literal) fails the RUN wherever it runs; ``throw`` too."""
    keyword = node.children[0].type if node.children else ""
    if keyword == "throw":
        return True
    if keyword != "exit":
        return False
    status = _text(node)[len("exit") :].strip()
    return status.isdigit() and int(status) != 0


def _may_fail_quietly(statement: Node) -> bool:
    return any(_runs_program(command) for command in _descendants(statement, "command"))


def _writes_environment(command: Node) -> bool:
    """An item cmdlet on the ``env:`` drive (``Set-Item env:PATH …``, like ``$env:PATH = …``), or
    ``Set-ItemProperty`` on the registry key that holds the machine's environment variables."""
    name = _command_name(command)
    if name in ("set-itemproperty", "sp", "new-itemproperty"):
        return "\\environment" in _text(command).lower()
    if name not in _ITEM_COMMANDS:
        return False
    arguments = _descendants(command, "generic_token") + _descendants(command, "string_literal")
    return any(_text(node).strip("'\"").lower().startswith("env:") for node in arguments)


def _dot_sources(command: Node) -> bool:
    return any(
        child.type == "command_invokation_operator" and _text(child) == "." for child in command.children
    )


def _has_invocation_operator(command: Node) -> bool:
    return any(child.type == "command_invokation_operator" for child in command.children)


def _command_name(command: Node) -> str:
    name = _named_child(command, "command_name") or _named_child(command, "command_name_expr")
    return _text(name).lower() if name is not None else ""


def _named_child(node: Node, kind: str) -> Node | None:
    return next((child for child in node.children if child.type == kind), None)


def _assignment(node: Node) -> tuple[Node, Node | None] | None:
    """(target, value) of an assignment expression."""
    if node.type != "assignment_expression":
        return None
    target = _named_child(node, "left_assignment_expression")
    if target is None:
        return None
    values = [child for child in node.children if child.type == "pipeline"]
    return target, values[-1] if values else None


def _variable_name(node: Node) -> str:
    """``$Global:Foo`` → ``foo``; ``${env:Path}`` → ``env:path``; ``$?`` → ``?``."""
    text = _text(node).lower().lstrip("$@").strip("{}")
    for scope in ("global:", "script:", "local:", "private:", "using:"):
        text = text.removeprefix(scope)
    return text


def _text(node: Node) -> str:
    return (node.text or b"").decode()


def _statements(root: Node) -> list[Node]:
    body = _named_child(root, "statement_list")
    if body is None:
        return []
    return [child for child in body.children if child.type != "empty_statement"]


def _walk(node: Node) -> Iterator[Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


def _descendants(node: Node, kind: str) -> list[Node]:
    return [child for child in _walk(node) if child.type == kind]


def _parse(text: str) -> Node:
    return _parser().parse(text.encode()).root_node


@functools.cache
def _parser() -> Parser:
    import tree_sitter
    import tree_sitter_powershell

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
