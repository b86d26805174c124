"""DF504 duplicate-stage-name."""

from __future__ import annotations

import fixer


def test_duplicate_stage_names() -> None:
    text = "FROM a:1\nFROM b:1 AS build\nFROM c:1 AS Build\nFROM d:1 AS other\n"
    (message,) = [d.message for d in fixer.fix(text, select=["DF504"]).diagnostics]
    assert message.startswith("stage name `build` is taken by stage 1")
