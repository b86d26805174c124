"""Image references and the distribution family they (or the package managers a stage runs) imply.

The family decides which idioms dfix may generate (``useradd`` or ``adduser -S``, ``USER 65532``
for distroless, nothing POSIX for Windows). It is read off the reference in four steps, each a
small table rather than a pattern per image:

1. namespaces that define the OS (``gcr.io/distroless/…``, ``cgr.dev/…``, Red Hat's registries);
2. a distribution word in the repository path (``debian``, ``arm64v8/alpine``, ``ubi9/s2i-base``,
   ``kasmweb/core-ubuntu-focal``), last component first;
3. a distribution word in the tag (``-alpine3.19``, ``-bookworm``, ``-ubuntu22.04``, ``-ltsc2022``);
4. the default variant of well-known images built on a distribution (``python`` → Debian).
"""

from __future__ import annotations

import ntpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

__all__ = ["Family", "ImageRef", "image_family", "package_manager_family", "parse_image_ref"]


class Family(StrEnum):
    """A distribution family: what a stage's root filesystem is built from."""

    DEBIAN = "debian"
    UBUNTU = "ubuntu"
    ALPINE = "alpine"
    RHEL = "rhel"  # RHEL, UBI, CentOS, Rocky, Alma, Oracle Linux
    FEDORA = "fedora"
    AMAZONLINUX = "amazonlinux"
    SUSE = "suse"  # openSUSE, SLES / BCI
    DISTROLESS = "distroless"
    CHAINGUARD = "chainguard"  # Chainguard images, Wolfi
    BUSYBOX = "busybox"
    SCRATCH = "scratch"
    WINDOWS = "windows"
    UNKNOWN = "unknown"


_DOCKER_HUB: Final = "docker.io"


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A ``FROM`` image reference.

    ``raw`` is the word as written, ``resolved`` the word after ARG substitution (None when it
    reads an ARG that has no value, so the image depends on ``--build-arg``). The parts come
    from ``resolved`` or, when that is None, from the best-effort expansion that keeps unknown
    variables literal (``python:${TAG}-alpine`` still names an Alpine python). ``registry`` is
    None when the reference names none (Docker Hub).
    """

    raw: str
    resolved: str | None
    registry: str | None
    repository: str
    tag: str | None
    digest: str | None

    @property
    def familiar(self) -> str:
        """The name as ``docker`` shows it: Docker Hub's host and ``library/`` left out."""
        registry = _normal_registry(self.registry)
        if registry != _DOCKER_HUB:
            return f"{registry}/{self.repository}"
        return self.repository.removeprefix("library/")

    def canonical(self) -> str:
        """The fully qualified reference, e.g. ``docker.io/library/python:3.12-slim``.

        Like Docker's ``ParseNormalizedNamed`` + ``TagNameOnly``: ``:latest`` is implied only
        when there is neither tag nor digest.
        """
        registry = _normal_registry(self.registry)
        repository = self.repository
        if registry == _DOCKER_HUB and "/" not in repository:
            repository = "library/" + repository
        reference = f"{registry}/{repository}"
        if self.tag:
            reference += ":" + self.tag
        if self.digest:
            reference += "@" + self.digest
        elif not self.tag:
            reference += ":latest"
        return reference


def _normal_registry(registry: str | None) -> str:
    if registry is None or registry == "index.docker.io":
        return _DOCKER_HUB
    return registry


def parse_image_ref(raw: str, resolved: str | None, text: str) -> ImageRef:
    """Split ``text`` (the resolved or best-effort reference) into registry, repository, tag, digest.

    Follows Docker's ``splitDockerDomain``: the first path component is a registry only when
    it has a ``.`` or ``:``, is ``localhost``, or has upper-case letters.
    """
    name, _, digest = text.partition("@")
    tag: str | None = None
    colon = name.rfind(":")
    if colon > name.rfind("/"):
        name, tag = name[:colon], name[colon + 1 :]
    registry: str | None = None
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        registry, name = first, rest
    return ImageRef(raw, resolved, registry, name, tag, digest or None)


_D, _U, _A, _R = Family.DEBIAN, Family.UBUNTU, Family.ALPINE, Family.RHEL

# 1. Namespaces whose images are all of one family (matched on path prefixes of the familiar name).
_OS_NAMESPACES: Final = {
    "gcr.io/distroless": Family.DISTROLESS,
    "cgr.dev": Family.CHAINGUARD,
    "chainguard": Family.CHAINGUARD,
    "registry.access.redhat.com": _R,
    "registry.redhat.io": _R,
    "redhat": _R,
    "opensuse": Family.SUSE,
    "registry.suse.com": Family.SUSE,
    "registry.opensuse.org": Family.SUSE,
}

# 2 and 3. Words naming a distribution or a release of one, in a repository path
# (``alpine-glibc``) or a tag (``3.12-slim-bookworm``). Words are runs of letters and digits,
# looked up as written, then with trailing digits dropped (``ubuntu22``, ``ubi9``, ``ltsc2022``).
_OS_WORDS: Final = {
    "debian": _D,
    **dict.fromkeys(("jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "forky", "sid"), _D),
    "ubuntu": _U,
    **dict.fromkeys(("trusty", "xenial", "bionic", "focal", "jammy", "noble", "oracular", "plucky"), _U),
    "alpine": _A,
    **dict.fromkeys(("centos", "rockylinux", "almalinux", "oraclelinux", "ubi"), _R),
    "fedora": Family.FEDORA,
    **dict.fromkeys(("amazonlinux", "al2", "al2023"), Family.AMAZONLINUX),
    **dict.fromkeys(("opensuse", "sles"), Family.SUSE),
    "wolfi": Family.CHAINGUARD,
    "busybox": Family.BUSYBOX,
    **dict.fromkeys(("windows", "windowsservercore", "servercore", "nanoserver", "ltsc"), Family.WINDOWS),
}

# 4. Well-known images whose default variant is built on a distribution (their other variants
# are named in the tag, step 3): by official name, then by namespace.
_DEFAULT_VARIANTS: Final = {
    **dict.fromkeys(
        (
            "python", "pypy", "node", "ruby", "golang", "rust", "openjdk", "php", "perl", "gcc",
            "haskell", "julia", "r-base", "erlang", "elixir", "buildpack-deps", "nginx", "httpd",
            "postgres", "redis", "memcached", "haproxy", "influxdb", "wordpress", "drupal",
            "nextcloud", "ghost", "jenkins/jenkins", "continuumio/miniconda3",
            "continuumio/anaconda3", "mambaorg/micromamba", "google/cloud-sdk",
            "gcr.io/google.com/cloudsdktool/cloud-sdk",
        ),
        _D,
    ),
    **dict.fromkeys(
        (
            "eclipse-temurin", "maven", "gradle", "tomcat", "mongo", "mariadb", "rabbitmq",
            "swift", "nvidia/cuda", "elasticsearch", "kibana", "logstash",
        ),
        _U,
    ),
    **dict.fromkeys(("docker", "traefik", "caddy", "composer", "bash"), _A),
    "mysql": _R,  # Oracle Linux since 8.0
    "amazoncorretto": Family.AMAZONLINUX,
}  # fmt: skip
# Namespaces of Docker Hub's official images: mirrors and per-architecture copies.
_LIBRARY_NAMESPACES: Final = frozenset(
    ("library", "amd64", "arm32v5", "arm32v6", "arm32v7", "arm64v8", "i386", "ppc64le", "s390x", "riscv64")
)
_DEFAULT_VARIANT_NAMESPACES: Final = {
    "jupyter": _U,
    "quay.io/jupyter": _U,
    "selenium": _U,
    "mcr.microsoft.com/dotnet": _D,
    "mcr.microsoft.com/devcontainers": _D,
    "mcr.microsoft.com/vscode/devcontainers": _D,
}


def image_family(ref: ImageRef) -> Family:
    """The family an image reference implies, or UNKNOWN when it says nothing."""
    name = ref.familiar.lower()
    if name == "scratch":
        return Family.SCRATCH
    path = ref.repository.lower()
    return (
        _namespace_family(name, _OS_NAMESPACES)
        or _words_family(reversed(path.split("/")))
        or _words_family([(ref.tag or "").lower()])
        or _DEFAULT_VARIANTS.get(_official_name(name))
        or _namespace_family(name, _DEFAULT_VARIANT_NAMESPACES)
        or Family.UNKNOWN
    )


def _official_name(name: str) -> str:
    """``name`` without a library namespace: ``arm64v8/python`` and
    ``public.ecr.aws/docker/library/python`` are ``python``."""
    namespace, _, last = name.rpartition("/")
    return last if namespace.rpartition("/")[2] in _LIBRARY_NAMESPACES else name


def _namespace_family(name: str, table: dict[str, Family]) -> Family | None:
    """The family of the longest entry of ``table`` that is ``name`` or a path prefix of it."""
    while name:
        if family := table.get(name):
            return family
        name = name.rpartition("/")[0]
    return None


def _os_word(word: str) -> Family | None:
    return _OS_WORDS.get(word) or _OS_WORDS.get(word.rstrip("0123456789"))


def _words_family(texts: Iterable[str]) -> Family | None:
    """The family of the first distribution word in ``texts``."""
    for text in texts:
        for word in _WORDS.findall(text):
            if family := _os_word(word):
                return family
    return None


_WORDS: Final = re.compile(r"[a-z0-9]+")

# Package managers whose presence in a RUN names the family of the stage's root image.
_PACKAGE_MANAGERS: Final = {
    **dict.fromkeys(("apt-get", "apt", "aptitude", "dpkg"), _D),
    "apk": _A,
    **dict.fromkeys(("yum", "dnf", "microdnf", "rpm"), _R),
    "zypper": Family.SUSE,
    "choco": Family.WINDOWS,  # Chocolatey: the Windows package manager
}


def package_manager_family(programs: Iterable[str]) -> Family | None:
    """The family of the first package manager among ``programs`` (names or paths), if any."""
    for program in programs:
        if family := _PACKAGE_MANAGERS.get(ntpath.basename(program)):
            return family
    return None
