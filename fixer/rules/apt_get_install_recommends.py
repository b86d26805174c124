"""DF104 apt-get-install-recommends: ``apt-get install`` that also installs recommended packages."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.diagnostic import Fix
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._run import runs

OPT_OUT = "--no-install-recommends"
# Flags people write first (`install -y --no-install-recommends`): the new one goes after them.
LEADING = frozenset({"-y", "--yes", "--assume-yes", "-q", "-qq", "-qy", "-yq", "--quiet"})


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
    RUN apt-get install -y --no-install-recommends curl
    ```

    ## Fix safety
    Unsafe: a recommended package may be one the image needs (``ca-certificates`` for ``curl``
    to reach HTTPS sites is the classic case); the build still passes and the container fails.

    ## References
    - hadolint DL3015, Trivy DS-0029
    """

    code = "DF104"
    name = "apt-get-install-recommends"
    summary = "`apt-get install` without `--no-install-recommends`"
    fix_title = "Add `--no-install-recommends`"
    fix_availability = FixAvailability.ALWAYS
    aliases = ("DL3015", "DS-0029")

    def check(self, ctx: Context) -> Iterator[Violation]:
        for run in runs(ctx):
            for call in run.script.script.invocations("apt-get"):
                word = call.subcommand_word
                if call.subcommand != "install" or word is None or call.has_option(OPT_OUT):
                    continue
                if any("Install-Recommends" in option.text for option in call.options):
                    continue  # -o APT::Install-Recommends=… decides it explicitly
                words = call.command.words
                at = words.index(word)
                while at + 1 < len(words) and words[at + 1].text in LEADING:
                    at += 1
                fix = Fix.unsafe(self.fix_title or "", run.insert_after(words[at], f" {OPT_OUT}"))
                start = run.span(call.command.words[0])[0]
                yield self.violation(start, run.after(word), f"`apt-get install` without `{OPT_OUT}`", fix)
