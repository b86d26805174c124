"""The ``dfix`` command (ARCHITECTURE.md §4): argument handling and wiring, nothing else.

    dfix [PATH...]            report findings                      exit 1 if any
    dfix --check [PATH...]    list the fixes --write would apply   exit 1 if a file would change
    dfix --diff [PATH...]     ... and print them as a unified diff
    dfix --write [PATH...]    apply them in place (atomically)     exit 1 if findings remain
    dfix [...] -              read stdin; with --write print the fixed text (unchanged input echoed)
    dfix rules [--format F]   list the rules: code, name, fix availability, summary
    dfix explain RULE         print a rule's documentation (RULE: code, name or alias)
    dfix verify [PATH...]     build the original and the fixed file, explain every difference

``rules``, ``explain`` and ``verify`` are subcommands only as the first argument: a directory
literally named ``rules`` is passed as ``./rules`` (or after a flag: ``dfix --check rules``).
The arguments are read by fixer/arguments.py against the commands declared at the end of this
module; a usage error is exit 2 with the problem, the usage line and where the help is on stderr.

Exit 2 on a usage error or any input that cannot be read, decoded or parsed; the other inputs are
still processed and an input that fails is never written. stdout carries only the diff, the fixed
stdin text, the JSON document, or what `rules` and `explain` print; findings, errors and the summary
go to stderr.
"""

import contextlib
import functools
import io  # loaded by Python's startup already
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import fixer
from fixer.arguments import (
    OPTIONAL_MANY,
    Arguments,
    Command,
    Option,
    Positional,
    UsageError,
    help_text,
    parse,
    report,
)
from fixer.io import SourceError, create_new, read_dockerfile, read_stream, write_atomic
from fixer.report import FileReport, Mode, OtherFile, Reporter, exit_code

if TYPE_CHECKING:
    from fixer.config import Config
    from fixer.registry.resolver import Resolver
    from fixer.settings import RegistrySettings

STDIN = "-"
SUBCOMMANDS = ("rules", "explain", "verify")
FORMATS = ("text", "json")  # of findings and of `dfix rules`
VERIFY_FORMATS = ("text", "json", "markdown")
BUILDERS = ("auto", "buildah", "docker")


@dataclass(frozen=True, slots=True)
class Options:
    paths: Sequence[str]
    mode: Mode = Mode.REPORT
    diff: bool = False
    unsafe_fixes: bool = False
    select: Sequence[str] | None = None
    ignore: Sequence[str] | None = None
    json: bool = False
    stdin_filename: str | None = None
    context: str | None = None  # the build context (default: each Dockerfile's directory)
    target: str | None = None  # the stage that ships (default: configuration's, else the last)
    pin: bool = False  # resolve digests: the registry, through the digest cache
    offline: bool = False  # resolve digests from the digest cache only
    refresh: bool = False  # resolve digests from the registry only, and move pins whose tag moved
    insecure_registries: Sequence[str] = ()  # hosts asked over plain HTTP


class _ClosedStream(io.RawIOBase):
    """What writes to a stdout that was closed when dfix started meet."""

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        import errno

        raise OSError(errno.EBADF, "standard output is closed")


def _guarded(call: Callable[[], int]) -> int:
    """``call``'s exit code, or 130 on Ctrl-C and 2 when stdout cannot take the output (a pipe
    closed by its reader, a full disk, a closed descriptor) -- never a traceback, and never
    the findings code 1 for a failure. A closed pipe is no news to the reader that closed it:
    said nothing about, as git and ruff do."""
    import errno

    try:
        return call()
    except KeyboardInterrupt:
        print("dfix: interrupted", file=sys.stderr)
        return 130
    except OSError as error:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - Python flushes it at exit
        if error.errno != errno.EPIPE:
            print(f"dfix: cannot write the output: {error.strerror or error}", file=sys.stderr)
        return 2


def run(options: Options) -> int:
    """Process every input, report as it goes, and return the exit code."""
    return _guarded(lambda: _run(options))


def _run(options: Options) -> int:
    problem = _unknown_selector(options)
    if problem is not None:
        print(f"dfix: {problem}", file=sys.stderr)
        return 2
    reporter = _reporter(options)
    reports = []
    with _resolver(options) as resolver:
        for report in _reports(options, resolver):
            reporter.add(report)
            reports.append(report)
    reporter.finish()
    return exit_code(reports, options.mode)


def _resolver(options: Options) -> "contextlib.AbstractContextManager[Resolver | None]":
    """One resolver for the run (its connections, tokens and answers serve every file), when
    digests are asked for; else nothing is imported."""
    if not (options.pin or options.offline or options.refresh):
        return contextlib.nullcontext()
    from fixer.registry.resolver import Lookup, RegistryOptions, Resolver

    lookup = Lookup.REFRESH if options.refresh else Lookup.OFFLINE if options.offline else Lookup.ONLINE
    return Resolver(lookup, RegistryOptions(insecure=frozenset(options.insecure_registries)))


def _reporter(options: Options) -> Reporter:
    if options.json:
        from fixer.report.json import JsonReporter

        return JsonReporter(sys.stdout.buffer, sys.stderr, fixer.__version__)
    from fixer.report.text import TextReporter

    return TextReporter(sys.stdout.buffer, sys.stderr, options.mode, options.unsafe_fixes)


def _reports(options: Options, resolver: "Resolver | None") -> Iterator[FileReport]:
    if list(options.paths) == [STDIN]:
        yield _stdin_report(options.stdin_filename or STDIN, options, resolver)
        return
    from fixer.discover import discover  # pathlib and pathspec: not needed for stdin

    for item in discover(options.paths):
        yield (
            FileReport(item.path, error=item)
            if isinstance(item, SourceError)
            else _file_report(item, options, resolver)
        )


def _file_report(path: os.PathLike[str], options: Options, resolver: "Resolver | None") -> FileReport:
    name = os.fspath(path)
    try:
        source = read_dockerfile(path)
        result = _fix(source.text, name, options, resolver)
        others = _other_files(name, result, options)
        written = options.mode is Mode.WRITE and result.changed
        if written:
            # the other files first: a fix that edits them may rely on them (the Dockerfile's
            # own edits never need a companion file, so a failure there leaves it as it was)
            for other in others:
                _write_other(other)
            if result.output != result.input:
                write_atomic(path, result.output, was=source.text)
    except SourceError as error:
        return FileReport(name, error=error)
    return _report(name, result, options, written=written, others=others)


def _other_files(name: str, result: fixer.FixResult, options: Options) -> tuple[OtherFile, ...]:
    """The files beside the Dockerfile its fixes edit, named as the user named the context."""
    base = options.context or os.path.dirname(name)
    return tuple(OtherFile(os.path.join(base, change.path), change) for change in result.files)


def _write_other(other: OtherFile) -> None:
    if other.change.before is None:
        create_new(other.path, other.change.after)
    else:
        write_atomic(other.path, other.change.after, was=other.change.before)


def _stdin_report(name: str, options: Options, resolver: "Resolver | None") -> FileReport:
    if sys.stdin is None:  # closed when dfix started
        return FileReport(name, error=SourceError(name, "standard input is closed"))
    try:
        # only the Dockerfile's text comes back: fixes that edit other files stay findings
        result = _fix(read_stream(sys.stdin.buffer, name).text, name, options, resolver, edit_files=False)
    except SourceError as error:
        return FileReport(name, error=error)
    output = result.output if options.mode is Mode.WRITE else None
    return _report(name, result, options, output=output)


def _directory(name: str) -> str | None:
    """The directory of the file ``name`` (None for stdin): where its configuration is looked
    up, and its build context unless --context names one."""
    return os.path.dirname(os.path.abspath(name)) if name != STDIN else None


def _fix(
    text: str, name: str, options: Options, resolver: "Resolver | None", edit_files: bool = True
) -> fixer.FixResult:
    directory = _directory(name)
    context = options.context or directory
    config = _config(directory or os.getcwd())
    config = config.with_cli(options.select, options.ignore, options.unsafe_fixes or None, options.target)
    select, ignore = config.selection()
    try:
        return fixer.fix(
            text,
            unsafe=config.unsafe_fixes,
            select=select,
            ignore=ignore,
            extend_safe_fixes=config.extend_safe_fixes,
            extend_unsafe_fixes=config.extend_unsafe_fixes,
            context=context,  # by default the Dockerfile's directory, as most builds have it
            settings=config.settings,
            resolver=resolver,
            edit_files=edit_files,
            diagnostic_edits=options.json,  # only the JSON report shows each finding's edits
        )
    except fixer.ParseError as error:
        raise SourceError(name, error.message, error.line, error.column) from None
    except Exception as error:  # a bug in dfix: leave this file as it is, go on with the others
        failure = f"{type(error).__name__}: {error}"
        raise SourceError(
            name, f"dfix failed on this file and left it unchanged ({failure}); please report it"
        ) from error


@functools.cache
def _config(directory: str) -> "Config":
    """The configuration in force for files in ``directory`` (nearest file upwards; cached per run)."""
    from fixer.config import Config, ConfigError, find_config, load_config

    try:
        found = find_config(directory)
        return load_config(found) if found else Config()
    except ConfigError as error:
        relative = os.path.relpath(error.path)  # `.dfix.toml`, `../pyproject.toml`: the shorter
        shown = min(relative, str(error.path), key=len)
        raise SourceError(shown, error.message, error.line, error.column) from None


def _report(
    name: str,
    result: fixer.FixResult,
    options: Options,
    written: bool = False,
    output: str | None = None,
    others: tuple[OtherFile, ...] = (),
) -> FileReport:
    diff = None
    if options.diff:
        from fixer.report.diff import unified_diff

        diff = unified_diff(result.input, result.output, name) + "".join(
            unified_diff(
                other.change.before or "", other.change.after, other.path, created=other.change.before is None
            )
            for other in others
        )
    edits = result.edits() if options.json else ()
    return FileReport(
        name,
        result.diagnostics,
        result.changed,
        written,
        diff=diff,
        output=output,
        others=others,
        edits=edits,
    )


def make_options(
    paths: list[str],
    *,
    write: bool,
    check: bool,
    diff: bool,
    unsafe_fixes: bool,
    select: list[str] | None,
    ignore: list[str] | None,
    output_format: str,
    stdin_filename: str | None,
    context: str | None = None,
    target: str | None = None,
    pin: bool = False,
    offline: bool = False,
    refresh: bool = False,
    insecure_registries: Sequence[str] = (),
) -> Options:
    """Check how the arguments combine; raise ValueError on a usage error."""
    if output_format not in FORMATS:
        raise ValueError(f"--format: {output_format!r} is not a format; choose text or json")
    if write and (check or diff):
        raise ValueError("--write cannot be combined with --check or --diff")
    if STDIN in paths and len(paths) > 1:
        raise ValueError("'-' (stdin) cannot be combined with other paths")
    if offline and refresh:
        raise ValueError("--offline cannot be combined with --refresh, which asks the registries")
    if stdin_filename is not None and paths != [STDIN]:
        raise ValueError("--stdin-filename needs '-' as the only path")
    mode = Mode.WRITE if write else Mode.CHECK if check or diff else Mode.REPORT
    return Options(
        paths,
        mode,
        diff=diff,
        unsafe_fixes=unsafe_fixes,
        select=_split_codes(select),
        ignore=_split_codes(ignore),
        json=output_format == "json",
        stdin_filename=stdin_filename,
        context=context,
        target=target,
        pin=pin,
        offline=offline,
        refresh=refresh,
        insecure_registries=tuple(insecure_registries),
    )


def _unknown_selector(options: Options) -> str | None:
    from fixer.rules import unknown_selector_message

    for flag, selectors in (("--select", options.select), ("--ignore", options.ignore)):
        problem = unknown_selector_message(selectors or (), flag)
        if problem is not None:
            return problem
    return None


def _split_codes(values: list[str] | None) -> list[str] | None:
    """``--select A,B --select C`` -> ``["A", "B", "C"]``; None when the option is absent."""
    if values is None:
        return None
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def list_rules(output_format: str = "text") -> int:
    """``dfix rules``: the registry on stdout, as a table (``text``) or JSON (``json``)."""
    from fixer.report.rules import rules_json, rules_table
    from fixer.rules import RULES

    text = rules_json(RULES) if output_format == "json" else rules_table(RULES)
    return _print(text)


def explain(selector: str) -> int:
    """``dfix explain RULE``: one rule's documentation on stdout; exit 2 if nothing is called that."""
    from fixer.report.rules import explanation
    from fixer.rules import by_code

    rule = by_code(selector)
    if rule is None:
        print(f"dfix explain: unknown rule {selector!r} (`dfix rules` lists them)", file=sys.stderr)
        return 2
    return _print(explanation(rule))


def _print(text: str) -> int:
    def write() -> int:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
        return 0

    return _guarded(write)


def main() -> None:
    _standard_streams()
    _main()


def _standard_streams() -> None:
    """Stand in for a standard stream that was closed when dfix started (``>&-``, ``2>&-``,
    ``<&-``). Its descriptor gets ``/dev/null``, so no file dfix opens lands on it (a
    temporary file on descriptor 1 would receive the diff); a closed stderr drops the messages
    (never into stdout, where ``print(file=None)`` would put them); a closed stdout fails the
    first write, which ``_guarded`` turns into exit 2; a closed stdin is a read error."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is not None:
            continue
        null = os.open(os.devnull, os.O_RDWR)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
        if name == "stderr":
            sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the whole run
        elif name == "stdout":
            sys.stdout = io.TextIOWrapper(io.BufferedWriter(_ClosedStream()), encoding="utf-8")


def _main() -> None:
    argv = sys.argv[1:]
    if argv and argv[0] in SUBCOMMANDS:  # only as the first argument: else ./rules is a path
        sys.exit(_SUBCOMMAND_RUNNERS[argv[0]](argv[1:]))
    sys.exit(_dfix(argv))


def _parsed(command: Command, argv: list[str]) -> Arguments | int:
    """``argv`` read against ``command``; or the exit code once the help or a usage error is printed."""
    try:
        arguments = parse(command, argv)
    except UsageError as error:
        return report(command, error.message)
    if arguments.help:
        return _print(help_text(command))
    return arguments


def _dfix(argv: list[str]) -> int:
    arguments = _parsed(DFIX, argv)
    if isinstance(arguments, int):
        return arguments
    if arguments.flag("version"):
        return _print(f"dfix {fixer.__version__}\n")
    try:
        options = make_options(
            list(arguments.positionals) or ["."],
            write=arguments.flag("write"),
            check=arguments.flag("check"),
            diff=arguments.flag("diff"),
            unsafe_fixes=arguments.flag("unsafe_fixes"),
            select=arguments.repeated("select"),
            ignore=arguments.repeated("ignore"),
            output_format=arguments.value("format") or "text",
            stdin_filename=arguments.value("stdin_filename"),
            context=arguments.value("context"),
            target=arguments.value("target"),
            pin=arguments.flag("pin"),
            offline=arguments.flag("offline"),
            refresh=arguments.flag("refresh"),
            insecure_registries=arguments.repeated("insecure_registry") or (),
        )
    except ValueError as error:
        return report(DFIX, str(error))
    return run(options)


def _rules(argv: list[str]) -> int:
    arguments = _parsed(RULES_COMMAND, argv)
    if isinstance(arguments, int):
        return arguments
    return list_rules(arguments.value("format") or "text")


def _explain(argv: list[str]) -> int:
    arguments = _parsed(EXPLAIN, argv)
    if isinstance(arguments, int):
        return arguments
    return explain(arguments.positionals[0])


def _verify(argv: list[str]) -> int:
    arguments = _parsed(VERIFY, argv)
    if isinstance(arguments, int):
        return arguments
    try:
        build_args = dict(_split_build_arg(value) for value in arguments.repeated("build_arg") or ())
    except ValueError as error:
        return report(VERIFY, str(error))
    insecure = arguments.repeated("insecure_registry") or []
    target = arguments.value("target")
    options = Options(
        list(arguments.positionals) or ["."],
        unsafe_fixes=arguments.flag("unsafe_fixes"),
        select=_split_codes(arguments.repeated("select")),
        ignore=_split_codes(arguments.repeated("ignore")),
        context=arguments.value("context"),
        target=target,
        pin=arguments.flag("pin"),
        insecure_registries=tuple(insecure),
    )
    builder = arguments.value("builder") or "auto"
    return run_verify(options, build_args, target, builder, insecure, arguments.value("format") or "text")


# --- the commands' arguments (fixer/arguments.py parses them) -------------------------------------

_SELECT = Option(
    "--select", "select", "Only these rules (comma-separated; repeatable).", "CODES", repeat=True
)
_IGNORE = Option(
    "--ignore", "ignore", "Skip these rules (comma-separated; repeatable).", "CODES", repeat=True
)

DFIX = Command(
    "dfix",
    "Find and fix security and best-practice problems in Dockerfiles.",
    (
        Option("--write", "write", "Apply the fixes in place; with '-', print the fixed text."),
        Option("--check", "check", "Write nothing; exit 1 if --write would change a file."),
        Option("--diff", "diff", "Like --check, and print the fixes as a unified diff."),
        Option("--unsafe-fixes", "unsafe_fixes", "Also apply fixes that may change behaviour."),
        _SELECT,
        _IGNORE,
        Option("--format", "format", "Output format (default: text).", choices=FORMATS),
        Option(
            "--stdin-filename", "stdin_filename", "The name of the file read from '-', for messages.", "NAME"
        ),
        Option(
            "--context",
            "context",
            "The build context, which some fixes read (default: the Dockerfile's directory).",
            "DIR",
        ),
        Option("--target", "target", "The stage that ships (default: the last one).", "STAGE"),
        Option(
            "--pin", "pin", "Pin images to their digests, asking the registries (dfix's only network use)."
        ),
        Option("--offline", "offline", "Pin images from the digest cache of earlier runs only."),
        Option("--refresh", "refresh", "Pin, and move existing pins whose tag now names another image."),
        Option(
            "--insecure-registry",
            "insecure_registry",
            "A registry asked over plain HTTP (repeatable).",
            "HOST",
            repeat=True,
        ),
        Option("--version", "version", "Show the version."),
    ),
    Positional("PATH", "Files and directories (default: .); '-' reads stdin.", OPTIONAL_MANY),
    epilog=(
        "Other commands:\n"
        "  dfix rules [--format json]  list the rules\n"
        "  dfix explain RULE           explain one (RULE: code, name or alias, e.g. DF601, DL3020)\n"
        "  dfix verify [PATH...]       build the original and the fixed file; explain every difference\n"
        "\n"
        "A directory named `rules`, `explain` or `verify` is passed as ./rules, ./explain, ./verify."
    ),
)

RULES_COMMAND = Command(
    "dfix rules",
    "List the rules: code, name, fix availability and summary.",
    (Option("--format", "format", "Output format (default: text).", choices=FORMATS),),
)

EXPLAIN = Command(
    "dfix explain",
    "Explain a rule: what it finds, why it matters, an example, and how safe its fix is.",
    positional=Positional("RULE", "A rule code, name or alias (DF601, add-local-source, DL3020)."),
)

VERIFY = Command(
    "dfix verify",
    "Build the original and the fixed Dockerfile, compare the images, and explain every difference "
    "by the fix that declared it.\n\n"
    "This RUNS THE DOCKERFILE'S RUN STEPS, as `docker build` does: verify only files you would "
    "build. Nothing else in dfix ever builds. Exit 0: every difference is explained; 1: a difference "
    "no fix explains, or the fixed file does not build; 2: the original does not build, no builder "
    "is installed, or a usage error.",
    (
        Option("--unsafe-fixes", "unsafe_fixes", "Also apply (and verify) the unsafe fixes."),
        _SELECT,
        _IGNORE,
        Option("--context", "context", "The build context (default: the Dockerfile's directory).", "DIR"),
        Option(
            "--build-arg",
            "build_arg",
            "A build argument (repeatable); NAME alone takes its value from the environment.",
            "K=V",
            repeat=True,
        ),
        Option("--target", "target", "The stage to build.", "STAGE"),
        Option(
            "--builder",
            "builder",
            "buildah, docker (the Engine API at DOCKER_HOST), or auto (the default): buildah when "
            "installed, else docker.",
            choices=BUILDERS,
        ),
        Option(
            "--insecure-registry",
            "insecure_registry",
            "A registry reached over plain HTTP (repeatable).",
            "HOST",
            repeat=True,
        ),
        Option("--pin", "pin", "Also pin images to their digests (asks the registries)."),
        Option("--format", "format", "Output format (default: text).", choices=VERIFY_FORMATS),
    ),
    Positional("PATH", "Dockerfiles or directories (default: .).", OPTIONAL_MANY),
)

_SUBCOMMAND_RUNNERS: dict[str, Callable[[list[str]], int]] = {
    "rules": _rules,
    "explain": _explain,
    "verify": _verify,
}


def _split_build_arg(value: str) -> tuple[str, str]:
    """``K=V`` -> (K, V); ``NAME`` alone takes the value from the environment, as docker build
    does. ValueError when it is not set there."""
    key, equals, rest = value.partition("=")
    if not equals:
        if key not in os.environ:
            raise ValueError(f"--build-arg {key}: no value given and none in the environment")
        return key, os.environ[key]
    return key, rest


def run_verify(
    options: Options,
    build_args: dict[str, str],
    target: str | None,
    builder_name: str,
    insecure: list[str],
    output_format: str = "text",
) -> int:
    """``dfix verify``: fix each file, build both versions, print the reports; the exit code."""
    from pathlib import Path

    from fixer.discover import discover
    from fixer.report import verify as render
    from fixer.verify import VerifyReport, verify
    from fixer.verify.builders import NoBuilder, choose_builder

    problem = _unknown_selector(options)
    if problem is not None:
        print(f"dfix verify: {problem}", file=sys.stderr)
        return 2
    try:
        registry = _registry_settings(options.paths)
        builder = choose_builder(builder_name, [*insecure, *registry.insecure], registry.mirrors)
    except SourceError as error:
        print(error, file=sys.stderr)
        return 2
    except NoBuilder as error:
        print(f"dfix verify: {error}", file=sys.stderr)
        return 2
    reports: list[VerifyReport] = []
    code = 0
    with _resolver(options) as resolver:
        try:
            for item in discover(options.paths):
                if isinstance(item, SourceError):
                    print(item, file=sys.stderr)
                    code = 2
                    continue
                name = os.fspath(item)
                try:
                    result = _fix(read_dockerfile(item).text, name, options, resolver)
                except SourceError as error:
                    print(error, file=sys.stderr)
                    code = 2
                    continue
                context = Path(options.context or _directory(name) or ".")
                applied = [d for d in result.diagnostics if d.fixed]
                stage = (
                    target or _config(_directory(name) or os.getcwd()).settings.target
                )  # as the fix saw it
                report = verify(
                    name,
                    result.input,
                    result.output,
                    applied,
                    builder,
                    context,
                    build_args,
                    stage,
                    result.files,
                )
                reports.append(report)
                code = max(code, report.verdict.exit_code)
                if output_format == "text":
                    sys.stdout.write(render.render_text(report))
                elif output_format == "markdown":
                    sys.stdout.write(render.render_markdown(report))
                sys.stdout.flush()
        except KeyboardInterrupt:
            print("dfix verify: interrupted; removing what the builds made", file=sys.stderr)
            code = 130
        finally:
            builder.close()
    if output_format == "json" and code != 130:
        sys.stdout.write(render.render_json(reports, fixer.__version__))
    return code


def _registry_settings(paths: Sequence[str]) -> "RegistrySettings":
    """The registry settings of the projects ``paths`` lie in, together: a build pulls through
    the mirrors pinning asks."""
    from fixer.settings import RegistrySettings

    mirrors: dict[str, str] = {}
    insecure: list[str] = []
    for path in paths:
        directory = path if os.path.isdir(path) else _directory(path)
        registry = _config(directory or os.getcwd()).settings.registry
        mirrors.update(registry.mirrors)
        insecure += registry.insecure
    return RegistrySettings(tuple(sorted(mirrors.items())), tuple(dict.fromkeys(insecure)))


if __name__ == "__main__":
    main()
