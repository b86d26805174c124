"""DF501 packages-removed-in-later-run: build tools installed in one RUN and removed in a later one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._cleanup import environment
from fixer.rules._merge import merge_runs
from fixer.rules._run import Run, runs

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
    RUN apt-get update && apt-get install -y gcc make \\
        && make -C /src install \\
        && apt-get purge -y gcc make
    ```

    ## Fix safety
    The RUNs from the install to the removal become one RUN, joined with ``&&`` and laid out as
    the file writes multi-line RUNs; comments above them move inside it. A script that would
    leak shell state (``cd``, ``export``, ``set``, ``umask`` …) or ``exit`` into the next one, or
    that is not a plain ``&&`` list (``||``, ``;``) after the first, runs in a subshell
    ``( … )``, so each keeps its meaning. Safe when only such RUNs and metadata instructions
    (``LABEL``, ``EXPOSE``, ``CMD`` …) lie between. Unsafe when ``ENV``, ``ARG``, ``COPY``,
    ``ADD`` or ``WORKDIR`` lie between: they move above the merged RUN, so the earlier commands
    run after them. No fix across ``USER``, ``SHELL``, ``VOLUME``, a new stage or a suppression
    comment; when the RUN flags differ (``--mount``, ``--network``); when a RUN uses a heredoc,
    the exec form, or a shell comment before the last RUN; when a RUN before the last starts a
    background job (``cmd &``: the build ends it with its RUN, merged it would run on); or when
    a script would need a subshell while ``set -e`` may be on (POSIX ignores ``-e`` inside
    ``( … ) && …``).

    ## References
    - hadolint DL3059 (consecutive RUNs)
    - https://docs.docker.com/build/building/best-practices/#minimize-the-number-of-layers
    """

    code = "DF501"
    name = "packages-removed-in-later-run"
    summary = "packages installed in one RUN are removed in a later one"
    fix_title = "Merge the RUNs from the install to the removal into one layer"
    fix_availability = FixAvailability.SOMETIMES
    aliases = ()

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
