"""DF501 packages-removed-in-later-run: build tools installed in one RUN and removed in a later one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from fixer.diagnostic import ImageChanges
from fixer.rules._base import Context, FixAvailability, FixSafety, Rule, Violation
from fixer.rules._run import Run, runs
from fixer.rules.layers._merge import merge_runs
from fixer.rules.packages._cleanup import environment

if TYPE_CHECKING:
    from fixer.shell import PackageInvocation, Script, Word

INSTALLS = {
    "apt-get": {"install"},
    "apt": {"install"},
    "apk": {"add"},
    "yum": {"install"},
    "dnf": {"install"},
    "microdnf": {"install"},
    "zypper": {"install", "in"},
}
REMOVES = {
    "apt-get": {"remove", "purge", "autoremove"},
    "apt": {"remove", "purge", "autoremove"},
    "apk": {"del"},
    "yum": {"remove", "erase"},
    "dnf": {"remove", "erase"},
    "microdnf": {"remove"},
    "zypper": {"remove", "rm"},
}


class PackagesRemovedInLaterRun(Rule):
    """## What it does
    Finds packages installed in one RUN and removed (``apt-get purge``, ``apk del``,
    ``yum remove`` …) in a later RUN of the same stage.

    ## Why is this bad?
    Every RUN is a layer, and a later layer can only hide files, never take them out of the
    image: the compilers installed, used and "removed" across three RUNs are all still shipped,
    with their vulnerabilities.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y gcc make
    COPY . /src
    RUN make -C /src install
    RUN apt-get purge -y gcc make
    ```

    Use instead:
    ```dockerfile
    COPY . /src
    RUN ( apt-get update && apt-get install -y gcc make ) \\
        && make -C /src install \\
        && apt-get purge -y gcc make
    ```

    ## Fix safety
    The RUNs from the install to the removal become one RUN, joined with ``&&`` and laid out
    as the file writes multi-line RUNs; comments above them move inside it. What the image
    holds in the end (its merged file system and config) stays the same; what changes is its
    layers: fewer of them, the build-only packages in none, and which layer holds what.

    Every script runs as it did in a fresh shell of its own. One that leaves shell state for
    the next (read off the shell's grammar: variables set by assignments, ``read``, ``for``,
    ``${X:=…}``, ``getopts``, arithmetic; functions, aliases, traps, options, positional
    parameters, the directory, ``umask``, ``ulimit``, descriptors, ``exit``; any builtin not
    known to leave the shell alone, ``eval``, ``.``), or one whose programs a later script
    would find where it found them (the shell remembers, and an install may put a program of
    the same name earlier on PATH: ``pip install -U pip``), runs in a subshell ``( … )``,
    where that dies; so does a script that is not a plain ``&&`` list, after the first.

    Safe when only RUNs and metadata (``LABEL``, ``EXPOSE``, ``CMD`` …) lie between. Unsafe
    when other instructions must move, since the layer cache then follows another order:
    ``WORKDIR``, ``COPY`` and ``ADD`` go above the merged RUN, and a script that ran before a
    WORKDIR and uses its directory gets ``mkdir -p <dir> && cd -P <dir> && unset OLDPWD``
    first in its subshell (a builder may make that directory only when a RUN starts there);
    ``ENV`` goes below it, and the scripts after it get ``export NAME=value``.

    No fix where a script could not keep its meaning: a WORKDIR with a script before it that
    ran in a directory no absolute WORKDIR names (the base image's is unknown), or when the
    RUNs may not run as root (``mkdir -p`` would not make the directory as the builder does);
    an ENV whose
    value reads a variable, or that sets one the shell manages (``IFS``, ``PWD``, ``BASH_ENV``
    …); an ``ARG`` (it sets the environment of every later RUN, to a value a build argument
    may change); a COPY or ADD whose destination an earlier script could read or write (it
    is not a known absolute path; an earlier script names it, a directory above it or a path
    below it, in its words or its environment (``ENV PREFIX=/app``), or an expansion nobody
    knows; an earlier script runs a program in it, above it, or in an unknown directory; an
    earlier script runs a package manager and the destination is under a system directory
    such as ``/usr``, ``/etc``, ``/opt``, ``/var``, ``/root``, for which files a package
    installs is unknown; ``--chown`` names a user, whom an earlier
    script may create). Nor across ``USER``, ``SHELL``, ``VOLUME``, a new stage or a
    suppression comment; when the RUN flags differ (``--mount``, ``--network``); when a RUN
    uses a heredoc or the exec form; under a SHELL that prepares every RUN (a login or
    interactive shell, a wrapper script, bash with ``BASH_ENV``: merged, that would happen
    once); when a script before the last starts a background job (``cmd &``: the build ends
    it with its RUN, merged it would run on), ends in a ``#`` comment, or a later one reads
    ``$_`` or ``$BASHPID``; or when ``set -e`` may be on and a script other than the last
    would become a command of the ``&&`` list that is no plain list (POSIX ignores ``-e``
    there, and the commands after a failure would run).

    ## References
    - hadolint DL3059 (consecutive RUNs)
    - https://docs.docker.com/build/building/best-practices/#minimize-the-number-of-layers
    """

    code = "DF501"
    name = "packages-removed-in-later-run"
    summary = "packages installed in one RUN are removed in a later one"
    fix_title = "Merge the RUNs from the install to the removal into one layer"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = FixSafety.VARIES
    aliases = ()
    # The layers change (fewer, the build-only packages in none); the merged file system does not.
    image_changes = ImageChanges(layers=True)

    def check(self, ctx: Context) -> Iterator[Violation]:
        all_runs = [run for run in runs(ctx) if run.script.source == "shell-form"]
        for index, removal in enumerate(all_runs):
            removed = _packages(ctx, removal, REMOVES)
            if not removed:
                continue
            for install in reversed(all_runs[:index]):
                if install.located.offset == removal.located.offset:
                    continue
                if ctx.model.stage_of(install.located.offset) is not ctx.model.stage_of(
                    removal.located.offset
                ):
                    break
                both = sorted(_packages(ctx, install, INSTALLS) & removed)
                if both:
                    yield self._report(ctx, install, removal, both)
                    break

    def _report(self, ctx: Context, install: Run, removal: Run, packages: list[str]) -> Violation:
        names = ", ".join(f"`{name}`" for name in packages[:4]) + (" …" if len(packages) > 4 else "")
        line = ctx.position(removal.located.offset)[0]
        message = f"{names} installed here are removed in a later RUN (line {line}): still in the image"
        fix = merge_runs(ctx, install.located, removal.located, self.fix_title or "")
        return self.violation(install.located.keyword_start, install.located.content_end, message, fix)


def _packages(ctx: Context, run: Run, table: dict[str, set[str]]) -> set[str]:
    """Package (or apk virtual) names the script installs or removes, variables resolved."""
    script = run.script.script
    found: set[str] = set()
    for call in script.invocations(*table):
        if call.subcommand not in table[call.manager]:
            continue
        found |= _names(ctx, run, script, call)
    return found


def _names(ctx: Context, run: Run, script: Script, call: PackageInvocation) -> set[str]:
    variables = {**environment(ctx, run), **script.variables()}
    names: set[str] = set()
    words = [*call.packages, *_virtual(call)]
    for word in words:
        for name in _expand(word.raw if word.value is None else word.value, variables, word.value is None):
            if name and not name.startswith("-"):
                names.add(_strip_version(name))
    return names


def _virtual(call: PackageInvocation) -> list[Word]:
    """``apk add --virtual .build-deps …`` names a group that ``apk del .build-deps`` removes."""
    options = list(call.options)
    return [options[i + 1] for i, word in enumerate(options[:-1]) if word.text in ("--virtual", "-t")]


def _expand(text: str, variables: dict[str, str], has_expansion: bool) -> list[str]:
    if not has_expansion:
        return [text]
    name = text.strip('"').removeprefix("$").strip("{}")
    value = variables.get(name)
    return value.split() if value is not None else []


def _strip_version(name: str) -> str:
    for separator in ("=", ">", "<", "~"):
        name = name.partition(separator)[0]
    return name
