"""DF607 remote-script-piped-to-shell: ``curl … | sh``, a download run unread and unchecked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from fixer.rules._base import Context, Rule, Violation
from fixer.rules._run import runs, sees_triggers

_DOWNLOADERS: Final = frozenset({"curl", "wget"})
_INTERPRETERS: Final = frozenset(
    {"sh", "bash", "dash", "ash", "zsh", "ksh", "python", "python3", "perl", "ruby", "node", "php"}
)


class RemoteScriptPipedToShell(Rule):
    """## What it does
    Finds a download piped straight into an interpreter: `curl … | sh`, `wget -O- … | bash`,
    `curl … | sudo python3 -`.

    ## Why is this bad?
    The script runs as it arrives: nothing checks that it is the one its author published
    (a compromised server or CDN serves another), a connection cut halfway runs half a
    script, and without `pipefail` a failed download still "succeeds". The image then holds
    whatever that run did.

    ## Example
    ```dockerfile
    RUN curl -fsSL https://example.com/install.sh | sh
    ```

    Use instead:
    ```dockerfile
    ADD --checksum=sha256:<digest> https://example.com/install.sh /tmp/install.sh
    RUN sh /tmp/install.sh && rm /tmp/install.sh
    ```
    or download, check the checksum (`sha256sum -c`), then run.

    ## Fix safety
    No fix: the checksum of the script is what only its publisher (or the user) can give.

    ## References
    - Checkov's RunUnsafeCurl family; OWASP Docker Security Cheat Sheet
    """

    code = "DF607"
    name = "remote-script-piped-to-shell"
    summary = "A downloaded script piped into a shell"

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for run in runs(ctx, triggers=True):
            commands = run.script.script.commands
            for index, command in enumerate(commands):
                if command.unwrapped_program() not in _DOWNLOADERS:
                    continue
                downloader = (command.unwrapped() or ())[0].text  # as written
                for piped in commands[index + 1 :]:
                    if piped.connector not in ("|", "|&"):
                        break
                    program = piped.unwrapped_program() or ""
                    if program in _INTERPRETERS or program.startswith("python"):
                        start, end = run.span(command.words[0])
                        message = f"`{downloader} … | {program}`: the download runs as it arrives, unchecked"
                        yield self.violation(start, end, message)
                        break
