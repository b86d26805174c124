"""DF305 password-in-run: a RUN that sets a user's password (``chpasswd``, ``useradd -p`` …)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from fixer.rules._base import Context, Rule, Violation
from fixer.rules._run import Run, run_state, runs, sees_triggers
from fixer.rules.packages._cleanup import mounts
from fixer.rules.users._accounts import Account, accounts, usermod_options

if TYPE_CHECKING:
    from tree_sitter import Node

    from fixer.shell import Command

# Shells that refuse a login: an account with one of them cannot log in, password or not.
NO_LOGIN: Final = frozenset({"nologin", "false", "true"})
# Commands whose words are the text they print into a pipe.
PRINTERS: Final = frozenset({"echo", "printf"})


@dataclass(frozen=True, slots=True)
class Password:
    """A password a command sets: for whom (None: not told), and whether its text is written
    in the Dockerfile (a literal, an ARG: the image history keeps it) rather than read from a
    file at build time (a secret mount): the hash ends up in /etc/shadow either way."""

    command: Command
    user: str | None
    in_history: bool


class PasswordInRun(Rule):
    """## What it does
    Finds RUN instructions that set a password: ``chpasswd``, ``passwd`` reading the
    password from a pipe, a here-string or a heredoc (or ``passwd --stdin``), ``useradd -p``,
    ``usermod -p`` (``--password``), also with a hash from ``openssl passwd``.

    ## Why is this bad?
    The password, or the hash ``useradd -p`` is given, is part of the RUN's command line:
    ``docker history`` shows it to anyone who pulls the image, and so do the values of the
    ARGs it reads. Its hash is in ``/etc/shadow`` of the image, where it can be cracked
    offline. An account with a password and a login shell can log in (``su``, ``login``, an
    SSH server someone adds), so a container compromise goes further with it. Containers
    need no passwords: processes start as the ``USER`` the image names.

    ## Example
    ```dockerfile
    RUN useradd -m -s /bin/bash app && echo 'app:secret' | chpasswd
    ```

    Use instead:
    ```dockerfile
    RUN useradd -m -s /usr/sbin/nologin app
    ```

    A password the build itself needs belongs in a secret mount
    (``RUN --mount=type=secret,id=pw …``), never in the Dockerfile; the message then only
    says that the hash stays in ``/etc/shadow``.

    ## References
    - Checkov CKV2_DOCKER_17 (``chpasswd``); no hadolint or Trivy check
    """

    code = "DF305"
    name = "password-in-run"
    summary = "a password is set in a RUN"
    aliases = ("CKV2_DOCKER_17",)

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        created: list[tuple[Run, list[Account]]] = []
        for run in runs(ctx, triggers=True):
            if made := list(accounts(run.script.script)):
                created.append((run, made))
            user = run_state(ctx, run).user
            for password in passwords(run, user):
                start = run.offset(password.command.words[0].start)
                end = run.offset(password.command.end - 1) + 1
                # looked up per password, not per RUN: a file of many RUNs stays linear
                yield self.violation(start, end, _message(password, _known_accounts(ctx, run, created)))


_SETTERS = frozenset({"useradd", "usermod", "chpasswd", "passwd"})


def passwords(run: Run, run_user: str | None) -> Iterator[Password]:
    """The passwords one RUN script sets, in order."""
    script = run.script.script
    if not any(command.program in _SETTERS for command in script.commands):
        return  # most RUNs: none of the reading below (a file of thousands of RUNs pays it per RUN)
    redirected = _stdin_redirects(script.text)
    secret = any(fields.get("type") == "secret" for fields in mounts(run.located.node))
    created = {account.command.start: account for account in accounts(script)}
    for index, command in enumerate(script.commands):
        if command.program == "useradd":
            account = created.get(command.start)
            if account is not None and account.password:
                yield Password(command, account.name, not secret)
        elif command.program == "usermod":
            options, operands = usermod_options(command)
            if "--password" in options:
                yield Password(command, operands[-1] if operands else None, not secret)
        elif command.program in ("chpasswd", "passwd"):
            yield from _read_from_stdin(run, index, redirected, run_user, secret)


def _read_from_stdin(
    run: Run, index: int, redirected: Mapping[int, tuple[str, str | None]], run_user: str | None, secret: bool
) -> Iterator[Password]:
    """``chpasswd`` (``user:password`` lines), or ``passwd`` given the password on its standard
    input; a ``passwd`` that would prompt (or ``-l``, ``-d``) sets none."""
    command = run.script.script.commands[index]
    fed = _fed_text(run, index, redirected)
    args = [word.text for word in command.args()]
    if command.program == "chpasswd":
        user = fed.partition(":")[0] if fed and ":" in fed else None
    elif fed is not None or "--stdin" in args:
        operands = [arg for arg in args if not arg.startswith("-")]
        user = operands[-1] if operands else (run_user or "root")
    else:
        return
    from_file = redirected.get(command.start) == ("file", None)
    yield Password(command, user or None, not from_file and (fed is not None or not secret))


def _fed_text(run: Run, index: int, redirected: Mapping[int, tuple[str, str | None]]) -> str | None:
    """The literal text a command reads on its standard input, when the Dockerfile writes it:
    a here-string, a heredoc, or ``echo``/``printf`` piped into it; None otherwise."""
    script = run.script.script
    command = script.commands[index]
    kind, text = redirected.get(command.start, ("", None))
    if kind == "herestring":
        return text
    heredocs = run.located.node.heredocs
    if command.stdin_heredoc is not None and command.stdin_heredoc < len(heredocs):
        return heredocs[command.stdin_heredoc].content
    if command.connector not in ("|", "|&"):
        return None
    # The command before it in the pipe (commands in `$( … )` of its words come after it).
    before = [c for c in script.commands[:index] if c.in_subshell <= command.in_subshell]
    if not before or before[-1].program not in PRINTERS:
        return None
    words = [word.value for word in before[-1].args() if not word.text.startswith("-")]
    return words[0] if words and words[0] is not None else None


def _stdin_redirects(text: str) -> dict[int, tuple[str, str | None]]:
    """Where commands read their standard input from a here-string (with its text when
    literal) or a file (``< /run/secrets/pw``), by the command's start in ``text``."""
    from fixer.shell import syntax_tree

    found: dict[int, tuple[str, str | None]] = {}
    stack = [syntax_tree(text)]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type not in ("command", "redirected_statement"):
            continue
        target: Node | None = node.child_by_field_name("body") if node.type != "command" else node
        while target is not None and target.type in ("pipeline", "list") and target.named_child_count:
            target = target.named_children[-1]  # a redirect after a pipe is its last command's
        for redirect in node.children_by_field_name("redirect"):
            if target is None:
                break
            if redirect.type == "herestring_redirect" and redirect.named_child_count:
                found[target.start_byte] = ("herestring", _literal(redirect.named_children[-1], text))
            elif redirect.type == "file_redirect" and _reads_stdin(redirect, text):
                found[target.start_byte] = ("file", None)
    return found


def _reads_stdin(redirect: Node, text: str) -> bool:
    descriptor = redirect.child_by_field_name("descriptor")
    operators = [child.type for child in redirect.children if not child.is_named]
    fd = None if descriptor is None else text[descriptor.start_byte : descriptor.end_byte]
    return operators[:1] == ["<"] and fd in (None, "0")


def _literal(node: Node, text: str) -> str | None:
    """The value of a plain word, ``'…'`` or ``"…"`` without expansions; None otherwise."""
    raw = text[node.start_byte : node.end_byte]
    if node.type == "word" and "\\" not in raw:
        return raw
    if node.type == "raw_string" or (
        node.type == "string" and all(child.type == "string_content" for child in node.named_children)
    ):
        return raw[1:-1] if "\\" not in raw else None
    return None


def _known_accounts(ctx: Context, run: Run, created: list[tuple[Run, list[Account]]]) -> dict[str, Account]:
    """The accounts this RUN's stage (with the stages it is built on) has created so far."""
    from fixer.model import builds_on  # the model loads only for files with a RUN (cold start)

    stage = ctx.model.stage_of(run.located.offset)
    known: dict[str, Account] = {}
    for earlier, made in created:
        other = ctx.model.stage_of(earlier.located.offset)
        if stage is not None and other is not None and builds_on(stage, other):
            known.update((account.name, account) for account in made if account.name)
    return known


def login_shell(account: Account) -> str | None:
    """How an account can log in: ``a login shell (/bin/bash)``, None when it cannot (a
    ``nologin`` shell) or its shell is not known."""
    shell = account.shell
    if shell is None:
        # useradd takes SHELL from /etc/default/useradd (/bin/sh on Debian); adduser gives a
        # system account nologin (Debian) or /bin/false (BusyBox), others bash or sh.
        return (
            None
            if account.tool == "adduser" and account.system
            else f"a login shell ({account.tool}'s default)"
        )
    if "$" in shell or shell.rpartition("/")[2] in NO_LOGIN:
        return None
    return f"a login shell ({shell})"


def _message(password: Password, known: Mapping[str, Account]) -> str:
    program = password.command.program or ""
    program += " -p" if program in ("useradd", "usermod") else ""
    whom = f" for `{password.user}`" if password.user else ""
    where = (
        "it stays in the image history, and its hash in /etc/shadow"
        if password.in_history
        else "its hash stays in the image's /etc/shadow"
    )
    message = f"`{program}` sets a password{whom} in the build: {where}"
    account = known.get(password.user or "")
    shell = login_shell(account) if account is not None else None
    if shell is not None:
        message += f"; `{password.user}` also has {shell}, so it can log in with it"
    return message
