"""BuildKit's own parser (the `dockerfile` package, cgo) as the test oracle.

Mirrors ``../shared/tools/corpus_check.py``: `bk_view` is BuildKit's parse in the shape of
``fixer.parse(text).to_buildkit()``, and `bk_accepts` says whether BuildKit parses the text *and* knows
every instruction in it (its parser alone accepts ``FOO bar``).

Deliberate differences from corpus_check, where the binding (not the BuildKit semantics) is at fault:

* corpus_check calls ``bk_view(text.lstrip("\\ufeff"))``, which strips *every* leading BOM. BuildKit's
  ``discardBOM`` strips one, and ``parse_string`` already does that itself, so `bk_view` passes the
  text through unchanged (identical for files with at most one BOM).
* The binding hands the text to Go as a C string, so it stops at the first NUL (``"FROM a\\x00b"``
  parses as ``FROM a``), and hands values back the same way (``CMD ["\\u0000"]`` comes back as
  ``("",)``). BuildKit reads and keeps the whole text.
* BuildKit's HEALTHCHECK parser walks bytes as if they were runes, so a UTF-8 continuation byte 0x85
  or 0xA0 (in NBSP, ``à``, ``Å`` …) counts as a space and splits a character in two
  (``HEALTHCHECK CMD\\u00a00``); the binding then fails to decode its own result.

In these cases `bk_parse` raises `OracleBlind` and callers skip the comparison (a Python ``str`` parser
cannot reproduce half a character).

Two differences are dfix's choice, not the binding's fault: the binding embeds BuildKit v0.12.5
(Dockerfile frontend 1.6), and dfix follows current BuildKit where that parses differently.

* v0.12 does not know the ``# check=`` directive (BuildKit >= 0.14) and ends the directive block at
  it. dfix reads directives as current BuildKit does, so a ``check`` directive followed by another
  directive, or repeated, is `OracleBlind` here; tests/syntax/test_faithful.py pins the current
  behaviour.
* v0.12 takes no heredoc marker with whitespace after ``<<``: to it ``RUN << EOF`` is a plain command
  and the body's lines are instructions of their own. BuildKit >= 0.22 (Dockerfile frontend >= 1.16,
  moby/buildkit 0b77373, PR #5817) reads a heredoc there, and so does dfix. Such a text is not
  skipped: `check_against_buildkit` parses it both ways, and where the two readings differ it
  compares v0.12's reading (``fixer.syntax.parser.parse(text, heredoc_space=False)``) with the oracle,
  exactly as it compares any other text, and says so (``"newer-heredoc"``). Only a text with ``<<``
  followed by a space, tab or CR can read differently (`may_read_heredocs_differently`); dfix's own
  reading of those is pinned, case by case, by tests/syntax/test_faithful.py (``NEWER_HEREDOCS``), read off
  current BuildKit's ``heredocsFromLine``.

Import this module only after ``pytest.importorskip("dockerfile")`` (or guard on `HAVE_BUILDKIT`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import fixer

try:
    import dockerfile as buildkit
except ImportError:  # pragma: no cover - the oracle is an optional test dependency
    buildkit = None

HAVE_BUILDKIT = buildkit is not None

PROJECT = Path(__file__).resolve().parents[1]
REALWORLD = PROJECT.parent / "shared/corpus/realworld"
GOLDEN = PROJECT / "corpus"

KNOWN = frozenset(
    {
        "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
        "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
    }
)  # fmt: skip

BOM = "\ufeff"

Instruction = dict[str, Any]


class OracleBlind(Exception):
    """The binding cannot tell what BuildKit makes of this text (see the module docstring)."""


def bk_parse(text: str) -> tuple[Any, ...]:
    """BuildKit's raw parse; raises ``dockerfile.GoParseError`` where BuildKit rejects the text."""
    assert buildkit is not None, "the `dockerfile` package (BuildKit's parser) is not installed"
    if "\x00" in text:
        raise OracleBlind("the binding stops reading at the first NUL")
    if older_buildkit_reads_directives_differently(text):
        raise OracleBlind("`# check=` before another directive: v0.12 ends the directive block there")
    if "\\u0000" in text.lower():
        raise OracleBlind("the binding truncates values at a NUL (JSON \\u0000)")
    try:
        return tuple(buildkit.parse_string(text))
    except UnicodeDecodeError as e:
        raise OracleBlind(f"BuildKit split a UTF-8 character ({e})") from e


def older_buildkit_reads_directives_differently(text: str) -> bool:
    """True when the directive block has a ``check`` directive that is not its last, or two of them."""
    from fixer.syntax import lexer

    keys = []
    for content, _ in lexer.split_lines(text.removeprefix(BOM)):
        found = lexer.match_directive(content)
        if found is None:
            break
        keys.append(found[0])
    return "check" in keys[:-1] or keys.count("check") > 1


_SPACED_HEREDOC = re.compile(r"<<[\t\r ]")


def may_read_heredocs_differently(text: str) -> bool:
    """Whether current BuildKit and v0.12 may find different heredocs in ``text``.

    Only ``<<`` followed by a tab, CR or space (``processPossibleHeredoc``'s whitespace) can open a
    heredoc for one and not the other; on any other text the two readings are the same.
    """
    return _SPACED_HEREDOC.search(text) is not None


def _parse_as_v0_12(text: str) -> fixer.Dockerfile:
    """dfix's parse as BuildKit v0.12 (the binding's) reads heredoc markers."""
    from fixer.syntax.parser import parse

    return parse(text, heredoc_space=False)


def versions_differ(text: str) -> bool:
    """True when dfix's reading of ``text`` (current BuildKit's) and v0.12's are not the same."""
    if not may_read_heredocs_differently(text):
        return False
    return _outcome(lambda: fixer.parse(text)) != _outcome(lambda: _parse_as_v0_12(text))


def _outcome(parse: Callable[[], fixer.Dockerfile]) -> object:
    try:
        return parse().to_buildkit()
    except fixer.ParseError as e:
        return ("ParseError", e.message)


def bk_view(text: str) -> list[Instruction]:
    """BuildKit's parse of `text` as the list of dicts `Dockerfile.to_buildkit()` returns."""
    return [
        {
            # A line made only of escape characters (`FROM x\n\\\n\\\n`) yields a node with no
            # keyword, which the binding reports as None; corpus_check would crash on it.
            "cmd": (c.cmd or "").upper(),
            "sub_cmd": c.sub_cmd,
            "json": c.json,
            "flags": tuple(c.flags),
            "value": tuple(c.value),
            "heredocs": tuple((h.name, h.content) for h in c.heredocs),
            "start_line": c.start_line,
            "end_line": c.end_line,
        }
        for c in bk_parse(text)
    ]


def bk_error(text: str) -> str | None:
    """BuildKit's error message for `text`, or None when its parser accepts it."""
    try:
        bk_parse(text)
    except buildkit.GoParseError as e:
        return str(e)
    return None


def bk_accepts(text: str) -> bool:
    """BuildKit parses `text` and every instruction in it is one BuildKit knows (False when blind).

    False too where current BuildKit and the binding's v0.12 read different heredocs in the text
    (`versions_differ`): what v0.12 accepts there says nothing about what current BuildKit does.
    """
    if versions_differ(text):
        return False
    try:
        return all((c.cmd or "").upper() in KNOWN for c in bk_parse(text))
    except (buildkit.GoParseError, OracleBlind):
        return False


def shorten(text: str, limit: int = 300) -> str:
    """``repr(text)``, cut in the middle when long (a 64 KiB line must not flood the report)."""
    r = repr(text)
    if len(r) <= limit:
        return r
    return f"{r[: limit * 2 // 3]} … {r[-limit // 3 :]} ({len(text)} chars)"


def first_difference(mine: list[Instruction], theirs: list[Instruction]) -> str:
    """A short human-readable account of where two instruction lists first differ."""
    for i, (m, t) in enumerate(zip(mine, theirs, strict=False)):
        if m != t:
            keys = [k for k in t if m.get(k) != t[k]] + [k for k in m if k not in t]
            detail = ", ".join(f"{k}: fixer={m.get(k)!r} buildkit={t.get(k)!r}" for k in keys)
            return f"instruction #{i} (BuildKit line {t['start_line']}, {t['cmd']}): {detail}"
    return f"{len(mine)} instructions from fixer vs {len(theirs)} from BuildKit"


def realworld_files() -> list[Path]:
    """Every Dockerfile of the real-world corpus (empty when the corpus is absent)."""
    if not REALWORLD.is_dir():
        return []
    return sorted(p for p in REALWORLD.rglob("*") if p.is_file() and p.suffix not in (".tsv", ".md"))


def golden_files() -> list[Path]:
    """Every ``*.Dockerfile`` under the project's golden ``corpus/`` directory."""
    return sorted(GOLDEN.glob("**/*.Dockerfile"))


def read_utf8(path: Path) -> str | None:
    """The file's text exactly as stored (no newline translation), or None if it is not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None


def utf8_texts(paths: list[Path]) -> Iterator[tuple[Path, str]]:
    for p in paths:
        text = read_utf8(p)
        if text is not None:
            yield p, text


def corpus_cases() -> list[tuple[str, Path | None]]:
    """(id, path) for every golden and real-world Dockerfile; ``(reason, None)`` marks an absent corpus.

    Ids are readable relative paths: ``golden/<case>/input.Dockerfile``,
    ``realworld/<owner>__<repo>/<file>``.
    """
    cases: list[tuple[str, Path | None]] = [
        (f"golden/{p.relative_to(GOLDEN).as_posix()}", p) for p in golden_files()
    ]
    real = realworld_files()
    if real:
        cases += [(f"realworld/{p.relative_to(REALWORLD).as_posix()}", p) for p in real]
    else:
        cases.append((f"realworld corpus absent ({REALWORLD})", None))
    return cases


def check_against_buildkit(text: str) -> str:
    """Compare ``fixer.parse(text)`` with BuildKit's parser; raise AssertionError on any disagreement.

    * BuildKit rejects ⇒ fixer raises ``fixer.ParseError`` with the same message.
    * BuildKit accepts ⇒ fixer parses, and ``to_buildkit()`` equals `bk_view`.

    Returns what happened: ``"faithful"``, ``"both-reject"``, ``"blind"`` (the oracle cannot tell;
    only "no exception other than ParseError" is checked then), or ``"newer-heredoc"``: current
    BuildKit reads a heredoc here that v0.12 does not (``RUN << EOF``), and dfix's v0.12 reading
    (``parse(text, heredoc_space=False)``) was compared with the oracle instead, under the same rules.
    """
    __tracebackhide__ = True
    if versions_differ(text):  # (which parses it both ways: nothing but ParseError may escape)
        outcome = _compare(text, _parse_as_v0_12)
        return outcome if outcome == "blind" else "newer-heredoc"
    return _compare(text, fixer.parse)


def _compare(text: str, parse: Callable[[str], fixer.Dockerfile]) -> str:
    __tracebackhide__ = True
    try:
        theirs: list[Instruction] | None = bk_view(text)
        their_error = None
    except OracleBlind:
        with contextlib.suppress(fixer.ParseError):
            parse(text)
        return "blind"
    except buildkit.GoParseError as e:
        theirs, their_error = None, str(e)

    try:
        tree = parse(text)
    except fixer.ParseError as e:
        assert their_error is not None, f"fixer rejects text BuildKit accepts: {e}\n  text: {shorten(text)}"
        assert e.message == their_error, (
            f"both reject, different messages: fixer={e.message!r} buildkit={their_error!r}"
            f"\n  text: {shorten(text)}"
        )
        return "both-reject"
    assert theirs is not None, f"fixer accepts text BuildKit rejects ({their_error})\n  text: {shorten(text)}"
    mine = tree.to_buildkit()
    assert mine == theirs, f"not faithful: {first_difference(mine, theirs)}\n  text: {shorten(text)}"
    return "faithful"
