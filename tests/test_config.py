"""Configuration discovery, keys, precedence, and errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fixer.config import Config, ConfigError, find_config, load_config
from fixer.settings import RegistrySettings, Settings, UserSettings


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_nearest_file_wins_and_pyproject_needs_the_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.dfix]\nignore = ['DF601']\n")
    write(tmp_path / "sub" / "pyproject.toml", "[tool.black]\n")  # no [tool.dfix]: skipped
    dockerfile = write(tmp_path / "sub" / "deeper" / "Dockerfile", "FROM x\n")
    assert find_config(dockerfile) == (tmp_path / "pyproject.toml").resolve()
    write(tmp_path / "sub" / ".dfix.toml", "select = ['DF1']\n")
    assert find_config(dockerfile) == (tmp_path / "sub" / ".dfix.toml").resolve()


def test_keys_load(tmp_path: Path) -> None:
    text = (
        "select = ['DF1']\nextend-select = ['DF601']\nignore = ['DL3014']\nextend-ignore = ['DF102']\n"
        "unsafe-fixes = true\nextend-safe-fixes = ['DF104']\nextend-unsafe-fixes = ['DF601']\n"
    )
    config = load_config(write(tmp_path / ".dfix.toml", text))
    assert config == Config(
        select=("DF1",),
        extend_select=("DF601",),
        ignore=("DL3014",),
        extend_ignore=("DF102",),
        unsafe_fixes=True,
        extend_safe_fixes=("DF104",),
        extend_unsafe_fixes=("DF601",),
    )
    assert config.selection() == (["DF1", "DF601"], ["DL3014", "DF102"])


def test_defaults_select_everything() -> None:
    assert Config().selection() == (None, [])
    assert Config(extend_select=("DF9",)).selection() == (["all", "DF9"], [])


def test_command_line_takes_precedence() -> None:
    config = Config(select=("DF1",), extend_select=("DF6",), ignore=("DF101",), unsafe_fixes=True)
    merged = config.with_cli(select=["DF601"], ignore=["DF102"], unsafe_fixes=None)
    assert merged.selection() == (["DF601"], ["DF101", "DF102"])
    assert merged.unsafe_fixes is True
    assert config.with_cli(unsafe_fixes=False).unsafe_fixes is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("selekt = ['DF1']\n", "unknown key: selekt", id="unknown-key"),
        pytest.param("select = 'DF1'\n", "`select` must be a list of strings", id="not-a-list"),
        pytest.param("unsafe-fixes = 'yes'\n", "`unsafe-fixes` must be true or false", id="not-a-bool"),
        pytest.param("select = [\n", "", id="invalid-toml"),
    ],
)
def test_bad_config_is_an_error_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / ".dfix.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.path == path
    assert message in caught.value.message
    assert caught.value.line == 1 if message else (caught.value.line, caught.value.column) == (2, 1)


def test_find_config_takes_a_string_and_names_a_broken_pyproject(tmp_path: Path) -> None:
    # The search runs on os.path (cold start); what it returns or reports is still a resolved Path.
    write(tmp_path / "pyproject.toml", "[tool.dfix]\n")
    dockerfile = write(tmp_path / "a" / "Dockerfile", "FROM x\n")
    assert find_config(str(dockerfile)) == (tmp_path / "pyproject.toml").resolve()
    assert find_config(str(dockerfile.parent)) == (tmp_path / "pyproject.toml").resolve()
    broken = write(tmp_path / "a" / "pyproject.toml", "[tool\n")
    with pytest.raises(ConfigError) as caught:
        find_config(dockerfile)
    assert caught.value.path == broken.resolve()
    assert isinstance(caught.value.path, Path)


def test_rule_settings_load(tmp_path: Path) -> None:
    (tmp_path / ".dfix.toml").write_text(
        'target = "runtime"\nsuid-keep = ["/usr/bin/sudo"]\nallowed-registries = ["docker.io"]\n'
        '[user]\nname = "svc"\nuid = 4242\ngid = 4343\n'
    )
    settings = load_config(tmp_path / ".dfix.toml").settings
    assert settings == Settings(
        "runtime", UserSettings("svc", 4242, 4343), ("/usr/bin/sudo",), ("docker.io",)
    )
    assert Config(settings=settings).with_cli(target="debug").settings.target == "debug"
    assert Config().settings == Settings(None, UserSettings("app", 10001, 10001), ())


def test_registry_settings_load(tmp_path: Path) -> None:
    (tmp_path / ".dfix.toml").write_text(
        '[registry]\nmirrors = {"docker.io" = "m:5000"}\ninsecure = ["m:5000"]\n'
    )
    assert load_config(tmp_path / ".dfix.toml").settings.registry == RegistrySettings(
        (("docker.io", "m:5000"),), ("m:5000",)
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[user]\nuid = 0\n", "`user.uid` must be a number from 1 to"),
        ("[user]\ngid = true\n", "`user.gid` must be a number"),
        ('[user]\nname = "Bad Name"\n', "`user.name` must be a user name"),
        ("[user]\nshell = 1\n", "unknown key in `user`: shell"),
        ("user = 1\n", "`user` must be a table"),
        ('suid-keep = ["sudo"]\n', "`suid-keep` takes absolute paths: 'sudo'"),
        ("target = 1\n", "`target` must be a stage name"),
        ("registry = 1\n", "`registry` must be a table"),
        ("[registry]\nmirror = 1\n", "unknown key in `registry`: mirror"),
        (
            '[registry]\nmirrors = {"docker.io" = "https://m/x"}\n',
            "`registry.mirrors` maps registries to hosts",
        ),
        ('[registry]\ninsecure = "h"\n', "`insecure` must be a list of strings"),
    ],
)
def test_bad_rule_settings_are_errors(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / ".dfix.toml").write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(tmp_path / ".dfix.toml")
