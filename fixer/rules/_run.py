"""Helpers that turn shell facts about a RUN into edits of the Dockerfile text.

Offsets from ``fixer.shell`` are positions in the script a RUN runs; ``RunScript.offsets`` maps
them into the instruction's source, so an edit lands on the right physical line whatever
continuations, comments or blank lines sit in between.

ONBUILD triggers. ``ONBUILD RUN …`` runs nothing in its own build: it stores the RUN's text in
the image config's ``OnBuild`` list, and the RUN runs in the build of every image made FROM
this one, and of every stage of this file built FROM this stage, as the first step after that
FROM. BuildKit (``dockerfile2llb``: ``initOnBuildTriggers`` parses the stored text as an
instruction of the child stage and puts it before the child's own; ``dispatchRun`` wraps it
with ``withShell(d.image, …)``, the child's image config, which is this stage's) runs it:

* with the shell this stage *ends* with: a SHELL sets the image config's ``Shell``
  (``dispatchShell``), the child inherits it with the config, and nothing of the child comes
  before its triggers. Not the SHELL in force at the ONBUILD line, and never one of the child;
* as the USER, in the WORKDIR and with the ENV this stage ends with, without its ARGs (an ARG
  never crosses a FROM);
* on top of everything this stage did (all its RUNs, even those written after the ONBUILD);
  the stage's later triggers and the child's own instructions then run on top of it.

So a trigger is a ``Run`` with ``onbuild`` set whose ``located`` is the RUN cut out of its
ONBUILD, where it sits in the file (``trigger_of``): its ``code`` is the tail of the ONBUILD's
code, so every edit helper (``Run.offset``, ``append_command`` …) lands inside ``ONBUILD RUN …``
as it would in a RUN. ``runs(ctx)`` and ``runs_at(ctx)`` give the stage's own RUNs only, which
is what rules that reason about the rest of the stage (a cache removed by a later RUN, RUNs to
merge) must see. A rule that reads one script on its own asks for the triggers explicitly
(``runs(ctx, triggers=True)``), reads the state with ``run_state``, what runs above with
``runs_above``, and marks its check ``@sees_triggers``: a fix that edits an ONBUILD then also
declares that it changes the image config's ``OnBuild`` list, which is all it changes in this
image (what it changes in a child's is what the rule declares for a RUN).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from fixer.diagnostic import Edit
from fixer.rules._base import Context, Located, Rule, Violation
from fixer.rules._stages import _built_on
from fixer.syntax import Instruction, SourceLine
from fixer.syntax.buildkit import GO_SPACE
from fixer.syntax.lexer import lstrip_go

if TYPE_CHECKING:
    from fixer.model import State
    from fixer.shell import RunScript, Word

R = TypeVar("R", bound=Rule)
Check = Callable[[R, Context], Iterator[Violation]]

ONBUILD_CONFIG = "OnBuild"


@dataclass(frozen=True, slots=True)
class Run:
    """A RUN instruction with one of the scripts it runs. ``onbuild``: the RUN of an
    ``ONBUILD RUN …`` (a trigger), ``located`` the RUN inside it (``trigger_of``)."""

    located: Located
    script: RunScript
    onbuild: bool = False

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


def runs(ctx: Context, *, triggers: bool = False) -> Iterator[Run]:
    """Every shell script run by a RUN, in POSIX-shell stages only; with ``triggers``, also
    those of ``ONBUILD RUN`` (under the shell the stage ends with), in file order."""
    if triggers:
        return iter(ctx.shared("runs-and-triggers", _runs_and_triggers))
    return iter(ctx.shared("runs", _runs))


def runs_at(ctx: Context) -> dict[int, list[Run]]:
    """The analysed scripts of each RUN, by the RUN's offset (a RUN not there was not analysed:
    exec form, a non-POSIX shell, a syntax error). The stage's own RUNs only: no trigger."""
    return ctx.shared("runs-at", _runs_at)


def run_state(ctx: Context, run: Run) -> State:
    """The state ``run``'s script runs in: the state at its RUN, or for a trigger the state
    its stage ends with, without ARGs (as a stage built FROM it starts)."""
    if not run.onbuild:
        return ctx.model.state_at(run.located.offset)
    return trigger_state(ctx, run.located.offset)


def trigger_state(ctx: Context, offset: int) -> State:
    """The state a trigger of the stage holding ``offset`` runs in (see the module docstring)."""
    stage = ctx.model.stage_of(offset)
    if stage is None:  # an ONBUILD before the first FROM: BuildKit rejects the file
        return ctx.model.state_at(offset)
    return dataclasses.replace(ctx.model.end_state(stage), args=_NO_ARGS)


_NO_ARGS: MappingProxyType[str, str | None] = MappingProxyType({})


def trigger_of(located: Located) -> Located | None:
    """The RUN of an ``ONBUILD RUN …`` instruction as an instruction of its own, with its line
    and offset in the file (its ``code`` is the tail of the ONBUILD's); None for any other
    instruction, or when the RUN cannot be cut out as BuildKit reads it (ONBUILD flags)."""
    if located.node.upper_keyword != "ONBUILD":
        return None
    cut = _cut(located.node)
    if cut is None:
        return None
    inner, at, lines_before = cut
    return Located(inner, located.line + lines_before, located.offset + at)


@functools.lru_cache(maxsize=1024)
def _cut(node: Instruction) -> tuple[Instruction, int, int] | None:
    """``ONBUILD RUN …`` as (the RUN, its offset in ``node.code``, the lines before it)."""
    onbuild = node.buildkit
    sub = onbuild.sub
    if sub is None or onbuild.flags or sub.cmd.upper() != "RUN":
        return None
    line = node.logical_line
    # splitCommand: the keyword, the blanks after it; the trigger is the rest (trimmed).
    skip = len(node.keyword)
    while skip < len(line) and line[skip] in GO_SPACE:
        skip += 1
    if skip >= len(line):
        return None
    at = node.logical_offsets()[skip]
    position = 0
    for index, physical in enumerate(node.lines):
        if isinstance(physical, SourceLine) and position <= at < position + len(physical.text):
            first = SourceLine(physical.text[at - position :], physical.continuation, physical.newline)
            inner = Instruction((first, *node.lines[index + 1 :]), node.heredocs, node.escape)
            if inner.code != node.code[at:] or inner.buildkit != sub:
                return None  # not the instruction BuildKit stores as the trigger
            return inner, at, index
        position += len(physical.code)
    return None


def runs_above(ctx: Context, run: Run) -> Iterator[tuple[Located, tuple[Run, ...]]]:
    """The RUNs that run on top of the layer ``run``'s RUN makes, each with its analysed
    scripts (none: exec form, another shell, a syntax error): for a RUN, the rest of its stage
    and the stages built on it, and every trigger of those (they run in the builds FROM them);
    for a trigger, the later triggers of its stage, then everything of the stages built on it."""
    own, triggered = runs_at(ctx), ctx.shared("triggers-at", _triggers_at)
    for located in _above(ctx, run):
        keyword = located.node.upper_keyword
        if keyword == "RUN":
            yield located, tuple(own.get(located.offset, ()))
        elif keyword == "ONBUILD" and (inner := trigger_of(located)) is not None:
            yield inner, tuple(triggered.get(inner.offset, ()))


def _above(ctx: Context, run: Run) -> Iterator[Located]:
    stage = ctx.model.stage_of(run.located.offset)
    if stage is None:
        return
    for located in stage.instructions:
        later = located.offset > run.located.offset
        if located.node.upper_keyword == "ONBUILD":
            if later or not run.onbuild:  # every trigger runs after the stage's RUNs
                yield located
        elif later and not run.onbuild:  # the stage's own steps run before its triggers
            yield located
    for other in ctx.shared("built-on", _built_on)[stage.index]:  # shared with layered_on
        if other is not stage:
            yield from other.instructions


def beneath(ctx: Context, lower: Run, upper: Run) -> bool:
    """Whether ``lower``'s RUN made a layer that ``upper``'s script runs on: an earlier RUN of
    its stage or of a stage it is built on; for a trigger, every RUN of its stage too; a
    trigger is under a RUN only in the stages built on the trigger's."""
    from fixer.model import builds_on

    below, above = ctx.model.stage_of(lower.located.offset), ctx.model.stage_of(upper.located.offset)
    if below is None or above is None or not builds_on(above, below):
        return False
    if above is not below:
        return True
    if lower.onbuild == upper.onbuild:
        return lower.located.offset < upper.located.offset
    return upper.onbuild


def sees_triggers(check: Check[R]) -> Check[R]:
    """Mark a rule's ``check`` as reading triggers: a fix that edits an ``ONBUILD`` changes the
    ``OnBuild`` list of the image config, besides what the rule declares (which is what it
    changes where the trigger runs: in the images built FROM this one, and in this file's
    stages built FROM this stage)."""

    @functools.wraps(check)
    def checked(rule: R, ctx: Context) -> Iterator[Violation]:
        spans = ctx.shared("onbuild-spans", _onbuild_spans)
        for violation in check(rule, ctx):
            fix = violation.fix
            if fix is not None and spans and any(_touches(edit, spans) for edit in fix.edits):
                changes = fix.changes or rule.image_changes
                if ONBUILD_CONFIG not in changes.config:
                    changes = dataclasses.replace(changes, config=(*changes.config, ONBUILD_CONFIG))
                violation = dataclasses.replace(violation, fix=dataclasses.replace(fix, changes=changes))
            yield violation

    checked.sees_triggers = True  # type: ignore[attr-defined]  # read by ``reads_triggers``
    return checked


def reads_triggers(rule: type[Rule]) -> bool:
    """Whether ``rule``'s check reads ``ONBUILD RUN`` triggers (``@sees_triggers``)."""
    return getattr(rule.check, "sees_triggers", False)


def _onbuild_spans(ctx: Context) -> tuple[tuple[int, int], ...]:
    """Where each ONBUILD's text is: from its keyword's line to its last character."""
    return tuple(
        (located.offset, located.content_end)
        for located in ctx.instructions
        if located.node.upper_keyword == "ONBUILD"
    )


def _touches(edit: Edit, spans: tuple[tuple[int, int], ...]) -> bool:
    """Whether ``edit`` changes the text of an ONBUILD: text inserted after its first character
    up to its end (not at its start, above it, nor after its final newline), or text replaced
    inside it."""
    for start, end in spans:
        if edit.start == edit.end:
            if start < edit.start <= end:
                return True
        elif edit.start < end and edit.end > start:
            return True
    return False


def _runs_at(ctx: Context) -> dict[int, list[Run]]:
    found: dict[int, list[Run]] = {}
    for run in runs(ctx):
        found.setdefault(run.located.offset, []).append(run)
    return found


def _triggers_at(ctx: Context) -> dict[int, list[Run]]:
    found: dict[int, list[Run]] = {}
    for run in ctx.shared("triggers", _triggers):
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


def _triggers(ctx: Context) -> tuple[Run, ...]:
    found: list[Run] = []
    for located in ctx.instructions:
        inner = trigger_of(located)
        if inner is None:
            continue
        from fixer.shell import run_scripts

        shell_is_posix = trigger_state(ctx, located.offset).shell_is_posix
        scripts = run_scripts(inner.node, shell_is_posix)
        found.extend(Run(inner, script, onbuild=True) for script in scripts if not script.script.has_error)
    return tuple(found)


def _runs_and_triggers(ctx: Context) -> tuple[Run, ...]:
    merged = [*ctx.shared("runs", _runs), *ctx.shared("triggers", _triggers)]
    return tuple(sorted(merged, key=lambda run: run.located.offset))  # stable: a RUN's scripts stay in order


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
