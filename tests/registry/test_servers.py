"""The registry fixtures do what the digest-pinning tests rely on, checked with raw HTTP calls.

Also pins down distribution 2.8's own behaviour (Accept negotiation, challenges) that the
project's client must cope with, so a Debian upgrade that changes it shows up here first.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import io
import json
import re
import socket
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bcrypt
import httpx
import pytest

from . import servers
from .servers import ACCEPT_ALL, DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST, Registry

Start = Callable[..., Registry]


def head(
    reg: Registry, repo: str, reference: str, accept: str, *, jwt: str | None = None, **kwargs: Any
) -> httpx.Response:
    headers = {"Accept": accept} | (bearer(jwt) if jwt else {})
    return httpx.head(reg.url(f"/v2/{repo}/manifests/{reference}"), headers=headers, **kwargs)


def get_json(reg: Registry, path: str, accept: str = ACCEPT_ALL, **kwargs: Any) -> tuple[bytes, Any]:
    answer = httpx.get(reg.url(path), headers={"Accept": accept}, **kwargs)
    assert answer.status_code == 200, answer.text
    return answer.content, answer.json()


def sha256(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def token(reg: Registry, *scopes: str, auth: tuple[str, str] | None = None) -> httpx.Response:
    assert reg.token_realm is not None
    params: list[tuple[str, str | int | float | bool | None]] = [("service", servers.SERVICE)]
    params += [("scope", scope) for scope in scopes]
    return httpx.get(reg.token_realm, params=params, auth=auth)


def bearer(jwt: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt}"}


def start_upload(reg: Registry, repo: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(reg.url(f"/v2/{repo}/blobs/uploads/"), headers=headers)


# --- no auth ---------------------------------------------------------------------------------


def test_pushed_image_is_what_the_registry_serves(open_registry: Registry, repo: str) -> None:
    digest = servers.push_image(open_registry, repo, "1", payload=b"hello\n")

    answer = head(open_registry, repo, "1", ACCEPT_ALL)
    assert (answer.status_code, answer.headers["Docker-Content-Digest"]) == (200, digest)
    raw, manifest = get_json(open_registry, f"/v2/{repo}/manifests/1")
    assert sha256(raw) == digest
    assert manifest["mediaType"] == OCI_MANIFEST
    _, config = get_json(open_registry, f"/v2/{repo}/blobs/{manifest['config']['digest']}")
    layer = httpx.get(open_registry.url(f"/v2/{repo}/blobs/{manifest['layers'][0]['digest']}")).content
    tar_bytes = gzip.decompress(layer)
    assert config["rootfs"]["diff_ids"] == [sha256(tar_bytes)]
    assert (config["os"], config["architecture"]) == ("linux", "amd64")
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        member = tar.extractfile("payload")
        assert member is not None
        assert member.read() == b"hello\n"


def test_docker_image_with_variant(open_registry: Registry, repo: str) -> None:
    digest = servers.push_image(
        open_registry, repo, "arm", architecture="arm64", variant="v8", media_type="docker"
    )

    raw, manifest = get_json(open_registry, f"/v2/{repo}/manifests/arm", accept=DOCKER_MANIFEST)
    assert (sha256(raw), manifest["mediaType"]) == (digest, DOCKER_MANIFEST)
    assert manifest["layers"][0]["mediaType"] == servers.DOCKER_LAYER
    _, config = get_json(open_registry, f"/v2/{repo}/blobs/{manifest['config']['digest']}")
    assert (config["architecture"], config["variant"]) == ("arm64", "v8")
    assert servers.manifest_digest(open_registry, repo, "arm") == digest


def test_oci_index_digest_is_the_top_level_one(open_registry: Registry, repo: str) -> None:
    digest, children = servers.push_index(open_registry, repo, "multi")

    assert head(open_registry, repo, "multi", ACCEPT_ALL).headers["Docker-Content-Digest"] == digest
    assert servers.manifest_digest(open_registry, repo, "multi") == digest
    raw, index = get_json(open_registry, f"/v2/{repo}/manifests/multi")
    assert (sha256(raw), index["mediaType"]) == (digest, OCI_INDEX)
    listed = {
        "/".join(filter(None, (p["os"], p["architecture"], p.get("variant")))): entry["digest"]
        for entry in index["manifests"]
        for p in [entry["platform"]]
    }
    assert listed == children
    assert set(children) == {"linux/amd64", "linux/arm64/v8"}
    assert len(set(children.values())) == 2
    for child in children.values():  # pushed by digest, and really there
        assert head(open_registry, repo, child, OCI_MANIFEST).status_code == 200
    # buildlab finding 2: an Accept without the OCI index type does not get the index
    assert head(open_registry, repo, "multi", OCI_MANIFEST).status_code == 404


def test_docker_list_with_only_v2_accepted_gives_the_amd64_child(open_registry: Registry, repo: str) -> None:
    digest, children = servers.push_index(open_registry, repo, "multi", media_type="docker")

    assert head(open_registry, repo, "multi", ACCEPT_ALL).headers["Docker-Content-Digest"] == digest
    assert head(open_registry, repo, "multi", DOCKER_LIST).headers["Docker-Content-Digest"] == digest
    only_v2 = head(open_registry, repo, "multi", DOCKER_MANIFEST)
    assert (only_v2.status_code, only_v2.headers["Docker-Content-Digest"]) == (200, children["linux/amd64"])
    assert children["linux/amd64"] != digest


def test_pushing_a_tag_again_moves_it(open_registry: Registry, repo: str) -> None:
    first = servers.push_image(open_registry, repo, "moving", payload=b"one")
    second = servers.push_image(open_registry, repo, "moving", payload=b"two")

    assert first != second
    assert servers.manifest_digest(open_registry, repo, "moving") == second
    assert servers.manifest_digest(open_registry, repo, first) == first  # still there by digest
    assert servers.push_image(open_registry, repo, "again", payload=b"one") == first  # reproducible


def test_registry_is_stopped_on_exit(tmp_path: Path) -> None:
    with servers.registry(tmp_path) as reg:
        assert httpx.get(reg.url("/v2/")).status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(reg.url("/v2/"))


def test_a_registry_that_died_is_not_reported_ready(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as squatter:  # holds the port; accepts connections but never answers
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        monkeypatch.setattr(servers, "_free_port", lambda: squatter.getsockname()[1])
        with (
            pytest.raises(RuntimeError, match=r"exited with 1:(.|\n)*address already in use"),
            servers.registry(tmp_path),
        ):
            pass


# --- basic auth ------------------------------------------------------------------------------


def test_basic_challenge(basic_registry: Registry) -> None:
    anonymous = httpx.get(basic_registry.url("/v2/"))
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == f'Basic realm="{servers.BASIC_REALM}"'
    assert basic_registry.credentials is not None
    assert httpx.get(basic_registry.url("/v2/"), auth=basic_registry.credentials).status_code == 200
    assert httpx.get(basic_registry.url("/v2/"), auth=(servers.USERNAME, "wrong")).status_code == 401


def test_basic_push_and_digest(basic_registry: Registry, repo: str) -> None:
    digest = servers.push_image(basic_registry, repo, "1")

    assert head(basic_registry, repo, "1", ACCEPT_ALL).status_code == 401
    answer = head(basic_registry, repo, "1", ACCEPT_ALL, auth=basic_registry.credentials)
    assert (
        answer.headers["Docker-Content-Digest"]
        == digest
        == servers.manifest_digest(basic_registry, repo, "1")
    )


def test_htpasswd_is_a_bcrypt_line(basic_registry: Registry) -> None:
    (line,) = (basic_registry.log.parent / "htpasswd").read_text().splitlines()
    user, hashed = line.split(":", 1)
    assert (user, hashed[:4]) == (servers.USERNAME, "$2y$")
    assert bcrypt.checkpw(servers.PASSWORD.encode(), hashed.replace("$2y$", "$2b$", 1).encode())


@pytest.mark.parametrize("prefix", ["2a", "2b", "2y"])
def test_every_bcrypt_prefix_is_accepted(start_registry: Start, prefix: str) -> None:
    reg = start_registry("basic", bcrypt_prefix=prefix)
    assert f"${prefix}$" in (reg.log.parent / "htpasswd").read_text()
    assert httpx.get(reg.url("/v2/"), auth=reg.credentials).status_code == 200


# --- token auth ------------------------------------------------------------------------------


def test_token_challenges(token_registry: Registry, repo: str) -> None:
    root = httpx.get(token_registry.url("/v2/"))
    assert root.status_code == 401
    challenge = root.headers["WWW-Authenticate"]
    assert re.fullmatch(
        r'Bearer realm="http://127\.0\.0\.1:\d+/token",service="dfix-test-registry"', challenge
    )
    assert challenge == f'Bearer realm="{token_registry.token_realm}",service="{servers.SERVICE}"'

    manifest = head(token_registry, repo, "1", ACCEPT_ALL)
    assert manifest.status_code == 401
    assert f'scope="repository:{repo}:pull"' in manifest.headers["WWW-Authenticate"]
    upload = start_upload(token_registry, repo, {})
    # distribution lists a scope's actions in Go map order: "pull,push" or "push,pull", at random
    scheme, params = servers.parse_challenge(upload.headers["WWW-Authenticate"])
    assert (scheme, servers.canonical_scope(params["scope"])) == ("bearer", f"repository:{repo}:pull,push")


def test_anonymous_token_pulls_but_cannot_push(token_registry: Registry, repo: str) -> None:
    digest = servers.push_image(token_registry, repo, "1")

    answer = token(token_registry, f"repository:{repo}:pull,push")
    assert answer.status_code == 200
    body = answer.json()
    assert body["token"] == body["access_token"]
    assert body["expires_in"] == servers.TOKEN_LIFETIME
    issued = dt.datetime.fromisoformat(body["issued_at"])
    assert abs((dt.datetime.now(dt.UTC) - issued).total_seconds()) < 60
    claims = servers.decode_jwt_claims(body["token"])
    assert claims["access"] == [{"type": "repository", "name": repo, "actions": ["pull"]}]
    assert (claims["aud"], claims["iss"], claims["sub"]) == (servers.SERVICE, servers.ISSUER, "")

    pulled = head(token_registry, repo, "1", ACCEPT_ALL, jwt=body["token"])
    assert (pulled.status_code, pulled.headers["Docker-Content-Digest"]) == (200, digest)
    refused = start_upload(token_registry, repo, bearer(body["token"]))
    assert refused.status_code == 401
    assert 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]


def test_token_with_credentials_pushes(token_registry: Registry, repo: str) -> None:
    answer = token(token_registry, f"repository:{repo}:pull,push", auth=token_registry.credentials)
    assert answer.status_code == 200
    jwt = answer.json()["token"]
    claims = servers.decode_jwt_claims(jwt)
    assert claims["access"] == [{"type": "repository", "name": repo, "actions": ["pull", "push"]}]
    assert claims["sub"] == servers.USERNAME
    assert start_upload(token_registry, repo, bearer(jwt)).status_code == 202

    # the registry checks the signature: the anonymous token, edited to grant push, is refused
    anonymous = token(token_registry, f"repository:{repo}:pull,push").json()["token"]
    header, _, signature = anonymous.split(".")
    forged_claims = servers.decode_jwt_claims(anonymous) | {"access": claims["access"]}
    payload = base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).decode().rstrip("=")
    assert start_upload(token_registry, repo, bearer(f"{header}.{payload}.{signature}")).status_code == 401


def test_wrong_password_is_refused_by_the_issuer(token_registry: Registry, repo: str) -> None:
    answer = token(token_registry, f"repository:{repo}:pull", auth=(servers.USERNAME, "wrong"))
    assert answer.status_code == 401
    assert "token" not in answer.json()
    assert token_registry.token_requests[-1].status == 401

    with httpx.Client(
        base_url=token_registry.url(""), auth=servers.ChallengeAuth((servers.USERNAME, "x"))
    ) as http:
        assert http.head(f"/v2/{repo}/manifests/1").status_code == 401  # gives up instead of looping


def test_several_scopes_in_one_token(token_registry: Registry) -> None:
    answer = token(
        token_registry, "repository:a/one:pull", "repository:a/two:pull,push", auth=token_registry.credentials
    )
    access = servers.decode_jwt_claims(answer.json()["token"])["access"]
    assert access == [
        {"type": "repository", "name": "a/one", "actions": ["pull"]},
        {"type": "repository", "name": "a/two", "actions": ["pull", "push"]},
    ]


def test_token_requests_are_recorded(token_registry: Registry, repo: str) -> None:
    before = len(token_registry.token_requests)
    servers.push_image(token_registry, repo, "1")
    pushed = token_registry.token_requests[before:]
    assert pushed, "pushing asked for no token"
    assert all(request.authorization and request.username == servers.USERNAME for request in pushed)
    assert pushed[0].path == "/token"
    assert [servers.canonical_scope(scope) for scope in pushed[0].scopes] == [f"repository:{repo}:pull,push"]
    assert pushed[0].query["service"] == [servers.SERVICE]

    before = len(token_registry.token_requests)
    token(token_registry)  # what a client does for GET /v2/: no scope, no credentials
    (anonymous,) = token_registry.token_requests[before:]
    assert (anonymous.authorization, anonymous.username, anonymous.scopes) == (False, None, [])
    assert servers.PASSWORD not in repr(token_registry)


def test_private_repository_refuses_anonymous_pull(start_registry: Start, repo: str) -> None:
    reg = start_registry("token", anonymous_pull=False)
    digest = servers.push_image(reg, repo, "1")

    jwt = token(reg, f"repository:{repo}:pull").json()["token"]
    assert servers.decode_jwt_claims(jwt)["access"] == [{"type": "repository", "name": repo, "actions": []}]
    assert head(reg, repo, "1", ACCEPT_ALL, jwt=jwt).status_code == 401
    before = len(reg.token_requests)
    with servers.client(reg, anonymous=True) as http:
        assert http.head(f"/v2/{repo}/manifests/1", headers={"Accept": ACCEPT_ALL}).status_code == 401
    assert len(reg.token_requests) == before + 1
    assert servers.manifest_digest(reg, repo, "1") == digest


@pytest.mark.parametrize("key_header", ["x5c", "kid"])
def test_distribution_verifies_either_key_header(start_registry: Start, repo: str, key_header: str) -> None:
    reg = start_registry("token", token_key_header=key_header)
    digest = servers.push_image(reg, repo, "1")

    jwt = token(reg, f"repository:{repo}:pull").json()["token"]
    header = json.loads(base64.urlsafe_b64decode(jwt.split(".")[0] + "=="))
    assert set(header) == {"typ", "alg", key_header}
    assert servers.manifest_digest(reg, repo, "1") == digest
