"""The variables an ``ENV`` or ``ARG`` instruction defines, with their values as the build reads
them (quotes and escapes removed, ``$VAR`` left as written)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING

from fixer.syntax.shell_words import ShellWordsError, process_word

if TYPE_CHECKING:
    from fixer.syntax import Located

__all__ = ["definitions"]


def definitions(located: Located) -> Iterator[tuple[str, str | None]]:
    """(name, value) per variable of an ENV or ARG; an ARG without a default has None."""
    node = located.node
    words = node.buildkit.value
    if node.upper_keyword == "ENV":
        for name, raw in zip(words[::2], words[1::2], strict=True):
            yield name, _unquoted(raw, node.escape)
    elif node.upper_keyword == "ARG":
        for word in words:
            name, equals, default = word.partition("=")
            yield name, _unquoted(default, node.escape) if equals else None


@functools.lru_cache(maxsize=16384)  # pure; a file of thousands of ENVs re-reads them every pass
def _unquoted(raw: str, escape: str) -> str:
    try:
        return process_word(raw, {}, escape=escape, skip_unset_env=True)
    except ShellWordsError:
        return raw
