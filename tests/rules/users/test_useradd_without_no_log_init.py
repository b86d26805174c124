"""DF306 useradd-without-no-log-init: ``--no-log-init`` added (safe) to ``useradd`` with a high UID."""

from __future__ import annotations

import pytest
from rule_fixers import fixer_for

import fixer
from fixer.rules.users.useradd_without_no_log_init import resolve_uid

RULE = ["DF306"]
FROM = "FROM debian:12\n"

fixed = fixer_for(RULE[0], base=FROM)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("RUN useradd -u 123456 app\n", "RUN useradd --no-log-init -u 123456 app\n", id="short"),
        pytest.param(
            "RUN useradd --uid 123456 app\n", "RUN useradd --no-log-init --uid 123456 app\n", id="long"
        ),
        pytest.param(
            "RUN useradd --uid=100000 app\n", "RUN useradd --no-log-init --uid=100000 app\n", id="equals"
        ),
        pytest.param(
            "RUN useradd -mu123456 app\n", "RUN useradd --no-log-init -mu123456 app\n", id="bundled"
        ),
        pytest.param(
            "RUN useradd -r -u 2147483647 -g 0 app\n",
            "RUN useradd --no-log-init -r -u 2147483647 -g 0 app\n",
            id="huge",
        ),
        pytest.param(
            "ARG UID=123456\nRUN useradd -u $UID app\n",
            "ARG UID=123456\nRUN useradd --no-log-init -u $UID app\n",
            id="arg",
        ),
        pytest.param(
            'ENV APP_UID=654321\nRUN useradd -u "${APP_UID}" app\n',
            'ENV APP_UID=654321\nRUN useradd --no-log-init -u "${APP_UID}" app\n',
            id="env-quoted-braces",
        ),
        pytest.param(
            "RUN uid=200000 && useradd -u $uid app\n",
            "RUN uid=200000 && useradd --no-log-init -u $uid app\n",
            id="shell-variable",
        ),
        pytest.param(
            "RUN /usr/sbin/useradd -u 123456 app\n",
            "RUN /usr/sbin/useradd --no-log-init -u 123456 app\n",
            id="full-path",
        ),
        pytest.param(
            "RUN groupadd -g 123456 app \\\n    && useradd \\\n        -u 123456 -g app app\n",
            "RUN groupadd -g 123456 app \\\n    && useradd --no-log-init \\\n        -u 123456 -g app app\n",
            id="continuation",
        ),
        pytest.param(
            "RUN <<EOF\nuseradd -u 123456 app\nEOF\n",
            "RUN <<EOF\nuseradd --no-log-init -u 123456 app\nEOF\n",
            id="heredoc",
        ),
        pytest.param(
            "RUN useradd -u 123456 app\r\n", "RUN useradd --no-log-init -u 123456 app\r\n", id="crlf"
        ),
    ],
)
def test_safe_fix(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(source, unsafe=True) == expected
    assert fixed(expected, unsafe=True) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN useradd app\n", id="no-uid"),
        pytest.param("RUN useradd -u 12345 app\n", id="five-digits-as-hadolint"),
        pytest.param("RUN useradd -u 99999 app\n", id="below-the-line"),
        pytest.param("RUN useradd -l -u 123456 app\n", id="l"),
        pytest.param("RUN useradd --no-log-init -u 123456 app\n", id="no-log-init"),
        pytest.param("RUN useradd -lmu 123456 app\n", id="l-bundled"),
        pytest.param("RUN useradd -u $UID app\n", id="unknown-variable"),
        pytest.param("ARG UID\nRUN useradd -u $UID app\n", id="arg-without-default"),
        pytest.param("RUN adduser --uid 123456 app\n", id="adduser-writes-no-lastlog"),
        pytest.param("RUN adduser -D -u 123456 app\n", id="busybox-adduser"),
        pytest.param("RUN usermod -u 123456 app\n", id="usermod"),
        pytest.param('RUN echo "useradd -u 123456 app"\n', id="quoted"),
        pytest.param("# hadolint ignore=DL3046\nRUN useradd -u 123456 app\n", id="hadolint-suppression"),
    ],
)
def test_unchanged(source: str) -> None:
    assert fixed(source, unsafe=True) == source


@pytest.mark.parametrize(
    ("text", "variables", "uid"),
    [
        ("1000", {}, 1000),
        ("$U", {"U": "7"}, 7),
        ("${U}", {"U": "7"}, 7),
        ('"$U"', {"U": "7"}, 7),
        ("$U", {}, None),
        ("$U", {"U": "x"}, None),
        ("${U:-1}", {"U": "7"}, None),
        ("1e5", {}, None),
        (None, {}, None),
    ],
)
def test_resolve_uid(text: str | None, variables: dict[str, str], uid: int | None) -> None:
    assert resolve_uid(text, variables) == uid


def test_diagnostic() -> None:
    text = FROM + "RUN apt-get update && useradd -m -u 123456 app && echo done\n"
    (diagnostic,) = fixer.fix(text, select=RULE).diagnostics
    assert (diagnostic.rule, diagnostic.name) == ("DF306", "useradd-without-no-log-init")
    assert (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column) == (2, 23, 2, 47)
    assert diagnostic.message == (
        "`useradd` with UID 123456 and without `--no-log-init`: lastlog and faillog may grow to 40 MB of"
        " zeros in the layer"
    )
    assert diagnostic.applicability is fixer.Applicability.SAFE
    assert diagnostic.fix_title == "Add `--no-log-init`"
    assert diagnostic.fixed
    assert diagnostic.changes is not None
    assert diagnostic.changes.paths == ("/var/log/lastlog", "/var/log/faillog")


def test_one_finding_per_useradd() -> None:
    text = FROM + "RUN useradd -u 100001 a && useradd -u 100002 b\nRUN useradd -u 100003 -l c\n"
    assert [(d.line, d.column) for d in fixer.fix(text, select=RULE).diagnostics] == [(2, 5), (2, 28)]
