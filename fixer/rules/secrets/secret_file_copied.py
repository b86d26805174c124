"""DF202 secret-file-copied: a COPY or ADD that puts a secret file (a key, a credentials file)
into an image layer, named or brought along by a directory the build context sends."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

from fixer.diagnostic import ImageChanges
from fixer.rules._base import Context, FixAvailability, FixSafety, Located, Rule, Violation
from fixer.rules._stages import shipped_chain
from fixer.rules.secrets._files import SecretFile, content_says, secret_kind
from fixer.rules.secrets._ignore import IGNORE_FILE, ignore_fix
from fixer.rules.secrets._mount import landing, mount_fix

if TYPE_CHECKING:
    from pathlib import Path

    from fixer.context import BuildContext
    from fixer.dockerignore import DockerIgnore
    from fixer.model import Stage

_SHOWN: Final = 4  # secret files named in one message
_WALK_LIMIT: Final = 20_000  # files looked at below one copied directory
_SKIPPED_DIRECTORIES: Final = frozenset({".git", ".hg", ".svn"})


class SecretFileCopied(Rule):
    """## What it does
    Finds `COPY` and `ADD` instructions that put a secret into an image layer: a private key
    (`id_rsa`, `id_ed25519`, `*.key`, `*.p12`, `*-key.pem`), a credentials file (`.npmrc`,
    `.pypirc`, `.netrc`, `.git-credentials`, `.pgpass`, `.env`, a service account's JSON,
    `kubeconfig`), or any file copied to where a tool reads credentials (`~/.ssh/id_*`,
    `~/.aws/credentials`, `~/.docker/config.json`, `~/.kube/config`). With the build context
    at hand, it also looks inside copied directories (`COPY . .`), leaves out what
    `.dockerignore` excludes, and reads each candidate's first kilobyte: a `.key` holding a
    public key, or an `.npmrc` with no token in it, is no secret.

    ## Why is this bad?
    Every `COPY` is a layer of its own, and an image holds all its layers: a key copied in,
    used, and deleted in a later `RUN` is still in the image, readable by anyone who pulls it
    (`docker save`, then untar the layer). In a build stage that is not shipped, it stays in
    the build cache and in any image of that stage pushed for caching.

    ## Example
    ```dockerfile
    COPY .npmrc /root/.npmrc
    RUN npm ci && rm /root/.npmrc
    ```

    Use instead (and build with `--secret id=npmrc,src=.npmrc`):
    ```dockerfile
    RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    ```
    An SSH key used to clone: `RUN --mount=type=ssh git clone …` and `--ssh default`. A
    secret file that `COPY . .` brings along: add it to `.dockerignore`.

    ## Fix safety
    Unsafe, and offered for the pattern copy → use → delete within one stage: the COPY goes,
    every RUN from it to the one that deletes the file gets `--mount=type=secret,id=…,target=…`
    at the path the file was copied to, the deletion goes, and `# syntax=docker/dockerfile:1`
    is added when the file names no syntax. The build must then be given the file
    (`--secret id=npmrc,src=.npmrc`): the message and the JSON's `build_flags` say so, and
    `dfix verify` builds with it. Reported without a fix: a file never deleted (the image may
    need it when it runs), a COPY with `--chown`/`--chmod` or several sources, an `ADD`, RUNs
    as another user than root (a secret mount is root's, mode 0400), a deletion that is not
    a command of its own in an `&&` list, and a COPY or ADD in between that could write the
    same path. `dfix verify` shows the layer that is gone and the secret in no layer of the
    fixed image, and nothing else; the directory the COPY created may be missing.

    Secret files a directory COPY brings along (`COPY . .`) are added to the build context's
    `.dockerignore` (created if missing): a fix that edits that file, not the Dockerfile, and
    shown in `--diff` as its own file. Unsafe too, since it changes every build of that
    context, and left a finding wherever the build may want the file: a later instruction
    names it, a later RUN runs a tool that reads such a file unasked (npm or yarn a project's
    `.npmrc`, curl or git a `.netrc`, ssh or git a key), a later RUN the shell analysis
    cannot read, another Dockerfile at the context's root names it, a dotenv or `.htpasswd`
    (read when the image runs), or a `Dockerfile.dockerignore` (which BuildKit reads
    instead). The context's own Dockerfile is assumed to be at its root; one elsewhere using
    the same context is not looked at. Input from stdin gets no such fix (only the
    Dockerfile's text comes back). `dfix verify` builds the fixed file with the fixed
    `.dockerignore` and shows the files gone from the layer and nothing else.

    ## References
    - Docker's documentation: build secrets; CIS Docker Benchmark 4.10
    """

    code = "DF202"
    name = "secret-file-copied"
    summary = "A secret file copied into an image layer"
    fix_title = "Give the secret to the RUNs that use it as a secret mount"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = FixSafety.UNSAFE
    reads_build_context = True
    image_changes = ImageChanges(layers=True)

    def check(self, ctx: Context) -> Iterator[Violation]:
        ships = shipped_chain(ctx)
        context, ignored = _context(ctx)
        for located in ctx.instructions:
            node = located.node.buildkit
            if node.cmd.upper() not in ("COPY", "ADD") or any(f.startswith("--from") for f in node.flags):
                continue
            found = list(_secrets(ctx, located, context, ignored))
            if found:
                stage = ctx.model.stage_of(located.offset)
                message = _message(located, found, stage, ships)
                fix = None
                if len(found) == 1 and not found[0].brought_along and len(node.value) == 2:
                    fix = mount_fix(ctx, located, node.value[0], landing(ctx, located, node.value[0]))
                elif all(secret.brought_along for secret in found):
                    fix = ignore_fix(ctx, located, found)
                yield self.violation(located.keyword_start, located.content_end, message, fix)


def _context(ctx: Context) -> tuple[BuildContext | None, DockerIgnore | None]:
    """The build context and its .dockerignore (as fixes so far left it), read only when there
    is one (cold start)."""
    if ctx.build_context is None:
        return None, None
    from fixer.context import BuildContext
    from fixer.dockerignore import DockerIgnore

    return BuildContext(ctx.build_context), DockerIgnore.parse(ctx.files.get(IGNORE_FILE).text)


def _secrets(
    ctx: Context, located: Located, context: BuildContext | None, ignored: DockerIgnore | None
) -> Iterator[SecretFile]:
    sources = located.node.buildkit.value[:-1]
    for source in sources:
        if "$" in source or source.startswith("<<") or "://" in source:
            continue
        landed = landing(ctx, located, source)
        kind = secret_kind(source, landed)
        if context is None or ignored is None:
            if kind is not None:
                yield SecretFile(source, kind)
            continue
        from fixer.context import Kind  # with a build context only

        for entry in context.entries(source):
            if ignored.excludes(entry.path):
                continue
            if entry.kind is Kind.DIRECTORY:
                yield from _inside(context.root, entry.path, ignored)
            elif kind is not None and entry.kind is not Kind.MISSING:
                name_kind = secret_kind(entry.path, landed) or kind
                if content_says(context.root / entry.path, name_kind):
                    yield SecretFile(entry.path, name_kind)


def _inside(root: Path, directory: str, ignored: DockerIgnore) -> Iterator[SecretFile]:
    """The secret files below ``directory`` that the build sends (not excluded, not symlinks)."""
    seen = 0
    for current, directories, files in os.walk(root / directory):
        relative = os.path.relpath(current, root).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        directories[:] = sorted(
            d for d in directories if d not in _SKIPPED_DIRECTORIES and not ignored.excludes(prefix + d)
        )
        for name in sorted(files):
            seen += 1
            if seen > _WALK_LIMIT:
                return
            path = prefix + name
            kind = secret_kind(path)
            if kind is None or ignored.excludes(path) or os.path.islink(root / path):
                continue
            if content_says(root / path, kind):
                yield SecretFile(path, kind, brought_along=True, found_in=directory)


def _message(located: Located, found: list[SecretFile], stage: Stage | None, ships: frozenset[int]) -> str:
    kinds = " and ".join(dict.fromkeys(secret.kind for secret in found))
    named = ", ".join(secret.path for secret in found[:_SHOWN]) + (" …" if len(found) > _SHOWN else "")
    where = (
        "the shipped image's layer"
        if stage is not None and stage.index in ships
        else "a build stage's layer (in the build cache, and in any image of that stage pushed)"
    )
    remedy = "use `RUN --mount=type=secret,id=…,target=…` (an SSH key: `--mount=type=ssh`) where it is needed"
    brought = sum(secret.brought_along for secret in found)
    if brought:
        remedy = f"add {'it' if brought == 1 else 'them'} to .dockerignore, or " + remedy
    return (
        f"`{located.node.upper_keyword}` puts {kinds} ({named}) into {where}; deleting it later "
        f"does not take it out of that layer; {remedy}"
    )
