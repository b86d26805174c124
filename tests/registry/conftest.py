"""Real registries for the digest-pinning tests, one per auth mode and session (``servers.py``).

They need Debian's ``docker-registry``; without it the tests here skip with the reason, except
under ``DFIX_REQUIRE_ORACLE=1`` (CI), where it is a failure, as in ``tests/oracle``.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from . import servers

REASON = "docker-registry is not installed (apt-get install docker-registry)"


def require_docker_registry() -> None:
    if shutil.which("docker-registry") is None:
        if os.environ.get("DFIX_REQUIRE_ORACLE") == "1":
            pytest.fail(REASON)
        pytest.skip(REASON)


@pytest.fixture(autouse=True)
def _docker_registry_installed() -> None:
    """Also for tests that start their own registry, not only those using the session ones."""
    require_docker_registry()


@pytest.fixture(scope="session")
def open_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[servers.Registry]:
    require_docker_registry()
    with servers.registry(tmp_path_factory.mktemp("registry-open")) as reg:
        yield reg


@pytest.fixture(scope="session")
def basic_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[servers.Registry]:
    require_docker_registry()
    with servers.registry(tmp_path_factory.mktemp("registry-basic"), "basic") as reg:
        yield reg


@pytest.fixture(scope="session")
def token_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[servers.Registry]:
    """Bearer tokens; anonymous tokens grant pull (a public repository), pushes need the credentials."""
    require_docker_registry()
    with servers.registry(tmp_path_factory.mktemp("registry-token"), "token") as reg:
        yield reg


@pytest.fixture
def start_registry(tmp_path: Path) -> Iterator[Callable[..., servers.Registry]]:
    """``start_registry(auth, **options)``: a registry of its own for this test, stopped after it."""
    with contextlib.ExitStack() as stack:
        numbers = itertools.count()

        def start(auth: servers.AuthMode = "none", **options: Any) -> servers.Registry:
            workdir = tmp_path / f"registry-{next(numbers)}"
            return stack.enter_context(servers.registry(workdir, auth, **options))

        yield start


@pytest.fixture
def repo(request: pytest.FixtureRequest) -> str:
    """A repository name of this test's own, so tests sharing a session registry cannot meet."""
    return "dfix/" + re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")
