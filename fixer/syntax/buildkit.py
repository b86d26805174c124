r"""Pure-Python port of BuildKit's logical-line parser (v0.12-era ``frontend/dockerfile/parser``).

Given one logical Dockerfile line (continuations joined, comments removed,
newline stripped) this produces exactly what BuildKit's ``newNodeFromLine``
produces, and ``heredocs_from_line`` reproduces ``heredocsFromLine``.  The
``dockerfile`` package (BuildKit's own parser through cgo) is the conformance
oracle; see ``tests/syntax/test_buildkit_lines.py``.

Heredoc markers follow current BuildKit, which is newer than the oracle's
v0.12.5: since BuildKit v0.22 / Dockerfile frontend 1.16 (commit 0b77373,
"dockerfile: allow whitespace in heredocs", PR #5817) tabs, CRs and spaces may
separate ``<<`` from the word (``RUN << EOF``, ``COPY << "EOF" /x``,
``RUN cat << EOF > f``): the shell lexer keeps them in the ``<<`` word
(``processPossibleHeredoc``) and ``reHeredoc`` became
``^(\d*)<<(-?)\s*([^<]*)$``.  Not heredocs, as before or because of the
lexer: ``<<- EOF`` (the lexer keeps no space after ``<<-``, so ``<<-`` is a
word without a name; BuildKit's own test of it passes vacuously), ``<<< EOF``
and ``<<<EOF`` (here-strings), ``<< <<EOF`` (one word now, no longer the
``<<EOF`` marker it was), ``<<`` before a newline or ``\v``/``\f``, and
markers inside quotes or after an escaped ``<``.  ``heredoc_space=False``
reads markers as v0.12 does, for comparing with the oracle.

Go strings are bytes.  Python strings carry bytes that are not valid UTF-8 as
``surrogateescape`` code points (U+DC80..U+DCFF); they appear in results only
where BuildKit would hand back invalid UTF-8 (``splitCommand`` and
``parseHealthConfig`` index single bytes, so they can split a multi-byte
character).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from fixer.syntax.shell_words import (
    GO_SPACE,
    GO_SPACE_CHARS,
    ShellWordsError,
    go_quote,
    process_words,
    to_go_runes,
)

if TYPE_CHECKING:
    import json

__all__ = [
    "GO_SPACE",
    "BuildKitError",
    "BuildKitNode",
    "HeredocSpec",
    "can_contain_heredoc",
    "heredocs_from_line",
    "parse_heredoc",
    "parse_logical_line",
    "view_fields",
]


class BuildKitError(Exception):
    """A parse error; ``message`` is the text of BuildKit's error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class BuildKitNode:
    """The ``*Node`` that ``newNodeFromLine`` returns.

    ``value`` lists the ``Next`` chain's values.  For ONBUILD that chain is a
    single container node (value ``""``) whose child is ``sub``.
    """

    cmd: str
    flags: tuple[str, ...]
    value: tuple[str, ...]
    json: bool
    sub: BuildKitNode | None


@dataclass(frozen=True, slots=True)
class HeredocSpec:
    """A ``Heredoc`` without content; ``fd`` is Go's ``uint`` (saturating)."""

    name: str
    chomp: bool
    expand: bool
    fd: int


# ---------------------------------------------------------------------------
# Go string helpers

# ``reWhitespace``: deliberately not \n, and ASCII only.
_RE_WHITESPACE: Final = re.compile(r"[\t\v\f\r ]+")
# Byte values for which ``unicode.IsSpace(rune(b))`` holds (byte-indexing code).
_BYTE_SPACE: Final = frozenset("\t\n\v\f\r \x85\xa0")
_BYTE_SPACE_CHARS: Final = "\t\n\v\f\r \x85\xa0"
# ``reHeredoc`` = ^(\d*)<<(-?)\s*([^<]*)$ -- Go's \d is ASCII, its \s is [\t\n\f\r ] and $ is end
# of text; v0.12's had no \s* (``_RE_HEREDOC_V0_12``).
_RE_HEREDOC: Final = re.compile(r"([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)")
_RE_HEREDOC_V0_12: Final = re.compile(r"([0-9]*)<<(-?)([^<]*)")
_RE_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_MAX_UINT64: Final = (1 << 64) - 1


def _trim_space(s: str) -> str:
    """``strings.TrimSpace``."""
    return s.strip(GO_SPACE_CHARS)


def _go_lower(s: str) -> str:
    """``strings.ToLower`` for keyword lookup: Go maps each rune simply, so
    U+0130 (dotted I) becomes ``i`` (Python gives ``i`` + U+0307) and the
    Kelvin sign becomes ``k``; nothing else non-ASCII lowers to ASCII."""
    if s.isascii():
        return s.lower()
    return s.replace("\u0130", "i").lower()


def _to_bytes_view(s: str) -> str:
    """The UTF-8 bytes of ``s`` as a Latin-1 string (one char per byte), for
    Go code that indexes ``line[pos]`` and converts single bytes to runes."""
    try:
        data = s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
        data = s.encode("utf-8", "surrogatepass")
    return data.decode("latin-1")


def _from_bytes_view(b: str) -> str:
    """Inverse of :func:`_to_bytes_view`; split characters become surrogate escapes."""
    return b.encode("latin-1").decode("utf-8", "surrogateescape")


# ---------------------------------------------------------------------------
# split_command.go


def _split_command(line: str) -> tuple[str, tuple[str, ...], str]:
    """``splitCommand``: the command word as written, its flags, the args."""
    cmdline = _RE_WHITESPACE.split(_trim_space(line), maxsplit=1)
    if len(cmdline) < 2:
        return cmdline[0], (), ""
    rest, flags = _extract_builder_flags(cmdline[1])
    return cmdline[0], flags, _trim_space(rest)


def _extract_builder_flags(line: str) -> tuple[str, tuple[str, ...]]:
    """``extractBuilderFlags``: leading ``--flag`` words, then the rest.

    Go walks *bytes* (``rune(line[pos])``): a flag's non-ASCII byte becomes
    the Latin-1 character of that byte, and the continuation bytes 0x85 and
    0xA0 count as spaces, so a character can be split in two.
    """
    # Bytes 0x85/0xA0 never start a character, so only ASCII spaces can lead.
    start = line.lstrip("\t\n\v\f\r ")
    if not start.startswith("--"):
        return line, ()
    if line.isascii():
        rest, flags = _extract_flags_bytes(line)
        return rest, flags
    rest, flags = _extract_flags_bytes(_to_bytes_view(line))
    return _from_bytes_view(rest), flags


# A flag word without quotes or escapes, which needs no per-byte loop.
_RE_SIMPLE_FLAG: Final = re.compile("--[^" + _BYTE_SPACE_CHARS + "'\"\\\\]*")


def _extract_flags_bytes(line: str) -> tuple[str, tuple[str, ...]]:
    """The byte loop of ``extractBuilderFlags`` on a one-char-per-byte string."""
    words: list[str] = []
    n = len(line)
    pos = 0
    while True:
        # inSpaces: look for the start of the next word.
        while pos < n and line[pos] in _BYTE_SPACE:
            pos += 1
        if pos == n:
            return "", tuple(words)
        if not line.startswith("--", pos):
            return line[pos:], tuple(words)
        simple = _RE_SIMPLE_FLAG.match(line, pos)
        assert simple is not None  # the line has "--" at pos
        end = simple.end()
        if end == n or line[end] in _BYTE_SPACE:
            w = simple.group()
            if w == "--":  # "--" ends the flags; it is not itself a flag
                return line[end:], tuple(words)
            words.append(w)
            pos = end
            continue
        word: list[str] = []
        blank_ok = False
        quote = ""
        while True:
            if pos == n:  # end of input inside a word or quote
                w = "".join(word)
                if w != "--" and (blank_ok or w):
                    words.append(w)
                return "", tuple(words)
            ch = line[pos]
            if quote:  # inQuote
                if ch == quote:
                    quote = ""
                    pos += 1
                    continue
                if ch == "\\":
                    if pos + 1 == n:
                        quote = ""  # a trailing escape is skipped and closes the quote
                        pos += 1
                        continue
                    pos += 1
                    ch = line[pos]
                word.append(ch)
                pos += 1
                continue
            if ch in _BYTE_SPACE:
                w = "".join(word)
                if w == "--":  # "--" ends the flags; it is not itself a flag
                    return line[pos:], tuple(words)
                if blank_ok or w:
                    words.append(w)
                break
            if ch in "'\"":
                quote = ch
                blank_ok = True
                pos += 1
                continue
            if ch == "\\":
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = line[pos]
            word.append(ch)
            pos += 1


# ---------------------------------------------------------------------------
# line_parsers.go


@functools.cache  # compiled on first use, not at import: most lines never need it
def _words_regex(escape: str) -> re.Pattern[str]:
    """One ``parseWords`` word.  Quotes and escapes stay in the word; an
    escape pair is kept whole (even before a quote or a space); a lone escape
    as the very last char is dropped (group ``d`` or ``dq``), except inside
    single quotes where the escape token is not special; an unterminated
    quote runs to the end."""
    e = re.escape(escape)
    return re.compile(
        rf"""(?:
            [^{GO_SPACE_CHARS}'"{e}]+
          | {e}[\s\S]
          | (?P<d>{e})\Z
          | '[^']*'?
          | "(?:[^"{e}]|{e}[\s\S])*(?:"|(?P<dq>{e})?\Z)
        )+""",
        re.VERBOSE,
    )


def _parse_words(rest: str, escape: str) -> list[str]:
    """``parseWords``: split on whitespace (``unicode.IsSpace``), keeping
    quotes and escapes in the words (the shell lexer strips them later).
    Invalid bytes decode to U+FFFD."""
    rest = to_go_runes(rest)
    if "'" not in rest and '"' not in rest and escape not in rest:
        return _split_go_space(rest)
    pattern = _words_regex(escape)
    words: list[str] = []
    for m in pattern.finditer(rest):
        word = m.group()
        if m.start("d") >= 0 or m.start("dq") >= 0:
            word = word[:-1]
        if word:  # only a dropped lone escape makes an empty word
            words.append(word)
    return words


_RE_GO_SPACE: Final = re.compile("[" + GO_SPACE_CHARS + "]+")


def _split_go_space(s: str) -> list[str]:
    """Whitespace split with ``unicode.IsSpace`` (no empty words); not
    ``str.split()``, which also splits on U+001C..U+001F."""
    return [w for w in _RE_GO_SPACE.split(s) if w]


def _parse_name_val(rest: str, key: str, escape: str) -> tuple[str, ...]:
    """``parseNameVal`` (ENV, LABEL): ``KEY value`` or ``k=v k2=v2 ...``."""
    words = _parse_words(rest, escape)
    if not words:
        return ()
    if "=" not in words[0]:
        # Old format: split the *raw* rest once on ASCII whitespace.
        parts = _RE_WHITESPACE.split(rest, maxsplit=1)
        if len(parts) < 2:
            raise BuildKitError(f"{key} must have two arguments")
        return (parts[0], parts[1])
    out: list[str] = []
    for word in words:
        k, sep, v = word.partition("=")
        if not sep:
            raise BuildKitError(
                f"Syntax error - can't find = in {go_quote(word)}. Must be of the form: name=value"
            )
        out += (k, v)
    return tuple(out)


def _parse_strings_whitespace_delimited(rest: str) -> tuple[str, ...]:
    """``parseStringsWhitespaceDelimited``: ``regexp.Split`` on ``reWhitespace``
    (empty edge fields survive, like Python's ``re.split``)."""
    if not rest:
        return ()
    return tuple(_RE_WHITESPACE.split(rest))


class _NotStringArray(Exception):
    """``errDockerfileNotStringArray``."""


_NOT_STRING_ARRAY_MSG: Final = "when using JSON array syntax, arrays must be comprised of strings only"


class _JSONReject(Exception):
    """A value Go's ``encoding/json`` rejects but Python's accepts."""


def _reject_constant(_name: str) -> object:
    """NaN / Infinity / -Infinity are not JSON for Go."""
    raise _JSONReject


def _go_number(text: str) -> float:
    """Go decodes every number into ``float64``; overflow is an error."""
    value = float(text)
    if abs(value) == _INFINITY:
        raise _JSONReject
    return value


_INFINITY: Final = float("inf")


@functools.cache
def _json_decoder() -> json.JSONDecoder:
    import json  # only JSON-form lines need it

    return json.JSONDecoder(parse_float=_go_number, parse_int=_go_number, parse_constant=_reject_constant)


def _parse_json(rest: str) -> tuple[str, ...] | None:
    """``parseJSON``: the string array, or None when it is not a JSON array.

    Like Go's ``json.Decoder.Decode`` only the first value is read; trailing
    text is ignored.  Raises _NotStringArray for a valid array holding
    anything but strings.
    """
    rest = rest.lstrip(GO_SPACE_CHARS)
    if not rest.startswith("["):
        return None
    try:
        value, _ = _json_decoder().raw_decode(rest)
    except (ValueError, _JSONReject):
        return None
    except RecursionError:
        # Too deep for Python's decoder: Go still accepts up to 10000 levels.
        if _go_json_array_valid(rest):
            raise _NotStringArray from None
        return None
    if not all(isinstance(v, str) for v in value):
        raise _NotStringArray
    # Go replaces lone surrogate escapes and invalid UTF-8 by U+FFFD.
    return tuple(_RE_SURROGATE.sub("\ufffd", v) if not v.isascii() else v for v in value)


# Compiled (through re's cache) only on the rare path that needs it, not at import.
_JSON_TOKEN: Final = r"""[ \t\n\r]*(?:
    (?P<s>"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")
  | (?P<n>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)
  | (?P<l>true|false|null)
  | (?P<p>[\[\]{},:])
)"""
_GO_JSON_MAX_DEPTH: Final = 10000


def _go_json_array_valid(s: str) -> bool:
    """Iterative check that ``s`` starts with one syntactically valid JSON
    value of at most 10000 levels whose numbers fit a float64 (Go's
    ``readValue`` plus number conversion); used when recursion runs out."""
    token = re.compile(_JSON_TOKEN, re.VERBOSE)
    stack: list[str] = []  # "[" or "{" per open container
    expect = "value"  # value | value_or_close | comma_or_close | key | key_or_close | colon
    pos = 0
    while True:
        m = token.match(s, pos)
        if m is None:
            return False
        pos = m.end()
        kind = m.lastgroup
        tok = m.group(kind or "p")
        if expect in ("key", "key_or_close"):
            if kind == "s":
                expect = "colon"
                continue
            if not (expect == "key_or_close" and tok == "}"):
                return False
        elif expect == "colon":
            if tok != ":":
                return False
            expect = "value"
            continue
        elif expect == "comma_or_close":
            if tok == ",":
                expect = "key" if stack[-1] == "{" else "value"
                continue
            if tok != ("]" if stack[-1] == "[" else "}"):
                return False
        elif tok in ("[", "{"):
            stack.append(tok)
            if len(stack) > _GO_JSON_MAX_DEPTH:
                return False
            expect = "value_or_close" if tok == "[" else "key_or_close"
            continue
        elif kind == "n":
            try:
                _go_number(tok)
            except _JSONReject:
                return False
        elif kind not in ("s", "l") and not (expect == "value_or_close" and tok == "]"):
            return False
        if tok in ("]", "}"):
            stack.pop()
        if not stack:
            return True
        expect = "comma_or_close"


def _parse_maybe_json(rest: str) -> tuple[tuple[str, ...], bool]:
    """``parseMaybeJSON`` (RUN, CMD, ENTRYPOINT, SHELL)."""
    if not rest:
        return (), False
    try:
        values = _parse_json(rest)
    except _NotStringArray:
        raise BuildKitError(_NOT_STRING_ARRAY_MSG) from None
    if values is not None:
        return values, True
    return (rest,), False


def _parse_maybe_json_to_list(rest: str) -> tuple[tuple[str, ...], bool]:
    """``parseMaybeJSONToList`` (ADD, COPY, VOLUME)."""
    try:
        values = _parse_json(rest)
    except _NotStringArray:
        raise BuildKitError(_NOT_STRING_ARRAY_MSG) from None
    if values is not None:
        return values, True
    return _parse_strings_whitespace_delimited(rest), False


def _parse_health_config(rest: str) -> tuple[tuple[str, ...], bool]:
    """``parseHealthConfig``: a type word, then ``parseMaybeJSON``.

    Byte-indexed like ``extractBuilderFlags``: bytes 0x85/0xA0 separate.
    """
    view = rest if rest.isascii() else _to_bytes_view(rest)
    sep = 0
    n = len(view)
    while sep < n and view[sep] not in _BYTE_SPACE:
        sep += 1
    if sep == 0:
        return (), False
    nxt = sep
    while nxt < n and view[nxt] in _BYTE_SPACE:
        nxt += 1
    typ, cmd = view[:sep], view[nxt:]
    if view is not rest:
        typ, cmd = _from_bytes_view(typ), _from_bytes_view(cmd)
    values, is_json = _parse_maybe_json(cmd)
    return (typ, *values), is_json


# ---------------------------------------------------------------------------
# parser.go

_JSON_PARSERS: Final = {
    "add": _parse_maybe_json_to_list,
    "cmd": _parse_maybe_json,
    "copy": _parse_maybe_json_to_list,
    "entrypoint": _parse_maybe_json,
    "healthcheck": _parse_health_config,
    "run": _parse_maybe_json,
    "shell": _parse_maybe_json,
    "volume": _parse_maybe_json_to_list,
}
_STRING_COMMANDS: Final = frozenset({"maintainer", "stopsignal", "user", "workdir"})
_WHITESPACE_COMMANDS: Final = frozenset({"expose", "from"})
_HEREDOC_DIRECTIVES: Final = frozenset({"add", "copy", "run"})


# Pure, and every pass of the engine parses the file again: all but the lines a fix rewrote are
# the same lines as before.
@functools.lru_cache(maxsize=16384)
def parse_logical_line(line: str, escape: str = "\\") -> BuildKitNode:
    """``newNodeFromLine``: split the command and dispatch on its keyword.

    ``escape`` is the ``# escape=`` directive's token (it only affects the
    ENV/LABEL/ARG word splitting; flag parsing always uses backslash).
    Raises BuildKitError with BuildKit's message.
    """
    cmd, flags, rest = _split_command(line)
    key = _go_lower(cmd)
    value: tuple[str, ...] = ()
    is_json = False
    sub: BuildKitNode | None = None
    if key in _JSON_PARSERS:
        value, is_json = _JSON_PARSERS[key](rest)
    elif key in _STRING_COMMANDS:
        value = (rest,) if rest else ()
    elif key in _WHITESPACE_COMMANDS:
        value = _parse_strings_whitespace_delimited(rest)
    elif key == "env" or key == "label":
        value = _parse_name_val(rest, "ENV" if key == "env" else "LABEL", escape)
    elif key == "arg":
        value = tuple(_parse_words(rest, escape))  # parseNameOrNameVal
    elif key == "onbuild":
        if rest:  # parseSubCommand: &Node{Children: []*Node{child}}
            sub = parse_logical_line(rest, escape)
            value = ("",)
    else:
        value = ("",)  # parseIgnore returns an empty &Node{}
    return BuildKitNode(cmd=cmd, flags=flags, value=value, json=is_json, sub=sub)


def can_contain_heredoc(node: BuildKitNode) -> bool:
    """``Node.canContainHeredoc``: RUN/COPY/ADD (or ONBUILD of one), not in JSON form."""
    if node.sub is not None and _go_lower(node.cmd) == "onbuild":
        node = node.sub
    return _go_lower(node.cmd) in _HEREDOC_DIRECTIVES and not node.json


@functools.lru_cache(maxsize=4096)  # pure, asked again every pass (see parse_logical_line)
def heredocs_from_line(line: str, *, heredoc_space: bool = True) -> tuple[HeredocSpec, ...]:
    """``heredocsFromLine``: the heredocs a line opens, in order.

    ``line`` is the whole logical line, keyword included; BuildKit calls this
    only when ``can_contain_heredoc`` holds.  The line is lexed with raw
    quotes and escapes and unset variables kept; a lexing error is ignored by
    Go, which then sees no words at all.  ``heredoc_space`` (the default):
    whitespace may follow ``<<`` as in BuildKit >= v0.22; False reads the
    line as v0.12 (the oracle) does.
    Raises BuildKitError from ``ParseHeredoc`` for a malformed marker word.
    """
    if "<<" not in line:  # no word can match reHeredoc otherwise
        return ()
    try:
        words = process_words(
            line, raw_quotes=True, raw_escapes=True, skip_unset_env=True, heredoc_space=heredoc_space
        )
    except ShellWordsError:
        return ()
    docs: list[HeredocSpec] = []
    for word in words:
        doc = parse_heredoc(word, heredoc_space=heredoc_space)
        if doc is not None:
            docs.append(doc)
    return tuple(docs)


def parse_heredoc(src: str, *, heredoc_space: bool = True) -> HeredocSpec | None:
    """``ParseHeredoc`` / ``heredocFromMatch``: a ``[n]<<[-][space]WORD`` word, or None.

    Also what BuildKit's RUN dispatch applies to a whole command line (``MustParseHeredoc``):
    ``<< EOF`` alone runs the body as the script.
    Raises BuildKitError for a malformed word (``<<'EOF``).
    """
    match = (_RE_HEREDOC if heredoc_space else _RE_HEREDOC_V0_12).fullmatch(src)
    if match is None:
        return None
    digits, dash, rest = match.groups()
    if not rest:
        return None
    # strconv.ParseUint: "" is an error giving 0; overflow saturates (and
    # Python's int() refuses more than 4300 digits).
    significant = digits.lstrip("0")
    fd = _MAX_UINT64 if len(significant) > 20 else min(int(significant or "0"), _MAX_UINT64)
    try:
        words = process_words(rest, skip_unset_env=True)
        if len(words) != 1:
            return None
        words_raw = process_words(rest, skip_unset_env=True, raw_quotes=True)
    except ShellWordsError as exc:
        raise BuildKitError(exc.message) from None
    if len(words_raw) != len(words):
        raise BuildKitError(f"internal lexing of heredoc produced inconsistent results: {rest}")
    word, word_raw = words[0], words_raw[0]
    # Any quoting in the marker disables expansion of the body.
    expand = word.count("'") + word.count('"') == word_raw.count("'") + word_raw.count('"')
    return HeredocSpec(name=word, chomp=dash == "-", expand=expand, fd=fd)


def view_fields(node: BuildKitNode) -> tuple[str, str | None, bool, tuple[str, ...], tuple[str, ...]]:
    """``(cmd, sub_cmd, json, flags, value)`` as the ``dockerfile`` package
    reports a node: for ONBUILD, sub_cmd/json/value come from the wrapped
    instruction and flags from ONBUILD itself.  An instruction with no
    arguments has value ``()``; an unknown one has ``("",)``."""
    if node.sub is None:
        return (node.cmd, None, node.json, node.flags, node.value)
    sub = node.sub
    return (node.cmd, sub.cmd, sub.json, node.flags, sub.value)
