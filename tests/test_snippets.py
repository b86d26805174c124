"""Templates: every one renders, parses, and ships inside the wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import fixer
from fixer import snippets

VALUES = {
    "shell/pipefail.j2": {"shell": "/bin/bash"},
    "shell/restore.j2": {"words": ['"/bin/sh"', '"-c"']},
    **{
        f"users/{name}.j2": {
            "name": "app",
            "uid": 10001,
            "gid": 10001,
            "shell": "/sbin/nologin",
            "own": ["/app"],
        }
        for name in ("shadow", "busybox", "passwd")
    },
    "users/switch.j2": {"ids": "1000:1000", "own": ["/app", "/data"]},
    "users/strip_setid.j2": {"command": "find / -xdev -perm /6000 -type f -exec chmod a-s {} +"},
}


@pytest.mark.parametrize("name", snippets.template_names())
def test_every_template_renders_in_the_files_style(name: str) -> None:
    crlf_lower = fixer.parse("from x\r\nrun a\r\n")
    text = snippets.render(name, crlf_lower, **VALUES[name])
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(node.keyword.islower() for node in fixer.parse(text).instructions)


def test_missing_value_is_an_error_not_an_empty_string() -> None:
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        snippets.render("shell/pipefail.j2", fixer.parse("FROM x\n"))


@pytest.mark.skipif(
    shutil.which("hatchling", path=str(Path(sys.executable).parent)) is None, reason="no hatchling"
)
def test_wheel_ships_every_template(tmp_path: Path) -> None:
    project = Path(__file__).resolve().parents[1]
    hatchling = str(Path(sys.executable).parent / "hatchling")
    subprocess.run(
        [hatchling, "build", "-t", "wheel", "-d", str(tmp_path)], cwd=project, check=True, capture_output=True
    )
    (wheel,) = tmp_path.glob("*.whl")
    shipped = {name.removeprefix("fixer/templates/") for name in zipfile.ZipFile(wheel).namelist()}
    assert set(snippets.template_names()) <= shipped
