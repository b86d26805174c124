"""DF304 sudo-in-run: ``sudo`` removed (unsafe) where the RUN runs as root, reported elsewhere."""

from __future__ import annotations

import pytest
from rule_fixers import fixer_for

import fixer

RULE = ["DF304"]
FROM = "FROM debian:12\n"

fixed = fixer_for(RULE[0], base=FROM)


def findings(text: str) -> list[fixer.Diagnostic]:
    return fixer.fix(FROM + text, unsafe=True, select=RULE).diagnostics


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("RUN sudo apt-get update\n", "RUN apt-get update\n", id="plain"),
        pytest.param(
            "RUN apt-get update && sudo apt-get install -y curl\n",
            "RUN apt-get update && apt-get install -y curl\n",
            id="chained",
        ),
        pytest.param(
            "RUN sudo mkdir /data && sudo chown 1000 /data\n",
            "RUN mkdir /data && chown 1000 /data\n",
            id="two-in-one-run",
        ),
        pytest.param("RUN sudo -E make install\n", "RUN make install\n", id="preserve-env"),
        pytest.param("RUN sudo -u root id\n", "RUN id\n", id="user-root"),
        pytest.param("RUN sudo -u 0 id\n", "RUN id\n", id="user-zero"),
        pytest.param("RUN sudo -uroot id\n", "RUN id\n", id="user-attached"),
        pytest.param("RUN sudo --user=root id\n", "RUN id\n", id="user-long"),
        pytest.param("RUN sudo -En -- id -u\n", "RUN id -u\n", id="bundled-and-double-dash"),
        pytest.param("RUN sudo -H -S --preserve-env=PATH id\n", "RUN id\n", id="harmless-options"),
        pytest.param("RUN /usr/bin/sudo id\n", "RUN id\n", id="full-path"),
        pytest.param("USER root\nRUN sudo id\n", "USER root\nRUN id\n", id="user-root-instruction"),
        pytest.param("USER 0:0\nRUN sudo id\n", "USER 0:0\nRUN id\n", id="user-zero-instruction"),
        pytest.param(
            "USER app\nUSER root\nRUN sudo id\n", "USER app\nUSER root\nRUN id\n", id="switched-back-to-root"
        ),
        pytest.param(
            "RUN apt-get update && \\\n    sudo \\\n    apt-get install -y curl\n",
            "RUN apt-get update && \\\n    apt-get install -y curl\n",
            id="sudo-on-its-own-line",
        ),
        pytest.param(
            "RUN sudo -E \\\n    make install\n",
            "RUN \\\n    make install\n",
            id="options-then-continuation",
        ),
        pytest.param(
            "RUN true && \\\n    sudo -E \\\n    # as root\n    -u root \\\n    make install\n",
            "RUN true && \\\n    # as root\n    make install\n",
            id="options-on-lines-of-their-own-around-a-comment",
        ),
        pytest.param(
            "RUN <<EOF\nsudo apt-get update\nEOF\n", "RUN <<EOF\napt-get update\nEOF\n", id="heredoc"
        ),
        pytest.param("RUN sudo id\r\n", "RUN id\r\n", id="crlf"),
    ],
)
def test_unsafe_fix(source: str, expected: str) -> None:
    assert fixed(source) == source  # never a safe fix
    assert fixed(source, unsafe=True) == expected
    assert fixed(expected, unsafe=True) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param(
            "USER app\nRUN sudo apt-get update\n",
            "`sudo` in a RUN as `app`: do this step before `USER app`, as root",
            id="non-root-user",
        ),
        pytest.param(
            "USER 1000:1000\nRUN sudo apt-get update\n",
            "`sudo` in a RUN as `1000:1000`: do this step before `USER 1000:1000`, as root",
            id="numeric-user",
        ),
        pytest.param(
            "USER $APP\nRUN sudo apt-get update\n",
            "`sudo` in a RUN as `$APP`: do this step before `USER $APP`, as root",
            id="unknown-user",
        ),
        pytest.param(
            "RUN sudo -u app make\n",
            "`sudo -u app`: run this step under `USER app`, not through sudo",
            id="other-user",
        ),
        pytest.param(
            "RUN sudo --user app make\n",
            "`sudo -u app`: run this step under `USER app`, not through sudo",
            id="other-user-long",
        ),
        pytest.param(
            "RUN sudo -i make\n",
            "`sudo` in a RUN that already runs as the image's default user (root)",
            id="login",
        ),
        pytest.param(
            "RUN sudo -s make\n",
            "`sudo` in a RUN that already runs as the image's default user (root)",
            id="shell",
        ),
        pytest.param(
            "RUN sudo -D /src make\n",
            "`sudo` in a RUN that already runs as the image's default user (root)",
            id="chdir",
        ),
        pytest.param(
            "RUN sudo -g staff id\n",
            "`sudo` in a RUN that already runs as the image's default user (root)",
            id="other-group",
        ),
        pytest.param(
            "RUN sudo FOO=1 make\n",
            "`sudo` in a RUN that already runs as the image's default user (root)",
            id="assignment",
        ),
        pytest.param(
            "RUN sudo -v\n",
            "`sudo` in a RUN that already runs as the image's default user (root)",
            id="no-command",
        ),
        pytest.param(
            "USER root\nRUN sudo -i make\n", "`sudo` in a RUN that already runs as root", id="root-login"
        ),
    ],
)
def test_reported_without_fix(source: str, message: str) -> None:
    (diagnostic,) = findings(source)
    assert diagnostic.message == message
    assert diagnostic.applicability is None
    assert fixed(source, unsafe=True) == source


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN apt-get install -y sudo\n", id="installs-sudo"),
        pytest.param('RUN echo "sudo make"\n', id="quoted"),
        pytest.param("RUN command -v sudo\n", id="lookup"),
        pytest.param("RUN gosu app make\n", id="gosu"),
        pytest.param('RUN ["sudo", "make"]\n', id="exec-form"),
        pytest.param("# hadolint ignore=DL3004\nRUN sudo make\n", id="hadolint-suppression"),
        pytest.param("# dfix: ignore=sudo-in-run\nRUN sudo make\n", id="dfix-suppression"),
    ],
)
def test_not_reported(source: str) -> None:
    assert findings(source) == []


def test_diagnostic() -> None:
    (diagnostic,) = fixer.fix(
        FROM + "RUN apt-get update && sudo -E apt-get install -y x\n", select=RULE
    ).diagnostics
    assert (diagnostic.rule, diagnostic.name) == ("DF304", "sudo-in-run")
    assert (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column) == (2, 23, 2, 27)
    assert diagnostic.message == "`sudo` in a RUN that already runs as the image's default user (root)"
    assert diagnostic.applicability is fixer.Applicability.UNSAFE
    assert diagnostic.fix_title == "Remove `sudo`"
    assert not diagnostic.fixed


def test_user_of_the_stage_it_is_built_on() -> None:
    text = "FROM debian:12 AS base\nUSER app\nFROM base\nRUN sudo make\n"
    (diagnostic,) = fixer.fix(text, unsafe=True, select=RULE).diagnostics
    assert diagnostic.message.startswith("`sudo` in a RUN as `app`")


def test_one_finding_per_sudo() -> None:
    diagnostics = findings("RUN sudo a && sudo -u app b\nUSER app\nRUN sudo c\n")
    assert [(d.line, d.column, d.applicability) for d in diagnostics] == [
        (2, 5, fixer.Applicability.UNSAFE),
        (2, 15, None),
        (4, 5, None),
    ]
