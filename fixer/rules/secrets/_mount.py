"""Move a secret file the Dockerfile copies in, uses and deletes into a BuildKit secret mount.

The pattern it rewrites, within one stage:

    COPY .npmrc /root/.npmrc                       (deleted)
    RUN npm ci && rm -f /root/.npmrc        →      RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci

Every RUN from the COPY to the one that deletes the file gets the mount, at the path the COPY
put the file, so each sees the file where it was; the deletion goes (a mounted file cannot be
removed, and there is nothing left to remove). The build must then be given the file:
``--secret id=npmrc,src=.npmrc``, which the fix says (``Fix.requires``).

It applies only when that reading is certain, and reports otherwise: a COPY of one literal
file without flags (``--chown``/``--chmod`` would need the mount's ``uid``/``mode``), RUNs as
root (a secret mount is root's, mode 0400; the copied file was readable by all), a deletion
of exactly that path as a command of its own in an ``&&`` list, and no COPY or ADD in between
that could write that path. A file never deleted may be needed when the image runs: reported.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from typing import TYPE_CHECKING, Final

from fixer.diagnostic import Applicability, BuildSecret, Edit, Fix, ImageChanges
from fixer.rules._run import Run
from fixer.rules._stages import is_root

if TYPE_CHECKING:
    from fixer.model import Stage
    from fixer.rules._base import Context, Located
    from fixer.shell import Command

__all__ = ["destination", "landing", "mount_fix"]

_RM_FLAGS: Final = frozenset({"-f", "-r", "-R", "-rf", "-fr", "-Rf", "-fR", "--force", "--recursive"})
_ID_CHARACTERS: Final = re.compile(r"[^A-Za-z0-9_.-]")
# BuildKit reads RUN --mount with the current Dockerfile syntax (a build pulls that frontend).
_SYNTAX: Final = "# syntax=docker/dockerfile:1"


def mount_fix(ctx: Context, copy: Located, source: str, landing: str) -> Fix | None:
    """The fix for ``copy`` (``COPY source …`` putting the file at ``landing``), or None."""
    from fixer.shell import run_scripts

    stage = ctx.model.stage_of(copy.offset)
    if stage is None or copy.node.buildkit.flags or len(copy.node.buildkit.value) != 2:
        return None
    if copy.node.upper_keyword != "COPY":  # ADD would unpack an archive: another meaning
        return None
    secret_id = _ID_CHARACTERS.sub("_", posixpath.basename(source).lstrip(".")) or "secret"
    mount = f"--mount=type=secret,id={secret_id},target={landing} "
    edits = [Edit.deletion(copy.offset, copy.end)]
    for located in _after(stage, copy):
        keyword = located.node.upper_keyword
        if keyword in ("COPY", "ADD") and _may_write(ctx, located, landing):
            return None
        if keyword == "ONBUILD":
            return None
        if keyword != "RUN":
            continue
        if is_root(ctx.model.state_at(located.offset).user) is not True:
            return None
        scripts = run_scripts(located.node)
        workdir = ctx.model.state_at(located.offset).workdir or "/"
        removal = _removal(Run(located, scripts[0]), landing, workdir) if len(scripts) == 1 else None
        if removal == "whole":
            edits.append(Edit.deletion(located.offset, located.end))
            return _fix(ctx, edits, secret_id, source, landing)
        edits.append(Edit.insertion(_flags_start(located), mount))
        if isinstance(removal, Edit):
            edits.append(removal)
            return _fix(ctx, edits, secret_id, source, landing)
    return None  # never deleted: the image may need it when it runs


def _after(stage: Stage, located: Located) -> list[Located]:
    index = stage.instructions.index(located)
    return list(stage.instructions[index + 1 :])


def _flags_start(located: Located) -> int:
    """Right after ``RUN`` and its blanks: where a flag goes, before any other."""
    span = located.node.keyword_span()
    assert span is not None  # a RUN that parses as a RUN has its keyword on its first line
    code = located.node.code
    at = span[1]
    while at < len(code) and code[at] in " \t":
        at += 1
    return located.offset + at


def _removal(run: Run, landing: str, workdir: str) -> Edit | str | None:
    """How to take ``rm landing`` out of the RUN: an edit, ``"whole"`` when it is all the RUN
    runs, None when the RUN does not remove it (or removes it in a way not edited here)."""
    script = run.script.script
    if script.has_error:
        return None
    commands = list(script.commands)
    for index, command in enumerate(commands):
        moved = any(c.program in ("cd", "pushd", "popd") for c in commands[:index])
        if not _removes_exactly(command, landing, None if moved else workdir):
            continue
        if command.in_subshell or command.in_condition or command.in_loop or command.in_function:
            return None
        if len(commands) == 1:
            return "whole"
        if index > 0 and command.connector == "&&":  # `… && rm x`: from the `&&` (and the blanks before it)
            start = _and_before(script.text, commands[index - 1].end, command.start)
            if start is None:
                return None
            return Edit.deletion(run.offset(start - 1) + 1, run.offset(command.end - 1) + 1)
        if index == 0 and commands[1].connector == "&&":  # `rm x && …`
            return Edit.deletion(run.offset(command.start), run.offset(commands[1].start))
        return None
    return None


def _and_before(text: str, previous_end: int, start: int) -> int | None:
    """Where the blanks before the ``&&`` that joins the command ending at ``previous_end`` (its
    redirections stay with it) to the one at ``start`` begin in ``text``."""
    at = text.rfind("&&", previous_end, start)
    if at < 0:
        return None
    while at > previous_end and text[at - 1] in " \t\\\n":
        at -= 1
    return at


def _removes_exactly(command: Command, landing: str, workdir: str | None) -> bool:
    """Whether ``command`` is ``rm`` of ``landing`` and nothing else; a relative path is read in
    ``workdir`` (None: a ``cd`` ran before it, so only an absolute path tells)."""
    if command.unwrapped_program() != "rm":
        return False
    operands = [w.text for w in (command.unwrapped() or ())[1:] if w.text not in _RM_FLAGS]
    return bool(operands) and all(
        (o.startswith("/") or workdir is not None)
        and posixpath.normpath(posixpath.join(workdir or "/", o)) == landing
        for o in operands
    )


def destination(ctx: Context, located: Located) -> str:
    """The path the COPY/ADD ``located`` writes to: its last word, the stage's WORKDIR applied."""
    words = located.node.buildkit.value
    workdir = ctx.model.state_at(located.offset).workdir or "/"
    return posixpath.normpath(posixpath.join(workdir, words[-1] if words else ""))


def landing(ctx: Context, located: Located, source: str) -> str:
    """Where the COPY/ADD ``located`` puts the file ``source``: absolute, the WORKDIR applied."""
    *sources, last = located.node.buildkit.value
    target = destination(ctx, located)
    if last.endswith("/") or len(sources) > 1:
        target = posixpath.join(target, posixpath.basename(source.rstrip("/")))
    return posixpath.normpath(target)


def _may_write(ctx: Context, located: Located, path: str) -> bool:
    """Whether a COPY/ADD between the secret's COPY and its deletion could write ``path``."""
    sources = located.node.buildkit.value[:-1]
    target = destination(ctx, located)
    name = posixpath.basename(path)
    for source in sources:
        if landing(ctx, located, source) == path:
            return True
        if not (path.startswith(target.rstrip("/") + "/") or target == "/"):
            continue  # writes elsewhere
        base = posixpath.basename(source.rstrip("/"))
        if "$" in source or base in ("", ".", "..") or "." not in base or fnmatch.fnmatchcase(name, base):
            return True  # a directory (its contents land here), or a pattern that may match
    return False


def _fix(ctx: Context, edits: list[Edit], secret_id: str, source: str, landing: str) -> Fix:
    from fixer.snippets import newline  # only files that get this fix pay for it

    if not any(directive.name == "syntax" for directive in ctx.tree.directives):
        start = 1 if ctx.tree.code.startswith("\ufeff") else 0
        edits.append(Edit.insertion(start, _SYNTAX + newline(ctx.tree)))
    changes = ImageChanges(paths=(landing, posixpath.dirname(landing)), layers=True, secrets=(landing,))
    title = f"Give {landing} to the RUNs that use it as a secret mount, not a layer"
    return Fix(title, tuple(edits), Applicability.UNSAFE, changes, (BuildSecret(secret_id, source),))
