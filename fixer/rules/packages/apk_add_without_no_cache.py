"""DF103 apk-add-without-no-cache: ``apk add`` that leaves the package index in the layer."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.diagnostic import Fix, ImageChanges
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._run import runs, sees_triggers
from fixer.rules.packages._cleanup import mount_covers

APK_CACHES = ("/var/cache/apk", "/etc/apk/cache")


class ApkAddWithoutNoCache(Rule):
    """## What it does
    Finds ``apk add`` without ``--no-cache``.

    ## Why is this bad?
    Without it apk keeps the package index it downloaded in ``/var/cache/apk``, in the layer,
    where nothing at run time uses it.

    ## Example
    ```dockerfile
    RUN apk add curl
    ```

    Use instead:
    ```dockerfile
    RUN apk add --no-cache curl
    ```

    ## Fix safety
    Safe: ``--no-cache`` fetches a fresh index for this command and keeps nothing. Not reported
    when the apk cache is a cache mount (``--mount=type=cache,target=/var/cache/apk``). What it
    may change in the image: the files under ``/var/cache/apk`` (and ``/etc/apk/cache``).

    ## References
    - hadolint DL3019, Trivy DS-0025
    """

    code = "DF103"
    name = "apk-add-without-no-cache"
    summary = "`apk add` without `--no-cache`"
    fix_title = "Add `--no-cache`"
    fix_availability = FixAvailability.ALWAYS
    aliases = ("DL3019", "DS-0025")
    image_changes = ImageChanges(paths=("/var/cache/apk/**", "/etc/apk/cache/**"))

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for run in runs(ctx, triggers=True):
            if mount_covers(run.located.node, *APK_CACHES):
                continue
            for call in run.script.script.invocations("apk"):
                word = call.subcommand_word
                if call.subcommand != "add" or word is None or call.has_option("--no-cache"):
                    continue
                fix = Fix.safe(self.fix_title or "", run.insert_after(word, " --no-cache"))
                start = run.span(call.command.words[0])[0]
                yield self.violation(start, run.after(word), "`apk add` without `--no-cache`", fix)
