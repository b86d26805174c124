"""Shell analysis of RUN instructions, on tree-sitter-bash's syntax tree.

``analyse(text)`` turns a shell script into a flat, source-ordered list of simple commands, each
with its argv words (source spans and literal values), the operator that joins it to the previous
command and the constructs it is nested in; package-manager invocations are read off those
commands. ``run_scripts(instruction)`` finds the script(s) a RUN instruction hands to ``/bin/sh``
(its shell form, or a heredoc body) and maps every script offset back into ``instruction.code``,
so rules can place edits in the Dockerfile's own bytes.

The shell text is never scanned with regexes: structure, quoting and spans come from the tree.
tree_sitter is imported lazily, since ``dfix -`` has a cold-start budget.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from fixer.syntax.buildkit import heredocs_from_line
from fixer.syntax.nodes import Instruction
from fixer.syntax.shell_words import GO_SPACE_CHARS, ShellWordsError, process_words

if TYPE_CHECKING:
    from types import FrameType

    from tree_sitter import Node, Parser

__all__ = [
    "Command",
    "PackageInvocation",
    "RunScript",
    "Script",
    "StateChange",
    "Word",
    "analyse",
    "command_line_start",
    "program_lookups",
    "run_scripts",
    "syntax_tree",
]


def _words(text: str) -> frozenset[str]:
    """A set of names written as one space-separated string (compact tables)."""
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class Word:
    """One argv word: its source text (quotes included), its span in ``Script.text``, and its
    literal value after quote removal (None when it contains an expansion, ``{1..3}`` included;
    globs, ``~`` and ``{a,b}`` stay literal text, as tree-sitter-bash reads them)."""

    raw: str
    value: str | None
    start: int
    end: int

    @property
    def text(self) -> str:
        """The value when literal, else the raw text (what option matching looks at)."""
        return self.raw if self.value is None else self.value


@dataclass(frozen=True, slots=True)
class Command:
    """One simple command (also ``export``/``unset``/``[ … ]`` and bare ``VAR=value`` statements).

    ``connector`` is the operator just before it in its list (``&&``, ``||``, ``;``, ``|``, ``|&``,
    ``&``, or ``"\\n"`` for a plain line break), None for the first command of a list: the first
    command inside ``( … )``, ``{ … }``, ``if``, loops, functions and ``$( … )`` starts a new list.
    ``stdin_heredoc`` is the index (in order of appearance in the script) of the heredoc that is
    the command's standard input.
    """

    name: str | None
    words: tuple[Word, ...]
    assignment_words: tuple[Word, ...]
    start: int
    end: int
    connector: str | None
    in_subshell: bool = False
    in_condition: bool = False
    in_function: bool = False
    in_loop: bool = False
    stdin_heredoc: int | None = None
    # Where the command a wrapper chain runs starts in ``words`` (see ``unwrapped``), found once:
    # most rules ask it of every command, and the cached analysis shares commands across passes.
    _unwrapped_at: int | None = field(init=False, default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_unwrapped_at", _unwrapped(self.words))

    @property
    def assignments(self) -> tuple[str, ...]:
        """The leading ``VAR=value`` prefixes, as written."""
        return tuple(word.raw for word in self.assignment_words)

    @property
    def program(self) -> str | None:
        """The command name's basename (``/usr/bin/apt-get`` → ``apt-get``)."""
        return None if self.name is None else self.name.rpartition("/")[2]

    def args(self) -> tuple[Word, ...]:
        return self.words[1:]

    def unwrapped(self) -> tuple[Word, ...] | None:
        """The words of the command this one runs through wrappers (``sudo -u root rm -rf x``,
        ``env A=1 nice -n 5 rm x``: ``rm …``), itself when it is none; None when it runs nothing
        (``command -v rm``)."""
        position = self._unwrapped_at
        return None if position is None else self.words[position:]

    def unwrapped_program(self) -> str | None:
        """The basename of the program ``unwrapped`` runs (``sudo -E /bin/rm x``: ``rm``)."""
        words = self.unwrapped()
        return words[0].text.rpartition("/")[2] if words else None


@dataclass(frozen=True, slots=True)
class PackageInvocation:
    """A package-manager command: ``apt-get -qq install -y curl`` has manager ``apt-get``,
    subcommand ``install``, options ``-qq -y`` and packages ``curl``.

    ``packages`` holds every operand after the subcommand (``yarn cache clean`` has ``clean``);
    ``options`` holds flag words with their separate arguments (``-o X``, ``--virtual .deps``,
    ``-r requirements.txt``), wherever they stand; everything after ``--`` is an operand.
    """

    manager: str
    subcommand: str | None
    subcommand_word: Word | None
    options: tuple[Word, ...]
    packages: tuple[Word, ...]
    command: Command

    @property
    def argument_options(self) -> frozenset[str]:
        """The manager's options that take the next word as their argument (``-o``, ``--root``)."""
        return _ARGUMENT_OPTIONS.get(self.manager, frozenset())

    def has_option(self, *names: str) -> bool:
        """Whether any of ``names`` (``-y``, ``--no-cache``) is given, also inside combined short
        flags (``-qy``) and as ``--name=value``; option arguments are never matched."""
        wanted = frozenset(names)
        takes_argument = self.argument_options
        skip = False
        for word in self.options:
            text = word.text
            if skip or text == "--":
                skip = False
                continue
            if text.startswith("--"):
                if text.partition("=")[0] in wanted:
                    return True
            else:
                for letter in text[1:]:
                    flag = "-" + letter
                    if flag in wanted:
                        return True
                    if flag in takes_argument:  # the rest of the word is its argument
                        break
            skip = _takes_argument(text, takes_argument)
        return False


@dataclass(frozen=True, slots=True)
class StateChange:
    """Something a script leaves in its shell for the commands after it.

    ``kind`` says what: ``variable`` (an assignment, ``read``, ``for``, ``${X:=…}``, ``let`` …),
    ``function``, ``alias``, ``directory`` (``cd``, ``pushd`` …), ``options`` (``set -e``,
    ``shopt``), ``positional`` (``set --``, ``shift``), ``trap``, ``umask``, ``limits``
    (``ulimit``), ``descriptors`` (``exec 3>f``, ``{fd}>f``), ``control`` (``exit``,
    ``return``, ``exec cmd``), ``hash``, ``builtins`` (``enable``), ``jobs``, ``code`` (``eval``,
    ``.``, a command named by an expansion: anything at all) or ``builtin`` (a builtin not known
    to leave its shell alone). ``text`` is the construct as written.
    """

    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Script:
    """A shell script's commands in source order, and facts about its structure.

    ``has_error``: tree-sitter found a syntax error (or a construct it cannot parse); the
    commands are a best effort then, and callers must not edit the script.
    """

    text: str
    commands: tuple[Command, ...]
    has_error: bool
    # Derived from the tree when the script is analysed (a Script keeps no tree).
    _invocations: tuple[PackageInvocation, ...] = field(default=(), repr=False, compare=False)
    _and_chain: bool = field(default=False, repr=False, compare=False)
    code_end: int | None = None
    """Where the code ends when a comment ends the script (``make # no tests``), else None.
    Text appended to the code goes there, ahead of the comment."""
    runs_in_background: bool = False
    """Whether a command runs in the background (``cmd &``, ``coproc``): it may outlive the
    script's other commands, and a build kills it when the RUN's shell exits."""
    redirect_targets: tuple[Word, ...] = ()
    """The files the script's redirections name (``> out``, ``< in``; not ``2>&1``)."""
    redirect_writes: tuple[Word, ...] = ()
    """The files the script's redirections may write (``> out``, ``>> log``, ``<> f``)."""
    _state: tuple[StateChange, ...] = field(default=(), repr=False, compare=False)
    _errexit_proof: tuple[bool, bool] = field(default=(False, False), repr=False, compare=False)
    _reads_position: bool = field(default=False, repr=False, compare=False)

    def invocations(self, *managers: str) -> list[PackageInvocation]:
        """Package-manager invocations, all or those of ``managers`` (``"pip"`` covers pip3 and
        ``python -m pip``); ``sudo``, ``env`` and similar wrappers are seen through."""
        if not managers:
            return list(self._invocations)
        return [found for found in self._invocations if found.manager in managers]

    @property
    def writes_through_redirects(self) -> bool:
        """Whether a redirection may write a file other than ``/dev/null``."""
        return any(target.text != "/dev/null" for target in self.redirect_writes)

    @property
    def code(self) -> str:
        """The script without a comment that ends it."""
        return self.text[: self.code_end]

    def is_and_chain(self) -> bool:
        """The script is one simple command or pipeline, or one ``&&`` list of them: no other
        operator or separator, no compound command, no heredoc, no comment (so `` && more`` can
        be appended, or the script joined after ``prev &&``)."""
        return self._and_chain

    def has_pipe(self) -> bool:
        return any(command.connector in ("|", "|&") for command in self.commands)

    def variables(self) -> dict[str, str]:
        """Shell variables the script sets to literal values (``deps='a b'``, ``export X=y``),
        for resolving ``$deps``; a later non-literal assignment or ``unset`` forgets a name."""
        found: dict[str, str] = {}
        for command in self.commands:
            if command.in_subshell:
                continue
            if command.name is None and not command.words:
                for word in command.assignment_words:
                    _assign(found, word)
            elif command.program in _DECLARATIONS:
                for word in command.args():
                    if "=" in word.text and not word.text.startswith("-"):
                        _assign(found, word)
            elif command.program == "unset":
                for word in command.args():
                    found.pop(word.text, None)
        return found

    def state_changes(self) -> tuple[StateChange, ...]:
        """Everything the script leaves in its shell for the commands after it, in source
        order; what happens in a subshell (``( … )``, ``$( … )``) dies with it and is not here.

        Read off the grammar: assignments wherever the grammar has them (bare, before a special
        builtin, ``for``/``select`` variables, ``${X:=…}``, arithmetic that assigns or reads a
        variable, ``[[ =~ ]]``), function definitions, ``{fd}>`` redirections, and every
        builtin except those known to leave the shell alone (``echo``, ``printf`` without
        ``-v``, ``test``, ``true``, ``pwd`` …): an unknown builtin counts, and so does a command
        named by an expansion (it could be any builtin). A program (any other name) cannot
        change its parent shell; the location the shell found it at is ``hashed()``.
        """
        return self._state

    def hashed(self) -> frozenset[str]:
        """Programs the shell looks up on PATH outside subshells (``pip``, ``command -v gcc``):
        bash, dash and ash remember where they found each and run that file next time, even
        when a program of that name has appeared earlier on PATH since."""
        return frozenset(
            name for command in self.commands if not command.in_subshell for name in program_lookups(command)
        )

    def errexit_proof(self, whole: bool = True) -> bool:
        """Whether ``set -e`` means the same for the script (``whole``) or for its last
        ``&&``/``||`` list when that becomes a command of an ``&&`` list other than the last,
        where POSIX ignores ``-e``: it must be one such list of simple commands and pipelines,
        none of which runs a list of its own (a function, ``eval``, ``.``, a compound command
        such as ``{ … }``), so ``-e`` never had a command in the middle to stop at."""
        return self._errexit_proof[0 if whole else 1]

    def reads_shell_position(self) -> bool:
        """Whether the script reads what its shell says about where it is (``$_``, the last
        argument of the previous command; ``$BASHPID``, ``$BASH_SUBSHELL``,
        ``$BASH_COMMAND``), or runs text it does not show (``eval "$x"``, a ``trap`` action)
        that could: a fresh shell and a merged one answer differently."""
        return self._reads_position


def _assign(variables: dict[str, str], word: Word) -> None:
    """Apply one ``NAME=value`` / ``NAME+=value`` word to ``variables``."""
    name = word.text.partition("=")[0]
    append = name.endswith("+")
    name = name.removesuffix("+")
    if word.value is None or not name.isidentifier():
        variables.pop(name, None)
        return
    value = word.value.partition("=")[2]
    if append:
        if name not in variables:  # appending to an unknown value: still unknown
            return
        value = variables[name] + value
    variables[name] = value


_DECLARATIONS: Final = _words("declare export local readonly typeset")


# ---------------------------------------------------------------------------
# Parsing


@functools.cache
def _parser() -> Parser:
    """The one tree-sitter parser, made on first use (importing tree_sitter costs start-up time)."""
    import tree_sitter

    return tree_sitter.Parser(tree_sitter.Language(_bash_grammar()))


def _bash_grammar() -> object:
    """tree-sitter-bash's grammar, loaded from its extension module directly.

    The package's ``__init__`` imports importlib.resources (with pathlib, tempfile …) only to
    serve its highlight queries: over 10 ms of the ``dfix -`` cold start for nothing we use.
    """
    import importlib.machinery
    import importlib.util

    package = importlib.util.find_spec("tree_sitter_bash")
    locations = package.submodule_search_locations if package else None
    spec = importlib.machinery.PathFinder.find_spec("_binding", locations) if locations else None
    if spec is None or spec.loader is None:  # an unusual install: take the ordinary way
        import tree_sitter_bash

        return tree_sitter_bash.language()
    binding = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(binding)
    return binding.language()


_NON_ASCII: Final = re.compile(r"[^\x00-\x7f]")


@functools.lru_cache(maxsize=4096)
def syntax_tree(text: str) -> Node:
    """tree-sitter-bash's tree of ``text``, parsed once for every analysis that reads it
    (``analyse``, the dialect and pipe checks of DF602)."""
    # tree-sitter-bash's scanner corrupts memory on some non-ASCII input (segfaults found by
    # fuzzing, tree-sitter 0.25-0.26 with tree-sitter-bash 0.23-0.25). Bash gives non-ASCII
    # characters no syntax, so each one is parsed as `%`, a plain word character: offsets stay
    # character offsets, and every word's text is read from the real script.
    return _parser().parse(_NON_ASCII.sub("%", text).encode("ascii")).root_node


@functools.lru_cache(maxsize=16384)  # a file of thousands of RUNs re-reads them every pass
def analyse(text: str) -> Script:
    """Parse ``text`` as a bash script (cached: the engine re-checks unchanged RUNs each pass)."""
    root = syntax_tree(text)
    # The walk recurses once per nesting level (an `&&` list of N commands nests N deep). It
    # gets the same number of frames whoever calls it, so whether a script is too big to
    # analyse never depends on the caller's stack (a merge accepted here and refused there).
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(_stack_depth() + _STACK_BUDGET)
    try:
        walker = _Walker(text)
        walker.sequence(root.children, 0, None)
        commands = tuple(walker.commands)
        statements = [child for child in root.named_children if child.type != "comment"]
        functions = _function_names(root, text)
        return Script(
            text=text,
            commands=commands,
            has_error=root.has_error,
            _invocations=tuple(found for command in commands if (found := _invocation(command))),
            _and_chain=_is_and_chain(root),
            code_end=_code_end(root),
            runs_in_background=_has_token(root, "&") or any(c.program == "coproc" for c in commands),
            redirect_targets=tuple(target for target, _ in walker.redirects),
            redirect_writes=tuple(target for target, writes in walker.redirects if writes),
            _state=_state_changes(root, commands, text),
            _errexit_proof=(
                len(statements) == 1 and _plain(statements[0], text, functions),
                bool(statements) and _plain(statements[-1], text, functions),
            ),
            _reads_position=_reads_position(root, commands, text),
        )
    except RecursionError:
        # A tree deeper than the budget (an `&&` list of more than about 500 commands): too big
        # to analyse, so it is left alone like a script that does not parse.
        return Script(text=text, commands=(), has_error=True)
    finally:
        sys.setrecursionlimit(limit)


# Frames the analysis of one script may use: enough for an `&&` list of about 500 commands,
# little enough that the C stack a frame may also take (``any(…)`` over a generator) stays
# far inside a thread's.
_STACK_BUDGET: Final = 1500


def _stack_depth() -> int:
    frame: FrameType | None = sys._getframe()
    depth = 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


# Context flags: the constructs a command is nested in.
_SUBSHELL: Final = 1
_CONDITION: Final = 2
_FUNCTION: Final = 4
_LOOP: Final = 8
_CONTEXT: Final = {
    "subshell": _SUBSHELL,
    "command_substitution": _SUBSHELL,
    "process_substitution": _SUBSHELL,
    "if_statement": _CONDITION,
    "case_statement": _CONDITION,
    "function_definition": _FUNCTION,
    "while_statement": _LOOP,  # also `until`
    "for_statement": _LOOP,  # also `select`
    "c_style_for_statement": _LOOP,
}
_OPERATORS: Final = frozenset({"&&", "||", ";", "|", "|&", "&"})
_SIMPLE: Final = _words(
    "command declaration_command unset_command test_command variable_assignment variable_assignments"
)
# Nodes a list is made of: after one, the next command without an operator follows a line break.
_STATEMENTS: Final = _SIMPLE | _words(
    "list pipeline negated_command redirected_statement subshell compound_statement if_statement"
    " while_statement for_statement c_style_for_statement case_statement function_definition"
)
# Wrappers whose operators belong to the enclosing list (the others start a new one).
_TRANSPARENT: Final = frozenset({"list", "pipeline", "negated_command"})
_REDIRECTS: Final = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
_EXPANSIONS: Final = _words(
    "simple_expansion expansion command_substitution process_substitution arithmetic_expansion"
    " brace_expression translated_string array"
)


class _Walker:
    """Collects the commands of one tree in source order."""

    __slots__ = ("_attached", "_heredocs", "commands", "redirects", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.commands: list[Command] = []
        # Every file redirection's target, and whether it may write there.
        self.redirects: list[tuple[Word, bool]] = []
        self._heredocs = 0
        # Redirects that tree-sitter hangs on a list but that belong to its last command:
        # node id -> (words it took for redirect targets, stdin heredoc index).
        self._attached: dict[int, tuple[list[Node], int | None]] = {}

    def sequence(self, children: list[Node], context: int, connector: str | None) -> None:
        """Visit a list's children: operators set the next connector, keywords reset it."""
        for child in children:
            kind = child.type
            if not child.is_named:
                connector = kind if kind in _OPERATORS else None
            elif kind != "comment":
                self.visit(child, context, connector)
                if kind in _STATEMENTS:
                    connector = "\n"

    def visit(self, node: Node, context: int, connector: str | None) -> None:
        kind = node.type
        if kind in _SIMPLE:
            self.simple(node, context, connector)
        elif kind == "redirected_statement":
            self.redirected(node, context, connector)
        elif node.child_count:
            if kind == "file_redirect":  # on a function definition, say
                self.note_redirect(node)
            inner = connector if kind in _TRANSPARENT else None
            self.sequence(node.children, context | _CONTEXT.get(kind, 0), inner)

    def redirected(self, node: Node, context: int, connector: str | None) -> None:
        """A statement with redirects; they apply to its body's last command."""
        body = node.child_by_field_name("body")
        extra: list[Node] = []
        stdin: int | None = None
        redirects = [child for child in node.children if child.type in _REDIRECTS]
        for redirect in redirects:
            if redirect.type == "file_redirect":
                # tree-sitter takes `> f a b` as three targets; the shell gives `a b` to the command.
                extra += redirect.children_by_field_name("destination")[1:]
                self.note_redirect(redirect)
            elif redirect.type == "heredoc_redirect":
                descriptor = redirect.child_by_field_name("descriptor")
                if descriptor is None or self.span_text(descriptor) == "0":
                    stdin = self._heredocs
                self._heredocs += 1
        if body is not None:
            target = body
            while target.type in _TRANSPARENT and target.named_child_count:
                target = target.named_children[-1]
            self._attached[target.id] = (extra, stdin)
            self.visit(body, context, connector)
        for redirect in redirects:
            self.sequence(redirect.children, context, None)

    def simple(self, node: Node, context: int, connector: str | None) -> None:
        """Record one simple command, then the commands nested in its words."""
        kind = node.type
        extra, stdin = self._attached.pop(node.id, ([], None)) if self._attached else ([], None)
        assignments: list[Word] = []
        words: list[Word] = []
        name: str | None = None
        nested: list[Node] = []
        if kind == "variable_assignment":  # a bare `NAME=value` statement
            assignments.append(self.word(node))
            if _may_hold_commands(assignments[0].raw):
                nested.append(node)
        else:
            for child in node.children:
                part = child.type
                if part in _REDIRECTS:
                    if part == "file_redirect":
                        self.note_redirect(child)
                    nested.append(child)
                elif kind == "test_command" and child.named_child_count and part not in _WORD_TYPES:
                    words.extend(self.word(leaf) for leaf in _leaves(child))
                    nested.append(child)
                else:
                    word = self.word(child)
                    if part == "variable_assignment" and kind != "declaration_command":
                        assignments.append(word)
                    else:
                        words.append(word)
                        if part == "command_name" or (kind != "command" and len(words) == 1):
                            name = word.value  # `export`, `unset` and `[` are names too
                    if _may_hold_commands(word.raw):
                        nested.append(child)
        words.extend(self.word(target) for target in extra)
        start = node.start_byte
        end = max(node.end_byte, words[-1].end if words else 0)
        self.commands.append(
            Command(
                name=name,
                words=tuple(words),
                assignment_words=tuple(assignments),
                start=start,
                end=end,
                connector=connector,
                in_subshell=bool(context & _SUBSHELL),
                in_condition=bool(context & _CONDITION),
                in_function=bool(context & _FUNCTION),
                in_loop=bool(context & _LOOP),
                stdin_heredoc=stdin,
            )
        )
        for child in nested:  # commands in `$( … )` and `<( … )` inside the words
            self.sequence(child.children, context | _CONTEXT.get(child.type, 0), None)

    def note_redirect(self, node: Node) -> None:
        """Record a file redirection's target (``2>&1`` and ``>&-`` name descriptors, no file)."""
        targets = node.children_by_field_name("destination")
        if not targets:
            return
        operator = next((child.type for child in node.children if not child.is_named), "")
        target = self.word(targets[0])
        if "&" in operator and (target.text.isdigit() or target.text == "-"):
            return
        self.redirects.append((target, ">" in operator))

    def span_text(self, node: Node) -> str:
        # The parsed bytes are ASCII, one per character of the script: byte offsets index it.
        return self.text[node.start_byte : node.end_byte]

    def word(self, node: Node) -> Word:
        start, end = node.start_byte, node.end_byte
        raw = self.text[start:end]
        return Word(raw, self.value(node, raw), start, end)

    def value(self, node: Node, raw: str) -> str | None:
        """The literal value of a word node, or None when the shell would expand it."""
        kind = node.type
        if kind == "word":  # the common case: a token, quoted only by backslashes
            return _unescape(raw) if "\\" in raw else raw
        if kind in _EXPANSIONS:
            return None
        if kind == "raw_string":
            return raw[1:-1] if len(raw) > 1 and raw.endswith("'") else None
        if kind == "string":
            if len(raw) < 2 or not raw.endswith('"'):
                return None
            if any(child.type != "string_content" for child in node.named_children):
                return None
            return _unescape_double_quoted(raw[1:-1])
        if kind == "ansi_c_string":  # $'…': only escape-free ones are decoded
            return raw[2:-1] if "\\" not in raw and len(raw) > 2 and raw.endswith("'") else None
        if kind in ("concatenation", "command_name"):
            parts: list[str] = []
            for child in node.children:
                part = self.value(child, self.span_text(child))
                if part is None:
                    return None
                parts.append(part)
            return "".join(parts)
        if kind == "variable_assignment":
            value_node = node.child_by_field_name("value")
            if value_node is None:
                return raw
            literal = self.value(value_node, self.span_text(value_node))
            if literal is None:
                return None
            return raw[: value_node.start_byte - node.start_byte] + literal
        if node.named_child_count:
            return None
        return _unescape(raw)


# ---------------------------------------------------------------------------
# Shell state: what a script leaves in its shell for the commands after it

# Every builtin and reserved word that can stand where a command name does, in bash, dash and
# BusyBox ash. Any other name runs a program, which cannot change the shell that started it.
_BUILTINS: Final = _words(
    ". : [ [[ alias bg bind break builtin caller cd chdir command compgen complete compopt continue"
    " coproc declare dirs disown echo enable eval exec exit export false fc fg getopts hash help"
    " history jobs kill let local logout mapfile popd printf pushd pwd read readarray readonly"
    " return set shift shopt source suspend test time times trap true type typeset ulimit umask"
    " unalias unset wait"
)
# Builtins that leave their shell as they found it, but for what their arguments may say
# (`printf -v`, `umask 077`, `ulimit -n 512`, `command cd`: see `_builtin_state`).
_STATE_FREE: Final = _words(
    ": [ [[ command echo false jobs printf pwd test times true type umask ulimit wait"
)
# What the other builtins change; a builtin missing here is a plain "builtin".
_BUILTIN_KINDS: Final = {
    **dict.fromkeys(
        _words("read getopts let mapfile readarray declare export local readonly typeset unset"), "variable"
    ),
    **dict.fromkeys(_words("alias unalias"), "alias"),
    **dict.fromkeys(_words("cd chdir pushd popd dirs"), "directory"),
    **dict.fromkeys(_words("exit return exec break continue logout"), "control"),
    **dict.fromkeys(_words("bg fg disown kill suspend coproc"), "jobs"),
    **dict.fromkeys(_words(". source eval"), "code"),
    "shopt": "options",
    "shift": "positional",
    "trap": "trap",
    "hash": "hash",
    "enable": "builtins",
}
# POSIX special builtins: an assignment before one stays in the shell (`X=1 :` sets X in dash).
_SPECIAL_BUILTINS: Final = _words(
    ": . break continue eval exec exit export readonly return set shift times trap unset"
)
# Builtins that run the command in their arguments, in the shell itself.
_RUNNERS: Final = _words("builtin command time")
_SUBSHELLS: Final = frozenset({"subshell", "command_substitution", "process_substitution"})
# Arithmetic: the operators that assign, the nodes that only combine what they hold.
_ARITHMETIC_ASSIGN: Final = _words("= += -= *= /= %= <<= >>= &= ^= |= ++ --")
_ARITHMETIC_NODES: Final = _words(
    "binary_expression unary_expression postfix_expression ternary_expression parenthesized_expression"
)
# `[[ a -eq b ]]` evaluates its operands as arithmetic (`[[ x++ -eq 1 ]]` assigns x).
_ARITHMETIC_TESTS: Final = _words("-eq -ne -lt -le -gt -ge")
# Variables whose value says where the shell is: a fresh shell and a merged one tell them apart.
_POSITION_VARIABLES: Final = _words("_ BASHPID BASH_SUBSHELL BASH_COMMAND")


def _state_changes(root: Node, commands: Sequence[Command], text: str) -> tuple[StateChange, ...]:
    """``Script.state_changes``: the grammar's assigning constructs, then the commands."""
    found: list[StateChange] = []
    _grammar_state(root, text, found)
    for command in commands:
        if command.in_subshell:
            continue
        kind = _command_state(command.words, bool(command.assignment_words))
        if kind is None and _allocates_descriptor(command, text):
            kind = "descriptors"
        if kind is not None:
            found.append(StateChange(kind, text[command.start : command.end], command.start, command.end))
    return tuple(sorted(found, key=lambda change: change.start))


def _grammar_state(node: Node, text: str, found: list[StateChange]) -> None:
    """The constructs below ``node`` (outside subshells) that assign or define something."""
    kind = node.type
    if kind in _SUBSHELLS:
        return  # what a subshell sets dies with it
    change: str | None = None
    if kind == "function_definition":
        found.append(_change("function", node, text))
        return  # its body runs when it is called, and calling it is the script's own business
    if kind in ("for_statement", "c_style_for_statement"):
        change = "variable"  # the loop variable (also `select`) keeps its last value
    elif kind == "expansion":
        operator = node.child_by_field_name("operator")
        if operator is not None and operator.type in ("=", ":="):
            change = "variable"  # ${X:=default}
    elif kind == "arithmetic_expansion" or (kind == "compound_statement" and node.children[0].type == "(("):
        change = None if _pure_arithmetic(node) else "variable"
    elif kind == "subscript":
        index = node.child_by_field_name("index")
        if index is not None and index.type != "number" and _text(index, text) not in ("@", "*"):
            change = "variable"  # an indexed array's subscript is arithmetic: ${a[i++]}
    elif kind == "test_command" and node.children[0].type == "[[" and _double_bracket_assigns(node, text):
        change = "variable"
    if change is not None:
        found.append(_change(change, node, text))
    for child in node.children:
        _grammar_state(child, text, found)


def _text(node: Node, text: str) -> str:
    return text[node.start_byte : node.end_byte]


def _change(kind: str, node: Node, text: str) -> StateChange:
    return StateChange(kind, _text(node, text), node.start_byte, node.end_byte)


def _pure_arithmetic(node: Node) -> bool:
    """Arithmetic made of numbers and operators only: anything else may assign, since the value
    of a variable named in arithmetic is itself evaluated (``x='y=1'; : $((x))`` sets y)."""
    for child in node.children:
        if not child.is_named:
            if child.type in _ARITHMETIC_ASSIGN:
                return False
        elif child.type != "number" and (child.type not in _ARITHMETIC_NODES or not _pure_arithmetic(child)):
            return False
    return True


def _double_bracket_assigns(node: Node, text: str) -> bool:
    """``[[ s =~ re ]]`` sets BASH_REMATCH; ``[[ a -eq b ]]`` evaluates a and b as arithmetic."""
    for child in node.named_children:
        if child.type in _SUBSHELLS:
            continue
        if child.type == "binary_expression":
            operator = child.child_by_field_name("operator")
            name = "" if operator is None else _text(operator, text)
            if name == "=~":
                return True
            if name in _ARITHMETIC_TESTS and any(
                side is not None and side.type != "number"
                for side in (child.child_by_field_name("left"), child.child_by_field_name("right"))
            ):
                return True
        if _double_bracket_assigns(child, text):
            return True
    return False


def _command_state(words: Sequence[Word], assigns: bool) -> str | None:
    """What a simple command changes in its shell (a ``StateChange`` kind), or None."""
    if not words:
        return "variable" if assigns else None  # a bare `NAME=value`
    name = words[0].value
    if name is None:
        return "code"  # `$cmd …` may name any builtin
    if "/" in name or name not in _BUILTINS:
        return None  # a program (or a function the script defines, which is state already)
    if assigns and name in _SPECIAL_BUILTINS:
        return "variable"
    if name in _RUNNERS:
        return _runner_state(name, words[1:])
    if name in _STATE_FREE:
        return _builtin_state(name, [word.value for word in words[1:]])
    if name == "set":
        return _set_state([word.value for word in words[1:]])
    if name == "exec":
        operands = [word for word in words[1:] if not (word.value or "-").startswith("-")]
        return "control" if operands else "descriptors"  # `exec 3>f` keeps its redirections
    return _BUILTIN_KINDS.get(name, "builtin")


def _runner_state(name: str, words: Sequence[Word]) -> str | None:
    """``command cd /`` changes what ``cd /`` changes; ``command -v x`` changes nothing."""
    position = 0
    while position < len(words) and (words[position].value or "").startswith("-"):
        option = words[position].value or ""
        if name == "command" and ("v" in option or "V" in option):
            return None
        position += 1
    return _command_state(words[position:], False)


def _builtin_state(name: str, args: list[str | None]) -> str | None:
    """The state a builtin that usually leaves its shell alone changes with these arguments."""
    if name == "printf":
        first = args[0] if args else ""
        return "variable" if first is None or (first.startswith("-") and first != "--") else None
    # With a value they set it; without, they print it.
    if name in ("umask", "ulimit") and any(arg is None or not arg.startswith("-") for arg in args):
        return "umask" if name == "umask" else "limits"
    return None


def _set_state(args: list[str | None]) -> str:
    """``set -e`` sets options, ``set -- a b`` (or ``set a b``) the positional parameters."""
    for arg in args:
        if arg is None or arg == "--" or arg[:1] not in ("-", "+"):
            return "positional"
    return "options"


def _allocates_descriptor(command: Command, text: str) -> bool:
    """``cmd {fd}>file`` (bash): the shell opens a descriptor, keeps it open and names it in
    ``fd``. tree-sitter-bash reads ``{fd}`` as a word standing right before the redirection."""
    return any(
        word.raw[:1] == "{"
        and word.raw[-1:] == "}"
        and word.raw[1:-1].isidentifier()
        and text[word.end : word.end + 1] in ("<", ">")
        for word in command.words[1:]
    )


def program_lookups(command: Command) -> tuple[str, ...]:
    """Names the shell itself looks up on PATH for ``command`` (and remembers where it found
    them): its name when that is no builtin, and the operands of ``command``, ``type``,
    ``hash``, ``exec`` and ``time``. Programs that look programs up themselves (``sudo``,
    ``env``, ``xargs``) do not use the shell's table."""
    words = command.words
    name = words[0].value if words and command.name is not None else None
    if name is None or "/" in name:
        return ()
    if name not in _BUILTINS:
        return (name,)
    if name not in ("command", "type", "hash", "exec", "time"):
        return ()
    operands = [word.value for word in words[1:] if not (word.value or "-").startswith("-")]
    if name in ("command", "exec", "time"):
        operands = operands[:1]
    return tuple(found for found in operands if found and "/" not in found and found not in _BUILTINS)


def _function_names(root: Node, text: str) -> frozenset[str]:
    names: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "function_definition":
            name = node.child_by_field_name("name")
            if name is not None:
                names.add(_text(name, text))
        stack.extend(node.children)
    return frozenset(names)


# Statements `set -e` reads the same way wherever they stand: and-or lists of simple commands.
_LIST_RUNNERS: Final = _words(". eval source command builtin time trap coproc")


def _plain(node: Node, text: str, functions: frozenset[str]) -> bool:
    """An ``&&``/``||`` list of simple commands and pipelines, none of which runs a list of
    its own (a compound command, a function, ``eval`` …), nor holds a ``$( … )`` that does."""
    kind = node.type
    if kind == "list":
        return all(
            _plain(child, text, functions) if child.is_named else child.type in ("&&", "||")
            for child in node.children
        )
    if kind in ("pipeline", "negated_command"):
        return all(_plain(child, text, functions) for child in node.named_children)
    if kind == "redirected_statement":
        body = node.child_by_field_name("body")
        rest = [child for child in node.named_children if body is None or child.id != body.id]
        return (
            body is not None
            and _plain(body, text, functions)
            and all(_words_plain(r, text, functions) for r in rest)
        )
    if kind not in _SIMPLE:
        return False
    name = node.child_by_field_name("name") if kind == "command" else None
    if name is not None:
        program = _text(name, text)
        if program in _LIST_RUNNERS or program in functions or name.named_child_count != 1:
            return False
        if name.named_children[0].type not in ("word", "raw_string", "string"):
            return False  # `$cmd`: could be `eval`
    return _words_plain(node, text, functions)


def _words_plain(node: Node, text: str, functions: frozenset[str]) -> bool:
    """No command substitution below ``node`` runs more than a plain list."""
    for child in node.children:
        if child.type in _SUBSHELLS:
            statements = [c for c in child.named_children if c.type != "comment"]
            if len(statements) > 1 or not all(_plain(c, text, functions) for c in statements):
                return False
        elif not _words_plain(child, text, functions):
            return False
    return True


def _reads_position(root: Node, commands: Sequence[Command], text: str) -> bool:
    """``Script.reads_shell_position``."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in ("simple_expansion", "expansion") and any(
            child.type in ("variable_name", "special_variable_name")
            and _text(child, text) in _POSITION_VARIABLES
            for child in node.named_children
        ):
            return True
        stack.extend(node.children)
    for command in commands:
        if command.program in ("eval", "trap"):
            args = [word.value for word in command.args()]
            if any(arg is None for arg in args):
                return True
            inner = analyse(" ".join(arg for arg in args if arg is not None))
            if inner.has_error or inner.reads_shell_position():
                return True
    return False


# Word-like node types (an argument is one of these); anything else in `[ … ]` is an expression.
_WORD_TYPES: Final = _EXPANSIONS | _words(
    "word string raw_string ansi_c_string concatenation number extglob_pattern variable_name"
)


def _may_hold_commands(raw: str) -> bool:
    """A cheap filter before walking into a word: only ``$(…)``, `` `…` ``, ``<(…)`` hold commands."""
    return "(" in raw or "`" in raw


def _leaves(node: Node) -> list[Node]:
    """The words and operator tokens of a test expression (``-f x``, ``"$a" = b``), in order."""
    found: list[Node] = []
    for child in node.children:
        if child.type in _WORD_TYPES or not child.child_count:
            found.append(child)
        else:
            found += _leaves(child)
    return found


def _unescape(raw: str) -> str:
    """Quote removal for an unquoted word: ``\\x`` is ``x``, ``\\`` + newline vanishes."""
    if "\\" not in raw:
        return raw
    out: list[str] = []
    chars = iter(raw)
    for char in chars:
        if char == "\\":
            escaped = next(chars, "\\")
            if escaped != "\n":
                out.append(escaped)
        else:
            out.append(char)
    return "".join(out)


def _unescape_double_quoted(inner: str) -> str:
    """Quote removal inside ``"…"``: a backslash escapes only ``$ ` " \\`` and newline."""
    if "\\" not in inner:
        return inner
    out: list[str] = []
    chars = iter(inner)
    for char in chars:
        if char == "\\":
            escaped = next(chars, "")
            if escaped in ("$", "`", '"', "\\"):
                out.append(escaped)
            elif escaped != "\n":
                out.append("\\" + escaped)
        else:
            out.append(char)
    return "".join(out)


def _has_token(node: Node, token: str) -> bool:
    """Whether the operator ``token`` appears anywhere in the tree."""
    if not node.is_named and node.type == token:
        return True
    return any(_has_token(child, token) for child in node.children)


def _code_end(root: Node) -> int | None:
    """The end of the last statement when a comment follows it on its line, else None."""
    children = root.children
    if len(children) < 2 or children[-1].type != "comment" or children[-2].type == "comment":
        return None
    comment, code = children[-1], children[-2]
    if comment.start_point.row != code.end_point.row:
        return None
    return code.end_byte  # one byte per character: non-ASCII is parsed as `%`


def _is_and_chain(root: Node) -> bool:
    """The tree is one statement (no separators, no comments) that is an ``&&`` chain."""
    return root.child_count == 1 and _chains(root.children[0])


def _chains(node: Node) -> bool:
    kind = node.type
    if kind in _SIMPLE:
        return True
    if kind == "list":
        return all(_chains(child) if child.is_named else child.type == "&&" for child in node.children)
    if kind == "pipeline":  # binds tighter than `&&`: `prev && a | b` runs the pipe as a whole
        return all(_chains(child) if child.is_named else child.type in ("|", "|&") for child in node.children)
    if kind == "redirected_statement":
        body = node.child_by_field_name("body")
        return (
            body is not None
            and _chains(body)
            and all(
                child.type in ("file_redirect", "herestring_redirect")
                for child in node.named_children
                if child.id != body.id
            )
        )
    return False


# ---------------------------------------------------------------------------
# Package managers

_MANAGERS: Final = _words("apt-get apt apk yum dnf microdnf zypper npm yarn")


_YUM_ARGUMENTS: Final = _words(
    "-c --config -d --debuglevel -e --errorlevel -x --exclude --enablerepo --disablerepo --repo"
    " --repoid --installroot --releasever --setopt --forcearch --downloaddir --destdir"
)
_APT_ARGUMENTS: Final = _words(
    "-o --option -c --config-file -t --target-release --default-release -a --host-architecture"
)
# aptitude's (its getopt string "DVZWvhS:uiF:w:sO:fdyPt:q::Rro:" and the long options declared
# with has_arg=1).
_APTITUDE_ARGUMENTS: Final = _words(
    "-S -F -w -O -t -o --display-format --width --sort --target-release --add-user-tag"
    " --add-user-tag-to --remove-user-tag --remove-user-tag-from --log-level --log-file"
    " --log-config-file --group-by --show-package-names"
)
# Options that take the next word as their argument, per manager (global and subcommand ones).
_ARGUMENT_OPTIONS: Final = {
    "apt-get": _APT_ARGUMENTS,
    "apt": _APT_ARGUMENTS,
    "aptitude": _APTITUDE_ARGUMENTS,
    "apk": _words(
        "-X --repository -p --root -t --virtual --arch --keys-dir --repositories-file --cache-dir"
        " --cache-max-age"
    ),
    "yum": _YUM_ARGUMENTS,
    "dnf": _YUM_ARGUMENTS,
    "microdnf": _YUM_ARGUMENTS,
    "zypper": _words("-R --root -c --config -D --reposd-dir -C --cache-dir -r --repo --from -t --type"),
    "pip": _words(
        "-r --requirement -c --constraint -e --editable -i --index-url --extra-index-url -f"
        " --find-links -t --target --prefix --root --src --trusted-host --platform --python-version"
        " --implementation --abi --only-binary --no-binary --progress-bar --upgrade-strategy -C"
        " --config-settings --global-option --cache-dir --log --proxy --retries --timeout"
        " --exists-action --cert --client-cert --python --report"
    ),
    "npm": _words(
        "--prefix -C -w --workspace --registry --cache --loglevel --omit --include --tag"
        " --userconfig --install-strategy"
    ),
    "yarn": _words(
        "--cwd --modules-folder --cache-folder --global-folder --network-timeout"
        " --network-concurrency --mutex --registry"
    ),
}
# Commands that run another command given in their arguments: their options taking an argument.
_WRAPPERS: Final = {
    "sudo": _words("-u --user -g --group -h --host -p --prompt -C -D -r -t"),
    "env": _words("-u --unset -C --chdir -S --split-string"),
    "command": frozenset[str](),
    "exec": _words("-a"),
    "nice": _words("-n --adjustment"),
    "nohup": frozenset[str](),
    "time": _words("-f --format -o --output"),
    "eatmydata": frozenset[str](),
    "xargs": _words("-a --arg-file -d --delimiter -E -I -L -n --max-args -P -s"),
}


def _takes_argument(text: str, options: frozenset[str]) -> bool:
    """Whether option word ``text`` leaves its argument to the next word (``-o``, ``-qo``,
    ``--virtual``; not ``-ofoo`` or ``--virtual=x``)."""
    if text.startswith("--"):
        return text in options
    for position in range(1, len(text)):
        if "-" + text[position] in options:
            return position == len(text) - 1
    return False


def _is_option(text: str) -> bool:
    return text.startswith("-") and text != "-"


def _unwrapped(words: tuple[Word, ...]) -> int | None:
    """Index of the command a wrapper chain (``sudo -u x env A=1 …``) runs, None for queries
    like ``command -v apt-get`` that run nothing."""
    position = 0
    while position < len(words):
        program = words[position].text.rpartition("/")[2]
        options = _WRAPPERS.get(program)
        if options is None:
            return position
        position += 1
        while position < len(words):
            text = words[position].text
            if program == "command" and text in ("-v", "-V"):
                return None
            if text == "--":
                position += 1
                break
            if not (_is_option(text) or (program == "env" and "=" in text)):
                break
            position += 2 if _takes_argument(text, options) else 1
    return None


def _is_versioned(program: str, base: str) -> bool:
    """``pip``, ``pip3``, ``pip3.12`` for base ``pip``."""
    suffix = program.removeprefix(base)
    return program.startswith(base) and (not suffix or suffix.replace(".", "").isdigit())


def _manager(words: tuple[Word, ...], position: int) -> tuple[str, int] | None:
    """The manager run by ``words[position]`` and where its own arguments start."""
    program = words[position].text.rpartition("/")[2]
    if program in _MANAGERS:
        return program, position + 1
    if _is_versioned(program, "pip"):
        return "pip", position + 1
    if _is_versioned(program, "python"):
        position += 1
        while position < len(words):  # interpreter options up to `-m pip`
            text = words[position].text
            if text == "-m" or (text.startswith("-m") and not text.startswith("--")):
                module_at = position + 1 if text == "-m" else position
                module = (
                    text[2:] if text != "-m" else (words[module_at].text if module_at < len(words) else "")
                )
                return ("pip", module_at + 1) if module == "pip" else None
            if not _is_option(text) or text.startswith("-c"):
                return None
            position += 2 if text in ("-W", "-X") else 1
    return None


def _invocation(command: Command) -> PackageInvocation | None:
    """The package-manager invocation ``command`` makes, if any."""
    if command.name is None:
        return None
    position = command._unwrapped_at
    found = None if position is None else _manager(command.words, position)
    if found is None:
        return None
    manager, position = found
    return _read_invocation(manager, command, position)


def invocation_of(command: Command, manager: str) -> PackageInvocation | None:
    """``command`` read as an invocation of ``manager`` when that is the program it runs
    (through wrappers): for a manager ``Script.invocations`` does not read (``aptitude``)."""
    if command.name is None:
        return None
    position = command._unwrapped_at
    if position is None or command.words[position].text.rpartition("/")[2] != manager:
        return None
    return _read_invocation(manager, command, position + 1)


def _read_invocation(manager: str, command: Command, position: int) -> PackageInvocation:
    """``command``'s words from ``position`` on, as ``manager``'s options, subcommand and operands."""
    takes_argument = _ARGUMENT_OPTIONS.get(manager, frozenset())
    subcommand: Word | None = None
    options: list[Word] = []
    packages: list[Word] = []
    words = command.words
    while position < len(words):
        word = words[position]
        text = word.text
        if _is_option(text):
            options.append(word)
            if text == "--":
                packages += words[position + 1 :]
                break
            if _takes_argument(text, takes_argument) and position + 1 < len(words):
                position += 1
                options.append(words[position])
        elif subcommand is None:
            subcommand = word
        else:
            packages.append(word)
        position += 1
    return PackageInvocation(
        manager=manager,
        subcommand=None if subcommand is None else subcommand.value,
        subcommand_word=subcommand,
        options=tuple(options),
        packages=tuple(packages),
        command=command,
    )


# ---------------------------------------------------------------------------
# RUN instructions


@dataclass(frozen=True, slots=True)
class RunScript:
    """A script a RUN instruction runs: ``offsets[i]`` is where ``script.text[i]`` sits in
    ``Instruction.code``, and ``offsets[len(text)]`` is just after the script's last character.

    ``source`` is ``"shell-form"`` (the command line, with any heredocs it reads, as BuildKit
    hands it to ``/bin/sh -c``) or ``"heredoc"`` (a heredoc body run as a script).
    """

    script: Script
    offsets: tuple[int, ...]
    source: str


_SHELLS: Final = frozenset({"sh", "bash", "ash", "dash"})


def run_scripts(instruction: Instruction, shell_is_posix: bool = True) -> list[RunScript]:
    """The POSIX shell scripts a RUN runs; none for exec form, ONBUILD and non-POSIX shells.

    Mirrors BuildKit's dispatch: a command line that is just ``<<EOF`` runs the body as the
    script (through its ``#!`` interpreter, analysed only when that is a POSIX shell); any other
    command line runs with its heredocs appended, and a body that is the standard input of
    ``sh``/``bash`` (``RUN bash <<EOF``) is analysed as a script too.
    """
    return list(_scripts_of(instruction)) if shell_is_posix else []


@functools.lru_cache(maxsize=1024)
def _scripts_of(instruction: Instruction) -> tuple[RunScript, ...]:
    """``run_scripts`` for a POSIX shell, cached: every rule asks again on every pass."""
    node = instruction.buildkit
    if node.sub is not None or node.json or node.cmd.upper() != "RUN" or not node.value:
        return ()
    command_line = node.value[0]
    line_offsets = _command_line_offsets(instruction, command_line)
    if line_offsets is None:
        return ()
    if not instruction.heredocs:
        return (_run_script(command_line, line_offsets, "shell-form"),)
    if _is_bare_heredoc(command_line) and len(instruction.heredocs) == 1:
        if not _runs_as_shell(instruction.heredocs[0].content):
            return ()
        return (_body_script(instruction, 0),)
    return _with_heredocs(instruction, command_line, line_offsets)


def _with_heredocs(
    instruction: Instruction, command_line: str, line_offsets: list[int]
) -> tuple[RunScript, ...]:
    """A command line that reads heredocs, and the bodies it feeds to a shell as its script."""
    text, offsets = command_line, line_offsets[:-1]
    for body, start in zip(instruction.heredocs, _body_starts(instruction), strict=True):
        # BuildKit appends "\n" + body + name: map them to the newline before the body and to
        # the name in the terminator line (after its tabs, for `<<-`).
        end = start + len(body.content)
        name_at = end + len(body.terminator.rstrip("\r\n")) - len(body.name)
        text += "\n" + body.content + body.name
        offsets += [start - 1, *range(start, end), *range(name_at, name_at + len(body.name))]
    offsets.append(offsets[-1] + 1)
    line = _run_script(text, offsets, "shell-form")
    if line.script.has_error:  # heredoc indices are not to be trusted then
        if len(instruction.heredocs) == 1 and _feeds_shell(command_line):
            return (line, _body_script(instruction, 0))
        return (line,)
    fed = [
        command.stdin_heredoc
        for command in line.script.commands
        if command.stdin_heredoc is not None
        and command.stdin_heredoc < len(instruction.heredocs)
        and _reads_script_from_stdin(command.program, [word.text for word in command.args()])
    ]
    return (line, *(_body_script(instruction, index) for index in fed))


def _run_script(text: str, offsets: list[int], source: str) -> RunScript:
    return RunScript(script=analyse(text), offsets=tuple(offsets), source=source)


def _body_script(instruction: Instruction, index: int) -> RunScript:
    """Heredoc body ``index`` as a script; it lies verbatim in ``code``."""
    start = _body_starts(instruction)[index]
    content = instruction.heredocs[index].content
    offsets = tuple(range(start, start + len(content) + 1))
    return RunScript(script=analyse(content), offsets=offsets, source="heredoc")


def command_line_start(instruction: Instruction) -> int | None:
    """Where a shell-form RUN's command line starts in ``code``, whatever shell runs it; None
    for the exec form, heredocs and ONBUILD."""
    node = instruction.buildkit
    if node.sub is not None or node.json or not node.value or instruction.heredocs:
        return None
    offsets = _command_line_offsets(instruction, node.value[0])
    return offsets[0] if offsets is not None else None


def _command_line_offsets(instruction: Instruction, value: str) -> list[int] | None:
    """Offsets of BuildKit's RUN argument (the right-trimmed logical line's tail) in ``code``."""
    line = instruction.logical_line
    end = len(line.rstrip(GO_SPACE_CHARS))
    start = end - len(value)
    if not value or start < 0 or line[start:end] != value:
        return None
    offsets = instruction.logical_offsets()[start:end]
    offsets.append(offsets[-1] + 1)
    return offsets


def _body_starts(instruction: Instruction) -> list[int]:
    """Where each heredoc body starts in ``code`` (bodies follow the instruction's lines)."""
    position = sum(len(line.code) for line in instruction.lines)
    starts: list[int] = []
    for body in instruction.heredocs:
        starts.append(position)
        position += len(body.code)
    return starts


def _is_bare_heredoc(value: str) -> bool:
    """Whether the command line is a single word (then, with one heredoc, just ``<<EOF``)."""
    try:
        words = process_words(value, raw_quotes=True, raw_escapes=True, skip_unset_env=True)
    except ShellWordsError:
        return False
    return len(words) == 1


def _runs_as_shell(body: str) -> bool:
    """A body runs under ``/bin/sh`` unless its ``#!`` line names another interpreter."""
    if not body.startswith("#!"):
        return True
    words = body[2:].partition("\n")[0].split()
    if words and words[0].rpartition("/")[2] == "env":
        words = [word for word in words[1:] if not word.startswith("-")]
    return bool(words) and words[0].rpartition("/")[2] in _SHELLS


def _feeds_shell(command_line: str) -> bool:
    """Whether a command line like ``<<EOF bash -ex`` gives its heredoc to a shell as its script.

    tree-sitter-bash cannot parse a redirect before the command name, the way Docker's documentation
    writes it, so such a line is read with BuildKit's own lexer: a heredoc marker, then a shell and
    its options, and nothing the shell would treat as an operator or expansion.
    """
    try:
        words = process_words(command_line, raw_quotes=True, raw_escapes=True, skip_unset_env=True)
    except ShellWordsError:
        return False
    if len(words) < 2 or not heredocs_from_line(words[0]):
        return False
    if any(char in _METACHARACTERS for word in words[1:] for char in word):
        return False
    return _reads_script_from_stdin(words[1].rpartition("/")[2], words[2:])


_METACHARACTERS: Final = frozenset(";&|<>()$`\\'\"")


def _reads_script_from_stdin(program: str | None, args: Sequence[str]) -> bool:
    """``sh``/``bash`` with no ``-c`` and no script operand (``bash -ex``, ``sh -s -- a``)."""
    if program not in _SHELLS:
        return False
    takes_argument = False
    stdin_flag = False
    for position, text in enumerate(args):
        if takes_argument:
            takes_argument = False
        elif text == "--":
            return stdin_flag or position == len(args) - 1
        elif text[:1] in ("-", "+") and len(text) > 1 and not text.startswith("--"):
            if "c" in text:
                return False
            stdin_flag = stdin_flag or "s" in text
            takes_argument = text[-1] in "oO"
        elif text.startswith("--"):
            takes_argument = text in ("--rcfile", "--init-file")
        else:
            return stdin_flag  # a script file operand, unless -s made it a parameter
    return True
