"""DF401 against the build oracle: ``dfix --pin`` writes the digest the registry serves, the
pinned file builds the same image (``dfix verify --pin`` explains nothing away), and a build of
the pinned file pulls exactly that image after the tag has moved to another one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import bases
import pytest
from conftest import Lab

from fixer.verify.builders import BuildError, BuildRequest

DFIX = str(Path(sys.executable).with_name("dfix"))


def copy_image(lab: Lab, source: str, destination: str) -> None:
    bases.run("skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false",
              f"docker://{source}", f"docker://{destination}")  # fmt: skip


def registry_digest(reference: str) -> str:
    found = bases.run(
        "skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}", f"docker://{reference}"
    )
    return found.strip()


def dfix(lab: Lab, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    command = [DFIX, *args, "--insecure-registry", lab.registry.host]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def test_a_pinned_file_builds_the_image_it_was_pinned_to_after_the_tag_moves(
    lab: Lab, tmp_path: Path
) -> None:
    tag = f"{lab.registry.host}/pinme:1"
    copy_image(lab, lab.image("busybox"), tag)
    digest = registry_digest(tag)
    original = f"FROM {tag}\nRUN test ! -e /usr/bin/apt-get && echo busybox > /which\n"
    path = tmp_path / "Dockerfile"
    path.write_text(original)

    verified = dfix(lab, tmp_path, "verify", "--pin", "--select", "DF401", str(path))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert path.read_text() == original  # verify writes nothing

    written = dfix(lab, tmp_path, "--pin", "--select", "DF401", "--write", str(path))
    assert written.returncode == 0, written.stderr
    assert path.read_text() == original.replace(tag, f"{tag}@{digest}", 1)

    copy_image(lab, lab.image("debian"), tag)  # the tag now names Debian, which has apt-get
    assert registry_digest(tag) != digest
    lab.builder.build(BuildRequest(path, tmp_path), "localhost/dfix-oracle/pinned:1")
    unpinned = tmp_path / "unpinned.Dockerfile"
    unpinned.write_text(original)
    with pytest.raises(BuildError):
        lab.builder.build(BuildRequest(unpinned, tmp_path), "localhost/dfix-oracle/unpinned:1")


def test_offline_pins_from_what_an_earlier_run_cached(lab: Lab, tmp_path: Path) -> None:
    tag = f"{lab.registry.host}/cached:1"
    copy_image(lab, lab.image("busybox"), tag)
    first, second = tmp_path / "a.Dockerfile", tmp_path / "b.Dockerfile"
    for path in (first, second):
        path.write_text(f"FROM {tag}\n")
    assert dfix(lab, tmp_path, "--pin", "--select", "DF401", "--write", str(first)).returncode == 0
    offline = dfix(lab, tmp_path, "--offline", "--select", "DF401", "--write", str(second))
    assert offline.returncode == 0, offline.stderr
    assert second.read_text() == first.read_text() == f"FROM {tag}@{registry_digest(tag)}\n"
