"""DF604 package-verification-disabled: a package manager told to install unsigned packages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from fixer.rules._base import Context, Rule, Violation
from fixer.rules._run import sees_triggers
from fixer.rules.exposure._settings import CommandLine, command_lines

# Per package manager, the options that skip its signature (or digest) checks.
_OPTIONS: Final = {
    "apk": frozenset({"--allow-untrusted"}),
    "apt-get": frozenset({"--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories"}),
    "apt": frozenset({"--allow-unauthenticated", "--allow-insecure-repositories"}),
    "yum": frozenset({"--nogpgcheck"}),
    "dnf": frozenset({"--nogpgcheck"}),
    "tdnf": frozenset({"--nogpgcheck"}),
    "microdnf": frozenset({"--nogpgcheck"}),
    "rpm": frozenset({"--nosignature", "--nodigest", "--noverify", "--nofiledigest"}),
    "zypper": frozenset({"--no-gpg-checks"}),
}
# `-o APT::Get::AllowUnauthenticated=true`, `--setopt=gpgcheck=0` (also per repository).
_APT_OPTION: Final = re.compile(r"(?i)APT::Get::AllowUnauthenticated=(?:1|true|yes)")
_GPGCHECK_OFF: Final = re.compile(r"(?i)--setopt=(?:[^=\s]*\.)?(?:gpgcheck|repo_gpgcheck)=(?:0|false|no|off)")


class PackageVerificationDisabled(Rule):
    """## What it does
    Finds package managers told to skip signature checks: `apk --allow-untrusted`,
    `apt-get --allow-unauthenticated`, `--force-yes` and `--allow-insecure-repositories`
    (and `-o APT::Get::AllowUnauthenticated=true`), `yum`/`dnf`/`microdnf`/`tdnf
    --nogpgcheck` (and `--setopt=gpgcheck=0`), `rpm --nosignature`, `--nodigest`,
    `--noverify`, `--nofiledigest`, and `zypper --no-gpg-checks`. Wrappers (`sudo`, `env`)
    are seen through; the option in a quoted word or another command's arguments is not.

    ## Why is this bad?
    A signature is what ties a package to its distribution: without the check, a mirror, a
    proxy or anyone on the network path can hand the build another package, which then runs
    its install scripts as root. apt's `--force-yes` also lets it downgrade packages and
    remove essential ones without a word.

    ## Example
    ```dockerfile
    RUN apt-get install -y --allow-unauthenticated curl
    ```

    Use instead:
    ```dockerfile
    RUN apt-get install -y curl
    ```
    For a third-party repository, install its signing key (`/etc/apt/keyrings/…` with
    `signed-by=`, `rpm --import`, `/etc/apk/keys/`) rather than turning checks off.

    ## Fix safety
    No fix: a package that is unsigned, or signed by a key the image does not have, stops
    installing, and only the user knows which key it needs.

    ## References
    - Checkov CKV2_DOCKER_7 (apk), CKV2_DOCKER_8 and CKV2_DOCKER_11 (apt-get),
      CKV2_DOCKER_9 (yum/dnf), CKV2_DOCKER_10 (rpm)
    """

    code = "DF604"
    name = "package-verification-disabled"
    summary = "Package signature checks turned off"
    aliases = tuple(f"CKV2_DOCKER_{n}" for n in (7, 8, 9, 10, 11))

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for line in command_lines(ctx):
            found = _unverified(line)
            if found:
                start, end = line.span
                options = ", ".join(f"`{option}`" for option in found)
                message = f"{options}: {line.program} installs packages without checking their signatures"
                yield self.violation(start, end, message)


def _unverified(line: CommandLine) -> list[str]:
    """The options of ``line`` that skip signature checks, in order, once each."""
    known = _OPTIONS.get(line.program)
    if known is None:
        return []
    found = [arg for arg in line.args if arg in known]
    if line.program in ("apt-get", "apt"):
        found += [arg for arg in line.args if _APT_OPTION.fullmatch(arg)]
    else:
        found += [arg for arg in line.args if _GPGCHECK_OFF.fullmatch(arg)]
    return list(dict.fromkeys(found))
