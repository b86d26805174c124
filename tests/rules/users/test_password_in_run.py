"""DF305 password-in-run: chpasswd, passwd fed a password, useradd/usermod -p; report only."""

from __future__ import annotations

import pytest

import fixer

RULE = ["DF305"]
FROM = "FROM debian:12\n"
HISTORY = "in the build: it stays in the image history, and its hash in /etc/shadow"
SHADOW = "in the build: its hash stays in the image's /etc/shadow"


def findings(text: str) -> list[fixer.Diagnostic]:
    return fixer.fix(FROM + text, unsafe=True, select=RULE).diagnostics


def message(text: str) -> str:
    (diagnostic,) = findings(text)
    assert (diagnostic.rule, diagnostic.name) == ("DF305", "password-in-run")
    assert diagnostic.applicability is None
    return diagnostic.message


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "RUN echo 'app:secret' | chpasswd\n",
            f"`chpasswd` sets a password for `app` {HISTORY}",
            id="chpasswd",
        ),
        pytest.param(
            'RUN printf "root:%s\\n" toor | chpasswd\n',
            f"`chpasswd` sets a password for `root` {HISTORY}",
            id="printf",
        ),
        pytest.param(
            'RUN echo "$USER:$PASS" | chpasswd\n', f"`chpasswd` sets a password {HISTORY}", id="variables"
        ),
        pytest.param(
            "RUN chpasswd <<< 'app:secret'\n",
            f"`chpasswd` sets a password for `app` {HISTORY}",
            id="herestring",
        ),
        pytest.param(
            "RUN chpasswd <<EOF\napp:secret\nEOF\n",
            f"`chpasswd` sets a password for `app` {HISTORY}",
            id="heredoc",
        ),
        pytest.param(
            "RUN echo 'app:$6$salt$hash' | chpasswd -e\n",
            f"`chpasswd` sets a password for `app` {HISTORY}",
            id="chpasswd-encrypted",
        ),
        pytest.param(
            "RUN --mount=type=secret,id=pw chpasswd < /run/secrets/pw\n",
            f"`chpasswd` sets a password {SHADOW}",
            id="chpasswd-from-secret",
        ),
        pytest.param(
            "RUN echo -e 'secret\\nsecret' | passwd app\n",
            f"`passwd` sets a password for `app` {HISTORY}",
            id="passwd-pipe",
        ),
        pytest.param(
            "RUN echo secret | passwd --stdin app\n",
            f"`passwd` sets a password for `app` {HISTORY}",
            id="stdin",
        ),
        pytest.param(
            "RUN passwd app <<< 'secret'\n",
            f"`passwd` sets a password for `app` {HISTORY}",
            id="passwd-herestring",
        ),
        pytest.param(
            "RUN echo secret | passwd --stdin\n",
            f"`passwd` sets a password for `root` {HISTORY}",
            id="passwd-root",
        ),
        pytest.param(
            "RUN useradd -p '$6$salt$hash' app\n",
            f"`useradd -p` sets a password for `app` {HISTORY};"
            " `app` also has a login shell (useradd's default), so it can log in with it",
            id="useradd-p",
        ),
        pytest.param(
            'RUN useradd -m -s /bin/bash -p "$(openssl passwd -1 secret)" app\n',
            f"`useradd -p` sets a password for `app` {HISTORY}; `app` also has a login shell (/bin/bash),"
            " so it can log in with it",
            id="useradd-openssl-passwd",
        ),
        pytest.param(
            "RUN useradd --password=x -s /usr/sbin/nologin svc\n",
            f"`useradd -p` sets a password for `svc` {HISTORY}",
            id="useradd-password-nologin",
        ),
        pytest.param(
            "RUN usermod -aG sudo -p x app\n",
            f"`usermod -p` sets a password for `app` {HISTORY}",
            id="usermod-p",
        ),
        pytest.param(
            "RUN usermod --password x --shell /bin/false app\n",
            f"`usermod -p` sets a password for `app` {HISTORY}",
            id="usermod-password",
        ),
    ],
)
def test_reported(source: str, expected: str) -> None:
    assert message(source) == expected


@pytest.mark.parametrize(
    ("source", "shell"),
    [
        pytest.param(
            "RUN useradd -m -s /bin/bash app && echo app:x | chpasswd\n", "/bin/bash", id="same-run"
        ),
        pytest.param(
            "RUN useradd -m app\nRUN echo app:x | chpasswd\n", "useradd's default", id="earlier-run"
        ),
        pytest.param(
            "RUN adduser --disabled-password app\nRUN echo app:x | chpasswd\n",
            "adduser's default",
            id="adduser",
        ),
        pytest.param(
            "RUN adduser -D -s /bin/ash app\nRUN echo app:x | chpasswd\n", "/bin/ash", id="busybox-adduser"
        ),
    ],
)
def test_login_shell_is_mentioned(source: str, shell: str) -> None:
    assert message(source).endswith(f"; `app` also has a login shell ({shell}), so it can log in with it")


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN useradd -s /usr/sbin/nologin app && echo app:x | chpasswd\n", id="nologin"),
        pytest.param("RUN useradd -s /bin/false app && echo app:x | chpasswd\n", id="false"),
        pytest.param("RUN adduser --system app && echo app:x | chpasswd\n", id="adduser-system"),
        pytest.param("RUN adduser -S app && echo app:x | chpasswd\n", id="busybox-system"),
        pytest.param('RUN useradd -s "$SHELL" app && echo app:x | chpasswd\n', id="unknown-shell"),
        pytest.param("RUN echo bob:x | chpasswd\n", id="account-not-created-here"),
    ],
)
def test_no_login_shell_mentioned(source: str) -> None:
    assert "login shell" not in message(source)


def test_accounts_of_another_stage_are_not_known() -> None:
    text = "FROM debian:12 AS a\nRUN useradd -s /bin/bash app\nFROM debian:12\nRUN echo app:x | chpasswd\n"
    (diagnostic,) = fixer.fix(text, select=RULE).diagnostics
    assert "login shell" not in diagnostic.message


def test_accounts_of_the_stage_built_on_are_known() -> None:
    text = "FROM debian:12 AS a\nRUN useradd -s /bin/bash app\nFROM a\nRUN echo app:x | chpasswd\n"
    (diagnostic,) = fixer.fix(text, select=RULE).diagnostics
    assert "login shell (/bin/bash)" in diagnostic.message


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN useradd -m app\n", id="useradd-without-password"),
        pytest.param("RUN useradd -l -u 1000 app\n", id="useradd-l-is-not-usermod-login"),
        pytest.param("RUN usermod -l newname app\n", id="usermod-rename"),
        pytest.param("RUN usermod -aG sudo app\n", id="usermod-groups"),
        pytest.param("RUN passwd -l root\n", id="passwd-lock"),
        pytest.param("RUN passwd -d app\n", id="passwd-delete"),
        pytest.param("RUN groupadd -p x staff\n", id="group-password-is-another-matter"),
        pytest.param('RUN echo "chpasswd"\n', id="quoted"),
        pytest.param("RUN apt-get install -y passwd\n", id="package-name"),
        pytest.param("# dfix: ignore=DF305\nRUN echo app:x | chpasswd\n", id="suppressed"),
    ],
)
def test_not_reported(source: str) -> None:
    assert findings(source) == []


def test_location_is_the_command() -> None:
    text = FROM + "RUN useradd -m app && \\\n    echo 'app:x' | chpasswd\n"
    (diagnostic,) = fixer.fix(text, select=RULE).diagnostics
    assert (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column) == (3, 20, 3, 28)


def test_one_finding_per_command() -> None:
    diagnostics = findings("RUN useradd -p x a && echo a:y | chpasswd\nRUN usermod -p z a\n")
    assert [(d.line, d.column) for d in diagnostics] == [(2, 5), (2, 34), (3, 5)]
