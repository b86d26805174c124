"""DF602 pipe-without-pipefail: a RUN pipes under a shell that ignores failures before the last command."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.diagnostic import Edit, Fix
from fixer.rules._base import Context, FixAvailability, Rule, Violation
from fixer.rules._run import Run, runs

# The shell to switch to, per distro family (``fixer.model.Family`` values): one that ships in
# the image and knows pipefail.
PIPEFAIL_SHELLS = {
    "debian": "/bin/bash",
    "ubuntu": "/bin/bash",
    "rhel": "/bin/bash",
    "fedora": "/bin/bash",
    "amazonlinux": "/bin/bash",
    "suse": "/bin/bash",
    "alpine": "/bin/ash",
}


class PipeWithoutPipefail(Rule):
    """## What it does
    Finds RUN instructions with a pipe (``curl … | tar x``) under a shell without ``pipefail``.

    ## Why is this bad?
    ``/bin/sh -c`` reports only the last command of a pipe: when ``curl`` fails, ``tar`` reads
    nothing, succeeds, and the build goes on with a broken image.

    ## Example
    ```dockerfile
    RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local
    ```

    Use instead:
    ```dockerfile
    SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local
    ```

    ## Fix safety
    Unsafe: ``SHELL`` changes the shell of every later RUN — and shell-form ``CMD`` and
    ``ENTRYPOINT`` — in the stage and the stages built on it, and a pipe that failed quietly
    before now fails the build. Offered only where the distro family tells which shell exists
    (``bash`` on Debian, Ubuntu, RHEL, Fedora, Amazon Linux and SUSE, ``ash`` on Alpine); never
    for distroless, scratch, Windows or unknown images. A script that runs ``set -o pipefail``
    itself is not reported.

    ## References
    - hadolint DL4006
    """

    code = "DF602"
    name = "pipe-without-pipefail"
    summary = "piped RUN without `pipefail`"
    fix_title = 'Add `SHELL [..., "-o", "pipefail", "-c"]` before the RUN'
    fix_availability = FixAvailability.SOMETIMES
    aliases = ("DL4006",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        fixed_stages: set[int] = set()
        for run in runs(ctx):
            script = run.script.script
            if not script.has_pipe() or _sets_pipefail(run):
                continue
            state = ctx.model.state_at(run.located.offset)
            if "pipefail" in state.shell:
                continue
            stage = ctx.model.stage_of(run.located.offset)
            shell = PIPEFAIL_SHELLS.get(stage.family) if stage else None
            fix = None
            if stage is not None and shell is not None and stage.index not in fixed_stages:
                fixed_stages.add(stage.index)  # one SHELL per stage covers every later RUN
                from fixer.snippets import render  # jinja2 loads only when a snippet is needed

                text = render("shell/pipefail.j2", ctx.tree, shell=shell)
                indent = run.located.node.code[
                    : len(run.located.node.code) - len(run.located.node.code.lstrip())
                ]
                at = ctx.comment_block_above(run.located)[0]  # above the RUN's comments and pragmas
                fix = Fix.unsafe(self.fix_title or "", Edit.insertion(at, indent + text))
            message = "a pipe hides the failure of every command but the last"
            yield self.violation(run.located.keyword_start, run.located.content_end, message, fix)


def _sets_pipefail(run: Run) -> bool:
    """A top-level ``set -o pipefail`` before the first pipe (one in a subshell covers only it)."""
    commands = run.script.script.commands
    first_pipe = min(
        (c.start for c in commands if c.connector in ("|", "|&")), default=len(run.script.script.text)
    )
    return any(
        command.program == "set"
        and not command.in_subshell
        and command.start < first_pipe
        and any("pipefail" in word.text for word in command.args())
        for command in commands
    )
