"""Real base images for the build oracle, made without a Docker engine (../shared/research/buildlab.md).

- a registry: Debian's ``docker-registry`` (CNCF distribution) on 127.0.0.1, storage in a
  temporary directory;
- ``busybox:1.35``: busybox-static unpacked from its .deb, one symlink per applet, a passwd and
  group file, and one SUID file (``/usr/local/bin/suid-demo``);
- ``debian:bookworm``: ``debootstrap --variant=minbase`` from the mirror apt uses here;
- derived bases (``debian-python``, …) built FROM those with a real builder.

Root file systems become images with umoci and reach the registry with skopeo. debootstrap is
the slow step (about 25 s), so its tree is kept in ``$DFIX_ORACLE_CACHE`` (default
``~/.cache/dfix/oracle``) for later local runs; CI starts without one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TOOLS = ("buildah", "skopeo", "umoci", "docker-registry", "debootstrap", "apt-get", "dpkg")
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def cache_dir() -> Path:
    path = Path(os.environ.get("DFIX_ORACLE_CACHE") or Path.home() / ".cache" / "dfix" / "oracle")
    path.mkdir(parents=True, exist_ok=True)
    return path


def run(*args: str | os.PathLike[str], cwd: Path | None = None) -> str:
    done = subprocess.run([os.fspath(a) for a in args], capture_output=True, text=True, cwd=cwd, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


# --- registry --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Registry:
    host: str  # 127.0.0.1:PORT

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"


@contextlib.contextmanager
def registry(workdir: Path) -> Iterator[Registry]:
    """A registry on a free loopback port, stopped (and its storage gone) on exit."""
    port = _free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "registry.yml"
    config.write_text(
        "version: 0.1\nlog:\n  level: warn\n"
        f"storage:\n  filesystem:\n    rootdirectory: {workdir / 'storage'}\n  delete:\n    enabled: true\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
    )
    log = (workdir / "registry.log").open("w")
    process = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=log, stderr=log)
    try:
        found = Registry(f"127.0.0.1:{port}")
        _wait_until_up(found, process)
        yield found
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(found: Registry, process: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"docker-registry exited with {process.returncode}")
        with (
            contextlib.suppress(urllib.error.URLError, ConnectionError),
            urllib.request.urlopen(found.url("/v2/"), timeout=1) as answer,
        ):
            if answer.status == 200:
                return
        time.sleep(0.1)
    raise RuntimeError("docker-registry did not come up")


# --- root file systems -----------------------------------------------------------------------


def busybox_rootfs(workdir: Path) -> Path:
    rootfs = workdir / "rootfs-busybox"
    shutil.rmtree(rootfs, ignore_errors=True)
    downloads = workdir / "debs"
    downloads.mkdir(exist_ok=True)
    run("apt-get", "download", "busybox-static", cwd=downloads)
    deb = next(downloads.glob("busybox-static_*.deb"))
    run("dpkg", "-x", deb, rootfs)
    for name in ("etc", "tmp", "root", "home", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "var/tmp"):
        (rootfs / name).mkdir(parents=True, exist_ok=True)
    (rootfs / "tmp").chmod(0o1777)
    (rootfs / "var/tmp").chmod(0o1777)
    (rootfs / "root").chmod(0o700)
    for applet in run(rootfs / "bin/busybox", "--list-full").split():
        link = rootfs / applet
        if not link.exists() and not link.is_symlink():
            link.symlink_to("/bin/busybox")
    (rootfs / "etc/passwd").write_text(
        "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
    )
    (rootfs / "etc/group").write_text("root:x:0:\nnogroup:x:65534:\n")
    suid = rootfs / "usr/local/bin/suid-demo"  # something for SUID stripping to find
    shutil.copy(rootfs / "bin/busybox", suid)
    suid.chmod(0o4755)
    return rootfs


def distroless_rootfs(workdir: Path) -> Path:
    """What gcr.io/distroless/static-debian12 holds that a users fix relies on: no shell, the
    account files with its ``nonroot`` user (65532), its home, and a world-writable /tmp."""
    rootfs = workdir / "rootfs-distroless"
    shutil.rmtree(rootfs, ignore_errors=True)
    for name in ("etc", "tmp", "root", "home/nonroot", "var/lib"):
        (rootfs / name).mkdir(parents=True, exist_ok=True)
    (rootfs / "tmp").chmod(0o1777)
    (rootfs / "root").chmod(0o700)
    (rootfs / "home/nonroot").chmod(0o700)
    os.chown(rootfs / "home/nonroot", 65532, 65532)
    (rootfs / "etc/passwd").write_text(
        "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n"
        "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
    )
    (rootfs / "etc/group").write_text("root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n")
    (rootfs / "etc/os-release").write_text('PRETTY_NAME="Distroless"\nID=debian\nVERSION_ID="12"\n')
    return rootfs


def debian_mirror() -> str:
    """The Debian archive apt uses on this machine (also reachable from inside builds)."""
    sources = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for path in sources:
        with contextlib.suppress(OSError):
            for line in path.read_text().splitlines():
                words = line.split()
                urls = words[1:] if words[:1] == ["URIs:"] else words[1:2] if words[:1] == ["deb"] else []
                for url in urls:
                    if url.rstrip("/").endswith("/debian"):
                        return url
    return "http://deb.debian.org/debian"


def debian_rootfs(workdir: Path) -> Path:
    """``debootstrap --variant=minbase bookworm``, kept in the cache between local runs."""
    cached = cache_dir() / "rootfs-debian-bookworm"
    if not (cached / "bin/bash").exists():
        shutil.rmtree(cached, ignore_errors=True)
        partial = cached.with_name(cached.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        run("debootstrap", "--variant=minbase", "bookworm", partial, debian_mirror())
        for leftover in (
            *(partial / "var/cache/apt/archives").glob("*.deb"),
            *(partial / "var/lib/apt/lists").glob("*"),
        ):
            if leftover.is_file():
                leftover.unlink()
        partial.rename(cached)
    del workdir
    return cached


def push_rootfs(rootfs: Path, workdir: Path, found: Registry, reference: str, cmd: str = "/bin/sh") -> None:
    """Make an image of ``rootfs`` (one layer) and push it as ``host/reference``."""
    layout = workdir / f"oci-{reference.replace('/', '-').replace(':', '-')}"
    bundle = workdir / f"bundle-{layout.name}"
    shutil.rmtree(layout, ignore_errors=True)
    shutil.rmtree(bundle, ignore_errors=True)
    run("umoci", "init", "--layout", layout)
    run("umoci", "new", "--image", f"{layout}:empty")
    run("umoci", "unpack", "--image", f"{layout}:empty", bundle)
    run("cp", "-a", f"{rootfs}/.", bundle / "rootfs")
    run("umoci", "repack", "--image", f"{layout}:image", bundle)
    run(
        "umoci", "config", "--image", f"{layout}:image", "--os", "linux", "--architecture", "amd64",
        "--config.cmd", cmd, "--config.env", PATH_ENV, "--config.workingdir", "/",
    )  # fmt: skip
    run(
        "skopeo",
        "copy",
        "--quiet",
        "--dest-tls-verify=false",
        f"oci:{layout}:image",
        f"docker://{found.host}/{reference}",
    )
    shutil.rmtree(bundle, ignore_errors=True)
    shutil.rmtree(layout, ignore_errors=True)
