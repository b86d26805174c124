"""Helpers that turn shell facts about a RUN into edits of the Dockerfile text.

Offsets from ``fixer.shell`` are positions in the script a RUN runs; ``RunScript.offsets`` maps
them into the instruction's source, so an edit lands on the right physical line whatever
continuations, comments or blank lines sit in between.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fixer.diagnostic import Edit
from fixer.rules._base import Context, Located
from fixer.syntax import SourceLine
from fixer.syntax.lexer import lstrip_go

if TYPE_CHECKING:
    from fixer.shell import RunScript, Word


@dataclass(frozen=True, slots=True)
class Run:
    """A RUN instruction with one of the scripts it runs."""

    located: Located
    script: RunScript

    def offset(self, index: int) -> int:
        """File offset of script character ``index``."""
        return self.located.offset + self.script.offsets[index]

    def after(self, word: Word) -> int:
        """File offset just after ``word`` (not the start of the next line when it ends one)."""
        return self.offset(word.end - 1) + 1

    def insert_after(self, word: Word, text: str) -> Edit:
        return Edit.insertion(self.after(word), text)

    def span(self, word: Word) -> tuple[int, int]:
        return self.offset(word.start), self.after(word)


def runs(ctx: Context) -> Iterator[Run]:
    """Every shell script run by a RUN, in POSIX-shell stages only."""
    return iter(ctx.shared("runs", _runs))


def runs_at(ctx: Context) -> dict[int, list[Run]]:
    """The analysed scripts of each RUN, by the RUN's offset (a RUN not there was not analysed:
    exec form, a non-POSIX shell, a syntax error)."""
    return ctx.shared("runs-at", _runs_at)


def _runs_at(ctx: Context) -> dict[int, list[Run]]:
    found: dict[int, list[Run]] = {}
    for run in runs(ctx):
        found.setdefault(run.located.offset, []).append(run)
    return found


def _runs(ctx: Context) -> tuple[Run, ...]:
    found: list[Run] = []
    for located in ctx.instructions:
        if located.node.upper_keyword != "RUN":
            continue
        from fixer.shell import run_scripts  # shell analysis loads only for files with a RUN

        shell_is_posix = ctx.model.state_at(located.offset).shell_is_posix
        scripts = run_scripts(located.node, shell_is_posix)
        found.extend(Run(located, script) for script in scripts if not script.script.has_error)
    return tuple(found)


def append_command(run: Run, command: str) -> Edit | None:
    """Append ``&& command`` to a shell-form script, laid out as the RUN already is.

    A one-line RUN gets `` && command``; a RUN continued over lines gets a new line in its own
    style, operator leading (``    && command``) or trailing (``… && \\`` then ``    command``).
    A comment that ends the script stays after the new command. None unless the joined script
    parses as this one plus the new command at the top level: a trailing ``;`` or ``&`` would
    make ``; &&`` a syntax error.
    """
    from fixer.shell import analyse

    script = run.script
    if script.source != "shell-form" or not script.script.commands or run.located.node.heredocs:
        return None  # after a heredoc, the text would land on its terminator line
    code = script.script.code  # a comment ending the line stays last
    joined = analyse(f"{code} && {command}")
    added = analyse(command).commands
    if joined.has_error or len(joined.commands) != len(script.script.commands) + len(added):
        return None
    if [w.text for w in joined.commands[-1].words] != [w.text for w in added[-1].words]:
        return None
    node = run.located.node
    sources = [line for line in node.lines if isinstance(line, SourceLine)]
    at = run.offset(len(code) - 1) + 1
    if len(sources) == 1:
        return Edit.insertion(at, f" && {command}")
    newline = sources[0].newline or "\n"
    continued = [lstrip_go(line.text) for line in sources[1:]]
    if any(line.startswith("&&") for line in continued):
        indent = _indent(next(s.text for s in reversed(sources[1:]) if lstrip_go(s.text).startswith("&&")))
        return Edit.insertion(at, f" {node.escape}{newline}{indent}&& {command}")
    return Edit.insertion(at, f" && {node.escape}{newline}{_indent(sources[1].text)}{command}")


def _indent(text: str) -> str:
    return text[: len(text) - len(lstrip_go(text))] or "    "
