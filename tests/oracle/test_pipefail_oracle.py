"""DF602 built with a real builder: the fixed image must equal the original one (filesystem and
config, Shell included), and a pipe that failed quietly must now fail the build.

The reproducers are the meaning changes real builds found with a SHELL for the rest of the
stage: later RUNs switched from dash to bash (echo escapes, brace expansion), and the file's own
SHELL options lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Lab

import fixer
from fixer.report.verify import render_text
from fixer.verify import Verdict, verify

CASES = [
    pytest.param(
        "debian",
        "FROM {base}\n"
        "RUN echo hello | tr a-z A-Z > /shout.txt\n"
        "RUN seq 1 3 | sort -r > /sorted.txt\n"
        'RUN echo "[main]\\nkey=value" > /app.conf && mkdir -p /opt/{{a,b}}\n'
        "CMD echo started\n",
        'SHELL ["/bin/sh", "-c"]',
        id="debian-scoped-shell-later-runs-keep-dash",
    ),
    pytest.param(
        "debian",
        'FROM {base}\nSHELL ["/bin/bash", "-ex", "-c"]\nRUN echo hello | tr a-z A-Z > /shout.txt\n',
        "set -o pipefail && ",
        id="debian-own-bash-shell-kept",
    ),
    pytest.param(
        "debian",
        'FROM {base}\nSHELL ["/bin/sh", "-eu", "-c"]\nRUN echo hello | tr a-z A-Z > /shout.txt\n',
        'SHELL ["/bin/sh", "-eu", "-c"]',
        id="debian-dash-options-carried-and-restored",
    ),
    pytest.param(
        "busybox",
        "FROM {base}\nRUN false || echo b | tr b c > /c.txt; echo done | tee /done.txt\n",
        "set -o pipefail && ",
        id="busybox-script-form",
    ),
]


@pytest.mark.parametrize(("base", "dockerfile", "expected"), CASES)
def test_the_fixed_image_is_the_same(
    lab: Lab, tmp_path: Path, base: str, dockerfile: str, expected: str
) -> None:
    text = dockerfile.format(base=lab.image(base))
    result = fixer.fix(text, unsafe=True, select=["DF602"])
    applied = [d for d in result.diagnostics if d.fixed]
    assert applied and expected in result.output, result.output
    report = verify("df602", text, result.output, applied, lab.builder, tmp_path)
    shown = render_text(report)
    assert report.verdict is Verdict.EXPLAINED, shown
    assert report.attribution is not None
    assert not any(e.differences or e.folded for e in report.attribution.explained), shown


def test_a_quiet_failure_now_fails_the_build(lab: Lab, tmp_path: Path) -> None:
    text = f"FROM {lab.image('debian')}\nRUN cat /nonexistent | wc -l > /count.txt\n"
    result = fixer.fix(text, unsafe=True, select=["DF602"])
    applied = [d for d in result.diagnostics if d.fixed]
    report = verify("df602-fails", text, result.output, applied, lab.builder, tmp_path)
    assert report.verdict is Verdict.FIXED_FAILED, render_text(report)


def test_php_apache_config_is_not_touched(lab: Lab, tmp_path: Path) -> None:
    """The docker-library php apache RUN: bash would write a literal `\\t`; no fix, nothing to build."""
    text = (
        f"FROM {lab.image('debian')}\n"
        "RUN { echo '<Directory /var/www/>'; echo '\\tOptions -Indexes'; echo '</Directory>'; }"
        " | tee /etc/docker-php.conf\n"
    )
    result = fixer.fix(text, unsafe=True, select=["DF602"])
    assert result.output == text
    report = verify("df602-php", text, result.output, [], lab.builder, tmp_path)
    assert report.verdict is Verdict.NOTHING_TO_VERIFY, render_text(report)
