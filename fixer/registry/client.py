"""The OCI distribution API, for one question: which manifest digest does a tag name now?

``HEAD /v2/<path>/manifests/<tag>`` with all four manifest types in ``Accept`` answers the
top-level digest (index or manifest list for a multi-platform image) in ``Docker-Content-Digest``.
A registry that sends fewer types gets a different answer: without the OCI types an OCI image is
404, without the Docker list type a list answers its amd64 child (research/buildlab.md §1.3).
A registry that omits the header gets a GET, and the digest of the exact bytes.

Authentication follows the ``WWW-Authenticate`` challenge: ``Basic`` with the stored
credentials, or ``Bearer``: a token from the realm for ``repository:<path>:pull``, asked with
the credentials when there are some. A host's challenge is remembered, so later repositories
skip the 401. HEAD does not count against Docker Hub's pull limit; GET does.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import httpx

from fixer.registry.credentials import Credentials, CredentialsError, DockerConfig
from fixer.registry.manifest import Manifest, RegistryError
from fixer.registry.names import DIGEST, DOCKER_HUB, DOCKER_HUB_API, TagRef, api_host

ACCEPT: Final = ", ".join(
    (
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    )
)
_RETRIES: Final = 3  # attempts on a 5xx or a failed connection, with backoff between them
_BACKOFF: Final = 0.2  # seconds before the second attempt; doubled for each one after
_USER_AGENT: Final = "dfix (digest pinning)"


@dataclass(frozen=True, slots=True)
class Challenge:
    scheme: str  # "basic" or "bearer", lower case
    params: Mapping[str, str]


_PARAM: Final = re.compile(r'\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?')


def parse_challenge(header: str) -> Challenge | None:
    """``Bearer realm="https://auth.docker.io/token",service="registry.docker.io"`` → its parts."""
    scheme, _, rest = header.strip().partition(" ")
    if not scheme:
        return None
    params: dict[str, str] = {}
    for match in _PARAM.finditer(rest):
        quoted, bare = match.group(2), match.group(3)
        params[match.group(1).lower()] = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare
    return Challenge(scheme.lower(), params)


class Client:
    """One HTTP connection pool for a run, shared by the threads resolving its images.

    ``insecure`` hosts are asked over plain HTTP (a local or test registry); every other host
    over HTTPS with certificates verified.
    """

    def __init__(
        self,
        *,
        mirrors: Mapping[str, str] | None = None,
        insecure: frozenset[str] = frozenset(),
        timeout: float = 10.0,
    ) -> None:
        self._mirrors = dict(mirrors or {})
        self._insecure = insecure
        self._timeout = timeout
        self._http = httpx.Client(timeout=timeout, headers={"User-Agent": _USER_AGENT}, follow_redirects=True)
        self._lock = threading.Lock()
        self._challenges: dict[str, Challenge] = {}  # by API host
        self._tokens: dict[tuple[str, str], str] = {}  # by (API host, repository path)
        # Read once per run and host: a lookup may run a credential helper (a process each time).
        self._config: DockerConfig | None = None
        self._credentials_by_host: dict[str, Credentials | None] = {}
        self.requests = 0  # sent, for the closing figures and the tests

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def manifest(self, ref: TagRef) -> Manifest:
        """The manifest ``ref`` names now; raises ``RegistryError``."""
        host, url = self._url(ref, "manifests", ref.tag)
        response = self._authorized("HEAD", url, host, ref)
        digest = response.headers.get("Docker-Content-Digest")
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if digest is None:  # the spec says MUST; old registries do not, so hash what GET returns
            response = self._authorized("GET", url, host, ref)
            digest = "sha256:" + hashlib.sha256(response.content).hexdigest()
            media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if not DIGEST.fullmatch(digest):
            raise RegistryError(f"{host} answered a digest dfix does not pin: {digest[:80]!r}")
        return Manifest(digest, media_type)

    def document(self, ref: TagRef, kind: str, digest: str) -> tuple[str, bytes]:
        """A manifest (``kind`` "manifests") or blob ("blobs") by digest: its media type and
        bytes, checked against the digest. GET: it counts as a pull on Docker Hub, so only a
        refresh of a per-platform pin asks for these."""
        host, url = self._url(ref, kind, digest)
        response = self._authorized("GET", url, host, ref)
        if "sha256:" + hashlib.sha256(response.content).hexdigest() != digest:
            raise RegistryError(f"{host} answered {kind} that do not match {digest[:19]}…")
        return response.headers.get("Content-Type", "").split(";")[0].strip(), response.content

    # --- requests, authentication, retries -------------------------------------------------

    def _url(self, ref: TagRef, kind: str, reference: str) -> tuple[str, str]:
        host = api_host(ref.repository.registry, self._mirrors)
        scheme = "http" if host in self._insecure else "https"
        return host, f"{scheme}://{host}/v2/{ref.repository.path}/{kind}/{reference}"

    def _authorized(self, method: str, url: str, host: str, ref: TagRef) -> httpx.Response:
        path = ref.repository.path
        response = self._send(method, url, self._auth_header(host, path))
        if response.status_code == 401:
            challenge = parse_challenge(response.headers.get("WWW-Authenticate", ""))
            if challenge is None:
                raise RegistryError(
                    f"{host} asks for authentication without saying how (no WWW-Authenticate)"
                )
            with self._lock:
                self._challenges[host] = challenge
                self._tokens.pop((host, path), None)
            response = self._send(method, url, self._auth_header(host, path, ref))
            if response.status_code == 401:
                raise RegistryError(self._denied(host, ref))
        return self._checked(response, host, ref)

    def _auth_header(self, host: str, path: str, ref: TagRef | None = None) -> dict[str, str]:
        """The Authorization header for ``host``'s remembered challenge (none before the first)."""
        with self._lock:
            challenge = self._challenges.get(host)
            token = self._tokens.get((host, path))
        if challenge is None:
            return {}
        if challenge.scheme == "basic":
            credentials = self._credentials(host)
            if credentials is None:
                return {}
            return {"Authorization": _basic(credentials)}
        if challenge.scheme != "bearer":
            raise RegistryError(
                f"{host} asks for {challenge.scheme} authentication, which dfix does not speak"
            )
        if token is None:
            token = self._token(host, [path], challenge)
            with self._lock:
                self._tokens[(host, path)] = token
        return {"Authorization": f"Bearer {token}"}

    def prefetch_tokens(self, refs: Sequence[TagRef]) -> None:
        """One token for every repository of ``refs`` on a host known to want Bearer tokens, in
        one request with a scope per repository (the token spec allows several), instead of one
        per repository. A failure costs nothing: each repository then asks for its own."""
        by_host: dict[str, set[str]] = {}
        for ref in refs:
            host = api_host(ref.repository.registry, self._mirrors)
            by_host.setdefault(host, set()).add(ref.repository.path)
        for host, paths in by_host.items():
            with self._lock:
                challenge = self._challenges.get(host)
                missing = sorted(path for path in paths if (host, path) not in self._tokens)
            if challenge is None or challenge.scheme != "bearer" or len(missing) < 2:
                continue
            try:
                token = self._token(host, missing, challenge)
            except RegistryError:
                continue
            with self._lock:
                self._tokens.update(dict.fromkeys(((host, path) for path in missing), token))

    def _token(self, host: str, paths: Sequence[str], challenge: Challenge) -> str:
        realm = challenge.params.get("realm")
        if not realm:
            raise RegistryError(f"{host} asks for a token without saying where to get one (no realm)")
        params: list[tuple[str, str | int | float | bool | None]] = [
            ("scope", f"repository:{path}:pull") for path in paths
        ]
        if "service" in challenge.params:
            params.insert(0, ("service", challenge.params["service"]))
        credentials = self._credentials(host)
        auth = None if credentials is None else httpx.BasicAuth(credentials.username, credentials.secret)
        response = self._send("GET", realm, {}, params=params, auth=auth)
        if response.status_code == 401:
            raise RegistryError(f"the token service of {host} refused the stored credentials")
        if response.status_code != 200:
            raise RegistryError(f"the token service of {host} answered {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            raise RegistryError(f"the token service of {host} answered no JSON") from None
        token = answer.get("token") or answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise RegistryError(f"the token service of {host} answered no token")
        return token

    def _credentials(self, host: str) -> Credentials | None:
        """The stored credentials for the API host ``host``: its own, else those of the registry
        it serves (a mirror's, Docker Hub's under ``docker.io``)."""
        with self._lock:
            if host in self._credentials_by_host:
                return self._credentials_by_host[host]
            registry = next((r for r, mirror in self._mirrors.items() if mirror == host), host)
            if registry == DOCKER_HUB_API:
                registry = DOCKER_HUB
            try:
                if self._config is None:
                    self._config = DockerConfig.load()
                found = self._config.credentials(host) or self._config.credentials(registry)
            except CredentialsError as error:
                raise RegistryError(str(error)) from None
            self._credentials_by_host[host] = found
            return found

    def _send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        *,
        params: list[tuple[str, str | int | float | bool | None]] | None = None,
        auth: httpx.Auth | None = None,
    ) -> httpx.Response:
        """One request, retried with backoff on a 5xx or a failed connection."""
        request_headers = {"Accept": ACCEPT, **headers}
        for attempt in range(_RETRIES):
            if attempt:
                time.sleep(_BACKOFF * 2 ** (attempt - 1))
            with self._lock:
                self.requests += 1
            try:
                response = self._http.request(method, url, headers=request_headers, params=params, auth=auth)
            except httpx.TimeoutException:
                # not retried: a registry that hangs once hangs again, and an editor waits for it
                raise RegistryError(f"{_netloc(url)} timed out (after {self._timeout:g} s)") from None
            except httpx.TransportError as error:
                failure = _connection_failure(error)
                continue
            if response.status_code < 500:
                return response
            failure = f"answered {response.status_code}"
        raise RegistryError(f"{_netloc(url)} {failure} ({_RETRIES} attempts)")

    def _checked(self, response: httpx.Response, host: str, ref: TagRef) -> httpx.Response:
        status = response.status_code
        if status == 200:
            return response
        if status == 404:
            raise RegistryError(f"{ref} is not on {host} (no such repository or tag)")
        if status == 429:
            hub = (
                "; Docker Hub allows 100 anonymous pulls per 6 hours (a HEAD does not count, but it is "
                "refused once the limit is reached)"
                if host == DOCKER_HUB_API
                else ""
            )
            raise RegistryError(
                f"{host} is rate limiting this client (429 Too Many Requests){hub}: wait, or "
                "`docker login` to raise the limit"
            )
        if status == 403:
            raise RegistryError(self._denied(host, ref))
        raise RegistryError(f"{host} answered {status} for {ref}")

    def _denied(self, host: str, ref: TagRef) -> str:
        if self._credentials(host) is None:
            login = f"`docker login {ref.repository.registry}`"
            return f"{host} needs credentials for {ref.repository.path}: {login}"
        return f"{host} refused the stored credentials for {ref.repository.path}"


def _netloc(url: str) -> str:
    return httpx.URL(url).netloc.decode("ascii")


def _basic(credentials: Credentials) -> str:
    pair = f"{credentials.username}:{credentials.secret}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _connection_failure(error: httpx.TransportError) -> str:
    if "CERTIFICATE_VERIFY_FAILED" in str(error):
        return "has a TLS certificate that does not verify (a local registry: --insecure-registry HOST)"
    if isinstance(error, httpx.ConnectError):
        return "could not be reached"
    return f"failed ({type(error).__name__})"
