"""DF601 add-local-source: (source, expected) pairs per mode, and inputs that must stay unchanged."""

from __future__ import annotations

import pytest

import fixer


def fixed(text: str, unsafe: bool = False) -> str:
    return fixer.fix("FROM x\n" + text, unsafe=unsafe, select=["DF601"]).output.removeprefix("FROM x\n")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("ADD app.py /app/\n", "COPY app.py /app/\n", id="file-with-extension"),
        pytest.param("ADD . /app\n", "COPY . /app\n", id="context-directory"),
        pytest.param("ADD src/ conf/ /app/\n", "COPY src/ conf/ /app/\n", id="directories"),
        pytest.param("add a.txt /\n", "copy a.txt /\n", id="lower-case-kept"),
        pytest.param("Add a.txt /\n", "Copy a.txt /\n", id="title-case-kept"),
        pytest.param("  ADD a.txt /\r\n", "  COPY a.txt /\r\n", id="indent-and-crlf-kept"),
        pytest.param('ADD ["a b.txt", "/x/"]\n', 'COPY ["a b.txt", "/x/"]\n', id="json-form"),
        pytest.param(
            "ADD --chown=1:1 --link *.sh /bin/\n", "COPY --chown=1:1 --link *.sh /bin/\n", id="flags-glob"
        ),
        pytest.param(
            "ADD \\\n  a.txt \\\n  # note\n  /x\n", "COPY \\\n  a.txt \\\n  # note\n  /x\n", id="continuation"
        ),
    ],
)
def test_safe_fix(source: str, expected: str) -> None:
    assert fixed(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("ADD src /x\n", "COPY src /x\n", id="no-extension-may-be-archive"),
        pytest.param("ADD * /x/\n", "COPY * /x/\n", id="wildcard-may-match-archive"),
        pytest.param("ADD $APP /x\n", "COPY $APP /x\n", id="variable"),
    ],
)
def test_unsafe_fix(source: str, expected: str) -> None:
    assert fixed(source) == source
    assert fixed(source, unsafe=True) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("ADD https://example.com/a.txt /x\n", id="url"),
        pytest.param("ADD git@github.com:moby/buildkit.git /src\n", id="git-ssh"),
        pytest.param("ADD rootfs.tar.gz /\n", id="archive-unpacked-on-purpose"),
        pytest.param("ADD --checksum=sha256:0 a.txt /x\n", id="add-only-flag"),
        pytest.param("ADD <<EOF /x\nhi\nEOF\n", id="heredoc"),
        pytest.param("COPY a.txt /x\n", id="already-copy"),
        pytest.param("# dfix: ignore=DF601\nADD a.txt /x\n", id="dfix-suppression"),
        pytest.param("# hadolint ignore=DL3020\nADD a.txt /x\n", id="hadolint-suppression"),
        pytest.param("ONBUILD ADD a.txt /x\n", id="onbuild-left-alone"),
    ],
)
def test_unchanged(source: str) -> None:
    assert fixed(source, unsafe=True) == source


def test_diagnostic_location_and_fix_title() -> None:
    (diagnostic,) = fixer.fix("FROM x\n  ADD src /x\n", select=["DL3020"]).diagnostics
    assert (diagnostic.rule, diagnostic.line, diagnostic.column, diagnostic.end_line) == ("DF601", 2, 3, 2)
    assert diagnostic.fix_title == "Replace `ADD` with `COPY`"
    assert diagnostic.applicability is fixer.Applicability.UNSAFE
    assert not diagnostic.fixed


def test_configuration_can_promote_and_demote_fixes() -> None:
    text = "FROM x\nADD src /x\nADD a.py /y\n"
    promoted = fixer.fix(text, extend_safe_fixes=["DF601"]).output
    assert promoted == "FROM x\nCOPY src /x\nCOPY a.py /y\n"
    demoted = fixer.fix(text, extend_unsafe_fixes=["add-local-source"]).output
    assert demoted == text
