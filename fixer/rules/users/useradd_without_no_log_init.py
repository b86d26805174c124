"""DF306 useradd-without-no-log-init: ``useradd`` with a high UID and without ``--no-log-init``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from fixer.diagnostic import Fix, ImageChanges
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._run import run_state, runs, sees_triggers
from fixer.rules.users._accounts import accounts

# hadolint's DL3046 line: a UID of six digits or more.
HIGH_UID: Final = 100_000
# The records useradd resets at offset uid * size (glibc on 64-bit Linux: struct lastlog is
# 4 + 32 + 256 bytes, struct faillog 32).
RECORD_BYTES: Final = 292 + 32


def resolve_uid(text: str | None, variables: Mapping[str, str]) -> int | None:
    """The UID ``-u`` gives: a number, or ``$UID`` / ``${UID}`` (quoted or not) whose value is
    known; None otherwise."""
    if text is None:
        return None
    name = text.strip('"')
    if name.startswith("$"):
        name = name[1:]
        if name.startswith("{") and name.endswith("}"):
            name = name[1:-1]
        if not name.isidentifier():
            return None
        text = variables.get(name)
    return int(text) if text is not None and text.isascii() and text.isdecimal() else None


class UseraddWithoutNoLogInit(Rule):
    """## What it does
    Finds ``useradd`` given a high UID (``-u 123456``, ``--uid``, or ``$UID`` when the
    Dockerfile says its value) without ``-l`` / ``--no-log-init``. It follows hadolint's
    DL3046 and reports UIDs of six digits or more (100000 and above): a UID such as 10001
    costs a few megabytes at most.

    ## Why is this bad?
    Unless told ``--no-log-init``, ``useradd`` resets the user's records in
    ``/var/log/lastlog`` and ``/var/log/faillog``, which are indexed by UID: the files grow to
    hold a record at offset UID * record size. On a disk they are sparse, but an image layer
    stores them in full: ``useradd -u 123456`` adds about 40 MB of zeros to the image, a UID
    near 2³¹ fills the builder's disk (moby/moby#5419). Debian 12's ``useradd`` (shadow 4.13)
    was checked and leaves files that are too short alone; older releases of shadow do not.

    ## Example
    ```dockerfile
    RUN useradd -u 123456 -m app
    ```

    Use instead:
    ```dockerfile
    RUN useradd --no-log-init -u 123456 -m app
    ```

    ## Fix safety
    Safe: ``--no-log-init`` only skips writing those two records, and a record of zeros reads
    the same as a missing one to every reader (``lastlog`` prints "Never logged in",
    ``faillog`` counts no failures; login and PAM write a record when someone logs in). The
    reset exists to clear a deleted user's record for a UID used again; nobody logs in during
    an image build, so there is none to clear. What the fix may change in the image: the size
    and content of ``/var/log/lastlog`` and ``/var/log/faillog`` (nothing at all where
    ``useradd`` would not have grown them).

    ## References
    - hadolint DL3046
    - https://github.com/moby/moby/issues/5419
    """

    code = "DF306"
    name = "useradd-without-no-log-init"
    summary = "`useradd` with a high UID and without `--no-log-init`"
    fix_title = "Add `--no-log-init`"
    fix_availability = FixAvailability.ALWAYS
    aliases = ("DL3046",)
    image_changes = ImageChanges(paths=("/var/log/lastlog", "/var/log/faillog"))

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for run in runs(ctx, triggers=True):
            state = run_state(ctx, run)
            known = {
                **{name: value for name, value in state.args.items() if value is not None},
                **state.env,
                **run.script.script.variables(),
            }
            for account in accounts(run.script.script):
                uid = resolve_uid(account.uid, known)
                if account.tool != "useradd" or account.no_log_init or uid is None or uid < HIGH_UID:
                    continue
                name = account.command.words[0]
                megabytes = (uid + 1) * RECORD_BYTES / 1_000_000
                message = (
                    f"`useradd` with UID {uid} and without `--no-log-init`: lastlog and faillog"
                    f" may grow to {megabytes:.0f} MB of zeros in the layer"
                )
                start = run.offset(name.start)
                fix = Fix.safe(self.fix_title or "", run.insert_after(name, " --no-log-init"))
                yield self.violation(start, run.offset(account.command.end - 1) + 1, message, fix)
