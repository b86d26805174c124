"""Lossless: ``fixer.parse(x).code == x``, byte for byte, on every golden and real-world Dockerfile.

A file BuildKit rejects may raise ``fixer.ParseError`` instead; nothing may raise anything else.
The real-world corpus (``../shared/corpus/realworld``) is skipped with a reason when absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from buildkit_oracle import HAVE_BUILDKIT, OracleBlind, bk_error, corpus_cases, read_utf8

import fixer

CASES = [
    pytest.param(path, id=name, marks=() if path else pytest.mark.skip(reason=name))
    for name, path in corpus_cases()
]


@pytest.mark.parametrize("path", CASES)
def test_roundtrip(path: Path) -> None:
    text = read_utf8(path)
    if text is None:
        pytest.skip("not UTF-8")
    try:
        tree = fixer.parse(text)
    except fixer.ParseError as e:
        # Allowed only where BuildKit rejects the file too.
        if not HAVE_BUILDKIT:
            pytest.skip(f"ParseError ({e}) and no oracle to say whether BuildKit rejects the file")
        try:
            theirs = bk_error(text)
        except OracleBlind as blind:
            pytest.skip(f"ParseError ({e}); oracle blind: {blind}")
        assert theirs is not None, f"fixer rejects a file BuildKit accepts: {e}"
        return
    assert tree.code == text
