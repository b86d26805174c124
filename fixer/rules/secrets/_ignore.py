"""Keep the secret files a directory COPY brings along out of the build context: add them to
``.dockerignore``, a fix that edits a second file.

    COPY . .            (the context holds deploy/id_rsa)   →   .dockerignore gains `deploy/id_rsa`

The build no longer sends those files, so no layer of any image built from that context holds
them; nothing else the COPY brings changes. That is a change to every build of the context, so
the fix stands back wherever the files may be wanted:

- the Dockerfile names one of them after the COPY (``RUN rm id_rsa``, ``ENV KEY=/app/tls.key``,
  ``CMD … --key tls.key``), or another Dockerfile at the context's root does;
- a RUN after the COPY runs a tool that reads a file of that kind without being told (npm and
  yarn read the project's ``.npmrc``, git and curl a ``.netrc``, ssh and git the keys in
  ``~/.ssh``), or a RUN the shell analysis cannot read (exec form, a non-POSIX shell, a
  syntax error), or an ``ONBUILD``;
- a dotenv or ``.htpasswd`` file: applications read those when the image runs;
- the context has a per-Dockerfile ignore file (``Dockerfile.dockerignore``), which BuildKit
  reads instead of ``.dockerignore``, or its ``.dockerignore`` is not a UTF-8 regular file;
- a path that an entry would have to escape (a glob character, a blank at either end, a
  leading ``#`` or ``!``).

The entries are the files' exact paths, appended after every existing line (the last match
wins, so no earlier ``!`` exception re-includes them), in the file's own line ending; the fix
re-reads the result with BuildKit's rules and applies only if every file is then excluded.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from fixer.diagnostic import Applicability, Edit, FileEdit, Fix, ImageChanges
from fixer.rules.secrets._mount import destination

if TYPE_CHECKING:
    from fixer.rules._base import Context, Located
    from fixer.rules.secrets._files import SecretFile

__all__ = ["IGNORE_FILE", "ignore_fix"]

IGNORE_FILE: Final = ".dockerignore"
# Tools that read a credentials file of a kind without being pointed at it (by _files' kinds).
_SSH: Final = frozenset({"ssh", "scp", "sftp", "git", "rsync"})
_READERS: Final[dict[str, frozenset[str]]] = {
    "an npm credentials file": frozenset({"npm", "npx", "yarn", "pnpm", "corepack", "bun"}),
    "a PyPI credentials file": frozenset({"twine", "python", "python3", "poetry", "flit", "hatch"}),
    "a .netrc (passwords for hosts)": frozenset(
        {"curl", "wget", "git", "pip", "pip3", "python", "python3", "ftp", "lftp", "poetry", "uv"}
    ),
    "git's stored credentials": frozenset({"git"}),
    "Docker registry credentials": frozenset({"docker", "skopeo", "crane", "buildah", "podman"}),
    "S3 credentials": frozenset({"s3cmd"}),
    "PostgreSQL passwords": frozenset({"psql", "pg_dump", "pg_dumpall", "pg_restore"}),
    "a cloud credentials file": frozenset({"gcloud", "gsutil", "bq", "terraform", "aws"}),
    "a service account key": frozenset({"gcloud", "gsutil", "bq", "terraform"}),
    "AWS credentials": frozenset({"aws", "terraform"}),
    "a Kubernetes credentials file": frozenset({"kubectl", "helm"}),
    "an SSH private key": _SSH,
    "a private key": _SSH,
}
_NEEDED_WHEN_RUNNING: Final = frozenset({"a dotenv file", "a password file"})
_NEEDS_ESCAPING: Final = re.compile(r"[*?\[\\]|^[#!]|^\s|\s$")


def ignore_fix(ctx: Context, copy: Located, found: Sequence[SecretFile]) -> Fix | None:
    """The fix adding the secret files ``found`` (all brought along by the directory COPY
    ``copy``) to ``.dockerignore``, or None where it could take away a file the build uses."""
    ignore = ctx.files.get(IGNORE_FILE)
    if ctx.build_context is None or not ignore.editable:
        return None
    if any(s.kind in _NEEDED_WHEN_RUNNING or _NEEDS_ESCAPING.search(s.path) for s in found):
        return None
    if _wanted_later(ctx, copy, found) or _context_root_keeps_them(ctx, found):
        return None
    from fixer.dockerignore import DockerIgnore

    addition = _entries(ignore.text, [secret.path for secret in found])
    if not all(DockerIgnore.parse(ignore.text + addition).excludes(s.path) for s in found):
        return None
    landed = tuple(sorted({_landing(ctx, copy, secret) for secret in found}))
    names = ", ".join(secret.path for secret in found[:3]) + (" …" if len(found) > 3 else "")
    edit = FileEdit(IGNORE_FILE, (Edit.insertion(len(ignore.text), addition),))
    title = f"Add {names} to {IGNORE_FILE}: the build no longer sends {'it' if len(found) == 1 else 'them'}"
    changes = ImageChanges(paths=landed, layers=True, secrets=landed)
    return Fix(title, (), Applicability.UNSAFE, changes, files=(edit,))


def _entries(text: str, paths: Sequence[str]) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    lead = newline if text and not text.endswith("\n") else ""
    return lead + "".join(path + newline for path in paths)


def _wanted_later(ctx: Context, copy: Located, found: Sequence[SecretFile]) -> bool:
    """Whether an instruction after ``copy`` names one of the files, or may read one unasked."""
    from fixer.shell import run_scripts

    names = {posixpath.basename(secret.path) for secret in found}
    readers = frozenset().union(*(_READERS.get(secret.kind, frozenset()) for secret in found))
    later = ctx.instructions[ctx.instructions.index(copy) + 1 :]
    for located in later:
        if any(name in located.node.code for name in names):
            return True
        keyword = located.node.upper_keyword
        if keyword == "ONBUILD":
            return True
        if keyword != "RUN":
            continue
        scripts = run_scripts(located.node, ctx.model.state_at(located.offset).shell_is_posix)
        if not scripts or any(script.script.has_error for script in scripts):
            return True
        programs = {command.unwrapped_program() for script in scripts for command in script.script.commands}
        if programs & readers:
            return True
    return False


def _context_root_keeps_them(ctx: Context, found: Sequence[SecretFile]) -> bool:
    """Whether the context's root says the files must stay: a per-Dockerfile ignore file
    (``Dockerfile.dockerignore``, which BuildKit reads instead of ``.dockerignore``), or another
    Dockerfile there naming one of them (the ignore file is theirs too). This file itself
    counts, as on disk, if it is there: it names them only where ``_wanted_later`` already
    looks, or before the COPY."""
    from fixer.discover import is_dockerfile_name

    assert ctx.build_context is not None
    try:
        with os.scandir(ctx.build_context) as entries:
            names = [entry.name for entry in entries if entry.is_file()]
    except OSError:
        return True  # what cannot be read may need them
    if any(name.endswith(IGNORE_FILE) and name != IGNORE_FILE for name in names):
        return True
    secrets = [posixpath.basename(secret.path) for secret in found]
    dockerfiles = (ctx.files.get(name) for name in names if is_dockerfile_name(name))  # read once a run
    return any(secret in dockerfile.text for dockerfile in dockerfiles for secret in secrets)


def _landing(ctx: Context, copy: Located, secret: SecretFile) -> str:
    """Where the COPY put the file: a directory's contents land in the destination."""
    inside = posixpath.relpath(secret.path, secret.found_in or ".")
    return posixpath.normpath(posixpath.join(destination(ctx, copy), inside))
