"""The registry client's parts that need no server: names, challenges, credentials, the cache.

Credential helpers are real programs (a shell script named ``docker-credential-<name>`` on
PATH), so the helper protocol (server on stdin, JSON on stdout) is exercised as Docker runs it.
tests/registry runs the client against a real registry.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import time
from pathlib import Path

import pytest

from fixer.registry.cache import DigestCache
from fixer.registry.client import parse_challenge
from fixer.registry.credentials import Credentials, CredentialsError, DockerConfig
from fixer.registry.manifest import Manifest
from fixer.registry.names import DOCKER_HUB_API, TagRef, api_host, repository

# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("registry", "path", "expected"),
    [
        (None, "python", "docker.io/library/python"),
        (None, "bitnami/redis", "docker.io/bitnami/redis"),
        ("docker.io", "python", "docker.io/library/python"),
        ("index.docker.io", "python", "docker.io/library/python"),
        ("registry-1.docker.io", "library/python", "docker.io/library/python"),
        ("ghcr.io", "org/tool", "ghcr.io/org/tool"),
        ("localhost:5000", "base", "localhost:5000/base"),
        ("quay.io", "a/b/c", "quay.io/a/b/c"),
    ],
)
def test_repositories_are_named_as_docker_normalises_them(
    registry: str | None, path: str, expected: str
) -> None:
    assert str(repository(registry, path)) == expected


@pytest.mark.parametrize("path", ["Python", "a//b", "-x", "x-", "${BASE}"])
def test_names_a_registry_would_refuse_are_not_asked(path: str) -> None:
    assert repository(None, path) is None


def test_docker_hub_is_asked_at_its_api_host_and_mirrors_replace_the_host() -> None:
    assert api_host("docker.io", {}) == DOCKER_HUB_API
    assert api_host("docker.io", {"docker.io": "mirror.local:5000"}) == "mirror.local:5000"
    assert api_host("ghcr.io", {"docker.io": "mirror.local:5000"}) == "ghcr.io"


# --- challenges ----------------------------------------------------------------------------


def test_a_bearer_challenge_gives_realm_service_and_scope() -> None:
    header = (
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
        'scope="repository:library/python:pull"'
    )
    found = parse_challenge(header)
    assert found is not None and found.scheme == "bearer"
    assert dict(found.params) == {
        "realm": "https://auth.docker.io/token",
        "service": "registry.docker.io",
        "scope": "repository:library/python:pull",
    }


def test_a_basic_challenge_and_escaped_quotes() -> None:
    found = parse_challenge('Basic realm="say \\"hi\\", then go"')
    assert found is not None and found.scheme == "basic" and found.params["realm"] == 'say "hi", then go'
    assert parse_challenge("") is None


# --- credentials ---------------------------------------------------------------------------


def write_config(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data))
    return path


def encoded(user: str, secret: str) -> str:
    return base64.b64encode(f"{user}:{secret}".encode()).decode()


def test_auths_entries_are_found_by_host_however_written(tmp_path: Path) -> None:
    config = DockerConfig.load(
        write_config(
            tmp_path,
            {
                "auths": {
                    "https://index.docker.io/v1/": {"auth": encoded("hub", "s1")},
                    "http://127.0.0.1:5001/": {"auth": encoded("local", "s:2")},
                    "ghcr.io": {"username": "gh", "password": "s3"},
                }
            },
        )
    )
    assert config.credentials("docker.io") == Credentials("hub", "s1")
    assert config.credentials("127.0.0.1:5001") == Credentials("local", "s:2")
    assert config.credentials("ghcr.io") == Credentials("gh", "s3")
    assert config.credentials("quay.io") is None


def test_a_missing_config_has_no_credentials_and_a_broken_one_is_an_error(tmp_path: Path) -> None:
    assert DockerConfig.load(tmp_path / "absent.json").credentials("docker.io") is None
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CredentialsError, match="cannot read the Docker configuration"):
        DockerConfig.load(broken)


def test_credentials_never_show_their_secret() -> None:
    assert "hunter2" not in repr(Credentials("me", "hunter2"))


@pytest.fixture
def helper_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``docker-credential-dfixtest``: answers for 127.0.0.1:5001 only, and logs what it was asked."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "docker-credential-dfixtest"
    script.write_text(
        "#!/bin/sh\n"
        '[ "$1" = get ] || exit 3\n'
        "read server\n"
        f'echo "$server" >> {tmp_path / "asked"}\n'
        'if [ "$server" = 127.0.0.1:5001 ]; then\n'
        '  echo \'{"ServerURL":"127.0.0.1:5001","Username":"helped","Secret":"from-helper"}\'\n'
        "else\n"
        "  echo 'credentials not found in native keychain'; exit 1\n"
        "fi\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return tmp_path / "asked"


def test_cred_helpers_and_the_global_store_are_asked_through_the_helper_protocol(
    tmp_path: Path, helper_on_path: Path
) -> None:
    per_host = DockerConfig.load(write_config(tmp_path, {"credHelpers": {"127.0.0.1:5001": "dfixtest"}}))
    assert per_host.credentials("127.0.0.1:5001") == Credentials("helped", "from-helper")
    store = DockerConfig.load(
        write_config(
            tmp_path, {"credsStore": "dfixtest", "auths": {"ghcr.io": {"auth": encoded("file", "f")}}}
        )
    )
    assert store.credentials("docker.io") is None  # the helper has none, and auths has no entry
    assert store.credentials("ghcr.io") == Credentials("file", "f")  # the store has none: auths answers
    assert helper_on_path.read_text().split() == ["127.0.0.1:5001", "https://index.docker.io/v1/", "ghcr.io"]


def test_a_missing_helper_is_a_clear_error(tmp_path: Path) -> None:
    config = DockerConfig.load(write_config(tmp_path, {"credHelpers": {"ghcr.io": "nosuchhelper"}}))
    with pytest.raises(CredentialsError, match="docker-credential-nosuchhelper is not installed"):
        config.credentials("ghcr.io")


# --- cache ---------------------------------------------------------------------------------

TAG = TagRef(repository(None, "python") or pytest.fail("python is a name"), "3.12")
ANSWER = Manifest("sha256:" + "a" * 64, "application/vnd.oci.image.index.v1+json")


def test_the_cache_answers_within_its_ttl_and_offline_at_any_age(tmp_path: Path) -> None:
    path = tmp_path / "dfix" / "digests.json"
    cache = DigestCache(path)
    cache.put(TAG, ANSWER)
    cache.save()
    assert DigestCache(path).get(TAG) == ANSWER
    data = json.loads(path.read_text())
    data[str(TAG)]["at"] = time.time() - 7200
    path.write_text(json.dumps(data))
    assert DigestCache(path, ttl=3600).get(TAG) is None
    assert DigestCache(path, ttl=3600).get(TAG, any_age=True) == ANSWER


def test_saving_merges_what_another_run_wrote(tmp_path: Path) -> None:
    path = tmp_path / "digests.json"
    first, second = DigestCache(path), DigestCache(path)
    other = TagRef(TAG.repository, "3.13")
    first.put(TAG, ANSWER)
    second.put(other, ANSWER)
    first.save()
    second.save()
    assert DigestCache(path).get(TAG) == ANSWER and DigestCache(path).get(other) == ANSWER
    assert [p.name for p in tmp_path.iterdir()] == ["digests.json"]  # no temporary file left


@pytest.mark.parametrize(
    "content", ["{broken", "[1, 2]", '{"docker.io/library/python:3.12": {"digest": "md5:x"}}']
)
def test_a_broken_cache_is_an_empty_one(tmp_path: Path, content: str) -> None:
    path = tmp_path / "digests.json"
    path.write_text(content)
    assert DigestCache(path).get(TAG, any_age=True) is None
