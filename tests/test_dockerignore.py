""".dockerignore matching, as moby/patternmatcher matches (the cases of its own tests)."""

from __future__ import annotations

import pytest

from fixer.dockerignore import DockerIgnore


@pytest.mark.parametrize(
    ("rules", "path", "excluded"),
    [
        ("*.md", "README.md", True),
        ("*.md", "docs/README.md", False),  # `*` stays in one segment
        ("**/*.md", "docs/README.md", True),
        ("**/*.md", "README.md", True),
        ("docs", "docs/a/b.txt", True),  # a directory excludes what is in it
        ("docs/**", "docs/a/b.txt", True),
        ("/secret", "secret", True),  # a leading slash is dropped
        ("./build/", "build/x", True),  # patterns are cleaned like paths
        ("*.key\n!public.key", "public.key", False),  # an exception re-includes
        ("*.key\n!public.key", "private.key", True),
        ("!public.key\n*.key", "public.key", True),  # the last match wins
        ("# comment\n\n.env", ".env", True),
        ("# comment", "# comment", False),
        ("a?c", "abc", True),
        ("a?c", "a/c", False),
        ("[a-c]x", "bx", True),
        ("[^a-c]x", "bx", False),
        (".git", ".gitignore", False),
        ("node_modules", "node_modules", True),
        # ignorefile.ReadAll: `#` is a comment only in the first column (before blanks are
        # trimmed), a BOM before the first line goes, and CRLF lines end as LF lines do
        (" #x", "#x", True),
        ("\ufeff.env", ".env", True),
        ("\ufeff#.env", ".env", False),
        (".env\r\nid_rsa\r\n", "id_rsa", True),
        ("a\x0cb", "a\x0cb", True),  # only a newline ends a line (str.splitlines would split)
        ("\\#secret", "#secret", True),  # an escaped `#` is a pattern
        ("\\!secret", "!secret", True),
    ],
)
def test_matching(rules: str, path: str, excluded: bool) -> None:
    assert DockerIgnore.parse(rules).excludes(path) is excluded
