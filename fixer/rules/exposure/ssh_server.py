"""DF605 ssh-server: an SSH server in the image: port 22 exposed, openssh-server installed, sshd started."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Final

from fixer.rules._base import Context, Rule, Violation
from fixer.rules._run import runs, sees_triggers

_SERVER_PACKAGES: Final = frozenset({"openssh-server", "openssh", "dropbear", "ssh"})
_INSTALL: Final = frozenset({"install", "add", "in"})
_SSH_PORTS: Final = frozenset({"22", "22/tcp"})
_MANAGERS: Final = frozenset({"apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper", "tdnf"})


class SshServer(Rule):
    """## What it does
    Finds an SSH server in an image: `EXPOSE 22`, a package manager installing
    `openssh-server` (`openssh` on Alpine, `dropbear`), and `sshd` run by a RUN, `CMD` or
    `ENTRYPOINT`.

    ## Why is this bad?
    A container runs one service; a shell into it is `docker exec` (or `kubectl exec`),
    which needs no daemon, no keys and no password inside the image. An SSH server adds a
    network-facing root daemon, host keys baked into every copy of the image (the same on
    all of them), and usually an account with a password or an `authorized_keys` file.

    ## Example
    ```dockerfile
    RUN apt-get install -y openssh-server
    EXPOSE 22
    CMD ["/usr/sbin/sshd", "-D"]
    ```

    Use instead: no SSH server; `docker exec -it <container> sh` to get a shell.

    ## Fix safety
    No fix: what the image is for may be SSH itself (a bastion, a git server).

    ## References
    - Checkov CKV_DOCKER_1; CIS Docker Benchmark 5.7
    """

    code = "DF605"
    name = "ssh-server"
    summary = "An SSH server in the image"
    aliases = ("CKV_DOCKER_1",)

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for located in ctx.instructions:
            node = located.node.buildkit
            keyword = node.cmd.upper()
            if keyword == "EXPOSE" and _SSH_PORTS & {port.lower() for port in node.value}:
                yield self.violation(
                    located.keyword_start, located.content_end, "`EXPOSE 22`: the image offers SSH"
                )
            elif _starts_sshd(keyword, node.json, node.value):
                message = f"`{keyword}` starts sshd: the container runs an SSH server"
                yield self.violation(located.keyword_start, located.content_end, message)
        for run in runs(ctx, triggers=True):
            script = run.script.script
            for command in script.commands:
                if command.unwrapped_program() == "sshd":
                    start, end = run.span(command.words[0])
                    message = "`sshd` in a RUN: the image is set up to run an SSH server"
                    yield self.violation(start, end, message)
            for call in script.invocations(*_MANAGERS):
                installed = _SERVER_PACKAGES & {word.text for word in call.packages}
                if call.subcommand in _INSTALL and installed:
                    start, end = run.span(call.command.words[0])
                    names = ", ".join(sorted(installed))
                    yield self.violation(start, end, f"installs {names}: the image carries an SSH server")


def _starts_sshd(keyword: str, json: bool, value: tuple[str, ...]) -> bool:
    """Whether an exec-form CMD/ENTRYPOINT runs sshd (a shell form runs a script)."""
    return (
        keyword in ("CMD", "ENTRYPOINT") and json and bool(value) and posixpath.basename(value[0]) == "sshd"
    )
