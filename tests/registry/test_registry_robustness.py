"""The registry client against a real registry behind a real misbehaving proxy (``proxy.py``):
a missing ``Docker-Content-Digest``, 503s, 429s, a registry too slow to answer, and refused
credentials. Digests are compared with what the registry itself says (``servers.manifest_digest``,
asked directly, never through the proxy), and failures must stay per image and readable.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fixer.registry.cache import DigestCache
from fixer.registry.manifest import Manifest, RegistryError
from fixer.registry.names import TagRef, repository
from fixer.registry.resolver import Lookup, RegistryOptions, Resolver
from registry import servers
from registry.proxy import RegistryProxy
from registry.servers import Registry

DFIX = str(Path(sys.executable).with_name("dfix"))


@pytest.fixture
def proxy(open_registry: Registry) -> Iterator[RegistryProxy]:
    """A proxy in front of the open registry that forwards faithfully until a test sets a fault."""
    with RegistryProxy(open_registry.host) as started:
        yield started


def tag_on(proxy: RegistryProxy, path: str, tag: str = "1") -> TagRef:
    found = repository(proxy.host, path)
    assert found is not None, path
    return TagRef(found, tag)


def resolver(proxy: RegistryProxy, tmp_path: Path, timeout: float = 10.0) -> Resolver:
    options = RegistryOptions(insecure=frozenset({proxy.host}), timeout=timeout)
    return Resolver(Lookup.ONLINE, options, DigestCache(tmp_path / "digests.json"))


def manifest(answer: Manifest | RegistryError) -> Manifest:
    assert isinstance(answer, Manifest), f"not resolved: {answer}"
    return answer


def error(answer: Manifest | RegistryError) -> str:
    assert isinstance(answer, RegistryError), f"resolved, though it should have failed: {answer}"
    return str(answer)


def manifest_path(path: str, tag: str = "1") -> str:
    return f"/v2/{path}/manifests/{tag}"


def dfix(
    tmp_path: Path, dockerfile: Path, proxy: RegistryProxy, auths: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """The console script with its own ``DOCKER_CONFIG`` (``auths``: host → base64 pair) and cache."""
    config = tmp_path / "docker"
    config.mkdir(exist_ok=True)
    entries = {host: {"auth": pair} for host, pair in auths.items()}
    (config / "config.json").write_text(json.dumps({"auths": entries}))
    env = {**os.environ, "DOCKER_CONFIG": str(config), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    command = [DFIX, "--pin", "--select", "DF401", "--write", "--insecure-registry", proxy.host]
    command.append(str(dockerfile))
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=60)


# --- a registry that omits the digest ---------------------------------------------------------


def test_a_missing_digest_header_is_answered_by_hashing_what_get_returns(
    open_registry: Registry, proxy: RegistryProxy, repo: str, tmp_path: Path
) -> None:
    index, children = servers.push_index(open_registry, repo, "1")
    proxy.strip_digest = True
    with resolver(proxy, tmp_path) as asking:
        found = manifest(asking.resolve([tag_on(proxy, repo)])[tag_on(proxy, repo)])
    assert found.digest == servers.manifest_digest(open_registry, repo, "1") == index
    assert found.is_index and found.digest not in children.values()
    assert proxy.seen == [("HEAD", manifest_path(repo)), ("GET", manifest_path(repo))]


def test_the_proxy_itself_keeps_head_answers_intact(
    open_registry: Registry, proxy: RegistryProxy, repo: str
) -> None:
    """The other tests mean something only if a faithful proxy answers a HEAD as the registry does."""
    servers.push_image(open_registry, repo, "1")
    headers = {"Accept": servers.ACCEPT_ALL}
    direct = httpx.head(open_registry.url(manifest_path(repo)), headers=headers, timeout=10)
    through = httpx.head(f"http://{proxy.host}{manifest_path(repo)}", headers=headers, timeout=10)
    names = ("Content-Length", "Content-Type", "Docker-Content-Digest")
    assert through.status_code == direct.status_code == 200
    assert [through.headers.get(name) for name in names] == [direct.headers.get(name) for name in names]
    assert through.content == b""


# --- 5xx: retried, then a readable failure ----------------------------------------------------


def test_two_503s_are_retried_until_the_registry_answers(
    open_registry: Registry, proxy: RegistryProxy, repo: str, tmp_path: Path
) -> None:
    pushed = servers.push_image(open_registry, repo, "1")
    proxy.fail_first = 2
    tag = tag_on(proxy, repo)
    with resolver(proxy, tmp_path) as asking:
        found = manifest(asking.resolve([tag])[tag])
        assert asking.requests == 3
    assert found.digest == servers.manifest_digest(open_registry, repo, "1") == pushed
    assert proxy.seen == [("HEAD", manifest_path(repo))] * 3
    assert DigestCache(tmp_path / "digests.json").get(tag) == found


def test_a_registry_that_keeps_answering_503_fails_that_image_and_caches_nothing(
    open_registry: Registry, proxy: RegistryProxy, repo: str, tmp_path: Path
) -> None:
    servers.push_image(open_registry, repo, "1")
    proxy.fail_first = 5
    tag = tag_on(proxy, repo)
    with resolver(proxy, tmp_path) as asking:
        message = error(asking.resolve([tag])[tag])
        assert asking.requests == 3  # three attempts, no more
    assert f"{proxy.host} answered 503 (3 attempts)" in message
    assert proxy.seen == [("HEAD", manifest_path(repo))] * 3
    assert DigestCache(tmp_path / "digests.json").get(tag, any_age=True) is None
    cache_file = tmp_path / "digests.json"
    assert not cache_file.exists() or str(tag) not in cache_file.read_text()


# --- 429 and timeouts: per image ----------------------------------------------------------------


def test_a_rate_limited_image_fails_alone_and_says_what_to_do(
    open_registry: Registry, proxy: RegistryProxy, repo: str, tmp_path: Path
) -> None:
    fine = servers.push_image(open_registry, f"{repo}/fine", "1", payload=b"fine")
    servers.push_image(open_registry, f"{repo}/limited", "1", payload=b"limited")
    proxy.status_for = {f"/{repo}/limited/": 429}
    tags = [tag_on(proxy, f"{repo}/limited"), tag_on(proxy, f"{repo}/fine")]
    with resolver(proxy, tmp_path) as asking:
        answers = asking.resolve(tags)
    message = error(answers[tags[0]])
    assert "429" in message and "rate limiting" in message and "`docker login`" in message
    assert proxy.host in message
    direct = servers.manifest_digest(open_registry, f"{repo}/fine", "1")
    assert manifest(answers[tags[1]]).digest == direct == fine
    assert ("HEAD", manifest_path(f"{repo}/limited")) in proxy.seen  # refused by the proxy, not skipped


def test_a_registry_too_slow_to_answer_times_out_quickly(
    open_registry: Registry, proxy: RegistryProxy, repo: str, tmp_path: Path
) -> None:
    servers.push_image(open_registry, repo, "1")
    proxy.delay = 1.0
    tag = tag_on(proxy, repo)
    started = time.monotonic()
    with resolver(proxy, tmp_path, timeout=0.3) as asking:
        message = error(asking.resolve([tag])[tag])
    elapsed = time.monotonic() - started
    assert f"{proxy.host} timed out (after 0.3 s)" in message
    assert elapsed < 1.5, f"took {elapsed:.1f} s"  # one attempt: a hung registry is not asked again
    assert proxy.seen == [("HEAD", manifest_path(repo))]


# --- through the CLI ------------------------------------------------------------------------------


def test_the_cli_pins_what_it_can_and_reports_the_rate_limit(
    open_registry: Registry, proxy: RegistryProxy, repo: str, tmp_path: Path
) -> None:
    servers.push_image(open_registry, f"{repo}/fine", "1", payload=b"fine")
    servers.push_image(open_registry, f"{repo}/limited", "1", payload=b"limited")
    fine = servers.manifest_digest(open_registry, f"{repo}/fine", "1")
    proxy.status_for = {f"/{repo}/limited/": 429}
    limited, ok = f"{proxy.host}/{repo}/limited:1", f"{proxy.host}/{repo}/fine:1"
    path = tmp_path / "Dockerfile"
    path.write_text(f"FROM {limited} AS a\nFROM {ok}\n")
    done = dfix(tmp_path, path, proxy, {})
    assert done.returncode == 1, done.stderr
    assert path.read_text() == f"FROM {limited} AS a\nFROM {ok}@{fine}\n"
    assert "could not pin" in done.stderr and "429 Too Many Requests" in done.stderr
    assert "`docker login`" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_refused_credentials_are_reported_and_never_printed(
    basic_registry: Registry, repo: str, tmp_path: Path
) -> None:
    pushed = servers.push_image(basic_registry, repo, "1")
    assert basic_registry.username is not None and basic_registry.password is not None
    wrong = f"wrong-{secrets.token_hex(8)}"
    pair = base64.b64encode(f"{basic_registry.username}:{wrong}".encode()).decode()
    right = base64.b64encode(f"{basic_registry.username}:{basic_registry.password}".encode()).decode()
    path = tmp_path / "Dockerfile"
    with RegistryProxy(basic_registry.host) as proxy:
        text = f"FROM {proxy.host}/{repo}:1\n"
        path.write_text(text)
        refused = dfix(tmp_path, path, proxy, {proxy.host: pair})
        assert refused.returncode == 1 and path.read_text() == text
        assert "basic" in proxy.auth_schemes  # the wrong pair really reached the registry
        output = refused.stderr + refused.stdout
        assert f"{proxy.host} refused the stored credentials for {repo}" in output
        wrong_alone = base64.b64encode(wrong.encode()).decode()
        candidates = (wrong, pair, wrong_alone, basic_registry.password, right)
        secrets_printed = [secret for secret in candidates if secret in output]
        assert not secrets_printed, "a credential was printed"
        assert "Traceback" not in output
        # the control: the right pair, through the same proxy, pins what the registry says
        done = dfix(tmp_path, path, proxy, {proxy.host: right})
    assert done.returncode == 0, done.stderr
    assert path.read_text() == f"FROM {proxy.host}/{repo}:1@{pushed}\n"
    assert pushed == servers.manifest_digest(basic_registry, repo, "1")
