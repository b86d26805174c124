"""DF109 node-package-cache-not-cleaned: ``yarn``/``npm`` installs that leave their cache in the layer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fixer.diagnostic import Fix, ImageChanges
from fixer.rules._base import Context, FixAvailability, FixSafety, Rule, Violation
from fixer.rules._run import Run, append_command, sees_triggers
from fixer.rules.packages._cleanup import (
    environment,
    mount_covers,
    option_value,
    removes_any,
    removes_program,
    run_groups,
    unconditional,
    wrapper_prefix,
)

if TYPE_CHECKING:
    from fixer.shell import PackageInvocation, Word

NPM_INSTALLS = frozenset(
    {
        "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall", "add",
        "ci", "clean-install", "ic", "install-clean", "isntall-clean", "install-test", "it",
        "install-ci-test", "cit",
    }
)  # fmt: skip
PROGRAMS = frozenset({"npm", "yarn", "node", "nodejs"})
YARN_INSTALLS = frozenset({"install", "add"})
YARN_NOT_INSTALLING = frozenset({"-v", "--version", "-h", "--help"})
# Yarn 2+ ("berry"): with Plug'n'Play the application loads its packages from the cache itself.
BERRY_OPTIONS = frozenset({"--immutable", "--immutable-cache", "--check-cache", "--inline-builds"})
BERRY_SUBCOMMANDS = frozenset({"set", "dlx", "workspaces", "plugin"})
BERRY_FILES = (".yarnrc.yml", ".yarn", ".pnp.cjs", ".pnp.js", ".pnp.loader.mjs")


@dataclass(frozen=True, slots=True)
class Tool:
    """What one package manager installs with, caches where, and cleans with."""

    manager: str
    cleanup: str
    caches: tuple[str, ...]
    cache_env: tuple[str, ...]
    cache_option: str
    is_cache: Callable[[str], bool]


YARN = Tool(
    manager="yarn",
    cleanup="yarn cache clean",
    caches=("/usr/local/share/.cache/yarn", "/root/.cache/yarn"),
    cache_env=("YARN_CACHE_FOLDER", "yarn_cache_folder"),
    cache_option="--cache-folder",
    is_cache=lambda path: (
        path.endswith(("/.cache/yarn", "/.yarn/cache", "/.yarn/berry", "/.yarn/berry/cache"))
        or "yarn cache dir" in path
    ),
)
NPM = Tool(
    manager="npm",
    cleanup="npm cache clean --force",
    caches=("/root/.npm",),
    cache_env=("npm_config_cache", "NPM_CONFIG_CACHE"),
    cache_option="--cache",
    is_cache=lambda path: path.endswith(("/.npm", "/.npm/_cacache")) or path == "~/.npm",
)


class NodePackageCacheNotCleaned(Rule):
    """## What it does
    Finds RUN instructions that install packages with ``yarn`` (``yarn``, ``yarn install``,
    ``yarn add``) or ``npm`` (``npm install``, ``npm ci``) and do not clean its cache afterwards.

    ## Why is this bad?
    yarn and npm keep a copy of every package they download (``/usr/local/share/.cache/yarn``,
    ``~/.npm``), which the application never reads: it uses ``node_modules``. The copy often
    doubles the size of the layer, and a later RUN cannot take it out.

    ## Example
    ```dockerfile
    RUN yarn install --frozen-lockfile
    RUN npm ci
    ```

    Use instead:
    ```dockerfile
    RUN yarn install --frozen-lockfile && yarn cache clean
    RUN npm ci && npm cache clean --force
    ```

    ## Fix safety
    Safe: the cleanup is appended to the same RUN, laid out as the RUN already is, and runs only
    when everything before it succeeded. It is unsafe when the RUN or the stage shows Yarn 2+
    (``.yarnrc.yml``, ``.yarn/``, ``corepack``, ``--immutable``…): with Plug'n'Play the
    application loads its packages from the cache. No fix is offered when the install runs only
    in some branch of the script (``if``, a function) or the script removes npm, yarn or node
    after it. Not reported when the RUN removes the cache or keeps it in a cache mount
    (``--mount=type=cache,target=/root/.npm``). What it may change in the image: the caches
    (``~/.npm``, ``/usr/local/share/.cache/yarn``, ``~/.cache/yarn``) are gone.

    ## References
    - hadolint DL3060 (yarn)
    - https://docs.npmjs.com/cli/commands/npm-cache
    """

    code = "DF109"
    name = "node-package-cache-not-cleaned"
    summary = "yarn/npm cache left in the layer"
    fix_title = "Clean the package cache in the same RUN"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = FixSafety.VARIES
    aliases = ("DL3060",)
    image_changes = ImageChanges(
        paths=("/**/.npm/_cacache/**", "/**/.cache/yarn/**", "/usr/local/share/.cache/**", "/**/.cache")
    )

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for group in run_groups(ctx, triggers=True):
            for tool in (YARN, NPM):
                violation = self._check_tool(ctx, group, tool)
                if violation is not None:
                    yield violation

    def _check_tool(self, ctx: Context, group: list[Run], tool: Tool) -> Violation | None:
        installs = [
            (run, call, word)
            for run in group
            for call in run.script.script.invocations(tool.manager)
            if (word := _installing(call)) is not None
        ]
        if not installs:
            return None
        env = environment(ctx, group[0])
        caches = (*tool.caches, *(env.get(name) for name in tool.cache_env))
        caches += tuple(option_value(call, tool.cache_option) for _, call, _ in installs)
        if mount_covers(group[0].located.node, *caches, wanted=tool.is_cache):
            return None
        last_run, last, _ = installs[-1]
        for run in group:
            script = run.script.script
            start = last.command.end if run is last_run else 0
            calls = script.invocations(tool.manager)
            if any(_cleans(call) and call.command.start >= start for call in calls):
                return None
            removal = removes_any(script, lambda path: tool.is_cache(path) or path in caches)
            if removal is not None and removal.start >= start:
                return None
        fix = None
        # `--cache DIR` / `--cache-folder DIR`: a plain clean would empty the default cache instead.
        custom_cache = any(option_value(call, tool.cache_option) for _, call, _ in installs)
        if (
            not custom_cache
            and all(unconditional(call.command) for _, call, _ in installs)
            and not removes_program(last_run.script.script, last.command.end, PROGRAMS)
        ):
            edit = append_command(last_run, wrapper_prefix(last) + tool.cleanup)
            title = f"Run `{tool.cleanup}` at the end of the RUN"
            if edit is None:
                fix = None
            elif tool is YARN and _berry(ctx, group):
                fix = Fix.unsafe(title, edit)
            else:
                fix = Fix.safe(title, edit)
        first_run, first, word = installs[0]
        words = first.command.words
        action = " ".join(w.text for w in words[words.index(_manager_word(first)) : words.index(word) + 1])
        start = first_run.span(words[0])[0]
        return self.violation(start, first_run.after(word), f"`{action}` without `{tool.cleanup}`", fix)


def _installing(call: PackageInvocation) -> Word | None:
    """The last word naming an install (``install``, ``add`` of ``global add``, a bare ``yarn``)."""
    if call.manager == "npm":
        return call.subcommand_word if call.subcommand in NPM_INSTALLS else None
    if call.subcommand is None:
        return None if any(word.text in YARN_NOT_INSTALLING for word in call.options) else _manager_word(call)
    if call.subcommand in YARN_INSTALLS:
        return call.subcommand_word
    if call.subcommand == "global" and call.packages and call.packages[0].value == "add":
        return call.packages[0]
    return None


def _manager_word(call: PackageInvocation) -> Word:
    """The word that runs the manager (``yarn`` in ``sudo yarn add x``)."""
    words = call.command.words
    return next((w for w in words if w.text.rpartition("/")[2] == call.manager), words[0])


def _cleans(call: PackageInvocation) -> bool:
    """``yarn cache clean``, ``npm cache clean`` (or its aliases)."""
    if call.subcommand != "cache" or not call.packages:
        return False
    return call.packages[0].value in (("clean",) if call.manager == "yarn" else ("clean", "clear", "rm"))


def _berry(ctx: Context, group: list[Run]) -> bool:
    """Whether the RUN or what its stage copied in shows Yarn 2+."""
    for run in group:
        for command in run.script.script.commands:
            if command.program == "corepack":
                return True
        for call in run.script.script.invocations("yarn"):
            if call.subcommand in BERRY_SUBCOMMANDS or any(w.text in BERRY_OPTIONS for w in call.options):
                return True
    offset = group[0].located.offset
    stage = ctx.model.stage_of(offset)
    while stage is not None:
        for located in stage.instructions:
            if located.offset >= offset:
                break
            if located.node.upper_keyword in ("COPY", "ADD") and _copies_berry_files(
                located.node.buildkit.value
            ):
                return True
        stage = stage.parent
    return False


def _copies_berry_files(words: tuple[str, ...]) -> bool:
    sources = words[:-1]
    return any(part in BERRY_FILES for word in sources for part in word.split("/"))
