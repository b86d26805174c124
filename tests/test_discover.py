"""fixer.discover: which files a directory argument expands to."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fixer.discover import discover, is_dockerfile_name
from fixer.io import SourceError


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dockerfile", True),
        ("Containerfile", True),
        ("api.Dockerfile", True),
        ("api.Containerfile", True),
        ("Dockerfile.dev", True),
        ("Containerfile.prod", True),
        ("Dockerfile.dockerignore", False),
        ("api.Dockerfile.dockerignore", False),
        ("dockerfile", True),
        ("DOCKERFILE", True),
        ("Dockerfile-windows", True),
        ("Dockerfile_dev", True),
        ("dockerfile-kasm-firefox", True),
        ("jax_cuda.dockerfile", True),
        ("Containerfile-rhel9", True),
        ("Dockerfile.orig", True),  # a real corpus file: BuildKit builds it
        ("Dockerfile.md", False),
        ("dockerfile.go", False),
        ("dockerfile_test.py", False),
        ("Dockerfile.template", False),  # docker-library renders these with jq
        ("Dockerfile-linux.template", False),
        ("Dockerfile.j2", False),
        ("MyDockerfile", False),
        ("dockerfiles", False),
        ("Dockerfilefoo", False),
        ("Dockerfiles", False),
        (".dockerignore", False),
        ("docker-compose.yml", False),
    ],
)
def test_names(name: str, expected: bool) -> None:
    assert is_dockerfile_name(name) is expected


def make_tree(root: Path, files: list[str], gitignores: dict[str, str]) -> None:
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("FROM a\n")
    for directory, content in gitignores.items():
        (root / directory).mkdir(parents=True, exist_ok=True)
        (root / directory / ".gitignore").write_text(content)


def found(*arguments: str) -> list[str]:
    return [str(item) for item in discover(arguments)]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    make_tree(
        tmp_path,
        [
            "Dockerfile",
            "README.md",
            "api/Dockerfile",
            "api/dev.Dockerfile",
            "api/keep.Dockerfile",
            "api/Dockerfile.dockerignore",
            "api/deep/Containerfile.ci",
            "build/Dockerfile",
            "logs/Dockerfile",
            "node_modules/pkg/Dockerfile",
            ".venv/Dockerfile",
            ".git/Dockerfile",
        ],
        {".": "build/\n/logs\n", "api": "*.Dockerfile\n!keep.Dockerfile\n"},
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_walk_honours_gitignore_and_skips_tool_dirs(repo: Path) -> None:
    assert found(".") == ["Dockerfile", "api/Dockerfile", "api/deep/Containerfile.ci", "api/keep.Dockerfile"]


def test_gitignore_of_ancestors_applies_to_a_subdirectory(repo: Path) -> None:
    make_tree(repo, ["api/deep/x.Dockerfile", "api/deep/build/Dockerfile"], {})
    # api/.gitignore ignores *.Dockerfile below it; the root's `build/` ignores any build directory.
    assert found("api/deep") == ["api/deep/Containerfile.ci"]


def test_deepest_gitignore_wins(repo: Path) -> None:
    make_tree(repo, ["api/deep/build/Dockerfile"], {"api/deep": "!/build\n"})
    assert found("api") == [
        "api/Dockerfile",
        "api/deep/Containerfile.ci",
        "api/deep/build/Dockerfile",
        "api/keep.Dockerfile",
    ]


def test_explicit_files_are_taken_as_given(repo: Path) -> None:
    assert found("build/Dockerfile", "README.md") == ["build/Dockerfile", "README.md"]


def test_each_file_once(repo: Path) -> None:
    assert found("Dockerfile", ".", "./api")[:2] == ["Dockerfile", "api/Dockerfile"]
    assert len(found("Dockerfile", ".", "./api")) == 4


def test_outside_a_repository_the_walked_directory_gitignore_counts(tmp_path: Path) -> None:
    make_tree(tmp_path, ["a/Dockerfile", "a/b/Dockerfile"], {"a": "b/\n", ".": "a/\n"})
    assert found(str(tmp_path / "a")) == [str(tmp_path / "a" / "Dockerfile")]


def test_missing_path_is_reported_by_reading(repo: Path) -> None:
    assert found("missing") == ["missing"]  # a file argument; reading it reports the error


def test_directory_without_dockerfiles_is_an_error(repo: Path) -> None:
    (repo / "empty").mkdir()
    (item,) = discover(["empty"])
    assert isinstance(item, SourceError)
    assert str(item) == "empty: no Dockerfile found"


def test_unlistable_directory_is_an_error(repo: Path) -> None:
    (repo / "locked").mkdir(mode=0o000)
    if os.access(repo / "locked", os.R_OK):
        (repo / "locked").chmod(0o755)
        pytest.skip("this user lists directories with mode 000 (root with CAP_DAC_READ_SEARCH)")
    try:
        errors = [str(i) for i in discover(["."]) if isinstance(i, SourceError)]
    finally:
        (repo / "locked").chmod(0o755)
    assert errors == ["locked: Permission denied"]


def test_symlinked_directories_are_not_followed(repo: Path) -> None:
    (repo / "loop").symlink_to(repo, target_is_directory=True)
    assert "loop/Dockerfile" not in found(".")


def test_a_tree_deeper_than_the_python_stack_is_walked(tmp_path: Path) -> None:
    deep = tmp_path  # 1,200 levels: the recursive walk raised RecursionError at ~1,000
    for _ in range(1200):  # os.makedirs recurses too
        deep /= "d"
        deep.mkdir()
    (deep / "Dockerfile").write_text("FROM a\n")
    (tmp_path / "Dockerfile").write_text("FROM a\n")
    try:
        assert found(str(tmp_path)) == [str(tmp_path / "Dockerfile"), str(deep / "Dockerfile")]
    finally:  # bottom up: shutil.rmtree, which pytest cleans up with, recurses too
        (deep / "Dockerfile").unlink()
        while deep != tmp_path:
            deep.rmdir()
            deep = deep.parent


def test_order_is_depth_first_by_name(tmp_path: Path) -> None:
    make_tree(tmp_path, ["b/Dockerfile", "a/z/Dockerfile", "a/Dockerfile", "Dockerfile", "a.Dockerfile"], {})
    assert found(str(tmp_path)) == [
        str(tmp_path / name)
        for name in ["Dockerfile", "a/Dockerfile", "a/z/Dockerfile", "a.Dockerfile", "b/Dockerfile"]
    ]


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "realworld"


@pytest.mark.skipif(not (CORPUS / "SOURCES.tsv").is_file(), reason="the real-world corpus is not here")
def test_every_corpus_file_is_found_under_its_real_path(tmp_path: Path) -> None:
    import csv

    with (CORPUS / "SOURCES.tsv").open(encoding="utf-8") as sources:
        rows = list(csv.DictReader(sources, delimiter="\t"))
    for row in rows:  # each repository's files where they live in it, and a README beside them
        target = tmp_path / row["repo"] / row["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((CORPUS / row["file"]).read_bytes())
        (target.parent / "README.md").touch()
    assert len(found(str(tmp_path))) == len(rows) == 1380


def test_a_symlink_out_of_the_tree_is_reported_not_followed(tmp_path: Path) -> None:
    make_tree(tmp_path, ["repo/Dockerfile", "repo/common/base.Dockerfile", "elsewhere/secret"], {})
    (tmp_path / "repo" / "api.Dockerfile").symlink_to(tmp_path / "elsewhere" / "secret")
    (tmp_path / "repo" / "web.Dockerfile").symlink_to("common/base.Dockerfile")  # inside: followed
    repo = tmp_path / "repo"
    items = [str(item) for item in discover([str(repo)])]
    assert items == [
        str(repo / "Dockerfile"),
        f"{repo / 'api.Dockerfile'}: symlink to a file outside {repo}; name it to check it",
        str(tmp_path / "repo" / "common" / "base.Dockerfile"),
        str(tmp_path / "repo" / "web.Dockerfile"),
    ]
    assert found(str(tmp_path / "repo" / "api.Dockerfile")) == [str(tmp_path / "repo" / "api.Dockerfile")]
