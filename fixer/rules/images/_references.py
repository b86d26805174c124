"""Every external image a Dockerfile names, and where its reference is written.

The references a build pulls: each ``FROM`` image, ``COPY --from=<image>``,
``RUN --mount=…,from=<image>``, and the ``# syntax=`` frontend. Stage names, ``scratch`` and
numeric stage indexes are not images. A ``FROM ${BASE}`` whose value is wholly the default of one
global ``ARG BASE=…`` is written in that ARG; a reference assembled from several ARGs, or from an
ARG used anywhere else, has no single place to pin and says why.

Where a reference sits is found in BuildKit's logical line and mapped back to the source; the
rewritten instruction is parsed again and must read as the same instruction with only that
reference changed, so a reference split by a continuation or written in quotes is reported
rather than rewritten.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

from fixer.diagnostic import Edit
from fixer.model.images import ImageRef, parse_image_ref
from fixer.registry.names import TagRef, repository, valid_tag
from fixer.rules._base import Context, Located
from fixer.syntax import Directive, ParseError, parse
from fixer.syntax.buildkit import BuildKitNode

_WORD: Final = re.compile(r"\S+")
_VARIABLE: Final = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_SYNTAX_KIND: Final = "# syntax="


@dataclass(frozen=True, slots=True)
class ImageUse:
    """One external image reference. ``start``/``end``: the reference as written (where a
    finding points); ``rewrite``: the edit that writes another reference there, None with
    ``problem`` saying why it cannot."""

    kind: str  # "FROM", "COPY --from", "RUN --mount", "# syntax=", "ARG" (a FROM's ARG default)
    written: str
    image: ImageRef
    tag: TagRef | None
    start: int
    end: int
    rewrite: Callable[[str], Edit | None] | None
    problem: str | None = None

    @property
    def pinned(self) -> bool:
        return self.image.digest is not None


def image_uses(ctx: Context) -> Iterator[ImageUse]:
    """The external images of the file, in text order."""
    yield from _syntax_uses(ctx)
    model = ctx.model
    for stage in model.stages:
        located = stage.instructions[0]
        if stage.base is not None:
            yield from _from_use(ctx, located, stage.base)
        for current in stage.instructions[1:]:
            yield from _flag_uses(ctx, current)


# --- where each kind of reference is written -----------------------------------------------


def _syntax_uses(ctx: Context) -> Iterator[ImageUse]:
    for node, _, offset in ctx.nodes:
        if isinstance(node, Directive) and node.name == "syntax":
            value = node.value
            at = offset + node.content.rfind(value)
            yield _use(_SYNTAX_KIND, value, at, functools.partial(_directive_edit, node, at))


def _directive_edit(node: Directive, at: int, new: str) -> Edit | None:
    """The directive with ``new`` for its value, when it still reads as that directive."""
    offset = node.content.rfind(node.value)
    changed = node.content[:offset] + new + node.content[offset + len(node.value) :]
    probe = Directive(changed, node.newline)
    return Edit.replacement(at, at + len(node.value), new) if probe.value == new else None


def _from_use(ctx: Context, located: Located, image: ImageRef) -> Iterator[ImageUse]:
    node = located.node.buildkit
    if image.familiar.lower() == "scratch" or not node.value:
        return
    raw = node.value[0]
    span = _word_span(located, len(node.flags) + 1)
    if span is None:
        return
    start, end = span
    if "$" not in raw:
        yield _use(
            "FROM", raw, start, _instruction_edit(located, span, lambda bk, new: bk.value[:1] == (new,))
        )
        return
    yield _arg_default_use(ctx, located, raw, image, start, end)


def _arg_default_use(
    ctx: Context, located: Located, raw: str, image: ImageRef, start: int, end: int
) -> ImageUse:
    """``FROM ${BASE}``: the digest goes into ``ARG BASE=…`` when that default is the whole value."""
    variables = [m.group(1) or m.group(2) for m in _VARIABLE.finditer(raw)]
    whole = _VARIABLE.fullmatch(raw)
    if whole is None:
        names = ", ".join(dict.fromkeys(variables)) or raw
        return _unpinnable("FROM", raw, image, start, end, f"it is assembled from ARGs ({names})")
    name = variables[0]
    args = ctx.shared("image-args", _arg_reads)
    declarations = args.declared.get(name, [])
    preamble = [loc for loc in declarations if ctx.model.stage_of(loc.offset) is None]
    if len(preamble) != 1 or len(declarations) != 1:
        return _unpinnable("FROM", raw, image, start, end, f"ARG {name} is declared more than once")
    arg = preamble[0]
    words = arg.node.buildkit.value
    index = next(i for i, w in enumerate(words) if w.partition("=")[0] == name)
    default = words[index].partition("=")[2]
    if not default or not _plain(default):
        return _unpinnable("FROM", raw, image, start, end, f"ARG {name} has no plain default to pin")
    if name in args.read_elsewhere:
        return _unpinnable("FROM", raw, image, start, end, f"ARG {name} is read by other instructions too")
    span = _word_span(arg, index + 1)
    if span is None:
        return _unpinnable(
            "FROM", raw, image, start, end, f"ARG {name} is written in a way dfix cannot rewrite"
        )
    value_span = (span[1] - len(default), span[1])

    def same_arg(bk: BuildKitNode, new: str) -> bool:
        return bk.value == (*words[:index], f"{name}={new}", *words[index + 1 :])

    use = _use("ARG", default, value_span[0], _instruction_edit(arg, value_span, same_arg))
    return dataclasses.replace(use, start=start, end=end)  # the finding points at the FROM


def _flag_uses(ctx: Context, located: Located) -> Iterator[ImageUse]:
    """``COPY --from=<image>`` and ``RUN --mount=…,from=<image>`` that name no stage."""
    keyword = located.node.upper_keyword
    if keyword not in ("COPY", "ADD", "RUN"):
        return
    flags = located.node.buildkit.flags
    for position, flag in enumerate(flags):
        value, offset = _image_in_flag(keyword, flag)
        if value is None or ctx.model.stage_ref(value) is not None:
            continue
        span = _word_span(located, position + 1)
        if span is None:
            continue
        start = span[0] + offset
        kind = "COPY --from" if keyword != "RUN" else "RUN --mount"
        if "$" in value:
            image = parse_image_ref(value, None, value)
            yield _unpinnable(kind, value, image, start, start + len(value), "it reads a variable")
            continue

        def same_flags(
            bk: BuildKitNode, new: str, p: int = position, f: str = flag, o: int = offset, old: str = value
        ) -> bool:
            wanted = f[:o] + new + f[o + len(old) :]
            return bk.flags == (*flags[:p], wanted, *flags[p + 1 :])

        value_span = (start, start + len(value))
        yield _use(kind, value, start, _instruction_edit(located, value_span, same_flags))


def _image_in_flag(keyword: str, flag: str) -> tuple[str | None, int]:
    """The image a flag names and its offset in the flag, or (None, 0)."""
    if keyword in ("COPY", "ADD") and flag.startswith("--from="):
        return flag[len("--from=") :], len("--from=")
    if keyword == "RUN" and flag.startswith("--mount=") and '"' not in flag:
        offset = len("--mount=")
        for field in flag[offset:].split(","):
            key, equals, value = field.partition("=")
            if equals and key.strip().lower() == "from":
                return value, offset + len(key) + 1
            offset += len(field) + 1
    return None, 0


# --- building a use ------------------------------------------------------------------------


def _use(kind: str, written: str, start: int, rewrite: Callable[[str], Edit | None]) -> ImageUse:
    image = parse_image_ref(written, written, written)
    end = start + len(written)
    target = repository(image.registry, image.repository)
    if target is None or (image.tag is not None and not valid_tag(image.tag)):
        return _unpinnable(kind, written, image, start, end, "it is not a valid image name")
    return ImageUse(kind, written, image, TagRef(target, image.tag or "latest"), start, end, rewrite)


def _unpinnable(kind: str, written: str, image: ImageRef, start: int, end: int, problem: str) -> ImageUse:
    return ImageUse(kind, written, image, None, start, end, None, problem)


def _plain(word: str) -> bool:
    return not any(ch in word for ch in "$'\"\\`")


@dataclass(frozen=True, slots=True)
class _ArgReads:
    """Where the file's ARGs are declared and read, found in one walk: every ``FROM ${NAME}`` asks."""

    declared: dict[str, list[Located]]  # each name's ARG instructions, in text order
    read_elsewhere: frozenset[str]  # names read by an instruction but FROM lines that are exactly ``${name}``


def _arg_reads(ctx: Context) -> _ArgReads:
    declared: dict[str, list[Located]] = {}
    read: set[str] = set()
    for loc in ctx.model.instructions:
        node = loc.node
        keyword, words = node.upper_keyword, node.buildkit.value
        if keyword == "ARG":
            for name in dict.fromkeys(word.partition("=")[0] for word in words):
                declared.setdefault(name, []).append(loc)
            if ctx.model.stage_of(loc.offset) is None:
                continue  # a preamble ARG declares; it reads nothing a stage sees
        if keyword == "FROM" and words and _VARIABLE.fullmatch(words[0]):
            continue
        read.update(match.group(1) or match.group(2) for match in _VARIABLE.finditer(node.logical_line))
    return _ArgReads(declared, frozenset(read))


def _word_span(located: Located, index: int) -> tuple[int, int] | None:
    """The source offsets of the ``index``-th whitespace-separated word of the logical line
    (0 is the keyword), when it is written in one piece; else None."""
    node = located.node
    words = list(_WORD.finditer(node.logical_line))
    if index >= len(words):
        return None
    match = words[index]
    offsets = node.logical_offsets()
    start, last = offsets[match.start()], offsets[match.end() - 1]
    if last - start != match.end() - 1 - match.start():
        return None  # a continuation splits the word
    return located.offset + start, located.offset + last + 1


def _instruction_edit(
    located: Located, span: tuple[int, int], same: Callable[[BuildKitNode, str], bool]
) -> Callable[[str], Edit | None]:
    """A rewrite of ``span`` to a new reference, kept only if BuildKit reads the instruction as
    the same one with that reference changed (``same``)."""
    node = located.node

    def rewrite(new: str) -> Edit | None:
        start, end = span[0] - located.offset, span[1] - located.offset
        header = "" if node.escape == "\\" else f"# escape={node.escape}\n"
        try:
            probe = parse(header + node.code[:start] + new + node.code[end:]).instructions
        except ParseError:
            return None
        if len(probe) != 1 or not same(probe[0].buildkit, new):
            return None
        return Edit.replacement(span[0], span[1], new)

    return rewrite
