"""The stages an image is made of and who runs their steps: the shipped stage (configuration's
``target``, else the last), the stages a stage is built FROM, their RUN scripts, and whether a
``USER`` value is root. Rules of every family read these.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fixer.model import Stage
    from fixer.rules._base import Context, Located
    from fixer.shell import RunScript

__all__ = ["chain", "chain_scripts", "inherits", "is_root", "layered_on", "shipped_chain", "shipped_stage"]


def shipped_stage(ctx: Context) -> Stage | None:
    """The stage whose image ships: configuration's ``target``, else the last one."""
    target = ctx.settings.target
    return ctx.model.target(target) if target else ctx.model.final


def shipped_chain(ctx: Context) -> frozenset[int]:
    """The indices of the shipped stage and the stages it is built on: what the image holds."""
    shipped = shipped_stage(ctx)
    return frozenset() if shipped is None else frozenset(stage.index for stage in chain(shipped))


def chain(stage: Stage) -> Iterator[Stage]:
    """``stage`` and the stages it is built FROM, nearest first."""
    current: Stage | None = stage
    while current is not None:
        yield current
        current = current.parent


def chain_scripts(stage: Stage) -> Iterator[RunScript]:
    """The shell scripts the RUNs of ``stage`` and the stages it is built on run, in build order."""
    from fixer.shell import run_scripts  # only for stages that have a RUN

    for current in reversed(list(chain(stage))):
        for located in current.instructions:
            if located.node.upper_keyword == "RUN":
                yield from run_scripts(located.node)


def inherits(ctx: Context, home: Located, later: Located) -> bool:
    """Whether ``later`` runs on top of the layer ``home`` makes (same stage, or built on it)."""
    from fixer.model import builds_on

    stage, base = ctx.model.stage_of(later.offset), ctx.model.stage_of(home.offset)
    return stage is not None and base is not None and builds_on(stage, base)


def layered_on(ctx: Context, home: Located) -> Iterator[Located]:
    """The instructions after ``home`` that run on top of the layer it makes, in file order: the
    rest of its stage, then the stages built on it. Only those stages are walked, so a rule
    asking this for every RUN stays linear in a file of many stages."""
    stage = ctx.model.stage_of(home.offset)
    if stage is None:
        return
    for current in ctx.shared("built-on", _built_on)[stage.index]:
        for located in current.instructions:
            if located.offset > home.offset:
                yield located


def _built_on(ctx: Context) -> list[list[Stage]]:
    """Per stage: itself and the stages built on it, in file order (a base comes before the
    stages built FROM it)."""
    built_on: list[list[Stage]] = [[] for _ in ctx.model.stages]
    for stage in ctx.model.stages:
        for base in chain(stage):
            built_on[base.index].append(stage)
    return built_on


def is_root(user: str | None) -> bool | None:
    """Whether ``USER user`` runs as root (None, the image default, is root for an image that
    does not say otherwise); None when it cannot be told (``$APP_UID`` unresolved)."""
    if user is None:
        return True
    name = user.partition(":")[0]
    if "$" in name:
        return None
    return name in ("root", "0")
