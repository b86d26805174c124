"""dfix's own argument parser: declarative commands, errors in dfix's words, a cheap import.

A :class:`Command` lists its :class:`Option`\\ s and at most one :class:`Positional`; :func:`parse`
reads an argv against it:

- ``--opt v`` and ``--opt=v``; a value that starts with ``-`` only as ``--opt=-v`` (``--select
  --write`` is a missing value, not the codes ``--write``);
- ``--`` ends the options; ``-`` is a positional (stdin); positionals may come between options;
- ``-h`` / ``--help`` anywhere before ``--`` asks for the help, whatever else is wrong;
- an option given twice: its values add up when it repeats, else both must be the same value.

The parser runs in every dfix process (editors and pre-commit start one per file), so it imports
only what the rest of dfix loads anyway (``typing``, ``collections.abc``), and its records are
NamedTuples (a frozen dataclass with slots costs ~0.7 ms to define; five of them were 3 ms a run).
``difflib`` (the "did you mean") and the help's text wrapping load only when they are shown.
"""

import sys
from collections.abc import Sequence
from typing import NamedTuple

ONE = "one"  # exactly one value: `dfix explain RULE`
MANY = "many"  # one or more
OPTIONAL_MANY = "optional-many"  # any number, none included: `dfix [PATH]...`
HELP_FLAGS = ("-h", "--help")


class Option(NamedTuple):
    """``--flag``; with a ``metavar`` or ``choices`` it takes a value, else it is an on/off flag."""

    flag: str
    dest: str
    help: str
    metavar: str | None = None  # None (and no choices): a flag, with no value
    repeat: bool = False  # the values add up (a list) instead of one value
    choices: tuple[str, ...] | None = None

    @property
    def takes_value(self) -> bool:
        return self.metavar is not None or self.choices is not None

    @property
    def shown(self) -> str:
        """What stands for the value in the help and the messages."""
        return self.metavar or "|".join(self.choices or ())


class Positional(NamedTuple):
    name: str
    help: str
    nargs: str = ONE  # ONE, MANY or OPTIONAL_MANY


class Command(NamedTuple):
    prog: str  # as the user types it: "dfix", "dfix rules"
    summary: str  # paragraphs separated by blank lines, wrapped in the help
    options: tuple[Option, ...] = ()
    positional: Positional | None = None
    epilog: str = ""  # printed as written, after the options

    @property
    def usage(self) -> str:
        parts = [self.prog]
        if self.options:
            parts.append("[OPTIONS]")
        if self.positional is not None:
            name, nargs = self.positional.name, self.positional.nargs
            parts.append({ONE: name, MANY: f"{name}...", OPTIONAL_MANY: f"[{name}]..."}[nargs])
        return "Usage: " + " ".join(parts)


class Arguments(NamedTuple):
    """What :func:`parse` read: each given option's value by ``dest`` (True for a flag, a list for
    a repeatable option, else the string), and the positionals in order."""

    values: dict[str, str | bool | list[str]]
    positionals: tuple[str, ...]
    help: bool = False  # -h / --help was given: print the help, nothing else

    def flag(self, dest: str) -> bool:
        return self.values.get(dest) is True

    def value(self, dest: str) -> str | None:
        value = self.values.get(dest)
        return value if isinstance(value, str) else None

    def repeated(self, dest: str) -> list[str] | None:
        """The values of a repeatable option, in order; None when it was not given."""
        value = self.values.get(dest)
        return list(value) if isinstance(value, list) else None


class UsageError(Exception):
    """An argv the command does not accept; the message is in dfix's words, without a prefix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse(command: Command, argv: Sequence[str]) -> Arguments:
    """Read ``argv`` (without the program and command names); raise UsageError on the first
    problem, unless -h/--help was given: then Arguments(help=True)."""
    options = {option.flag: option for option in command.options}
    values: dict[str, str | bool | list[str]] = {}
    positionals: list[str] = []
    problems: list[str] = []
    wants_help = False
    only_positionals = False
    index = 0
    while index < len(argv):
        token = argv[index]
        index += 1
        if only_positionals or token == "-" or not token.startswith("-"):
            problem = _positional_fits(command, positionals, token)
            if problem is not None:
                problems.append(problem)
            positionals.append(token)
            continue
        if token == "--":
            only_positionals = True
            continue
        name, equals, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if name in HELP_FLAGS:
            if equals:
                problems.append(f"{name} takes no value")
            wants_help = True
            continue
        option = options.get(name)
        if option is None:
            problems.append(_unknown_option(command, name))
            continue
        if not option.takes_value:
            if equals:
                problems.append(f"{name} takes no value")
            values[option.dest] = True
            continue
        if equals:
            value = inline
        elif index < len(argv) and not argv[index].startswith("-"):
            value = argv[index]
            index += 1
        else:
            problems.append(f"{name} needs a value ({option.shown})")
            continue
        problem = _store(option, value, values)
        if problem is not None:
            problems.append(problem)
    if wants_help:
        return Arguments(values, tuple(positionals), help=True)
    if command.positional is not None and command.positional.nargs != OPTIONAL_MANY and not positionals:
        problems.append(f"missing {command.positional.name}")
    if problems:
        raise UsageError(problems[0])
    return Arguments(values, tuple(positionals))


def _positional_fits(command: Command, positionals: list[str], token: str) -> str | None:
    positional = command.positional
    if positional is None or (positional.nargs == ONE and positionals):
        return f"unexpected argument {token!r}"
    return None


def _store(option: Option, value: str, values: dict[str, str | bool | list[str]]) -> str | None:
    """Record ``value`` for ``option``; the problem with it, if any."""
    if option.choices is not None and value not in option.choices:
        noun = option.flag.lstrip("-").replace("-", " ")
        article = "an" if noun[:1] in "aeiou" else "a"
        return f"{option.flag}: {value!r} is not {article} {noun}; choose {_either(option.choices)}"
    if option.repeat:
        listed = values.setdefault(option.dest, [])
        assert isinstance(listed, list)
        listed.append(value)
        return None
    before = values.get(option.dest)
    if before is not None and before != value:
        return f"{option.flag} given twice with different values ({before!r}, then {value!r})"
    values[option.dest] = value
    return None


def _either(choices: Sequence[str]) -> str:
    """``text or json``; ``text, json or markdown``."""
    *others, last = choices
    return f"{', '.join(others)} or {last}" if others else last


def _unknown_option(command: Command, name: str) -> str:
    import difflib  # the error path only

    known = [*(option.flag for option in command.options), "--help"]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"unknown option {name}" + (f" (did you mean {close[0]}?)" if close else "")


def error_text(command: Command, message: str) -> str:
    """What a usage error prints on stderr: the problem, the usage line, where the help is."""
    return f"{command.prog}: {message}\n{command.usage}\nTry '{command.prog} --help' for more information.\n"


def report(command: Command, message: str) -> int:
    """Print the usage error ``message`` for ``command`` on stderr; the exit code, 2."""
    sys.stderr.write(error_text(command, message))
    sys.stderr.flush()
    return 2


def help_text(command: Command, width: int | None = None) -> str:
    """``--help``: usage, summary, arguments and options in two aligned columns, the epilog."""
    import shutil
    import textwrap

    if width is None:
        width = max(60, min(shutil.get_terminal_size().columns, 100))
    lines = [command.usage, ""]
    for paragraph in command.summary.strip().split("\n\n"):
        lines += textwrap.wrap(
            " ".join(paragraph.split()), width, initial_indent="  ", subsequent_indent="  "
        )
        lines.append("")
    arguments = [(command.positional.name, command.positional.help)] if command.positional else []
    options = [
        (f"{option.flag} {option.shown}" if option.takes_value else option.flag, option.help)
        for option in command.options
    ]
    options.append((", ".join(HELP_FLAGS), "Show this message and exit."))
    left = max(len(name) for name, _ in [*arguments, *options])
    for title, rows in (("Arguments", arguments), ("Options", options)):
        if not rows:
            continue
        lines.append(f"{title}:")
        for name, text in rows:
            wrapped = textwrap.wrap(text, max(width - left - 4, 30)) or [""]
            lines.append(f"  {name:<{left}}  {wrapped[0]}".rstrip())
            lines += [f"  {'':<{left}}  {more}" for more in wrapped[1:]]
        lines.append("")
    if command.epilog:
        lines += [command.epilog.strip("\n"), ""]
    return "\n".join(lines)
