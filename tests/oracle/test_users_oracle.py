"""The build oracle for DF301 (root-final-user) and DF302 (setuid-files-kept): the original and the
fixed file built on busybox and Debian, every difference explained, and the fixed image run.

What must hold, per case: the image runs as the new user ("runs as 10001:10001 (was root)"),
that user is in the image's /etc/passwd, `id` in the image prints it, the CMD still starts (as
that user, writing where the fix made it the owner), and the setuid/setgid files of the merged
filesystem drop to the keep-list.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import Lab
from test_oracle import _record

import fixer
from fixer.report.verify import render_text
from fixer.settings import DEFAULT_SETTINGS, Settings
from fixer.verify import Verdict, verify

APP = b"#!/bin/sh\nid -u > /data/started && echo started as $(id -u):$(id -g)\n"


@dataclass(frozen=True)
class Case:
    name: str
    base: str
    dockerfile: str
    setid_after: tuple[str, ...] = ()  # the setuid/setgid files the fixed image keeps
    settings: Settings = DEFAULT_SETTINGS


CASES = [
    Case(
        "df301-df302-busybox",
        "busybox",
        "FROM {base}\n"
        "RUN cp /bin/busybox /bin/su-demo && chmod 4755 /bin/su-demo\n"
        "WORKDIR /srv/app\n"
        "COPY app.sh ./\n"
        "VOLUME /data\n"
        'CMD ["/srv/app/app.sh"]\n',
    ),
    Case(
        "df301-df302-debian",
        "debian",
        'FROM {base}\nWORKDIR /srv/app\nCOPY app.sh ./\nVOLUME /data\nCMD ["/srv/app/app.sh"]\n',
    ),
    Case(
        "df301-df302-debian-keeps-su",
        "debian",
        'FROM {base}\nCOPY app.sh /srv/app/\nVOLUME /data\nCMD ["/srv/app/app.sh"]\n',
        setid_after=("/usr/bin/su",),
        settings=Settings(suid_keep=("/usr/bin/su",)),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_users_oracle(case: Case, lab: Lab, tmp_path: Path) -> None:
    (tmp_path / "app.sh").write_bytes(APP)
    (tmp_path / "app.sh").chmod(0o755)
    text = case.dockerfile.format(base=lab.image(case.base))
    result = fixer.fix(text, unsafe=True, select=["DF301", "DF302"], context=tmp_path, settings=case.settings)
    applied = [d for d in result.diagnostics if d.fixed]
    assert {d.rule for d in applied} == {"DF301", "DF302"}, result.output
    report = verify(case.name, text, result.output, applied, lab.builder, tmp_path)
    _record(report)
    shown = render_text(report)
    print(shown)
    assert report.verdict is Verdict.EXPLAINED, shown
    assert "runs as 10001:10001 (was root)" in shown
    assert report.original is not None and report.fixed is not None
    assert report.original.suid, "the original has setuid/setgid files to strip"
    assert tuple(report.fixed.suid) == case.setid_after, shown
    image = report.fixed.reference
    passwd = lab.builder.run(image, ["grep", "^app:", "/etc/passwd"])
    assert passwd.stdout.startswith("app:x:10001:10001:"), passwd
    assert lab.builder.run(image, ["id", "-u"]).stdout == "10001\n"
    started = lab.builder.run(image, ["/srv/app/app.sh"])  # the CMD, as the image's user
    assert (started.returncode, started.stdout) == (0, "started as 10001:10001\n"), started


# Stages without a shell: the fix is a USER line, never a RUN. The app is BusyBox, static, copied
# from a stage the fix leaves alone (under its own name: BusyBox runs the applet argv[0] names).
SHELL_LESS = {  # base, USER, what `id` prints in the fixed image
    "df301-scratch": ("scratch", "10001:10001", "uid=10001 gid=10001 "),  # no /etc/passwd at all
    "df301-distroless-nonroot": ("distroless", "65532:65532", "uid=65532(nonroot) gid=65532(nonroot)"),
}


@pytest.mark.parametrize("name", sorted(SHELL_LESS))
def test_users_oracle_without_a_shell(name: str, lab: Lab, tmp_path: Path) -> None:
    base, ids, identity = SHELL_LESS[name]
    image = "scratch" if base == "scratch" else lab.image(base)
    text = (
        f"FROM {lab.image('busybox')} AS build\n"
        "RUN mkdir -p /out && cp /bin/busybox /out/busybox\n"
        f"FROM {image}\n"
        "COPY --from=build /out/busybox /busybox\n"
        'ENTRYPOINT ["/busybox"]\n'
        'CMD ["id"]\n'
    )
    result = fixer.fix(text, unsafe=True, select=["DF3"], context=tmp_path)
    copy = "COPY --from=build /out/busybox /busybox\n"
    assert result.output == text.replace(copy, f"{copy}USER {ids}\n")  # the shipped stage: a USER only
    applied = [d for d in result.diagnostics if d.fixed]
    report = verify(name, text, result.output, applied, lab.builder, tmp_path)
    _record(report)
    shown = render_text(report)
    print(shown)
    assert report.verdict is Verdict.EXPLAINED, shown
    assert f"runs as {ids} (was root)" in shown
    assert report.fixed is not None
    started = lab.builder.run(report.fixed.reference, ["/busybox", "id"])
    assert (started.returncode, started.stdout[: len(identity)]) == (0, identity), started
