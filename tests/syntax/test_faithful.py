r"""Faithful: ``fixer.parse(x).to_buildkit()`` equals BuildKit's own parse of ``x``.

Checked on every golden and real-world Dockerfile BuildKit accepts, and on the cases of BuildKit's
parser test suite (``frontend/dockerfile/parser/testfiles``, ``testfiles-negative`` and
``parser_test.go``) written inline below as named params. Every param is compared with the oracle
(or both must reject it, with the same message); none carries a hand-written expectation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("dockerfile")

from buildkit_oracle import (
    OracleBlind,
    bk_error,
    check_against_buildkit,
    corpus_cases,
    read_utf8,
)

import fixer

# Corpus files with a heredoc that current BuildKit reads and the oracle's v0.12 does not
# (`RUN << EOF`): they are compared with the oracle as v0.12 reads them (`"newer-heredoc"`).
NEWER_HEREDOC_FILES = frozenset(
    {
        "golden/df101-spaced-heredoc-run/input.Dockerfile",
        "golden/df101-spaced-heredoc-run/expected.Dockerfile",
    }
)

CORPUS = [
    pytest.param(path, name, id=name, marks=() if path else pytest.mark.skip(reason=name))
    for name, path in corpus_cases()
]


@pytest.mark.parametrize(("path", "name"), CORPUS)
def test_corpus_file_is_faithful(path: Path, name: str) -> None:
    text = read_utf8(path)
    if text is None:
        pytest.skip("not UTF-8")
    try:
        if bk_error(text) is not None:
            pytest.skip("BuildKit rejects this file")
    except OracleBlind as e:
        pytest.skip(f"oracle blind: {e}")
    expected = "newer-heredoc" if name in NEWER_HEREDOC_FILES else "faithful"
    assert check_against_buildkit(text) == expected


def case(id: str, text: str) -> object:
    return pytest.param(text, id=id)


CONTINUE_INDENT = (
    "FROM ubuntu:14.04\n\n"
    "RUN echo hello\\\n  world\\\n  goodnight  \\\n  moon\\\n  light\\\nning\n"
    "RUN echo hello  \\\n  world\n"
    "RUN echo hello  \\\nworld\n"
    "RUN echo hello \\\ngoodbye\\\nfrog\n"
    "RUN echo hi \\\n \\\n world \\\n\\\n good\\\n\\\nnight\n"
    "RUN echo goodbye\\\nfrog\n"
    "RUN echo good\\\nbye\\\nfrog\n\n"
    "RUN echo hello \\\n# this is a comment\n\n"
    "# this is a comment with a blank line surrounding it\n\n"
    "this is some more useful stuff\n"
)

ENV_FILE = (
    "FROM ubuntu\n"
    "ENV name value\n"
    "ENV name=value\n"
    "ENV name=value name2=value2\n"
    'ENV name="value value1"\n'
    "ENV name=value\\ value2\n"
    "ENV name=\"value'quote space'value2\"\n"
    "ENV name='value\"double quote\"value2'\n"
    "ENV name=value\\ value2 name2=value2\\ value3\n"
    'ENV name="a\\"b"\n'
    'ENV name="a\\\'b"\n'
    "ENV name='a\\'b'\n"
    "ENV name='a\\'b''\n"
    "ENV name='a\\\"b'\n"
    "ENV name=\"''\"\n"
    "# the next instruction must be last and end with a backslash\n"
    "ENV name=value \\\n"
    "    name1=value1 \\\n"
    '    name2="value2a \\\n'
    '           value2b" \\\n'
    '    name3="value3a\\n\\"value3b\\"" \\\n'
    '\tname4="value4a\\\\nvalue4b" \\\n'
)

FLAGS_FILE = (
    "FROM scratch\n"
    "COPY foo /tmp/\n"
    "COPY --user=me foo /tmp/\n"
    "COPY --doit=true foo /tmp/\n"
    "COPY --user=me --doit=true foo /tmp/\n"
    "COPY --doit=true -- foo /tmp/\n"
    "COPY -- foo /tmp/\n"
    'CMD --doit [ "a", "b" ]\n'
    'CMD --doit=true -- [ "a", "b" ]\n'
    "CMD --doit -- [ ]\n"
)

JSON_FILE = (
    "CMD []\n"
    'CMD [""]\n'
    'CMD ["a"]\n'
    'CMD ["a","b"]\n'
    'CMD [ "a", "b" ]\n'
    'CMD [\t"a",\t"b"\t]\n'
    'CMD\t[\t"a",\t"b"\t]\t\n'
    'CMD ["abc 123", "♥", "☃", "\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9"]\n'
)

ESCAPES_FILE = (
    "FROM ubuntu:14.04\n"
    'MAINTAINER Erik \\\\Hollensbe <erik@hollensbe.org>\\"\n\n'
    "RUN apt-get \\update && \\\n"
    '  apt-get \\"install znc -y\n'
    'ADD \\conf\\\\" /.znc\n\n'
    "RUN foo \\\n\nbar \\\n\nbaz\n\n"
    'CMD [ "\\/usr\\\\\\"/bin/znc", "-f", "-r" ]\n'
)

HEALTH_FILE = (
    "FROM debian\n"
    "ADD check.sh main.sh /app/\n"
    "CMD /app/main.sh\n"
    "HEALTHCHECK\n"
    "HEALTHCHECK --interval=5s --timeout=3s --retries=3 \\\n"
    "  CMD /app/check.sh --quiet\n"
    "HEALTHCHECK CMD\n"
    "HEALTHCHECK   CMD   a b\n"
    'HEALTHCHECK --timeout=3s CMD ["foo"]\n'
    "HEALTHCHECK CONNECT TCP 7000\n"
    "HEALTHCHECK NONE\n"
)

EMPTY_CONTINUATION_LINES = (  # parser_test.go TestParseWarnsOnEmptyContinutationLine
    "\nFROM alpine:3.6\n\nRUN valid \\\n    continuation\n\n"
    "RUN something \\\n\n    following \\\n\n    more\n\n"
    "RUN another \\\n\n    thing\n\n"
    "RUN non-indented \\\n# this is a comment\n   after-comment\n\n"
    "RUN indented \\\n    # this is an indented comment\n    comment\n\t"
)

BUILDKIT_CASES = [
    # testfiles/
    case("continueIndent", CONTINUE_INDENT),
    case("continue-at-eof", "FROM alpine:3.5\n\nRUN something \\"),
    case("continue-at-eof-with-newline", "FROM alpine:3.5\n\nRUN something \\\n"),
    case("continue-at-eof-then-comment", "FROM alpine:3.5\nRUN something \\\n# trailing comment\n"),
    case("continue-at-eof-then-blank", "FROM alpine:3.5\nRUN something \\\n\n  \n"),
    case("env", ENV_FILE),
    case("flags", FLAGS_FILE),
    case("json", JSON_FILE),
    case("escapes", ESCAPES_FILE),
    case("health", HEALTH_FILE),
    case(
        "escape-backtick",
        "#escape = `\n\nFROM image\nMAINTAINER foo@bar.com\nENV GOPATH `\n\\go\n"
        "COPY testfile.txt c:\\\nRUN dir c:\\\n",
    ),
    case(
        "escape-after-comment",
        "# Comment here. Should not be looking for the following parser directive.\n"
        "# Hence the following line will be ignored, and the subsequent backslash\n"
        "# continuation will be the escape character.\n"
        "#  escape = `\n\nFROM image\nMAINTAINER foo@bar.com\nENV GOPATH \\\n\\go\n",
    ),
    case("escape-after-blank-line", "\n# escape=`\nFROM x\nRUN a`\n b\n"),
    case("escape-after-unknown-directive", "# foo=bar\n# escape=`\nFROM x\nRUN a`\n b\n"),
    case("escape-nonewline", "# escape = `\n\nFROM image\nCOPY a b\nRUN a`\n  b`\n  c"),
    case("escape-directive-indented", "  # escape=`\nFROM x\nRUN a`\n b\n"),
    case("escape-directive-tabs-and-case", "#\tESCAPE\t=\t`\t\nFROM x\nRUN a`\n b\n"),
    case("escape-directive-crlf", "# escape=`\r\nFROM x\r\nRUN a`\r\n b\r\n"),
    case("escape-backslash-explicit", "# escape=\\\nFROM x\nRUN a\\\n b\n"),
    case("escape-empty-value", "# escape=\nFROM x\n"),
    case("directive-after-instruction-is-comment", "FROM x\n# escape=`\nRUN a\\\n b\n"),
    case("directive-inside-continuation", "RUN \\\n# escape=`\n a\n"),
    case("syntax-and-escape", "# syntax=docker/dockerfile:1\n# escape=`\nFROM x\nRUN a`\n b\n"),
    case("continuation-comments-and-blanks", "FROM x\nRUN a\\\n\n  \n# c\n  #d\n b\n"),
    case("continuation-comment-ending-in-escape", "FROM x\nRUN a \\\n# c \\\n b\n"),
    case("empty-continuation-lines", EMPTY_CONTINUATION_LINES),
    case("foo-escaped-escape-is-not-continuation", "FROM x\nRUN echo foo \\\\\nRUN echo bar\n"),
    case("three-escapes-is-not-continuation", "FROM x\nRUN a\\\\\\\n b\n"),
    case("escape-then-trailing-whitespace", "FROM x\nRUN a \\  \t\n b\n"),
    case("escape-then-trailing-whitespace-crlf", "FROM x\r\nRUN a \\ \t\r\n b\r\n"),
    case("no-space-before-escape", "FROM x\nRUN echo good\\\nbye\\\nfrog\n"),
    case("line-only-escape-in-continuation", "FROM x\nRUN a \\\n\\\n b\n"),
    case("line-only-escape-at-top-level", "\\\nFROM x\n"),
    case("line-only-escape-then-spaces", "FROM x\nRUN a \\\n  \\  \n b\n"),
    case("lines-only-escape-at-eof", "FROM x\n\\\n\\\n"),
    case("backtick-is-literal-by-default", "FROM x\nRUN a`\n b\n"),
    case("indented-instructions", "  FROM x\n\tRUN a  \n"),
    case("keyword-case", "from x\nRun a\nrUN b\nonbuild run c\n"),
    case("tab-after-keyword", "FROM\tx\nRUN\t\ta\n"),
    case("vertical-tab-and-formfeed", "FROM x\x0bAS y\nRUN a\x0cb\n"),
    case("nbsp-leading", "\u00a0FROM x\n"),
    case("nbsp-after-keyword", "FROM x\nRUN\u00a0a\n"),
    case("nel-and-line-separator-leading", "\u0085FROM x\n\u2028RUN a\n"),
    case("unknown-instruction", "FROM x\nFOO bar\n"),
    case("mid-line-hash-is-argument", "FROM x\nRUN echo a # not a comment\n"),
    case("bare-hash-comment", "#\nFROM x\n#\n"),
    # heredocs
    case("heredoc-basic", "FROM x\nRUN <<EOF\necho hi\nEOF\n"),
    case("heredoc-chomp-tabs", "FROM x\nRUN <<-EOF\n\techo hi\n\t\tEOF\n"),
    case("heredoc-chomp-content-keeps-tabs", "FROM x\nRUN <<-EOF\n\t\thi\n\tEOF\n"),
    case("heredoc-no-chomp-tab-terminator", "FROM x\nRUN <<EOF\n\tEOF\nEOF\n"),
    case("heredoc-quoted-names", "FROM x\nRUN <<'EOF' <<\"END\"\n$a\nEOF\n$b\nEND\n"),
    case("heredoc-several", "FROM x\nRUN <<A cat - <<B\na\nA\nb\nB\n"),
    case("heredoc-file-descriptor", "FROM x\nRUN 2<<EOF cat\nx\nEOF\n"),
    case("heredoc-copy", "FROM x\nCOPY <<EOF /etc/app.conf\nkey=value\nEOF\n"),
    case("heredoc-add", "FROM x\nADD --chmod=755 <<EOF /usr/bin/run\n#!/bin/sh\nEOF\n"),
    case("heredoc-onbuild-run", "FROM x\nONBUILD RUN <<EOF\necho hi\nEOF\n"),
    case("heredoc-onbuild-copy", "FROM x\nONBUILD COPY <<EOF /x\nhi\nEOF\n"),
    case("heredoc-cmd-is-not-heredoc", "FROM x\nCMD <<EOF\nhi\nEOF\n"),
    case("heredoc-json-form", 'FROM x\nRUN ["cat", "<<EOF"]\n'),
    case("heredoc-json-form-with-body", 'FROM x\nRUN ["<<EOF"]\nEOF\n'),
    case("heredoc-glued-to-word", "FROM x\nRUN a<<EOF\nhi\nEOF\n"),
    case("heredoc-quoted-marker", 'FROM x\nRUN "<<EOF"\nhi\nEOF\n'),
    case("heredoc-two-markers-one-word", "FROM x\nRUN <<EOF<<X\nEOF\nX\n"),
    case("heredoc-bare-marker", "FROM x\nRUN <<\nx\n"),
    case("heredoc-terminator-trailing-space", "FROM x\nRUN <<EOF\nEOF \nEOF\n"),
    case("heredoc-crlf", "FROM x\r\nRUN <<EOF\r\nhi\r\nEOF\r\n"),
    case("heredoc-terminator-cr-cr-lf", "FROM x\nRUN <<EOF\nhi\nEOF\r\r\n"),
    case("heredoc-at-eof-no-newline", "FROM x\nRUN <<EOF\nx\nEOF"),
    case("heredoc-after-continuation", "FROM x\nRUN <<EOF cat \\\n  && echo\nbody\nEOF\n"),
    case("heredoc-marker-on-continuation-line", "FROM x\nRUN \\\n<<EOF\nx\nEOF\n"),
    case("heredoc-with-escape-backtick", "# escape=`\nFROM x\nRUN <<EOF `\n  cat\nhi`\nEOF\n"),
    case("heredoc-after-expansion-with-default", "FROM x\nRUN ${X:-a} <<EOF\na\nEOF\n"),
    case("heredoc-after-expansion-unset-default", "FROM x\nRUN ${X-a} <<EOF\na\nEOF\n"),
    case("heredoc-after-expansion-alternative", "FROM x\nRUN ${X+a} <<EOF\na\nEOF\n"),
    case("heredoc-after-expansion-assign", "FROM x\nRUN ${X:=a} <<EOF\na\nEOF\n"),
    case("heredoc-after-expansion-substring", "FROM x\nRUN ${X:1} <<EOF\na\nEOF\n"),
    case("heredoc-after-expansion-pattern", "FROM x\nRUN ${X%a} ${X//a/b} <<EOF\na\nEOF\n"),
    case("heredoc-body-looks-like-instruction", "FROM x\nRUN <<EOF\nFROM y\n# c\n\nEOF\nRUN b\n"),
    # line endings, BOM, final newline
    case("bom", "\ufeffFROM x\n"),
    case("bom-then-directive", "\ufeff# escape=`\nFROM x\nRUN a`\n b\n"),
    case("double-bom", "\ufeff\ufeffFROM x\n"),
    case("crlf", "FROM x\r\nRUN a \\\r\n  b\r\n"),
    case("mixed-endings", "FROM x\r\nRUN a \\\n  b\r\nRUN c\n"),
    case("cr-cr-lf", "FROM x\r\r\nRUN a\\\r\r\n b\r\r\n"),
    case("no-final-newline", "FROM x\nRUN a"),
    case("lone-cr", "FROM x\rRUN a\r"),
    case("lone-cr-mid-line", "FROM x\nRUN a\rb\n"),
    case("lone-cr-after-escape", "FROM x\nRUN a \\\r b\n"),
    case("json-with-cr", 'FROM x\nCMD ["a",\r"b"]\n'),
    # JSON and argument parsing
    case("json-invalid-falls-back-to-shell", 'FROM x\nRUN ["a",]\nCMD [\'a\']\nCMD [ "echo", "hello"\n'),
    case("json-trailing-text", 'FROM x\nRUN ["a"] x\n'),
    case("json-empty", "FROM x\nRUN []\nCMD [ ]\n"),
    case("json-inside-string", 'FROM x\nCMD [ "echo", "[foo, bar]" ]\nCMD "[ "echo", "hi" ]"\n'),
    case("json-unicode-escape", 'FROM x\nRUN ["a","b\\u00e9"]\n'),
    case("json-split-over-lines", 'FROM x\nCMD ["a", \\\n     "b"]\n'),
    case("onbuild", 'FROM x\nONBUILD RUN echo\nONBUILD COPY --from=x a b\nONBUILD ["a"]\nONBUILD\n'),
    case("onbuild-nested", "FROM x\nONBUILD ONBUILD RUN x\nONBUILD FROM y\n"),
    case(
        "flags-everywhere",
        "FROM --platform=$BUILDPLATFORM x AS b\n"
        "RUN --mount=type=cache,target=/x --network=none echo\n"
        "COPY --from=build --chown=1:1 --link a b\nRUN -- --x\nRUN --flag\n",
    ),
    case("arg-and-env-forms", 'FROM x\nARG a=b c="d e"\nARG a b\nENV a b c\nENV =b\nLABEL "a b"=c\n'),
    case("no-argument-instructions", "FROM\nRUN\nENV\nARG\nEXPOSE\nHEALTHCHECK\n"),
    case(
        "kartar-entrypoint-oddities",
        'FROM ubuntu:14.04\nMAINTAINER James Turnbull "james@example.com"\n'
        "ENV REFRESHED_AT 2014-06-01\nRUN apt-get update\nEXPOSE 6379\n"
        'ENTRYPOINT [ "/usr/bin/redis-server" ]\n',
    ),
    case("line-of-65535-bytes", "FROM x\nRUN " + "a" * 65531 + "\n"),
    # rejections (testfiles-negative and errors.go): both parsers must reject, same message
    case("empty-file", ""),
    case("only-newline", "\n"),
    case("only-comments", "# a\n# b\n"),
    case("only-blank-lines", "\n  \n\t\n"),
    case("only-directives", "# syntax=docker/dockerfile:1\n# escape=`\n"),
    case("only-bom", "\ufeff"),
    case("only-escape-line", "\\\n"),
    case("duplicate-escape-directive", "# escape=`\n# escape=`\nFROM x\n"),
    case("duplicate-syntax-directive-any-case", "# syntax=a\n# SYNTAX=b\nFROM a\n"),
    case("invalid-escape-token", "# escape=x\nFROM x\n"),
    case("env-no-value", "FROM busybox\n\nENV PATH\n"),
    case("label-no-value", "FROM x\nLABEL a\n"),
    case("env-missing-equals", "FROM x\nENV a=b c\n"),
    case("shykes-nested-json", 'FROM x\nCMD [ "echo", [ "nested json" ] ]\n'),
    case("json-non-string", "FROM x\nCMD [1, 2]\n"),
    case("unterminated-heredoc", "FROM x\nRUN <<EOF\nx\n"),
    case("unterminated-second-heredoc", "FROM x\nRUN <<A <<B\na\nA\nb\n"),
    case("line-of-65536-bytes", "FROM x\nRUN " + "a" * 65532 + "\n"),
    case("line-over-64k-multibyte", "FROM x\nRUN " + "é" * 40000 + "\n"),
    case("line-of-65536-bytes-at-eof", "FROM x\nRUN " + "a" * 65532),
    case("line-over-64k-before-any-instruction", "RUN " + "a" * 65536 + "\nFROM x\n"),
    case("line-over-64k-in-heredoc", "FROM x\nRUN <<EOF\n" + "a" * 65536 + "\nEOF\n"),
]


@pytest.mark.parametrize("text", BUILDKIT_CASES)
def test_buildkit_case(text: str) -> None:
    assert check_against_buildkit(text) in ("faithful", "both-reject")


def test_rejections_are_parse_errors_with_a_location() -> None:
    with pytest.raises(fixer.ParseError) as info:
        fixer.parse("# only a comment\n")
    assert info.value.message == "file with no instructions"
    assert info.value.line >= 1
    assert info.value.column >= 1


@pytest.mark.parametrize(
    ("text", "values"),
    [
        pytest.param(
            "# check=skip=all\n# escape=`\nFROM x\nRUN a`\n b\n", [("x",), ("a b",)], id="escape-after-check"
        ),
        pytest.param("# syntax=a\n# check=x\n# escape=`\nFROM x\n", [("x",)], id="check-between-directives"),
    ],
)
def test_check_is_a_directive_as_in_current_buildkit(text: str, values: list[tuple[str, ...]]) -> None:
    # The oracle's BuildKit (v0.12) predates `# check=` and would end the directive block at it.
    assert check_against_buildkit(text) == "blind"
    assert [i["value"] for i in fixer.parse(text).to_buildkit()] == values


# Whitespace after `<<` opens a heredoc in BuildKit >= 0.22 (Dockerfile frontend >= 1.16), not in
# the oracle's v0.12: the oracle is compared with dfix's v0.12 reading (`heredoc_space=False`), and
# dfix's own reading is pinned here (from current BuildKit's parser, moby/buildkit 73ed682).
NEWER_HEREDOCS = [
    pytest.param(
        "FROM x\nRUN << EOF\napt-get install curl\nEOF\n",
        [("RUN", ("<< EOF",), (("EOF", "apt-get install curl\n"),), 2, 4)],
        id="run-space",
    ),
    pytest.param(
        "FROM x\nRUN <<\t 'EOF'\necho $HOME\nEOF\n",
        [("RUN", ("<<\t 'EOF'",), (("EOF", "echo $HOME\n"),), 2, 4)],
        id="run-tab-space-quoted",
    ),
    pytest.param(
        'FROM x\nRUN cat << A << "B" > /f\na\nA\nb\nB\n',
        [("RUN", ('cat << A << "B" > /f',), (("A", "a\n"), ("B", "b\n")), 2, 6)],
        id="two-after-a-command",
    ),
    pytest.param(
        "FROM x\nRUN << \\\n  EOF\nbody\nEOF\n",
        [("RUN", ("<<   EOF",), (("EOF", "body\n"),), 2, 5)],
        id="continuation-between",
    ),
    pytest.param(
        "FROM x\nCOPY << EOF /x\nbody\nEOF\n",
        [("COPY", ("<<", "EOF", "/x"), (("EOF", "body\n"),), 2, 4)],
        id="copy",
    ),
    pytest.param(
        "FROM x\nONBUILD RUN << EOF\nbody\nEOF\n",
        [("ONBUILD", ("<< EOF",), (), 2, 4)],  # the binding reports an ONBUILD's heredocs empty
        id="onbuild",
    ),
    pytest.param("FROM x\nRUN << EOF\nbody\n", "unterminated heredoc", id="unterminated"),
    pytest.param(
        "FROM x\nRUN << <<EOF\nbody\nEOF\n",
        [("RUN", ("<< <<EOF",), (), 2, 2), ("BODY", ("",), (), 3, 3), ("EOF", ("",), (), 4, 4)],
        id="no-longer-a-heredoc",  # `<< <<EOF` is one word now, which is no marker
    ),
]


@pytest.mark.parametrize(("text", "ours"), NEWER_HEREDOCS)
def test_whitespace_after_heredoc_marker_as_in_current_buildkit(text: str, ours: object) -> None:
    assert check_against_buildkit(text) == "newer-heredoc"
    if isinstance(ours, str):
        with pytest.raises(fixer.ParseError, match=ours):
            fixer.parse(text)
        return
    view = fixer.parse(text).to_buildkit()[1:]
    assert [(i["cmd"], i["value"], i["heredocs"], i["start_line"], i["end_line"]) for i in view] == ours


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("FROM x\nRUN <<- EOF\n\tbody\n\tEOF\n", id="chomp-then-space"),
        pytest.param("FROM x\nRUN cat <<< EOF\n", id="here-string"),
        pytest.param('FROM x\nRUN echo "cat << EOF"\n', id="quoted"),
        pytest.param("FROM x\nRUN echo \\<< EOF\n", id="escaped"),
        pytest.param("FROM x\nRUN a<< EOF\n", id="prefixed"),
        pytest.param("FROM x\nCMD cat << EOF\nEOF\n", id="cmd-has-no-heredocs"),
        pytest.param('FROM x\nRUN ["cat", "<<", "EOF"]\nEOF\n', id="json-form"),
        pytest.param("FROM x\nRUN <<\x0bEOF\nEOF\n", id="vertical-tab-is-no-heredoc-space"),
    ],
)
def test_whitespace_after_markers_that_stay_no_heredoc(text: str) -> None:
    # Where `<<` and whitespace open no heredoc in either version, the oracle is compared as is.
    assert check_against_buildkit(text) == "faithful"
    assert all(not i["heredocs"] for i in fixer.parse(text).to_buildkit())


def test_check_directive_may_appear_once() -> None:
    with pytest.raises(fixer.ParseError, match="only one check parser directive can be used"):
        fixer.parse("# check=skip=all\n# check=error=true\nFROM x\n")
