"""DF304 and DF306 built with a real builder: every difference between the original and the fixed
image is one the fix declared, and the reproducer of why DF304's fix is unsafe (sudo resets the
environment: a Dockerfile ENV reaches the command only once sudo is gone) shows the difference.

Debian has no sudo: each DF304 case installs it. Debian 12's useradd (shadow 4.13) no longer grows
lastlog/faillog to fit a high UID, so DF306's plain case changes nothing; a lastlog that already
holds a record at the UID's offset shows the one difference ``--no-log-init`` makes: the record is
left as it was instead of zeroed, in a file the fix declares.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Lab

import fixer
from fixer.report.verify import render_markdown, render_text
from fixer.verify import Verdict, VerifyReport, verify
from fixer.verify.compare import Kind

SUDO = (
    "RUN apt-get update && apt-get install -y --no-install-recommends sudo && rm -rf /var/lib/apt/lists/*\n"
)


def _unchanged_image(report: VerifyReport) -> None:
    assert report.attribution is not None
    assert not any(e.differences or e.folded for e in report.attribution.explained)


def _lastlog_only(report: VerifyReport) -> None:
    assert report.attribution is not None
    (explained,) = report.attribution.explained
    assert [(d.kind, d.subject) for d in explained.differences] == [(Kind.FILE, "/var/log/lastlog")]


def _environment_reaches_the_command(report: VerifyReport) -> None:
    assert report.attribution is not None
    assert [d.subject for d in report.attribution.unexplained] == ["/greeting.txt"]


CASES = [
    pytest.param(
        "FROM {base}\n" + SUDO + "RUN sudo mkdir -p /data && sudo -E -u root sh -c 'id -u > /data/uid.txt'\n"
        "RUN sudo -- chown -R nobody /data\n",
        "DF304",
        Verdict.EXPLAINED,
        _unchanged_image,
        id="df304-sudo-removed-as-root",
    ),
    pytest.param(
        "FROM {base}\n" + SUDO + "ENV GREETING=hello\nRUN sudo sh -c 'echo \"$GREETING\" > /greeting.txt'\n",
        "DF304",
        Verdict.UNEXPLAINED,
        _environment_reaches_the_command,
        id="df304-unsafe-env-reset-no-longer-applies",
    ),
    pytest.param(
        "FROM {base}\nRUN useradd -m -u 123456 app && useradd -r -u 2000000000 svc\n",
        "DF306",
        Verdict.EXPLAINED,
        _unchanged_image,
        id="df306-no-log-init-high-uids",
    ),
    pytest.param(
        "FROM {base}\n"
        # A record already at UID 100000's offset (a user deleted earlier, a base that ran logins).
        "RUN head -c 29500000 /dev/zero | tr '\\0' '\\1' > /var/log/lastlog\n"
        "RUN useradd -u 100000 app\n",
        "DF306",
        Verdict.EXPLAINED,
        _lastlog_only,
        id="df306-existing-lastlog-record-left-alone",
    ),
]


@pytest.mark.parametrize(("dockerfile", "rule", "verdict", "check"), CASES)
def test_users_fix_oracle(
    lab: Lab,
    tmp_path: Path,
    dockerfile: str,
    rule: str,
    verdict: Verdict,
    check: Callable[[VerifyReport], None],
) -> None:
    text = dockerfile.format(base=lab.image("debian"))
    result = fixer.fix(text, unsafe=True, select=[rule])
    applied = [d for d in result.diagnostics if d.fixed]
    assert applied and {d.rule for d in applied} == {rule}, result.output
    report = verify(rule.lower(), text, result.output, applied, lab.builder, tmp_path)
    if target := os.environ.get("DFIX_ORACLE_REPORT"):
        with open(target, "a", encoding="utf-8") as out:
            out.write(render_markdown(report) + "\n")
    shown = render_text(report)
    print(shown)
    assert report.verdict is verdict, shown
    check(report)
