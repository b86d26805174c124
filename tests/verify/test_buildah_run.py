"""``Buildah.run`` against a stand-in buildah: the container made, run, and removed, the
command's output and exit code as they are, and the isolation fallback of the builds."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixer.verify.builders import Buildah

# Records each call's arguments (without the storage flags), then acts as buildah would: `from`
# prints the container's name; `run` under oci fails for the runtime, under chroot runs the
# command given after `--`.
FAKE_BUILDAH = """#!/bin/sh
shift 6
echo "$*" >> "$BUILDAH_LOG"
case "$1" in
  version) echo '{"version": "0.0-fake"}' ;;
  from) echo busybox-working-container ;;
  run)
    if [ "$3" = oci ]; then echo "error running container: OCI runtime not here" >&2; exit 1; fi
    shift 4; shift; exec "$@" ;;
esac
"""


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Buildah, Path]]:
    executable = tmp_path / "bin" / "buildah"
    executable.parent.mkdir()
    executable.write_text(FAKE_BUILDAH)
    executable.chmod(0o755)
    log = tmp_path / "log"
    monkeypatch.setenv("PATH", f"{executable.parent}:/usr/bin:/bin")
    monkeypatch.setenv("BUILDAH_LOG", str(log))
    monkeypatch.setenv("DFIX_VERIFY_TMPDIR", str(tmp_path))
    builder = Buildah()
    builder.isolations = [("--isolation", "oci"), ("--isolation", "chroot")]
    yield builder, log
    builder.close()


def test_run_makes_runs_and_removes_a_container(fake: tuple[Buildah, Path]) -> None:
    builder, log = fake
    done = builder.run("localhost/dfix-verify/fixed:x", ["sh", "-c", "echo out; echo err >&2; exit 3"])
    assert (done.returncode, done.stdout, done.stderr) == (3, "out\n", "err\n")
    assert log.read_text().splitlines()[1:] == [
        "from --quiet --pull=never localhost/dfix-verify/fixed:x",
        "run --isolation oci busybox-working-container -- sh -c echo out; echo err >&2; exit 3",
        "run --isolation chroot busybox-working-container -- sh -c echo out; echo err >&2; exit 3",
        "rm busybox-working-container",
    ]
    assert builder.isolations == [("--isolation", "chroot")]  # oci is given up for later runs too


def test_the_container_is_removed_when_the_command_times_out(fake: tuple[Buildah, Path]) -> None:
    builder, log = fake
    with pytest.raises(subprocess.TimeoutExpired):
        builder.run("localhost/x:1", ["sleep", "30"], timeout=0.5)
    assert log.read_text().splitlines()[-1] == "rm busybox-working-container"
