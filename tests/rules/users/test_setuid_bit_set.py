"""DF303 setuid-bit-set: chmod, install -m and COPY/ADD --chmod that set the setuid/setgid bit."""

from __future__ import annotations

import pytest

import fixer
from fixer.rules.users.setuid_bit_set import SETGID, SETUID, special_bits

RULE = ["DF303"]
FROM = "FROM debian:12\n"


def findings(text: str) -> list[fixer.Diagnostic]:
    return fixer.fix(FROM + text, unsafe=True, select=RULE).diagnostics


@pytest.mark.parametrize(
    ("mode", "bits"),
    [
        ("4755", SETUID),
        ("2755", SETGID),
        ("6755", SETUID | SETGID),
        ("04755", SETUID),
        ("0755", 0),
        ("1777", 0),  # the sticky bit
        ("u+s", SETUID),
        ("g+s", SETGID),
        ("+s", SETUID | SETGID),
        ("a+s", SETUID | SETGID),
        ("ug+s", SETUID | SETGID),
        ("u+xs", SETUID),
        ("u=rwxs,go=rx", SETUID),
        ("o+s", 0),  # no such bit for others
        ("u+s,u-s", 0),
        ("+x", 0),
        ("g-s", 0),
        ("u=rwx", 0),
        ("8755", 0),  # not octal
    ],
)
def test_special_bits(mode: str, bits: int) -> None:
    assert special_bits(mode) == bits


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param(
            "RUN chmod u+s /usr/bin/ping\n",
            "`chmod u+s` sets the setuid bit of `/usr/bin/ping`: a process running it gains its"
            " owner's rights",
            id="chmod-u+s",
        ),
        pytest.param(
            "RUN chmod 4755 /usr/local/bin/tool\n",
            "`chmod 4755` sets the setuid bit of `/usr/local/bin/tool`: a process running it gains its"
            " owner's rights",
            id="chmod-4755",
        ),
        pytest.param(
            "RUN chmod g+s /usr/bin/wall\n",
            "`chmod g+s` sets the setgid bit of `/usr/bin/wall`: a process running it gains its"
            " group's rights",
            id="chmod-g+s",
        ),
        pytest.param(
            "RUN chmod -v +s /a /b\n",
            "`chmod +s` sets the setuid and setgid bits of `/a`, `/b`: a process running it gains its"
            " owner's and group's rights",
            id="chmod-+s-two-files",
        ),
        pytest.param(
            "RUN chmod 6755 /x\n",
            "`chmod 6755` sets the setuid and setgid bits of `/x`: a process running it gains its"
            " owner's and group's rights",
            id="chmod-6755",
        ),
        pytest.param(
            "RUN install -m 4755 tool /usr/local/bin/tool\n",
            "`install -m 4755` sets the setuid bit of `/usr/local/bin/tool`: a process running it gains"
            " its owner's rights",
            id="install-m",
        ),
        pytest.param(
            "RUN install --mode=2755 -o root tool /usr/local/bin/\n",
            "`install --mode=2755` sets the setgid bit of `/usr/local/bin/`: a process running it gains"
            " its group's rights",
            id="install-mode-equals",
        ),
        pytest.param(
            "COPY --chmod=4755 tool /usr/local/bin/tool\n",
            "`--chmod=4755` sets the setuid bit of `/usr/local/bin/tool`: a process running it gains its"
            " owner's rights",
            id="copy-chmod",
        ),
        pytest.param(
            "ADD --chown=root --chmod=u+s tool /usr/local/bin/\n",
            "`--chmod=u+s` sets the setuid bit of `/usr/local/bin/tool`: a process running it gains its"
            " owner's rights",
            id="add-chmod-into-directory",
        ),
        pytest.param(
            "RUN mkdir /shared && chmod u+s /shared\n",
            "`chmod u+s` sets the setuid bit of `/shared`: a process running it gains its owner's rights",
            id="setuid-on-new-directory-still-reported",
        ),
        pytest.param(
            "RUN <<EOF\nset -e\nchmod a+s /opt/helper\nEOF\n",
            "`chmod a+s` sets the setuid and setgid bits of `/opt/helper`: a process running it gains its"
            " owner's and group's rights",
            id="heredoc",
        ),
    ],
)
def test_reported(source: str, message: str) -> None:
    (diagnostic,) = findings(source)
    assert (diagnostic.rule, diagnostic.name) == ("DF303", "setuid-bit-set")
    assert diagnostic.message == message
    assert diagnostic.applicability is None
    assert not diagnostic.fixed


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN chmod 0755 /usr/local/bin/tool\n", id="plain-mode"),
        pytest.param("RUN chmod +x /usr/local/bin/tool\n", id="plus-x"),
        pytest.param("RUN chmod 1777 /tmp/shared\n", id="sticky"),
        pytest.param("RUN chmod u-s,g-s /usr/bin/ping\n", id="clears-the-bits"),
        pytest.param("RUN chmod --reference=/bin/su /usr/local/bin/tool\n", id="reference"),
        pytest.param('RUN chmod "$MODE" /x\n', id="unknown-mode"),
        pytest.param("RUN mkdir -p /srv/shared && chmod g+s /srv/shared\n", id="setgid-new-directory"),
        pytest.param("RUN mkdir /data && chmod 2775 /data/\n", id="setgid-new-directory-numeric"),
        pytest.param("RUN install -d -m 2775 /srv/shared\n", id="install-directory-setgid"),
        pytest.param("RUN install -m 0755 tool /usr/local/bin/tool\n", id="install-plain"),
        pytest.param('RUN echo "chmod u+s /x"\n', id="quoted-text"),
        pytest.param("COPY --chmod=755 tool /usr/local/bin/tool\n", id="copy-plain-chmod"),
        pytest.param("COPY --chown=app tool /usr/local/bin/tool\n", id="copy-without-chmod"),
        pytest.param("# dfix: ignore=DF303\nRUN chmod u+s /usr/bin/ping\n", id="suppressed"),
    ],
)
def test_not_reported(source: str) -> None:
    assert findings(source) == []


def test_setgid_on_a_file_next_to_a_new_directory_is_reported() -> None:
    (diagnostic,) = findings("RUN mkdir /data && chmod g+s /data /usr/bin/tool\n")
    assert "`/data`, `/usr/bin/tool`" in diagnostic.message


def test_location_from_command_to_mode() -> None:
    (diagnostic,) = fixer.fix(
        FROM + "RUN apt-get update && \\\n    chmod -R u+s /opt/x\n", select=RULE
    ).diagnostics
    assert (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column) == (3, 5, 3, 17)


def test_location_of_copy_is_the_instruction() -> None:
    (diagnostic,) = fixer.fix(FROM + "COPY --chmod=4755 a /a\n", select=RULE).diagnostics
    assert (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column) == (2, 1, 2, 23)


def test_one_finding_per_command() -> None:
    text = FROM + "RUN chmod u+s /a && chmod g+s /b\nRUN chmod 755 /c\nCOPY --chmod=2755 d /d\n"
    diagnostics = fixer.fix(text, select=RULE).diagnostics
    assert [(d.line, d.column) for d in diagnostics] == [(2, 5), (2, 21), (4, 1)]
