"""DF106 rpm-install-without-yes: yum, dnf, microdnf and zypper commands that would stop at a prompt."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from fixer.diagnostic import Fix
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._run import runs, sees_triggers
from fixer.rules.packages._cleanup import fed_by_yes
from fixer.rules.packages._managers import action, written

if TYPE_CHECKING:
    from fixer.shell import PackageInvocation, Word

# Actions that ask "Is this ok [y/N]" before changing the system, by their full names
# (`_managers.action`: dnf's `in`, `up`, `rei`, `rm`, `dsync`, `dg` … are these).
YUM_PROMPTING = frozenset(
    {
        "install", "reinstall", "remove", "autoremove", "upgrade", "upgrade-minimal", "downgrade",
        "distro-sync", "builddep", "swap", "load-transaction",
        "group install", "group remove", "group upgrade",
        "module install", "module remove", "module upgrade", "module enable", "module disable",
        "module reset", "module switch-to",
    }
)  # fmt: skip
# microdnf's commands that call dnf_utils_userconfirm (its plugins install, reinstall, remove,
# upgrade, distrosync, swap, module_enable/disable/reset).
MICRODNF_PROMPTING = frozenset(
    {
        "install", "reinstall", "remove", "upgrade", "distro-sync", "swap",
        "module enable", "module disable", "module reset",
    }
)  # fmt: skip
YUM_YES = ("-y", "--assumeyes", "--assumeno")
ZYPPER_PROMPTING = frozenset(
    {"install", "in", "remove", "rm", "update", "up", "patch", "dist-upgrade", "dup"}
)
ZYPPER_GLOBAL_YES = ("-n", "--non-interactive")
ZYPPER_YES = ("-y", "--no-confirm")
MANAGERS = ("yum", "dnf", "microdnf", "zypper")


class RpmInstallWithoutYes(Rule):
    """## What it does
    Finds ``yum``, ``dnf``, ``microdnf`` and ``zypper`` commands that ask for confirmation
    (``install``, ``remove``, ``update``…) without ``-y`` (``zypper``: ``-n`` before the
    command, or ``-y`` after it). A command is known by every name its tool accepts: dnf's
    ``in``, ``up``, ``up-min``, ``rei``, ``rm``, ``dsync``, ``dg``, ``grp install`` … are
    ``install``, ``upgrade``, ``upgrade-minimal``, ``reinstall``, ``remove``, ``distro-sync``,
    ``downgrade`` and ``group install`` (dnf 4's command aliases, dnf 5's compatibility
    aliases, yum 3's command names; ``yum`` is dnf on RHEL 8 and later), microdnf's ``update``
    and ``dsync`` its ``upgrade`` and ``distro-sync``.

    ## Why is this bad?
    A build has no terminal: the package manager reads end-of-file at its prompt, takes it as
    "no", and the build fails. microdnf asks too since 3.7.0 (before, it assumed yes), and its
    prompt (``dnf_utils_userconfirm``) reads characters until a newline that never comes at
    end of input: the build hangs.

    ## Example
    ```dockerfile
    RUN yum install httpd
    ```

    Use instead:
    ```dockerfile
    RUN yum install -y httpd
    ```

    ## Fix safety
    Safe: ``-y`` only answers the prompt the build could not answer. A command that already
    says ``--assumeno`` (or ``--setopt=assumeyes=1``), and a command fed by ``yes |``, is
    answered already: not reported. What it may change in the image: nothing (a build that
    stopped at the prompt now builds).

    ## References
    - hadolint DL3030 (yum), DL3038 (dnf, microdnf), DL3034 (zypper)
    - dnf(8), the DNF Command Reference (each command's aliases); dnf5-aliases(7)
    """

    code = "DF106"
    name = "rpm-install-without-yes"
    summary = "`yum`/`dnf`/`microdnf`/`zypper` command without `-y`"
    fix_title = "Add `-y`"
    fix_availability = FixAvailability.ALWAYS
    aliases = ("DL3030", "DL3038", "DL3034")

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for run in runs(ctx, triggers=True):
            script = run.script.script
            for call in script.invocations(*MANAGERS):
                word = _prompting(call)
                if word is None or _answered(call) or fed_by_yes(script, call.command):
                    continue
                fix = Fix.safe(self.fix_title or "", run.insert_after(word, " -y"))
                start = run.span(call.command.words[0])[0]
                message = f"`{written(call, word)}` without `-y`"
                yield self.violation(start, run.after(word), message, fix)


def _prompting(call: PackageInvocation) -> Word | None:
    """The word naming the action that prompts (``install``, or ``install`` in ``group install``)."""
    if call.subcommand is None or call.subcommand_word is None:
        return None
    if call.manager == "zypper":
        return call.subcommand_word if call.subcommand in ZYPPER_PROMPTING else None
    found = action(call)
    if found is None:
        return None
    name, word = found
    prompting = MICRODNF_PROMPTING if call.manager == "microdnf" else YUM_PROMPTING
    return word if name in prompting else None


def _answered(call: PackageInvocation) -> bool:
    if call.manager != "zypper":
        if call.has_option(*YUM_YES):
            return True
        # `--setopt=assumeyes=1` / `--setopt assumeyes=True`
        return any(
            word.text.partition("assumeyes=")[2].lower() in ("1", "true", "yes") for word in call.options
        )
    if call.has_option("--non-interactive", *ZYPPER_YES):
        return True
    subcommand = call.subcommand_word
    assert subcommand is not None
    # `-n` is --non-interactive only before the command (`zypper install -n` is --name).
    before = [word.text for word in call.options if word.start < subcommand.start]
    return any(text.startswith("-") and not text.startswith("--") and "n" in text for text in before)
