"""Conformance of fixer.syntax.buildkit against BuildKit's own parser.

The ``dockerfile`` package wraps BuildKit's Go parser; every case parses a
small Dockerfile holding the line and compares what it reports with the
port.  Oracle artefacts of the cgo binding (not of BuildKit) are mapped:
strings are C strings (cut at NUL), and a result that is invalid UTF-8 in Go
raises UnicodeDecodeError (the port shows it as surrogate escapes).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

dockerfile = pytest.importorskip("dockerfile")

from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from fixer.syntax.buildkit import (  # noqa: E402
    GO_SPACE,
    BuildKitError,
    BuildKitNode,
    HeredocSpec,
    can_contain_heredoc,
    heredocs_from_line,
    parse_logical_line,
    view_fields,
)
from fixer.syntax.shell_words import ShellWordsError, process_word, process_words  # noqa: E402

# ---------------------------------------------------------------------------
# oracle plumbing

_CONTINUATION = {
    "\\": re.compile(r"([^\\])\\[ \t]*\Z|^\\[ \t]*\Z"),
    "`": re.compile(r"([^`])`[ \t]*\Z|^`[ \t]*\Z"),
}
_BODY = "b0dy"
_GO_SPACE_CHARS = "".join(sorted(GO_SPACE))


def _valid_line(line: str, escape: str = "\\") -> bool:
    """Lines the oracle sees as exactly one logical line."""
    stripped = line.lstrip(_GO_SPACE_CHARS)
    return (
        bool(stripped)
        and "\n" not in line
        and "\x00" not in line
        and not line.endswith("\r")
        and not stripped.startswith("#")
        and not _CONTINUATION[escape].search(stripped)
        and not any("\ud800" <= ch <= "\udfff" for ch in line)
    )


def _cstr(s: str) -> str:
    """What a Go string looks like after C.CString + PyUnicode_FromString."""
    return s.split("\x00", 1)[0]


def _has_invalid_utf8(fields: Any) -> bool:
    return any(
        "\udc80" <= ch <= "\udcff"
        for f in fields
        for s in (f if isinstance(f, tuple) else (f,))
        if isinstance(s, str)
        for ch in s
    )


def _fd_as_c_long(fd: int) -> int:
    return fd - (1 << 64) if fd >= 1 << 63 else fd


Result = tuple[Any, ...] | str


def _ours(line: str, escape: str = "\\") -> tuple[Result, tuple[HeredocSpec, ...]]:
    """(view fields | "ERR: msg" | "UDE", heredocs) from the port, reading heredoc markers as
    the oracle's v0.12 does (``<< EOF`` is a heredoc only from v0.22 on: tests/syntax/test_faithful.py)."""
    try:
        node = parse_logical_line(line, escape)
        opens = can_contain_heredoc(node)
        docs = heredocs_from_line(line.lstrip(_GO_SPACE_CHARS), heredoc_space=False) if opens else ()
    except BuildKitError as exc:
        return "ERR: " + _cstr(exc.message), ()
    fields = view_fields(node)
    if _has_invalid_utf8(fields):
        return "UDE", docs
    cmd, sub_cmd, is_json, flags, value = fields
    return (
        cmd,
        sub_cmd,
        is_json,
        tuple(map(_cstr, flags)),
        tuple(map(_cstr, value)),
    ), docs


def _dockerfile_for(line: str, docs: tuple[HeredocSpec, ...], escape: str = "\\") -> str:
    """The line, then a body line and a terminator per heredoc the port
    found (a chomping terminator gets a leading tab, which only ``<<-``
    accepts)."""
    parts = ["FROM x", line] if escape == "\\" else [f"# escape={escape}", "FROM x", line]
    for doc in docs:
        parts += [_BODY, ("\t" if doc.chomp else "") + doc.name]
    return "\n".join(parts) + "\n"


def _oracle(text: str) -> tuple[Result, Any]:
    """(fields | "ERR: msg" | "UDE", commands) from BuildKit."""
    try:
        cmds = dockerfile.parse_string(text)
    except dockerfile.GoParseError as exc:
        return "ERR: " + str(exc), None
    except UnicodeDecodeError:
        return "UDE", None
    c = cmds[1]
    return (c.cmd, c.sub_cmd, c.json, c.flags, c.value), cmds


def _unterminable(doc: HeredocSpec) -> bool:
    """No line can end this heredoc: BuildKit strips trailing CR/LF from
    candidate lines, and leading tabs too for ``<<-``."""
    return doc.name.endswith("\r") or (doc.chomp and doc.name.startswith("\t"))


def assert_matches_oracle(line: str, escape: str = "\\") -> None:
    ours, docs = _ours(line, escape)
    theirs, cmds = _oracle(_dockerfile_for(line, docs, escape))
    if any(map(_unterminable, docs)):
        assert theirs == "ERR: unterminated heredoc", f"line={line!r}"
        return
    assert ours == theirs, f"line={line!r}"
    if cmds is None:
        return
    # The heredocs consumed exactly the lines we predicted ...
    assert len(cmds) == 2, f"line={line!r}"
    assert cmds[1].end_line == cmds[1].start_line + 2 * len(docs), f"line={line!r}"
    # ... with the same names/fds (the binding only reports them for non-ONBUILD).
    if cmds[1].sub_cmd is None:
        got = [(h.name, h.file_descriptor, h.content) for h in cmds[1].heredocs]
        want = [(_cstr(d.name), _fd_as_c_long(d.fd), _BODY + "\n") for d in docs]
        assert got == want, f"line={line!r}"


# ---------------------------------------------------------------------------
# named cases, one group per BuildKit function

P = pytest.param

SPLIT_COMMAND = [
    P("RUN echo hi", ("RUN", None, False, (), ("echo hi",)), id="run-plain"),
    P("run  \t echo   hi  ", ("run", None, False, (), ("echo   hi",)), id="keyword-case-kept-args-trimmed"),
    P("RUN\u3000x", ("RUN\u3000x", None, False, (), ("",)), id="unicode-space-is-not-a-separator"),
    P("RUN\xa0x", None, id="nbsp-is-not-a-separator"),
    P('ENTRYPO\u0130NT ["a"]', ("ENTRYPO\u0130NT", None, True, (), ("a",)), id="go-tolower-dotted-I"),
    P("WOR\u212aDIR /x", ("WOR\u212aDIR", None, False, (), ("/x",)), id="go-tolower-kelvin"),
    P("RUN \u2000 x \u3000", None, id="trimspace-unicode"),
]

EXTRACT_FLAGS = [
    P(
        "RUN --mount type=x echo",
        ("RUN", None, False, ("--mount",), ("type=x echo",)),
        id="flag-no-separate-arg",
    ),
    P("RUN --a=1 --b c d", ("RUN", None, False, ("--a=1", "--b"), ("c d",)), id="two-flags"),
    P("RUN --", ("RUN", None, False, (), ()), id="dashdash-alone"),
    P("RUN -- x", ("RUN", None, False, (), ("x",)), id="dashdash-ends-flags"),
    P("RUN --a -- x", ("RUN", None, False, ("--a",), ("x",)), id="flag-then-dashdash"),
    P('RUN --a "b c" d', ("RUN", None, False, ("--a",), ('"b c" d',)), id="quoted-word-ends-flags"),
    P('RUN --a="b c" d', ("RUN", None, False, ("--a=b c",), ("d",)), id="quoted-flag-value"),
    P("RUN --a='' d", ("RUN", None, False, ("--a=",), ("d",)), id="empty-quoted-flag-value"),
    P("RUN --''", None, id="flag-dashdash-quoted-empty"),
    P('RUN --"" x', ("RUN", None, False, (), ("x",)), id="quoted-dashdash-ends-flags"),
    P("RUN --a\\ b c", ("RUN", None, False, ("--a b",), ("c",)), id="escaped-space-in-flag"),
    P("RUN --a\\", ("RUN", None, False, ("--a",), ()), id="trailing-escape-in-flag"),
    P('RUN --a"b\\', ("RUN", None, False, ("--ab",), ()), id="trailing-escape-in-quoted-flag"),
    P('RUN --a"b c', ("RUN", None, False, ("--ab c",), ()), id="unterminated-quote-in-flag"),
    P("RUN --x=\u00e9 y", ("RUN", None, False, ("--x=\u00c3\u00a9",), ("y",)), id="flag-bytes-as-latin1"),
    P("ENV --a\u0800x=1", ("ENV", None, False, ("--a\u00e0",), ("\ufffdx", "1")), id="flag-split-at-a0-byte"),
    P("RUN --a\u0800 x", "UDE", id="flag-split-leaves-invalid-utf8"),
    P("RUN -x --y z", ("RUN", None, False, (), ("-x --y z",)), id="single-dash-is-not-a-flag"),
    P("RUN \v--a b", ("RUN", None, False, ("--a",), ("b",)), id="vtab-before-flag"),
]

PARSE_IGNORE = [
    P("BOGUS a b", ("BOGUS", None, False, (), ("",)), id="unknown-keyword"),
    P("BOGUS", ("BOGUS", None, False, (), ("",)), id="unknown-keyword-no-args"),
    P("BOGUS --f x", ("BOGUS", None, False, ("--f",), ("",)), id="unknown-keyword-flags"),
]

PARSE_SUB_COMMAND = [
    P("ONBUILD RUN --x a b", ("ONBUILD", "RUN", False, (), ("a b",)), id="onbuild-drops-sub-flags"),
    P("ONBUILD --f RUN --g x", ("ONBUILD", "RUN", False, ("--f",), ("x",)), id="onbuild-own-flags"),
    P("onbuild", ("onbuild", None, False, (), ()), id="onbuild-empty"),
    P("ONBUILD --x", ("ONBUILD", None, False, ("--x",), ()), id="onbuild-flag-only"),
    P('ONBUILD CMD ["a"]', ("ONBUILD", "CMD", True, (), ("a",)), id="onbuild-json"),
    P("ONBUILD ONBUILD RUN x", ("ONBUILD", "ONBUILD", False, (), ("",)), id="onbuild-onbuild"),
    P("ONBUILD ENV a", "ERR: ENV must have two arguments", id="onbuild-error-propagates"),
    P("ONBUILD bogus", ("ONBUILD", "bogus", False, (), ("",)), id="onbuild-unknown"),
    P("ONBUILD RUN <<EOF", None, id="onbuild-heredoc"),
]

PARSE_WORDS = [  # via ARG (parseNameOrNameVal) and ENV/LABEL
    P("ARG", ("ARG", None, False, (), ()), id="arg-empty"),
    P("ARG a b=c", ("ARG", None, False, (), ("a", "b=c")), id="arg-words"),
    P("ARG a\\ b", ("ARG", None, False, (), ("a\\ b",)), id="arg-escape-kept"),
    P("ARG a\\", ("ARG", None, False, (), ("a",)), id="arg-trailing-escape-dropped"),
    P("ARG a='b c' d", ("ARG", None, False, (), ("a='b c'", "d")), id="arg-quotes-kept"),
    P("ARG a='b\\' c", ("ARG", None, False, (), ("a='b\\'", "c")), id="arg-no-escape-in-single-quotes"),
    P('ARG a="b\\" c"', ("ARG", None, False, (), ('a="b\\" c"',)), id="arg-escape-in-double-quotes"),
    P('ARG a="b\\', ("ARG", None, False, (), ('a="b',)), id="arg-trailing-escape-in-quote"),
    P("ARG ''", ("ARG", None, False, (), ("''",)), id="arg-empty-quotes"),
    P("ARG a\u2000b\x1cc", ("ARG", None, False, (), ("a", "b\x1cc")), id="arg-go-isspace"),
    P("ARG \\'a b'", ("ARG", None, False, (), ("\\'a", "b'")), id="arg-escaped-quote"),
]

PARSE_NAME_VAL = [
    P("ENV", ("ENV", None, False, (), ()), id="env-empty"),
    P("ENV a", "ERR: ENV must have two arguments", id="env-one-word"),
    P("LABEL a", "ERR: LABEL must have two arguments", id="label-one-word"),
    P("ENV a b", ("ENV", None, False, (), ("a", "b")), id="env-old-form"),
    P("ENV a  b c", ("ENV", None, False, (), ("a", "b c")), id="env-old-form-rest"),
    P('ENV "a b"', ("ENV", None, False, (), ('"a', 'b"')), id="env-old-form-splits-raw"),
    P("ENV a\\ b", ("ENV", None, False, (), ("a\\", "b")), id="env-old-form-escaped-space"),
    P("ENV a\u3000b", "ERR: ENV must have two arguments", id="env-old-form-ascii-split-only"),
    P("ENV a=b", ("ENV", None, False, (), ("a", "b")), id="env-new-form"),
    P('ENV a="b c" d=e', ("ENV", None, False, (), ("a", '"b c"', "d", "e")), id="env-new-form-pairs"),
    P("ENV a=b=c", ("ENV", None, False, (), ("a", "b=c")), id="env-splitn"),
    P("ENV =a", ("ENV", None, False, (), ("", "a")), id="env-blank-name-allowed"),
    P("ENV a=b c", None, id="env-missing-equals"),
    P('LABEL a=b "c\\"d"', None, id="label-missing-equals-quoted"),
    P("ENV a=b \x01\u00a0\u200b", None, id="env-missing-equals-go-quote"),
    P('LABEL "a b"=c', ("LABEL", None, False, (), ('"a b"', "c")), id="label-quoted-key"),
]

PARSE_STRINGS = [  # parseStringsWhitespaceDelimited and parseString
    P("FROM", ("FROM", None, False, (), ()), id="from-empty"),
    P("FROM a AS b", ("FROM", None, False, (), ("a", "AS", "b")), id="from-words"),
    P("EXPOSE a \t\v b", ("EXPOSE", None, False, (), ("a", "b")), id="expose-ascii-ws"),
    P("EXPOSE a\u3000 b", ("EXPOSE", None, False, (), ("a\u3000", "b")), id="expose-unicode-ws-kept"),
    P("EXPOSE a\x1cb", ("EXPOSE", None, False, (), ("a\x1cb",)), id="expose-not-python-split"),
    P("MAINTAINER  x y ", ("MAINTAINER", None, False, (), ("x y",)), id="maintainer"),
    P("USER", ("USER", None, False, (), ()), id="user-empty"),
    P("WORKDIR '/a b'", ("WORKDIR", None, False, (), ("'/a b'",)), id="workdir"),
    P("STOPSIGNAL SIGKILL", ("STOPSIGNAL", None, False, (), ("SIGKILL",)), id="stopsignal"),
]

PARSE_JSON = [
    P("CMD []", ("CMD", None, True, (), ()), id="json-empty-array"),
    P("CMD", ("CMD", None, False, (), ()), id="cmd-empty"),
    P('RUN ["a"] b', ("RUN", None, True, (), ("a",)), id="json-trailing-text-ignored"),
    P('CMD ["a"]]', ("CMD", None, True, (), ("a",)), id="json-trailing-bracket-ignored"),
    P('RUN ["a"', ("RUN", None, False, (), ('["a"',)), id="json-unterminated"),
    P('RUN ["a",]', ("RUN", None, False, (), ('["a",]',)), id="json-trailing-comma"),
    P("CMD {}", ("CMD", None, False, (), ("{}",)), id="json-object-is-not-array"),
    P(
        'CMD ["a", 1]',
        "ERR: when using JSON array syntax, arrays must be comprised of strings only",
        id="json-number",
    ),
    P("CMD [null]", None, id="json-null"),
    P("CMD [[]]", None, id="json-nested"),
    P("CMD [NaN]", ("CMD", None, False, (), ("[NaN]",)), id="json-nan-is-not-json"),
    P("CMD [-Infinity]", None, id="json-infinity-is-not-json"),
    P("CMD [1e999]", ("CMD", None, False, (), ("[1e999]",)), id="json-float-overflow-is-not-json"),
    P('CMD ["a", [1e999]]', None, id="json-nested-overflow-is-not-json"),
    P("CMD [1e-999]", None, id="json-float-underflow-ok"),
    P("CMD [" + "1" * 5000 + "]", None, id="json-huge-int-overflows"),
    P("CMD [" + "1" * 300 + "]", None, id="json-big-int-fits"),
    P(
        'CMD ["\\ud800\\udc00", "\\udc00\\ud800"]',
        ("CMD", None, True, (), ("\U00010000", "\ufffd\ufffd")),
        id="json-surrogates",
    ),
    P('CMD ["\\ud800\\u0041"]', ("CMD", None, True, (), ("\ufffdA",)), id="json-lone-surrogate"),
    P('CMD ["\x01"]', None, id="json-control-char"),
    P('CMD ["\x7f\u2028"]', None, id="json-del-and-ls"),
    P('CMD ["a\\u0000b"]', None, id="json-nul-escape"),
    P('CMD ["\\/\\b\\f\\n\\r\\t"]', None, id="json-escapes"),
    P('CMD ["\\x"]', None, id="json-bad-escape"),
    P('CMD [ "a"\u00a0]', None, id="json-nbsp-is-not-json-space"),
    P('CMD\u2000["a"]', None, id="json-after-unicode-space"),
    P("CMD [01]", None, id="json-leading-zero"),
    P('CMD [{"a":1,"a":2}, true]', None, id="json-object-element"),
    P('SHELL ["a"', None, id="shell-not-json"),
    P("CMD " + "[" * 3000 + "]" * 3000, None, id="json-deep-recursion"),
    P("CMD " + "[" * 10000 + "]" * 10000, None, id="json-max-depth"),
    P("CMD " + "[" * 10001 + "]" * 10001, None, id="json-over-max-depth"),
    P("CMD " + "[" * 3000 + "1e999" + "]" * 3000, None, id="json-deep-overflow"),
    P("CMD " + '[{"a":' * 2000 + "1" + "}]" * 2000, None, id="json-deep-objects"),
    P("CMD " + "[" * 3000 + "]" * 2999 + ",]", None, id="json-deep-trailing-comma"),
    P("CMD " + "[" * 3000 + "]" * 2999 + "x", None, id="json-deep-unterminated"),
]

PARSE_MAYBE_JSON_TO_LIST = [
    P("COPY a b", ("COPY", None, False, (), ("a", "b")), id="copy-words"),
    P('COPY ["a b", "c"]', ("COPY", None, True, (), ("a b", "c")), id="copy-json"),
    P("COPY", ("COPY", None, False, (), ()), id="copy-empty"),
    P("VOLUME [1]", None, id="volume-not-string-array"),
    P("ADD [a", ("ADD", None, False, (), ("[a",)), id="add-bad-json"),
    P("ADD --chown=1 a\tb", ("ADD", None, False, ("--chown=1",), ("a", "b")), id="add-flags"),
]

PARSE_HEALTH_CONFIG = [
    P("HEALTHCHECK", ("HEALTHCHECK", None, False, (), ()), id="health-empty"),
    P("HEALTHCHECK NONE", ("HEALTHCHECK", None, False, (), ("NONE",)), id="health-none"),
    P("HEALTHCHECK CMD", ("HEALTHCHECK", None, False, (), ("CMD",)), id="health-type-only"),
    P(
        "HEALTHCHECK --interval=5s CMD curl x",
        ("HEALTHCHECK", None, False, ("--interval=5s",), ("CMD", "curl x")),
        id="health-shell",
    ),
    P('HEALTHCHECK CMD ["a"]', ("HEALTHCHECK", None, True, (), ("CMD", "a")), id="health-json"),
    P("HEALTHCHECK CMD [1]", None, id="health-json-error"),
    P(
        'HEALTHCHECK CMD\u3000["a"]',
        ("HEALTHCHECK", None, False, (), ('CMD\u3000["a"]',)),
        id="health-unicode-space",
    ),
    P('HEALTHCHECK CMD\u00a0["a"]', "UDE", id="health-byte-split"),
    P("HEALTHCHECK \u0160 CMD", "UDE", id="health-byte-split-type"),
    P("HEALTHCHECK CMD \t\u0160x", None, id="health-non-ascii-cmd"),
]

ALL_LINE_CASES = (
    SPLIT_COMMAND
    + EXTRACT_FLAGS
    + PARSE_IGNORE
    + PARSE_SUB_COMMAND
    + PARSE_WORDS
    + PARSE_NAME_VAL
    + PARSE_STRINGS
    + PARSE_JSON
    + PARSE_MAYBE_JSON_TO_LIST
    + PARSE_HEALTH_CONFIG
)


@pytest.mark.parametrize(("line", "expected"), ALL_LINE_CASES)
def test_line_matches_oracle(line: str, expected: Result | None) -> None:
    assert_matches_oracle(line)
    if expected is not None:
        assert _ours(line)[0] == expected


def test_empty_line_is_parse_ignore() -> None:
    # Never reaches BuildKit (blank lines are skipped); pinned for callers.
    assert parse_logical_line("") == BuildKitNode(cmd="", flags=(), value=("",), json=False, sub=None)


def test_escape_directive_backtick() -> None:
    # An escaped quote opens nothing; inside "..." the escape protects '"'.
    line = 'ARG a=`" b`" \'c`\' "d`" e"'
    node = parse_logical_line(line, escape="`")
    assert node.value == ('a=`"', 'b`"', "'c`'", '"d`" e"')
    text = "# escape=`\nFROM x\n" + line + "\n"
    assert dockerfile.parse_string(text)[1].value == node.value


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        P("RUN x", True, id="run"),
        P("copy a b", True, id="copy-lowercase"),
        P("ADD a b", True, id="add"),
        P('RUN ["a"]', False, id="run-json"),
        P("ONBUILD RUN x", True, id="onbuild-run"),
        P('ONBUILD COPY ["a", "b"]', False, id="onbuild-json"),
        P("ONBUILD", False, id="onbuild-empty"),
        P("ONBUILD ONBUILD RUN x", False, id="onbuild-onbuild"),
        P("CMD x", False, id="cmd"),
        P("ENV a=<<EOF", False, id="env"),
    ],
)
def test_can_contain_heredoc(line: str, expected: bool) -> None:
    assert can_contain_heredoc(parse_logical_line(line)) is expected


# ---------------------------------------------------------------------------
# heredocs


def _hd(name: str, fd: int = 0, *, chomp: bool = False, expand: bool = True) -> HeredocSpec:
    return HeredocSpec(name=name, chomp=chomp, expand=expand, fd=fd)


HEREDOCS = [
    P("RUN <<EOF cat", (_hd("EOF"),), id="plain"),
    P('RUN <<-"E"', (_hd("E", chomp=True, expand=False),), id="chomp-double-quoted"),
    P("RUN <<'E'", (_hd("E", expand=False),), id="single-quoted"),
    P("RUN 2<<E", (_hd("E", 2),), id="fd"),
    P("RUN 99999999999999999999999<<E", (_hd("E", (1 << 64) - 1),), id="fd-saturates"),
    P("RUN 18446744073709551615<<E", (_hd("E", (1 << 64) - 1),), id="fd-max-uint64"),
    P("RUN " + "1" * 5000 + "<<E", (_hd("E", (1 << 64) - 1),), id="fd-beyond-python-int-digits"),
    P("RUN 00000000000000000000000002<<E", (_hd("E", 2),), id="fd-leading-zeros"),
    P("RUN <<A <<-B 3<<C", (_hd("A"), _hd("B", chomp=True), _hd("C", 3)), id="several"),
    P("COPY <<EOF <<EOF /x", (_hd("EOF"), _hd("EOF")), id="same-name-twice"),
    P("RUN <<EOF>out", (_hd("EOF>out"),), id="redirect-is-part-of-name"),
    P("RUN a<<b", (), id="prefix-word"),
    P("RUN <<<EOF", (), id="herestring"),
    P("RUN <<", (), id="no-name"),
    P("RUN <<-", (), id="no-name-chomp"),
    P("RUN x<<-", (), id="prefixed-no-name"),
    P("RUN <<$VAR", (_hd("$VAR"),), id="unset-var-kept"),
    P("RUN <<${VAR}", (_hd("${VAR}"),), id="braced-var-kept"),
    P("RUN <<${V:-x}", (_hd("${V:-x}"),), id="default-kept"),
    P("RUN <<${V?x}", (_hd("${V?x}"),), id="question-kept"),
    P("RUN <<${V+x}", (_hd("${V+x}"),), id="plus-kept"),
    P("RUN <<${V:=x}", (_hd("${V:=x}"),), id="any-colon-op-kept-when-unset"),
    P("RUN <<${V:#x}", (_hd("${V:#x}"),), id="colon-hash-kept-when-unset"),
    P("RUN <<${V:}x}", (_hd("${V:}x}"),), id="colon-brace-op"),
    P("RUN <<${V:}", (), id="colon-brace-unterminated"),
    P("RUN <<${V=x}", (), id="equals-is-lex-error"),
    P("RUN <<${V#x}", (), id="hash-is-lex-error"),
    P("RUN <<${V%x}", (), id="percent-is-lex-error"),
    P("RUN <<${V/a/b}", (), id="slash-is-lex-error"),
    P('RUN <<"a b"', (_hd("a b", expand=False),), id="quoted-space"),
    P('RUN <<"E O"F', (_hd("E OF", expand=False),), id="partly-quoted-space"),
    P('RUN <<E"O"F', (_hd("EOF", expand=False),), id="quoted-part"),
    P("RUN <<E\\OF", (_hd("EOF"),), id="escaped-char"),
    P("RUN <<E\\\\OF", (_hd("E\\OF"),), id="escaped-escape"),
    P('RUN <<"EOF', (), id="unterminated-quote-lex-error"),
    P('RUN <<"a\\"b"', (_hd('a"b', expand=False),), id="escaped-quote-in-quotes"),
    P("RUN <<''\\ a", (_hd(" a", expand=False),), id="empty-quotes-escaped-space"),
    P("RUN <<''", (), id="empty-quotes-only"),
    P("RUN <<\ufeffEOF", (_hd("EOF"),), id="bom-skipped-at-start"),
    P("RUN <<E\ufeffOF", (_hd("E\ufeffOF"),), id="bom-kept-inside"),
    P("RUN --mount=type=cache <<EOF", (_hd("EOF"),), id="after-flag"),
    P("RUN --x=<<EOF y", (), id="inside-flag"),
    P("RUN <<EOF\u3000<<X", (_hd("EOF"), _hd("X")), id="unicode-space-splits"),
    P("RUN `<<EOF`", (), id="backtick-is-not-escape"),
    P("RUN echo '<<EOF'", (), id="single-quoted-marker"),
    P("RUN <<$", (_hd("$"),), id="dollar-alone"),
    P("RUN <<$1x", (_hd("$1x"),), id="positional"),
    P("RUN <<${", (), id="open-brace-lex-error"),
    P("RUN <<E\u00e9", (_hd("E\u00e9"),), id="non-ascii-name"),
    P('RUN <<-"\tE"', (_hd("\tE", chomp=True, expand=False),), id="chomp-tab-name-never-ends"),
]


@pytest.mark.parametrize(("line", "expected"), HEREDOCS)
def test_heredocs_from_line(line: str, expected: tuple[HeredocSpec, ...]) -> None:
    assert heredocs_from_line(line) == expected
    assert_matches_oracle(line)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        P("RUN <<${x:-a b}", "failed to process \"${x:-a\": syntax error: missing '}'", id="split-default"),
        P(
            'RUN <<${x:-"a b"}',
            'failed to process "${x:-\\"a": syntax error: missing \'}\'',
            id="split-quoted",
        ),
        P(
            "RUN <<${x:-\\ }",
            "failed to process \"${x:-\\\\\": syntax error: missing '}'",
            id="split-escaped",
        ),
        P("RUN <<${x?'a b'}", "failed to process \"${x?'a\": syntax error: missing '}'", id="split-question"),
    ],
)
def test_heredoc_errors(line: str, message: str) -> None:
    with pytest.raises(BuildKitError) as info:
        heredocs_from_line(line)
    assert info.value.message == message
    assert_matches_oracle(line)


# ---------------------------------------------------------------------------
# shell_words directly (ProcessWords / ProcessWord)


@pytest.mark.parametrize(
    ("word", "options", "expected"),
    [
        P("a b  c", {}, ["a", "b", "c"], id="split"),
        P("'a b'c \"d e\"", {}, ["a bc", "d e"], id="quotes"),
        P("'a b'c \"d e\"", {"raw_quotes": True}, ["'a b'c", '"d e"'], id="raw-quotes"),
        P("a\\ b \\$x", {}, ["a b", "$x"], id="escapes"),
        P("a\\ b", {"raw_escapes": True}, ["a\\ b"], id="raw-escapes"),
        P('"a\\b"', {"raw_escapes": True}, ["a\\\\b"], id="raw-escape-doubled-in-quotes"),
        P("$x ${y} ${z:-d}", {}, ["d"], id="unset-expands-empty"),
        P("$x ${y} ${z:-d}", {"skip_unset_env": True}, ["$x", "${y}", "${z:-d}"], id="skip-unset"),
        P("${x:+a b}$x", {"env": {"x": "1 2"}}, ["a", "b1", "2"], id="env-expansion-splits"),
        P("${x?}", {"env": {"x": ""}}, [], id="question-set-empty"),
        P("${x-d}${y-d}${y:-e}", {"env": {"y": ""}}, ["de"], id="dash-vs-colon-dash"),
        P("${x+d}${y+d}${y:+e}", {"env": {"y": ""}}, ["d"], id="plus-vs-colon-plus"),
        P("${x:=d}", {"skip_unset_env": True}, ["${x:=d}"], id="skip-unset-before-op-check"),
        P("''", {}, [], id="empty-quotes-dropped"),
        P("'' a", {}, ["a"], id="empty-quotes-then-word"),
        P("a\\", {}, ["a"], id="trailing-escape"),
        P("`a b`", {"escape": "`"}, ["a", "b"], id="backtick-escape"),
        P("$@ $1x ${#}", {"skip_unset_env": True}, ["$@", "$1x", "${#}"], id="special-params"),
        P("'a b'", {"skip_process_quotes": True}, ["'a", "b'"], id="skip-process-quotes"),
        P("\ufeffa \ufeffb", {}, ["a", "\ufeffb"], id="leading-bom"),
    ],
)
def test_process_words(word: str, options: dict[str, Any], expected: list[str]) -> None:
    assert process_words(word, **options) == expected


@pytest.mark.parametrize(
    ("word", "options", "message"),
    [
        P(
            "'a",
            {},
            'failed to process "\'a": unexpected end of statement while looking for matching single-quote',
            id="single",
        ),
        P(
            '"a',
            {},
            'failed to process "\\"a": unexpected end of statement while looking for matching double-quote',
            id="double",
        ),
        P("${", {}, "failed to process \"${\": syntax error: missing '}'", id="missing-brace"),
        P("${}", {}, 'failed to process "${}": syntax error: bad substitution', id="bad-substitution"),
        P("${a%b}", {}, "failed to process \"${a%b}\": missing ':' in substitution", id="no-percent-yet"),
        P(
            "${a:=b}",
            {},
            'failed to process "${a:=b}": unsupported modifier (:=) in substitution',
            id="bad-modifier",
        ),
        P("${a?}", {}, 'failed to process "${a?}": a: is not allowed to be unset', id="question-unset"),
        P(
            "${a:?msg}",
            {"env": {"a": ""}},
            'failed to process "${a:?msg}": a: msg',
            id="colon-question-empty",
        ),
        P(
            "${a:-'x}",
            {},
            "failed to process \"${a:-'x}\": syntax error: missing '}'",
            id="nested-error-at-eof",
        ),
    ],
)
def test_process_words_errors(word: str, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ShellWordsError) as info:
        process_words(word, **options)
    assert info.value.message == message


def test_process_word_keeps_spaces() -> None:
    assert process_word("a  '$b  c' $d", {"d": "x  y"}) == "a  $b  c x  y"


# ---------------------------------------------------------------------------
# property: random single logical lines

KEYWORDS = [
    "add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck", "label",
    "maintainer", "onbuild", "run", "shell", "stopsignal", "user", "volume", "workdir",
    "bogus", "entrypo\u0130nt", "wor\u212adir", "r\u00fcn",
]  # fmt: skip
SPACES = [" ", "  ", "\t", " \v", "\f ", "\r ", "\xa0", "\u3000", "\u2000", "\x85", "\x1c", "  \u2028 "]
ODD_CHARS = (
    "\u00e9\u00c5\u0160\u0800\u20ac\u2020\U00020000\U0001f600\ufeff\ufffd\u0130\u212a\x7f\x01\x1f"
    "\u0660\u00b2\u02b0\u0085\u00a0\u2000\u3000\u200b\u2028"
)
ATOMS = [
    " ", "\t", "\\", "`", "'", '"', "$", "{", "}", ":", "-", "--", "+", "?", "=", "%", "/", "#", "@",
    "[", "]", ",", "<<", "<<-", "<", ">", "2", "0", "a", "B", "_", "x y", "EOF", "${", "$x",
    "${x:-", "${x?", '["a"]', "[]", "null", "1", "1e999", "NaN", '"\\u0000"', '"\\ud800"', "\\u0041",
]  # fmt: skip


def _cased(word: str, flips: list[bool]) -> str:
    return "".join(c.upper() if f else c for c, f in zip(word, flips + [False] * len(word), strict=False))


keywords = st.builds(_cased, st.sampled_from(KEYWORDS), st.lists(st.booleans(), max_size=12))
fragments = st.lists(
    st.one_of(
        st.sampled_from(ATOMS),
        st.sampled_from(SPACES),
        st.text(alphabet=ODD_CHARS, min_size=1, max_size=2),
        st.text(alphabet="ab=-'\"\\ $", min_size=1, max_size=4),
    ),
    max_size=10,
).map("".join)
flag = st.builds(lambda body: "--" + body, fragments)
json_values = st.recursive(
    st.one_of(st.text(max_size=4), st.integers(), st.floats(allow_nan=False), st.none(), st.booleans()),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=5,
)
json_array = st.builds(
    lambda v, ensure_ascii, sep: json.dumps(v, ensure_ascii=ensure_ascii, separators=sep),
    st.lists(st.one_of(st.text(max_size=6), json_values), max_size=4),
    st.booleans(),
    st.sampled_from([(",", ":"), (", ", ": "), (" ,", " :")]),
)
args = st.one_of(
    fragments,
    json_array,
    st.builds(lambda j, tail: j + tail, json_array, fragments),
    st.builds(
        lambda n, d, name: f"{n}<<{d}{name}",
        st.sampled_from(["", "2", "10"]),
        st.sampled_from(["", "-"]),
        fragments,
    ),
)


@st.composite
def logical_lines(draw: st.DrawFn) -> str:
    parts = [draw(keywords)]
    if draw(st.integers(0, 4)) == 0:
        parts = [draw(st.sampled_from(["onbuild", "ONBUILD"])), draw(st.sampled_from(SPACES)), *parts]
    for f in draw(st.lists(flag, max_size=3)):
        parts += [draw(st.sampled_from(SPACES)), f]
    if draw(st.booleans()):
        parts += [draw(st.sampled_from(SPACES)), draw(args)]
    if draw(st.booleans()):
        parts += [draw(st.sampled_from(SPACES)), draw(args)]
    lead = draw(st.sampled_from(["", "", " ", "\u3000"]))
    return lead + "".join(parts)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(logical_lines())
def test_random_lines_match_oracle(line: str) -> None:
    assume(_valid_line(line))
    assert_matches_oracle(line)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(logical_lines())
def test_random_lines_backtick_escape_match_oracle(line: str) -> None:
    assume(_valid_line(line, "`"))
    assert_matches_oracle(line, "`")


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=30))
def test_arbitrary_text_matches_oracle(line: str) -> None:
    assume(_valid_line(line))
    assert_matches_oracle(line)


@settings(max_examples=1000, deadline=None)
@given(
    st.builds(lambda kw, sp, rest: kw + sp + rest, keywords, st.sampled_from(SPACES), st.text(max_size=30))
)
def test_keyword_with_arbitrary_text_matches_oracle(line: str) -> None:
    assume(_valid_line(line))
    assert_matches_oracle(line)


HEREDOC_ATOMS = [
    "E", "OF", "x", "1", "'", '"', "\\", "$", "{", "}", ":", "-", "+", "?", "%", "/", " ", "\t", "<", ">",
    "`", "\ufeff", "\u00e9", "\u3000", "${", "${x", "${x:-", "${x?", "$1", "''", '""', "=", "\u0800",
]  # fmt: skip
heredoc_frag = st.lists(st.sampled_from(HEREDOC_ATOMS), min_size=1, max_size=6).map("".join)
heredoc_word = st.builds(
    lambda fd, dash, name: f"{fd}<<{dash}{name}",
    st.sampled_from(["", "", "2", "007", "99999999999999999999"]),
    st.sampled_from(["", "-"]),
    heredoc_frag,
)
heredoc_keywords = st.builds(
    _cased,
    st.sampled_from(["run", "copy", "add", "onbuild run", "onbuild copy"]),
    st.lists(st.booleans(), max_size=12),
)


@st.composite
def heredoc_lines(draw: st.DrawFn) -> str:
    parts = [draw(heredoc_keywords)]
    if draw(st.booleans()):
        parts += [" ", draw(st.sampled_from(["--mount=type=cache", "--x=<<E", "--a='<<b c'"]))]
    for _ in range(draw(st.integers(1, 4))):
        parts += [draw(st.sampled_from([" ", " ", "\t", "\u3000", ""]))]
        parts += [draw(st.one_of(heredoc_word, heredoc_word, heredoc_frag))]
    return "".join(parts)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heredoc_lines())
def test_random_heredoc_lines_match_oracle(line: str) -> None:
    assume(_valid_line(line))
    assert_matches_oracle(line)


json_keywords = st.builds(
    _cased,
    st.sampled_from(
        ["run", "cmd", "entrypoint", "shell", "copy", "add", "volume", "healthcheck cmd", "onbuild cmd"]
    ),
    st.lists(st.booleans(), max_size=12),
)


@st.composite
def json_lines(draw: st.DrawFn) -> str:
    text = draw(json_array)
    mutation = draw(st.integers(0, 3))
    if mutation == 1 and text:  # truncate
        text = text[: draw(st.integers(0, len(text) - 1))]
    elif mutation == 2:  # splice junk in
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(ATOMS + SPACES + list(ODD_CHARS))) + text[at:]
    elif mutation == 3:  # trailing text
        text += draw(fragments)
    return draw(json_keywords) + draw(st.sampled_from([" ", "  ", "\t", " \u3000"])) + text


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_lines())
def test_random_json_lines_match_oracle(line: str) -> None:
    assume(_valid_line(line))
    assert_matches_oracle(line)


words_text = st.text(alphabet="ab='\"\\` \t\u3000\u00e9\u0800", max_size=16)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["ARG ", "ENV ", "LABEL ", "env a=", "label a "]),
    words_text,
    st.sampled_from(["\\", "`"]),
)
def test_random_words_match_oracle(keyword: str, text: str, escape: str) -> None:
    line = keyword + text
    assume(_valid_line(line, escape))
    assert_matches_oracle(line, escape)
