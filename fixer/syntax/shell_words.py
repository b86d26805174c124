"""Pure-Python port of BuildKit's shell word lexer (``frontend/dockerfile/shell/lex.go``).

This is the ``Lex`` of the BuildKit the oracle embeds (v0.12 era), which the
Dockerfile parser uses to find heredoc markers: word splitting with quotes,
escapes and ``$VAR`` / ``${VAR...}`` expansion, with the ``RawQuotes``,
``RawEscapes``, ``SkipProcessQuotes`` and ``SkipUnsetEnv`` options.  It knows
``${VAR[:]+word}``, ``${VAR[:]-word}`` and ``${VAR[:]?word}``; the later
``${VAR#pat}`` / ``${VAR%pat}`` / ``${VAR/a/b}`` forms are errors ("missing
':' in substitution").

One later change is followed: ``processPossibleHeredoc`` (BuildKit v0.22,
Dockerfile frontend 1.16, moby/buildkit commit 0b77373, PR #5817), which keeps
``<<`` and the tabs, CRs and spaces after it in the word that follows, so
``<< EOF`` is one word (``heredoc_space=True``, the default).  It changes word
splitting only; ``process_word``'s result is the same either way.
``heredoc_space=False`` splits as v0.12 does, for comparing with the oracle.

Strings are Python ``str``; bytes that are not valid UTF-8 are expected as
``surrogateescape`` code points (U+DC80..U+DCFF).  Go's ``text/scanner``
decodes each such byte to U+FFFD, and so does this port.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

__all__ = [
    "GO_SPACE",
    "GO_SPACE_CHARS",
    "ShellWordsError",
    "go_is_space",
    "go_quote",
    "process_word",
    "process_words",
]

#: ``unicode.IsSpace``: Latin-1 spaces plus the Unicode White_Space property.
GO_SPACE_CHARS = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
GO_SPACE: frozenset[str] = frozenset(GO_SPACE_CHARS)

_EOF = ""  # scanner.EOF; every real rune is a 1-char string
_SPECIAL_PARAMS = frozenset("@*#?-$!0")
_SURROGATES_RE = re.compile("[\ud800-\udfff]")


def go_is_space(ch: str) -> bool:
    """``unicode.IsSpace`` for one rune."""
    return ch in GO_SPACE


def to_go_runes(s: str) -> str:
    """Decode like Go's ``range``/``utf8.DecodeRune``: each invalid byte (a
    surrogate escape) becomes U+FFFD."""
    return _SURROGATES_RE.sub("\ufffd", s) if not s.isascii() else s


def go_quote(s: str) -> str:
    """``strconv.Quote`` (what ``%q`` prints).  Surrogate escapes are raw
    bytes in Go, quoted as ``\\xNN``; Go's ``IsPrint`` (categories L, M, N, P,
    S plus ASCII space) is Python's ``isprintable`` per character."""
    out = ['"']
    for ch in s:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(_escape_rune(ch))
    out.append('"')
    return "".join(out)


_C_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _escape_rune(ch: str) -> str:
    """The non-printable branch of ``strconv.appendEscapedRune``."""
    o = ord(ch)
    if ch in _C_ESCAPES:
        return _C_ESCAPES[ch]
    if o < 0x20 or o == 0x7F:
        return f"\\x{o:02x}"
    if 0xDC80 <= o <= 0xDCFF:  # an invalid UTF-8 byte carried as a surrogate escape
        return f"\\x{o - 0xDC00:02x}"
    if 0xD800 <= o <= 0xDFFF:  # not a valid rune: Go prints U+FFFD's escape
        return "\\ufffd"
    if o < 0x10000:
        return f"\\u{o:04x}"
    return f"\\U{o:08x}"


class ShellWordsError(Exception):
    """An error from ``Lex.process``; ``message`` is Go's ``err.Error()``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Words:
    """``wordsStruct``: accumulates whitespace-split words."""

    __slots__ = ("in_word", "word", "words")

    def __init__(self) -> None:
        self.word = ""
        self.words: list[str] | None = None
        self.in_word = False

    def add_char(self, ch: str) -> None:
        """``addChar``: whitespace ends a non-empty word, else append."""
        if ch in GO_SPACE:
            # Quirk: an empty-but-started word (after ``''``) keeps in_word set.
            if self.in_word and self.word:
                self._flush()
        else:
            self.word += ch
            self.in_word = True

    def add_raw_char(self, ch: str) -> None:
        """``addRawChar``."""
        self.word += ch
        self.in_word = True

    def add_string(self, s: str) -> None:
        """``addString``: ``$`` expansions are re-split on whitespace."""
        for ch in s:
            self.add_char(ch)

    def add_raw_string(self, s: str) -> None:
        """``addRawString``: quoted text never splits (even when empty)."""
        self.word += s
        self.in_word = True

    def _flush(self) -> None:
        if self.words is None:
            self.words = []
        self.words.append(self.word)
        self.word = ""
        self.in_word = False

    def get_words(self) -> list[str]:
        """``getWords``: empty words (e.g. from ``''``) are dropped."""
        if self.word:
            self._flush()
        return self.words if self.words is not None else []


@functools.cache
def _plain_run_regex(escape: str) -> re.Pattern[str]:
    """Runes that ``processStopOn`` just appends: not whitespace, ``$``, ``<``,
    a quote, the escape token or ``}`` (the only stop rune besides EOF)."""
    return re.compile("[^" + GO_SPACE_CHARS + re.escape("$<'\"}" + escape) + "]+")


#: ``isWhitespace`` of ``processPossibleHeredoc``: what may follow ``<<`` in one word.
_HEREDOC_SPACE = "\t\r "


class _ShellWord:
    """``shellWord`` over a ``text/scanner.Scanner`` (Peek/Next on runes)."""

    __slots__ = (
        "_plain",
        "envs",
        "escape",
        "heredoc_space",
        "pos",
        "raw_escapes",
        "raw_quotes",
        "skip_process_quotes",
        "skip_unset_env",
        "src",
    )

    def __init__(
        self,
        source: str,
        envs: Mapping[str, str],
        escape: str,
        *,
        raw_quotes: bool,
        raw_escapes: bool,
        skip_unset_env: bool,
        skip_process_quotes: bool,
        heredoc_space: bool,
    ) -> None:
        src = to_go_runes(source)
        # text/scanner skips a byte-order mark, but only as the very first rune.
        self.src = src[1:] if src.startswith("\ufeff") else src
        self.pos = 0
        self.envs = envs
        self.escape = escape
        self._plain = _plain_run_regex(escape)
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes
        self.skip_unset_env = skip_unset_env
        self.skip_process_quotes = skip_process_quotes
        self.heredoc_space = heredoc_space

    def peek(self) -> str:
        """``Scanner.Peek``; ``_EOF`` at the end."""
        return self.src[self.pos] if self.pos < len(self.src) else _EOF

    def next(self) -> str:
        """``Scanner.Next``."""
        if self.pos < len(self.src):
            self.pos += 1
            return self.src[self.pos - 1]
        return _EOF

    def get_env(self, name: str) -> tuple[str, bool]:
        """``getEnv`` (``EqualEnvKeys`` is plain equality on Linux)."""
        if name in self.envs:
            return self.envs[name], True
        return "", False

    def process_stop_on(self, stop: str) -> tuple[str, list[str]]:
        """``processStopOn``: process until ``stop`` (consumed) or EOF."""
        result: list[str] = []
        words = _Words()
        quotes = not self.skip_process_quotes
        while self.pos < len(self.src):
            ch = self.src[self.pos]
            if stop and ch == stop:
                self.pos += 1
                return "".join(result), words.get_words()
            if ch == "$":
                tmp = self.process_dollar()
                result.append(tmp)
                words.add_string(tmp)
            elif quotes and ch in "'\"":
                tmp = self.process_single_quote() if ch == "'" else self.process_double_quote()
                result.append(tmp)
                words.add_raw_string(tmp)
            elif ch == "<" and self.heredoc_space:
                tmp = self.process_possible_heredoc()
                result.append(tmp)
                words.add_raw_string(tmp)
            elif run := self._plain.match(self.src, self.pos):
                # A run of ordinary non-space runes, added in one slice.
                chunk = run.group()
                self.pos = run.end()
                words.add_raw_string(chunk)
                result.append(chunk)
            else:
                self.pos += 1
                if ch == self.escape:
                    if self.raw_escapes:
                        words.add_raw_char(ch)
                        result.append(ch)
                    ch = self.next()
                    if ch == _EOF:  # an escape at the end is dropped
                        break
                    words.add_raw_char(ch)
                else:
                    words.add_char(ch)
                result.append(ch)
        if stop:
            raise ShellWordsError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(result), words.get_words()

    def process_possible_heredoc(self) -> str:
        """``processPossibleHeredoc``: ``<``, or ``<<`` with the tabs, CRs and
        spaces after it (kept in the word, so ``<< EOF`` does not split)."""
        self.pos += 1
        if self.peek() != "<":
            return "<"
        start = self.pos - 1
        self.pos += 1
        while self.pos < len(self.src) and self.src[self.pos] in _HEREDOC_SPACE:
            self.pos += 1
        return self.src[start : self.pos]

    def process_single_quote(self) -> str:
        """``processSingleQuote``: everything literal up to the next ``'``."""
        start = self.pos
        end = self.src.find("'", start + 1)
        if end < 0:
            self.pos = len(self.src)
            raise ShellWordsError("unexpected end of statement while looking for matching single-quote")
        self.pos = end + 1
        return self.src[start : end + 1] if self.raw_quotes else self.src[start + 1 : end]

    def process_double_quote(self) -> str:
        """``processDoubleQuote``: ``$`` expands; the escape token only escapes
        ``"``, ``$`` and itself (with RawEscapes a kept escape before another
        character is written twice -- a Go quirk preserved here)."""
        result: list[str] = []
        ch = self.next()
        if self.raw_quotes:
            result.append(ch)
        while True:
            peek = self.peek()
            if peek == _EOF:
                raise ShellWordsError("unexpected end of statement while looking for matching double-quote")
            if peek == '"':
                self.pos += 1
                if self.raw_quotes:
                    result.append(peek)
                return "".join(result)
            if peek == "$":
                result.append(self.process_dollar())
                continue
            ch = self.next()
            if ch == self.escape:
                if self.raw_escapes:
                    result.append(ch)
                nxt = self.peek()
                if nxt == _EOF:
                    continue
                if nxt in ('"', "$", self.escape):
                    ch = self.next()
            result.append(ch)

    def _stop_on_brace(self) -> str:
        """The ``processStopOn('}')`` call of ``${...}`` with its error remap."""
        try:
            word, _ = self.process_stop_on("}")
        except ShellWordsError:
            if self.peek() == _EOF:
                raise ShellWordsError("syntax error: missing '}'") from None
            raise
        return word

    def process_dollar(self) -> str:
        """``processDollar``: ``$name``, ``${name}``, ``${name<op>word}`` and
        ``${name:<op>word}`` for op in ``+ - ?``."""
        self.next()
        if self.peek() != "{":
            name = self.process_name()
            if not name:
                return "$"
            value, found = self.get_env(name)
            if not found and self.skip_unset_env:
                return "$" + name
            return value
        self.next()
        peek = self.peek()
        if peek == _EOF:
            raise ShellWordsError("syntax error: missing '}'")
        if peek in "{}:":
            raise ShellWordsError("syntax error: bad substitution")
        name = self.process_name()
        ch = self.next()
        if ch == "}":
            value, found = self.get_env(name)
            if not found and self.skip_unset_env:
                return "${" + name + "}"
            return value
        null_is_unset = ch == ":"
        if null_is_unset:
            ch = self.next()
            chs = ":" + (ch or "\ufffd")  # Go's string(EOF) is U+FFFD
        elif ch in ("+", "-", "?"):
            chs = ch
        else:
            raise ShellWordsError("missing ':' in substitution")
        word = self._stop_on_brace()
        value, found = self.get_env(name)
        if not found and self.skip_unset_env:
            # Quirk: returned before the operator is validated, so "${x:=y}"
            # and "${x:#y}" pass here although they are errors when set.
            return f"${{{name}{chs}{word}}}"
        return self._apply_operator(name, ch, chs, word, value, found, null_is_unset)

    @staticmethod
    def _apply_operator(
        name: str, op: str, chs: str, word: str, value: str, found: bool, null_is_unset: bool
    ) -> str:
        """The operator switch at the end of ``processDollar``."""
        unset = not found or (null_is_unset and not value)
        if op == "-":
            return word if unset else value
        if op == "+":
            return "" if unset else word
        if op == "?":
            if not found:
                raise ShellWordsError(f"{name}: {word or 'is not allowed to be unset'}")
            if null_is_unset and not value:
                raise ShellWordsError(f"{name}: {word or 'is not allowed to be empty'}")
            return value
        raise ShellWordsError(f"unsupported modifier ({chs}) in substitution")

    def process_name(self) -> str:
        """``processName``: a run of digits, one special parameter, or a
        letters/digits/underscore name (Unicode ``IsLetter``/``IsDigit``)."""
        start = self.pos
        src = self.src
        n = len(src)
        if start >= n:
            return ""
        ch = src[start]
        if ch.isdecimal():  # unicode.IsDigit is category Nd
            end = start + 1
            while end < n and src[end].isdecimal():
                end += 1
            self.pos = end
            return src[start:end]
        if ch in _SPECIAL_PARAMS:
            self.pos = start + 1
            return ch
        end = start
        while end < n and (src[end].isalpha() or src[end].isdecimal() or src[end] == "_"):
            end += 1
        self.pos = end
        return src[start:end]


def _process(
    source: str,
    env: Mapping[str, str] | None,
    escape: str,
    raw_quotes: bool,
    raw_escapes: bool,
    skip_unset_env: bool,
    skip_process_quotes: bool,
    heredoc_space: bool,
) -> tuple[str, list[str]]:
    """``Lex.process`` / ``shellWord.process``: wraps errors like Go's
    ``errors.Wrapf(err, "failed to process %q", source)``."""
    sw = _ShellWord(
        source,
        env or {},
        escape,
        raw_quotes=raw_quotes,
        raw_escapes=raw_escapes,
        skip_unset_env=skip_unset_env,
        skip_process_quotes=skip_process_quotes,
        heredoc_space=heredoc_space,
    )
    try:
        return sw.process_stop_on(_EOF)
    except ShellWordsError as exc:
        raise ShellWordsError(f"failed to process {go_quote(source)}: {exc.message}") from None


def process_words(
    word: str,
    env: Mapping[str, str] | None = None,
    *,
    escape: str = "\\",
    raw_quotes: bool = False,
    raw_escapes: bool = False,
    skip_unset_env: bool = False,
    skip_process_quotes: bool = False,
    heredoc_space: bool = True,
) -> list[str]:
    """``Lex.ProcessWords``: expand and split ``word`` into shell words.

    Raises ShellWordsError.  Go returns an *empty* word list together with
    the error, so callers that ignore the error (``heredocsFromLine``) see
    no words at all.  ``heredoc_space``: ``<<`` keeps the whitespace after
    it in its word, as in BuildKit >= v0.22 (see the module docstring).
    """
    return _process(
        word, env, escape, raw_quotes, raw_escapes, skip_unset_env, skip_process_quotes, heredoc_space
    )[1]


def process_word(
    word: str,
    env: Mapping[str, str] | None = None,
    *,
    escape: str = "\\",
    raw_quotes: bool = False,
    raw_escapes: bool = False,
    skip_unset_env: bool = False,
    skip_process_quotes: bool = False,
) -> str:
    """``Lex.ProcessWord``: expand ``word`` without splitting it (``<<`` plus
    whitespace reads the same in every BuildKit, so there is no ``heredoc_space``)."""
    return _process(word, env, escape, raw_quotes, raw_escapes, skip_unset_env, skip_process_quotes, True)[0]
