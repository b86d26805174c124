"""fixer.shell_pipes: pipes that rely on an earlier command failing, checked with the real shells.

A pipe the module finds must pass without pipefail and fail with it (in bash, and in busybox
ash where it is installed); a pipe it accepts must do the same with and without pipefail when
its commands work.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fixer.shell_pipes import failure_by_design

SHELLS = [
    pytest.param(["bash", "-c"], id="bash"),
    pytest.param(
        ["busybox", "sh", "-c"],
        id="busybox-ash",
        marks=pytest.mark.skipif(shutil.which("busybox") is None, reason="busybox is not installed"),
    ),
]


def status(shell: list[str], script: str, where: Path, pipefail: bool) -> int:
    prefix = "set -o pipefail; " if pipefail else ""
    result = subprocess.run(
        [*shell, prefix + script], cwd=where, capture_output=True, timeout=20, check=False
    )
    return result.returncode


BY_DESIGN = [
    pytest.param("grep nosuchuser /etc/passwd | wc -l > count.txt", "grep", id="grep-no-match"),
    pytest.param("grep -c nosuchuser /etc/group | tee count.txt", "grep", id="grep-count"),
    pytest.param("yes | head -n 1 > answer.txt", "yes", id="yes-head"),
    pytest.param("seq 1 200000 | head -n 1", "head", id="head"),
    pytest.param("seq 1 200000 | grep -q 1", "grep -q", id="grep-q"),
    pytest.param("seq 1 200000 | grep -m1 5", "grep -m1", id="grep-m"),
    pytest.param("seq 1 200000 | sed 1q", "sed", id="sed-quit"),
    pytest.param("seq 1 200000 | awk '{ print; exit }'", "awk", id="awk-exit"),
    pytest.param('seq 1 200000 | { read -r first; echo "$first"; }', "read", id="read"),
    pytest.param("seq 1 200000 | true", "true", id="true"),
    pytest.param("tr -dc a-z < /dev/urandom | head -c 8", "endless", id="urandom"),
    pytest.param("cat /dev/zero | head -c 8 | wc -c", "cat", id="dev-zero"),
    pytest.param("diff /etc/hostname /etc/passwd | wc -l", "diff", id="diff"),
    pytest.param("test -e /nonexistent | cat", "test", id="test"),
    pytest.param("ls /nonexistent 2>/dev/null | wc -l", "/dev/null", id="errors-silenced"),
    pytest.param(
        "printf 'a\\nb\\n' | xargs grep -l nosuchthing /etc/hostname | wc -l", "grep", id="xargs-grep"
    ),
    pytest.param("command -v nosuchprogram | wc -l", "command", id="command-v"),
]
# Found, but not worth running: the outcome depends on the image or on timing.
FOUND_ONLY = [
    pytest.param("find / -name x | xargs -r dpkg-query --search | cut -d: -f1", id="dpkg-query-via-xargs"),
    pytest.param("dpkg -l | grep libc6", id="dpkg-list"),
    pytest.param("find / -perm /6000 -type f | xargs -r chmod a-s", id="find-root-through-proc"),
    pytest.param("rpm -qa | sort", id="rpm-query"),
    pytest.param("ldd /usr/local/bin/app | awk '/=>/ { print $3 }'", id="ldd"),
    pytest.param("curl -fsSL https://example.com | grep -q ok", id="grep-q-reader"),
    pytest.param("curl -fsSL https://example.com | head -c 100", id="head-reader"),
    pytest.param("wget -qO- x | dd of=/x bs=1 count=10", id="dd-count"),
    pytest.param("curl x | sed -n '/a/p' -i file", id="sed-in-place"),
    pytest.param("a | b < file", id="reader-reads-a-file"),
    pytest.param("! curl x | tar -x", id="negated-pipe-as-the-status"),
    pytest.param("cat <<EOF | grep -q x\nx\nEOF", id="heredoc-writer-grep-q"),
    pytest.param("a | b 2>/dev/null | c", id="middle-errors-silenced"),
    pytest.param("x=$(curl -s y | head -1)", id="in-command-substitution"),
]


@pytest.mark.parametrize(("script", "named"), BY_DESIGN)
def test_by_design_is_found(script: str, named: str) -> None:
    found = failure_by_design(script)
    assert found is not None
    assert named in found.reason or named == "endless"


@pytest.mark.parametrize("script", FOUND_ONLY)
def test_by_design_is_found_in_pipes_not_run(script: str) -> None:
    assert failure_by_design(script) is not None


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize(("script", "named"), BY_DESIGN)
def test_by_design_pipes_fail_only_under_pipefail(
    shell: list[str], script: str, named: str, tmp_path: Path
) -> None:
    assert status(shell, script, tmp_path, pipefail=False) == 0
    assert status(shell, script, tmp_path, pipefail=True) != 0


ACCEPTED = [
    pytest.param("mkdir -p d && touch d/f && tar -c -f - d | tar -t > list", id="tar"),
    pytest.param("seq 1 200000 | grep 5 > fives", id="grep-reader"),
    pytest.param("seq 1 200000 | sort -rn | uniq | tail -n 1", id="filters"),
    pytest.param("echo 'deb http://x y main' | tee sources.list > /dev/null", id="echo-tee"),
    pytest.param("printf 'echo hi\\n' | sh -s -- --yes", id="script-to-sh"),
    pytest.param("seq 1 200000 | while read -r line; do :; done", id="while-read"),
    pytest.param('seq 1 10 | while read -r line; do echo "$line"; done | wc -l', id="while-read-echo"),
    pytest.param("head -c 32 /dev/urandom | base64 > token", id="head-urandom-writer"),
    pytest.param("cat <<EOF | tee out\nhello\nEOF", id="heredoc-writer"),
    pytest.param(
        "if ! cat /etc/group | grep -e '^root:' > /dev/null 2>&1; then echo none; fi", id="negated-condition"
    ),
    pytest.param("seq 1 3 | sed 's/1/one/' | awk '{ print $1 }'", id="sed-awk"),
    pytest.param("find / -xdev -maxdepth 1 -name etc | xargs -r ls -d > found", id="find-xdev"),
    pytest.param("echo x > f && find . -name f | xargs -r grep -l x > found", id="xargs-grep-l-reads-files"),
]


@pytest.mark.parametrize("script", ACCEPTED)
def test_accepted_pipes(script: str) -> None:
    assert failure_by_design(script) is None


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("script", ACCEPTED)
def test_accepted_pipes_pass_under_pipefail_when_they_work(
    shell: list[str], script: str, tmp_path: Path
) -> None:
    assert status(shell, script, tmp_path, pipefail=False) == 0
    assert status(shell, script, tmp_path, pipefail=True) == 0
