"""``dfix --pin`` against a real registry (Debian's docker-registry on 127.0.0.1): the digests it
writes are those the registry reports, through no auth, Basic and token auth, for single- and
multi-platform images, and a registry that is down costs only its own images.

The CLI runs through its console script with its own ``DOCKER_CONFIG`` and cache directory, so
no test sees the machine's credentials or an earlier test's digests.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from fixer.registry.cache import DigestCache
from fixer.registry.names import TagRef, repository
from fixer.registry.resolver import Lookup, RegistryOptions, Resolver
from registry import servers
from registry.servers import Registry

DFIX = str(Path(sys.executable).with_name("dfix"))


def docker_config(tmp_path: Path, *registries: Registry) -> Path:
    """A ``$DOCKER_CONFIG`` whose ``auths`` hold the registries' test credentials."""
    folder = tmp_path / "docker"
    folder.mkdir(exist_ok=True)
    auths = {
        reg.host: {"auth": base64.b64encode(f"{reg.username}:{reg.password}".encode()).decode()}
        for reg in registries
        if reg.username is not None
    }
    (folder / "config.json").write_text(json.dumps({"auths": auths}))
    return folder


def dfix(
    tmp_path: Path, path: Path, *args: str, config: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DOCKER_CONFIG": str(config or docker_config(tmp_path)),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    command = [DFIX, "--pin", "--select", "DF401", "--write", *args, str(path)]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=60)


def insecure(*registries: Registry | str) -> list[str]:
    hosts = [reg if isinstance(reg, str) else reg.host for reg in registries]
    return [arg for host in hosts for arg in ("--insecure-registry", host)]


def dockerfile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    return path


@pytest.mark.parametrize("media_type", ["oci", "docker"])
def test_a_single_platform_image_is_pinned_to_its_manifest(
    open_registry: Registry, tmp_path: Path, media_type: servers.MediaFamily
) -> None:
    repo = f"single-{media_type}"
    pushed = servers.push_image(open_registry, repo, "1", media_type=media_type)
    path = dockerfile(tmp_path, f"FROM {open_registry.host}/{repo}:1 AS app\n")
    done = dfix(tmp_path, path, *insecure(open_registry))
    assert done.returncode == 0, done.stderr
    assert pushed == servers.manifest_digest(open_registry, repo, "1")
    assert path.read_text() == f"FROM {open_registry.host}/{repo}:1@{pushed} AS app\n"


@pytest.mark.parametrize("media_type", ["oci", "docker"])
def test_a_multi_platform_image_is_pinned_to_its_index_never_a_child(
    open_registry: Registry, tmp_path: Path, media_type: servers.MediaFamily
) -> None:
    repo = f"multi-{media_type}"
    index, children = servers.push_index(open_registry, repo, "1", media_type=media_type)
    path = dockerfile(tmp_path, f"FROM --platform=linux/arm64 {open_registry.host}/{repo}:1\n")
    assert dfix(tmp_path, path, *insecure(open_registry)).returncode == 0
    assert path.read_text() == f"FROM --platform=linux/arm64 {open_registry.host}/{repo}:1@{index}\n"
    assert index not in children.values()


def test_every_kind_of_reference_in_one_file(open_registry: Registry, tmp_path: Path) -> None:
    host = open_registry.host
    digests = {
        name: servers.push_image(open_registry, name, "1", payload=name.encode()) for name in ("base", "tool")
    }
    frontend = servers.push_image(open_registry, "frontend", "1", payload=b"frontend")
    text = (
        f"# syntax={host}/frontend:1\n"
        f"ARG BASE={host}/base:1\n"
        "FROM ${BASE} AS build\n"
        f"COPY --from={host}/tool:1 /bin/tool /usr/bin/tool\n"
        f"RUN --mount=type=bind,from={host}/tool:1,target=/t true\n"
    )
    path = dockerfile(tmp_path, text)
    done = dfix(tmp_path, path, *insecure(open_registry))
    assert done.returncode == 0, done.stderr
    assert path.read_text() == (
        f"# syntax={host}/frontend:1@{frontend}\n"
        f"ARG BASE={host}/base:1@{digests['base']}\n"
        "FROM ${BASE} AS build\n"
        f"COPY --from={host}/tool:1@{digests['tool']} /bin/tool /usr/bin/tool\n"
        f"RUN --mount=type=bind,from={host}/tool:1@{digests['tool']},target=/t true\n"
    )


def test_basic_auth_uses_the_docker_config_and_says_what_to_do_without_it(
    basic_registry: Registry, tmp_path: Path
) -> None:
    pushed = servers.push_image(basic_registry, "private", "1")
    text = f"FROM {basic_registry.host}/private:1\n"
    path = dockerfile(tmp_path, text)
    without = dfix(tmp_path, path, *insecure(basic_registry))
    assert without.returncode == 1 and path.read_text() == text
    assert f"needs credentials for private: `docker login {basic_registry.host}`" in without.stderr
    assert basic_registry.password is not None and basic_registry.password not in without.stderr
    config = docker_config(tmp_path, basic_registry)
    done = dfix(tmp_path, path, *insecure(basic_registry), config=config)
    assert done.returncode == 0, done.stderr
    assert path.read_text() == f"FROM {basic_registry.host}/private:1@{pushed}\n"


def test_token_auth_gets_one_pull_token_per_repository(token_registry: Registry, tmp_path: Path) -> None:
    pushed = {
        name: servers.push_image(token_registry, name, "1", payload=name.encode()) for name in ("ta", "tb")
    }
    host = token_registry.host
    path = dockerfile(
        tmp_path, f"FROM {host}/ta:1\nCOPY --from={host}/tb:1 / /\nCOPY --from={host}/ta:1 / /x\n"
    )
    before = len(token_registry.token_requests)
    done = dfix(tmp_path, path, *insecure(token_registry), config=docker_config(tmp_path, token_registry))
    assert done.returncode == 0, done.stderr
    assert path.read_text() == (
        f"FROM {host}/ta:1@{pushed['ta']}\nCOPY --from={host}/tb:1@{pushed['tb']} / /\n"
        f"COPY --from={host}/ta:1@{pushed['ta']} / /x\n"
    )
    asked = token_registry.token_requests[before:]
    assert sorted(scope for request in asked for scope in request.scopes) == [
        "repository:ta:pull",
        "repository:tb:pull",
    ]
    assert all(request.authorization and request.status == 200 for request in asked)


def test_a_registry_that_is_down_costs_only_its_own_images(open_registry: Registry, tmp_path: Path) -> None:
    pushed = servers.push_image(open_registry, "up", "1")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        down = f"127.0.0.1:{probe.getsockname()[1]}"  # nothing listens there once the probe closes
    path = dockerfile(tmp_path, f"FROM {down}/gone:1 AS a\nFROM {open_registry.host}/up:1\n")
    done = dfix(tmp_path, path, *insecure(open_registry, down))
    assert done.returncode == 1
    assert path.read_text() == f"FROM {down}/gone:1 AS a\nFROM {open_registry.host}/up:1@{pushed}\n"
    assert f"could not pin: {down} could not be reached" in done.stderr


def test_an_unknown_tag_is_reported(open_registry: Registry, tmp_path: Path) -> None:
    path = dockerfile(tmp_path, f"FROM {open_registry.host}/nosuch:1\n")
    done = dfix(tmp_path, path, *insecure(open_registry))
    assert done.returncode == 1
    assert f"{open_registry.host}/nosuch:1 is not on {open_registry.host}" in done.stderr


def test_ten_references_cold_then_warm_from_the_cache(open_registry: Registry, tmp_path: Path) -> None:
    """The closing note's figures: requests (and time) for ten images, cold and warm."""
    tags = []
    for number in range(10):
        servers.push_image(open_registry, f"ten{number}", "1", payload=str(number).encode())
        found = repository(open_registry.host, f"ten{number}")
        assert found is not None
        tags.append(TagRef(found, "1"))
    options = RegistryOptions(insecure=frozenset({open_registry.host}))
    cache_path = tmp_path / "digests.json"
    with Resolver(Lookup.ONLINE, options, DigestCache(cache_path)) as cold:
        answers = cold.resolve(tags)
        assert cold.requests == 10
    assert all(not isinstance(answer, Exception) for answer in answers.values())
    with Resolver(Lookup.ONLINE, options, DigestCache(cache_path)) as warm:
        assert warm.resolve(tags) == answers
        assert warm.requests == 0


# --- --refresh -----------------------------------------------------------------------------


def refresh(tmp_path: Path, path: Path, reg: Registry, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DOCKER_CONFIG": str(docker_config(tmp_path)),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    command = [DFIX, "--refresh", "--select", "DF4", "--write", *args, *insecure(reg), str(path)]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=60)


def test_refresh_moves_an_index_pin_after_the_tag_is_pushed_again(
    open_registry: Registry, tmp_path: Path
) -> None:
    old, _ = servers.push_index(open_registry, "moving", "1", payload=b"first")
    image = f"{open_registry.host}/moving:1"
    path = dockerfile(tmp_path, f"FROM {image}@{old}\n")
    unchanged = refresh(tmp_path, path, open_registry)
    assert unchanged.returncode == 0 and path.read_text() == f"FROM {image}@{old}\n", unchanged.stderr
    new, _ = servers.push_index(open_registry, "moving", "1", payload=b"second")
    assert new != old
    done = refresh(tmp_path, path, open_registry)
    assert done.returncode == 0, done.stderr
    assert path.read_text() == f"FROM {image}@{new}\n"


def test_refresh_keeps_a_per_platform_pin_per_platform(open_registry: Registry, tmp_path: Path) -> None:
    _, children = servers.push_index(open_registry, "perplatform", "1", payload=b"first")
    image = f"{open_registry.host}/perplatform:1"
    path = dockerfile(tmp_path, f"FROM {image}@{children['linux/arm64/v8']}\n")
    index, new_children = servers.push_index(open_registry, "perplatform", "1", payload=b"second")
    done = refresh(tmp_path, path, open_registry, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert path.read_text() == f"FROM {image}@{new_children['linux/arm64/v8']}\n"
    assert index not in path.read_text()
    (found,) = json.loads(done.stdout)["files"][0]["diagnostics"]
    assert "its linux/arm64/v8 image" in found["message"]  # the pin stays one platform's, and says so


def test_refresh_moves_a_single_platform_pin_and_pins_what_is_unpinned(
    open_registry: Registry, tmp_path: Path
) -> None:
    old = servers.push_image(open_registry, "plain", "1", payload=b"first")
    loose = servers.push_image(open_registry, "loose", "1")
    host = open_registry.host
    path = dockerfile(tmp_path, f"FROM {host}/plain:1@{old}\nCOPY --from={host}/loose:1 / /\n")
    new = servers.push_image(open_registry, "plain", "1", payload=b"second")
    done = refresh(tmp_path, path, open_registry)
    assert done.returncode == 0, done.stderr
    assert path.read_text() == f"FROM {host}/plain:1@{new}\nCOPY --from={host}/loose:1@{loose} / /\n"


def test_a_token_registry_gives_one_token_for_all_but_the_first_image(
    token_registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [f"batch{number}" for number in range(5)]
    digests = [servers.push_image(token_registry, name, "1", payload=name.encode()) for name in names]
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(tmp_path, token_registry)))
    tags = [TagRef(repository(token_registry.host, name) or pytest.fail(name), "1") for name in names]
    before = len(token_registry.token_requests)
    options = RegistryOptions(insecure=frozenset({token_registry.host}))
    with Resolver(Lookup.ONLINE, options, DigestCache(tmp_path / "digests.json")) as resolver:
        answers = resolver.resolve(tags)
        # the first image: a 401, its token, its HEAD; then one token for the other four, and their HEADs
        assert resolver.requests == 3 + 1 + 4
    assert [getattr(answers[tag], "digest", None) for tag in tags] == digests
    asked = token_registry.token_requests[before:]
    assert [sorted(request.scopes) for request in asked] == [
        ["repository:batch0:pull"],
        [f"repository:{name}:pull" for name in names[1:]],
    ]


def test_mirrors_and_insecure_hosts_come_from_the_configuration(
    open_registry: Registry, tmp_path: Path
) -> None:
    """Docker Hub's `python:3.12` asked of a mirror the project names (here the local registry)."""
    pushed = servers.push_image(open_registry, "library/python", "3.12", payload=b"mirrored python")
    host = open_registry.host
    (tmp_path / ".dfix.toml").write_text(
        f'[registry]\nmirrors = {{"docker.io" = "{host}"}}\ninsecure = ["{host}"]\n'
    )
    path = dockerfile(tmp_path, "FROM python:3.12\n")
    done = dfix(tmp_path, path)
    assert done.returncode == 0, done.stderr
    assert path.read_text() == f"FROM python:3.12@{pushed}\n"
