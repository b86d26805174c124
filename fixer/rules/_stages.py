"""The stages an image is made of and who runs their steps: the shipped stage (configuration's
``target``, else the last), the stages a stage is built FROM, their RUN scripts, and whether a
``USER`` value is root. Rules of every family read these.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fixer.model import Stage
    from fixer.rules._base import Context
    from fixer.shell import RunScript

__all__ = ["chain", "chain_scripts", "is_root", "shipped_chain", "shipped_stage"]


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


def is_root(user: str | None) -> bool | None:
    """Whether ``USER user`` runs as root (None, the image default, is root for an image that
    does not say otherwise); None when it cannot be told (``$APP_UID`` unresolved)."""
    if user is None:
        return True
    name = user.partition(":")[0]
    if "$" in name:
        return None
    return name in ("root", "0")
