"""What bash reads differently from dash: may a ``/bin/sh`` script run under bash instead?

On Debian and Ubuntu ``/bin/sh`` is dash, which has no ``pipefail``; DF602 can only harden a
pipe there by running its RUN under ``bash -o pipefail -c``. That keeps the build's meaning only
if bash reads the script the way dash does. ``bash_difference`` answers that: the first construct
bash reads differently (a ``Difference``), or None when every part of the script is one both read
alike.

It is a whitelist, walked over tree-sitter-bash's tree: every node kind, operator, builtin,
option and special variable must be one established to mean the same in both shells (by running
dash 0.5.12 and bash 5.2 on it); anything else is a difference, since "refuse when unsure" is
the only safe default for a list that can never be complete. The differences found that way
(``tests/test_shell_dialect.py`` runs both shells on each):

* dash's ``echo`` interprets backslash escapes (``echo "a\\nb"`` writes two lines, bash one) and
  takes only ``-n``; bash's takes ``-e``, ``-E`` and combinations (``echo -e x`` prints ``-e x``
  in dash). An ``echo`` argument must be known (literal, or a variable whose value the file
  sets) and free of backslashes, and both shells must take the same option words.
* ``printf`` formats: bash knows ``\\x``, ``\\u``, ``\\U``, ``\\E``, ``\\"``, ``\\'``, ``\\?``
  escapes, ``%q``, ``%(…)T``, ``%a`` and length modifiers; dash prints or rejects them.
* bash-only syntax: brace expansion (``{a,b}``, ``{1..3}``, unquoted: dash keeps the braces),
  ``[[``, ``((…))``, ``$[…]``, ``$'…'``, ``$"…"``, arrays and subscripts, ``+=``, ``&>``,
  ``>&file``, ``|&``, ``<<<``, process substitution, ``;&``/``;;&``, ``function``, ``select``,
  ``for ((…))``, extended globs, ``[^…]`` (dash: a literal ``^``), ``~+``/``~-`` and ``~`` after
  ``=`` in an argument, ``{fd}>`` and descriptors above 9, ``$(< file)`` (dash: empty).
* expansions beyond POSIX: ``${x/a/b}``, ``${x:1:2}``, ``${!x}``, ``${x^^}``, ``${x,,}``,
  ``${x@Q}``; arithmetic with ``**``, ``++``, ``--``, ``,`` or ``base#n``.
* builtins only one shell has (``source``, ``let``, ``declare``, ``local``, ``shopt``,
  ``pushd``, ``mapfile``, ``time``, ``alias`` (dash expands aliases in scripts, bash does not),
  ``chdir`` …) or whose options or output differ (``set -o pipefail``/``-B``/``-o posix``,
  ``read -a``/``-n``, ``wait -n``, ``printf -v``, ``exec -a``, ``trap … ERR``/``SIGINT``,
  ``[ a == b ]``, ``[ -v x ]``, ``hash``, ``times``, ``type``, ``export -p``, ``set`` alone);
  ``eval`` and ``.`` run code this module cannot see (``. /etc/os-release`` is plain assignments,
  by its specification).
* variables bash sets itself: ``$0`` (``/bin/bash``), ``$-``, ``$_``, ``$SHELL``, ``$SHLVL``,
  ``$RANDOM``, ``$LINENO``, ``$UID``, ``$HOSTNAME`` and the other ``BASH*`` ones; ``$?`` (a
  failing builtin's status: 2 in dash, 1 in bash).
* the environment bash hands to programs: it adds ``SHLVL`` and ``_``, so a command that dumps
  the environment (``env``, ``printenv`` with no operand) writes something else; other programs
  are run alike. An ``ENV``/``ARG`` the file sets that bash reads at start (``BASH_ENV``,
  ``SHELLOPTS``, ``BASHOPTS``, ``POSIXLY_CORRECT``, ``GLOBIGNORE`` …) is a difference too.
* with ``-e`` on, a command substitution of several commands: dash stops it at the first failure,
  bash (which does not pass ``-e`` into ``$(…)``) runs the rest (``$(false; echo x)``).

What stays unknown: variables the base image sets (its ``ENV`` is not in the Dockerfile), so an
``echo`` of one is a difference; an ``ARG`` is taken with the default the file gives it (a
``--build-arg`` value with a backslash is not foreseen); error messages (stderr) are worded
differently, which only the build log shows; and a builtin's failure that dash makes fatal (a
special builtin's error, an arithmetic error) but bash survives only matters where the build
failed before.
"""

from __future__ import annotations

import fnmatch
import functools
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from fixer.shell import _unescape, _unescape_double_quoted, _words, syntax_tree

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["Difference", "bash_difference", "environment_difference"]


@dataclass(frozen=True, slots=True)
class Difference:
    """A construct bash reads differently from dash: where it starts in the script, and what it is
    (for a message: ``echo`` with a backslash escape)."""

    start: int
    construct: str


def bash_difference(
    text: str, *, options: Sequence[str] = (), variables: Mapping[str, str] | None = None
) -> Difference | None:
    """The first construct of ``text`` that ``bash -c`` reads differently from dash, or None.

    ``options``: the shell's own options (``-eux``, ``-o errexit``: what ``-e`` and ``-x``
    change is checked; a ``set -e`` in the script is found here). ``variables``: what the
    environment holds for certain (the file's ENV and ARG values), to know what an
    ``echo "$VERSION"`` prints.
    """
    flags = _flags(options)
    return _difference(
        text, "e" in flags, "x" in flags or "v" in flags, tuple(sorted((variables or {}).items()))
    )


# Read by bash at start: the file setting one changes how bash runs every RUN.
_STARTUP_VARIABLES: Final = _words(
    "BASH_ENV SHELLOPTS BASHOPTS POSIXLY_CORRECT GLOBIGNORE BASH_COMPAT EXECIGNORE BASH_XTRACEFD"
)


def environment_difference(names: Iterator[str] | frozenset[str] | list[str]) -> str | None:
    """The first of the environment's ``names`` (the file's ENV and ARG) that bash reads at start."""
    for name in names:
        if name in _STARTUP_VARIABLES or name.startswith("BASH_FUNC_"):
            return f"`{name}` in the environment (bash reads it at start)"
    return None


@functools.lru_cache(maxsize=1024)
def _difference(
    text: str, errexit: bool, xtrace: bool, variables: tuple[tuple[str, str], ...]
) -> Difference | None:
    root = syntax_tree(text)
    if root.has_error:
        return Difference(0, "a script tree-sitter-bash cannot parse")
    reader = _Reader(text, errexit, xtrace, dict(variables), root)
    try:
        return next(reader.node(root), None)
    except RecursionError:  # nested deeper than Python's stack: not analysed, so not the same
        return Difference(0, "a script nested too deep to analyse")


# ---------------------------------------------------------------------------
# The walk

# Node kinds both shells read alike once their parts are checked (anything else is a difference).
_STRUCTURE: Final = _words(
    "program list pipeline redirected_statement subshell compound_statement if_statement"
    " elif_clause else_clause while_statement for_statement case_statement case_item do_group"
    " function_definition command command_name variable_assignments"
    " file_descriptor heredoc_redirect heredoc_start heredoc_body heredoc_content heredoc_end"
    " word string string_content raw_string concatenation number comment variable_name"
    " special_variable_name binary_expression unary_expression ternary_expression"
    " parenthesized_expression test_operator negated_command"
)
# bash only, whatever their parts.
_BASH_NODES: Final = {
    "ansi_c_string": "`$'…'` quoting",
    "translated_string": '`$"…"` quoting',
    "array": "an array",
    "subscript": "an array subscript",
    "brace_expression": "brace expansion (`{1..3}`)",
    "c_style_for_statement": "`for ((…))`",
    "process_substitution": "process substitution (`<(…)`)",
    "herestring_redirect": "a here-string (`<<<`)",
    "postfix_expression": "`++`/`--` in arithmetic",
}
# Operator tokens bash alone reads (the context-free ones; `==`, `+=`, `:` … are checked in place).
_BASH_TOKENS: Final = {
    "|&": "`|&`",
    "&>": "`&>`",
    "&>>": "`&>>`",
    ";&": "`;&` in `case`",
    ";;&": "`;;&` in `case`",
    "[[": "`[[ … ]]`",
    "((": "`(( … ))`",
    "$[": "`$[ … ]` arithmetic",
    "function": "the `function` keyword",
    "select": "`select`",
    "<<<": "a here-string (`<<<`)",
    "<(": "process substitution",
    ">(": "process substitution",
}
# POSIX operators of `${name…}` (``#`` before the name is the length).
_EXPANSION_OPERATORS: Final = _words(":- - := = :? ? :+ + # ## % %%")
# POSIX arithmetic operators (dash's set).
_ARITHMETIC_OPERATORS: Final = _words(
    "+ - * / % << >> < <= > >= == != & ^ | && || ! ~ ? : = *= /= %= += -= <<= >>= &= ^= |= ( )"
)
_ARITHMETIC: Final = _words(
    "binary_expression unary_expression ternary_expression parenthesized_expression number"
    " variable_name simple_expansion expansion command_substitution arithmetic_expansion string"
    " word concatenation"
)

# Builtins and keywords one shell has and the other has not, or whose output or options differ
# beyond what the checks below allow.
_BASH_COMMANDS: Final = _words(
    "alias bg bind builtin caller chdir compgen complete compopt coproc declare dirs disown enable"
    " eval fc fg hash help history jobs let local logout mapfile popd pushd readarray select shopt"
    " source suspend time times type typeset unalias"
)
# Builtins (and keywords) every dash and bash reads alike with any arguments.
_SAME_COMMANDS: Final = _words(": true false exit return break continue shift getopts")
# Variables bash sets (or reads) itself; dash leaves them to the environment.
_BASH_VARIABLES: Final = _words(
    "SHELL SHLVL RANDOM SRANDOM SECONDS LINENO UID EUID GROUPS HOSTNAME HOSTTYPE OSTYPE MACHTYPE"
    " PIPESTATUS FUNCNAME DIRSTACK COLUMNS LINES HISTCMD HISTFILE HISTSIZE HISTFILESIZE"
    " HISTCONTROL EPOCHSECONDS EPOCHREALTIME SHELLOPTS PS0 PS1 PS2 PS3 REPLY TIMEFORMAT TMOUT"
    " MAPFILE COPROC GLOBIGNORE FIGNORE EXECIGNORE OPTERR MAILCHECK PROMPT_COMMAND"
)
_BASH_VARIABLE_PREFIXES: Final = ("BASH", "COMP_", "READLINE_")
# Special parameters whose value differs: `$0` is the shell's path, `$-` its flags, `$_` (bash:
# the last argument), `$?` (a failing builtin's status: 2 in dash, 1 in bash).
_BASH_SPECIAL: Final = _words("0 - _ ?")
# `set` options both shells know.
_SET_LETTERS: Final = frozenset("euxvfaCn")
_SET_NAMES: Final = _words("errexit nounset xtrace verbose noglob allexport noclobber noexec")
_ULIMIT_LETTERS: Final = frozenset("HStfdscmlvn")
# Signals both `trap`s know by these names (bash also takes `SIGINT`, `ERR`, `DEBUG`, `RETURN`).
_TRAP_SIGNALS: Final = _words("EXIT HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 SEGV USR2 PIPE ALRM TERM CHLD")
# Files `.` may read: os-release(5) defines them as plain assignments, read alike by any sh.
_DOT_FILES: Final = _words("/etc/os-release /usr/lib/os-release")
# printf: escapes both shells' format (and `%b` argument) readers decode alike; conversions alike.
_PRINTF_ESCAPES: Final = frozenset("\\abfnrtvce01234567")
_PRINTF_CONVERSIONS: Final = frozenset("diouxXcseEfgGb%")
_PRINTF_FLAGS: Final = frozenset("-+ #0")
_GLOB: Final = frozenset("*?[")
_ARITHMETIC_BRACKETS: Final = _words("$(( )) $( ) ( ${ }")
# POSIX special builtins: dash keeps an assignment written before one (`X=1 :`), bash does not.
_SPECIAL_BUILTINS: Final = _words(
    ": . break continue eval exec exit export readonly return set shift times trap unset"
)
# The most values one word may have for its checks (a `for` over many words, concatenated).
_MAX_VALUES: Final = 64


class _Reader:
    """Walks one script's tree, yielding the constructs bash reads differently."""

    __slots__ = ("errexit", "extra", "model", "sites", "text", "xtrace")

    def __init__(self, text: str, errexit: bool, xtrace: bool, variables: dict[str, str], root: Node) -> None:
        self.text = text
        flags = _script_flags(text, root)
        self.errexit = errexit or "e" in flags
        # A trace (`-x`, `-v`) goes to stderr; where the script captures stderr, bash's trace
        # (it quotes words: `+ echo 'a b'`) lands in a file or a pipe instead of dash's.
        self.xtrace = xtrace or "x" in flags or "v" in flags
        # The environment's values that are certain (a value the model could not expand is not).
        self.model = {name: frozenset({value}) for name, value in variables.items() if "$" not in value}
        # Where the script gives each name a value (assignments, `for`, `read`, `unset` …).
        self.sites: dict[str, list[Node]] = {}
        for name, site in _assignment_sites(text, root):
            self.sites.setdefault(name, []).append(site)
        # Words tree-sitter hangs on a redirect (`echo >&2 "error"`): arguments of its command.
        self.extra: dict[int, list[Node]] = {}
        for node in _descendants(root):
            if node.type == "redirected_statement" and (owner := _redirect_owner(node)) is not None:
                for redirect in node.children_by_field_name("redirect"):
                    self.extra.setdefault(owner.id, []).extend(
                        redirect.children_by_field_name("destination")[1:]
                    )

    def span(self, node: Node | None) -> str:
        return "" if node is None else self.text[node.start_byte : node.end_byte]

    def differ(self, node: Node, construct: str) -> Difference:
        return Difference(node.start_byte, construct)

    # -- nodes

    def node(self, node: Node) -> Iterator[Difference]:
        kind = node.type
        if not node.is_named:
            if kind in _BASH_TOKENS:
                yield self.differ(node, _BASH_TOKENS[kind])
            return
        if kind in _BASH_NODES:
            yield self.differ(node, _BASH_NODES[kind])
            return
        check = _CHECKS.get(kind)
        if check is None and kind not in _STRUCTURE:
            yield self.differ(node, f"`{self.span(node)[:40]}` ({kind.replace('_', ' ')})")
            return
        if check is not None:
            found = check(self, node)
            if found is not None:
                yield found
                return
        for child in node.children:
            yield from self.node(child)

    def command(self, node: Node) -> Difference | None:
        name_node = node.child_by_field_name("name")
        arguments = [
            child for child in node.children_by_field_name("argument") if child.type not in _REDIRECT_KINDS
        ]
        arguments += self.extra.get(node.id, [])
        for part in (name_node, *arguments):
            if part is not None and (found := self.argument(part)):
                return found
        if name_node is None:
            return None  # only assignments: `A=1 B=2`
        names = self.values(name_node, node)
        if names is None or len(names) != 1:
            return self.differ(name_node, "a command named by an expansion")
        (name,) = names
        if name in _SPECIAL_BUILTINS and any(c.type == "variable_assignment" for c in node.children):
            return self.differ(node, f"an assignment before `{name}` (dash keeps it, bash does not)")
        return self.builtin(node, name, arguments)

    def builtin(self, node: Node, name: str, arguments: list[Node]) -> Difference | None:
        """Builtins both shells have, with the arguments both read alike; programs run alike."""
        if name in _BASH_COMMANDS:
            return self.differ(node, f"`{name}`")
        program = name.rpartition("/")[2]
        if program in ("env", "printenv") and _dumps_environment(program, [self.span(a) for a in arguments]):
            return self.differ(node, f"`{name}` listing the environment (bash adds `SHLVL` and `_`)")
        if name in _SAME_COMMANDS or "/" in name:
            return None  # a program: run alike
        if name == "command":  # `command -v x` queries; `command x` runs the builtin x
            first = self.values(arguments[0], node) if arguments else None
            if first in (frozenset({"-v"}), frozenset({"-p"})):
                return None
            if first is not None and len(first) == 1 and not next(iter(first)).startswith("-"):
                return self.builtin(node, next(iter(first)), arguments[1:])
            return self.differ(node, "`command` with these options")
        check = _BUILTIN_CHECKS.get(name)
        return check(self, node, arguments) if check is not None else None

    def argument(self, node: Node) -> Difference | None:
        """A command word: brace expansion, globs and tildes bash alone expands."""
        if node.type == "brace_expression":
            return self.differ(node, "brace expansion (`{1..3}`)")
        chars = list(self.unquoted(node))
        if _has_brace_expansion(chars):
            return self.differ(node, f"brace expansion in `{self.span(node)}`")
        for index, (char, escaped) in enumerate(chars):
            if escaped:
                continue
            following = chars[index + 1][0] if index + 1 < len(chars) else ""
            previous = chars[index - 1] if index else ("", True)
            if char == "~" and (
                previous in (("=", False), (":", False)) or (not index and following in ("+", "-"))
            ):
                return self.differ(node, f"a tilde bash expands in `{self.span(node)}`")
            if char == "[" and following == "^":
                return self.differ(node, "a `[^…]` glob (dash reads `^` literally)")
        if chars and chars[0] == ("{", False) and self.text[node.end_byte : node.end_byte + 1] in ("<", ">"):
            return self.differ(node, "a `{name}>` redirection")
        if _matches_dot_entries(chars):
            return self.differ(node, f"`{self.span(node)}` (bash 5.2 leaves `.` and `..` out of globs)")
        return None

    def unquoted(self, node: Node) -> Iterator[tuple[str, bool]]:
        """The characters of a word outside quotes and expansions, each with whether a backslash
        escapes it; a quoted or expanded part is one escaped placeholder."""
        if node.type in ("word", "number"):
            raw = self.span(node)
            index = 0
            while index < len(raw):
                if raw[index] == "\\" and index + 1 < len(raw):
                    yield raw[index + 1], True
                    index += 2
                else:
                    yield raw[index], False
                    index += 1
        elif node.type in ("concatenation", "command_name"):
            for child in node.children:
                yield from self.unquoted(child)
        else:
            yield "\x00", True

    # -- values

    def values(self, node: Node, at: Node, quoted: bool = False) -> frozenset[str] | None:
        """What a word may expand to at ``at``, when every possibility is known: literal text,
        variables the file or the script sets, the words a ``for`` loops over; None when the
        build decides (command output, unknown variables, globs)."""
        kind = node.type
        raw = self.span(node)
        if kind in ("word", "number"):
            if not quoted and any(char in _GLOB for char, escaped in self.unquoted(node) if not escaped):
                return None
            return frozenset({_unescape(raw)})
        if kind == "raw_string":
            return frozenset({raw[1:-1]})
        if kind == "regex":  # a `${x%pattern}` pattern, as written
            return frozenset({raw})
        if kind == "string_content":
            return frozenset({_unescape_double_quoted(raw)})
        if kind in ("string", "concatenation", "command_name"):
            parts = node.named_children if kind == "string" else node.children
            return self.joined([self.values(part, at, quoted or kind == "string") for part in parts])
        if kind in ("simple_expansion", "expansion"):
            return self.expansion_values(node, at, quoted)
        if kind == "arithmetic_expansion":
            return frozenset({"0"})  # a number: digits, perhaps a sign; never a backslash or an option
        return None

    def joined(self, parts: list[frozenset[str] | None]) -> frozenset[str] | None:
        result: frozenset[str] | None = frozenset({""})
        for part in parts:
            if part is None or result is None:
                return None
            result = frozenset(a + b for a in result for b in part)
            if len(result) > _MAX_VALUES:
                return None
        return result

    def expansion_values(self, node: Node, at: Node, quoted: bool) -> frozenset[str] | None:
        """``$x``, ``${x}``, ``${#x}``, ``${x:-w}``, ``${x:+w}``, ``${x%pattern}`` … of a variable
        whose values are known; a special parameter only when it is a number."""
        children = [child for child in node.children if child.type not in ("$", "${", "}")]
        if not children:
            return None
        if children[0].type == "#" and len(children) == 2:  # ${#x}: a length
            return frozenset({"0"})
        name_node, operator, operand = children[0], children[1:2], children[2:]
        name = self.span(name_node)
        if name_node.type == "special_variable_name":
            found = frozenset({"0"}) if name in ("$", "!", "#") and not operator else None
        elif name_node.type == "variable_name":
            found = self.variable_values(name, at)
        else:
            return None
        if found is not None and operator:
            found = self.operated(found, operator[0].type, operand, at)
        if found is None or (not quoted and any(c in value for value in found for c in " \t\n*?[")):
            return None  # unquoted: split into words and globbed
        return found

    def operated(
        self, values: frozenset[str], operator: str, operand: list[Node], at: Node
    ) -> frozenset[str] | None:
        """The values of ``${x<operator><operand>}`` for each value of ``x``."""
        words = self.joined([self.values(part, at, quoted=True) for part in operand])
        if words is None:
            return None
        result: set[str] = set()
        for value in values:
            if operator in (":-", ":=", ":?"):
                result |= words if not value else {value}
            elif operator in ("-", "=", "?"):
                result.add(value)
            elif operator == ":+":
                result |= words if value else {""}
            elif operator == "+":
                result |= words
            elif operator in ("#", "##", "%", "%%") and len(operand) == 1 and len(words) == 1:
                pattern = next(iter(words))
                if "\\" in pattern or "[" in pattern:
                    return None  # fnmatch reads brackets and backslashes otherwise than sh
                result.add(_removed(value, pattern, operator))
            else:
                return None
        return frozenset(result)

    def variable_values(self, name: str, at: Node) -> frozenset[str] | None:
        """The values ``$name`` may have at ``at``: the environment's, when the script never
        assigns it; else those of its one assignment, when that runs before ``at`` on every path
        (a top-level statement, or the first of a top-level ``&&`` list), or of the ``for`` loop
        ``at`` is in."""
        sites = self.sites.get(name)
        if not sites:
            return self.model.get(name)
        if len(sites) != 1:
            return None
        site = sites[0]
        if site.type == "for_statement":
            body = site.child_by_field_name("body")
            if body is None or not _within(at, body):
                return None
            words = site.children_by_field_name("value")
            found = [self.values(word, site) for word in words]
            if not words or None in found:
                return None
            return frozenset().union(*(values for values in found if values is not None))
        value = site.child_by_field_name("value")
        if site.type != "variable_assignment" or site.end_byte > at.start_byte or not _leads(site):
            return None
        if _inside(at, "function_definition"):
            return None  # it runs when called, maybe before the assignment
        return frozenset({""}) if value is None else self.values(value, site, quoted=True)

    def leading(self, node: Node, at: Node) -> str | None:
        """The first character a word expands to, when known (``/usr/src/$V`` starts with ``/``)."""
        values = self.values(node, at)
        if values is not None:
            firsts = {value[:1] for value in values}
            return firsts.pop() if len(firsts) == 1 else None
        first = node.children[0] if node.type == "concatenation" and node.child_count else node
        if first.type == "string" and first.named_child_count:
            first = first.named_children[0]
        if first.type in ("word", "string_content"):
            return _unescape(self.span(first))[:1] or None
        return None

    def prefix(self, node: Node) -> str:
        """The literal text a word starts with, up to its first expansion."""
        found = ""
        for part in node.children if node.type == "concatenation" else [node]:
            if part.type in ("word", "number"):
                found += _unescape(self.span(part))
            elif part.type == "raw_string":
                found += self.span(part)[1:-1]
            elif part.type == "string":
                for child in part.named_children:
                    if child.type != "string_content":
                        return found
                    found += _unescape_double_quoted(self.span(child))
            else:
                return found
        return found

    # -- node checks (each returns a difference, or None to walk the children)

    def check_for(self, node: Node) -> Difference | None:
        for child in node.children:
            if child.type == "select":
                return self.differ(node, "`select`")
            if child.is_named and child.type not in ("variable_name", "do_group", "comment"):
                found = self.argument(child)
                if found:
                    return found
        return None

    def check_function(self, node: Node) -> Difference | None:
        name = node.child_by_field_name("name")
        if node.children[0].type == "function":
            return self.differ(node, "the `function` keyword")
        if name is None or not _is_name(self.span(name)) or self.span(name) in _SPECIAL_BUILTINS:
            return self.differ(
                node, "a function name dash rejects (bash would run it instead of the builtin)"
            )
        return None

    def check_case_item(self, node: Node) -> Difference | None:
        for child in node.children:
            if child.type in (";&", ";;&"):
                return self.differ(child, f"`{child.type}` in `case`")
            if child.type in ("extglob_pattern", "word") and (found := self.pattern(child)):
                return found
        return None

    def pattern(self, node: Node) -> Difference | None:
        text = self.span(node)
        if "[^" in text:
            return self.differ(node, "a `[^…]` pattern (dash reads `^` literally)")
        if any(f"{c}(" in text for c in "?*+@!"):
            return self.differ(node, "an extended glob")
        return None

    def check_declaration(self, node: Node) -> Difference | None:
        keyword = node.children[0].type
        if keyword not in ("export", "readonly"):
            return self.differ(node, f"`{keyword}`")
        operands = node.named_children
        if not operands:
            return self.differ(node, f"`{keyword}` listing variables (the formats differ)")
        for operand in operands:
            if operand.type == "word" and self.span(operand).startswith("-"):
                return self.differ(operand, f"`{keyword} {self.span(operand)}`")
            if operand.type == "variable_assignment":
                # bash brace-expands an assignment given to `export` (`export x={a,b}` is x=b).
                value = operand.child_by_field_name("value")
                if value is not None and _has_brace_expansion(list(self.unquoted(value))):
                    return self.differ(operand, "brace expansion in an `export`")
        return None

    def check_unset(self, node: Node) -> Difference | None:
        if node.children[0].type != "unset":
            return self.differ(node, f"`{node.children[0].type}`")
        for operand in node.named_children:
            text = self.span(operand)
            if text.startswith("-") and text not in ("-v", "-f"):
                return self.differ(operand, f"`unset {text}`")
        return None

    def check_assignment(self, node: Node) -> Difference | None:
        for child in node.children:
            if child.type == "+=":
                return self.differ(child, "`+=` assignment")
        value = node.child_by_field_name("value")
        if value is not None:
            chars = list(self.unquoted(value))
            for index, (char, escaped) in enumerate(chars):
                following = chars[index + 1][0] if index + 1 < len(chars) else ""
                if char == "~" and not escaped and following in ("+", "-"):
                    return self.differ(node, "`~+`/`~-`")
        return None

    def check_test(self, node: Node) -> Difference | None:
        if node.children[0].type != "[":
            return self.differ(node, "`[[ … ]]`")
        return self.test_operands(node, [self.span(leaf) for leaf in _leaves(node)[1:-1]])

    def test_operands(self, node: Node, operands: list[str]) -> Difference | None:
        """`[`/`test` operators bash alone knows: `==`, `=~`, `-v`, `-R`, `-N`, unary `-a`/`-o`."""
        previous = "("
        for operand in operands:
            if operand in ("==", "=~", "-v", "-R", "-N"):
                return self.differ(node, f"`{operand}` in a test")
            if operand in ("-a", "-o") and previous in ("(", "!", "-a", "-o"):
                return self.differ(node, f"unary `{operand}` in a test")
            previous = operand
        return None

    def check_redirect(self, node: Node) -> Difference | None:
        descriptor = self.span(node.child_by_field_name("descriptor"))
        if len(descriptor) > 1:
            return self.differ(node, "a file descriptor above 9")
        operators = [child.type for child in node.children if not child.is_named]
        destinations = node.children_by_field_name("destination")
        statement = node.parent
        if len(destinations) > 1 and (statement is None or _redirect_owner(statement) is None):
            return self.differ(node, "words after a redirection target")
        if not destinations:
            return None
        target = destinations[0]
        if any(op in (">&", "<&") for op in operators):
            numbers = self.values(target, node)
            if numbers is None or not all(number.isdigit() or number == "-" for number in numbers):
                return self.differ(node, "`>&` to a file (bash: stdout and stderr)")
        else:
            start = self.prefix(target)
            if any(start.startswith(path) or path.startswith(start) for path in ("/dev/tcp/", "/dev/udp/")):
                return self.differ(node, "a redirection bash may open as a network socket (`/dev/tcp/…`)")
        if self.xtrace and descriptor == "2" and self.values(target, node) != frozenset({"/dev/null"}):
            return self.differ(node, "stderr captured under `-x` (bash traces words otherwise than dash)")
        for destination in destinations:
            if found := self.argument(destination):
                return found
        return None

    def check_expansion(self, node: Node) -> Difference | None:
        children = node.children
        for index, child in enumerate(children):
            kind = child.type
            if kind in ("variable_name", "special_variable_name"):
                if found := self.variable(child):
                    return found
            elif kind == "!" and index == 1:
                return self.differ(node, "`${!…}` indirection")
            elif not child.is_named and kind not in ("${", "}") and kind not in _EXPANSION_OPERATORS:
                return self.differ(node, f"`{self.span(node)}` (not POSIX)")
            elif kind == "regex" and (found := self.pattern(child)):
                return found
        return None

    def check_simple_expansion(self, node: Node) -> Difference | None:
        named = node.named_children
        return self.variable(named[0]) if named else None

    def variable(self, node: Node) -> Difference | None:
        name = self.span(node)
        if node.type == "special_variable_name" or name == "0":
            return self.differ(node, f"`${name}`") if name in _BASH_SPECIAL else None
        if name in _BASH_VARIABLES or name.startswith(_BASH_VARIABLE_PREFIXES):
            return self.differ(node, f"`${name}` (bash sets it)")
        return None

    def check_substitution(self, node: Node) -> Difference | None:
        statements = [child for child in node.named_children if child.type != "comment"]
        if len(statements) == 1 and statements[0].type == "file_redirect":
            return self.differ(node, "`$(< file)` (dash: empty)")
        if self.errexit and len(statements) > 1:
            return self.differ(node, "several commands in `$(…)` under `-e` (bash does not pass `-e` in)")
        return None

    def check_arithmetic(self, node: Node) -> Difference | None:
        if node.children[0].type == "$[":
            return self.differ(node, "`$[ … ]` arithmetic")
        return self.arithmetic(node)

    def arithmetic(self, node: Node) -> Difference | None:
        for child in node.children:
            kind = child.type
            if not child.is_named:
                if kind not in _ARITHMETIC_OPERATORS and kind not in _ARITHMETIC_BRACKETS:
                    return self.differ(child, f"`{kind}` in arithmetic")
            elif kind == "number" and not self.span(child).isalnum():
                return self.differ(child, "a `base#number` in arithmetic")
            elif kind == "variable_name":
                if found := self.variable(child):
                    return found
                known = self.variable_values(self.span(child), child)
                if known is not None and not all(_is_integer(value) for value in known):
                    return self.differ(
                        child, "a variable holding an expression in arithmetic (bash evaluates it)"
                    )
            elif kind in ("simple_expansion", "expansion", "command_substitution", "string"):
                if found := next(self.node(child), None):
                    return found
            elif kind in _ARITHMETIC:
                if found := self.arithmetic(child):
                    return found
            else:
                return self.differ(child, f"`{self.span(child)}` in arithmetic")
        return None

    # -- builtins

    def echo(self, node: Node, arguments: list[Node]) -> Difference | None:
        """dash: only a first ``-n`` is an option, escapes are decoded; bash: ``-[neE]+`` words
        are options, escapes are printed as they are. An ``echo >&2`` that only reaches the
        build log (nothing around it captures stderr) prints nothing into the image."""
        if self.to_the_log(node):
            return None
        possible: list[frozenset[str]] = []
        for argument in arguments:
            values = self.values(argument, node)
            if values is None:
                return self.differ(
                    argument, f"`echo {self.span(argument)}` (what it prints is only known at build time)"
                )
            possible.append(values)
        combinations = 1
        for values in possible:
            combinations *= len(values)
        if combinations > _MAX_VALUES:
            return self.differ(node, "`echo` of too many possible values")
        for words in itertools.product(*possible):
            problem = _echo_problem(list(words))
            if problem is not None:
                index, what = problem
                where = arguments[index] if index < len(arguments) else node
                return self.differ(
                    where, f"`echo {self.span(where) if index < len(arguments) else ''}` ({what})"
                )
        return None

    def to_the_log(self, command: Node) -> bool:
        """The command's output goes to stderr (``>&2`` is its only redirect) and no construct
        around it redirects stderr, so it ends in the build's log, not in the image."""
        statement = _redirected_statement_of(command)
        if statement is None:
            return False
        redirects = statement.children_by_field_name("redirect")
        if len(redirects) != 1 or not self.to_stderr(redirects[0]):
            return False
        current = statement.parent
        while current is not None:
            if current.type == "redirected_statement":
                for redirect in current.children_by_field_name("redirect"):
                    operators = {child.type for child in redirect.children if not child.is_named}
                    if self.span(redirect.child_by_field_name("descriptor")) == "2" or operators & {
                        "&>",
                        "&>>",
                    }:
                        return False
            if current.type == "pipeline" and any(child.type == "|&" for child in current.children):
                return False
            current = current.parent
        return True

    def to_stderr(self, redirect: Node) -> bool:
        """``>&2`` or ``1>&2``."""
        operators = [child.type for child in redirect.children if not child.is_named]
        destinations = redirect.children_by_field_name("destination")
        descriptor = self.span(redirect.child_by_field_name("descriptor"))
        return operators == [">&"] and descriptor in ("", "1") and self.span(destinations[0]) == "2"

    def printf(self, node: Node, arguments: list[Node]) -> Difference | None:
        values = [self.values(argument, node) for argument in arguments]
        if values[:1] == [frozenset({"--"})]:
            arguments, values = arguments[1:], values[1:]
        formats = values[0] if values else None
        if formats is None or any(fmt.startswith("-") for fmt in formats):
            return self.differ(node, "`printf` with a format only known at build time")
        for fmt in formats:
            problem = _printf_format_problem(fmt)
            if problem:
                return self.differ(arguments[0], problem)
            if "%b" in fmt.replace("%%", ""):
                for argument, possible in zip(arguments[1:], values[1:], strict=True):
                    if possible is None or any(_escape_problem(value, _PRINTF_ESCAPES) for value in possible):
                        return self.differ(argument, "`printf %b` with an argument bash decodes differently")
        return None

    def single(self, node: Node, arguments: list[Node]) -> list[str | None]:
        """Each argument's value when it has just one, else None."""
        found: list[str | None] = []
        for argument in arguments:
            values = self.values(argument, node)
            found.append(next(iter(values)) if values is not None and len(values) == 1 else None)
        return found

    def set_command(self, node: Node, arguments: list[Node]) -> Difference | None:
        values = self.single(node, arguments)
        if not values:
            return self.differ(node, "`set` listing variables")
        expect_name = False
        for value in values:
            if value is None:
                return self.differ(node, "`set` with an option only known at build time")
            if expect_name:
                if value not in _SET_NAMES:
                    return self.differ(node, f"`set -o {value}` (dash has no such option)")
                expect_name = False
            elif value in ("-", "--"):
                return None  # the rest are positional parameters
            elif value[:1] in ("-", "+") and len(value) > 1:
                letters = value[1:]
                if not set(letters) <= _SET_LETTERS | {"o"} or "o" in letters[:-1]:
                    return self.differ(node, f"`set {value}`")
                expect_name = letters.endswith("o")
            else:
                return None  # positional parameters
        return self.differ(node, "`set -o` listing options") if expect_name else None

    def read(self, node: Node, arguments: list[Node]) -> Difference | None:
        names = self.single(node, arguments)
        while names and names[0] in ("-r", "-p"):
            names = names[2:] if names[0] == "-p" else names[1:]
        if not names or not all(name is not None and _is_name(name) for name in names):
            return self.differ(node, "`read` with these options or no variable")
        return None

    def trap(self, node: Node, arguments: list[Node]) -> Difference | None:
        values = self.single(node, arguments)
        action = values[0] if values else None
        if action is None or (action.startswith("-") and action != "-"):
            return self.differ(node, "`trap` with these arguments")
        for signal in values[1:]:
            if signal is None or not (signal.isdigit() or signal in _TRAP_SIGNALS):
                return self.differ(node, f"`trap` on `{signal}`")
        if action and action != "-":  # the action is shell code, run later by the same shell
            inner = _difference(action, self.errexit, self.xtrace, ())
            if inner is not None:
                return Difference(node.start_byte, f"{inner.construct} in a `trap`")
        return None

    def test_command(self, node: Node, arguments: list[Node]) -> Difference | None:
        operands = [_unescape(self.span(argument)) for argument in arguments]
        if operands[-1:] == ["]"]:
            operands = operands[:-1]
        return self.test_operands(node, operands)

    def dot(self, node: Node, arguments: list[Node]) -> Difference | None:
        values = self.single(node, arguments)
        if len(values) == 1 and values[0] in _DOT_FILES:
            return None
        return self.differ(node, "`.` (the sourced file is not analysed)")

    def options(self, node: Node, arguments: list[Node], letters: str, name: str) -> Difference | None:
        """Every option word of a builtin is made of ``letters`` (options both shells know)."""
        for argument in arguments:
            values = self.values(argument, node)
            if values is None:
                if self.leading(argument, node) in (None, "-"):
                    return self.differ(node, f"`{name}` with an argument only known at build time")
                continue
            for value in values:
                if value.startswith("-") and value not in ("-", "--") and not set(value[1:]) <= set(letters):
                    return self.differ(node, f"`{name} {value}`")
        return None

    def kill(self, node: Node, arguments: list[Node]) -> Difference | None:
        values = self.single(node, arguments)
        if any(value in ("-l", "-L") for value in values) or None in values[:1]:
            return self.differ(node, "`kill -l` (the listings differ)")
        return None

    def cd(self, node: Node, arguments: list[Node]) -> Difference | None:
        return self.options(node, arguments, "LP", "cd")

    def pwd(self, node: Node, arguments: list[Node]) -> Difference | None:
        return self.options(node, arguments, "LP", "pwd")

    def wait(self, node: Node, arguments: list[Node]) -> Difference | None:
        return self.options(node, arguments, "", "wait")

    def exec(self, node: Node, arguments: list[Node]) -> Difference | None:
        return self.options(node, arguments[:1], "", "exec")

    def umask(self, node: Node, arguments: list[Node]) -> Difference | None:
        return self.options(node, arguments, "S", "umask")

    def ulimit(self, node: Node, arguments: list[Node]) -> Difference | None:
        return self.options(node, arguments, "HStfdscmlvn", "ulimit")


_BUILTIN_CHECKS: Final = {
    "echo": _Reader.echo,
    "printf": _Reader.printf,
    "set": _Reader.set_command,
    "read": _Reader.read,
    "trap": _Reader.trap,
    "test": _Reader.test_command,
    "[": _Reader.test_command,
    ".": _Reader.dot,
    "kill": _Reader.kill,
    "cd": _Reader.cd,
    "pwd": _Reader.pwd,
    "wait": _Reader.wait,
    "exec": _Reader.exec,
    "umask": _Reader.umask,
    "ulimit": _Reader.ulimit,
}
_CHECKS: Final = {
    "command": _Reader.command,
    "for_statement": _Reader.check_for,
    "function_definition": _Reader.check_function,
    "case_item": _Reader.check_case_item,
    "declaration_command": _Reader.check_declaration,
    "unset_command": _Reader.check_unset,
    "variable_assignment": _Reader.check_assignment,
    "test_command": _Reader.check_test,
    "file_redirect": _Reader.check_redirect,
    "expansion": _Reader.check_expansion,
    "simple_expansion": _Reader.check_simple_expansion,
    "command_substitution": _Reader.check_substitution,
    "arithmetic_expansion": _Reader.check_arithmetic,
    "extglob_pattern": _Reader.pattern,
    "regex": _Reader.pattern,
}
_REDIRECT_KINDS: Final = _words("file_redirect heredoc_redirect herestring_redirect")


# ---------------------------------------------------------------------------
# Helpers


def _is_integer(text: str) -> bool:
    """What dash's arithmetic takes from a variable: an integer (decimal, octal, hex), or empty."""
    digits = text.strip().removeprefix("-").removeprefix("+")
    if digits.lower().startswith("0x"):
        digits = digits[2:]
        return not digits or all(c in "0123456789abcdefABCDEF" for c in digits)
    return not digits or digits.isdigit()


def _is_name(text: str) -> bool:
    return text.isascii() and text.isidentifier()


def _is_echo_option(word: str) -> bool:
    """bash's echo takes a word of ``-`` and the letters ``n``, ``e``, ``E`` as options."""
    return len(word) > 1 and word[0] == "-" and set(word[1:]) <= {"n", "e", "E"}


def _has_brace_expansion(chars: list[tuple[str, bool]]) -> bool:
    """An unescaped ``{`` with a later ``}`` and an unescaped ``,`` or ``..`` between: bash may
    expand it (``{a,b}``, ``x{1..3}``, ``{,}``); ``{}`` and ``{a}`` it leaves alone."""
    for start, (char, escaped) in enumerate(chars):
        if char != "{" or escaped:
            continue
        inner: list[str] = []
        for other, other_escaped in chars[start + 1 :]:
            if other == "}" and not other_escaped:
                text = "".join(inner)
                if "," in text or ".." in text:
                    return True
                break
            inner.append("\x00" if other_escaped else other)
    return False


def _escape_problem(text: str, allowed: frozenset[str]) -> bool:
    """A backslash escape outside ``allowed`` (which the two shells decode differently)."""
    index = text.find("\\")
    while index >= 0:
        following = text[index + 1 : index + 2]
        if following and following not in allowed:
            return True
        index = text.find("\\", index + 2)
    return False


def _printf_format_problem(fmt: str) -> str | None:
    """Why bash reads a printf format differently from dash, or None."""
    if _escape_problem(fmt, _PRINTF_ESCAPES):
        return 'a `printf` escape dash does not decode (`\\x`, `\\u`, `\\E`, `\\"` …)'
    index = fmt.find("%")
    while index >= 0:
        position = index + 1
        while position < len(fmt) and fmt[position] in _PRINTF_FLAGS:
            position += 1
        while position < len(fmt) and (fmt[position].isdigit() or fmt[position] in ".*"):
            position += 1
        if position >= len(fmt) or fmt[position] not in _PRINTF_CONVERSIONS:
            return f"`printf` conversion `{fmt[index : position + 1]}` (bash and dash differ)"
        index = fmt.find("%", position + 1)
    return None


def _dumps_environment(name: str, values: list[str]) -> bool:
    """``env`` / ``printenv`` without a command or variable operand write the whole environment."""
    if name == "printenv":
        return not values
    skip = False
    for value in values:
        if skip:
            skip = False
        elif value in ("-u", "--unset", "-C", "--chdir", "-S", "--split-string"):
            skip = True
        elif not value.startswith("-") and "=" not in value:
            return False  # a command
    return True


def _leaves(node: Node) -> list[Node]:
    """The words and operator tokens of a test expression, in order."""
    found: list[Node] = []
    for child in node.children:
        if (
            child.type
            in (
                "word",
                "string",
                "raw_string",
                "number",
                "concatenation",
                "simple_expansion",
                "expansion",
                "command_substitution",
                "extglob_pattern",
                "test_operator",
            )
            or not child.child_count
        ):
            found.append(child)
        else:
            found += _leaves(child)
    return found


def _descendants(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _assignment_sites(text: str, root: Node) -> Iterator[tuple[str, Node]]:
    """Where the script gives a name a value: a ``variable_assignment`` (also in ``export``,
    ``readonly``, ``local``), a ``for`` loop; ``read``, ``getopts``, ``unset``, ``${x:=…}`` are
    sites too, whose value is never known. An assignment before a command is not a site: it
    only goes into that command's environment (except before a special builtin, which is a
    difference of its own)."""
    for node in _descendants(root):
        kind = node.type
        if kind == "variable_assignment":
            parent = node.parent
            if parent is not None and parent.type == "command":
                continue
            name = node.child_by_field_name("name")
            if name is not None:
                yield text[name.start_byte : name.end_byte].partition("[")[0], node
        elif kind == "for_statement":
            name = node.child_by_field_name("variable")
            if name is not None:
                yield text[name.start_byte : name.end_byte], node
        elif kind == "unset_command" or kind == "declaration_command":
            for child in node.named_children:
                if child.type == "variable_name" and kind == "unset_command":
                    yield text[child.start_byte : child.end_byte], node
        elif kind == "expansion" and any(c.type in (":=", "=") for c in node.children):
            name = next((c for c in node.named_children if c.type == "variable_name"), None)
            if name is not None:
                yield text[name.start_byte : name.end_byte], node
        elif kind == "command":
            name = node.child_by_field_name("name")
            if name is not None and text[name.start_byte : name.end_byte] in ("read", "getopts"):
                for argument in node.children_by_field_name("argument"):
                    yield text[argument.start_byte : argument.end_byte], node


def _leads(node: Node) -> bool:
    """Whether ``node`` runs, in the script's own shell, whenever the script gets past it: a
    top-level statement, or the first of a top-level ``&&``/``||`` list (or of an
    ``export``/``readonly`` there); not one sent to the background with ``&``."""
    current = node
    while current.parent is not None and current.parent.type != "program":
        parent = current.parent
        first_of_list = parent.type == "list" and parent.named_children[0].id == current.id
        if not first_of_list and parent.type not in ("variable_assignments", "declaration_command"):
            return False
        current = parent
    follower = current.next_sibling
    return follower is None or follower.type != "&"


def _within(node: Node, ancestor: Node) -> bool:
    return ancestor.start_byte <= node.start_byte and node.end_byte <= ancestor.end_byte


def _inside(node: Node, kind: str) -> bool:
    current = node.parent
    while current is not None:
        if current.type == kind:
            return True
        current = current.parent
    return False


def _redirected_statement_of(command: Node) -> Node | None:
    """The ``redirected_statement`` whose redirects belong to ``command`` (see ``_redirect_owner``)."""
    current = command
    while current.parent is not None and current.parent.type in ("list", "pipeline"):
        if current.parent.named_children[-1].id != current.id:
            return None
        current = current.parent
    parent = current.parent
    if parent is None or parent.type != "redirected_statement" or _redirect_owner(parent) != command:
        return None
    return parent


def _redirect_owner(statement: Node) -> Node | None:
    """The command a ``redirected_statement``'s redirects belong to: tree-sitter hangs them on
    an ``&&`` list or pipe when they follow its last command (``a && echo x >&2 y``)."""
    target = statement.child_by_field_name("body")
    while target is not None and target.type in ("list", "pipeline") and target.named_child_count:
        target = target.named_children[-1]
    return target if target is not None and target.type == "command" else None


def _matches_dot_entries(chars: list[tuple[str, bool]]) -> bool:
    """A glob component that may match ``.`` or ``..`` (``.*``, ``.?``): dash's globs list them,
    bash 5.2's do not (``globskipdots``). ``.[!.]*`` and ``.??*`` cannot match them."""
    components: list[list[tuple[str, bool]]] = [[]]
    for char, escaped in chars:
        if char == "/" and not escaped:
            components.append([])
        else:
            components[-1].append((char, escaped))
    for component in components:
        if not component or component[0] != (".", False):
            continue
        if not any(char in _GLOB and not escaped for char, escaped in component):
            continue
        text = "".join(char if not escaped else "\x00" for char, escaped in component)
        if not text.startswith((".[!.]", ".??")):
            return True
    return False


def _removed(value: str, pattern: str, operator: str) -> str:
    """``${x#p}`` (shortest prefix matching ``p`` removed), ``##`` (longest), ``%``, ``%%`` (suffix)."""
    cuts = range(len(value) + 1)
    if operator in ("##", "%"):
        cuts = range(len(value), -1, -1)
    for cut in cuts:
        if operator.startswith("#") and fnmatch.fnmatchcase(value[:cut], pattern):
            return value[cut:]
        if operator.startswith("%") and fnmatch.fnmatchcase(value[cut:], pattern):
            return value[:cut]
    return value


def _echo_problem(words: list[str]) -> tuple[int, str] | None:
    """Where and why dash's ``echo`` prints ``words`` differently from bash's, or None."""
    bash_options = 0
    while bash_options < len(words) and _is_echo_option(words[bash_options]):
        bash_options += 1
    dash_options = 1 if words[:1] == ["-n"] else 0
    if bash_options != dash_options:
        return max(bash_options, dash_options) - 1, "bash takes it as an option, dash prints it"
    for index in range(dash_options, len(words)):
        if "\\" in words[index]:
            return index, "dash decodes the backslash"
    return None


def _flags(options: Sequence[str]) -> set[str]:
    """The single-letter options a list of ``set``/shell option words turns on: ``-eux`` gives
    e, u, x; ``-o errexit`` gives e; ``+e`` turns nothing on (it may only be on already)."""
    letters = {"errexit": "e", "xtrace": "x", "verbose": "v", "nounset": "u"}
    found: set[str] = set()
    words = list(options)
    for index, word in enumerate(words):
        if word.startswith("-") and not word.startswith("--"):
            found |= set(word[1:]) - {"o"}
            if word.endswith("o") and index + 1 < len(words):
                found.add(letters.get(words[index + 1], ""))
    return found


def _script_flags(text: str, root: Node) -> set[str]:
    """What any ``set`` in the script may turn on (wherever it runs: it may run before anything)."""
    found: set[str] = set()
    for node in _descendants(root):
        if node.type != "command":
            continue
        name = node.child_by_field_name("name")
        if name is not None and text[name.start_byte : name.end_byte] == "set":
            found |= _flags(
                [text[a.start_byte : a.end_byte] for a in node.children_by_field_name("argument")]
            )
    return found
