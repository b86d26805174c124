"""The image builders verify drives: buildah, and a Docker Engine API (docker, or podman's service).

Verify runs the Dockerfile's RUN steps, exactly as ``docker build`` does, so a builder here is
only ever started by ``dfix verify``. Each builder keeps everything it makes in one place and
removes it in ``close()``, which the caller runs on success, failure and Ctrl-C alike:

- buildah builds in a private storage root (a temporary directory): its images, layers, cache
  and containers never mix with the user's, and closing deletes the directory;
- the Engine API builder tags what it builds with a unique name and deletes those images.

buildah must build with ``--layers`` (without it, it squashes every instruction into one layer,
which hides exactly the per-layer leftovers verify looks for) and ``--format docker`` (the OCI
format has no ``Shell`` and silently drops ``SHELL``). Isolation: the strongest that works here,
tried in order — ``oci`` with the configured runtime, ``oci`` with runc, then ``chroot`` — with
the outcome said in the report, and a warning when chroot runs as root (RUN steps are then not
contained from the host).
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import tarfile
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from fixer.dockerignore import DockerIgnore


class BuildError(Exception):
    """A build that failed: ``log`` holds the builder's output (the tail is what users need)."""

    def __init__(self, message: str, log: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.log = log

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.log.rstrip().splitlines()[-lines:])


class NoBuilder(Exception):
    """No builder is installed or reachable; the message says what to install."""


@dataclass(frozen=True, slots=True)
class BuildRequest:
    """One build: the Dockerfile (anywhere), the context directory, and the build's inputs.
    ``secrets`` maps a secret id to the file that holds its (dummy) value, ``ssh`` an ssh mount
    id to a private key the builder serves through an agent; ``ignore_file`` replaces the
    context's ``.dockerignore`` (the fixed one, when a fix edits it)."""

    dockerfile: Path
    context: Path
    build_args: Mapping[str, str] = field(default_factory=dict)
    target: str | None = None
    secrets: Mapping[str, Path] = field(default_factory=dict)
    ssh: Mapping[str, Path] = field(default_factory=dict)
    ignore_file: Path | None = None


class Builder(Protocol):
    name: str
    notes: list[str]

    def build(self, request: BuildRequest, tag: str) -> float:
        """Build ``request`` as ``tag``; return the seconds it took; raise BuildError."""
        ...

    def export(self, tag: str, archive: Path) -> None:
        """Write the image ``tag`` as a docker-archive tarball."""
        ...

    def close(self) -> None: ...


# --- buildah ---------------------------------------------------------------------------------

_RUNTIME_FAILURES = ("error running container", "OCI runtime", "cgroups in hybrid mode", "crun:", "runc:")


class Buildah:
    """buildah in a private storage root."""

    def __init__(
        self, insecure_registries: Sequence[str] = (), mirrors: Sequence[tuple[str, str]] = ()
    ) -> None:
        executable = shutil.which("buildah")
        if executable is None:
            raise NoBuilder(_INSTALL_HINT)
        self.executable = executable
        self.workdir = Path(tempfile.mkdtemp(prefix="dfix-verify-", dir=_storage_parent()))
        self.root = self.workdir / "storage"
        self.runroot = self.workdir / "run"
        self.registries = self.workdir / "registries.conf"
        self.registries.write_text(_registries_conf(insecure_registries, mirrors))
        self.driver = "overlay" if os.geteuid() == 0 else "vfs"
        self.isolations = _isolations()
        self.notes: list[str] = []
        version = self._run(["version", "--json"], check=False)
        self.name = "buildah " + _json_field(version.stdout, "version", default="(unknown version)")

    def _command(self, *args: str) -> list[str]:
        return [
            self.executable,
            "--root",
            str(self.root),
            "--runroot",
            str(self.runroot),
            "--storage-driver",
            self.driver,
            *args,
        ]

    def _run(
        self, args: list[str], check: bool = True, timeout: float | None = None, split: bool = False
    ) -> subprocess.CompletedProcess[str]:
        """Run buildah with ``args``; its stderr goes with stdout unless ``split``."""
        env = {**os.environ, "CONTAINERS_REGISTRIES_CONF": str(self.registries)}
        with subprocess.Popen(
            self._command(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE if split else subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        ) as process:
            try:
                output, errors = process.communicate(timeout=timeout)
            except BaseException:  # Ctrl-C, a timeout: let buildah stop its build and release its mounts
                _stop(process)
                raise
        done = subprocess.CompletedProcess(process.args, process.returncode, output, errors or "")
        if check and done.returncode != 0:
            raise BuildError(f"buildah {args[0]} failed", output + (errors or ""))
        return done

    def _isolated(
        self, args: Callable[[tuple[str, ...]], list[str]], timeout: float | None = None, split: bool = False
    ) -> tuple[subprocess.CompletedProcess[str], tuple[str, ...], float]:
        """Run buildah with ``args(isolation)`` in the strongest isolation that works here: one
        that fails for the runtime is given up, for this builder's later runs too. Returns the
        last attempt, its isolation and its seconds."""
        while True:
            isolation = self.isolations[0]
            started = time.monotonic()
            done = self._run(args(isolation), check=False, timeout=timeout, split=split)
            elapsed = time.monotonic() - started
            log = done.stdout + done.stderr
            if (
                done.returncode == 0
                or len(self.isolations) == 1
                or not any(s in log for s in _RUNTIME_FAILURES)
            ):
                return done, isolation, elapsed
            self.isolations = self.isolations[1:]

    def build(self, request: BuildRequest, tag: str) -> float:
        done, isolation, seconds = self._isolated(
            lambda isolation: [*self._build_args(request, tag, isolation), str(request.context)]
        )
        if done.returncode != 0:
            raise BuildError("the build failed", done.stdout + done.stderr)
        self._note_isolation(isolation)
        return seconds

    def run(
        self, reference: str, argv: Sequence[str], timeout: float | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``argv`` in a new container of the image ``reference`` (from this builder's
        storage), and remove the container after, on a timeout (``TimeoutExpired``) or Ctrl-C
        too. buildah runs it as the image's ``User``, with its ``Env`` and ``WorkingDir`` (a
        uid with no passwd entry gets ``HOME=/``), in the isolation the builds use. The result
        holds the command's exit code, stdout and stderr; when the command fails, buildah adds
        a line of its own to stderr (``Error: … exit status 3``), and 125 is buildah failing."""
        created = self._run(["from", "--quiet", "--pull=never", reference])
        container = created.stdout.strip().splitlines()[-1]
        try:
            done, _, _ = self._isolated(
                lambda isolation: ["run", *isolation, container, "--", *argv], timeout, split=True
            )
            return done
        finally:
            with _uninterrupted():
                self._run(["rm", container], check=False)

    def _build_args(self, request: BuildRequest, tag: str, isolation: tuple[str, ...]) -> list[str]:
        args = ["build", "--layers", "--format", "docker", *isolation, "--network", "host"]
        args += ["--file", str(request.dockerfile), "--tag", tag]
        for key, value in request.build_args.items():
            args += ["--build-arg", f"{key}={value}"]
        if request.target:
            args += ["--target", request.target]
        for secret, path in request.secrets.items():
            args += ["--secret", f"id={secret},src={path}"]
        for ssh_id, key_file in request.ssh.items():
            args += ["--ssh", f"{ssh_id}={key_file}"]
        if request.ignore_file is not None:
            args += ["--ignorefile", str(request.ignore_file)]
        return args

    def _note_isolation(self, isolation: tuple[str, ...]) -> None:
        note = "isolation: " + " ".join(isolation).replace("--isolation ", "").replace(
            "--runtime ", "runtime "
        )
        if "chroot" in isolation and os.geteuid() == 0:
            note += (
                " as root: the RUN steps were not contained from this machine; verify only files you trust"
            )
        if note not in self.notes:
            self.notes.append(note)

    def export(self, tag: str, archive: Path) -> None:
        self._run(["push", "--quiet", tag, f"docker-archive:{archive}:{tag}"])

    def push(self, tag: str, destination: str) -> None:
        """Push ``tag`` to a transport:reference (``docker://host/name:tag``; registries named
        insecure are reached over plain HTTP)."""
        self._run(["push", "--quiet", tag, destination])

    def close(self) -> None:
        """Remove every container, image and mount this builder made, then its storage (a
        second Ctrl-C does not cut this short)."""
        with _uninterrupted(), contextlib.suppress(OSError):
            self._run(["rm", "--all"], check=False)
            self._run(["rmi", "--all", "--force"], check=False)
            _unmount_below(self.workdir)
            shutil.rmtree(self.workdir, ignore_errors=True)


_INSTALL_HINT = (
    "no image builder found: dfix verify needs buildah (Debian/Ubuntu: apt-get install buildah; "
    "Fedora: dnf install buildah) or a Docker Engine API (DOCKER_HOST, or /var/run/docker.sock)"
)


def _storage_parent() -> str | None:
    """Where the private storage goes: $DFIX_VERIFY_TMPDIR, else /var/tmp (large and on disk:
    image layers do not belong in a tmpfs /tmp)."""
    chosen = os.environ.get("DFIX_VERIFY_TMPDIR") or "/var/tmp"
    return chosen if os.path.isdir(chosen) else None


def _registries_conf(insecure: Sequence[str], mirrors: Sequence[tuple[str, str]] = ()) -> str:
    """Short names resolve on Docker Hub, as ``docker build`` resolves them; the registries the
    user names may be plain HTTP (a local registry); a mirror (configuration's
    ``[tool.dfix.registry] mirrors``, which pinning asks too) is pulled from first, its
    registry after it, as containers-registries.conf(5) does for ``[[registry.mirror]]``."""
    lines = ['unqualified-search-registries = ["docker.io"]', 'short-name-mode = "permissive"']
    for host in insecure:
        lines += ["", "[[registry]]", f"location = {json.dumps(host)}", "insecure = true"]
    for registry, mirror in dict(mirrors).items():
        quoted = json.dumps(registry)
        lines += ["", "[[registry]]", f"prefix = {quoted}", f"location = {quoted}"]
        lines += ["[[registry.mirror]]", f"location = {json.dumps(mirror)}"]
        if mirror in insecure:
            lines.append("insecure = true")
    return "\n".join(lines) + "\n"


def _isolations() -> list[tuple[str, ...]]:
    candidates: list[tuple[str, ...]] = [("--isolation", "oci")]
    if shutil.which("runc"):
        candidates.append(("--isolation", "oci", "--runtime", "runc"))
    candidates.append(("--isolation", "chroot"))
    return candidates


def _json_field(text: str, key: str, default: str) -> str:
    try:
        value = json.loads(text).get(key)
    except (ValueError, AttributeError):
        return default
    return str(value) if value else default


def _stop(process: subprocess.Popen[str]) -> None:
    """Ask a child to stop (SIGTERM), and kill it if it has not in 10 seconds."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ignore Ctrl-C for the duration (in the main thread; elsewhere signals cannot be set)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _unmount_below(directory: Path) -> None:
    """Unmount whatever a killed build left mounted under ``directory`` (deepest first)."""
    try:
        with open("/proc/self/mounts", encoding="utf-8") as mounts:
            points = [line.split()[1] for line in mounts]
    except OSError:
        return
    prefix = str(directory) + "/"
    for point in sorted((p for p in points if p.startswith(prefix)), key=len, reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True, check=False)


# --- Docker Engine API ----------------------------------------------------------------------


class DockerAPI:
    """A Docker Engine API (dockerd, or ``podman system service``) on a UNIX socket or TCP.

    The context goes over as a tarball, ``.dockerignore`` applied as the docker CLI applies it;
    the Dockerfile goes in it under a name of its own, which the ``.dockerignore`` sent with it
    names, so ``COPY . .`` does not pick it up. Build secrets need BuildKit's session protocol,
    which this client does not speak: such a build is refused with a message naming buildah.
    """

    def __init__(self, host: str | None = None) -> None:
        self.host = host or os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
        if not self.host.startswith(("unix://", "tcp://", "http://")):
            raise NoBuilder(f"DOCKER_HOST {self.host}: only unix:// and tcp:// are supported")
        self.tags: list[str] = []
        self.notes: list[str] = []
        try:
            version = json.loads(self._request("GET", "/version").read())
        except (OSError, ValueError) as error:
            raise NoBuilder(f"no Docker Engine API at {self.host} ({error}); {_INSTALL_HINT}") from None
        names = [c.get("Name", "") for c in version.get("Components") or []]
        engine = "podman" if any("Podman" in name for name in names) else "docker"
        self.name = f"{engine} {version.get('Version', '')} (Engine API {version.get('ApiVersion', '?')})"

    def _connection(self) -> http.client.HTTPConnection:
        if self.host.startswith("unix://"):
            return _UnixConnection(self.host.removeprefix("unix://"))
        address = self.host.split("://", 1)[1]
        return http.client.HTTPConnection(address, timeout=3600)

    def _request(
        self,
        method: str,
        path: str,
        body: IO[bytes] | bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> http.client.HTTPResponse:
        connection = self._connection()
        connection.request(method, path, body=body, headers=dict(headers or {}))
        return connection.getresponse()

    def build(self, request: BuildRequest, tag: str) -> float:
        if request.secrets or request.ssh:
            raise BuildError(
                "the Docker Engine API builder cannot pass build secrets or ssh agents (BuildKit's"
                " session protocol); use --builder buildah"
            )
        started = time.monotonic()
        with tempfile.TemporaryFile() as context:
            name = _context_tar(request, context)
            context.seek(0)
            query = {"t": tag, "dockerfile": name, "rm": "1", "forcerm": "1"}
            if request.build_args:
                query["buildargs"] = json.dumps(dict(request.build_args))
            if request.target:
                query["target"] = request.target
            size = os.fstat(context.fileno()).st_size
            headers = {"Content-Type": "application/x-tar", "Content-Length": str(size)}
            answer = self._request("POST", "/build?" + urllib.parse.urlencode(query), context, headers)
            self.tags.append(tag)
            log, error = _read_build_stream(answer)
        if error is not None or answer.status != 200:
            raise BuildError("the build failed", log + (error or f"HTTP {answer.status}"))
        return time.monotonic() - started

    def export(self, tag: str, archive: Path) -> None:
        answer = self._request("GET", f"/images/{urllib.parse.quote(tag, safe='')}/get")
        if answer.status != 200:
            raise BuildError(f"exporting {tag} failed", answer.read().decode("utf-8", "replace"))
        with archive.open("wb") as out:
            shutil.copyfileobj(answer, out, _CHUNK)

    def close(self) -> None:
        """Delete the images this builder tagged (the engine's build cache stays, as after
        ``docker build``)."""
        for tag in self.tags:
            with contextlib.suppress(OSError, http.client.HTTPException):
                self._request("DELETE", f"/images/{urllib.parse.quote(tag, safe='')}?force=1").read()
        self.tags.clear()


_CHUNK = 1 << 20


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=3600)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def _context_tar(request: BuildRequest, out: IO[bytes]) -> str:
    """Write the context (``.dockerignore`` applied) and the Dockerfile as a tarball to ``out``;
    return the Dockerfile's name in it."""
    dockerignore = request.ignore_file or request.context / ".dockerignore"
    rules = dockerignore.read_bytes() if dockerignore.is_file() else b""
    ignore = DockerIgnore.parse(rules.decode("utf-8", errors="replace"))
    name = f".dfix-verify-{os.getpid()}.Dockerfile"
    with tarfile.open(fileobj=out, mode="w") as tar:
        for path in sorted(request.context.rglob("*")):
            relative = path.relative_to(request.context).as_posix()
            if relative != ".dockerignore" and not ignore.excludes(relative):
                tar.add(path, arcname=relative, recursive=False)
        for arcname, data in (
            (name, request.dockerfile.read_bytes()),
            (".dockerignore", rules + f"\n{name}\n".encode()),  # the engine reads it; COPY skips the file
        ):
            info = tarfile.TarInfo(arcname)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return name


def _read_build_stream(answer: http.client.HTTPResponse) -> tuple[str, str | None]:
    """The build's output and its error, from the Engine API's stream of JSON messages."""
    log: list[str] = []
    error = None
    for line in answer:
        try:
            message = json.loads(line)
        except ValueError:
            log.append(line.decode("utf-8", "replace"))
            continue
        if "stream" in message:
            log.append(message["stream"])
        if message.get("error"):
            error = message["error"]
    return "".join(log), error


def choose_builder(
    name: str = "auto", insecure_registries: Sequence[str] = (), mirrors: Sequence[tuple[str, str]] = ()
) -> Builder:
    """The builder ``name`` asks for: ``buildah``, ``docker`` (the Engine API at $DOCKER_HOST),
    or ``auto``: buildah when installed, else the Engine API when one answers. ``mirrors``:
    (registry, mirror host) pairs buildah pulls through; a daemon has its own."""
    if name == "buildah" or (name == "auto" and shutil.which("buildah")):
        return Buildah(insecure_registries, mirrors)
    if name in ("docker", "auto"):
        docker = DockerAPI()
        if mirrors:
            docker.notes.append("registry mirrors are the daemon's own configuration (registry-mirrors)")
        return docker
    raise NoBuilder(f"unknown builder {name!r} (choose auto, buildah or docker)")
