"""DF501 packages-removed-in-later-run: build tools installed in one RUN and removed in a later one."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fixer.diagnostic import Applicability, Edit, Fix
from fixer.rules._base import Context, FixAvailability, Located, Rule, Violation
from fixer.rules._run import Run, runs
from fixer.syntax import Comment, Instruction, SourceLine
from fixer.syntax.lexer import lstrip_go

if TYPE_CHECKING:
    from fixer.shell import PackageInvocation, Script, Word

INSTALLS = {
    "apt-get": {"install"},
    "apt": {"install"},
    "apk": {"add"},
    "yum": {"install"},
    "dnf": {"install"},
    "microdnf": {"install"},
    "zypper": {"install", "in"},
}
REMOVES = {
    "apt-get": {"remove", "purge", "autoremove"},
    "apt": {"remove", "purge", "autoremove"},
    "apk": {"del"},
    "yum": {"remove", "erase"},
    "dnf": {"remove", "erase"},
    "microdnf": {"remove"},
    "zypper": {"remove", "rm"},
}
# Between the RUNs, these only set image metadata: moving them above the merged RUN changes nothing.
METADATA = frozenset(
    {"LABEL", "MAINTAINER", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "ONBUILD"}
)
# These change what a later RUN sees; moving them above the earlier RUNs may change its meaning.
MOVABLE_UNSAFE = frozenset({"ENV", "ARG", "COPY", "ADD", "WORKDIR"})


@dataclass(frozen=True, slots=True)
class _Segment:
    """One RUN of the range, with the script it runs and its source text after the flags."""

    run: Run
    script: Script
    body: str
    comments: tuple[str, ...]


class PackagesRemovedInLaterRun(Rule):
    """## What it does
    Finds packages installed in one RUN and removed (``apt-get purge``, ``apk del``,
    ``yum remove`` …) in a later RUN of the same stage.

    ## Why is this bad?
    Every RUN is a layer, and a later layer can only hide files, never take them out of the
    image: the compilers installed, used and "removed" across three RUNs are all still shipped,
    with their vulnerabilities.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y gcc make
    COPY . /src
    RUN make -C /src install
    RUN apt-get purge -y gcc make
    ```

    Use instead:
    ```dockerfile
    COPY . /src
    RUN apt-get update && apt-get install -y gcc make \\
        && make -C /src install \\
        && apt-get purge -y gcc make
    ```

    ## Fix safety
    The RUNs from the install to the removal become one RUN, joined with ``&&`` and laid out as
    the file writes multi-line RUNs; comments above them move inside it. A script whose shell
    state (``cd``, ``export``, ``set``, ``umask`` …) would leak into the next one, or that is not a
    plain ``&&`` list (``||``, ``;``), runs in a subshell ``( … )``, so each keeps its meaning.
    Safe when only such RUNs and metadata instructions (``LABEL``, ``EXPOSE``, ``CMD`` …) lie
    between. Unsafe when ``ENV``, ``ARG``, ``COPY``, ``ADD`` or ``WORKDIR`` lie between: they move
    above the merged RUN, so the earlier commands run after them. No fix across ``USER``,
    ``SHELL``, ``VOLUME`` or a new stage, when the RUN flags differ (``--mount``, ``--network``),
    or when a RUN uses a heredoc, the exec form or a shell comment.

    ## References
    - hadolint DL3059 (consecutive RUNs)
    - https://docs.docker.com/build/building/best-practices/#minimize-the-number-of-layers
    """

    code = "DF501"
    name = "packages-removed-in-later-run"
    summary = "packages installed in one RUN are removed in a later one"
    fix_title = "Merge the RUNs from the install to the removal into one layer"
    fix_availability = FixAvailability.SOMETIMES
    aliases = ()

    def check(self, ctx: Context) -> Iterator[Violation]:
        all_runs = [run for run in runs(ctx) if run.script.source == "shell-form"]
        for index, removal in enumerate(all_runs):
            removed = _packages(ctx, removal, REMOVES)
            if not removed:
                continue
            for install in reversed(all_runs[:index]):
                if install.located.offset == removal.located.offset:
                    continue
                if ctx.model.stage_of(install.located.offset) is not ctx.model.stage_of(
                    removal.located.offset
                ):
                    break
                both = sorted(_packages(ctx, install, INSTALLS) & removed)
                if both:
                    yield self._report(ctx, install, removal, both)
                    break

    def _report(self, ctx: Context, install: Run, removal: Run, packages: list[str]) -> Violation:
        names = ", ".join(f"`{name}`" for name in packages[:4]) + (" …" if len(packages) > 4 else "")
        line = ctx.position(removal.located.offset)[0]
        message = f"{names} installed here are removed in a later RUN (line {line}): still in the image"
        fix = _merge(ctx, install.located, removal.located, self.fix_title or "")
        return self.violation(install.located.offset, install.located.content_end, message, fix)


def _packages(ctx: Context, run: Run, table: dict[str, set[str]]) -> set[str]:
    """Package (or apk virtual) names the script installs or removes, variables resolved."""
    script = run.script.script
    found: set[str] = set()
    for call in script.invocations(*table):
        if call.subcommand not in table[call.manager]:
            continue
        found |= _names(ctx, run, script, call)
    return found


def _names(ctx: Context, run: Run, script: Script, call: PackageInvocation) -> set[str]:
    variables = {**ctx.model.state_at(run.located.offset).env, **script.variables()}
    names: set[str] = set()
    words = [*call.packages, *_virtual(call)]
    for word in words:
        for name in _expand(word.raw if word.value is None else word.value, variables, word.value is None):
            if name and not name.startswith("-"):
                names.add(_strip_version(name))
    return names


def _virtual(call: PackageInvocation) -> list[Word]:
    """``apk add --virtual .build-deps …`` names a group that ``apk del .build-deps`` removes."""
    options = list(call.options)
    return [options[i + 1] for i, word in enumerate(options[:-1]) if word.text in ("--virtual", "-t")]


def _expand(text: str, variables: dict[str, str], has_expansion: bool) -> list[str]:
    if not has_expansion:
        return [text]
    name = text.strip('"').removeprefix("$").strip("{}")
    value = variables.get(name)
    return value.split() if value is not None else []


def _strip_version(name: str) -> str:
    for separator in ("=", ">", "<", "~"):
        name = name.partition(separator)[0]
    return name


def _merge(ctx: Context, first: Located, last: Located, title: str) -> Fix | None:
    """One RUN for the instructions from ``first`` to ``last``, or None when meaning cannot be kept.

    Instructions that are not RUNs move above the merged RUN with the comments directly above
    them; the comments above a merged RUN move inside it (BuildKit skips comment lines in a
    continuation); blank lines between them go.
    """
    from fixer.shell import analyse

    moved: list[str] = []
    segments: list[_Segment] = []
    unsafe_reasons: set[str] = set()
    comments: list[str] = []
    for node, _, offset in ctx.tree.located():
        if offset < first.offset or offset > last.offset:
            continue
        if isinstance(node, Comment):
            comments.append(node.code)
            continue
        if not isinstance(node, Instruction):
            comments = []
            continue
        located = Located(node, ctx.position(offset)[0], offset)
        keyword = node.upper_keyword
        if keyword == "RUN":
            segment = _segment(ctx, located, first, [lstrip_go(c).rstrip("\r\n") for c in comments])
            if segment is None:
                return None
            segments.append(segment)
        elif keyword in METADATA or keyword in MOVABLE_UNSAFE:
            moved.extend([*comments, node.code])
            if keyword in MOVABLE_UNSAFE:
                unsafe_reasons.add(keyword)
        else:
            return None  # USER, SHELL, VOLUME, FROM, unknown: the RUNs must stay apart
        comments = []
    check = analyse(" && ".join(_wrapped(s, s is segments[-1]) for s in segments))
    if check.has_error or len(check.commands) != sum(len(s.script.commands) for s in segments):
        return None
    start, own_comments = _comment_block_above(ctx, first)
    if not moved:
        start, own_comments = first.offset, ""
    text = "".join(moved) + own_comments + _join(ctx, segments)
    if unsafe_reasons:
        title += f" (moves {', '.join(sorted(unsafe_reasons))} above the earlier RUNs)"
    applicability = Applicability.UNSAFE if unsafe_reasons else Applicability.SAFE
    return Fix(title, (Edit.replacement(start, last.end, text),), applicability)


def _comment_block_above(ctx: Context, located: Located) -> tuple[int, str]:
    """Where the comments directly above an instruction start, and their text: they document
    the first RUN, so instructions moved above the merged RUN go above them too."""
    start, block = located.offset, list[str]()
    for node, _, offset in ctx.tree.located():
        if offset >= located.offset:
            break
        if isinstance(node, Comment):
            start = offset if not block else start
            block.append(node.code)
        else:
            block = []
    return (start, "".join(block)) if block else (located.offset, "")


def _segment(ctx: Context, located: Located, first: Located, comments: list[str]) -> _Segment | None:
    """The RUN as a piece of the merge, or None when it cannot be one."""
    from fixer.shell import run_scripts

    node = located.node
    scripts = run_scripts(node, ctx.model.state_at(located.offset).shell_is_posix)
    if len(scripts) != 1 or scripts[0].source != "shell-form" or node.heredocs:
        return None  # exec form, heredocs, a non-POSIX shell
    if sorted(node.buildkit.flags) != sorted(first.node.buildkit.flags):
        return None  # one RUN's mounts or network would apply to the other's commands
    script = scripts[0].script
    if script.has_error or not script.commands or _has_shell_comment(script):
        return None
    body = node.code[scripts[0].offsets[0] : len(node.code) - len(node.trailing_newline)]
    return _Segment(Run(located, scripts[0]), script, body, tuple(comments))


def _has_shell_comment(script: Script) -> bool:
    # A `#` comment inside the script would swallow what the merge appends after it.
    return not script.is_and_chain() and "#" in script.text


def _wrapped(segment: _Segment, last: bool) -> str:
    return segment.script.text if _plain(segment.script, last) else f"( {segment.script.text} )"


def _plain(script: Script, last: bool) -> bool:
    """Joinable with ``&&`` as it is: a plain ``&&`` list, leaving no shell state to a next one."""
    return script.is_and_chain() and (last or not script.state_changes())


def _join(ctx: Context, segments: Sequence[_Segment]) -> str:
    """The merged RUN: the first RUN up to its script, then every script, in the file's style."""
    first = segments[0].run.located.node
    head = first.code[: segments[0].run.script.offsets[0]]
    newline = _newline(first)
    escape = first.escape
    leading = _leading_operator_style(ctx)
    indent = _continuation_indent(ctx)
    parts = [head + _body(segments[0], len(segments) == 1)]
    for segment in segments[1:]:
        comment_lines = "".join(f"{indent}{comment}{newline}" for comment in segment.comments)
        body = _body(segment, segment is segments[-1])
        if leading:
            parts.append(f" {escape}{newline}{comment_lines}{indent}&& {body}")
        else:
            parts.append(f" && {escape}{newline}{comment_lines}{indent}{body}")
    last = segments[-1].run.located.node
    return "".join(parts) + last.trailing_newline


def _body(segment: _Segment, last: bool) -> str:
    return segment.body if _plain(segment.script, last) else f"( {segment.body} )"


def _newline(node: Instruction) -> str:
    for line in node.lines:
        if line.newline:
            return line.newline
    return "\n"


def _leading_operator_style(ctx: Context) -> bool:
    """Whether the file starts continuation lines with ``&&`` (else it ends lines with ``&& \\``)."""
    leading = trailing = 0
    for located in ctx.instructions:
        sources = [line for line in located.node.lines if isinstance(line, SourceLine)]
        for line in sources[1:]:
            leading += lstrip_go(line.text).startswith("&&")
        for line in sources[:-1]:
            trailing += line.text.rstrip().endswith("&&")
    return leading >= trailing


def _continuation_indent(ctx: Context) -> str:
    """The indentation the file's RUNs use on continuation lines (four spaces if none)."""
    for located in ctx.instructions:
        sources = [line for line in located.node.lines if isinstance(line, SourceLine)]
        if located.node.upper_keyword == "RUN" and len(sources) > 1:
            text = sources[1].text
            indent = text[: len(text) - len(lstrip_go(text))]
            if indent:
                return indent
    return "    "
