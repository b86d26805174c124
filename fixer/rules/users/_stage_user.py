"""Where a switch to another user may go in the shipped stage, and what would break.

Shared by the rules that act on the user of the shipped image (DF301) and on what must happen
before the switch away from root (DF302's SUID strip goes just before it).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from fixer.model.images import Family
from fixer.rules._base import Context, Located
from fixer.rules._stages import chain

if TYPE_CHECKING:
    from fixer.model import Stage

__all__ = ["BUILD_STEPS", "has_shell", "insertion_point", "last_user_instruction", "privilege_droppers"]

# Instructions whose effect depends on the user they run as (RUN, and WORKDIR/COPY/ADD, which
# create files owned by it): a switch away from root goes after the last of them. Everything
# else (CMD, ENTRYPOINT, EXPOSE, ENV, LABEL, HEALTHCHECK, …) only sets the image config.
BUILD_STEPS: Final = frozenset({"RUN", "COPY", "ADD", "WORKDIR", "USER"})

# Families whose images have a POSIX shell and the tools a fix runs in it (find, chown, mkdir,
# echo; GNU or BusyBox): distroless, Chainguard's images, scratch, Windows and the unknown are
# not assumed to.
_SHELL_FAMILIES: Final = frozenset(
    {
        Family.DEBIAN, Family.UBUNTU, Family.RHEL, Family.FEDORA, Family.AMAZONLINUX, Family.SUSE,
        Family.ALPINE, Family.BUSYBOX,
    }
)  # fmt: skip

# Programs an entrypoint uses to start the app as another user after doing root's part
# (chown a volume, bind a port): the image is meant to start as root.
_DROPPERS: Final = frozenset({"gosu", "su-exec", "setpriv", "runuser", "s6-setuidgid", "chpst", "setuidgid"})


def has_shell(ctx: Context, stage: Stage) -> bool:
    """Whether a fix may RUN a POSIX command at the end of ``stage``: a family known to have a
    shell, and no SHELL that replaced it."""
    return stage.family in _SHELL_FAMILIES and ctx.model.end_state(stage).shell_is_posix


def last_user_instruction(stage: Stage) -> Located | None:
    """The USER instruction in force at the end of ``stage`` (in it or a stage it is built on)."""
    for current in chain(stage):
        for located in reversed(current.instructions):
            if located.node.upper_keyword == "USER":
                return located
    return None


def insertion_point(stage: Stage) -> Located:
    """The instruction a switch away from root goes right after: the stage's last build step
    (its FROM when it has none), so every step keeps running as it did."""
    steps = [loc for loc in stage.instructions if loc.node.upper_keyword in BUILD_STEPS]
    return steps[-1] if steps else stage.instructions[0]


@dataclass(frozen=True, slots=True)
class Dropper:
    """A program the image's entrypoint runs to switch users; ``where``: in the instruction,
    or in the named script from the build context."""

    program: str
    where: str


def privilege_droppers(ctx: Context, stage: Stage) -> list[Dropper]:
    """The user-switching programs the stage's ENTRYPOINT (else CMD) runs, directly or in the
    script it starts when that script is copied from the build context."""
    start = _start_instruction(stage)
    if start is None:
        return []
    node = start.node.buildkit
    words = list(node.value)
    found = [Dropper(p, start.node.upper_keyword) for p in _programs(words, shell_form=not node.json)]
    script = _copied_script(ctx, stage, words[0] if node.json and words else None)
    if script is not None:
        name, text = script
        found += [Dropper(p, name) for p in _programs([text], shell_form=True)]
    return found


def _start_instruction(stage: Stage) -> Located | None:
    for keyword in ("ENTRYPOINT", "CMD"):
        for current in chain(stage):
            for located in reversed(current.instructions):
                if located.node.upper_keyword == keyword:
                    return located
    return None


def _programs(words: list[str], *, shell_form: bool) -> list[str]:
    """The user-switching programs among ``words`` (an exec-form argv), or run by the script
    ``words[0]`` (shell form); ``chroot --userspec`` counts."""
    if shell_form:
        from fixer.shell import analyse

        script = analyse(" ".join(words))
        argvs = [[w.text for w in command.words] for command in script.commands]
    else:
        argvs = [words]
    found = []
    for argv in argvs:
        for index, word in enumerate(argv):
            program = posixpath.basename(word)
            if program in _DROPPERS or (program in ("su", "sudo") and index == 0):
                found.append(program)
            elif program == "chroot" and any(w.startswith("--userspec") for w in argv[index:]):
                found.append("chroot --userspec")
    return list(dict.fromkeys(found))


_MAX_SCRIPT: Final = 1 << 20


def _copied_script(ctx: Context, stage: Stage, program: str | None) -> tuple[str, str] | None:
    """The text of the entrypoint script ``program`` when a COPY/ADD in the stage's chain puts it
    there from the build context (read, never written), with its context path."""
    if ctx.build_context is None or program is None or not program.startswith(("/", "./")):
        return None
    for current in chain(stage):
        for located in reversed(current.instructions):
            source = _copied_from(located, program, ctx.model.state_at(located.offset).workdir)
            if source is None:
                continue
            path = (ctx.build_context / source).resolve()
            if ctx.build_context.resolve() not in path.parents or not path.is_file():
                return None
            if path.stat().st_size > _MAX_SCRIPT:
                return None
            return source, path.read_text(encoding="utf-8", errors="replace")
    return None


def _copied_from(located: Located, program: str, workdir: str | None) -> str | None:
    """The context path a plain ``COPY src dest`` (no ``--from``) puts at ``program``, if any."""
    node = located.node.buildkit
    if node.cmd.upper() not in ("COPY", "ADD") or any(f.startswith("--from") for f in node.flags):
        return None
    *sources, dest = node.value
    base = workdir or "/"
    target = posixpath.normpath(posixpath.join(base, program))
    destination = posixpath.join(base, dest)
    for source in sources:
        if "$" in source or "*" in source or "://" in source:
            continue
        into_directory = dest.endswith("/") or len(sources) > 1
        placed = posixpath.join(destination, posixpath.basename(source)) if into_directory else destination
        if posixpath.normpath(placed) == target:
            return source
    return None
