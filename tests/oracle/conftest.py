"""Fixtures of the build oracle: a registry on 127.0.0.1, real base images in it, one builder.

Every test here is marked ``oracle``. They need root and Debian's buildah, skopeo, umoci,
docker-registry and debootstrap; where those are missing they skip with the reason, except
under ``DFIX_REQUIRE_ORACLE=1`` (CI), where a missing tool is a failure.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import bases
import pytest

from fixer.verify.builders import Buildah, BuildRequest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.oracle)


@dataclass(frozen=True, slots=True)
class Lab:
    """The registry and the base images in it, by short name (``busybox``, ``debian``, …)."""

    registry: bases.Registry
    images: dict[str, str]
    builder: Buildah
    workdir: Path

    def image(self, name: str) -> str:
        return self.images[name]


# Bases built FROM debian with the package managers some rules need (one build each per session):
# a Dockerfile, or a directory next to this file holding one and its context.
HERE = Path(__file__).parent
DERIVED: dict[str, str | Path] = {
    "debian-python": "FROM {debian}\nRUN apt-get update"
    " && apt-get install -y --no-install-recommends python3-pip python3-setuptools python3-wheel\n",
    "debian-dnf": HERE / "bases_dnf",
    # Debian calls yarn `yarnpkg`; the link gives it the name images from nodejs.org use.
    "debian-node": "FROM {debian}\n"
    "RUN apt-get update && apt-get install -y --no-install-recommends npm yarnpkg"
    " && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb && ln -s yarnpkg /usr/bin/yarn\n",
}


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    missing = bases.missing_tools()
    reason = None
    if missing:
        install = "apt-get install buildah skopeo umoci docker-registry debootstrap"
        reason = f"the build oracle needs {', '.join(missing)} ({install})"
    elif os.geteuid() != 0:
        reason = "the build oracle needs root (buildah with chroot or oci isolation, debootstrap)"
    if reason:
        if os.environ.get("DFIX_REQUIRE_ORACLE") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    with tempfile.TemporaryDirectory(prefix="dfix-oracle-", dir="/var/tmp") as scratch:
        workdir = Path(scratch)
        with bases.registry(workdir / "registry") as registry:
            host = registry.host
            images = {"busybox": f"{host}/busybox:1.35", "debian": f"{host}/debian:bookworm"}
            bases.push_rootfs(bases.busybox_rootfs(workdir), workdir, registry, "busybox:1.35")
            bases.push_rootfs(bases.debian_rootfs(workdir), workdir, registry, "debian:bookworm", cmd="bash")
            # gcr.io's distroless images come through a mirror (the registry here), under the
            # names dfix knows them by, as `[tool.dfix.registry] mirrors` would have them.
            bases.push_rootfs(
                bases.distroless_rootfs(workdir),
                workdir,
                registry,
                "distroless/static-debian12:latest",
                cmd="/app",
            )
            images["distroless"] = "gcr.io/distroless/static-debian12"
            builder = Buildah(insecure_registries=[host], mirrors=[("gcr.io", host)])
            try:
                for name, source in DERIVED.items():
                    images[name] = _derived(builder, registry, workdir, name, source, images["debian"])
                yield Lab(registry, images, builder, workdir)
            finally:
                builder.close()


def _derived(
    builder: Buildah, registry: bases.Registry, workdir: Path, name: str, source: str | Path, debian: str
) -> str:
    context = workdir / f"context-{name}"
    if isinstance(source, Path):
        shutil.copytree(source, context)
        dockerfile = (source / "Dockerfile").read_text()
    else:
        context.mkdir()
        dockerfile = source
    (context / "Dockerfile").write_text(dockerfile.replace("{debian}", debian))
    tag = f"localhost/dfix-oracle/{name}:1"
    builder.build(BuildRequest(context / "Dockerfile", context), tag)
    reference = f"{registry.host}/{name}:1"
    builder.push(tag, f"docker://{reference}")
    return reference
