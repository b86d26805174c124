"""DF405 maintainer-deprecated."""

from __future__ import annotations

import fixer


def found(text: str, code: str) -> list[str]:
    return [d.message for d in fixer.fix(text, select=[code]).diagnostics]


def test_maintainer() -> None:
    assert found("FROM a:1\nMAINTAINER me\n", "DF405") == [
        "`MAINTAINER` is deprecated: use `LABEL org.opencontainers.image.authors=…`"
    ]
    assert found("FROM a:1\nLABEL maintainer=me\n", "DF405") == []
