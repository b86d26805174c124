"""Build stages and the effective state (USER, WORKDIR, SHELL, ENV, ARG) at each instruction.

Computed once per tree, purely from the text, following BuildKit's ``dockerfile2llb``:

* ARGs before the first FROM are global: FROM lines see them (and BuildKit's automatic platform
  ARGs); inside a stage an ARG is visible only after ``ARG NAME``, whose default is then the
  global one. ``--build-arg`` values (``build_args``) override declared ARGs only.
* A stage built ``FROM`` an earlier stage inherits its ENV, USER, WORKDIR and SHELL, not its ARGs.
* Values are expanded with BuildKit's shell lexer (``fixer.syntax.shell_words``). A FROM line
  expands as BuildKit does; its reference is unresolved (None) when it reads an ARG without a
  value, since the image then depends on ``--build-arg``. Elsewhere a variable the model cannot
  know (image ENV such as ``PATH``, an ARG without a value) stays literal: ``ENV PATH=/x:$PATH``
  gives ``/x:$PATH``.
* ONBUILD changes nothing in its own stage; image defaults (its USER, WORKDIR, ENV) are unknown,
  shown as None or absent.
"""

from __future__ import annotations

import bisect
import functools
import ntpath
import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Final

from fixer.model.images import Family, ImageRef, image_family, package_manager_family, parse_image_ref
from fixer.syntax import Dockerfile, Instruction, Located
from fixer.syntax.buildkit import BuildKitNode
from fixer.syntax.shell_words import ShellWordsError, process_word

__all__ = [
    "AUTOMATIC_ARGS",
    "POSIX_SHELL",
    "WINDOWS_SHELL",
    "Model",
    "Programs",
    "Stage",
    "State",
    "build_model",
]

Programs = Callable[[Instruction], Iterable[str]]
"""The programs a RUN invokes (names or paths), e.g. from the shell analysis. The model uses
them only to infer the family of an image whose reference says nothing."""

POSIX_SHELL: Final = ("/bin/sh", "-c")
WINDOWS_SHELL: Final = ("cmd", "/S", "/C")
# Windows PowerShell and cmd exist only on Windows; PowerShell on Linux is pwsh.
_WINDOWS_ONLY_SHELLS: Final = frozenset({"cmd", "powershell"})
_NON_POSIX_SHELLS: Final = _WINDOWS_ONLY_SHELLS | {"pwsh"}

# Defined by BuildKit in the global scope; their values depend on the build, so they are unknown.
AUTOMATIC_ARGS: Final = (
    "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
    "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
)  # fmt: skip

_NOTHING: Final[Mapping[str, str]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class State:
    """The effective state just before an instruction runs.

    ``user`` and ``workdir`` are None for the image's default (usually root, and the image's
    WORKDIR); a relative ``workdir`` is relative to that unknown default. ``env`` holds only
    what the Dockerfile sets, ``args`` the ARGs visible here (None: declared without a value).
    """

    user: str | None
    workdir: str | None
    shell: tuple[str, ...]
    env: Mapping[str, str]
    args: Mapping[str, str | None]
    windows: bool

    @property
    def shell_is_posix(self) -> bool:
        """False in Windows stages and under ``cmd``, ``powershell`` or ``pwsh``."""
        if self.windows or not self.shell:
            return False
        return _shell_program(self.shell[0]) not in _NON_POSIX_SHELLS


@dataclass(frozen=True, slots=True, eq=False)
class Stage:
    """A build stage: its FROM and the instructions up to the next FROM.

    ``base`` is the image it starts from, None when it starts from an earlier stage
    (``parent``) or its FROM names nothing. ``family`` comes from the image at the root of the
    FROM chain, else from the package managers run in that chain, else Windows hints (``#
    escape=`` backtick, ``--platform=windows/…``, a SHELL of Windows PowerShell or cmd).
    ``platform`` is ``--platform`` as written.
    """

    index: int
    name: str | None
    from_offset: int
    instructions: tuple[Located, ...]
    base: ImageRef | None
    parent: Stage | None
    family: Family
    platform: str | None

    @property
    def image(self) -> ImageRef | None:
        """The image at the root of this stage's FROM chain."""
        stage = self
        while stage.parent is not None:
            stage = stage.parent
        return stage.base


@dataclass(frozen=True, slots=True, eq=False)
class Model:
    """The semantic model of one Dockerfile.

    ``instructions`` lists every instruction in text order (``offsets`` their offsets);
    ``states[i]`` is the state before ``instructions[i]`` and ``stage_ids[i]`` its stage's
    index (-1 before the first FROM).
    """

    stages: tuple[Stage, ...]
    global_args: Mapping[str, str | None]
    instructions: tuple[Located, ...]
    offsets: tuple[int, ...]
    states: tuple[State, ...]
    stage_ids: tuple[int, ...]
    end_states: tuple[State, ...] = ()  # per stage: the state after its last instruction

    def end_state(self, stage: Stage) -> State:
        """The state a stage leaves to the image: its USER, WORKDIR, SHELL and ENV at the end."""
        return self.end_states[stage.index]

    @property
    def final(self) -> Stage | None:
        """The last stage (the image ``docker build`` produces); None in a file without FROM."""
        return self.stages[-1] if self.stages else None

    def _index(self, offset: int) -> int:
        return bisect.bisect_right(self.offsets, offset) - 1

    def stage_of(self, offset: int) -> Stage | None:
        """The stage holding the instruction at (or before) ``offset``; None before the first FROM."""
        index = self._index(offset)
        stage_id = self.stage_ids[index] if index >= 0 else -1
        return self.stages[stage_id] if stage_id >= 0 else None

    def state_at(self, offset: int) -> State:
        """The state just before the instruction starting at (or containing) ``offset``."""
        index = self._index(offset)
        return self.states[index] if index >= 0 else _START[False]

    def target(self, name: str) -> Stage | None:
        """The stage ``--target name`` selects (names are case-insensitive)."""
        name = name.lower()
        return next((stage for stage in self.stages if stage.name == name), None)

    def stage_ref(self, ref: str) -> Stage | None:
        """The stage ``COPY --from=ref`` / ``--mount=from=ref`` names: a stage name, or an index."""
        stage = self.target(ref)
        if stage is None and ref.isascii() and ref.isdecimal() and int(ref) < len(self.stages):
            stage = self.stages[int(ref)]
        return stage

    def shipped(self, stage: Stage, target: str | None = None) -> bool:
        """Whether ``stage``'s layers are in the built image: the final (or ``target``) stage and
        the stages it is built FROM; not stages only used through ``COPY --from``."""
        top = self.final if target is None else self.target(target)
        return top is not None and builds_on(top, stage)


def builds_on(stage: Stage, base: Stage) -> bool:
    """Whether ``stage`` is ``base`` or built FROM it (directly or through other stages)."""
    current: Stage | None = stage
    while current is not None:
        if current is base:
            return True
        current = current.parent
    return False


def build_model(
    tree: Dockerfile,
    programs: Programs | None = None,
    build_args: Mapping[str, str] | None = None,
) -> Model:
    """Compute the model of ``tree``; ``build_args`` are ``--build-arg`` values."""
    located = tree.located_instructions()
    first_from = next((i for i, loc in enumerate(located) if loc.node.upper_keyword == "FROM"), len(located))
    escape = tree.escape
    table = _StateTable()
    overrides = build_args or {}
    global_args, scope = _read_global_args(located[:first_from], overrides, escape, table)
    context = _Context(escape, overrides, global_args)
    drafts = _draft_stages(located[first_from:], scope, escape)
    families = _families(drafts, programs, escape)
    stages: list[Stage] = []
    end_states: list[State] = []
    for draft, family in zip(drafts, families, strict=True):
        parent = None if draft.parent is None else stages[draft.parent]
        stage = Stage(
            index=draft.index,
            name=draft.name,
            from_offset=draft.located[0].offset,
            instructions=draft.located,
            base=draft.base,
            parent=parent,
            family=family,
            platform=draft.platform,
        )
        stages.append(stage)
        if parent is None:
            start = _START[family is Family.WINDOWS]
        else:  # ARGs never cross a FROM
            start = replace(end_states[parent.index], args=_NOTHING)
        end_states.append(_walk(stage, start, context, table))
    return Model(
        tuple(stages),
        global_args,
        tuple(located),
        tuple(table.offsets),
        tuple(table.states),
        tuple(table.stage_ids),
        tuple(end_states),
    )


# The state at the start of a stage FROM an image, by whether it is a Windows image.
_START: Final = {
    windows: State(None, None, WINDOWS_SHELL if windows else POSIX_SHELL, _NOTHING, _NOTHING, windows)
    for windows in (False, True)
}


class _StateTable:
    """The per-instruction columns of the model, filled in text order."""

    __slots__ = ("offsets", "stage_ids", "states")

    def __init__(self) -> None:
        self.offsets: list[int] = []
        self.states: list[State] = []
        self.stage_ids: list[int] = []

    def add(self, offset: int, state: State, stage_id: int) -> None:
        self.offsets.append(offset)
        self.states.append(state)
        self.stage_ids.append(stage_id)


@dataclass(frozen=True, slots=True)
class _Context:
    escape: str
    build_args: Mapping[str, str]
    global_args: Mapping[str, str | None]


# ---------------------------------------------------------------------------
# Global scope and stages


def _read_global_args(
    preamble: list[Located], build_args: Mapping[str, str], escape: str, table: _StateTable
) -> tuple[Mapping[str, str | None], dict[str, str | None]]:
    """Declare the ARGs before the first FROM: (the declared ones, the scope FROM lines expand in)."""
    scope: dict[str, str | None] = {name: build_args.get(name) for name in AUTOMATIC_ARGS}
    declared: dict[str, str | None] = {}
    state = _START[False]
    for loc in preamble:
        table.add(loc.offset, state, -1)
        if loc.node.upper_keyword != "ARG":
            continue  # BuildKit rejects anything else here at build time
        for word in loc.node.buildkit.value:
            name, default = _split_arg(word)
            if name in build_args:
                value: str | None = build_args[name]
            else:
                value = None if default is None else _resolve(default, scope, escape)[0]
            scope[name] = declared[name] = value
        state = replace(state, args=MappingProxyType(dict(declared)))
    return MappingProxyType(declared), scope


@dataclass(slots=True)
class _Draft:
    """A stage before its family is known (that needs every stage on the same root)."""

    index: int
    name: str | None
    located: tuple[Located, ...]
    base: ImageRef | None
    parent: int | None
    platform: str | None


def _draft_stages(located: list[Located], scope: Mapping[str, str | None], escape: str) -> list[_Draft]:
    drafts: list[_Draft] = []
    names: dict[str, int] = {}
    for group in _groups(located):
        node = group[0].node.buildkit
        words = node.value
        name = words[2].lower() if len(words) == 3 and words[1].lower() == "as" else None
        raw = words[0] if words else ""
        resolved, best_effort = _resolve(raw, scope, escape)
        resolved = resolved or None  # an empty name is no image
        parent = names.get(resolved.lower()) if resolved else None  # earlier stages only
        base = parse_image_ref(raw, resolved, best_effort) if raw and parent is None else None
        platform = _flag(node, "--platform=")
        drafts.append(_Draft(len(drafts), name, group, base, parent, platform))
        if name is not None:
            names.setdefault(name, len(drafts) - 1)
    return drafts


def _flag(node: BuildKitNode, prefix: str) -> str | None:
    """The value of the ``--name=value`` flag (``prefix`` is ``--name=``), if given."""
    for flag in node.flags:
        if flag.startswith(prefix):
            return flag[len(prefix) :]
    return None


def _groups(located: list[Located]) -> Iterator[tuple[Located, ...]]:
    """Split instructions (starting at a FROM) into one group per FROM."""
    start = 0
    for i in range(1, len(located) + 1):
        if i == len(located) or located[i].node.upper_keyword == "FROM":
            yield tuple(located[start:i])
            start = i


def _families(drafts: list[_Draft], programs: Programs | None, escape: str) -> list[Family]:
    """Each stage's family: that of the root of its FROM chain, shared by the whole chain."""
    roots: list[int] = []
    for draft in drafts:
        roots.append(draft.index if draft.parent is None else roots[draft.parent])
    by_root: dict[int, Family] = {}
    for root in dict.fromkeys(roots):
        base = drafts[root].base
        family = Family.UNKNOWN if base is None else image_family(base)
        if family is Family.UNKNOWN:
            # Any stage on this root tells about its filesystem: e.g. a child's `apt-get`.
            chain = [draft for draft, r in zip(drafts, roots, strict=True) if r == root]
            family = _hinted_family(chain, programs, escape)
        by_root[root] = family
    return [by_root[root] for root in roots]


def _hinted_family(chain: list[_Draft], programs: Programs | None, escape: str) -> Family:
    """For an image that says nothing (``chain[0]`` is the stage naming it): the package
    managers run on it, then Windows hints."""
    if programs is not None:
        runs = (loc.node for draft in chain for loc in draft.located if loc.node.upper_keyword == "RUN")
        found = package_manager_family(program for node in runs for program in programs(node))
        if found is not None:
            return found
    # The backtick escape exists for Windows paths; --platform may name the OS outright.
    if escape == "`" or (chain[0].platform or "").lower().startswith("windows/"):
        return Family.WINDOWS
    if any(_windows_only_shell(loc.node) for draft in chain for loc in draft.located):
        return Family.WINDOWS
    return Family.UNKNOWN


def _windows_only_shell(node: Instruction) -> bool:
    if node.upper_keyword != "SHELL" or not node.buildkit.json or not node.buildkit.value:
        return False
    return _shell_program(node.buildkit.value[0]) in _WINDOWS_ONLY_SHELLS


@functools.lru_cache(maxsize=64)  # asked of every RUN's SHELL: a handful of distinct values
def _shell_program(path: str) -> str:
    """``C:\\Windows\\cmd.exe`` is ``cmd``: the name that says which shell it is."""
    return ntpath.basename(path).lower().removesuffix(".exe")


# ---------------------------------------------------------------------------
# State inside a stage


def _walk(stage: Stage, start: State, context: _Context, table: _StateTable) -> State:
    """Record the state before each of the stage's instructions; return the state at its end."""
    # FROM sees the global ARGs (`start` has no ARGs).
    from_state = replace(start, args=context.global_args) if context.global_args else start
    table.add(stage.from_offset, from_state, stage.index)
    state = start
    for loc in stage.instructions[1:]:
        table.add(loc.offset, state, stage.index)
        apply = _EFFECTS.get(loc.node.upper_keyword)
        if apply is not None:  # ONBUILD and the rest leave the state alone
            state = apply(state, loc.node.buildkit, context)
    return state


def _env(state: State, node: BuildKitNode, context: _Context) -> State:
    # All values of one ENV expand in the state before it (`ENV A=1 B=$A` reads the old A).
    variables = _variables(state)
    env = dict(state.env)
    for key, value in zip(node.value[::2], node.value[1::2], strict=True):
        env[key] = _expand(value, variables, context.escape)
    return replace(state, env=MappingProxyType(env))


def _arg(state: State, node: BuildKitNode, context: _Context) -> State:
    variables = _variables(state)
    args = dict(state.args)
    for word in node.value:
        name, default = _split_arg(word)
        if name in context.build_args:
            args[name] = context.build_args[name]
        elif default is not None:
            args[name] = _expand(default, variables, context.escape)
        else:
            args[name] = context.global_args.get(name)
    return replace(state, args=MappingProxyType(args))


def _user(state: State, node: BuildKitNode, context: _Context) -> State:
    if not node.value:
        return state
    return replace(state, user=_expand(node.value[0], _variables(state), context.escape))


def _workdir(state: State, node: BuildKitNode, context: _Context) -> State:
    if not node.value:
        return state
    path = _expand(node.value[0], _variables(state), context.escape)
    return replace(state, workdir=_join_workdir(state.workdir, path, windows=state.windows))


def _shell(state: State, node: BuildKitNode, context: _Context) -> State:
    # BuildKit accepts only the JSON form; anything else fails the build.
    return replace(state, shell=node.value) if node.json and node.value else state


_EFFECTS: Final[dict[str, Callable[[State, BuildKitNode, _Context], State]]] = {
    "ENV": _env,
    "ARG": _arg,
    "USER": _user,
    "WORKDIR": _workdir,
    "SHELL": _shell,
}


def _join_workdir(current: str | None, path: str, *, windows: bool) -> str:
    """WORKDIR ``path`` after ``current``: a relative path joins, then the result is cleaned."""
    if windows:
        return ntpath.normpath(path if current is None else ntpath.join(current, path))
    cleaned = posixpath.normpath(path if current is None else posixpath.join(current, path))
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned  # Go keeps one slash


# ---------------------------------------------------------------------------
# Expansion


def _split_arg(word: str) -> tuple[str, str | None]:
    """``NAME=default`` → (NAME, default); ``NAME`` → (NAME, None)."""
    name, equals, default = word.partition("=")
    return name, default if equals else None


def _variables(state: State) -> dict[str, str]:
    """What ``$NAME`` reads in a stage: ARGs with values, overridden by ENV (as in BuildKit)."""
    return {**{k: v for k, v in state.args.items() if v is not None}, **state.env}


def _literal(word: str, escape: str) -> str | None:
    """What the shell lexer makes of ``word`` when that needs no lexing: a plain word, or one
    wholly in quotes with nothing special inside (most values); else None."""
    quote = word[:1]
    if quote in ("'", '"') and len(word) > 1 and word[-1] == quote:
        inner = word[1:-1]
        if quote not in inner and (quote == "'" or ("$" not in inner and escape not in inner)):
            return inner
    if "$" in word or "'" in word or '"' in word or escape in word:
        return None
    return word


def _expand(word: str, variables: Mapping[str, str], escape: str) -> str:
    """``word`` expanded; unknown variables stay literal, and so does a word BuildKit would reject."""
    literal = _literal(word, escape)
    if literal is not None:
        return literal
    try:
        return process_word(word, variables, escape=escape, skip_unset_env=True)
    except ShellWordsError:
        return word


def _resolve(word: str, scope: Mapping[str, str | None], escape: str) -> tuple[str | None, str]:
    """Expand ``word`` in the global scope: (BuildKit's result or None if it reads an ARG
    without value, a best-effort result keeping such ARGs literal)."""
    literal = _literal(word, escape)
    if literal is not None:
        return literal, literal
    reads = _GlobalScope(scope)
    try:
        resolved = process_word(word, reads, escape=escape)
    except ShellWordsError:
        return None, word
    if reads.read_unknown:
        known = {k: v for k, v in scope.items() if v is not None}
        return None, _expand(word, known, escape)
    return resolved, resolved


class _GlobalScope(Mapping[str, str]):
    """The global scope as BuildKit's FROM expansion reads it: an ARG without a value reads as
    empty (``metaArgsToMap``), and reading one is noted, since a build arg could change it."""

    __slots__ = ("read_unknown", "scope")

    def __init__(self, scope: Mapping[str, str | None]) -> None:
        self.scope = scope
        self.read_unknown = False

    def __getitem__(self, name: str) -> str:
        value = self.scope[name]
        if value is None:
            self.read_unknown = True
            return ""
        return value

    def __contains__(self, name: object) -> bool:
        return name in self.scope

    def __iter__(self) -> Iterator[str]:
        return iter(self.scope)

    def __len__(self) -> int:
        return len(self.scope)
