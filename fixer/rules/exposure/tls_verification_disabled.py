"""DF603 tls-verification-disabled: a download or a tool told to accept any TLS certificate."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Final

from fixer.rules._base import Context, Rule, Violation
from fixer.rules._run import runs, sees_triggers
from fixer.rules.exposure._settings import CommandLine, assignments, command_lines, short_flags

# Variables that turn certificate checks off, and the values that do (any value, for git).
_FALSE: Final = frozenset({"0", "false", "no", "off"})
_VARIABLES: Final[dict[str, tuple[Callable[[str], bool], str]]] = {
    "GIT_SSL_NO_VERIFY": (lambda value: True, "git accepts any certificate (whatever its value)"),
    "NODE_TLS_REJECT_UNAUTHORIZED": (lambda value: value == "0", "Node.js accepts any certificate"),
    "NPM_CONFIG_STRICT_SSL": (lambda value: value.lower() == "false", "npm accepts any certificate"),
    "PIP_TRUSTED_HOST": (lambda value: bool(value.strip()), "pip accepts any certificate from these hosts"),
    "PYTHONHTTPSVERIFY": (lambda value: value == "0", "Python's urllib accepts any certificate"),
}
# curl's short options that take a value (curl(1)): a `k` after one of them is its value.
_CURL_VALUED: Final = "AbcCdDeEFHKmoPQrtTuUwxXyYz"
_CURL_INSECURE: Final = frozenset({"--insecure", "--proxy-insecure", "--doh-insecure"})
_PIP_TRUSTED_HOST: Final = "`pip --trusted-host`: pip accepts any certificate from that host"
_NODE_TOOLS: Final = frozenset({"npm", "yarn", "pnpm"})
_CONFIG_MANAGERS: Final = frozenset({"yum-config-manager", "dnf-config-manager"})
_SSLVERIFY_OFF: Final = re.compile(r"(?i)--setopt=(?:[^=\s]*\.)?sslverify=(?:0|false|no|off)")


class TlsVerificationDisabled(Rule):
    """## What it does
    Finds TLS certificate checks turned off: `curl -k`/`--insecure`, `wget
    --no-check-certificate`, `apk --no-check-certificate`, `pip --trusted-host`, `npm`/`yarn
    config set strict-ssl false`, `git config http.sslVerify false` and `git -c
    http.sslVerify=false`, `sslverify=0` set through yum's or dnf's config-manager, and the
    variables that do the same (`GIT_SSL_NO_VERIFY` with any value,
    `NODE_TLS_REJECT_UNAUTHORIZED=0`, `NPM_CONFIG_STRICT_SSL=false`, `PIP_TRUSTED_HOST`,
    `PYTHONHTTPSVERIFY=0`), in `ENV`, an `ARG`'s default, a RUN's `VAR=value` prefix or its
    `export`. Wrappers (`sudo`, `env`) are seen through; words in quotes or after `grep` are
    not commands and are left alone.

    ## Why is this bad?
    Without the certificate check, anyone on the network path (a proxy, a compromised
    mirror, a hostile Wi-Fi) can serve the build other code than the one asked for, and the
    build installs it. An `ENV` setting also stays in the image: the app then accepts any
    certificate at run time too.

    ## Example
    ```dockerfile
    RUN curl -fsSLk https://example.com/install.tar.gz | tar -xz
    ```

    Use instead:
    ```dockerfile
    RUN curl -fsSL https://example.com/install.tar.gz | tar -xz
    ```
    When the checks fail because of a company proxy's certificate, add that CA to the image
    (`COPY corp-ca.crt /usr/local/share/ca-certificates/` and `update-ca-certificates`) or
    give it to the tool (`curl --cacert`, `PIP_CERT`, `NODE_EXTRA_CA_CERTS`,
    `npm config set cafile`).

    ## Fix safety
    No fix: a build that only works without the check stops working with it, and only the
    user knows the certificate it needs.

    ## References
    - Checkov CKV2_DOCKER_2 (curl), CKV2_DOCKER_3 (wget), CKV2_DOCKER_4 and CKV2_DOCKER_16
      (pip), CKV2_DOCKER_5 (PYTHONHTTPSVERIFY), CKV2_DOCKER_6 (Node.js), CKV2_DOCKER_12 and
      CKV2_DOCKER_13 (npm), CKV2_DOCKER_14 (git), CKV2_DOCKER_15 (yum/dnf sslverify)
    """

    code = "DF603"
    name = "tls-verification-disabled"
    summary = "TLS certificate checks turned off"
    aliases = tuple(f"CKV2_DOCKER_{n}" for n in (2, 3, 4, 5, 6, 12, 13, 14, 15, 16))

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for assignment in assignments(ctx):
            known = _VARIABLES.get(_variable_key(assignment.name))
            if known is not None and known[0](assignment.value):
                message = f"`{assignment.name}={assignment.value}`: {known[1]}"
                yield self.violation(assignment.start, assignment.end, message)
        for line in command_lines(ctx):
            what = _insecure(line)
            if what is not None:
                start, end = line.span
                yield self.violation(start, end, what)
        for run in runs(ctx, triggers=True):  # pip, pip3, python -m pip: as the package rules read them
            for call in run.script.script.invocations("pip"):
                if call.has_option("--trusted-host"):
                    start, end = run.span(call.command.words[0])
                    yield self.violation(start, end, _PIP_TRUSTED_HOST)


def _variable_key(name: str) -> str:
    """npm reads its ``npm_config_*`` variables in any case; other names are case-sensitive."""
    return name.upper() if name.lower().startswith("npm_config_") else name


def _insecure(line: CommandLine) -> str | None:
    """What in ``line`` turns certificate checks off, as a message; None when nothing does."""
    program, args = line.program, line.args
    if program == "curl":
        if "k" in short_flags(args, _CURL_VALUED) or _CURL_INSECURE & set(args):
            return "`curl -k`/`--insecure`: curl accepts any certificate"
    elif program == "wget" and "--no-check-certificate" in args:
        return "`wget --no-check-certificate`: wget accepts any certificate"
    elif program == "apk" and "--no-check-certificate" in args:
        return "`apk --no-check-certificate`: apk accepts any certificate from its repositories"
    elif program in _NODE_TOOLS and _strict_ssl_off(args):
        return f"`{program} config set strict-ssl false`: {program} accepts any certificate"
    elif program == "git" and _git_ssl_verify_off(args):
        return "`http.sslVerify false`: git accepts any certificate"
    elif _is_config_manager(program, args) and any(_SSLVERIFY_OFF.fullmatch(a) for a in args):
        return "`--setopt=sslverify=0`: the package manager accepts any certificate from its repositories"
    return None


def _strict_ssl_off(args: tuple[str, ...]) -> bool:
    """``config set strict-ssl false`` (also ``c set``, ``set``, ``strict-ssl=false``), or the
    option on any command (``--strict-ssl=false``, ``--no-strict-ssl``)."""
    if "--no-strict-ssl" in args or "--strict-ssl=false" in args:
        return True
    words = [a for a in args if not a.startswith("-")]
    if words[:1] in (["config"], ["c"]):
        words = words[1:]
    if words[:1] != ["set"]:
        return False
    setting = words[1:]
    if len(setting) == 1:
        setting = setting[0].split("=", 1)
    return len(setting) >= 2 and setting[0] == "strict-ssl" and setting[1].lower() == "false"


def _git_ssl_verify_off(args: tuple[str, ...]) -> bool:
    """``git -c http.sslVerify=false …`` or ``git config [--global] http[.<url>].sslVerify false``."""
    for index, arg in enumerate(args):
        if arg == "-c" and index + 1 < len(args):
            key, _, value = args[index + 1].partition("=")
            if _is_ssl_verify(key) and value.lower() in _FALSE:
                return True
    words = [a for a in args if not a.startswith("-")]
    if "config" not in words:
        return False
    rest = words[words.index("config") + 1 :]
    return len(rest) >= 2 and _is_ssl_verify(rest[0]) and rest[1].lower() in _FALSE


def _is_ssl_verify(key: str) -> bool:
    parts = key.lower().split(".")
    return len(parts) >= 2 and parts[0] == "http" and parts[-1] == "sslverify"


def _is_config_manager(program: str, args: tuple[str, ...]) -> bool:
    return program in _CONFIG_MANAGERS or (program in ("yum", "dnf") and "config-manager" in args)
