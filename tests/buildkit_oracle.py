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

One difference is dfix's choice, not the binding's fault: the binding embeds BuildKit v0.12, which does
not know the ``# check=`` directive (BuildKit >= 0.14) and ends the directive block at it. dfix reads
directives as current BuildKit does, so a ``check`` directive followed by another directive, or
repeated, is also `OracleBlind` here; tests/syntax/test_faithful.py pins the current behaviour.

Import this module only after ``pytest.importorskip("dockerfile")`` (or guard on `HAVE_BUILDKIT`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    """BuildKit parses `text` and every instruction in it is one BuildKit knows (False when blind)."""
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

    Returns what happened: ``"faithful"``, ``"both-reject"`` or ``"blind"`` (the oracle cannot tell;
    only "no exception other than ParseError" is checked then).
    """
    import fixer

    __tracebackhide__ = True
    try:
        theirs: list[Instruction] | None = bk_view(text)
        their_error = None
    except OracleBlind:
        with contextlib.suppress(fixer.ParseError):
            fixer.parse(text)
        return "blind"
    except buildkit.GoParseError as e:
        theirs, their_error = None, str(e)

    try:
        tree = fixer.parse(text)
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
