"""A real reverse proxy in front of a test registry, misbehaving on demand.

``RegistryProxy(registry.host, strip_digest=True)`` listens on a free loopback port, in a
thread, and forwards every request (method, path and query, headers including ``Authorization``
and ``Accept``, body) to the registry with httpx, answering what the registry answered, except
for the faults the test sets:

- ``strip_digest``: ``Docker-Content-Digest`` is dropped from manifest answers (an old registry);
- ``fail_first``: the first N requests are answered 503 without asking the registry;
- ``status_for``: a request whose path contains a key is answered that status (429: rate limited);
- ``delay``: seconds to wait before answering (a slow registry, for timeouts).

Every request is logged in ``seen`` as (method, path), faults included, and the scheme of its
``Authorization`` header (never the value) in ``auth_schemes``. The registry's answers need no
URL rewriting for what dfix asks (manifests by tag carry no absolute URL, and a token realm names
the issuer itself); pushes go to the registry directly, so request bodies are only read by
``Content-Length``.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import httpx

# RFC 9110 §7.6.1 hop-by-hop headers, plus those the proxy sets itself.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
    }
)
_REASONS = {429: "Too Many Requests", 502: "Bad Gateway", 503: "Service Unavailable"}


class RegistryProxy:
    """A context manager: started on enter, stopped (and its upstream client closed) on exit."""

    def __init__(
        self,
        target: str,
        *,
        strip_digest: bool = False,
        fail_first: int = 0,
        status_for: Mapping[str, int] | None = None,
        delay: float = 0.0,
    ) -> None:
        self.target = target  # the registry's host:port, asked over plain HTTP
        self.strip_digest = strip_digest
        self.fail_first = fail_first
        self.status_for = dict(status_for or {})
        self.delay = delay
        self.seen: list[tuple[str, str]] = []
        self.auth_schemes: list[str | None] = []  # "basic", "bearer" or None, per request
        self._lock = threading.Lock()
        self._failed = 0
        self._stopping = threading.Event()
        self._upstream = httpx.Client(timeout=10, follow_redirects=False)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="dfix-proxy", daemon=True
        )

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> RegistryProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        self._stopping.set()  # wakes the handlers waiting out a delay
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(10)
        self._server.server_close()
        self._upstream.close()

    def paths(self, method: str | None = None) -> list[str]:
        """The paths seen, in order; only those asked with ``method`` when given."""
        with self._lock:
            return [path for seen_method, path in self.seen if method in (None, seen_method)]

    # --- one request -------------------------------------------------------------------------

    def _fault(self, path: str) -> int | None:
        """The status the proxy answers itself for this request, if any (counted under the lock)."""
        with self._lock:
            if self._failed < self.fail_first:
                self._failed += 1
                return 503
        return next((status for part, status in self.status_for.items() if part in path), None)

    def _forward(
        self, method: str, path: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        request = self._upstream.build_request(
            method, f"http://{self.target}{path}", headers=headers, content=body or None
        )
        try:
            response = self._upstream.send(request, stream=True)
        except httpx.HTTPError as error:
            return _error(502, f"proxy: {self.target} failed: {type(error).__name__}")
        try:
            raw = b"".join(response.iter_raw())  # as sent: any Content-Encoding stays applied
        finally:
            response.close()
        answer = [(name, value) for name, value in response.headers.multi_items() if _end_to_end(name)]
        if self.strip_digest and "/manifests/" in path:
            answer = [(name, value) for name, value in answer if name.lower() != "docker-content-digest"]
        if method != "HEAD" and not any(name.lower() == "content-length" for name, _ in answer):
            answer.append(("Content-Length", str(len(raw))))  # it was chunked upstream
        return response.status_code, answer, raw

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a registry: every answer has a length
            timeout = 5  # an idle kept-alive connection is closed, so no handler outlives a test long

            def _serve(self) -> None:
                method, path = self.command, self.path
                authorization = self.headers.get("Authorization")
                with proxy._lock:
                    proxy.seen.append((method, path))
                    proxy.auth_schemes.append(authorization.split(" ")[0].lower() if authorization else None)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if proxy.delay and proxy._stopping.wait(proxy.delay):
                    self.close_connection = True
                    return
                fault = proxy._fault(path)
                if fault is not None:
                    status, headers, content = _error(fault, f"proxy: fault {fault} for {path}")
                else:
                    forwarded = [
                        (name, value)
                        for name, value in self.headers.items()
                        if _end_to_end(name) and name.lower() != "content-length"  # httpx sets it
                    ]
                    status, headers, content = proxy._forward(method, path, forwarded, body)
                with contextlib.suppress(ConnectionError):  # the client gave up (a timeout test)
                    self.send_response(status, _REASONS.get(status))
                    for name, value in headers:
                        self.send_header(name, value)
                    self.end_headers()
                    if method != "HEAD":  # HEAD: the headers of a GET (Content-Length too), no body
                        self.wfile.write(content)
                    self.wfile.flush()

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def handle(self) -> None:
                with contextlib.suppress(ConnectionError, TimeoutError):
                    super().handle()

            def log_message(self, format: str, *args: Any) -> None:
                """Silent: requests are in ``seen``, and nothing here may print a credential."""

        return Handler


def _end_to_end(name: str) -> bool:
    return name.lower() not in _HOP_BY_HOP


def _error(status: int, message: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """An answer in the distribution spec's error format."""
    code = {429: "TOOMANYREQUESTS", 503: "UNAVAILABLE"}.get(status, "UNKNOWN")
    body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    if status == 429:
        headers.append(("Retry-After", "60"))
    return status, headers, body
