"""Hold each difference against what the applied fixes declared they may change.

A difference is explained by the first fix (in file order) whose ``ImageChanges`` covers it:

- a config key it names; the layer count when it declares ``layers``; a path matching its
  ``paths`` or ``secrets``; a regular file that only lost its setuid/setgid bits, when it
  declares ``setid_bits`` (no other change of mode: not a bit added, not ``chmod 0700``);
- a package removed, when it declares ``RECOMMENDED`` and the package was installed in the
  original only because another one recommended it (see ``Packages.only_recommended``).

A package change carries its files along: the files in the package's own file list, the
package managers' databases and trigger caches (``packages.BOOKKEEPING``), and files a
maintainer script made in a directory that only changed packages own are folded into the
package change instead of being listed one by one; they are explained when it is.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field

from fixer.diagnostic import NO_CHANGES, Diagnostic, ImageChanges, PackageChanges
from fixer.verify.compare import SETID, Difference, Kind, matches_any
from fixer.verify.packages import BOOKKEEPING, Packages


@dataclass(slots=True, eq=False)
class Explained:
    """What one fix changed: the differences it explains (``folded``: the files that came with
    its package changes)."""

    fix: Diagnostic
    differences: list[Difference] = field(default_factory=list)
    folded: list[Difference] = field(default_factory=list)

    @property
    def changes(self) -> ImageChanges:
        return self.fix.changes or NO_CHANGES


@dataclass(slots=True)
class Attribution:
    """The differences by the fix that explains them; those none explains, with the reason
    when a fix declared that kind of change but this one falls outside it."""

    explained: list[Explained]
    unexplained: list[Difference]
    unexplained_folded: list[Difference]
    reasons: dict[Difference, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.unexplained and not self.unexplained_folded


def attribute(
    differences: Sequence[Difference], fixes: Sequence[Diagnostic], packages: tuple[Packages, Packages]
) -> Attribution:
    explained = [Explained(fix) for fix in fixes]
    unexplained: list[Difference] = []
    package_diffs = [d for d in differences if d.kind is Kind.PACKAGE]
    recommended_only = packages[0].only_recommended()
    package_owner: dict[str, Explained | None] = {
        d.subject: _package_explainer(d, explained, recommended_only, packages[1]) for d in package_diffs
    }
    ownership = _ownership(package_diffs, packages)
    unexplained_folded: list[Difference] = []
    for difference in differences:
        if difference.kind is Kind.PACKAGE:
            _place(package_owner[difference.subject], difference, unexplained)
            continue
        names = ownership.packages_of(difference.subject) if difference.kind is Kind.FILE else None
        if names is None:
            _place(_explainer(difference, explained), difference, unexplained)
        else:  # folded into its package change
            owner = _folding_owner(names, package_owner, explained)
            (owner.folded if owner else unexplained_folded).append(difference)
    reasons = {d: reason for d in unexplained if (reason := _near_miss(d, explained, packages[0]))}
    return Attribution(explained, unexplained, unexplained_folded, reasons)


def _near_miss(difference: Difference, explained: Sequence[Explained], before: Packages) -> str | None:
    """Why a fix that declared this kind of change does not explain this one."""
    if difference.modes is not None:
        return _setid_near_miss(difference.modes, explained)
    if difference.kind is not Kind.PACKAGE or difference.change != "removed":
        return None
    declarer = next((c for c in explained if c.changes.packages is PackageChanges.RECOMMENDED), None)
    if declarer is None:
        return None
    package = before.installed.get(difference.subject)
    how = (
        "installed by name" if package and not package.auto else "a dependency of a package installed by name"
    )
    return f"{declarer.fix.rule} may remove only packages that were only recommended; this one was {how}"


def _setid_near_miss(modes: tuple[int, int], explained: Sequence[Explained]) -> str | None:
    """Why a fix that may drop setuid/setgid bits does not explain this change of mode."""
    declarer = next((c for c in explained if c.changes.setid_bits), None)
    if declarer is None:
        return None
    old, new = modes
    if new & SETID & ~old:
        how = "this one sets one"
    elif (old ^ new) & ~SETID:
        how = f"this one changes other bits ({old:04o} → {new:04o})"
    else:  # the bits alone went, from a directory or with the content or owner
        how = "this one is not on a regular file, or changes more than the mode"
    return f"{declarer.fix.rule} may only drop setuid/setgid bits from files; {how}"


def _place(owner: Explained | None, difference: Difference, unexplained: list[Difference]) -> None:
    (owner.differences if owner else unexplained).append(difference)


def _explainer(difference: Difference, explained: Sequence[Explained]) -> Explained | None:
    for candidate in explained:
        changes = candidate.changes
        if difference.kind is Kind.CONFIG and difference.subject in changes.config:
            return candidate
        if difference.kind is Kind.LAYERS and changes.layers:
            return candidate
        if difference.kind is Kind.FILE and (
            (difference.setid_dropped and changes.setid_bits)
            or matches_any(difference.subject, (*changes.paths, *changes.secrets))
        ):
            return candidate
    return None


def _package_explainer(
    difference: Difference, explained: Sequence[Explained], recommended_only: set[str], after: Packages
) -> Explained | None:
    if difference.change == "added":
        return next((c for c in explained if difference.subject in after.needed_by(c.changes.installs)), None)
    if difference.change != "removed" or difference.subject not in recommended_only:
        return None
    return next((c for c in explained if c.changes.packages is PackageChanges.RECOMMENDED), None)


def _ownership(package_diffs: Sequence[Difference], packages: tuple[Packages, Packages]) -> _Ownership:
    """Which changed packages each path belongs to: their file lists, in the image that has
    them, and what a package change leaves elsewhere (see ``_Ownership.packages_of``)."""
    owned: dict[str, set[str]] = {}
    scripts: dict[str, str] = {}
    for difference in package_diffs:
        package = (packages[1] if difference.change == "added" else packages[0]).installed[difference.subject]
        for path in package.files:
            owned.setdefault(path, set()).add(package.name)
        scripts[package.name] = package.scripts
    changed = set(scripts)
    owners = [image.owners() for image in packages] if package_diffs else []
    solely = {path for path in owned if all(o.get(path, set()) <= changed for o in owners)}
    return _Ownership(owned, solely, scripts)


@dataclass(frozen=True, slots=True)
class _Ownership:
    """``owned``: path → changed packages listing it; ``solely``: the directories only changed
    packages own; ``scripts``: each changed package's maintainer scripts."""

    owned: dict[str, set[str]]
    solely: set[str]
    scripts: dict[str, str]

    def packages_of(self, path: str) -> set[str] | None:
        """The changed packages ``path`` goes with (``{""}``: the package managers' own
        files), or None: its file lists, the databases and trigger caches, a package file apt
        downloaded, a directory only changed packages own, a path a maintainer script names."""
        if path in self.owned:
            return self.owned[path]
        if matches_any(path, BOOKKEEPING):
            return {""}
        directory, name = posixpath.split(path)
        if directory == APT_ARCHIVES:  # name_version_arch.deb, downloaded to be installed
            downloaded = {package for package in self.scripts if name.startswith(package + "_")}
            if downloaded:
                return downloaded
        parent = directory
        while parent not in ("/", ""):
            if parent in self.solely:
                return self.owned[parent]
            parent = posixpath.dirname(parent)
        named = {package for package, text in self.scripts.items() if _names(text, path)}
        return named or None


APT_ARCHIVES = "/var/cache/apt/archives"


def _names(script: str, path: str) -> bool:
    """Whether a maintainer script names ``path`` (or the directory holding it, three levels
    deep or more: ``/usr/local/share/ca-certificates``, not ``/etc``), as a whole path."""
    directory = posixpath.dirname(path)
    candidates = [path] + ([directory] if directory.count("/") >= 3 else [])
    for candidate in candidates:
        at = script.find(candidate)
        while at >= 0:
            end = at + len(candidate)
            if end == len(script) or not (script[end].isalnum() or script[end] in "._-"):
                return True
            at = script.find(candidate, end)
    return False


def _folding_owner(
    names: set[str], package_owner: dict[str, Explained | None], explained: Sequence[Explained]
) -> Explained | None:
    """The fix a package-owned file goes with: its packages' fix; for the package databases,
    the fix that explains the package changes (or, with none, a fix that may change packages)."""
    if names == {""}:
        owners = list(package_owner.values())
        if not owners:
            return next((c for c in explained if c.changes.packages is not PackageChanges.NONE), None)
        return None if None in owners else owners[0]
    found = {package_owner.get(name) for name in names if name}
    return found.pop() if len(found) == 1 else None
