"""DF106 rpm-install-without-yes: ``yum``/``dnf``/``zypper`` commands that would stop at a prompt."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from fixer.diagnostic import Fix
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._run import runs
from fixer.rules.packages._cleanup import fed_by_yes

if TYPE_CHECKING:
    from fixer.shell import PackageInvocation, Word

# Subcommands that ask "Is this ok [y/N]" before changing the system.
YUM_PROMPTING = frozenset(
    {
        "install", "localinstall", "reinstall", "groupinstall", "groupupdate", "groupremove",
        "remove", "erase", "autoremove", "update", "upgrade",
        "update-minimal", "upgrade-minimal", "downgrade", "distro-sync", "distribution-synchronization",
        "builddep", "swap",
    }
)  # fmt: skip
# `dnf group install x`, `dnf module enable x`: the action is the first operand.
YUM_GROUPS = {
    "group": frozenset({"install", "remove", "erase", "update", "upgrade"}),
    "groups": frozenset({"install", "remove", "erase", "update", "upgrade"}),
    "module": frozenset(
        {"install", "remove", "update", "upgrade", "enable", "disable", "reset", "switch-to"}
    ),
}
YUM_YES = ("-y", "--assumeyes", "--assumeno")
ZYPPER_PROMPTING = frozenset(
    {"install", "in", "remove", "rm", "update", "up", "patch", "dist-upgrade", "dup"}
)
ZYPPER_GLOBAL_YES = ("-n", "--non-interactive")
ZYPPER_YES = ("-y", "--no-confirm")
MANAGERS = ("yum", "dnf", "zypper")


class RpmInstallWithoutYes(Rule):
    """## What it does
    Finds ``yum``, ``dnf`` and ``zypper`` commands that ask for confirmation (``install``,
    ``remove``, ``update``…) without ``-y`` (``zypper``: ``-n`` before the command, or ``-y``
    after it).

    ## Why is this bad?
    A build has no terminal: the package manager reads end-of-file at its prompt, takes it as
    "no", and the build fails.

    ## Example
    ```dockerfile
    RUN yum install httpd
    ```

    Use instead:
    ```dockerfile
    RUN yum install -y httpd
    ```

    ## Fix safety
    Safe: ``-y`` only answers the prompt the build could not answer. ``microdnf`` never
    prompts, and a command fed by ``yes |`` is answered already: neither is reported. What it
    may change in the image: nothing (a build that stopped at the prompt now builds).

    ## References
    - hadolint DL3030 (yum), DL3038 (dnf), DL3034 (zypper)
    """

    code = "DF106"
    name = "rpm-install-without-yes"
    summary = "`yum`/`dnf`/`zypper` command without `-y`"
    fix_title = "Add `-y`"
    fix_availability = FixAvailability.ALWAYS
    aliases = ("DL3030", "DL3038", "DL3034")

    def check(self, ctx: Context) -> Iterator[Violation]:
        for run in runs(ctx):
            script = run.script.script
            for call in script.invocations(*MANAGERS):
                word = _prompting(call)
                if word is None or _answered(call) or fed_by_yes(script, call.command):
                    continue
                fix = Fix.safe(self.fix_title or "", run.insert_after(word, " -y"))
                start = run.span(call.command.words[0])[0]
                action = call.subcommand if word is call.subcommand_word else f"{call.subcommand} {word.text}"
                message = f"`{call.manager} {action}` without `-y`"
                yield self.violation(start, run.after(word), message, fix)


def _prompting(call: PackageInvocation) -> Word | None:
    """The word naming the action that prompts (``install``, or ``install`` in ``group install``)."""
    if call.subcommand is None or call.subcommand_word is None:
        return None
    if call.manager == "zypper":
        return call.subcommand_word if call.subcommand in ZYPPER_PROMPTING else None
    if call.subcommand in YUM_PROMPTING:
        return call.subcommand_word
    actions = YUM_GROUPS.get(call.subcommand)
    if actions and call.packages and call.packages[0].value in actions:
        return call.packages[0]
    return None


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
