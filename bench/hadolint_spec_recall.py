#!/usr/bin/env python3
"""dfix against hadolint's own rule tests: for each hadolint code dfix claims as an alias of one of
its rules, how many of the cases hadolint's test suite expects to trigger that code does dfix
report (recall), and how many of the cases hadolint expects to pass does it report (false
positives)?

Reads a hadolint checkout (never copied into this project: hadolint is AGPL-3.0), a work tree or
the bare git directory `fetch github:hadolint/hadolint` brings, at its HEAD:
``test/Hadolint/Rule/*Spec.hs``. Each call of hadolint's test helpers (``test/Helpers.hs``) is
one case:

  - ``ruleCatches CODE text``: CODE must be reported at least once (a trigger case);
  - ``ruleCatchesNot CODE text``: CODE must not be reported (a non-trigger case);
  - ``onBuildRuleCatches`` / ``onBuildRuleCatchesNot``: the same with every RUN wrapped in
    ``ONBUILD`` (the helper rewrites each ``Run`` of the parsed file into ``OnBuild (Run …)`` and
    leaves every other instruction alone). Here ``ONBUILD `` is written before the keyword of
    each RUN that ``fixer.parse`` finds. hadolint wants exactly one finding there; one or more
    count here, as for ``ruleCatches``;
  - ``assertChecks text (failsWith N CODE)``: exactly N findings (N = 0: a non-trigger case).

The Dockerfile text is a small Haskell expression, evaluated here: string literals (every
escape of the Haskell report, string gaps ``\\   \\``), lists, ``<>`` / ``++``, ``$``,
``Text.unlines`` / ``unlines``, ``Text.intercalate``, ``Text.concat`` / ``mconcat``,
``Text.unwords``, ``Text.pack``, and names bound by ``let`` (visible, as Haskell's layout rule
has it, until a line starts left of the ``let``). hadolint appends ``"\\n"`` to the text before
parsing it, and so does this script. A case whose text is anything else is counted as not
extracted, with the reason, never dropped. ``let ?config = def { … }`` sets the configuration of
the cases in its scope: ``allowedRegistries`` becomes dfix's ``allowed_registries``; a case with
any other setting is counted as not run (``config``). Cases with a configuration are counted in
their own column.

Each case runs ``fixer.fix(text, select=RULES)`` with only the dfix rules that carry that code
as an alias (``fixer.rules.RULES``), and counts their findings; where one dfix rule stands for
several hadolint codes (DF106: yum, dnf and zypper without ``-y``), a finding whose message
names only the package managers of the rule's other codes does not count for this one. The
table gives, per code, the trigger cases (ONBUILD ones in brackets), those dfix reports, the
non-trigger ("clean") cases and those dfix reports (FP), the cases not extracted or not run,
and those run with a configuration; then the totals, over all claimed codes and over the 16
codes dfix claimed when recall was first measured (``EARLIER``: 56 of 118 then). Each miss and
each false positive is listed on one line (``file:line``, ONBUILD or plain, the text with
``\\n`` for its newlines), for a person to judge; ``--cases`` lists every case.

usage: .venv/bin/python bench/hadolint_spec_recall.py [--hadolint PATH] [--code DL3009 ...]
           [--no-misses] [--cases] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import Final

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import fixer  # noqa: E402  (the project under test, importable from a checkout)
from fixer.rules import RULES  # noqa: E402
from fixer.settings import Settings  # noqa: E402

DEFAULT_CHECKOUT = Path("/work/.mirror/hadolint+hadolint/repo")
SPECS = PurePosixPath("test/Hadolint/Rule")

# The codes dfix claimed when recall was first measured (56 of their 118 trigger cases).
EARLIER: Final = frozenset(
    {
        "DL3009", "DL3014", "DL3015", "DL3019", "DL3020", "DL3059", "DL4006", "DL3027",
        "DL3030", "DL3032", "DL3038", "DL3040", "DL3042", "DL3060", "DL3034", "DL3036",
    }
)  # fmt: skip

# Where one dfix rule carries several codes, the package manager each code is about: a finding
# counts for the code when its message names one of these words.
MANAGERS: Final = {
    "DL3030": ("yum",),
    "DL3038": ("dnf", "microdnf"),
    "DL3034": ("zypper",),
    "DL3032": ("yum",),
    "DL3040": ("dnf", "microdnf"),
    "DL3036": ("zypper",),
}

HELPERS: Final = {
    # helper -> (expects a finding, wraps RUNs in ONBUILD)
    "ruleCatches": (True, False),
    "ruleCatchesNot": (False, False),
    "onBuildRuleCatches": (True, True),
    "onBuildRuleCatchesNot": (False, True),
}
ASSERTS: Final = {"assertChecks": False, "assertOnBuildChecks": True}
CONFIG_FIELDS: Final = {"allowedRegistries": "allowed_registries"}


# ---------------------------------------------------------------------------------------------
# Reading the checkout


class Checkout:
    """A hadolint work tree (files read from disk) or a git directory (read at HEAD)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tree = (root / SPECS).is_dir()
        if not self.tree and not self._is_git():
            print(
                f"hadolint_spec_recall: no hadolint checkout at {root} ({SPECS} not found)", file=sys.stderr
            )
            print("  bring one with the tool library's `fetch github:hadolint/hadolint`", file=sys.stderr)
            sys.exit(2)

    def _is_git(self) -> bool:
        done = subprocess.run(
            ["git", "-C", str(self.root), "rev-parse", "--git-dir"], capture_output=True, text=True
        )
        return done.returncode == 0

    def revision(self) -> str:
        if self.tree and not self._is_git():
            return "work tree"
        return self._git("log", "-1", "--format=%h %cs").strip()

    def specs(self) -> list[str]:
        if self.tree:
            return sorted(str(p.relative_to(self.root)) for p in (self.root / SPECS).glob("*Spec.hs"))
        listed = self._git("ls-tree", "--name-only", "HEAD", f"{SPECS}/").splitlines()
        return sorted(p for p in listed if p.endswith("Spec.hs"))

    def read(self, path: str) -> str:
        if self.tree:
            return (self.root / path).read_text(encoding="utf-8")
        return self._git("show", f"HEAD:{path}")

    def _git(self, *args: str) -> str:
        command = ["git", "-C", str(self.root), *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout


# ---------------------------------------------------------------------------------------------
# A tokenizer and evaluator for the little Haskell the spec files use


class Unextractable(Exception):
    """A case whose Dockerfile text this script cannot evaluate."""


@dataclass(frozen=True)
class Token:
    kind: str  # str, char, name, num, op, punct
    value: str
    line: int  # 1-based
    col: int  # 1-based
    first: bool  # the first token on its line


_ESCAPES: Final = {
    "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
    "\\": "\\", '"': '"', "'": "'",
}  # fmt: skip
_ASCII: Final = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC",
    "FS", "GS", "RS", "US", "SP",
)  # fmt: skip
_ASCII_CODES: Final = {**{name: i for i, name in enumerate(_ASCII)}, "DEL": 127}
_NAME: Final = re.compile(r"\??(?:[A-Z][\w']*\.)*[A-Za-z_][\w']*")
_OP: Final = re.compile(r"[!#$%&*+./<=>?@\\^|~:-]+")
_NUM: Final = re.compile(r"\d+")


def _escape(source: str, i: int) -> tuple[str, int]:
    """The character of the escape at ``source[i]`` (just past the backslash), and where it ends."""
    c = source[i]
    if c in _ESCAPES:
        return _ESCAPES[c], i + 1
    if c == "&":
        return "", i + 1  # the empty escape
    if c == "^":
        return chr(ord(source[i + 1]) - 64), i + 2
    for prefix, base, digits in (
        ("x", 16, "0123456789abcdefABCDEF"),
        ("o", 8, "01234567"),
        ("", 10, "0123456789"),
    ):
        if prefix and c != prefix:
            continue
        j = i + len(prefix)
        k = j
        while k < len(source) and source[k] in digits:
            k += 1
        if k > j:
            return chr(int(source[j:k], base)), k
    for name in sorted(_ASCII_CODES, key=len, reverse=True):
        if source.startswith(name, i):
            return chr(_ASCII_CODES[name]), i + len(name)
    raise Unextractable(f"unknown string escape \\{c}")


def _string(source: str, i: int) -> tuple[str, int]:
    """The literal that starts at ``source[i]`` (a double quote) and where it ends."""
    out, i = [], i + 1
    while True:
        if i >= len(source):
            raise Unextractable("unterminated string literal")
        c = source[i]
        if c == '"':
            return "".join(out), i + 1
        if c == "\\":
            if source[i + 1].isspace():  # a string gap: backslash, white space, backslash
                j = i + 1
                while j < len(source) and source[j].isspace():
                    j += 1
                if j >= len(source) or source[j] != "\\":
                    raise Unextractable("malformed string gap")
                i = j + 1
                continue
            char, i = _escape(source, i + 1)
            out.append(char)
            continue
        if c == "\n":
            raise Unextractable("newline in a string literal")
        out.append(c)
        i += 1


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    i, line, line_start, last_line = 0, 1, 0, 0
    n = len(source)

    def add(kind: str, value: str, start: int, start_line: int, start_col: int) -> None:
        nonlocal last_line
        tokens.append(Token(kind, value, start_line, start_col, start_line != last_line))
        last_line = start_line

    while i < n:
        c = source[i]
        if c == "\n":
            i, line, line_start = i + 1, line + 1, i + 1
            continue
        if c.isspace():
            i += 1
            continue
        if source.startswith("{-", i):  # block comments nest
            depth, i = 1, i + 2
            while i < n and depth:
                if source.startswith("{-", i):
                    depth, i = depth + 1, i + 2
                elif source.startswith("-}", i):
                    depth, i = depth - 1, i + 2
                else:
                    if source[i] == "\n":
                        line, line_start = line + 1, i + 1
                    i += 1
            continue
        if (m := re.match(r"--+(?![!#$%&*+./<=>?@\\^|~:])", source[i:])) is not None:
            end = source.find("\n", i + m.end())
            i = n if end < 0 else end
            continue
        col = i - line_start + 1
        if c == '"':
            start_line = line
            value, end = _string(source, i)
            gap = source.count("\n", i, end)
            if gap:
                line, line_start = line + gap, source.rfind("\n", i, end) + 1
            add("str", value, i, start_line, col)
            i = end
            continue
        if c == "'" and (m := re.match(r"'(\\[^']+|[^\\'])'", source[i:])) is not None:
            body = m[1]
            value = _escape(body, 1)[0] if body.startswith("\\") else body
            add("char", value, i, line, col)
            i += m.end()
            continue
        if c in "()[],{}`;":
            add("punct", c, i, line, col)
            i += 1
            continue
        for kind, pattern in (("name", _NAME), ("num", _NUM), ("op", _OP)):
            if (m := pattern.match(source, i)) is not None:
                add(kind, m[0], i, line, col)
                i = m.end()
                break
        else:
            add("punct", c, i, line, col)  # anything else: one character
            i += 1
    return tokens


Value = str | list["Value"] | int


def _concat(parts: list[Value]) -> Value:
    if all(isinstance(p, str) for p in parts):
        return "".join(p for p in parts if isinstance(p, str))
    if all(isinstance(p, list) for p in parts):
        return [x for p in parts if isinstance(p, list) for x in p]
    raise Unextractable("concatenation of a string and a list")


def _strings(value: Value, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise Unextractable(f"{what} of something other than a list of strings")
    return [x for x in value if isinstance(x, str)]


def _text(value: Value, what: str) -> str:
    if not isinstance(value, str):
        raise Unextractable(f"{what} of something other than a string")
    return value


FUNCTIONS: Final[dict[str, tuple[int, Callable[..., Value]]]] = {}
for _prefix in ("", "Text.", "T."):
    FUNCTIONS[_prefix + "unlines"] = (1, lambda v: "".join(s + "\n" for s in _strings(v, "unlines")))
    FUNCTIONS[_prefix + "unwords"] = (1, lambda v: " ".join(_strings(v, "unwords")))
    FUNCTIONS[_prefix + "concat"] = (1, lambda v: _concat(v) if isinstance(v, list) else v)
    FUNCTIONS[_prefix + "intercalate"] = (
        2,
        lambda s, v: _text(s, "intercalate").join(_strings(v, "intercalate")),
    )
    FUNCTIONS[_prefix + "pack"] = (1, lambda v: _text(v, "pack"))
FUNCTIONS["mconcat"] = (1, lambda v: _concat(v) if isinstance(v, list) else v)
FUNCTIONS["id"] = (1, lambda v: v)


@dataclass
class Binding:
    name: str
    col: int  # the column of its ``let``: in scope until a line starts left of it
    value: Value | None = None
    error: str | None = None
    config: dict[str, Value] | None = None  # for ``?config``


class Parser:
    """Reads expressions from the token list; ``end`` says where the current construct stops."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.scopes: list[Binding] = []

    def lookup(self, name: str) -> Binding | None:
        for binding in reversed(self.scopes):
            if binding.name == name:
                return binding
        return None

    # The layout rule, simplified: a construct that starts on a line whose first token is at
    # column ``col`` ends before the next line that starts at ``col`` or left of it.
    def stops(self, i: int, col: int) -> bool:
        if i >= len(self.tokens):
            return True
        token = self.tokens[i]
        if token.first and token.col <= col:
            return True
        return token.kind == "name" and token.value in {"in", "then", "else", "of", "where", "let", "do"}

    def expr(self, i: int, col: int) -> tuple[Value, int]:
        """``$`` (lowest, right-associative) over ``<>`` / ``++`` over application."""
        parts, i = self.concat(i, col)
        if i < len(self.tokens) and not self.stops(i, col) and self.tokens[i].value == "$":
            argument, i = self.expr(i + 1, col)
            return self.apply(parts, [argument]), i
        return self.apply_all(parts), i

    def concat(self, i: int, col: int) -> tuple[list[list[Value | str]], int]:
        """Application chains separated by ``<>`` or ``++``, each not yet applied."""
        chains, i = [], i
        while True:
            chain, i = self.application(i, col)
            chains.append(chain)
            if i < len(self.tokens) and not self.stops(i, col) and self.tokens[i].value in {"<>", "++"}:
                i += 1
                continue
            return chains, i

    def application(self, i: int, col: int) -> tuple[list[Value | str], int]:
        items: list[Value | str] = []
        while i < len(self.tokens) and not self.stops(i, col):
            token = self.tokens[i]
            if token.kind == "op" or token.value in {")", "]", ",", "}", ";"}:
                break
            value, i = self.atom(i, col)
            items.append(value)
        if not items:
            raise Unextractable("an expression expected")
        return items, i

    def atom(self, i: int, col: int) -> tuple[Value | str, int]:
        token = self.tokens[i]
        if token.kind in ("str", "char"):
            return token.value, i + 1
        if token.kind == "num":
            return int(token.value), i + 1
        if token.kind == "name":
            return _Name(token.value), i + 1
        if token.value == "(":
            value, i = self.expr(i + 1, 0)
            return value, self.expect(i, ")")
        if token.value == "[":
            items: list[Value] = []
            i += 1
            if self.tokens[i].value == "]":
                return items, i + 1
            while True:
                value, i = self.expr(i, 0)
                items.append(value)
                if self.tokens[i].value == ",":
                    i += 1
                    continue
                return items, self.expect(i, "]")
        raise Unextractable(f"unexpected {token.value!r}")

    def expect(self, i: int, value: str) -> int:
        if i >= len(self.tokens) or self.tokens[i].value != value:
            raise Unextractable(f"{value!r} expected")
        return i + 1

    def resolve(self, item: Value | str) -> Value:
        if isinstance(item, _Name):
            binding = self.lookup(str(item))
            if binding is None:
                raise Unextractable(f"unknown name {item}")
            if binding.error:
                raise Unextractable(f"{item}: {binding.error}")
            assert binding.value is not None
            return binding.value
        return item

    def apply(self, chains: list[list[Value | str]], extra: list[Value]) -> Value:
        """``a <> b <> f x $ extra``: ``extra`` is the last chain's final argument."""
        values = [self.apply_chain(chain) for chain in chains[:-1]]
        values.append(self.apply_chain(chains[-1], extra))
        return values[0] if len(values) == 1 else _concat(values)

    def apply_all(self, chains: list[list[Value | str]]) -> Value:
        return self.apply(chains, [])

    def apply_chain(self, chain: list[Value | str], extra: list[Value] | None = None) -> Value:
        head, args = chain[0], [self.resolve(a) for a in chain[1:]] + list(extra or [])
        if isinstance(head, _Name) and str(head) in FUNCTIONS:
            arity, function = FUNCTIONS[str(head)]
            if len(args) != arity:
                raise Unextractable(f"{head} with {len(args)} argument(s)")
            return function(*args)
        if args:
            raise Unextractable(f"unknown function {head}")
        return self.resolve(head)


class _Name(str):
    """A name in an expression, resolved when applied."""


# ---------------------------------------------------------------------------------------------
# Finding the cases


@dataclass
class Case:
    code: str
    spec: str  # DL3009Spec.hs:23
    helper: str
    trigger: bool
    onbuild: bool
    text: str | None = None  # None: not extracted
    expected: int | None = None  # exact count wanted (failsWith N); None: at least one / none
    config: dict[str, list[str]] = field(default_factory=dict)
    problem: str | None = None  # why it was not extracted, or not run
    found: int | None = None  # dfix's findings; None: not run
    dfix_error: str | None = None

    @property
    def agrees(self) -> bool | None:
        if self.found is None:
            return None
        if self.expected is not None:
            return self.found == self.expected
        return (self.found > 0) == self.trigger


def cases_in(name: str, source: str) -> Iterator[Case]:
    """Every helper call in one spec file, in order."""
    tokens = tokenize(source)
    parser = Parser(tokens)
    default_code = name.removesuffix("Spec.hs")
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.first:
            parser.scopes = [b for b in parser.scopes if b.col <= token.col]
        if token.kind == "name" and token.value == "let":
            i = _let(parser, i)
            continue
        if token.kind == "name" and (token.value in HELPERS or token.value in ASSERTS):
            case, i = _call(parser, i, name, default_code)
            if case is not None:
                yield case
            continue
        i += 1


def _statement_col(tokens: list[Token], i: int) -> int:
    j = i
    while not tokens[j].first:
        j -= 1
    return tokens[j].col


def _let(parser: Parser, i: int) -> int:
    """Bindings of a ``let`` (one per line at the first binding's column); returns past them."""
    tokens = parser.tokens
    let_col = tokens[i].col
    i += 1
    if i >= len(tokens):
        return i
    binding_col = tokens[i].col
    while i < len(tokens) and tokens[i].kind == "name" and tokens[i].value not in {"in"}:
        name = tokens[i].value
        if i + 1 >= len(tokens) or tokens[i + 1].value != "=":
            return i  # a function binding or something else: not ours
        binding = Binding(name, let_col)
        start = i + 2
        try:
            if name == "?config":
                binding.config, i = _config(parser, start, binding_col)
            else:
                binding.value, i = parser.expr(start, binding_col)
        except Unextractable as error:
            binding.error = str(error)
            i = start
            while i < len(tokens) and not parser.stops(i, binding_col):
                i += 1
        parser.scopes.append(binding)
        if i < len(tokens) and tokens[i].first and tokens[i].col == binding_col and tokens[i].kind == "name":
            continue  # the next binding of the same let block
        break
    return i


def _config(parser: Parser, i: int, col: int) -> tuple[dict[str, Value], int]:
    """``def`` or ``def { field = expr, … }``."""
    tokens = parser.tokens
    if tokens[i].value != "def":
        raise Unextractable("a configuration other than def { … }")
    i += 1
    config: dict[str, Value] = {}
    if i < len(tokens) and not parser.stops(i, col) and tokens[i].value == "{":
        i += 1
        while tokens[i].value != "}":
            name = tokens[i].value
            i = parser.expect(i + 1, "=")
            config[name], i = parser.expr(i, 0)
            if tokens[i].value == ",":
                i += 1
        i += 1
    return config, i


def _call(parser: Parser, i: int, name: str, default_code: str) -> tuple[Case | None, int]:
    tokens = parser.tokens
    helper = tokens[i].value
    where = f"{name}:{tokens[i].line}"
    col = _statement_col(tokens, i)
    if helper in ASSERTS:
        return _assert_case(parser, i, where, ASSERTS[helper], default_code)
    trigger, onbuild = HELPERS[helper]
    code = default_code
    case = Case(code, where, helper, trigger, onbuild)
    j = i + 1
    if j < len(tokens) and tokens[j].kind == "str":
        case.code = tokens[j].value
        j += 1
    try:
        if j < len(tokens) and tokens[j].value == "$":
            value, j = parser.expr(j + 1, col)
        else:
            value, j = parser.atom(j, col)
            value = parser.resolve(value)
        case.text = _text(value, "a Dockerfile")
    except Unextractable as error:
        case.problem = str(error)
        while j < len(tokens) and not parser.stops(j, col):
            j += 1
    _apply_config(parser, case)
    return case, max(j, i + 1)


def _assert_case(
    parser: Parser, i: int, where: str, onbuild: bool, default_code: str
) -> tuple[Case | None, int]:
    """``assertChecks text (failsWith N "CODE")``; other assertions are not about one rule."""
    tokens = parser.tokens
    col = _statement_col(tokens, i)
    try:
        text, j = parser.atom(i + 1, col)
        text = parser.resolve(text)
        problem = None
    except Unextractable as error:
        text, problem, j = None, str(error), i + 1
        while j < len(tokens) and tokens[j].value not in {"(", "$"} and not parser.stops(j, col):
            j += 1
    k = j + (j < len(tokens) and tokens[j].value in {"(", "$"})
    if (
        k + 2 >= len(tokens)
        or tokens[k].value != "failsWith"
        or tokens[k + 1].kind != "num"
        or tokens[k + 2].kind != "str"
    ):
        return None, j  # shellcheck or other assertions
    count, code = int(tokens[k + 1].value), tokens[k + 2].value
    helper = tokens[i].value
    case = Case(code or default_code, where, helper, count > 0, onbuild, expected=count, problem=problem)
    if problem is None:
        if isinstance(text, str):
            case.text = text
        else:
            case.problem = "a Dockerfile that is not a string"
    _apply_config(parser, case)
    return case, k + 3


def _apply_config(parser: Parser, case: Case) -> None:
    binding = parser.lookup("?config")
    if binding is None:
        return
    if binding.error:
        case.problem = case.problem or f"config: {binding.error}"
        return
    for key, value in (binding.config or {}).items():
        case.config[key] = _strings(value, key) if isinstance(value, list) else [str(value)]
        if key not in CONFIG_FIELDS and case.problem is None:
            case.problem = f"config: {key} has no dfix setting"


# ---------------------------------------------------------------------------------------------
# Running dfix


def claimed_codes() -> dict[str, list[str]]:
    """hadolint code -> the dfix rules that carry it as an alias."""
    claimed: dict[str, list[str]] = {}
    for rule in RULES:
        for alias in rule.aliases:
            if re.fullmatch(r"DL\d{4}", alias):
                claimed.setdefault(alias, []).append(rule.code)
    return dict(sorted(claimed.items()))


def onbuild(text: str) -> str:
    """Every RUN instruction wrapped in ONBUILD, as hadolint's ``assertOnBuildChecks`` does."""
    tree = fixer.parse(text)
    out, last = [], 0
    for located in tree.located_instructions():
        if located.node.upper_keyword == "RUN":
            at = located.keyword_start
            out += [text[last:at], "ONBUILD "]
            last = at
    return "".join([*out, text[last:]])


def _names(message: str, words: Iterable[str]) -> bool:
    return any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", message) for w in words)


def _counts(message: str, own: Iterable[str], others: Iterable[str]) -> bool:
    """A finding counts for a code unless its message names only other codes' package managers."""
    return _names(message, own) or not _names(message, others)


def run(case: Case, rules: list[str]) -> None:
    assert case.text is not None
    text = case.text + "\n"  # as hadolint's helpers do
    settings = Settings()
    if "allowedRegistries" in case.config:
        settings = Settings(allowed_registries=tuple(case.config["allowedRegistries"]))
    try:
        if case.onbuild:
            text = onbuild(text)
        result = fixer.fix(text, select=rules, settings=settings)
    except fixer.ParseError as error:
        case.dfix_error = f"ParseError: {error}"
        return
    own = MANAGERS.get(case.code, ())
    others = {w for code, words in MANAGERS.items() if code != case.code for w in words} - set(own)
    found = [d for d in result.diagnostics if d.rule in rules and _counts(d.message, own, others)]
    case.found = len(found)


# ---------------------------------------------------------------------------------------------
# Reporting


@dataclass
class Row:
    code: str
    rules: str
    trigger: int = 0
    trigger_onbuild: int = 0
    found: int = 0
    found_onbuild: int = 0
    clean: int = 0
    false_positives: int = 0
    not_extracted: int = 0
    not_run: int = 0
    with_config: int = 0

    def add(self, case: Case) -> None:
        if case.text is None:
            self.not_extracted += 1
            return
        if case.found is None:
            self.not_run += 1
            return
        self.with_config += bool(case.config)
        if case.trigger:
            self.trigger += 1
            self.trigger_onbuild += case.onbuild
            if case.agrees:
                self.found += 1
                self.found_onbuild += case.onbuild
        else:
            self.clean += 1
            self.false_positives += not case.agrees

    def merge(self, other: Row) -> None:
        for column in fields(self):
            if column.type == "int":
                setattr(self, column.name, getattr(self, column.name) + getattr(other, column.name))


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def table(rows: list[Row]) -> list[str]:
    header = (
        f"{'code':<8} {'dfix':<12} {'trigger':>11} {'found':>10} {'recall':>7}"
        f" {'clean':>6} {'FP':>4} {'not ext.':>8} {'not run':>8} {'config':>7}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        if row.code.startswith("total") or row.code.startswith("earlier"):
            lines.append("-" * len(header))
        lines.append(
            f"{row.code:<8} {row.rules:<12} {f'{row.trigger} [{row.trigger_onbuild}]':>11}"
            f" {f'{row.found} [{row.found_onbuild}]':>10} {_pct(row.found, row.trigger):>7}"
            f" {row.clean:>6} {row.false_positives:>4} {row.not_extracted:>8} {row.not_run:>8}"
            f" {row.with_config:>7}"
        )
    return lines


def one_line(text: str) -> str:
    return json.dumps(text.rstrip("\n"), ensure_ascii=False)[1:-1]


def describe(case: Case) -> str:
    tags = ["ONBUILD" if case.onbuild else "plain"]
    if case.expected is not None:
        tags.append(f"wants exactly {case.expected}, dfix {case.found}")
    if case.config:
        tags.append("config " + ",".join(f"{k}={v}" for k, v in case.config.items()))
    if case.dfix_error:
        tags.append(case.dfix_error)
    return f"  {case.code} {case.spec:<20} {' '.join(tags):<8} {one_line(case.text or '')}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--hadolint", type=Path, default=DEFAULT_CHECKOUT, help="a hadolint checkout or git dir")
    ap.add_argument("--code", action="append", help="only these hadolint codes (repeatable)")
    ap.add_argument("--no-misses", action="store_true", help="the table only")
    ap.add_argument("--cases", action="store_true", help="list every case with dfix's count")
    ap.add_argument("--json", action="store_true", help="the rows and cases as JSON")
    args = ap.parse_args(argv)

    checkout = Checkout(args.hadolint)
    claimed = claimed_codes()
    if args.code:
        unknown = [c for c in args.code if c not in claimed]
        if unknown:
            ap.error(f"not claimed by any dfix rule: {', '.join(unknown)}")
        claimed = {c: claimed[c] for c in args.code}

    specs = checkout.specs()
    if not specs:
        print(f"hadolint_spec_recall: no {SPECS}/*Spec.hs at HEAD of {args.hadolint}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    cases: list[Case] = []
    for path in specs:
        name = PurePosixPath(path).name
        cases.extend(case for case in cases_in(name, checkout.read(path)) if case.code in claimed)
    for case in cases:
        if case.text is not None and case.problem is None:
            run(case, claimed[case.code])
    elapsed = time.perf_counter() - started

    rows = {code: Row(code, "/".join(rules)) for code, rules in claimed.items()}
    for case in cases:
        rows[case.code].add(case)
    total = Row("total", f"{len(rows)} codes")
    earlier = Row("earlier", f"{len(EARLIER & rows.keys())} codes")
    for row in rows.values():
        total.merge(row)
        if row.code in EARLIER:
            earlier.merge(row)
    listed = [*rows.values(), total, earlier]

    misses = [c for c in cases if c.trigger and c.agrees is False]
    false_positives = [c for c in cases if not c.trigger and c.agrees is False]
    problems = [c for c in cases if c.found is None]

    if args.json:
        print(
            json.dumps({"rows": [asdict(r) for r in listed], "cases": [asdict(c) for c in cases]}, indent=1)
        )
        return 0
    print(f"hadolint {checkout.revision()} ({args.hadolint}): {len(cases)} cases in {elapsed:.1f} s")
    print("trigger/found: [ONBUILD cases among them]; clean: cases hadolint expects to pass;")
    print("FP: clean cases dfix reports; earlier: the 16 codes claimed when recall was first measured")
    print()
    print("\n".join(table(listed)))
    kinds = Counter(c.onbuild for c in misses)
    print(
        f"\nmissed {len(misses)} ({kinds[True]} ONBUILD), false positives {len(false_positives)},"
        f" not extracted or not run {len(problems)}"
    )
    if problems:
        print("\nnot extracted / not run:")
        for case in problems:
            print(f"  {case.code} {case.spec:<20} {case.problem or case.dfix_error}")
    if not args.no_misses:
        for title, listed_cases in (("missed", misses), ("false positives", false_positives)):
            if listed_cases:
                print(f"\n{title}:")
                for case in listed_cases:
                    print(describe(case))
    if args.cases:
        print("\nall cases (found / expected):")
        for case in cases:
            want = "trigger" if case.trigger else "clean"
            verdict = {True: "ok", False: "DIFFERS", None: "-"}[case.agrees]
            print(f"{describe(case)}  -> {case.found} ({want}, {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
