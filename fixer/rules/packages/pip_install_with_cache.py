"""DF108 pip-install-with-cache: ``pip install`` that keeps the downloaded wheels in the layer."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from fixer.diagnostic import Fix, ImageChanges
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._run import Run, runs, sees_triggers
from fixer.rules.packages._cleanup import (
    environment,
    inline_variables,
    mount_covers,
    option_value,
    removes_any,
)

if TYPE_CHECKING:
    from fixer.shell import PackageInvocation

OPT_OUT = "--no-cache-dir"
PIP_CACHE = "/root/.cache/pip"
# pip reads PIP_NO_CACHE_DIR with strtobool and turns the cache off for any valid value, even
# "false" (kept for backward compatibility: pip's cmdoptions._handle_no_cache_dir).
STRTOBOOL = frozenset({"y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0"})


class PipInstallWithCache(Rule):
    """## What it does
    Finds ``pip install`` (``pip3``, ``python -m pip``) without ``--no-cache-dir``.

    ## Why is this bad?
    pip keeps every wheel it downloads or builds in ``~/.cache/pip``. In an image that cache is
    dead weight, often as large as the packages themselves, and a later RUN cannot take it out
    of the layer.

    ## Example
    ```dockerfile
    RUN pip install -r requirements.txt
    ```

    Use instead:
    ```dockerfile
    RUN pip install --no-cache-dir -r requirements.txt
    ```

    ## Fix safety
    Safe: the same packages are installed; only the copy pip would keep for next time is not
    written. Not reported when ``PIP_NO_CACHE_DIR`` is set (``ENV``, ``ARG`` or in the script;
    pip turns the cache off for any valid value), when the pip cache is a cache mount
    (``--mount=type=cache,target=/root/.cache/pip``), or when the RUN removes it afterwards.
    What it may change in the image: the files under ``~/.cache/pip`` are not written.

    ## References
    - hadolint DL3042
    - https://pip.pypa.io/en/stable/topics/caching/
    """

    code = "DF108"
    name = "pip-install-with-cache"
    summary = "`pip install` without `--no-cache-dir`"
    fix_title = "Add `--no-cache-dir`"
    fix_availability = FixAvailability.ALWAYS
    aliases = ("DL3042",)
    image_changes = ImageChanges(paths=("/**/.cache/pip/**", "/**/.cache"))

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for run in runs(ctx, triggers=True):
            script = run.script.script
            calls = [call for call in script.invocations("pip") if call.subcommand == "install"]
            if not calls:
                continue
            env = environment(ctx, run)
            for call in calls:
                word = call.subcommand_word
                if word is None or _no_cache(call) or _disabled({**env, **inline_variables(script, call)}):
                    continue
                if _cache_handled(run, call, env):
                    continue
                fix = Fix.safe(self.fix_title or "", run.insert_after(word, f" {OPT_OUT}"))
                start = run.span(call.command.words[0])[0]
                yield self.violation(start, run.after(word), f"`pip install` without `{OPT_OUT}`", fix)


def _cache_handled(run: Run, call: PackageInvocation, env: Mapping[str, str]) -> bool:
    """Whether the cache ``call`` writes is a cache mount, or removed later in the script."""
    xdg = env.get("XDG_CACHE_HOME")
    folders = (
        PIP_CACHE,
        env.get("PIP_CACHE_DIR"),
        option_value(call, "--cache-dir"),
        xdg and xdg.rstrip("/") + "/pip",
    )
    if mount_covers(run.located.node, *folders, wanted=_pip_cache):
        return True
    removal = removes_any(run.script.script, lambda path: _pip_cache(path) or path in folders)
    return removal is not None and removal.start >= call.command.end


def _no_cache(call: PackageInvocation) -> bool:
    """``--no-cache-dir``, or a prefix of it pip accepts as that option (``--no-cache``)."""
    for word in call.options:
        name = word.text.partition("=")[0]
        if len(name) >= len("--no-cache") and OPT_OUT.startswith(name):
            return True
    return False


def _disabled(env: Mapping[str, str]) -> bool:
    return env.get("PIP_NO_CACHE_DIR", "").strip().lower() in STRTOBOOL


def _pip_cache(target: str) -> bool:
    """pip's cache folder under any home (``/home/app/.cache/pip``, ``~/.cache/pip``), or ``~/.cache``."""
    return target.endswith(("/.cache/pip", "/.cache"))
