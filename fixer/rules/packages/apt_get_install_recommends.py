"""DF104 apt-get-install-recommends: ``apt-get install`` that also installs recommended packages."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from fixer.diagnostic import Applicability, Fix, ImageChanges, PackageChanges
from fixer.rules._base import Context, FixAvailability, FixSafety, Located, Rule, Violation
from fixer.rules._run import Run, beneath, runs, runs_above, sees_triggers
from fixer.rules.packages._cleanup import environment

if TYPE_CHECKING:
    from fixer.shell import Command, PackageInvocation, Word

OPT_OUT = "--no-install-recommends"
CA_CERTIFICATES = "ca-certificates"
# Flags people write first (`install -y --no-install-recommends`): the new one goes after them.
LEADING = frozenset({"-y", "--yes", "--assume-yes", "-q", "-qq", "-qy", "-yq", "--quiet"})

# Debian/Ubuntu packages that bring ca-certificates only as a recommendation, and use TLS:
# without their recommends an image has no CA bundle and every HTTPS connection fails at run
# time. Checked with `apt-cache show` on Debian 12: wget, wget2, git, aria2, w3m, links,
# python3-urllib3, python3.N and libcurl4 / libcurl3-gnutls / libcurl3-nss recommend it (curl
# and the libcurl -dev packages through those libraries, git-lfs through git; Ubuntu 24.04's
# t64 libraries keep the relation). Not listed: packages that depend on it (python3-requests,
# python3-pip, nodejs, npm, libwww-perl: installed either way) and openssl, which only suggests
# it (never installed with or without recommends).
TLS_PACKAGES: Final = frozenset(
    {
        "curl", "wget", "wget2", "git", "git-lfs", "aria2", "w3m", "links", "python3",
        "python3-urllib3", "libcurl4", "libcurl4t64", "libcurl3-gnutls", "libcurl3t64-gnutls",
        "libcurl3-nss", "libcurl4-openssl-dev", "libcurl4-gnutls-dev", "libcurl4-nss-dev",
    }
)  # fmt: skip
# Programs whose use in a later RUN means the build (or the image) speaks TLS.
TLS_PROGRAMS: Final = frozenset({"curl", "wget", "wget2", "git"})
HTTPS: Final = "https://"


class AptGetInstallRecommends(Rule):
    """## What it does
    Finds ``apt-get install`` without ``--no-install-recommends``.

    ## Why is this bad?
    apt installs every "recommended" package too: often hundreds of megabytes of documentation,
    X11 libraries and tools the image never runs, each one more thing to patch.

    ## Example
    ```dockerfile
    RUN apt-get install -y curl
    ```

    Use instead:
    ```dockerfile
    RUN apt-get install -y --no-install-recommends ca-certificates curl
    ```

    ## Fix safety
    Unsafe: it may change the image by dropping packages that were only recommended. That is
    the hardening, but a recommended package may be one the image needs at run time; the build
    still passes and the container fails. The classic case, TLS certificates, is kept: the fix
    also installs ``ca-certificates`` (in the same ``apt-get install``, and says so) when the
    install has a TLS client that only recommends it (curl, wget, git, python3 … — a table
    checked against Debian 12's packages), or when a later command of the stage (or of a stage
    built on it) uses an ``https://`` URL or runs curl, wget or git — unless ``ca-certificates``
    is installed explicitly before, or an earlier install keeps bringing it. Then the image
    may gain ``ca-certificates`` where its base image did not have it and nothing recommended
    it. Other run-time needs that came as recommendations (``less``, ``patch``, locales, a
    ``ssh-client`` for git over SSH …) may still be dropped.

    ## References
    - hadolint DL3015, Trivy DS-0029
    """

    code = "DF104"
    name = "apt-get-install-recommends"
    summary = "`apt-get install` without `--no-install-recommends`"
    fix_title = "Add `--no-install-recommends`"
    fix_availability = FixAvailability.ALWAYS
    fix_safety = FixSafety.UNSAFE
    aliases = ("DL3015", "DS-0029")
    image_changes = ImageChanges(packages=PackageChanges.RECOMMENDED)

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        installs = [
            _Install.of(ctx, run, call) for run in runs(ctx, triggers=True) for call in _installs(run)
        ]
        for index, install in enumerate(installs):
            call, run = install.call, install.run
            word = call.subcommand_word
            if call.manager != "apt-get" or word is None or not install.recommends:
                continue
            words = call.command.words
            at = words.index(word)
            while at + 1 < len(words) and words[at + 1].text in LEADING:
                at += 1
            title, added, changes = self.fix_title or "", f" {OPT_OUT}", self.image_changes
            reason = _needs_certificates(ctx, install, installs[:index])
            if reason is not None:
                title += f"; also installs `{CA_CERTIFICATES}`, which {reason}"
                added += _package_line(ctx, run, words[at], call) or f" {CA_CERTIFICATES}"
                changes = dataclasses.replace(changes, installs=(CA_CERTIFICATES,))
            edit = run.insert_after(words[at], added)
            fix = Fix(title, (edit,), Applicability.UNSAFE, changes)
            start = run.span(words[0])[0]
            yield self.violation(start, run.after(word), f"`apt-get install` without `{OPT_OUT}`", fix)


@dataclass(frozen=True, slots=True)
class _Install:
    """One ``apt-get install`` / ``apt install``: the packages it names (variables resolved
    where the Dockerfile or the script sets them) and whether it installs recommends."""

    run: Run
    call: PackageInvocation
    packages: tuple[str, ...]
    recommends: bool

    @classmethod
    def of(cls, ctx: Context, run: Run, call: PackageInvocation) -> _Install:
        variables = {**environment(ctx, run), **run.script.script.variables()}
        packages = tuple(name for word in call.packages for name in _package_names(word, variables))
        # `-o APT::Install-Recommends=…` or `--install-recommends` decides it explicitly.
        explicit = call.has_option("--install-recommends") or any(
            "Install-Recommends" in option.text for option in call.options
        )
        return cls(run, call, packages, not call.has_option(OPT_OUT) and not explicit)

    @property
    def tls_client(self) -> str | None:
        return next((name for name in self.packages if _is_tls_package(name)), None)


def _package_line(ctx: Context, run: Run, last_option: Word, call: PackageInvocation) -> str | None:
    """``ca-certificates`` on a line of its own, when the packages are one per line below the
    options (``install -y \\`` then ``    curl \\``): the continuation, then the packages'
    indentation. None when the options and the first package share a line."""
    if not call.packages:
        return None
    text = ctx.text
    after, first = run.after(last_option), run.offset(call.packages[0].start)
    line_end = text.find("\n", after)
    escape = "\\" if run.script.source == "heredoc" else run.located.node.escape
    rest = text[after:line_end] if line_end >= 0 else ""
    if line_end < 0 or line_end > first or rest.strip(" \t\r") != escape:
        return None
    indent = text[text.rfind("\n", 0, first) + 1 : first]
    if indent.strip(" \t"):
        return None  # the first package is not the first word of its line
    newline = "\r\n" if rest.endswith("\r") else "\n"
    return f" {escape}{newline}{indent}{CA_CERTIFICATES}"


def _installs(run: Run) -> Iterator[PackageInvocation]:
    for call in run.script.script.invocations("apt-get", "apt"):
        if call.subcommand == "install":
            yield call


def _package_names(word: Word, variables: Mapping[str, str]) -> list[str]:
    """The package names a word of ``apt-get install`` gives: ``curl=7.88*``, ``curl:amd64`` and
    ``curl/bookworm-backports`` are ``curl``; ``$PACKAGES`` is split when its value is known."""
    if word.value is not None:
        texts = [word.value]
    else:
        name = word.raw.strip('"').removeprefix("$").removeprefix("{").removesuffix("}")
        texts = variables.get(name, "").split() if name.isidentifier() else []
    names = []
    for text in texts:
        if text.startswith(("-", ".", "/")) or text.endswith(".deb"):
            continue  # an option, or a local package file
        for separator in ("=", ":", "/"):
            text = text.partition(separator)[0]
        names.append(text)
    return names


def _is_tls_package(name: str) -> bool:
    """In the table, or a versioned Python (``python3.11``), which recommends ca-certificates."""
    version = name.removeprefix("python3.")
    return name in TLS_PACKAGES or (version != name and version.isdigit())


def _needs_certificates(ctx: Context, install: _Install, earlier: list[_Install]) -> str | None:
    """Why this install must name ``ca-certificates`` once it stops installing recommends, or
    None: what needs TLS, unless the certificates are there anyway (named by this install or an
    earlier one of the stage, or recommended by an earlier install that keeps recommends on —
    whose own fix names them in turn)."""
    if CA_CERTIFICATES in install.packages:
        return None
    for other in earlier:
        if not beneath(ctx, other.run, install.run):
            continue
        if CA_CERTIFICATES in other.packages or (other.recommends and other.tls_client is not None):
            return None
    client = install.tls_client
    if client is not None:
        return f"{client} needs for HTTPS"
    for command in _later_commands(ctx, install):
        if command.program in TLS_PROGRAMS:
            return f"{command.program} needs for HTTPS"
        if any(HTTPS in word.text for word in (*command.assignment_words, *command.words)):
            return f"the `{HTTPS}` URLs used after it need"
    for located in _later_exec_runs(ctx, install):
        values = located.node.buildkit.value
        program = values[0].rpartition("/")[2] if values else ""
        if program in TLS_PROGRAMS:
            return f"{program} needs for HTTPS"
        if any(HTTPS in value for value in values):
            return f"the `{HTTPS}` URLs used after it need"
    return None


def _later_commands(ctx: Context, install: _Install) -> Iterator[Command]:
    """The commands that run after the install: the rest of its script, then the analysed RUNs
    on top of its layer (of its stage and of the stages built on it, and the triggers)."""
    for command in install.run.script.script.commands:
        if command.start > install.call.command.start:
            yield command
    for _, analysed in runs_above(ctx, install.run):
        for run in analysed:
            yield from run.script.script.commands


def _later_exec_runs(ctx: Context, install: _Install) -> Iterator[Located]:
    """Later exec-form RUNs (``RUN ["curl", …]``) on top of the install's layer."""
    for located, _ in runs_above(ctx, install.run):
        if located.node.buildkit.json:
            yield located
