"""Where a Dockerfile sets something that turns a check off: variables (``ENV``, an ``ARG``'s
default, a RUN's ``VAR=value cmd`` prefix, ``export VAR=value``) and the words of the commands
RUNs run, seen through ``sudo``/``env``/``nice`` wrappers.

Shared by the rules that find verification turned off (TLS certificates, package signatures).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fixer.rules._run import Run, runs
from fixer.rules._variables import definitions

if TYPE_CHECKING:
    from fixer.rules._base import Context
    from fixer.shell import Command

__all__ = ["Assignment", "CommandLine", "assignments", "command_lines", "short_flags"]


@dataclass(frozen=True, slots=True)
class Assignment:
    """``name=value`` as the build sees it (quotes removed); ``start``/``end``: file offsets of
    what to point at (the instruction, or the RUN's word)."""

    name: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class CommandLine:
    """A command a RUN runs: its program (basename), its argument texts, and where it is."""

    run: Run
    command: Command
    program: str
    args: tuple[str, ...]

    @property
    def span(self) -> tuple[int, int]:
        return self.run.span(self.command.words[0])


def assignments(ctx: Context) -> Iterator[Assignment]:
    """Every variable the file sets, with its value, in file order per kind."""
    for located in ctx.instructions:
        for name, value in definitions(located):
            if value is not None:  # an ARG without a default sets nothing here
                yield Assignment(name, value, located.keyword_start, located.content_end)
    for run in runs(ctx, triggers=True):
        for command in run.script.script.commands:
            words = [*command.assignment_words]
            if command.program == "export":
                words += [word for word in command.args() if "=" in word.text]
            for word in words:
                name, _, value = word.text.partition("=")
                start, end = run.span(word)
                yield Assignment(name, value, start, end)


def command_lines(ctx: Context) -> list[CommandLine]:
    """Every command of every RUN, unwrapped (``sudo -E apk add …`` is ``apk``): found once per
    pass for the rules that read them."""
    return ctx.shared("command-lines", lambda ctx: list(_command_lines(ctx)))


def _command_lines(ctx: Context) -> Iterator[CommandLine]:
    for run in runs(ctx, triggers=True):
        for command in run.script.script.commands:
            program = command.unwrapped_program()
            if program is not None:
                args = tuple(word.text for word in (command.unwrapped() or ())[1:])
                yield CommandLine(run, command, program, args)


def short_flags(args: tuple[str, ...], valued: str) -> Iterator[str]:
    """The short flags of ``args`` (``-Lkv`` gives L, k, v), getopt style: a letter in
    ``valued`` takes the rest of its word, or the next word, as its value."""
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "--":
            return
        if not arg.startswith("-") or arg.startswith("--") or arg == "-":
            continue
        for at, letter in enumerate(arg[1:], 1):
            yield letter
            if letter in valued:
                skip = at == len(arg) - 1
                break
