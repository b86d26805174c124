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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from fixer.syntax.buildkit import heredocs_from_line
from fixer.syntax.nodes import Instruction
from fixer.syntax.shell_words import GO_SPACE_CHARS, ShellWordsError, process_words

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

__all__ = [
    "Command",
    "PackageInvocation",
    "RunScript",
    "Script",
    "Word",
    "analyse",
    "command_line_start",
    "run_scripts",
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

    def has_option(self, *names: str) -> bool:
        """Whether any of ``names`` (``-y``, ``--no-cache``) is given, also inside combined short
        flags (``-qy``) and as ``--name=value``; option arguments are never matched."""
        wanted = frozenset(names)
        takes_argument = _ARGUMENT_OPTIONS.get(self.manager, frozenset())
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
    """Whether a command runs in the background (``cmd &``): it may outlive the script's
    other commands, and a build kills it when the RUN's shell exits."""

    def invocations(self, *managers: str) -> list[PackageInvocation]:
        """Package-manager invocations, all or those of ``managers`` (``"pip"`` covers pip3 and
        ``python -m pip``); ``sudo``, ``env`` and similar wrappers are seen through."""
        if not managers:
            return list(self._invocations)
        return [found for found in self._invocations if found.manager in managers]

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

    def state_changes(self) -> list[Command]:
        """Commands that change the shell's state for the commands after them (``cd``,
        ``export``, ``set``, ``source``, bare assignments …); those in subshells do not."""
        return [
            command
            for command in self.commands
            if not command.in_subshell
            and (
                command.program in _STATE_BUILTINS
                or (command.name is None and not command.words and command.assignment_words)
            )
        ]


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


# Builtins whose effect outlives the command (the working directory, variables, options, fds …).
_STATE_BUILTINS: Final = _words(
    ". alias cd declare eval exec export local popd pushd readonly set shopt source trap typeset"
    " ulimit umask unalias unset"
)
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
def analyse(text: str) -> Script:
    """Parse ``text`` as a bash script (cached: the engine re-checks unchanged RUNs each pass)."""
    # tree-sitter-bash's scanner corrupts memory on some non-ASCII input (segfaults found by
    # fuzzing, tree-sitter 0.25-0.26 with tree-sitter-bash 0.23-0.25). Bash gives non-ASCII
    # characters no syntax, so each one is parsed as `%`, a plain word character: offsets stay
    # character offsets, and every word's text is read from the real script.
    data = _NON_ASCII.sub("%", text).encode("ascii")
    root = _parser().parse(data).root_node
    try:
        walker = _Walker(text)
        walker.sequence(root.children, 0, None)
        commands = tuple(walker.commands)
        return Script(
            text=text,
            commands=commands,
            has_error=root.has_error,
            _invocations=tuple(found for command in commands if (found := _invocation(command))),
            _and_chain=_is_and_chain(root),
            code_end=_code_end(root),
            runs_in_background=_has_token(root, "&"),
        )
    except RecursionError:
        # A tree deeper than Python's stack (an `&&` list of ~900 commands nests that deep):
        # too big to analyse, so it is left alone like a script that does not parse.
        return Script(text=text, commands=(), has_error=True)


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

    __slots__ = ("_attached", "_heredocs", "commands", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.commands: list[Command] = []
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
# Options that take the next word as their argument, per manager (global and subcommand ones).
_ARGUMENT_OPTIONS: Final = {
    "apt-get": _APT_ARGUMENTS,
    "apt": _APT_ARGUMENTS,
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
    position = _unwrapped(command.words)
    found = None if position is None else _manager(command.words, position)
    if found is None:
        return None
    manager, position = found
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
