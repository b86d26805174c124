from __future__ import annotations

import functools
import posixpath
import shlex
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from fixer.diagnostic import Applicability, Edit, Fix, ImageChanges
from fixer.model.images import Family
from fixer.rules._base import Context, FixAvailability, FixSafety, Located, Rule, Violation
from fixer.rules._lines import UNCLOSABLE, lines_after
from fixer.rules._stages import chain, chain_scripts, is_root, shipped_stage
from fixer.rules.users._accounts import Account, accounts, groups
from fixer.rules.users._shipped_users import shipped_user
from fixer.rules.users._stage_user import (
    has_shell,
    insertion_point,
    last_user_instruction,
    privilege_droppers,
)
from fixer.rules.users._tools import Tool, has_tool

if TYPE_CHECKING:
    from fixer.model import Stage

# How each family creates a user (templates/users/<name>.j2) and the shell that refuses logins.
_CREATION: Final = {
    Family.DEBIAN: ("shadow", "/usr/sbin/nologin"),
    Family.UBUNTU: ("shadow", "/usr/sbin/nologin"),
    Family.RHEL: ("shadow", "/sbin/nologin"),
    Family.FEDORA: ("shadow", "/sbin/nologin"),
    Family.AMAZONLINUX: ("shadow", "/sbin/nologin"),
    Family.SUSE: ("shadow", "/sbin/nologin"),
    Family.ALPINE: ("busybox", "/sbin/nologin"),
    # BusyBox builds differ in their applets (Debian's has no adduser or addgroup): the
    # /etc/passwd and /etc/group lines need only echo, mkdir and chown.
    Family.BUSYBOX: ("passwd", "/sbin/nologin"),
}
_HOW: Final = {"shadow": "groupadd/useradd", "busybox": "addgroup/adduser", "passwd": "/etc/passwd lines"}
# Directories that are the system's, never the app's, whoever is the WORKDIR.
_SYSTEM_DIRECTORIES: Final = frozenset(
    (
        "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/media", "/mnt", "/opt",
        "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var", "/usr/bin",
        "/usr/lib", "/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/sbin", "/usr/share",
        "/usr/src", "/var/cache", "/var/lib", "/var/log", "/var/tmp",
    )
)  # fmt: skip
# What creating a user writes: the account databases (and their `-` backups), its home, and
# the mail spool some useradd configurations make.
_ACCOUNT_FILES: Final = (
    "/etc/passwd", "/etc/passwd-", "/etc/group", "/etc/group-", "/etc/shadow", "/etc/shadow-",
    "/etc/gshadow", "/etc/gshadow-", "/etc/subuid", "/etc/subuid-", "/etc/subgid", "/etc/subgid-",
    "/var/spool/mail/*", "/var/mail/*",
)  # fmt: skip
_PRIVILEGED_PORTS: Final = 1024


class RootFinalUser(Rule):
    """## What it does
    Finds a shipped image that runs as root: its stage (the last one, or configuration's
    `target`) has no `USER`, or the `USER` in force at the end is `root` or `0`. Only the
    shipped stage counts: builder stages whose results are copied out never run.

    ## Why is this bad?
    A process that runs as root in a container is root on the files and devices it reaches: an
    exploited app can rewrite the image's binaries, read every secret mounted in, and is one
    kernel or runtime bug away from the host. Kubernetes' `runAsNonRoot` refuses such images,
    and can only verify a numeric `USER`.

    ## Example
    ```dockerfile
    FROM debian:12
    WORKDIR /app
    COPY app /app/
    CMD ["/app/app"]
    ```
    Use instead:
    ```dockerfile
    FROM debian:12
    WORKDIR /app
    COPY app /app/
    RUN groupadd --system --gid 10001 app \\
        && useradd --system --no-log-init --uid 10001 --gid 10001 --create-home \\
            --home-dir /home/app --shell /usr/sbin/nologin app \\
        && mkdir -p /app && chown 10001:10001 /app
    USER 10001:10001
    CMD ["/app/app"]
    ```
    The user is made the way the base image's family does it: `groupadd`/`useradd` (Debian,
    Ubuntu, RHEL, Fedora, Amazon Linux, SUSE), BusyBox's `addgroup -S`/`adduser -S -D` (Alpine),
    or the `/etc/passwd` and `/etc/group` lines written directly where shadow-utils is missing
    (`ubi-minimal`, `ubi-micro`) or BusyBox's applets may be (`busybox` images: Debian's BusyBox
    has no `adduser`). Name and ids come from configuration
    (`[tool.dfix.user]`, default `app`, 10001:10001). An image that ships a user (node's
    `node`, distroless's and Chainguard's `nonroot`, .NET's `app`, …) gets a switch to it; a
    user the file creates but never switches to gets the switch; distroless and `scratch` get
    a numeric `USER` and no `RUN`; Windows gets `USER ContainerUser`. A `USER root` after an
    earlier user gets a switch back to that user after the last step that needs root.

    The switch goes after the stage's last `RUN`, `COPY`, `ADD` or `WORKDIR`, so every build
    step runs as before. The stage's `WORKDIR` and `VOLUME` directories (not system ones) are
    made the user's, the directories only: the files copied in stay root's, read-only to the
    app.

    No fix, and the finding says why, when the entrypoint switches users itself (`gosu`,
    `su-exec`, `setpriv`, `runuser`, `s6-setuidgid`, `chroot --userspec`, read also in an
    entrypoint script copied from the build context), when the stage has `ONBUILD` triggers
    (they would run as the new user in every image built on this one), and when the base
    image's family is unknown.

    ## Fix safety
    Unsafe: the image runs as another user, which is the hardening. The app can no longer
    write where only root may (its own files, `/etc`, `/var`), nor bind ports below 1024
    outside Docker (which sets `net.ipv4.ip_unprivileged_port_start=0`; Kubernetes with
    containerd and rootless Podman do not): an `EXPOSE` below 1024 is named in the message.
    `dfix verify` shows the user change ("runs as 10001:10001 (was root)"), the account files
    and home directory, the directories made the user's, and the new layer; nothing else.

    ## References
    - hadolint DL3002, Trivy DS-0002, Checkov CKV_DOCKER_3 and CKV_DOCKER_8
    - Docker's best practices: USER; CIS Docker Benchmark 4.1
    """

    code = "DF301"
    name = "root-final-user"
    summary = "The shipped image runs as root"
    fix_title = "Create an unprivileged user and switch to it"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = FixSafety.UNSAFE
    aliases = ("DL3002", "DS-0002", "CKV_DOCKER_3", "CKV_DOCKER_8")
    image_changes = ImageChanges(config=("User",))

    def check(self, ctx: Context) -> Iterator[Violation]:
        stage = shipped_stage(ctx)
        if stage is None:
            return
        user = ctx.model.end_state(stage).user
        user_instruction = last_user_instruction(stage)
        if is_root(user) is not True or _runs_as_its_own_user(stage, user_instruction):
            return
        in_stage = user_instruction in stage.instructions
        subject = user_instruction if user_instruction is not None and in_stage else stage.instructions[0]
        if user_instruction is not None:
            message = f"the shipped image runs as root (USER {user})"
        elif stage.family is Family.UNKNOWN:
            message = "the shipped image may run as root (no USER, and its base image's user is unknown)"
        else:
            message = "the shipped image runs as root (no USER)"
        start, end = subject.keyword_start, subject.content_end
        plan = _plan(ctx, stage, user_instruction)
        if isinstance(plan, str):
            yield self.violation(start, end, f"{message}; {plan}")
            return
        if plan.fix is None:
            yield self.violation(start, end, f"{message}; not fixed: {UNCLOSABLE}")
            return
        yield self.violation(start, end, f"{message}; {plan.title}{_port_note(stage)}", plan.fix)


def _runs_as_its_own_user(stage: Stage, user_instruction: Located | None) -> bool:
    """Whether the stage keeps a base image's own non-root user (``:nonroot`` distroless, …)."""
    shipped = shipped_user(stage.image) if stage.image is not None else None
    return user_instruction is None and shipped is not None and shipped.default


@dataclass(frozen=True, slots=True)
class _Plan:
    title: str
    fix: Fix | None  # None: the lines it adds cannot follow the stage's last line


def _plan(ctx: Context, stage: Stage, user_instruction: Located | None) -> _Plan | str:
    """The fix for ``stage``, or why there is none."""
    droppers = privilege_droppers(ctx, stage)
    if droppers:
        named = ", ".join(f"{d.program} (in {d.where})" for d in droppers)
        return (
            f"not fixed: the entrypoint switches users itself with {named}, so it is meant "
            "to start as root; a USER would break it"
        )
    if any(loc.node.upper_keyword == "ONBUILD" for current in chain(stage) for loc in current.instructions):
        return (
            "not fixed: the stage has ONBUILD triggers, which would run as the new user in every "
            "image built on this one"
        )
    if user_instruction is not None and (earlier := _earlier_user(ctx, user_instruction)) is not None:
        return _switch_back(ctx, stage, user_instruction, earlier)
    created = _created_user(stage)
    if created is not None:
        title = f"switch to the user the file creates ({created})"
        if not created.partition(":")[0].isdecimal():
            title += (
                "; by name, as the file gives it no fixed uid: Kubernetes' runAsNonRoot accepts "
                "only a numeric USER, so give it one (useradd --uid, adduser -u) and switch to that"
            )
        return _switch(ctx, stage, created, title)
    return _new_user(ctx, stage)


def _earlier_user(ctx: Context, user_instruction: Located) -> str | None:
    """The non-root user in force before a final ``USER root``, as that USER wrote it."""
    before = ctx.model.state_at(user_instruction.offset).user
    return before if is_root(before) is False else None


def _switch_back(ctx: Context, stage: Stage, user_instruction: Located, user: str) -> _Plan:
    after = insertion_point(stage)
    keyword = user_instruction.node.keyword
    if after == user_instruction:  # nothing after it needs root: it only changes the final user
        edit = Edit.replacement(
            user_instruction.keyword_start, user_instruction.content_end, f"{keyword} {user}"
        )
        return _Plan(
            f"switch back to {user}: nothing after USER root needs root",
            _fix(lambda: (edit,), (), adds_run=False),
        )
    needs = f"{after.node.upper_keyword} at line {after.line}"
    text = functools.partial(ctx.render, "users/switch.j2", ids=user, own=[])
    title = f"switch back to {user} after the last step that needs root ({needs})"
    return _Plan(title, _insert(after, text, (), adds_run=False))


def _created_user(stage: Stage) -> str | None:
    """``uid:gid`` (or ``uid``, or the name) of the last user the stage's chain creates."""
    found: Account | None = None
    gids: dict[str, str] = {}
    for script in chain_scripts(stage):
        for group in groups(script.script):
            if group.name and group.gid and group.gid.isdecimal():
                gids[group.name] = group.gid
        found = next(reversed([a for a in accounts(script.script) if a.name]), found)
    if found is None:
        return None
    if found.uid is None or not found.uid.isdecimal():
        return found.name
    gid = found.group if found.group and found.group.isdecimal() else gids.get(found.group or "")
    return f"{found.uid}:{gid}" if gid else found.uid  # a uid alone takes its passwd group


def _new_user(ctx: Context, stage: Stage) -> _Plan | str:
    image = stage.image
    family = stage.family
    if family is Family.WINDOWS:
        return _switch(
            ctx, stage, "ContainerUser", "switch to ContainerUser, the user every Windows base image has"
        )
    if image is not None and (shipped := shipped_user(image)) is not None:
        name = f"{shipped.name} " if shipped.name else ""
        return _switch(
            ctx, stage, shipped.ids, f"switch to {name}{shipped.ids}, the user {image.familiar} ships"
        )
    settings = ctx.settings.user
    if family is Family.SCRATCH:
        return _switch(
            ctx, stage, settings.ids, f"switch to {settings.ids} (scratch has no shell to create a user with)"
        )
    creation = _CREATION.get(family) if has_shell(ctx, stage) else None
    if creation is None:
        return (
            "not fixed: the base image's distribution is unknown, so how to create a user is "
            f"too; create one the way it needs and end with USER {settings.ids}"
        )
    template, shell = creation
    why = ""
    if template == "shadow" and not has_tool(stage, Tool.USERADD):
        template = "passwd"
        why = f" ({image.familiar if image else 'the base image'} may have no useradd)"
    own = _app_directories(ctx, stage)
    text = functools.partial(
        ctx.render,
        f"users/{template}.j2",
        name=settings.name,
        uid=settings.uid,
        gid=settings.gid,
        shell=shell,
        own=[shlex.quote(d) for d in own],
    )
    how = _HOW[template]
    owned = f", owner of {', '.join(own)}" if own else ""
    title = f"create user {settings.name} ({settings.ids}) with {how}{why}{owned}, and switch to it"
    paths = (*_ACCOUNT_FILES, f"/home/{settings.name}/**", *own)
    return _Plan(title, _insert(insertion_point(stage), text, paths, adds_run=True))


def _switch(ctx: Context, stage: Stage, ids: str, title: str) -> _Plan:
    """Switch to a user the image has; with a shell to run it, own the app's directories first."""
    directories = _app_directories(ctx, stage) if has_shell(ctx, stage) else []
    text = functools.partial(
        ctx.render, "users/switch.j2", ids=ids, own=[shlex.quote(d) for d in directories]
    )
    if directories:
        title += f", owner of {', '.join(directories)}"
    return _Plan(title, _insert(insertion_point(stage), text, tuple(directories), adds_run=bool(directories)))


def _app_directories(ctx: Context, stage: Stage) -> list[str]:
    """The stage's WORKDIR and VOLUME directories that are the app's (literal, not the system's)."""
    found = []
    workdir = ctx.model.end_state(stage).workdir
    if any(loc.node.upper_keyword == "WORKDIR" for current in chain(stage) for loc in current.instructions):
        found.append(workdir)
    for current in chain(stage):
        for located in current.instructions:
            if located.node.upper_keyword == "VOLUME":
                found += list(located.node.buildkit.value)
    return [
        d
        for d in dict.fromkeys(found)
        if d and d.startswith("/") and "$" not in d and posixpath.normpath(d) not in _SYSTEM_DIRECTORIES
    ]


def _port_note(stage: Stage) -> str:
    ports = []
    for located in stage.instructions:
        if located.node.upper_keyword == "EXPOSE":
            for word in located.node.buildkit.value:
                number = word.partition("/")[0]
                if number.isdecimal() and int(number) < _PRIVILEGED_PORTS:
                    ports.append(word)
    if not ports:
        return ""
    return (
        f" (EXPOSE {' '.join(ports)}: a non-root user can bind ports below 1024 under Docker, "
        "not under Kubernetes with containerd or rootless Podman; move the app to a port above 1023)"
    )


def _insert(after: Located, text: Callable[[], str], paths: tuple[str, ...], *, adds_run: bool) -> Fix | None:
    """The fix that puts the lines ``text()`` renders after ``after``, rendered only when its
    edits are read (the fix is applied, or its edits are shown)."""
    insert = lines_after(after)
    if insert is None:
        return None
    return _fix(lambda: insert(text()), paths, adds_run=adds_run)


def _fix(edits: Callable[[], Iterable[Edit]], paths: tuple[str, ...], *, adds_run: bool) -> Fix:
    changes = ImageChanges(config=("User",), paths=paths, layers=adds_run)
    return Fix.later("Switch to a non-root user", edits, Applicability.UNSAFE, changes)
