"""Real registries for the digest-pinning tests: Debian's ``docker-registry`` (CNCF distribution 2.8).

A fake registry would only answer what we think registries answer; distribution shows what one
really does (Accept negotiation, challenges, digests: shared/research/buildlab.md §1, §2).
Three auth modes:

- ``none``: anonymous pull and push;
- ``basic``: htpasswd (bcrypt), ``Www-Authenticate: Basic realm="dfix-test"``;
- ``token``: distribution's Bearer flow (as Docker Hub, GHCR), with our own token issuer in a
  thread: it signs ES256 JWTs with a throwaway key whose self-signed certificate is the
  registry's ``rootcertbundle``, and records every request it gets.

Images are pushed with plain registry API calls (no skopeo), handling the challenges here, so
the project's own client is never used to check itself.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import gzip
import hashlib
import io
import json
import re
import secrets
import socket
import subprocess
import tarfile
import threading
import time
import urllib.parse
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

import bcrypt
import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

AuthMode = Literal["none", "basic", "token"]
MediaFamily = Literal["oci", "docker"]

USERNAME = "dfix"
PASSWORD = "dfix-secret"  # a fixed test credential, for a registry that only ever listens on 127.0.0.1
BASIC_REALM = "dfix-test"
SERVICE = "dfix-test-registry"
ISSUER = "dfix-test-issuer"
TOKEN_LIFETIME = 300

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
# distribution 2.8 answers 404 or a schema1 conversion unless the stored type is accepted (buildlab §1.3).
ACCEPT_ALL = ", ".join((OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST))


@dataclass(frozen=True, slots=True)
class TokenRequest:
    """One request the token issuer received: enough to count and inspect, never the password."""

    path: str
    query: dict[str, list[str]]
    authorization: bool  # whether an Authorization header was sent
    username: str | None  # from Basic auth, when sent
    status: int  # what the issuer answered

    @property
    def scopes(self) -> list[str]:
        return [scope for value in self.query.get("scope", []) for scope in value.split()]


@dataclass(frozen=True, slots=True)
class Registry:
    """A running registry; ``username``/``password`` are None for ``auth="none"``."""

    host: str  # 127.0.0.1:PORT
    auth: AuthMode
    log: Path
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    token_realm: str | None = None  # the issuer's URL, token mode only
    token_requests: list[TokenRequest] = field(default_factory=list)  # appended to by the issuer thread

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    @property
    def credentials(self) -> tuple[str, str] | None:
        if self.username is None or self.password is None:
            return None
        return self.username, self.password


# --- starting and stopping -------------------------------------------------------------------


@contextlib.contextmanager
def registry(
    workdir: Path,
    auth: AuthMode = "none",
    *,
    anonymous_pull: bool = True,
    token_key_header: Literal["x5c", "kid"] = "x5c",
    bcrypt_prefix: Literal["2a", "2b", "2y"] = "2y",
) -> Iterator[Registry]:
    """A registry on a free loopback port, with its token issuer in token mode, both stopped on exit.

    ``anonymous_pull`` (token mode): whether a token asked for without credentials grants ``pull``
    (a public repository) or nothing (a private one). ``token_key_header`` picks how a JWT names
    its key to distribution (both work with 2.8). ``bcrypt_prefix`` is the htpasswd hash flavour
    (``2y`` is what Apache's ``htpasswd -B`` writes; Go's bcrypt reads all three).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    host = f"127.0.0.1:{_free_port()}"
    auth_config = ""
    with contextlib.ExitStack() as stack:
        found = Registry(host, auth, workdir / "registry.log")
        if auth != "none":
            found = dataclasses.replace(found, username=USERNAME, password=PASSWORD)
        if auth == "basic":
            htpasswd = workdir / "htpasswd"
            htpasswd.write_text(htpasswd_line(USERNAME, PASSWORD, bcrypt_prefix) + "\n")
            auth_config = f"auth:\n  htpasswd:\n    realm: {BASIC_REALM}\n    path: {_yaml(htpasswd)}\n"
        elif auth == "token":
            issuer = _TokenIssuer(found.token_requests, anonymous_pull, token_key_header)
            stack.callback(issuer.stop)
            found = dataclasses.replace(found, token_realm=issuer.realm)
            bundle = workdir / "token-root.pem"
            bundle.write_bytes(issuer.certificate.public_bytes(serialization.Encoding.PEM))
            auth_config = (
                f"auth:\n  token:\n    realm: {issuer.realm}\n    service: {SERVICE}\n"
                f"    issuer: {ISSUER}\n    rootcertbundle: {_yaml(bundle)}\n"
            )
        config = workdir / "registry.yml"
        config.write_text(
            "version: 0.1\nlog:\n  level: warn\n"
            f"storage:\n  filesystem:\n    rootdirectory: {_yaml(workdir / 'storage')}\n"
            "  delete:\n    enabled: true\n"
            # a fixed secret silences distribution's "No HTTP secret provided" warning
            f"http:\n  addr: {host}\n  secret: {secrets.token_hex(16)}\n{auth_config}"
        )
        log_file = stack.enter_context(found.log.open("wb"))
        process = subprocess.Popen(
            ["docker-registry", "serve", str(config)], stdout=log_file, stderr=subprocess.STDOUT
        )
        stack.callback(_stop, process)
        _wait_until_up(found, process)
        yield found


def htpasswd_line(user: str, password: str, prefix: Literal["2a", "2b", "2y"] = "2y") -> str:
    """``user:$2y$...``: the Python package writes ``$2b$``; the hash is the same for every prefix."""
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()  # fast: it is a test
    return f"{user}:${prefix}${hashed.split('$', 2)[2]}"


def _yaml(path: Path) -> str:
    """A double-quoted YAML scalar (JSON is valid YAML): pytest's tmp paths may hold ``[`` or ``:``."""
    return json.dumps(str(path))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def log_tail(reg: Registry, size: int = 3000) -> str:
    """The end of the registry's log, for error messages."""
    with contextlib.suppress(OSError):
        return reg.log.read_bytes()[-size:].decode(errors="replace")
    return ""


def _wait_until_up(found: Registry, process: subprocess.Popen[bytes]) -> None:
    """Ready when ``/v2/`` answers as configured (with our realm) while our process still runs.

    A registry that died, say because the port was taken after we chose it, is an error with
    its log, never a "ready" answered by whatever else listens there.
    """
    expected = {
        "none": (200, None),
        "basic": (401, f'Basic realm="{BASIC_REALM}"'),
        "token": (401, f'Bearer realm="{found.token_realm}",service="{SERVICE}"'),
    }[found.auth]
    deadline = time.monotonic() + 10
    seen = None
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(httpx.TransportError):
            answer = httpx.get(found.url("/v2/"), timeout=0.25)  # retried: a short wait is enough
            seen = (answer.status_code, answer.headers.get("WWW-Authenticate"))
            if seen == expected and process.poll() is None:
                return
        time.sleep(0.02)
    if process.poll() is not None:
        raise RuntimeError(f"docker-registry exited with {process.returncode}:\n{log_tail(found)}")
    raise RuntimeError(
        f"docker-registry did not answer /v2/ with {expected} (last: {seen}):\n{log_tail(found)}"
    )


# --- the token issuer ------------------------------------------------------------------------


class _TokenIssuer:
    """The Docker token spec's ``GET /token``: just enough of an auth server for distribution."""

    def __init__(
        self, requests: list[TokenRequest], anonymous_pull: bool, key_header: Literal["x5c", "kid"]
    ) -> None:
        self.requests = requests
        self.anonymous_pull = anonymous_pull
        self.key = ec.generate_private_key(ec.SECP256R1())  # P-256: instant, unlike an RSA key
        self.certificate = _self_signed(self.key)
        if key_header == "x5c":  # the chain is verified against rootcertbundle
            der = self.certificate.public_bytes(serialization.Encoding.DER)
            self.jwt_header: dict[str, Any] = {
                "typ": "JWT",
                "alg": "ES256",
                "x5c": [base64.b64encode(der).decode()],
            }
        else:  # looked up among the bundle's keys by their libtrust key ID
            self.jwt_header = {"typ": "JWT", "alg": "ES256", "kid": libtrust_key_id(self.key.public_key())}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.realm = f"http://127.0.0.1:{self.server.server_address[1]}/token"
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={
                "poll_interval": 0.05
            },  # shutdown() waits up to one interval name="dfix-token-issuer", daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body, headers = issuer.answer(self.path, self.headers.get("Authorization"))
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Silent: requests are in ``Registry.token_requests``, and nothing may print secrets."""

        return Handler

    def answer(self, target: str, authorization: str | None) -> tuple[int, bytes, dict[str, str]]:
        parts = urllib.parse.urlsplit(target)
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        username, password = _basic_credentials(authorization)
        status, body, headers = self._decide(parts.path, query, authorization, username, password)
        self.requests.append(TokenRequest(parts.path, query, authorization is not None, username, status))
        return status, json.dumps(body).encode(), headers

    def _decide(
        self,
        path: str,
        query: dict[str, list[str]],
        authorization: str | None,
        username: str | None,
        password: str | None,
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if path != "/token":
            return 404, _errors("NOT_FOUND", "no such endpoint"), {}
        if query.get("service", [SERVICE]) != [SERVICE]:
            return 400, _errors("INVALID_REQUEST", "unknown service"), {}
        if authorization is not None and (username, password) != (USERNAME, PASSWORD):
            challenge = {"WWW-Authenticate": f'Basic realm="{ISSUER}"'}
            return 401, _errors("UNAUTHORIZED", "incorrect username or password"), challenge
        access = []
        for scope in (scope for value in query.get("scope", []) for scope in value.split()):
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            wanted = [action for action in actions.split(",") if action]
            if username is None:  # anonymous: at most pull, and only for "public" repositories
                wanted = [action for action in wanted if action == "pull" and self.anonymous_pull]
            access.append({"type": kind, "name": name, "actions": wanted})
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": username or "",
            "aud": SERVICE,  # distribution 2.8 wants a string here, not a list
            "exp": now + TOKEN_LIFETIME,
            "nbf": now - 1,
            "iat": now,
            "jti": secrets.token_hex(16),
            "access": access,
        }
        token = self._sign(claims)
        issued_at = dt.datetime.fromtimestamp(now, dt.UTC).isoformat().replace("+00:00", "Z")
        return (
            200,
            {"token": token, "access_token": token, "expires_in": TOKEN_LIFETIME, "issued_at": issued_at},
            {},
        )

    def _sign(self, claims: dict[str, Any]) -> str:
        signing_input = f"{_b64url(_compact(self.jwt_header))}.{_b64url(_compact(claims))}".encode()
        r, s = decode_dss_signature(self.key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        return f"{signing_input.decode()}.{_b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def _self_signed(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ISSUER)])
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )


def libtrust_key_id(key: ec.EllipticCurvePublicKey) -> str:
    """libtrust's key ID: base32 of the first 240 bits of sha256(DER SubjectPublicKeyInfo), in 4s."""
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    encoded = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode().rstrip("=")
    return ":".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def _basic_credentials(authorization: str | None) -> tuple[str | None, str | None]:
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
    except ValueError:
        return None, None
    return user, password


def _errors(code: str, message: str) -> dict[str, Any]:
    return {"errors": [{"code": code, "message": message}]}


def _compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode_jwt_claims(token: str) -> dict[str, Any]:
    """The (unverified) claims of a JWT, for tests that check what a token grants."""
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


# --- talking to the registry -----------------------------------------------------------------


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """``Bearer realm="…",service="…"`` → ("bearer", {"realm": …, "service": …})."""
    scheme, _, rest = header.strip().partition(" ")
    params: dict[str, str] = {}
    for key, quoted, bare in _PARAM.findall(rest):
        params[key.lower()] = quoted.replace('\\"', '"') if quoted else bare
    return scheme.lower(), params


_PARAM = re.compile(r'([A-Za-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))')


def canonical_scope(scope: str) -> str:
    """Actions sorted: distribution 2.8 writes them in Go map order (``pull,push`` or ``push,pull``)."""
    canonical = []
    for item in scope.split():
        kind_and_name, _, actions = item.rpartition(":")
        canonical.append(f"{kind_and_name}:{','.join(sorted(set(actions.split(','))))}")
    return " ".join(canonical)


class ChallengeAuth(httpx.Auth):
    """Answers the registry's 401 challenge as a client would: Basic, or a Bearer token per scope."""

    requires_request_body = True  # a PUT is sent again after the challenge
    requires_response_body = True  # the token comes in a body

    def __init__(self, credentials: tuple[str, str] | None) -> None:
        self.credentials = credentials
        self.header: str | None = None  # sent first on every request: the last one that worked
        self.tokens: dict[tuple[str, str, str], str] = {}

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.header is not None:
            request.headers["Authorization"] = self.header
        response = yield request
        if response.status_code != 401:
            return
        scheme, params = parse_challenge(response.headers.get("WWW-Authenticate", ""))
        if scheme == "basic":
            if self.credentials is None:
                return
            header = basic_header(*self.credentials)
        elif scheme == "bearer" and "realm" in params:
            key = (params["realm"], params.get("service", ""), canonical_scope(params.get("scope", "")))
            header = f"Bearer {self.tokens[key]}" if key in self.tokens else ""
            if header in ("", request.headers.get("Authorization")):  # none yet, or it was just refused
                query = {name: params[name] for name in ("service", "scope") if params.get(name)}
                token_request = httpx.Request("GET", params["realm"], params=query)
                if self.credentials is not None:
                    token_request.headers["Authorization"] = basic_header(*self.credentials)
                token_response = yield token_request
                if token_response.status_code != 200:
                    return
                answer = token_response.json()
                self.tokens[key] = answer.get("token") or answer["access_token"]
                header = f"Bearer {self.tokens[key]}"
        else:
            return
        if header == request.headers.get("Authorization"):
            return  # refused with exactly these credentials: asking again will not help
        self.header = header
        request.headers["Authorization"] = header
        yield request


def basic_header(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def client(reg: Registry, *, anonymous: bool = False) -> httpx.Client:
    """An httpx client for ``reg`` that answers its challenges, with its credentials unless ``anonymous``."""
    return httpx.Client(
        base_url=reg.url(""), auth=ChallengeAuth(None if anonymous else reg.credentials), timeout=10
    )


def _sha256(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def _check(response: httpx.Response, *expected: int) -> httpx.Response:
    if response.status_code not in expected:
        request = response.request
        raise RuntimeError(f"{request.method} {request.url} answered {response.status_code}: {response.text}")
    return response


def layer(payload: bytes) -> tuple[bytes, str]:
    """A gzip'd tar holding one file ``payload``: (blob, diff ID). Byte-for-byte reproducible."""
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo("payload")
        info.size, info.mode, info.mtime = len(payload), 0o644, 0
        tar.addfile(info, io.BytesIO(payload))
    raw = tar_bytes.getvalue()
    return gzip.compress(raw, mtime=0), _sha256(raw)


def push_blob(http: httpx.Client, repo: str, blob: bytes) -> str:
    """Monolithic upload: POST for an upload URL, then PUT the bytes to it with ``?digest=``."""
    digest = _sha256(blob)
    started = _check(http.post(f"/v2/{repo}/blobs/uploads/"), 202)
    location = str(http.base_url.join(started.headers["Location"]))  # may be relative
    location += ("&" if "?" in location else "?") + urllib.parse.urlencode({"digest": digest})
    headers = {"Content-Type": "application/octet-stream"}
    done = _check(http.put(location, content=blob, headers=headers), 201)
    if done.headers.get("Docker-Content-Digest") != digest:
        raise RuntimeError(f"blob stored as {done.headers.get('Docker-Content-Digest')}, expected {digest}")
    return digest


def push_manifest(http: httpx.Client, repo: str, reference: str | None, body: bytes, media_type: str) -> str:
    """PUT a manifest under a tag, or under its own digest when ``reference`` is None."""
    digest = _sha256(body)
    answer = _check(
        http.put(
            f"/v2/{repo}/manifests/{reference or digest}", content=body, headers={"Content-Type": media_type}
        ),
        201,
    )
    if answer.headers.get("Docker-Content-Digest") != digest:
        raise RuntimeError(
            f"manifest stored as {answer.headers.get('Docker-Content-Digest')}, expected {digest}"
        )
    return digest


def _image(
    http: httpx.Client,
    repo: str,
    reference: str | None,
    os: str,
    architecture: str,
    variant: str | None,
    media_type: MediaFamily,
    payload: bytes,
) -> tuple[str, int]:
    blob, diff_id = layer(payload)
    config: dict[str, Any] = {"architecture": architecture, "os": os}
    if variant is not None:
        config["variant"] = variant
    config |= {"rootfs": {"type": "layers", "diff_ids": [diff_id]}, "config": {}}
    config_bytes = _compact(config)
    oci = media_type == "oci"
    manifest_type = OCI_MANIFEST if oci else DOCKER_MANIFEST
    manifest = {
        "schemaVersion": 2,
        "mediaType": manifest_type,
        "config": {
            "mediaType": OCI_CONFIG if oci else DOCKER_CONFIG,
            "digest": push_blob(http, repo, config_bytes),
            "size": len(config_bytes),
        },
        "layers": [
            {
                "mediaType": OCI_LAYER if oci else DOCKER_LAYER,
                "digest": push_blob(http, repo, blob),
                "size": len(blob),
            }
        ],
    }
    body = _compact(manifest)
    return push_manifest(http, repo, reference, body, manifest_type), len(body)


def push_image(
    reg: Registry,
    repo: str,
    tag: str,
    *,
    architecture: str = "amd64",
    os: str = "linux",
    variant: str | None = None,
    media_type: MediaFamily = "oci",
    payload: bytes = b"dfix test layer\n",
) -> str:
    """Push a one-layer image as ``repo:tag``; returns its manifest digest. Other payloads, other digests."""
    with client(reg) as http:
        return _image(http, repo, tag, os, architecture, variant, media_type, payload)[0]


def push_index(
    reg: Registry,
    repo: str,
    tag: str,
    platforms: Sequence[tuple[str, str, str | None]] = (("linux", "amd64", None), ("linux", "arm64", "v8")),
    *,
    media_type: MediaFamily = "oci",
    payload: bytes = b"dfix test layer\n",
) -> tuple[str, dict[str, str]]:
    """Push one image per (os, architecture, variant) by digest, then an index of them as ``repo:tag``.

    Returns (index digest, {"linux/amd64": child digest, "linux/arm64/v8": …}).
    """
    oci = media_type == "oci"
    children: dict[str, str] = {}
    entries = []
    with client(reg) as http:
        for os, architecture, variant in platforms:
            digest, size = _image(http, repo, None, os, architecture, variant, media_type, payload)
            platform = {"architecture": architecture, "os": os} | ({"variant": variant} if variant else {})
            children["/".join(filter(None, (os, architecture, variant)))] = digest
            entries.append(
                {
                    "mediaType": OCI_MANIFEST if oci else DOCKER_MANIFEST,
                    "digest": digest,
                    "size": size,
                    "platform": platform,
                }
            )
        index_type = OCI_INDEX if oci else DOCKER_LIST
        body = _compact({"schemaVersion": 2, "mediaType": index_type, "manifests": entries})
        return push_manifest(http, repo, tag, body, index_type), children


def manifest_digest(reg: Registry, repo: str, reference: str, accept: str = ACCEPT_ALL) -> str:
    """``Docker-Content-Digest`` of a HEAD with all four manifest types accepted (and auth): the truth."""
    with client(reg) as http:
        answer = _check(http.head(f"/v2/{repo}/manifests/{reference}", headers={"Accept": accept}), 200)
    return answer.headers["Docker-Content-Digest"]
