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
from fixer.syntax.shell_words import ShellWordsError, process_word

if TYPE_CHECKING:
    from fixer.rules._base import Context, Located
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
        keyword = located.node.upper_keyword
        if keyword in ("ENV", "ARG"):
            yield from _instruction_assignments(located, keyword)
    for run in runs(ctx):
        for command in run.script.script.commands:
            words = [*command.assignment_words]
            if command.program == "export":
                words += [word for word in command.args() if "=" in word.text]
            for word in words:
                name, _, value = word.text.partition("=")
                start, end = run.span(word)
                yield Assignment(name, value, start, end)


def _instruction_assignments(located: Located, keyword: str) -> Iterator[Assignment]:
    node = located.node
    escape = node.escape
    start, end = located.keyword_start, located.content_end
    if keyword == "ENV":
        pairs = list(zip(node.buildkit.value[::2], node.buildkit.value[1::2], strict=True))
    else:  # ARG NAME=default; an ARG without a default sets nothing here
        pairs = [tuple(word.split("=", 1)) for word in node.buildkit.value if "=" in word]  # type: ignore[misc]
    for name, raw in pairs:
        yield Assignment(name, _unquoted(raw, escape), start, end)


def _unquoted(raw: str, escape: str) -> str:
    try:
        return process_word(raw, {}, escape=escape, skip_unset_env=True)
    except ShellWordsError:
        return raw


def command_lines(ctx: Context) -> Iterator[CommandLine]:
    """Every command of every RUN, unwrapped (``sudo -E apk add …`` is ``apk``)."""
    for run in runs(ctx):
        for command in run.script.script.commands:
            words = command.unwrapped()
            if words:
                program = words[0].text.rpartition("/")[2]
                yield CommandLine(run, command, program, tuple(word.text for word in words[1:]))


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
