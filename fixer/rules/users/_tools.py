"""Whether the shipped stage has the programs a users fix would run: ``useradd``/``groupadd``
(shadow-utils) and ``find`` (findutils).

A fix that calls a program the image lacks fails the build, so a program counts as there only
when the base image is known to ship it, the stage's FROM chain installs its package first, or a
RUN of that chain already ran it where its absence would have failed the build.
What each family's images ship (their own documentation and issue trackers):

| images | useradd, groupadd | find |
|---|---|---|
| Debian, Ubuntu | yes (`passwd` is required) | yes (`findutils` is essential) |
| Alpine, BusyBox | no (BusyBox's `adduser`) | yes (a BusyBox applet) |
| UBI, CentOS, Rocky, Alma, Oracle Linux | yes | yes |
| … their `-minimal`, `-micro` images (microdnf) | no | no |
| … Oracle Linux `-slim` | yes | not assumed |
| Fedora | yes | no (not in its container image) |
| Amazon Linux 2 | no (shadow-utils is not installed) | yes |
| Amazon Linux 2023, `latest` | no | no (findutils left out on purpose) |
| SUSE (BCI, openSUSE) | not assumed | not assumed |
"""

from __future__ import annotations

import re
from enum import Enum
from typing import TYPE_CHECKING, Final

from fixer.model.images import Family
from fixer.rules._stages import chain_scripts

if TYPE_CHECKING:
    from fixer.model import ImageRef, Stage

__all__ = ["Tool", "has_tool"]


class Tool(Enum):
    """A program a fix runs, and the packages (any manager's name) that install it."""

    USERADD = ("useradd", frozenset({"shadow-utils", "shadow", "passwd"}))
    FIND = ("find", frozenset({"findutils"}))

    @property
    def program(self) -> str:
        return self.value[0]

    @property
    def packages(self) -> frozenset[str]:
        return self.value[1]


_EVERYWHERE: Final = {
    Tool.USERADD: frozenset({Family.DEBIAN, Family.UBUNTU, Family.RHEL, Family.FEDORA}),
    Tool.FIND: frozenset({Family.DEBIAN, Family.UBUNTU, Family.ALPINE, Family.BUSYBOX, Family.RHEL}),
}
# Words (of the repository's last component or the tag) naming images cut down to microdnf.
_MINIMAL: Final = frozenset({"minimal", "micro"})
_WORD: Final = re.compile(r"[a-z0-9]+")


def has_tool(stage: Stage, tool: Tool) -> bool:
    """Whether ``tool`` is sure to be there at the end of ``stage``."""
    return _installed(stage, tool) or _base_ships(stage, tool) or _ran(stage, tool)


def _ran(stage: Stage, tool: Tool) -> bool:
    """Whether a RUN of the stage's chain ran ``tool`` where its failure fails the build: the
    script's last command, or one an ``&&`` follows, not after ``||``, in a condition, a loop
    or a function (which may not run it at all)."""
    for script in chain_scripts(stage):
        commands = script.script.commands
        for index, command in enumerate(commands):
            if command.program != tool.program or command.connector == "||":
                continue
            if command.in_condition or command.in_loop or command.in_function:
                continue
            following = commands[index + 1] if index + 1 < len(commands) else None
            if following is None or following.connector == "&&":
                return True
    return False


def _installed(stage: Stage, tool: Tool) -> bool:
    return any(
        invocation.subcommand == "install" and any(word.text in tool.packages for word in invocation.packages)
        for script in chain_scripts(stage)
        for invocation in script.script.invocations()
    )


def _base_ships(stage: Stage, tool: Tool) -> bool:
    family = stage.family
    words = _words(stage.image)
    if family is Family.AMAZONLINUX:
        return tool is Tool.FIND and _amazon_linux_2(stage.image, words)
    if family not in _EVERYWHERE[tool]:
        return False
    if family is Family.RHEL and (words & _MINIMAL or _runs_microdnf(stage)):
        return False
    return not (family is Family.RHEL and tool is Tool.FIND and "slim" in words)


def _words(image: ImageRef | None) -> frozenset[str]:
    if image is None:
        return frozenset()
    text = f"{image.repository.rpartition('/')[2]} {image.tag or ''}".lower()
    return frozenset(_WORD.findall(text))


def _amazon_linux_2(image: ImageRef | None, words: frozenset[str]) -> bool:
    """Amazon Linux 2, not 2023 (which is also what an untagged ``amazonlinux`` is)."""
    if "al2" in words:
        return True
    if image is None or "al2023" in words or image.repository.rpartition("/")[2] != "amazonlinux":
        return False
    tag = image.tag or ""
    return tag == "2" or tag.startswith("2.0")


def _runs_microdnf(stage: Stage) -> bool:
    """A stage that installs with microdnf is built on a minimal image, whatever its name says."""
    return any(
        command.program == "microdnf" for script in chain_scripts(stage) for command in script.script.commands
    )
