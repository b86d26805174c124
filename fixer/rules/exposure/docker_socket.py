"""DF606 docker-socket: the Docker daemon's socket as a VOLUME, or named where the image runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from fixer.rules._base import Context, Rule, Violation

_SOCKETS: Final = ("/var/run/docker.sock", "/run/docker.sock")


class DockerSocket(Rule):
    """## What it does
    Finds the Docker daemon's socket (`/var/run/docker.sock`, `/run/docker.sock`) declared
    as a `VOLUME`, or named in an `ENV` (`DOCKER_HOST=unix:///var/run/docker.sock`) or the
    `CMD`/`ENTRYPOINT`.

    ## Why is this bad?
    Whoever talks to that socket is root on the host: it can start a privileged container
    that mounts the host's `/`. An image that expects it asks every user to hand that over,
    and a `VOLUME` there makes an empty directory, not a socket, where the daemon is absent.

    ## Example
    ```dockerfile
    VOLUME /var/run/docker.sock
    ```

    Use instead: a rootless daemon, a socket proxy that allows only the calls needed
    (read-only `containers/json`), or a builder (BuildKit, buildah, kaniko) that needs no daemon.

    ## Fix safety
    No fix: the app may need the daemon; only its owner can choose a narrower way.

    ## References
    - CIS Docker Benchmark 5.31; OWASP Docker Security Cheat Sheet rule 1
    """

    code = "DF606"
    name = "docker-socket"
    summary = "The Docker daemon's socket used by the image"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for located in ctx.instructions:
            node = located.node.buildkit
            keyword = node.cmd.upper()
            if keyword not in ("VOLUME", "ENV", "CMD", "ENTRYPOINT"):
                continue
            if any(socket in word for word in node.value for socket in _SOCKETS):
                what = "a VOLUME" if keyword == "VOLUME" else f"the `{keyword}`"
                message = f"the Docker socket in {what}: whoever reaches it is root on the host"
                yield self.violation(located.keyword_start, located.content_end, message)
