"""DF105 apt-in-script: ``apt``, the interactive front end, used in a build."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.diagnostic import Edit, Fix
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._run import runs, sees_triggers

# Subcommands where `apt-get` does what `apt` does (`apt upgrade` also installs new packages,
# which `apt-get upgrade` does not: left alone). `apt` differs from `apt-get` only by settings
# compiled into it (`Binary::apt::…`): all but one change the output; that one,
# `APT::Keep-Downloaded-Packages "false"`, makes `apt install` delete the packages it downloaded,
# where `apt-get` keeps them in /var/cache/apt/archives: the fix says so explicitly.
SAME_IN_APT_GET = frozenset({"install", "update", "remove", "purge", "autoremove", "clean"})
DOWNLOADS = frozenset({"install"})
KEEP_NO_DOWNLOADS = " -o APT::Keep-Downloaded-Packages=false"


class AptInScript(Rule):
    """## What it does
    Finds ``apt`` commands in RUN instructions.

    ## Why is this bad?
    ``apt`` is meant for people at a terminal; its output and behaviour may change between
    releases and it warns "apt does not have a stable CLI interface". ``apt-get`` is the
    interface for scripts.

    ## Example
    ```dockerfile
    RUN apt update && apt install -y curl
    ```

    Use instead:
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```

    ## Fix safety
    Safe for ``install``, ``update``, ``remove``, ``purge``, ``autoremove`` and ``clean``, which
    ``apt-get`` performs the same way. ``apt install`` deletes the packages it downloaded once
    they are installed, ``apt-get install`` keeps them in ``/var/cache/apt/archives`` (found by
    building both): the fix passes ``-o APT::Keep-Downloaded-Packages=false`` to ``apt-get
    install``, so the image stays the same. Other subcommands are reported without a fix.
    What the fix may change in the image: nothing.

    ## References
    - hadolint DL3027, Checkov CKV_DOCKER_9
    """

    code = "DF105"
    name = "apt-in-script"
    summary = "`apt` used instead of `apt-get`"
    fix_title = "Replace `apt` with `apt-get`"
    fix_availability = FixAvailability.SOMETIMES
    aliases = ("DL3027", "CKV_DOCKER_9")

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for run in runs(ctx, triggers=True):
            for call in run.script.script.invocations("apt"):
                # The word naming apt (after `sudo`/`env` wrappers); `/usr/bin/apt` is left alone.
                name = next(w for w in call.command.words if w.text.rpartition("/")[2] == "apt")
                start, end = run.span(name)
                fix = None
                if call.subcommand in SAME_IN_APT_GET and name.value == "apt":
                    keep = KEEP_NO_DOWNLOADS if call.subcommand in DOWNLOADS else ""
                    fix = Fix.safe(self.fix_title or "", Edit.replacement(start, end, "apt-get" + keep))
                yield self.violation(start, end, "`apt` has no stable interface for scripts", fix)
