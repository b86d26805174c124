"""DF602 pipe-without-pipefail: a RUN pipes under a shell that ignores failures before the last command.

Design. The fix must harden the pipe and change nothing else, and a ``SHELL`` instruction is a
blunt tool for that: it switches every later RUN of the stage (and shell-form CMD, ENTRYPOINT,
HEALTHCHECK, and every image built FROM the result) to another shell. On Debian and Ubuntu that
is dash to bash, and builds still pass with another meaning (``echo "a\\nb"`` writes one line
instead of two, ``mkdir -p /opt/{a,b}`` makes two directories instead of one: the docker-library
php images' Apache config gains a literal ``\\t``). A SHELL that replaces the file's own loses
its ``-e``/``-x``/``--login`` options or ``conda run`` wrapper. So the fix takes one of two forms,
whichever changes less, and otherwise offers none:

1. **In the script** where the shell that runs it knows ``pipefail``: busybox ash (Alpine,
   BusyBox), bash (RHEL, Fedora, Amazon Linux, SUSE ``/bin/sh``), zsh, ksh, mksh, or the shell of
   a SHELL the file set, whatever its options or wrapper. ``set -o pipefail && `` goes in front of
   the script's first command: ``&&`` binds only the first and-or list, and ``true && L`` runs L
   as L alone ran, so every later operator keeps its meaning (``; `` instead when that list runs
   in the background, where ``&&`` would take ``set`` along). Nothing else changes: not the shell,
   not the image config.
2. **A SHELL scoped to the piped RUNs** where ``/bin/sh`` is dash (Debian 12's dash 0.5.12 has no
   ``pipefail``: ``set -o pipefail`` is an error that ends the script, status 2):
   ``SHELL ["/bin/bash", "-o", "pipefail", "-c"]`` before them and the shell in force before
   restored right after (``["/bin/sh", "-c"]``, which is what an unset Shell means), one pair
   around consecutive piped RUNs; the file's own ``-e``/``-u``/``-x`` options carry over. Only
   when bash reads every RUN under it the way dash does (``fixer.shell_dialect``: a whitelist
   checked against the real shells), so the switch changes nothing but the pipes' status.

Either way no fix when a pipe relies on an earlier command failing or being stopped
(``grep x f | wc -l``, ``yes | head``: ``fixer.shell_pipes``), when the image's shell is not
known (distroless, scratch, Windows, unknown images), or when a SHELL cannot be read (a wrapper
around a shell without ``pipefail``, options dash and bash read differently such as ``-l``).

Rejected: a SHELL for the rest of the stage (the above), rewriting each pipe so that dash reports
its earlier commands' status (the script would no longer be the author's), and a SHELL with
bash on Alpine (bash is not installed there).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from fixer.diagnostic import Applicability, Edit, Fix, ImageChanges
from fixer.rules._base import Context, FixAvailability, FixSafety, Located, Rule, Violation
from fixer.rules._lines import lines_after
from fixer.rules._run import Run, run_state, runs, sees_triggers

if TYPE_CHECKING:
    from fixer.model import Stage, State
    from fixer.shell import Script, Word

# Families whose /bin/sh knows pipefail (busybox ash, bash), and those where it is dash.
SH_WITH_PIPEFAIL: Final = frozenset({"alpine", "busybox", "rhel", "fedora", "amazonlinux", "suse"})
SH_IS_DASH: Final = frozenset({"debian", "ubuntu"})
# Shells that know `set -o pipefail` (checked with busybox 1.35, bash 5.2, zsh 5.9, mksh R59,
# ksh93u+m); `sh` depends on the family.
PIPEFAIL_SHELLS: Final = frozenset({"bash", "ash", "zsh", "ksh", "ksh93", "mksh"})
# The image's shell is not known at all.
NO_SHELL_KNOWN: Final = frozenset({"distroless", "scratch", "windows", "unknown"})
# Where /bin/sh is dash, the scoped SHELL runs this bash (Essential on Debian and Ubuntu).
BASH: Final = "/bin/bash"
# `set` options dash and bash read alike, which carry over into the scoped SHELL.
_CARRIED_LETTERS: Final = frozenset("euxvfaC")
_CARRIED_NAMES: Final = frozenset({"errexit", "nounset", "xtrace", "verbose", "noglob", "allexport"})
_PREFIX: Final = "set -o pipefail && "
_PREFIX_BACKGROUND: Final = "set -o pipefail; "


class PipeWithoutPipefail(Rule):
    """## What it does
    Finds RUN instructions with a pipe (``curl … | tar x``) under a shell without ``pipefail``.

    ## Why is this bad?
    ``/bin/sh -c`` reports only the last command of a pipe: when ``curl`` fails, ``tar`` reads
    nothing, succeeds, and the build goes on with a broken image.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    RUN wget -qO- https://example.com/tool.tgz | tar -xz -C /usr/local

    FROM debian:12
    RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local
    ```

    Use instead:
    ```dockerfile
    FROM alpine:3.20
    RUN set -o pipefail && wget -qO- https://example.com/tool.tgz | tar -xz -C /usr/local

    FROM debian:12
    SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local
    SHELL ["/bin/sh", "-c"]
    ```

    Where the shell that runs the script knows ``pipefail`` (busybox ash on Alpine, bash as
    ``/bin/sh`` on RHEL, Fedora, Amazon Linux and SUSE, a bash, zsh or ksh SHELL the file set,
    with whatever options or wrapper), ``set -o pipefail &&`` goes in front of the script.
    Where ``/bin/sh`` is dash (Debian, Ubuntu), which has no ``pipefail``, the piped RUNs get a
    bash SHELL of their own and the shell before is restored right after them; the file's
    ``-e``, ``-u``, ``-x`` options carry over.

    ## Fix safety
    Unsafe: a pipe that failed quietly now fails the build, or takes the failure branch of an
    ``if`` or ``||`` around it; that is the hardening it names. When the build passes, the fix
    changes nothing in the filesystem, and the image config's Shell stays what it was: the
    script form leaves the shell alone, and the scoped SHELL is followed by the shell in force
    before it (``["/bin/sh", "-c"]`` where the file set none: what an unset Shell means on
    Linux), so later RUNs, shell-form CMD, ENTRYPOINT and HEALTHCHECK, and images built FROM
    this one keep it.

    The scoped bash SHELL is offered only when bash reads every RUN under it the way dash does
    (``fixer/shell_dialect.py``: a whitelist checked against dash 0.5.12 and bash 5.2; when
    unsure, no fix): not for ``echo`` arguments with backslashes or only known at build time
    (command output, an ENV of the base image; an ARG counts with the default the file gives
    it), brace expansion, ``[[``, ``$'…'``, arrays, ``==`` in ``[``, ``&>``, ``<<<``,
    ``${x//a/b}``, ``source``, ``$RANDOM`` and the other constructs bash alone knows. Programs
    run under it find bash's ``SHLVL`` and ``_`` in their environment; a command that lists
    the environment gets no fix. No fix either when a pipe relies on an earlier command
    failing or being stopped (``grep``, ``diff``, ``test``, ``yes``, ``find /`` before the
    last command; ``head``, ``grep -q``, ``read`` or a quitting ``sed`` after the first); for
    distroless, scratch, Windows or unknown images; for a heredoc run by a shell its command
    line names; or for a SHELL whose shell cannot be told (a wrapper around a shell without
    ``pipefail``, dash options bash reads otherwise such as ``-l``). A script that runs
    ``set -o pipefail`` itself is not reported.

    An ``ONBUILD RUN`` runs in the images built FROM this one, under the shell this stage ends
    with: it is read under that shell and gets the script form only (a SHELL next to the
    ONBUILD would not reach it), and the fix then also changes the image config's ``OnBuild``.

    ## References
    - hadolint DL4006 (which only counts a SHELL with ``-o pipefail``)
    - bash(1) ``pipefail``; dash(1) has no such option
    """

    code = "DF602"
    name = "pipe-without-pipefail"
    summary = "piped RUN without `pipefail`"
    fix_title = "Turn on `pipefail` for the RUN"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = FixSafety.UNSAFE
    aliases = ("DL4006",)
    image_changes = ImageChanges(may_fail=True)

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        from fixer.suppress import Suppressions  # imports the rule registry: not at module level

        suppressions = Suppressions(ctx)
        plans: list[_Plan] = []
        for located, scripts in _piped_runs(ctx):
            plan = _plan(ctx, located, scripts)
            if not suppressions.covers(self._violation(plan)):
                plans.append(plan)
        for group in _scoped_groups(ctx, plans):
            fix = _scoped_shell(ctx, group)
            for plan in group:
                plan.fix = fix  # one SHELL pair: the engine applies it once
        for plan in plans:
            yield self._violation(plan)

    def _violation(self, plan: _Plan) -> Violation:
        message = "a pipe hides the failure of every command but the last"
        if plan.reason:
            message += f"; not fixed: {plan.reason}"
        located = plan.located
        return self.violation(located.keyword_start, located.content_end, message, plan.fix)


@dataclass(slots=True)
class _Plan:
    """What to do about one piped RUN: edits in its script, a SHELL pair (``scoped``, filled in
    once the consecutive ones are known), or nothing, with the reason."""

    located: Located
    fix: Fix | None = None
    scoped: State | None = None
    options: tuple[str, ...] = ()
    reason: str | None = None


def _piped_runs(ctx: Context) -> Iterator[tuple[Located, list[Run]]]:
    """Each RUN with a pipe that no ``pipefail`` covers, with all the scripts it runs."""
    by_run: dict[int, list[Run]] = {}
    for run in runs(ctx, triggers=True):
        by_run.setdefault(run.located.offset, []).append(run)
    for scripts in by_run.values():
        located = scripts[0].located
        if "pipefail" in run_state(ctx, scripts[0]).shell:
            continue
        if any(_uncovered_pipe(run.script.script) for run in scripts):
            yield located, scripts


def _plan(ctx: Context, located: Located, scripts: list[Run]) -> _Plan:
    plan = _Plan(located)
    state = run_state(ctx, scripts[0])
    stage = ctx.model.stage_of(located.offset)
    if stage is None or stage.family in NO_SHELL_KNOWN:
        plan.reason = "no shell with `pipefail` is known in this image"
        return plan
    from fixer.shell_pipes import failure_by_design

    piped = [run for run in scripts if _uncovered_pipe(run.script.script)]
    for run in piped:
        by_design = failure_by_design(run.script.script.text)
        if by_design is not None:
            plan.reason = by_design.reason
            return plan
    runners = [_runner(run, scripts, state, stage) for run in piped]
    reasons = [runner for runner in runners if isinstance(runner, str)]
    if reasons:
        plan.reason = reasons[0]
        return plan
    shells = [runner for runner in runners if isinstance(runner, _Shell)]
    if all(shell.pipefail for shell in shells):
        edits = [_prefix(run) for run in piped]
        if None in edits:
            plan.reason = "the script does not take a prefix"
        else:
            plan.fix = Fix.unsafe("Add `set -o pipefail &&` in front of the script", *filter(None, edits))
        return plan
    # Dash runs it. The SHELL can switch it to bash for this RUN, when bash reads the RUN alike.
    dash = shells[0]
    if not dash.via_shell:
        plan.reason = "the heredoc's `#!` shell is dash, which has no `pipefail`"
        return plan
    if scripts[0].onbuild:
        plan.reason = "dash, which has no `pipefail`, runs the trigger, and no SHELL can be scoped to it"
        return plan
    if stage.family not in SH_IS_DASH:
        plan.reason = "dash has no `pipefail`, and bash is not known to be installed"
        return plan
    carried = _carried(dash.options)
    if carried is None:
        plan.reason = f"bash reads the SHELL's options `{' '.join(dash.options)}` differently from dash"
        return plan
    difference = _dialect_difference(state, scripts, carried)
    if difference is not None:
        plan.reason = f"bash would read it otherwise than dash: {difference}"
        return plan
    plan.scoped, plan.options = state, carried
    return plan


@dataclass(frozen=True, slots=True)
class _Shell:
    """The shell that runs a script: its name, its options, whether it knows pipefail, and
    whether it is the SHELL (so a scoped SHELL would change it)."""

    program: str
    options: tuple[str, ...]
    pipefail: bool
    via_shell: bool


def _runner(run: Run, scripts: list[Run], state: State, stage: Stage) -> _Shell | str:
    """Who runs ``run``'s script, or why that is not known (a message)."""
    if run.script.source == "heredoc":
        if any(other.script.source == "shell-form" for other in scripts):
            return "the heredoc runs in a shell its command line names"
        body = run.script.script.text
        if body.startswith("#!"):  # BuildKit runs the file itself: its interpreter, not the SHELL
            words = body[2:].partition("\n")[0].split()
            if words and words[0].rpartition("/")[2] == "env":
                words = [word for word in words[1:] if not word.startswith("-")]
            if not words:
                return "the heredoc's `#!` line names no interpreter"
            return _shell(words[0].rpartition("/")[2], (), stage, via_shell=False)
    return _shell_of(state.shell, stage)


def _shell_of(argv: tuple[str, ...], stage: Stage) -> _Shell | str:
    """The shell a SHELL vector runs, seen through ``env``, ``conda run`` and ``busybox``."""
    words = list(argv)
    wrapped = False
    while words:
        program = words[0].rpartition("/")[2]
        if program == "env":
            words = words[1:]
            while words and (words[0].startswith("-") or "=" in words[0]):
                words = words[1:]
        elif program in ("conda", "mamba", "micromamba") and words[1:2] == ["run"]:
            words = words[2:]
            while words and words[0].startswith("-"):
                takes_value = words[0] in ("-n", "--name", "-p", "--prefix", "--cwd")
                words = words[2:] if takes_value else words[1:]
        elif program == "busybox" and len(words) > 1:
            words = words[1:]
        else:
            break
        wrapped = True
    if len(words) < 2 or not _is_command_option(words[-1]):
        return "the SHELL does not end in `-c`"
    program = words[0].rpartition("/")[2]
    options = (*words[1:-1], *_without_c(words[-1]))
    if argv and argv[0].rpartition("/")[2] == "busybox" and program in ("sh", "ash"):
        program = "ash"
    shell = _shell(program, options, stage, via_shell=not wrapped)
    if isinstance(shell, _Shell) and wrapped and not shell.pipefail:
        return f"the SHELL wraps `{program}`, which has no `pipefail`"
    return shell


def _shell(program: str, options: tuple[str, ...], stage: Stage, via_shell: bool = True) -> _Shell | str:
    if program in PIPEFAIL_SHELLS or (program == "sh" and stage.family in SH_WITH_PIPEFAIL):
        return _Shell(program, options, pipefail=True, via_shell=via_shell)
    if program == "dash" or (program == "sh" and stage.family in SH_IS_DASH):
        return _Shell("dash", options, pipefail=False, via_shell=via_shell)
    return f"`{program}` is not known to have `pipefail` here"


def _is_command_option(word: str) -> bool:
    """``-c``, or short options ending in it (``-ec``, ``-exc``)."""
    return len(word) > 1 and word[0] == "-" and word[1] != "-" and "c" in word[1:]


def _without_c(word: str) -> tuple[str, ...]:
    rest = word[1:].replace("c", "", 1)
    return (f"-{rest}",) if rest else ()


def _carried(options: tuple[str, ...]) -> tuple[str, ...] | None:
    """The SHELL's options, when bash reads each as dash does (``-e``, ``-eux``, ``-o errexit``)."""
    carried: list[str] = []
    expect_name = False
    for option in options:
        if expect_name:
            if option not in _CARRIED_NAMES:
                return None
            expect_name = False
        elif option in ("-o", "+o"):
            expect_name = True
        elif option[:1] in "-+" and len(option) > 1 and set(option[1:]) <= _CARRIED_LETTERS:
            pass
        else:
            return None
        carried.append(option)
    return None if expect_name else tuple(carried)


def _dialect_difference(state: State, scripts: list[Run], options: tuple[str, ...]) -> str | None:
    """What bash reads differently in the scripts the SHELL runs for this RUN, or None."""
    from fixer.shell_dialect import bash_difference, environment_difference

    variables = {name: value for name, value in state.args.items() if value is not None}
    variables.update(state.env)
    startup = environment_difference(sorted(variables))
    if startup is not None:
        return startup
    for run in scripts:
        if run.script.source == "heredoc" and any(s.script.source == "shell-form" for s in scripts):
            continue  # fed to the shell its command line names, which the SHELL does not change
        difference = bash_difference(run.script.script.text, options=options, variables=variables)
        if difference is not None:
            return difference.construct
    return None


def _scoped_groups(ctx: Context, plans: list[_Plan]) -> Iterator[list[_Plan]]:
    """Runs of scoped plans for RUNs that follow one another (only comments and blank lines
    between), which one SHELL pair covers."""
    index = {located.offset: i for i, located in enumerate(ctx.instructions)}
    group: list[_Plan] = []
    for plan in plans:
        if plan.scoped is None:
            continue
        if group and index[plan.located.offset] == index[group[-1].located.offset] + 1:
            group.append(plan)
            continue
        if group:
            yield group
        group = [plan]
    if group:
        yield group


def _scoped_shell(ctx: Context, group: list[_Plan]) -> Fix | None:
    """``SHELL`` bash with pipefail above the group (above its comments and suppressions) and the
    shell in force before restored after its last RUN."""
    first, last = group[0].located, group[-1].located
    state = group[0].scoped
    assert state is not None
    options = list(group[0].options)
    title = 'Run the piped RUNs under `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`, then restore the shell'
    at = ctx.comment_block_above(first)[0]
    after = lines_after(last)
    if after is None:
        return None

    def edits() -> tuple[Edit, ...]:  # the templates render only when the edits are read
        import json

        opening = ctx.render("shell/pipefail.j2", shell=BASH, options=options)
        words = [json.dumps(word, ensure_ascii=False) for word in state.shell]
        closing = _indent(last) + ctx.render("shell/restore.j2", words=words)
        return (Edit.insertion(at, _indent(first) + opening), *after(closing))

    return Fix.later(title, edits, Applicability.UNSAFE)


def _indent(located: Located) -> str:
    code = located.node.code
    return code[: len(code) - len(code.lstrip(" \t"))]


# ---------------------------------------------------------------------------
# The script form


def _prefix(run: Run) -> Edit | None:
    """``set -o pipefail && `` in front of the script's first command; None unless the new
    script parses as the old one behind a top-level ``set -o pipefail``."""
    from fixer.shell import analyse, syntax_tree

    script = run.script.script
    root = syntax_tree(script.text)
    statements = [child for child in root.named_children if child.type != "comment"]
    if not statements:
        return None
    first = statements[0]
    follower = first.next_sibling
    prefix = _PREFIX_BACKGROUND if follower is not None and follower.type == "&" else _PREFIX
    at = first.start_byte
    joined = analyse(script.text[:at] + prefix + script.text[at:])
    if joined.has_error or len(joined.commands) != len(script.commands) + 1 or _uncovered_pipe(joined):
        return None
    return Edit.insertion(run.offset(at), prefix)


def _uncovered_pipe(script: Script) -> bool:
    """A pipe that no top-level ``set -o pipefail`` before it covers (one in a subshell, a
    function or a condition covers only itself, if it runs at all)."""
    pipes = [command.start for command in script.commands if command.connector in ("|", "|&")]
    if not pipes:
        return False
    for command in script.commands:
        if command.start >= pipes[0]:
            return True
        nested = command.in_subshell or command.in_function or command.in_condition or command.in_loop
        if command.program == "set" and not nested and _sets_pipefail(command.args()):
            return False
    return True


def _sets_pipefail(words: tuple[Word, ...]) -> bool:
    """``set -o pipefail``, ``set -euo pipefail``: a ``-…o`` option word followed by the name."""
    texts = [word.text for word in words]
    return any(
        name == "pipefail" and option.startswith("-") and option.endswith("o") and not option.startswith("--")
        for option, name in itertools.pairwise(texts)
    )
