"""Hypothesis strategies for Dockerfiles: generated from scratch, mutated from real files, or arbitrary.

`dockerfiles()` builds a file line by line, as a list of physical lines (content, ending), so every
feature of BuildKit's line reader can be placed precisely: parser directives (random case and
spacing, `\\` or backtick escape, sometimes disabled by a comment or blank line before them), comments
and blank lines, every instruction keyword in random case with its flags, shell and JSON forms, ONBUILD,
line continuations (the file's escape char, whitespace after it, comment and blank lines inside, a line
that is only the escape char, EOF inside), heredocs (`<<EOF`, `<<-EOF` with tab-indented bodies, quoted
names, several per line, `2<<EOF`, `<< EOF` with spaces or tabs after `<<` as BuildKit >= 0.22 reads
it), LF/CRLF/mixed endings, a BOM, tabs, odd Unicode whitespace,
trailing whitespace and no final newline.

The generator aims at files BuildKit accepts (so most examples exercise the faithful comparison) and,
with `errors=True`, occasionally plants one of the defects BuildKit rejects. It never decides what
BuildKit makes of a file: the oracle does.

`mutated_files()` splices, duplicates and deletes lines of real-world Dockerfiles (or generated ones
when the corpus is absent), flips line endings and inserts `\\`, `#`, `<<EOF` fragments.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache

from buildkit_oracle import read_utf8, realworld_files
from hypothesis import strategies as st

Draw = st.DrawFn

BOM = "\ufeff"
# Directive keys BuildKit's parser (the `dockerfile` 3.4.0 binding) knows. `check` is newer: to this
# parser it is an unknown key, so it ends the directive block like a comment would.
KNOWN_DIRECTIVES = frozenset({"syntax", "escape"})

# ---------------------------------------------------------------------------------------------------
# Small pieces


def _pick(draw: Draw, options: Sequence[str]) -> str:
    return draw(st.sampled_from(options))


def _chance(draw: Draw, p: float) -> bool:
    """True with probability about `p`; shrinks towards False (integers shrink towards 0)."""
    return draw(st.integers(min_value=0, max_value=999)) >= 1000 * (1 - p)


def _keyword_case(draw: Draw, word: str) -> str:
    style = _pick(draw, ["upper", "upper", "upper", "lower", "title", "mixed"])
    if style == "upper":
        return word.upper()
    if style == "lower":
        return word.lower()
    if style == "title":
        return word.title()
    flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    return "".join(c.lower() if f else c.upper() for c, f in zip(word, flips, strict=True))


INDENTS = ["", "", "", " ", "  ", "    ", "\t", " \t"]
SEPARATORS = [" ", " ", " ", "  ", "\t"]
TRAILING = ["", "", "", "", " ", "  ", "\t", " \t "]
# Whitespace BuildKit treats specially: \v and \f split words; NBSP, NEL and U+2028 are trimmed at the
# start of a line (unicode.IsSpace) but are not word separators.
ODD_SPACE = ["\v", "\f", "\u00a0", "\u0085", "\u2028", "\u3000"]

SHELL_WORDS = [
    "apt-get", "update", "&&", "install", "-y", "--no-install-recommends", "curl", "ca-certificates",
    "rm", "-rf", "/var/lib/apt/lists/*", "echo", "hello", "world", "'single quoted'",
    '"double quoted $HOME"', "$VAR", "${VAR:-default}", "a=b", "|", ">", "/dev/null", "2>&1", ";",
    "#not-a-comment", "x#y", "\\$escaped", "foo\\\\", "é", "日本語", "--", "-", "`date`", "[", "]",
    "\"[a]\"", "'", "\\\"", "=", "--flag=after-args", "<<notaheredoc", "a<<EOF", "<<", "\\", "`",
    "${X-a}", "${X:1:2}", "${X+set}", "${X%.*}",
]  # fmt: skip

IMAGES = ["alpine", "debian:bookworm-slim", "ubuntu:24.04", "golang:1.22 AS build", "scratch",
          "python:3.12@sha256:" + "a" * 64, "${BASE}:${TAG:-latest}", "build", "nginx as web"]  # fmt: skip

HEREDOC_NAMES = ["EOF", "EOF", "END", "SCRIPT", "eot", "E_O_F", "X1"]
HEREDOC_BODY = [
    "echo hi", "set -eux", "apt-get update", "\tindented with a tab", "  two spaces", "", "#!/bin/sh",
    "# a comment in a heredoc", "RUN not an instruction", "EOFX", " EOF", "EOF ", "x\\", "`", "$HOME",
    "\t\tdeep tabs", "café", "<<EOF",
]  # fmt: skip

COMMENT_TEXT = ["", " comment", " TODO: pin this", "#", " escape=`", " syntax=docker/dockerfile:1",
                "comment with trailing \\", " RUN echo commented out", " é ü"]  # fmt: skip


@st.composite
def _word(draw: Draw) -> str:
    if _chance(draw, 0.8):
        return _pick(draw, SHELL_WORDS)
    return draw(st.text(alphabet="abcxyz019-_./:=@$%+,~", min_size=1, max_size=8))


def _words(draw: Draw, min_size: int = 1, max_size: int = 6) -> list[str]:
    return draw(st.lists(_word(), min_size=min_size, max_size=max_size))


def _json_array(draw: Draw, items: list[str]) -> list[str]:
    """A JSON array as tokens (`["a",` `"b"]`), so continuations can fall between its elements."""
    ascii_only = draw(st.booleans())
    comma = _pick(draw, [",", ",", " ,"])
    inner = _pick(draw, ["", "", " "])
    if not items:
        return [f"[{inner}]"]
    tokens = [json.dumps(i, ensure_ascii=ascii_only) + comma for i in items]
    tokens[0] = "[" + inner + tokens[0]
    tokens[-1] = tokens[-1][: -len(comma)] + inner + "]"
    return tokens


def _maybe_bad_json(draw: Draw, items: list[str]) -> list[str]:
    """A JSON array, or now and then one BuildKit does not take as JSON (falls back to shell form)."""
    if not _chance(draw, 0.1):
        return _json_array(draw, items)
    return [_pick(draw, ['["a",]', "['single', 'quotes']", '["unterminated', '[ "a" ] trailing', "[]",
                         '["nested", ["x"]]', '["a" "b"]', '[1, 2]', '["\\u00e9t\\u00e9"]'])]  # fmt: skip


# ---------------------------------------------------------------------------------------------------
# Instructions: a logical line as a list of tokens (joined by separators or split by continuations)
# plus the heredocs it opens.


class Heredoc:
    __slots__ = ("body", "chomp", "name")

    def __init__(self, name: str, chomp: bool, body: list[str]) -> None:
        self.name, self.chomp, self.body = name, chomp, body


def _flags(draw: Draw, pool: Sequence[str], max_size: int = 3) -> list[str]:
    return draw(st.lists(st.sampled_from(pool), max_size=max_size))


RUN_FLAGS = ["--mount=type=cache,target=/x", "--mount=type=secret,id=npmrc,target=/root/.npmrc",
             "--mount=type=bind,from=build,source=/out,target=/in", "--network=none", "--network=host",
             "--security=insecure", "--mount=type=ssh"]  # fmt: skip
COPY_FLAGS = ["--from=build", "--chown=1:1", "--chown=app:app", "--chmod=0755", "--link",
              "--from=build --link", "--exclude=*.md", "--parents"]  # fmt: skip
ADD_FLAGS = ["--chown=1:1", "--checksum=sha256:" + "b" * 64, "--keep-git-dir=true", "--link"]
KEYWORDS = ["RUN", "RUN", "RUN", "COPY", "ADD", "ENV", "ARG", "LABEL", "CMD", "ENTRYPOINT", "WORKDIR",
            "USER", "EXPOSE", "VOLUME", "SHELL", "HEALTHCHECK", "STOPSIGNAL", "MAINTAINER", "FROM",
            "ONBUILD"]  # fmt: skip


@st.composite
def _heredoc(draw: Draw) -> tuple[str, Heredoc]:
    """A heredoc word (`<<EOF`, `<<-"EOF"`, `2<<'END'`, `<< EOF` …) and its body."""
    name = _pick(draw, HEREDOC_NAMES)
    chomp = _chance(draw, 0.35)
    quote = _pick(draw, ["", "", "", '"', "'"])
    fd = _pick(draw, ["", "", "", "", "2", "0", "10"])
    # Whitespace after `<<` (BuildKit >= 0.22); not after `<<-`, where it makes no heredoc at all.
    space = "" if chomp else _pick(draw, ["", "", "", " ", " ", "  ", "\t"])
    word = f"{fd}<<{'-' if chomp else ''}{space}{quote}{name}{quote}"
    body = []
    for line in draw(st.lists(st.sampled_from(HEREDOC_BODY), max_size=4)):
        if chomp and _chance(draw, 0.7):
            line = "\t" * draw(st.integers(1, 2)) + line
        if line == name or (chomp and line.lstrip("\t") == name):
            continue  # would end the heredoc early
        body.append(line)
    return word, Heredoc(name, chomp, body)


def _key_values(draw: Draw, escape: str, keyword: str) -> list[str]:
    names = ["A", "PATH", "b_c", "x.y", '"quoted key"', "org.opencontainers.image.source"]
    values = ["1", '"a b"', "'c d'", "$PATH:/x", f"e{escape} f", '""', "x=y", "é", f'"q{escape}"uote"']
    pairs = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(values)), min_size=1, max_size=3))
    bare = keyword == "ARG" and _chance(draw, 0.5)
    return [k if bare else f"{k}={v}" for k, v in pairs]


@st.composite
def instruction(draw: Draw, escape: str = "\\", onbuild_ok: bool = True) -> tuple[list[str], list[Heredoc]]:
    """Tokens of one logical instruction (keyword first) and the heredocs it opens."""
    keyword = _pick(draw, KEYWORDS if onbuild_ok else KEYWORDS[:-1])
    kw = _keyword_case(draw, keyword)
    heredocs: list[Heredoc] = []
    tokens: list[str]

    if keyword == "ONBUILD":
        sub, sub_heredocs = draw(instruction(escape, onbuild_ok=False))
        return [kw, *sub], sub_heredocs
    if keyword == "FROM":
        platform = ["--platform=$BUILDPLATFORM"] if _chance(draw, 0.3) else []
        return [kw, *platform, _pick(draw, IMAGES)], []
    if keyword in ("RUN", "CMD", "ENTRYPOINT", "SHELL"):
        flags = _flags(draw, RUN_FLAGS) if keyword == "RUN" else []
        form = _pick(draw, ["shell", "shell", "json", "heredoc"] if keyword == "RUN" else ["shell", "json"])
        if form == "json":
            tokens = _maybe_bad_json(draw, _words(draw, 0, 4))
        elif form == "heredoc":
            words = [draw(_heredoc()) for _ in range(draw(st.integers(1, 3)))]
            heredocs = [h for _, h in words]
            tokens = _words(draw, 0, 2) + [w for w, _ in words] + _words(draw, 0, 2)
        else:
            tokens = _words(draw)
        return [kw, *flags, *tokens], heredocs
    if keyword in ("COPY", "ADD"):
        flags = _flags(draw, COPY_FLAGS if keyword == "COPY" else ADD_FLAGS)
        form = _pick(draw, ["plain", "plain", "json", "heredoc"])
        if form == "json":
            tokens = _maybe_bad_json(draw, ["src/", "a b", "/dest/"])
        elif form == "heredoc":
            word, doc = draw(_heredoc())
            tokens, heredocs = [word, "/etc/app.conf"], [doc]
        else:
            paths = st.sampled_from(["src", "./a", "*.txt", "pkg/", "$SRC", "/app/"])
            tokens = draw(st.lists(paths, min_size=1, max_size=4))
        return [kw, *flags, *tokens], heredocs
    if keyword in ("ENV", "LABEL", "ARG"):
        if keyword == "ARG" or _chance(draw, 0.8):
            return [kw, *_key_values(draw, escape, keyword)], []
        return [kw, _pick(draw, ["A", "B"]), *_words(draw, 1, 3)], []  # legacy `ENV name value words`
    if keyword == "HEALTHCHECK":
        if _chance(draw, 0.25):
            return [kw, "NONE"], []
        flags = _flags(draw, ["--interval=30s", "--timeout=3s", "--start-period=5s", "--retries=3"])
        json_form = draw(st.booleans())
        args = _maybe_bad_json(draw, ["curl", "-f", "http://localhost/"]) if json_form else _words(draw)
        return [kw, *flags, _keyword_case(draw, "CMD"), *args], []
    if keyword == "VOLUME":
        json_form = draw(st.booleans())
        return [kw, *(_maybe_bad_json(draw, ["/data", "/var/log"]) if json_form else ["/data", "/x"])], []
    if keyword == "EXPOSE":
        ports = st.sampled_from(["80", "443/tcp", "53/udp", "$PORT"])
        return [kw, *draw(st.lists(ports, min_size=1, max_size=3))], []
    arg = {
        "WORKDIR": ["/app", "/a b", "$HOME/x"],
        "USER": ["1000", "app:app", "root", "${UID}"],
        "STOPSIGNAL": ["SIGTERM", "9"],
        "MAINTAINER": ["Jane Doe <jane@example.com>"],
    }[keyword]
    return [kw, _pick(draw, arg)], []


# ---------------------------------------------------------------------------------------------------
# Files


class _Writer:
    """Accumulates physical lines (content, ending); the ending of each line is drawn from the style."""

    def __init__(self, draw: Draw, style: str) -> None:
        self.draw, self.style = draw, style
        self.lines: list[tuple[str, str]] = []

    def newline(self) -> str:
        if self.style == "lf":
            return "\n"
        if self.style == "crlf":
            return "\r\n"
        return _pick(self.draw, ["\n", "\n", "\r\n", "\r\n", "\r\r\n"])

    def add(self, content: str) -> None:
        self.lines.append((content, self.newline()))

    def text(self, final_newline: bool) -> str:
        out = "".join(c + e for c, e in self.lines)
        if not final_newline and self.lines:
            out = out[: -len(self.lines[-1][1])]
        return out


def _comment(draw: Draw) -> str:
    return _pick(draw, INDENTS) + "#" + _pick(draw, COMMENT_TEXT) + _pick(draw, TRAILING)


def _blank(draw: Draw) -> str:
    return _pick(draw, ["", "", "", " ", "\t", "  \t "])


@st.composite
def directives(draw: Draw, errors: bool = False) -> tuple[list[str], str]:
    """Directive lines (`# syntax=…`, `# escape=…`, `# check=…`) and the escape char they leave in force."""
    keys = draw(st.lists(st.sampled_from(["syntax", "escape", "check"]), unique=True, max_size=3))
    if errors and keys and _chance(draw, 0.1):
        keys.append(keys[0])  # "only one %s parser directive can be used" (for known keys)
    lines: list[str] = []
    escape = "\\"
    done = False
    for key in keys:
        if key == "escape":
            value = _pick(draw, ["\\", "`", "`"]) if not (errors and _chance(draw, 0.05)) else "x"
        elif key == "syntax":
            value = _pick(draw, ["docker/dockerfile:1", "docker/dockerfile:1.7-labs", "example.com/fe@sha"])
        else:
            value = _pick(draw, ["skip=all", "error=true", "skip=JSONArgsRecommended;error=true"])
        sp = [_pick(draw, ["", " ", "  ", "\t"]) for _ in range(4)]
        lines.append(
            f"{_pick(draw, ['', '', ' '])}#{sp[0]}{_keyword_case(draw, key)}{sp[1]}={sp[2]}{value}{sp[3]}"
        )
        if key not in KNOWN_DIRECTIVES:
            done = True
        if key == "escape" and not done and value in ("\\", "`"):
            escape = value
    return lines, escape


@st.composite
def dockerfiles(draw: Draw, errors: bool = False) -> str:
    """A Dockerfile exercising every feature of BuildKit's line reader; see the module docstring.

    With ``errors=True`` about one file in seven carries a defect BuildKit rejects.
    """
    style = _pick(draw, ["lf", "lf", "crlf", "mixed"])
    w = _Writer(draw, style)
    bom = BOM if _chance(draw, 0.1) else ""

    if _chance(draw, 0.1):  # a blank line or comment first: the directives below are plain comments
        w.add(_pick(draw, ["", "# leading comment", "  "]))
        lines, _ = draw(directives(errors=False))
        escape = "\\"
    else:
        lines, escape = draw(directives(errors=errors))
    for line in lines:
        w.add(line)
    if lines and _chance(draw, 0.7):
        w.add(_blank(draw))
    other = "`" if escape == "\\" else "\\"

    defect = _pick(draw, ["none"] * 21 + ["heredoc", "env", "empty"]) if errors else "none"
    if defect == "empty":
        for _ in range(draw(st.integers(0, 3))):
            w.add(_comment(draw) if draw(st.booleans()) else _blank(draw))
        return bom + w.text(final_newline=draw(st.booleans()))

    body: list[tuple[list[str], list[Heredoc]]] = []
    if _chance(draw, 0.2):
        body.append(([_keyword_case(draw, "ARG"), "BASE=alpine"], []))
    body.append(([_keyword_case(draw, "FROM"), _pick(draw, IMAGES)], []))
    body += draw(st.lists(instruction(escape), min_size=0, max_size=8))
    if defect == "env":
        body.insert(draw(st.integers(1, len(body))), ([_keyword_case(draw, "ENV"), "ONLYNAME"], []))
    eof_in_continuation = _chance(draw, 0.1)
    unterminated = defect == "heredoc"
    if unterminated:
        word, doc = draw(_heredoc())
        body.append(([_keyword_case(draw, "RUN"), word], [doc]))

    for index, (tokens, heredocs) in enumerate(body):
        last = index == len(body) - 1
        # Comments and blank lines between instructions.
        for _ in range(draw(st.integers(0, 2))):
            w.add(_comment(draw) if draw(st.booleans()) else _blank(draw))
        if _chance(draw, 0.03):
            w.add(escape)  # a line that is only the escape char joins the next line
        _write_instruction(draw, w, tokens, escape, other, eof_in_continuation and last and not heredocs)
        for i, doc in enumerate(heredocs):
            for line in doc.body:
                w.add(line)
            if unterminated and last and i == len(heredocs) - 1:
                continue
            w.add(("\t" * draw(st.integers(0, 2)) if doc.chomp else "") + doc.name)
    if not eof_in_continuation:
        for _ in range(draw(st.integers(0, 2))):
            w.add(_comment(draw) if draw(st.booleans()) else _blank(draw))
    return bom + w.text(final_newline=not _chance(draw, 0.2))


def _write_instruction(draw: Draw, w: _Writer, tokens: list[str], escape: str, other: str, eof: bool) -> None:
    """Lay the tokens out on one or more physical lines joined by line continuations."""
    indent = _pick(draw, INDENTS) if _chance(draw, 0.2) else ""
    if _chance(draw, 0.03):
        indent = _pick(draw, ODD_SPACE) + indent
    current = indent + tokens[0]
    for token in tokens[1:]:
        if _chance(draw, 0.25):
            # Break the line here: [space] escape [trailing blanks] newline, then comment/blank lines,
            # then the continuation with its indent. Without the space the two tokens fuse.
            before = _pick(draw, [" ", " ", " ", "", "  "]) if current.strip() != tokens[0] else " "
            mark = other if _chance(draw, 0.02) else escape  # the other char is no continuation
            w.add(current + before + mark + _pick(draw, TRAILING))
            for _ in range(draw(st.integers(0, 2)) if _chance(draw, 0.3) else 0):
                w.add(_comment(draw) if draw(st.booleans()) else _blank(draw))
            if _chance(draw, 0.05):
                w.add(_pick(draw, INDENTS) + escape)  # a continuation line that is only the escape char
            current = _pick(draw, INDENTS) + token
        else:
            sep = _pick(draw, ODD_SPACE) if _chance(draw, 0.02) else _pick(draw, SEPARATORS)
            current += sep + token
    if eof:
        w.add(current + " " + escape + _pick(draw, TRAILING))
        for _ in range(draw(st.integers(0, 2))):
            w.add(_comment(draw) if draw(st.booleans()) else _blank(draw))
    else:
        w.add(current + _pick(draw, TRAILING))


# ---------------------------------------------------------------------------------------------------
# Mutations of real files, and arbitrary text

FRAGMENTS = ["\\", "`", "#", "# ", "<<EOF", "<<-EOF", "<< EOF", "EOF", "\tEOF", " \\  ", "\\\t", "# escape=`",
             "# syntax=x", BOM, "\t", "\r", "\r\n", "\n", '["a", "b"]', "[", "ONBUILD ", "RUN ",
             "--mount=type=cache,target=/x ", "\u00a0", "\x0b", "\x0c", "\x00", "2<<'E'\nE\n"]  # fmt: skip


@cache
def _realworld_texts() -> tuple[str, ...]:
    texts = (read_utf8(p) for p in realworld_files())
    return tuple(t for t in texts if t is not None)


@st.composite
def _seed_text(draw: Draw) -> str:
    texts = _realworld_texts()
    if texts and _chance(draw, 0.8):
        return _pick(draw, texts)
    return draw(dockerfiles())


@st.composite
def mutated_files(draw: Draw) -> str:
    """A real-world (or generated) Dockerfile put through a few line-level mutations."""
    lines = draw(_seed_text()).splitlines(keepends=True)
    donor = draw(_seed_text()).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 5))):
        op = _pick(draw, ["delete", "duplicate", "splice", "ending", "insert", "truncate"])
        if not lines:
            lines = ["\n"]
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "splice" and donor:
            j = draw(st.integers(0, len(donor) - 1))
            k = draw(st.integers(1, 4))
            lines[i:i] = donor[j : j + k]
        elif op == "ending":
            stripped = line.rstrip("\r\n")
            lines[i] = stripped + _pick(draw, ["\n", "\r\n", "\r", "", "\r\r\n"])
        elif op == "insert":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + _pick(draw, FRAGMENTS) + line[at:]
        elif op == "truncate":
            at = draw(st.integers(0, len(line)))
            lines = [*lines[:i], line[:at]]
    return "".join(lines)


# Text dense in the characters BuildKit's line reader cares about.
DOCKERFILE_ALPHABET = st.sampled_from(
    ["FROM", "RUN", "ONBUILD", "COPY", "ENV", "a", "=", " ", "\t", "\n", "\r", "\r\n", "\\", "`", "#",
     "<<", "-", "EOF", '"', "'", "[", "]", ",", "escape", "syntax", BOM, "\u00a0", "\x0b", "2", "--x"]
)  # fmt: skip
dockerfile_soup = st.lists(DOCKERFILE_ALPHABET, max_size=40).map("".join)

# Whole lines dense in BuildKit's line-level constructs: continuations, heredoc openers and
# terminators, directives and comments, stitched with random line endings.
SOUP_LINES = [
    "FROM x", "FROM x AS b", "RUN a", "RUN a \\", "RUN a`", "\\", "`", " \\ ", "# escape=`", "# escape=\\",
    "#syntax=a", "# c", "#", "  # c \\", "", " ", "\t", "RUN <<EOF", "RUN <<-EOF cat <<E2", "RUN <<EOF \\",
    "RUN << EOF", "RUN cat <<\tE2 <<- EOF", "COPY << \"EOF\" /x",
    "EOF", "\tEOF", "EOF ", "E2", "\t\tE2", "ONBUILD RUN <<EOF", "COPY <<'EOF' /x", "ADD 2<<\"E2\" /y",
    'CMD ["a", \\', '"b"]', "ENV a=b \\", "ENV a", "  b", "LABEL x=\"y \\", 'z"', "run --mount=type=cache \\",
    "  --network=none echo", "HEALTHCHECK CMD \\", "  [\"c\"]", "\ufeffFROM x", "RUN a \\ \t", "foo \\\\",
]  # fmt: skip
line_soup = st.lists(
    st.tuples(st.sampled_from(SOUP_LINES), st.sampled_from(["\n", "\n", "\r\n", "\r", "", "\r\r\n"])),
    max_size=12,
).map(lambda lines: "".join(content + end for content, end in lines))
