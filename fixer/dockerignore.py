"""``.dockerignore``: which files of a build context a build sees, matched as BuildKit matches them.

BuildKit (moby/patternmatcher's ``ignorefile.ReadAll``) reads one pattern per line (a BOM before
the first dropped): a line starting with ``#`` is a comment -- checked before blanks are
trimmed, so `` #x`` is the pattern ``#x`` --, blank lines are skipped, ``!`` makes an exception,
each pattern is cleaned like a path (``./a/`` is ``a``, a leading ``/`` is dropped). A pattern
is Go's ``filepath.Match`` per path segment plus ``**`` for any number of segments. A path is
excluded when the last pattern that matches it or one of its parent directories is not an
exception.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pattern:
    text: str
    exclusion: bool  # False for a `!` exception
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class DockerIgnore:
    patterns: tuple[Pattern, ...] = ()

    @classmethod
    def parse(cls, text: str) -> DockerIgnore:
        patterns = []
        for line in text.removeprefix("\ufeff").split("\n"):  # Go's bufio.ScanLines
            if line.startswith("#"):
                continue
            line = line.removesuffix("\r").strip()
            if not line:
                continue
            exception = line.startswith("!")
            body = line[1:].strip() if exception else line
            cleaned = posixpath.normpath(body).lstrip("/") if body else ""
            if cleaned in ("", "."):
                continue
            patterns.append(Pattern(cleaned, not exception, pattern_regex(cleaned)))
        return cls(tuple(patterns))

    def excludes(self, path: str) -> bool:
        """Whether the context path ``path`` (relative, ``/``-separated) is left out of the build."""
        path = posixpath.normpath(path).lstrip("/")
        candidates = [path]
        parent = posixpath.dirname(path)
        while parent:
            candidates.append(parent)
            parent = posixpath.dirname(parent)
        excluded = False
        for pattern in self.patterns:
            if any(pattern.regex.fullmatch(candidate) for candidate in candidates):
                excluded = pattern.exclusion
        return excluded


@functools.cache
def pattern_regex(pattern: str) -> re.Pattern[str]:
    """moby/patternmatcher's regexp: ``**`` spans segments, ``*``/``?``/``[…]`` stay in one
    (also how ``dfix verify`` reads the paths a fix declares)."""
    out, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**", index):
            index += 2
            if pattern.startswith("/", index):  # "**/" : any leading directories, or none
                out.append("(?:.*/)?")
                index += 1
            else:
                out.append(".*")
        elif char == "*":
            out.append("[^/]*")
            index += 1
        elif char == "?":
            out.append("[^/]")
            index += 1
        elif char == "[":
            end = pattern.find("]", index + 2)
            if end < 0:
                out.append(re.escape(char))
                index += 1
                continue
            body = pattern[index + 1 : end]
            out.append("[" + ("^" + body[1:] if body.startswith("^") else body) + "]")
            index = end + 1
        elif char == "\\" and index + 1 < len(pattern):
            out.append(re.escape(pattern[index + 1]))
            index += 2
        else:
            out.append(re.escape(char))
            index += 1
    return re.compile("".join(out))
