"""``dfix verify`` through its console script, and the Docker Engine API builder against podman's
real service: exit codes, formats, Ctrl-C and clean-up."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Lab

import fixer
from fixer.verify import Verdict, verify
from fixer.verify.builders import DockerAPI

DFIX = str(Path(sys.executable).with_name("dfix"))


def dfix_verify(
    lab: Lab, *args: str, env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    command = [DFIX, "verify", "--insecure-registry", lab.registry.host, *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


def write(directory: Path, text: str, **files: str) -> Path:
    (directory / "Dockerfile").write_text(text)
    for name, content in files.items():
        (directory / name).write_text(content)
    return directory / "Dockerfile"


def leftovers() -> set[str]:
    """Private storage directories of verify runs, and mounts below them."""
    found = {str(p) for p in Path("/var/tmp").glob("dfix-verify-*")}
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        found |= {line.split()[1] for line in mounts if "/dfix-verify-" in line.split()[1]}
    return found


def test_explained_exits_0_in_every_format(lab: Lab, tmp_path: Path) -> None:
    path = write(tmp_path, f"FROM {lab.image('busybox')}\nADD notes.txt /docs/\n", **{"notes.txt": "notes\n"})
    before = leftovers()
    text = dfix_verify(lab, str(path))
    assert text.returncode == 0, text.stdout + text.stderr
    assert "every difference is explained by a fix" in text.stdout
    assert "DF601 add-local-source (line 2): no difference in the image" in text.stdout
    document = json.loads(dfix_verify(lab, "--format", "json", str(path)).stdout)
    assert document["files"][0]["verdict"] == "explained"
    assert document["files"][0]["fixes"][0]["code"] == "DF601"
    markdown = dfix_verify(lab, "--format", "markdown", str(path)).stdout
    assert "| DF601 `add-local-source` (line 2) | no difference in the image |" in markdown
    assert leftovers() == before  # every private storage is gone


def test_a_fixed_dockerignore_is_what_the_fixed_build_reads(lab: Lab, tmp_path: Path) -> None:
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nZmFrZQ==\n-----END OPENSSH PRIVATE KEY-----\n"
    (tmp_path / "deploy").mkdir()
    path = write(
        tmp_path, f"FROM {lab.image('busybox')}\nCOPY . /app\n", **{"deploy/id_rsa": key, "a.txt": "a\n"}
    )
    done = dfix_verify(lab, "--unsafe-fixes", "--select", "DF202", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "secret /app/deploy/id_rsa: in layers 2 of the original, none of the fixed image" in done.stdout
    assert not (tmp_path / ".dockerignore").exists()  # verify builds it from a copy, never writes


def test_nothing_to_verify_exits_0_without_building(lab: Lab, tmp_path: Path) -> None:
    path = write(tmp_path, f"FROM {lab.image('busybox')}\nCOPY notes.txt /docs/\n", **{"notes.txt": "n\n"})
    done = dfix_verify(lab, str(path))
    assert done.returncode == 0
    assert "no fix applies: nothing to verify" in done.stdout


def test_an_original_that_does_not_build_exits_2(lab: Lab, tmp_path: Path) -> None:
    path = write(
        tmp_path, f"FROM {lab.image('busybox')}\nADD notes.txt /docs/\nRUN exit 7\n", **{"notes.txt": "n\n"}
    )
    done = dfix_verify(lab, str(path))
    assert done.returncode == 2, done.stdout
    assert "the original Dockerfile does not build" in done.stdout


def test_a_fixed_file_that_does_not_build_exits_1(lab: Lab, tmp_path: Path) -> None:
    """pipefail makes the quiet failure of `cat` fail the build: DF602 says it may."""
    path = write(tmp_path, f"FROM {lab.image('busybox')}\nRUN cat /nonexistent | wc -l > /count.txt\n")
    done = dfix_verify(lab, "--unsafe-fixes", "--select", "DF602", str(path))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "the fixed Dockerfile does not build" in done.stdout


def test_no_builder_exits_2_and_names_what_to_install(tmp_path: Path) -> None:
    path = write(tmp_path, "FROM busybox\nADD a /a\n")
    env = {
        **os.environ,
        "PATH": str(Path(sys.executable).parent),
        "DOCKER_HOST": f"unix://{tmp_path}/none.sock",
    }
    done = subprocess.run([DFIX, "verify", str(path)], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 2
    assert "apt-get install buildah" in done.stderr
    assert "Traceback" not in done.stderr


def test_ctrl_c_stops_the_build_and_removes_everything(lab: Lab, tmp_path: Path) -> None:
    path = write(
        tmp_path, f"FROM {lab.image('busybox')}\nADD notes.txt /docs/\nRUN sleep 60\n", **{"notes.txt": "n"}
    )
    before = leftovers()
    command = [DFIX, "verify", "--insecure-registry", lab.registry.host, str(path)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (leftovers() - before) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # into the build
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "interrupted" in stderr
    assert leftovers() == before


# --- the Docker Engine API builder, on podman's service --------------------------------------


@pytest.fixture(scope="session")
def docker_api(lab: Lab) -> Iterator[str]:
    if not (shutil.which("podman") and shutil.which("runc")):
        if os.environ.get("DFIX_REQUIRE_ORACLE") == "1":
            pytest.fail("the Engine API tests need podman and runc (apt-get install podman runc)")
        pytest.skip("the Engine API tests need podman and runc (apt-get install podman runc)")
    work = lab.workdir / "podman"
    work.mkdir()
    (work / "containers.conf").write_text(
        '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\nnetns = "host"\n'
        '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n'
    )
    (work / "registries.conf").write_text(
        f'[[registry]]\nlocation = "{lab.registry.host}"\ninsecure = true\n'
    )
    env = {
        **os.environ,
        "CONTAINERS_CONF": str(work / "containers.conf"),
        "CONTAINERS_REGISTRIES_CONF": str(work / "registries.conf"),
        "BUILDAH_ISOLATION": "chroot",
    }
    socket = work / "podman.sock"
    command = [
        "podman",
        "--root",
        str(work / "root"),
        "--runroot",
        str(work / "run"),
        "--storage-driver",
        "overlay",
    ]
    log = (work / "service.log").open("w")
    service = subprocess.Popen(
        [*command, "system", "service", "--time=0", f"unix://{socket}"], env=env, stdout=log, stderr=log
    )
    try:
        for _ in range(100):
            if socket.exists():
                with contextlib.suppress(Exception):
                    DockerAPI(f"unix://{socket}")
                    break
            time.sleep(0.1)
        yield f"unix://{socket}"
    finally:
        service.terminate()
        service.wait(30)
        log.close()
        subprocess.run([*command, "system", "reset", "--force"], env=env, capture_output=True, check=False)


@pytest.mark.parametrize(
    ("base", "dockerfile", "files"),
    [
        (
            "debian",
            "FROM {base}\nRUN apt-get update && apt-get install -y --no-install-recommends hello\n",
            {},
        ),
        (
            "busybox",
            "FROM {base}\nADD notes.txt /docs/\nRUN echo hi | tr a-z A-Z > /shout.txt\n",
            {"notes.txt": "n"},
        ),
    ],
    ids=["debian-apt-lists", "busybox-add-and-pipe"],
)
def test_the_engine_api_builder_agrees_with_buildah(
    lab: Lab, docker_api: str, tmp_path: Path, base: str, dockerfile: str, files: dict[str, str]
) -> None:
    write(tmp_path, "unused", **files)
    text = dockerfile.format(base=lab.image(base))
    result = fixer.fix(text, unsafe=True, context=tmp_path)
    applied = [d for d in result.diagnostics if d.fixed]
    engine = DockerAPI(docker_api)
    try:
        by_api = verify("Dockerfile", text, result.output, applied, engine, tmp_path)
    finally:
        engine.close()
    by_buildah = verify("Dockerfile", text, result.output, applied, lab.builder, tmp_path)
    assert by_api.verdict is by_buildah.verdict is Verdict.EXPLAINED
    assert by_api.builder and by_api.builder.startswith("podman")
    assert by_api.original and by_buildah.original and by_api.original.layers == by_buildah.original.layers


def test_the_engine_api_builder_refuses_secrets_and_says_why(
    lab: Lab, docker_api: str, tmp_path: Path
) -> None:
    original = f"FROM {lab.image('busybox')}\nRUN --mount=type=secret,id=token test -s /run/secrets/token\n"
    fixed = original + "LABEL x=1\n"
    engine = DockerAPI(docker_api)
    try:
        report = verify("Dockerfile", original, fixed, [], engine, tmp_path)
    finally:
        engine.close()
    assert report.verdict is Verdict.ORIGINAL_FAILED
    assert report.error and "cannot pass build secrets" in report.error


def test_the_projects_registry_mirrors_are_pulled_through(lab: Lab, tmp_path: Path) -> None:
    host = lab.registry.host
    (tmp_path / ".dfix.toml").write_text(
        f'[registry]\nmirrors = {{"gcr.io" = "{host}"}}\ninsecure = ["{host}"]\n'
    )
    path = write(tmp_path, "FROM gcr.io/distroless/static-debian12\nENV A=1\n")
    command = [DFIX, "verify", "--unsafe-fixes", str(path)]  # no --insecure-registry: the config says
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "runs as 65532:65532 (was root)" in done.stdout
