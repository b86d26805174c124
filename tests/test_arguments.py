"""dfix's argument parser (fixer/arguments.py) on its own: pure calls, no process.

The commands' wording through the real entry point is in tests/test_cli.py; here, the parser's
rules on a small command of every kind of option, and a property: the order of the arguments
never changes what they say (beyond the order of a repeated option's values and of the paths).
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fixer.arguments import (
    MANY,
    ONE,
    OPTIONAL_MANY,
    Arguments,
    Command,
    Option,
    Positional,
    UsageError,
    error_text,
    help_text,
    parse,
)

FLAGS = ("--write", "--check", "--unsafe-fixes")
SINGLE = ("--target", "--context")
REPEATED = ("--select", "--ignore")
CHOICE = "--format"

TOOL = Command(
    "tool",
    "Do things to files.\n\nA second paragraph, long enough that the help wraps it over more than one line "
    "at sixty columns.",
    (
        Option("--write", "write", "Write."),
        Option("--check", "check", "Check."),
        Option("--unsafe-fixes", "unsafe_fixes", "Also the unsafe ones."),
        Option("--target", "target", "The stage.", "STAGE"),
        Option("--context", "context", "The context.", "DIR"),
        Option("--select", "select", "Only these.", "CODES", repeat=True),
        Option("--ignore", "ignore", "Not these.", "CODES", repeat=True),
        Option("--format", "format", "Output format.", choices=("text", "json", "markdown")),
    ),
    Positional("PATH", "Files.", OPTIONAL_MANY),
    epilog="Other commands:\n  tool sub  something else",
)


def dest(flag: str) -> str:
    return flag.lstrip("-").replace("-", "_")


def problem(argv: list[str], command: Command = TOOL) -> str:
    with pytest.raises(UsageError) as raised:
        parse(command, argv)
    return raised.value.message


def test_nothing_given() -> None:
    assert parse(TOOL, []) == Arguments({}, ())
    arguments = parse(TOOL, [])
    assert (arguments.flag("write"), arguments.value("target"), arguments.repeated("select")) == (
        False,
        None,
        None,
    )


def test_every_kind_of_option() -> None:
    arguments = parse(
        TOOL,
        [
            "a",
            "--write",
            "--target",
            "build",
            "--select=DF1",
            "b",
            "--select",
            "DF2",
            "--format",
            "json",
            "-",
        ],
    )
    assert arguments.positionals == ("a", "b", "-")
    assert arguments.flag("write") and not arguments.flag("check")
    assert arguments.value("target") == "build"
    assert arguments.repeated("select") == ["DF1", "DF2"]
    assert arguments.value("format") == "json"
    assert not arguments.help


def test_equals_and_space_are_the_same() -> None:
    assert parse(TOOL, ["--target=x", "--select=A"]) == parse(TOOL, ["--target", "x", "--select", "A"])


def test_equals_takes_any_value() -> None:
    arguments = parse(TOOL, ["--target=-x", "--context=", "--select=a=b"])
    assert arguments.values == {"target": "-x", "context": "", "select": ["a=b"]}


def test_double_dash_ends_the_options() -> None:
    arguments = parse(TOOL, ["--check", "--", "--write", "-h", "-", "--"])
    assert arguments.positionals == ("--write", "-h", "-", "--")
    assert arguments.values == {"check": True}


def test_a_flag_twice_and_the_same_value_twice() -> None:
    assert parse(TOOL, ["--write", "--write", "--target", "a", "--target=a"]).values == {
        "write": True,
        "target": "a",
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--wirte"], "unknown option --wirte (did you mean --write?)"),
        (["--targt=x"], "unknown option --targt (did you mean --target?)"),
        (["--hlep"], "unknown option --hlep (did you mean --help?)"),
        (["--zzz"], "unknown option --zzz"),
        (["-w"], "unknown option -w"),
        (["--format", "xml"], "--format: 'xml' is not a format; choose text, json or markdown"),
        (["--target"], "--target needs a value (STAGE)"),
        (["--target", "--write"], "--target needs a value (STAGE)"),
        (["--target", "-"], "--target needs a value (STAGE)"),
        (["--select", "--", "x"], "--select needs a value (CODES)"),
        (["--format"], "--format needs a value (text|json|markdown)"),
        (["--write=1"], "--write takes no value"),
        (["--write="], "--write takes no value"),
        (["--target", "a", "--target", "b"], "--target given twice with different values ('a', then 'b')"),
        # the first problem in the argv is the one said
        (["--zzz", "--format", "xml"], "unknown option --zzz"),
    ],
)
def test_problems(argv: list[str], message: str) -> None:
    assert problem(argv) == message


def test_suggestion_needs_difflib_only_on_the_error_path() -> None:
    code = (
        "import sys\n"
        "from fixer.arguments import Command, Option, UsageError, parse\n"
        "command = Command('x', 'X.', (Option('--write', 'write', 'W.'),))\n"
        "parse(command, ['--write'])\n"
        "print('difflib' in sys.modules)\n"
        "try:\n    parse(command, ['--wirte'])\nexcept UsageError:\n    print('difflib' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]


EXPLAIN = Command("tool explain", "Explain.", positional=Positional("RULE", "A rule.", ONE))
RULES = Command("tool rules", "List.", (Option("--format", "format", "F.", choices=("text", "json")),))
BUILD = Command("tool build", "Build.", positional=Positional("PATH", "Files.", MANY))


def test_positionals() -> None:
    assert parse(EXPLAIN, ["DF601"]).positionals == ("DF601",)
    assert parse(EXPLAIN, [""]).positionals == ("",)
    assert parse(BUILD, ["a", "b"]).positionals == ("a", "b")
    assert problem([], EXPLAIN) == "missing RULE"
    assert problem([], BUILD) == "missing PATH"
    assert problem(["a", "b"], EXPLAIN) == "unexpected argument 'b'"
    assert problem(["x"], RULES) == "unexpected argument 'x'"
    assert problem(["--format", "json", "-"], RULES) == "unexpected argument '-'"


@pytest.mark.parametrize(
    "argv",
    [
        ["-h"],
        ["--help"],
        ["a", "--write", "-h"],
        ["--zzz", "--help"],
        ["--format", "xml", "-h"],
        ["--target", "-h"],
    ],
)
def test_help_anywhere_wins(argv: list[str]) -> None:
    assert parse(TOOL, argv).help
    assert parse(EXPLAIN, ["-h"]).help  # the missing RULE is no error then


def test_help_after_double_dash_is_a_path() -> None:
    assert parse(TOOL, ["--", "-h"]) == Arguments({}, ("-h",))


def test_usage_lines() -> None:
    assert TOOL.usage == "Usage: tool [OPTIONS] [PATH]..."
    assert EXPLAIN.usage == "Usage: tool explain RULE"
    assert RULES.usage == "Usage: tool rules [OPTIONS]"
    assert BUILD.usage == "Usage: tool build PATH..."
    assert error_text(RULES, "unexpected argument 'x'") == (
        "tool rules: unexpected argument 'x'\n"
        "Usage: tool rules [OPTIONS]\n"
        "Try 'tool rules --help' for more information.\n"
    )


def test_help_text() -> None:
    text = help_text(TOOL, width=60)
    assert text.startswith("Usage: tool [OPTIONS] [PATH]...\n\n  Do things to files.\n\n  A second")
    assert all(len(line) <= 60 for line in text.splitlines() if not line.startswith("  tool"))
    assert "\nArguments:\n  PATH " in text
    options = text.split("\nOptions:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split("  ")[1].strip() for line in options] == [
        "--write",
        "--check",
        "--unsafe-fixes",
        "--target STAGE",
        "--context DIR",
        "--select CODES",
        "--ignore CODES",
        "--format text|json|markdown",
        "-h, --help",
    ]
    column = {re.match(r"  \S.*?  +", line).end() for line in options}  # type: ignore[union-attr]
    assert len(column) == 1  # every help text starts in the same column
    assert text.endswith("Other commands:\n  tool sub  something else\n")
    assert "Arguments:" not in help_text(RULES)
    assert "\nArguments:\n  RULE " in help_text(EXPLAIN)


# --- any order says the same ---------------------------------------------------------------------

WORD = st.text(st.sampled_from("abcXYZ019._/:=,"), min_size=1, max_size=6)
DASHED = st.text(st.sampled_from("-abc="), min_size=0, max_size=4)  # only after `=`
PATH = st.one_of(WORD.filter(lambda w: not w.startswith("-")), st.just("-"))


Unit = tuple[str, list[str]]  # (kind, tokens): an option's flag or "path", and its argv tokens


@st.composite
def arguments_and_units(draw: st.DrawFn) -> tuple[Arguments, list[Unit], list[Unit]]:
    """The Arguments an argv must parse to; its units in canonical order, and in any order."""
    values: dict[str, str | bool | list[str]] = {}
    units: list[Unit] = []
    for flag in FLAGS:
        for _ in range(draw(st.integers(0, 2))):
            values[dest(flag)] = True
            units.append((flag, [flag]))
    for flag in SINGLE:
        if draw(st.booleans()):
            value = draw(st.one_of(WORD, st.builds(lambda d: "-" + d, DASHED)))
            values[dest(flag)] = value
            for _ in range(draw(st.integers(1, 2))):  # the same value twice is fine
                joined = value.startswith("-") or draw(st.booleans())
                units.append((flag, [f"{flag}={value}"] if joined else [flag, value]))
    for flag in REPEATED:
        given = draw(st.lists(WORD, max_size=3))
        if given:
            values[dest(flag)] = given
        units += [(flag, draw(st.sampled_from([[flag, v], [f"{flag}={v}"]]))) for v in given]
    if draw(st.booleans()):
        choice = draw(st.sampled_from(["text", "json", "markdown"]))
        values["format"] = choice
        units.append((CHOICE, draw(st.sampled_from([[CHOICE, choice], [f"{CHOICE}={choice}"]]))))
    paths = draw(st.lists(PATH, max_size=4))
    units += [("path", [path]) for path in paths]
    return Arguments(values, tuple(paths)), units, _reorder(draw, units)


def _reorder(draw: st.DrawFn, units: list[Unit]) -> list[Unit]:
    """``units`` shuffled, each kind's units still in their order (a repeated option's values and
    the paths are ordered; the rest is not)."""
    kinds = draw(st.permutations([kind for kind, _ in units]))
    queues: dict[str, list[Unit]] = {}
    for unit in units:
        queues.setdefault(unit[0], []).append(unit)
    return [queues[kind].pop(0) for kind in kinds]


def argv(units: list[Unit]) -> list[str]:
    return [token for _, tokens in units for token in tokens]


@given(arguments_and_units())
def test_any_order_parses_to_the_canonical_result(case: tuple[Arguments, list[Unit], list[Unit]]) -> None:
    expected, canonical, shuffled = case
    assert parse(TOOL, argv(canonical)) == expected
    assert parse(TOOL, argv(shuffled)) == expected
    # the options in any order, then `--` and the paths: the same again
    options = [unit for unit in shuffled if unit[0] != "path"]
    assert parse(TOOL, [*argv(options), "--", *expected.positionals]) == expected


@given(st.lists(st.one_of(WORD, st.sampled_from([*FLAGS, *SINGLE, *REPEATED, CHOICE, "--", "-", "-h"]))))
def test_any_argv_parses_or_is_a_usage_error(argv: list[str]) -> None:
    try:
        arguments = parse(TOOL, argv)
    except UsageError as error:
        assert error.message and "\n" not in error.message
    else:
        assert set(arguments.values) <= {dest(option.flag) for option in TOOL.options}
