"""Facts package-manager rules share: cache mounts, cleanup commands, later RUNs that rely on caches."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

from fixer.syntax import Instruction

if TYPE_CHECKING:
    from fixer.shell import Script


def cache_mount_targets(instruction: Instruction) -> list[str]:
    """Targets of ``RUN --mount=type=cache,target=…``: what lands there never reaches a layer."""
    targets = []
    for flag in instruction.buildkit.flags:
        name, _, spec = flag.partition("=")
        if name != "--mount":
            continue
        fields = dict(_field(part) for part in next(csv.reader([spec]), []))
        if fields.get("type") == "cache":
            target = fields.get("target") or fields.get("dst") or fields.get("destination")
            if target:
                targets.append(target.rstrip("/") or "/")
    return targets


def _field(part: str) -> tuple[str, str]:
    key, _, value = part.partition("=")
    return key.strip().lower(), value.strip()


def covered_by_cache(instruction: Instruction, path: str) -> bool:
    """Whether ``path`` lies inside a cache mount of this RUN."""
    return any(path == target or path.startswith(target + "/") for target in cache_mount_targets(instruction))


def removes(script: Script, path: str) -> bool:
    """Whether the script runs ``rm`` on ``path``, on what is inside it (``path/*``), or on a parent."""
    for command in script.commands:
        if command.program != "rm":
            continue
        for word in command.args():
            value = word.value
            removed = None if value is None else value.rstrip("/*")
            if removed and (
                removed == path or path.startswith(removed + "/") or removed.startswith(path + "/")
            ):
                return True
    return False


def _inside(path: str, folder: str) -> bool:
    return path.startswith(folder + "/")
