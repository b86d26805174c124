"""The rule registry: every rule, listed explicitly (greppable; a test checks nothing is missing).

Rules live by family, one module each, with the family's shared helpers (``_name.py``) beside
them, as ruff groups its rules: ``suppressions`` (DF0xx dfix's own comments), ``packages``
(DF1xx package managers), ``secrets`` (DF2xx), ``users`` (DF3xx users and privileges),
``images`` (DF4xx base images and provenance), ``layers`` (DF5xx), ``exposure`` (DF6xx
exposure and hygiene). Helpers every family uses (``_base``, ``_run``, ``_stages``,
``_variables``, ``_lines``) sit at this level.

Rules are chosen by code (``DF601``), code prefix (``DF6``), name (``add-local-source``) or alias
(``DL3020``); ``select`` narrows the set, ``ignore`` removes from it.
"""

from __future__ import annotations

from collections.abc import Iterable

from fixer.rules._base import Rule
from fixer.rules.exposure.add_local_source import AddLocalSource
from fixer.rules.exposure.docker_socket import DockerSocket
from fixer.rules.exposure.package_verification_disabled import PackageVerificationDisabled
from fixer.rules.exposure.pipe_without_pipefail import PipeWithoutPipefail
from fixer.rules.exposure.remote_script_piped_to_shell import RemoteScriptPipedToShell
from fixer.rules.exposure.ssh_server import SshServer
from fixer.rules.exposure.tls_verification_disabled import TlsVerificationDisabled
from fixer.rules.images.latest_tag import LatestTag
from fixer.rules.images.maintainer_deprecated import MaintainerDeprecated
from fixer.rules.images.pinned_tag_moved import PinnedTagMoved
from fixer.rules.images.unpinned_image import UnpinnedImage
from fixer.rules.images.untrusted_registry import UntrustedRegistry
from fixer.rules.layers.consecutive_runs import ConsecutiveRuns
from fixer.rules.layers.duplicate_stage_name import DuplicateStageName
from fixer.rules.layers.packages_removed_in_later_run import PackagesRemovedInLaterRun
from fixer.rules.layers.relative_workdir import RelativeWorkdir
from fixer.rules.packages.apk_add_without_no_cache import ApkAddWithoutNoCache
from fixer.rules.packages.apt_get_install_recommends import AptGetInstallRecommends
from fixer.rules.packages.apt_get_update_alone import AptGetUpdateAlone
from fixer.rules.packages.apt_get_without_yes import AptGetWithoutYes
from fixer.rules.packages.apt_in_script import AptInScript
from fixer.rules.packages.apt_lists_not_removed import AptListsNotRemoved
from fixer.rules.packages.node_package_cache_not_cleaned import NodePackageCacheNotCleaned
from fixer.rules.packages.package_cache_not_cleaned import PackageCacheNotCleaned
from fixer.rules.packages.pip_install_with_cache import PipInstallWithCache
from fixer.rules.packages.rpm_install_without_yes import RpmInstallWithoutYes
from fixer.rules.secrets.secret_file_copied import SecretFileCopied
from fixer.rules.secrets.secret_in_arg_or_env import SecretInArgOrEnv
from fixer.rules.suppressions.unused_suppression import UnusedSuppression
from fixer.rules.users.password_in_run import PasswordInRun
from fixer.rules.users.root_final_user import RootFinalUser
from fixer.rules.users.setuid_bit_set import SetuidBitSet
from fixer.rules.users.setuid_files import SetuidFilesKept
from fixer.rules.users.sudo_in_run import SudoInRun
from fixer.rules.users.useradd_without_no_log_init import UseraddWithoutNoLogInit

RULES: tuple[type[Rule], ...] = (
    UnusedSuppression,
    AptGetWithoutYes,
    AptListsNotRemoved,
    ApkAddWithoutNoCache,
    AptGetInstallRecommends,
    AptInScript,
    RpmInstallWithoutYes,
    PackageCacheNotCleaned,
    PipInstallWithCache,
    NodePackageCacheNotCleaned,
    AptGetUpdateAlone,
    SecretInArgOrEnv,
    SecretFileCopied,
    RootFinalUser,
    SetuidFilesKept,
    UnpinnedImage,
    PinnedTagMoved,
    UntrustedRegistry,
    LatestTag,
    MaintainerDeprecated,
    PackagesRemovedInLaterRun,
    ConsecutiveRuns,
    RelativeWorkdir,
    DuplicateStageName,
    AddLocalSource,
    PipeWithoutPipefail,
    TlsVerificationDisabled,
    PackageVerificationDisabled,
    SshServer,
    DockerSocket,
    RemoteScriptPipedToShell,
    SetuidBitSet,
    SudoInRun,
    PasswordInRun,
    UseraddWithoutNoLogInit,
)


def matches(rule: type[Rule], selector: str) -> bool:
    wanted = selector.strip().lower()
    if wanted == "all":
        return True
    names = {rule.name.lower(), *(alias.lower() for alias in rule.aliases)}
    return wanted in names or rule.code.lower().startswith(wanted)


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    """Selectors that name no rule (a typo in config or on the command line)."""
    return [s for s in selectors if not any(matches(rule, s) for rule in RULES)]


def unknown_selector_message(selectors: Iterable[str], where: str) -> str | None:
    """What to say about the first selector that names no rule, with the nearest names (a
    typo is an error, never a silent pass: `--select DF1O2` must not select nothing)."""
    unknown = unknown_selectors(selectors)
    if not unknown:
        return None
    import difflib  # only to say what was meant

    known = [name for rule in RULES for name in (rule.code, rule.name, *rule.aliases)]
    by_lower = {name.lower(): name for name in known}
    close = difflib.get_close_matches(unknown[0].strip().lower(), list(by_lower), n=3, cutoff=0.6)
    names = ", ".join(by_lower[c] for c in close)
    hint = f" (did you mean {names}?)" if close else " (`dfix rules` lists them)"
    return f"{where}: `{unknown[0]}` names no rule{hint}"


def select_rules(
    select: Iterable[str] | None = None, ignore: Iterable[str] | None = None, *, opt_in: Iterable[str] = ()
) -> list[Rule]:
    """The rules ``select`` names (default: all but the opt-in ones, and those ``opt_in`` names),
    less those ``ignore`` names."""
    wanted = list(opt_in)
    if select is None:
        chosen = [r for r in RULES if not r.opt_in or any(matches(r, s) for s in wanted)]
    else:
        chosen = [r for r in RULES if any(matches(r, s) for s in select)]
    ignored = list(ignore or ())
    return [rule() for rule in chosen if not any(matches(rule, s) for s in ignored)]


def by_code(name: str) -> type[Rule] | None:
    """The rule a code, name or alias denotes exactly (prefixes excluded)."""
    wanted = name.strip().lower()
    for rule in RULES:
        if wanted in {rule.code.lower(), rule.name.lower(), *(a.lower() for a in rule.aliases)}:
            return rule
    return None
