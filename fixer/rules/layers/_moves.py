"""What the instructions between merged RUNs may do once the RUNs are one (DF501, DF110).

A merged RUN stands in one place, so every instruction between the RUNs it replaces must move:
above it, where the scripts that ran before the instruction now run after it, or below it,
where the scripts after it now run before it. Either way, each script must still run in the
directory and environment it had, and see the files it saw. ``plan_moves`` decides where each
instruction goes and what each script needs to run as before, or that the RUNs stay apart:

* Metadata (``LABEL``, ``EXPOSE``, ``CMD`` …) goes above: no RUN sees it.
* ``WORKDIR`` goes above. A script that ran before it, and may use its working directory (any
  program but a package manager; a relative path or redirection), gets ``mkdir -p <its
  directory> && cd -P <it>`` (and ``unset OLDPWD``, which a fresh shell does not have) in its
  subshell: a builder need not make a WORKDIR's directory before a RUN starts there (buildah
  does not), and ``mkdir -p`` makes it as the runtime would, as root, so the RUNs must run as
  root (``_as_root``). That needs the directory: an absolute WORKDIR earlier in the stage
  chain. The base image's WORKDIR is unknown, so then the RUNs stay apart.
* ``ENV`` goes below, and each script after it gets ``export NAME=value`` in its subshell: the
  value BuildKit gives it, when that value reads no variable (a variable's value in the base
  image is unknown; BuildKit and the shell expand differently) and the name is no variable
  the shell itself manages (``IFS``, ``PWD``, ``OPTIND``, ``BASH_ENV`` …). The scripts before
  it keep their environment untouched. An instruction that moves above and comes after the
  ENV must not read variables (``COPY … $DIR/``), since it now runs before the ENV.
* ``ARG`` keeps the RUNs apart: a build argument's value is unknown, and ``ARG`` overrides the
  environment of every RUN after it.
* ``COPY`` and ``ADD`` go above, and the scripts before them now run with their files in
  place, and with the directories a WORKDIR creates. So they move only where none of those
  scripts could read or write the destination: it is a known absolute path, no earlier script
  names it, a directory above it or a path below it (as an absolute path, a relative one from
  a known directory, or an expansion whose value is unknown; in its environment, which
  programs read: ``ENV PREFIX=/app`` steers ``make install``, a build argument may steer it
  anywhere; or as a directory of the default PATH, where a program is found), no earlier
  script that may use its working directory runs in, above or below it, and no earlier script
  runs a package manager when it is under a system directory (``/usr``, ``/etc``, ``/opt``,
  ``/var``, ``/root``, ``/home`` …: which files a package installs is unknown). ``--chown``
  with a name moves only as a number: an earlier script may create the user. What the base
  image's own environment points programs at is unknown to dfix.
* Anything else (``USER``, ``SHELL``, ``VOLUME``) keeps the RUNs apart.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from fixer.rules._base import Context, Located
from fixer.syntax.shell_words import ShellWordsError, process_word

if TYPE_CHECKING:
    from fixer.shell import Script, Word


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Between the RUNs, these only set image metadata: moving them above the merged RUN changes nothing.
METADATA: Final = frozenset(
    {"LABEL", "MAINTAINER", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "ONBUILD"}
)
# These change what a RUN sees; they move only as `plan_moves` allows.
MOVABLE: Final = frozenset({"ENV", "ARG", "COPY", "ADD", "WORKDIR"})
# Instructions whose arguments BuildKit expands with the variables in force.
_EXPANDING: Final = frozenset({"LABEL", "EXPOSE", "STOPSIGNAL", "COPY", "ADD", "WORKDIR"})


@dataclass(frozen=True, slots=True)
class Between:
    """An instruction between the merged RUNs: its text (the comments directly above it
    included) and how many of the RUNs come before it."""

    located: Located
    text: str
    runs_before: int

    @property
    def keyword(self) -> str:
        return self.located.node.upper_keyword


@dataclass(frozen=True, slots=True)
class Plan:
    """Where the instructions between the RUNs go, and what each RUN's script runs first (in
    its subshell) to see what it saw."""

    above: tuple[Between, ...]
    below: tuple[Between, ...]
    prefixes: tuple[tuple[str, ...], ...]


def plan_moves(
    ctx: Context, runs: Sequence[Located], scripts: Sequence[Script], between: Sequence[Between]
) -> Plan | None:
    """The plan for merging ``runs`` (their POSIX ``scripts``), or None when some script could
    not keep its directory, environment or files (see the module docstring)."""
    above: list[Between] = []
    below: list[Between] = []
    exports: list[tuple[int, dict[str, str]]] = []
    reach: dict[int, _Reach] = {}
    for instruction in between:
        keyword = instruction.keyword
        if keyword == "ENV":
            values = _environment(instruction.located)
            if values is None:
                return None
            exports.append((instruction.runs_before, values))
            below.append(instruction)
            continue
        if keyword not in METADATA and keyword not in ("COPY", "ADD", "WORKDIR"):
            return None  # ARG, USER, SHELL, VOLUME …
        if below and keyword in _EXPANDING and "$" in instruction.located.node.code:
            return None  # it would expand before the ENV it came after
        if keyword in ("COPY", "ADD", "WORKDIR"):
            destination = _destination(ctx, instruction)
            if destination is None or _names_an_owner(instruction.located):
                return None
            makes = keyword != "WORKDIR" or destination != "/"  # BuildKit makes no directory for /
            for index in range(instruction.runs_before if makes else 0):
                if index not in reach:
                    reach[index] = _reach(ctx, runs[index], scripts[index])
                if reach[index].touches(destination):
                    return None
        above.append(instruction)
    final = ctx.model.state_at(runs[-1].offset).workdir
    prefixes: list[tuple[str, ...]] = []
    for index, (run, script) in enumerate(zip(runs, scripts, strict=True)):
        prefix: list[str] = []
        directory = ctx.model.state_at(run.offset).workdir
        if directory != final:
            if index not in reach:
                reach[index] = _reach(ctx, run, script)
            if reach[index].cwd_dependent:
                if directory is None or not directory.startswith("/"):
                    return None  # it ran in a directory nobody knows
                if not _as_root(ctx, runs, scripts):
                    return None  # `mkdir -p` might not make the directory as the build did
                quoted = shlex.quote(directory)
                prefix += [f"mkdir -p {quoted}", f"cd -P {quoted}", "unset OLDPWD"]
        environment: dict[str, str] = {}
        for runs_before, exported in exports:
            if runs_before <= index:
                environment.update(exported)
        if environment:
            prefix.append("export " + " ".join(f"{k}={shlex.quote(v)}" for k, v in environment.items()))
        prefixes.append(tuple(prefix))
    return Plan(tuple(above), tuple(below), tuple(prefixes))


# Subcommands only root can run (they take the package database's lock), and the options that
# make them only pretend.
_NEEDS_ROOT: Final = {
    "apt-get": _words("install remove purge autoremove update upgrade dist-upgrade"),
    "apt": _words("install remove purge autoremove update upgrade full-upgrade"),
    "apk": _words("add del update upgrade"),
    "yum": _words("install remove erase update upgrade"),
    "dnf": _words("install remove erase update upgrade"),
    "microdnf": _words("install remove update upgrade"),
    "zypper": _words("install in remove rm refresh ref update up"),
}
_PRETENDS: Final = tuple(
    _words(
        "-s --simulate --dry-run --just-print --no-act --recon --print-uris --download-only --downloadonly"
    )
)


def _as_root(ctx: Context, runs: Sequence[Located], scripts: Sequence[Script]) -> bool:
    """Whether the RUNs certainly run as root, as a ``mkdir -p`` must to make a directory the
    way the builder does (``WORKDIR`` makes it, or the runtime when a RUN starts there, owned by
    root). The stage's USER says so, or, with the image's own user, the first script runs a
    distribution package manager only root can run, where its failure fails the RUN: as any
    other user, the build failed there, and so does the merged one."""
    user = ctx.model.state_at(runs[0].offset).user
    if user is not None:
        return user.partition(":")[0] in ("root", "0")
    first = scripts[0]
    if not first.is_and_chain():
        return False
    commands = list(first.commands)
    for call in first.invocations(*_NEEDS_ROOT):
        command = call.command
        index = commands.index(command)
        piped = index + 1 < len(commands) and commands[index + 1].connector in ("|", "|&")
        if command.program != call.manager or piped or call.has_option(*_PRETENDS):
            continue  # `sudo apt-get`, `apt-get … | tee log`, `apt-get -s install`
        if call.subcommand in _NEEDS_ROOT[call.manager]:
            return True
    return False


# Variables the shell reads at start-up or manages itself: an `export` in a running shell is
# not what the same value in its environment at start-up would be.
_SHELL_VARIABLES: Final = _words(
    "ENV SHELLOPTS POSIXLY_CORRECT IFS PWD OLDPWD SHLVL PPID UID EUID GROUPS OPTIND OPTARG OPTERR"
    " LINENO HOSTNAME DIRSTACK FUNCNAME RANDOM SRANDOM SECONDS EPOCHSECONDS EPOCHREALTIME HISTCMD _"
)  # and every BASH* variable


def _environment(located: Located) -> dict[str, str] | None:
    """The variables an ENV sets, as BuildKit sets them; None when a shell cannot set them the
    same way (the value reads a variable, the name is not a shell variable name or one the
    shell manages)."""
    node = located.node
    values: dict[str, str] = {}
    words = node.buildkit.value
    for name, raw in zip(words[::2], words[1::2], strict=True):
        if "$" in raw or not name.isascii() or not name.isidentifier():
            return None
        if name in _SHELL_VARIABLES or name.startswith("BASH"):
            return None
        try:
            values[name] = process_word(raw, {}, escape=node.escape)
        except ShellWordsError:
            return None
    return values


def _destination(ctx: Context, instruction: Between) -> str | None:
    """The absolute path a COPY or ADD writes to, or the directory a WORKDIR creates; None
    when it is not known."""
    node = instruction.located.node
    if "$" in node.code:
        return None  # BuildKit expands it (heredoc bodies too): the value may be unknown
    if instruction.keyword == "WORKDIR":
        following = next((loc for loc in ctx.instructions if loc.offset > instruction.located.offset), None)
        directory = None if following is None else ctx.model.state_at(following.offset).workdir
        return directory if directory is not None and directory.startswith("/") else None
    if len(node.buildkit.value) < 2:
        return None
    target = node.buildkit.value[-1]
    if not target.startswith("/"):
        directory = ctx.model.state_at(instruction.located.offset).workdir
        if directory is None or not directory.startswith("/"):
            return None
        target = posixpath.join(directory, target)
    return posixpath.normpath(target)


def _names_an_owner(located: Located) -> bool:
    """``--chown=app`` names a user that an earlier script may create; numbers name nobody."""
    for flag in located.node.buildkit.flags:
        if flag.startswith("--chown="):
            owner = flag.removeprefix("--chown=")
            if not all(part.isdigit() for part in owner.split(":")):
                return True
    return False


# ---------------------------------------------------------------------------
# What a script may touch in the file system

# Top-level directories of the file system hierarchy: packages install into them, build tools
# write caches under them (`/root/.cache`), postinst scripts create users' homes under them.
_SYSTEM_DIRECTORIES: Final = _words(
    "bin boot dev etc home lib lib32 lib64 libx32 media mnt opt proc root run sbin srv sys tmp usr var"
)
# The distributions' package managers, which read no path relative to their directory unless
# one is given (`apt-get install ./x.deb`).
_SYSTEM_MANAGERS: Final = frozenset({"apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper"})
# Builtins whose arguments name no file (their redirections may).
_NO_PATHS: Final = _words(
    ": echo printf true false pwd type wait set unset umask ulimit read shift exit return alias unalias"
    " getopts let kill hash"
)
# The PATH a RUN has when its image sets none; its directories are where programs are found.
_DEFAULT_PATH: Final = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
_DIRECTORY_CHANGES: Final = frozenset({"cd", "chdir", "pushd", "popd"})


@dataclass(frozen=True, slots=True)
class _Reach:
    """Where a script may read or write: the absolute paths it names, the directories it runs
    in (None: not all known), whether it may use paths relative to them, whether it names a
    path nobody knows, and whether it runs a package manager."""

    paths: tuple[str, ...]
    directories: tuple[str, ...] | None
    cwd_dependent: bool
    unknown: bool
    packages: bool

    def touches(self, destination: str) -> bool:
        if self.unknown or any(_related(path, destination) for path in self.paths):
            return True
        if self.packages and _system(destination):
            return True
        return self.cwd_dependent and (
            self.directories is None
            or any(_related(directory, destination) for directory in self.directories)
        )


def _related(path: str, other: str) -> bool:
    """One is the other, or a directory above it."""
    return (
        path == other or other.startswith(path.rstrip("/") + "/") or path.startswith(other.rstrip("/") + "/")
    )


def _system(path: str) -> bool:
    top = path.strip("/").partition("/")[0]
    return not top or top in _SYSTEM_DIRECTORIES


def _reach(ctx: Context, run: Located, script: Script) -> _Reach:
    """``_Reach`` of one RUN's script, run in the RUN's WORKDIR: the paths its words name, its
    environment names (``ENV PREFIX=/app`` steers ``make install``) and the PATH directories
    where it finds programs; the directories it runs in."""
    from fixer.shell import program_lookups

    state = ctx.model.state_at(run.offset)
    # Only ENV values are fixed: an ARG's value can come from --build-arg.
    known = {name: value for name, value in state.env.items() if "$" not in value}
    variables = {**known, **script.variables()}
    workdir = state.workdir
    directories: list[str] | None = [workdir] if workdir is not None and workdir.startswith("/") else None
    paths: list[str] = []
    relative: list[str] = []
    unknown = False
    cwd_dependent = False
    calls = {id(call.command): call for call in script.invocations()}
    runs_programs = finds_programs = False
    for command in script.commands:
        program = command.program
        call = calls.get(id(command))
        if program not in _NO_PATHS and program not in _DIRECTORY_CHANGES:
            runs_programs = True
            unknown |= call is None and bool(state.args)  # a build argument may point it anywhere
        finds_programs |= bool(program_lookups(command))
        if program in _DIRECTORY_CHANGES:
            target = next((w for w in command.args() if not w.text.startswith("-")), None)
            if target is None or target.value is None or not target.value.startswith("/"):
                directories = None
            else:
                paths.append(posixpath.normpath(target.value))
                if directories is not None:
                    directories.append(posixpath.normpath(target.value))
            continue
        words: Sequence[Word] = () if program in _NO_PATHS else command.words
        for text in _texts([*command.assignment_words, *words], variables):
            if text is None:
                unknown = True
                continue
            for piece in _pieces(text):
                kind = _path_kind(piece)
                if kind == "absolute":
                    paths.append(_without_glob(piece))
                elif kind == "home":
                    unknown = True
                elif kind == "relative":
                    relative.append(piece)
                    cwd_dependent = True
        if program not in _NO_PATHS and (call is None or call.manager not in _SYSTEM_MANAGERS):
            cwd_dependent = True  # a program: it may read or write where it runs
    for target in script.redirect_targets:
        value = target.value if target.value is not None else _resolve(target.raw, variables)
        if value is None or value.startswith("~"):
            unknown = True
        elif value.startswith("/"):
            paths.append(_without_glob(value))
        else:
            relative.append(value)
            cwd_dependent = True
    if runs_programs:  # programs read their environment: paths there are theirs too
        values = [*state.env.values(), *(value for value in state.args.values() if value is not None)]
        for value in values:
            paths += [_without_glob(piece) for piece in _pieces(value) if _path_kind(piece) == "absolute"]
    if finds_programs:  # a file put on PATH may be the program a command finds
        paths += _DEFAULT_PATH
    if directories is not None:
        for piece in relative:
            if ".." in piece.split("/"):
                paths += [posixpath.normpath(posixpath.join(d, piece)) for d in directories]
    return _Reach(
        tuple(paths),
        None if directories is None else tuple(directories),
        cwd_dependent,
        unknown,
        bool(calls),
    )


def _texts(words: Sequence[Word], variables: dict[str, str]) -> list[str | None]:
    """The words' values, expansions of known variables split as the shell splits them; None
    for a word whose value is unknown."""
    found: list[str | None] = []
    for word in words:
        if word.value is not None:
            found.append(word.value)
            continue
        value = _resolve(word.raw, variables)
        found += [None] if value is None else value.split()
    return found


def _resolve(raw: str, variables: dict[str, str]) -> str | None:
    """``$NAME``, ``${NAME}`` or ``"$NAME"`` with a known value."""
    name = raw.removeprefix('"').removesuffix('"').removeprefix("$").removeprefix("{").removesuffix("}")
    return variables.get(name) if name.isidentifier() and raw.count("$") == 1 else None


def _pieces(text: str) -> list[str]:
    """The parts of a word that may be paths: ``--prefix=/usr/local`` holds ``/usr/local``,
    ``PATH=/a:/b`` holds ``/a`` and ``/b``, ``-C/src`` holds ``/src``; a URL holds none."""
    pieces: list[str] = []
    for part in text.replace(",", "=").replace(":", "=").split("="):
        if not part or part.startswith("//"):
            continue  # the host of a URL (`https://host/path`), or an empty part
        if part.startswith("-"):
            slash = part.find("/")
            if slash < 0:
                continue  # an option
            part = part[slash:]
        pieces.append(part)
    return pieces


def _path_kind(piece: str) -> str | None:
    if piece.startswith("/"):
        return "absolute"
    if piece.startswith("~"):
        return "home"
    if piece in (".", "..") or piece.startswith(("./", "../")) or "/" in piece:
        return "relative"
    return None  # a name: a package, a subcommand, or a file in the directory it runs in


def _without_glob(path: str) -> str:
    """The directory a glob pattern stays in (``/var/lib/apt/lists/*`` → its directory)."""
    cut = min((i for i, char in enumerate(path) if char in "*?["), default=len(path))
    if cut < len(path):
        path = path[:cut] if path[:cut].endswith("/") else posixpath.dirname(path[:cut])
    return posixpath.normpath(path or "/")
