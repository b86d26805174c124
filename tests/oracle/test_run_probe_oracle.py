"""Verify on the user an image runs as and its setuid/setgid files, with real builds; and
commands run in the images verify built (``Buildah.run``), which stay in the builder's storage
until it is closed.

The fixes come from a test-only rule that rewrites one piece of text and declares what that
may change, as DF301 (``USER``) and DF302 (``chmod a-s``) do.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import Lab
from test_oracle import _record

from fixer import engine
from fixer.diagnostic import Applicability, Edit, Fix, ImageChanges
from fixer.report.verify import render_text
from fixer.rules._base import Context, Rule, Violation
from fixer.verify import Verdict, VerifyReport, verify


class Rewrites(Rule):
    """A test-only rule: its one fix rewrites ``old`` as ``new`` and declares ``changes``."""

    code = "DF997"
    name = "test-rewrites"
    summary = "test only"

    def __init__(self, old: str, new: str, changes: ImageChanges) -> None:
        self.old, self.new, self.changes = old, new, changes

    def check(self, ctx: Context) -> Iterator[Violation]:
        at = ctx.text.find(self.old)
        if at < 0 or (self.new and self.new in ctx.text):  # nothing to rewrite, or rewritten already
            return
        edit = Edit.replacement(at, at + len(self.old), self.new)
        fix = Fix("Rewrite", (edit,), Applicability.SAFE, self.changes)
        yield self.violation(at, at + len(self.old), "test", fix)


def _verify(lab: Lab, name: str, text: str, rule: Rewrites) -> VerifyReport:
    result = engine.run(text, [rule], Applicability.SAFE)
    applied = [d for d in result.diagnostics if d.fixed]
    assert applied, result.output
    report = verify(name, text, result.output, applied, lab.builder, lab.workdir)
    _record(report)
    print(render_text(report))
    return report


def test_the_fixed_image_runs_as_its_user(lab: Lab) -> None:
    text = f"FROM {lab.image('busybox')}\nRUN echo hi > /hi.txt\n"
    adds_user = Rewrites("/hi.txt\n", "/hi.txt\nUSER 1234:1234\n", ImageChanges(config=("User",)))
    report = _verify(lab, "runs-as-user", text, adds_user)
    shown = render_text(report)
    assert report.verdict is Verdict.EXPLAINED, shown
    assert "DF997 test-rewrites (line 2): runs as 1234:1234 (was root)" in shown
    assert (
        "note: User 1234:1234 has no entry in /etc/passwd: the container runs with numeric ids"
        " (no user name, no supplementary groups); HOME is /"
    ) in shown
    assert report.original is not None and report.fixed is not None
    assert lab.builder.run(report.original.reference, ["id", "-u"]).stdout == "0\n"
    probe = lab.builder.run(report.fixed.reference, ["id", "-u"], timeout=60)
    assert (probe.returncode, probe.stdout) == (0, "1234\n"), probe
    home = lab.builder.run(report.fixed.reference, ["sh", "-c", 'echo "$HOME $(id -g)"'])
    assert home.stdout == "/ 1234\n", home  # what the note says: no passwd entry, HOME is /
    failing = lab.builder.run(report.fixed.reference, ["sh", "-c", "echo out; echo err >&2; exit 3"])
    assert (failing.returncode, failing.stdout) == (3, "out\n"), failing
    assert failing.stderr.startswith("err\n"), failing


SETUID_COPY = "RUN cp /bin/busybox /bin/busybox-copy && chmod u+s /bin/busybox-copy\n"


@pytest.mark.parametrize(
    ("old", "new", "changes", "setid", "summary"),
    [
        (  # the chmod u+s left out: the copy comes out without the bit
            " && chmod u+s /bin/busybox-copy",
            "",
            ImageChanges(setid_bits=True),
            "SUID/SGID files: 2 → 1 (still set: /usr/local/bin/suid-demo)",
            "/bin/busybox-copy stripped of setuid/setgid",
        ),
        (  # DF302's step: every setuid/setgid file stripped, in a layer of its own
            SETUID_COPY,
            SETUID_COPY + "RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +\n",
            ImageChanges(setid_bits=True, layers=True),
            "SUID/SGID files: 2 → 0",
            "2 files stripped of setuid/setgid; 2 → 3 layers",
        ),
    ],
    ids=["chmod-left-out", "find-chmod-a-s"],
)
def test_setid_bits_dropped_are_explained(
    lab: Lab, old: str, new: str, changes: ImageChanges, setid: str, summary: str
) -> None:
    text = f"FROM {lab.image('busybox')}\n{SETUID_COPY}"
    report = _verify(lab, "setid-dropped", text, Rewrites(old, new, changes))
    shown = render_text(report)
    assert report.verdict is Verdict.EXPLAINED, shown
    assert f"  {setid}\n" in shown
    assert f"DF997 test-rewrites (line 2): {summary}\n" in shown
    assert report.fixed is not None
    assert lab.builder.run(report.fixed.reference, ["sh", "-c", "test -u /bin/busybox-copy"]).returncode == 1


def test_a_fix_declaring_setid_bits_that_changes_a_mode_otherwise_is_caught(lab: Lab) -> None:
    text = f"FROM {lab.image('busybox')}\n{SETUID_COPY}"
    chmod_0700 = Rewrites("chmod u+s", "chmod 0700", ImageChanges(setid_bits=True))
    report = _verify(lab, "setid-and-more", text, chmod_0700)
    shown = render_text(report)
    assert report.verdict is Verdict.UNEXPLAINED, shown
    assert (
        "/bin/busybox-copy: mode 4755 → mode 0700: DF997 may only drop setuid/setgid bits from files;"
        " this one changes other bits (4755 → 0700)"
    ) in shown
