"""DF107 package-cache-not-cleaned: a RUN that installs with yum/dnf/microdnf/zypper keeps their cache."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from fixer.diagnostic import Fix, ImageChanges
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._run import Run, append_command, sees_triggers
from fixer.rules.packages._cleanup import (
    mount_covers,
    other_families,
    removes_any,
    removes_program,
    run_groups,
    unconditional,
    wrapper_prefix,
)
from fixer.rules.packages._managers import action, written

if TYPE_CHECKING:
    from fixer.shell import PackageInvocation, Word

# Actions that download metadata (and packages) into the cache, by their full names
# (`_managers.action`: dnf's `in`, `up`, `up-min`, `rei`, `dsync`, `dg` … are these).
YUM_FETCHING = frozenset(
    {
        "install", "reinstall", "upgrade", "upgrade-minimal", "downgrade", "distro-sync", "builddep",
        "swap", "group install", "group upgrade", "module install", "module upgrade",
    }
)  # fmt: skip
MICRODNF_FETCHING = frozenset({"install", "reinstall", "upgrade", "distro-sync", "swap"})
ZYPPER_FETCHING = frozenset(
    {
        "install", "in", "update", "up", "patch", "dist-upgrade", "dup", "source-install", "si",
        "install-new-recommends", "inr",
    }
)  # fmt: skip
RPM_CACHES = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5")
ZYPPER_CACHES = ("/var/cache/zypp",)
# Where each one caches: dnf 4 in /var/cache/dnf, dnf 5 in /var/cache/libdnf5 (their
# SYSTEM_CACHEDIR), microdnf in /var/cache/yum (its CACHEDIR); yum is yum 3 (/var/cache/yum) or,
# on RHEL 8 and later, dnf. Which version an image has is not known, so any of them counts.
MANAGER_CACHES = {
    "yum": RPM_CACHES,
    "dnf": ("/var/cache/dnf", "/var/cache/libdnf5"),
    "microdnf": ("/var/cache/yum",),
    "zypper": ZYPPER_CACHES,
}
PROGRAMS = frozenset({"yum", "dnf", "microdnf", "zypper", "rpm"})


class PackageCacheNotCleaned(Rule):
    """## What it does
    Finds RUN instructions that install packages with ``yum``, ``dnf``, ``microdnf`` or
    ``zypper`` and do not clean the package manager's cache afterwards. A command is known by
    every name its tool accepts (dnf's ``in``, ``up``, ``up-min``, ``rei``, ``dsync``, ``dg``
    are ``install``, ``upgrade``, ``upgrade-minimal``, ``reinstall``, ``distro-sync``,
    ``downgrade``; see ``dfix explain DF106``).

    ## Why is this bad?
    The repository metadata (and, depending on the configuration, the downloaded packages) stay
    in ``/var/cache/dnf`` (dnf 4), ``/var/cache/libdnf5`` (dnf 5), ``/var/cache/yum`` (yum 3,
    microdnf) or ``/var/cache/zypp``: often a hundred megabytes
    in the layer that nothing uses at run time. Cleaning in a later RUN does not help: the files
    stay in the earlier layer.

    ## Example
    ```dockerfile
    RUN yum install -y httpd
    ```

    Use instead:
    ```dockerfile
    RUN yum install -y httpd && yum clean all
    ```

    ## Fix safety
    Safe: ``yum clean all`` (``dnf clean all``, ``microdnf clean all``, ``zypper clean --all``)
    is appended to the same RUN, laid out as the RUN already is, and runs only when everything
    before it succeeded; a later install downloads the metadata again. No fix is offered when
    the install runs only in some branch of the script (``if``, a function), when the script
    also drives another distribution's package manager, or when it removes the package manager
    afterwards (``rpm -e --nodeps``): the cleanup could then name a program that is not there.
    Not reported when the RUN removes the cache directory of the manager that installed or
    keeps it in a cache mount: for ``dnf`` that is ``/var/cache/dnf`` or ``/var/cache/libdnf5``,
    not ``/var/cache/yum`` (hadolint's DL3040 takes ``rm -rf /var/cache/yum/*`` for dnf; dnf
    never writes there, and its cache stays); for ``microdnf`` ``/var/cache/yum``; for ``yum``
    any of the three (on RHEL 8 and later yum is dnf). What it
    may change in the image: the files under ``/var/cache/yum``, ``/var/cache/dnf``,
    ``/var/cache/libdnf5`` and ``/var/cache/zypp`` are gone.

    ## References
    - hadolint DL3032 (yum), DL3040 (dnf), DL3036 (zypper)
    - Trivy DS-0015 (yum), DS-0019 (dnf), DS-0027 (microdnf), DS-0020 (zypper)
    """

    code = "DF107"
    name = "package-cache-not-cleaned"
    summary = "yum/dnf/zypper cache left in the layer"
    fix_title = "Clean the package cache in the same RUN"
    fix_availability = FixAvailability.SOMETIMES
    aliases = ("DL3032", "DL3040", "DL3036", "DS-0015", "DS-0019", "DS-0020", "DS-0027")
    image_changes = ImageChanges(paths=tuple(f"{cache}/**" for cache in (*RPM_CACHES, *ZYPPER_CACHES)))

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for group in run_groups(ctx, triggers=True):
            for kind in ("yum", "microdnf", "zypper"):
                violation = self._check_kind(group, kind)
                if violation is not None:
                    yield violation

    def _check_kind(self, group: list[Run], kind: str) -> Violation | None:
        installs = [
            (run, call, word)
            for run in group
            for call in run.script.script.invocations()
            if _kind(call.manager) == kind and (word := _fetching(call)) is not None
        ]
        if not installs:
            return None
        # The caches the installs fill: a removal of (or cache mount on) any of them counts.
        caches = tuple(
            dict.fromkeys(cache for _, call, _ in installs for cache in MANAGER_CACHES[call.manager])
        )
        if mount_covers(group[0].located.node, *caches):
            return None
        last_run, last, _ = installs[-1]
        for run in group:
            script = run.script.script
            start = last.command.end if run is last_run else 0
            if any(_cleans(call, kind) and call.command.start >= start for call in script.invocations()):
                return None
            removal = removes_any(script, lambda path: _is_cache(path, caches))
            if removal is not None and removal.start >= start:
                return None
        first_run, first, word = installs[0]
        cleanup = "zypper clean --all" if kind == "zypper" else f"{last.manager} clean all"
        fix = None
        if _appendable(group, installs, kind):
            edit = append_command(last_run, wrapper_prefix(last) + cleanup)
            fix = Fix.safe(f"Run `{cleanup}` at the end of the RUN", edit) if edit else None
        message = f"`{written(first, word)}` without `{cleanup}`"
        start = first_run.span(first.command.words[0])[0]
        return self.violation(start, first_run.after(word), message, fix)


def _appendable(group: list[Run], installs: list[tuple[Run, PackageInvocation, Word]], kind: str) -> bool:
    """Whether a cleanup at the end of the RUN runs wherever the installs ran, and finds its program."""
    scripts = [run.script.script for run in group]
    last_run, last, _ = installs[-1]
    return (
        all(unconditional(call.command) for _, call, _ in installs)
        and not other_families(scripts, "zypper" if kind == "zypper" else "rpm")
        and not removes_program(last_run.script.script, last.command.end, PROGRAMS)
    )


def _kind(manager: str) -> str:
    return "yum" if manager == "dnf" else manager


def _fetching(call: PackageInvocation) -> Word | None:
    """The word naming an action that fills the cache (``install``; ``install`` in ``group install``)."""
    if call.subcommand is None or call.subcommand_word is None:
        return None
    if call.manager == "zypper":
        return call.subcommand_word if call.subcommand in ZYPPER_FETCHING else None
    found = action(call)
    if found is None:
        return None
    name, word = found
    fetching = MICRODNF_FETCHING if call.manager == "microdnf" else YUM_FETCHING
    return word if name in fetching else None


def _cleans(call: PackageInvocation, kind: str) -> bool:
    """``yum clean all`` / ``dnf clean all`` (either for either), ``microdnf clean all``, ``zypper clean``."""
    if _kind(call.manager) != kind:
        return False
    if kind == "zypper":
        return call.subcommand in ("clean", "cc")
    return call.subcommand == "clean" and any(word.value == "all" for word in call.packages)


def _is_cache(path: str, caches: tuple[str, ...]) -> bool:
    """A removal that takes the cache with it: the cache, a parent, or what is inside it."""
    paths = _braces(path)
    return any(
        p == cache or cache.startswith(p + "/") or p.startswith(cache + "/")
        for p in paths
        for cache in caches
    )


def _braces(path: str) -> list[str]:
    """``/var/cache/{yum,dnf}`` → both paths (one brace group, as such removals are written)."""
    head, opening, rest = path.partition("{")
    inside, closing, tail = rest.partition("}")
    if not (opening and closing) or "{" in tail:
        return [path]
    return [head + choice + tail for choice in inside.split(",")]
