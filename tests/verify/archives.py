"""Docker-archive tarballs written in the tests, byte for byte as ``docker save`` lays them out."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Member:
    name: str
    kind: str = "file"  # file, dir, symlink, hardlink, fifo
    data: bytes = b""
    mode: int = 0o644
    uid: int = 0
    gid: int = 0
    target: str = ""


def file(name: str, data: bytes = b"", mode: int = 0o644, **owner: int) -> Member:
    return Member(name, "file", data, mode, **owner)


def directory(name: str, mode: int = 0o755) -> Member:
    return Member(name, "dir", mode=mode)


def symlink(name: str, target: str) -> Member:
    return Member(name, "symlink", mode=0o777, target=target)


def hardlink(name: str, target: str) -> Member:
    return Member(name, "hardlink", target=target)


def layer_tar(members: list[Member]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for member in members:
            info = tarfile.TarInfo(member.name)
            info.mode, info.uid, info.gid = member.mode, member.uid, member.gid
            if member.kind == "dir":
                info.type = tarfile.DIRTYPE
            elif member.kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, member.target
            elif member.kind == "hardlink":
                info.type, info.linkname = tarfile.LNKTYPE, member.target
            elif member.kind == "fifo":
                info.type = tarfile.FIFOTYPE
            else:
                info.size = len(member.data)
            archive.addfile(info, io.BytesIO(member.data) if member.kind == "file" else None)
    return buffer.getvalue()


@dataclass
class ArchiveSpec:
    layers: list[list[Member]]
    config: dict[str, Any] = field(default_factory=dict)
    os: str = "linux"


def write_archive(path: Path, spec: ArchiveSpec) -> Path:
    layers = [layer_tar(members) for members in spec.layers]
    names = [hashlib.sha256(data).hexdigest() + ".tar" for data in layers]
    document = {
        "architecture": "amd64",
        "os": spec.os,
        "config": spec.config,
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + n.removesuffix(".tar") for n in names]},
        "history": [{"created_by": f"layer {i}"} for i in range(len(layers))],
    }
    config = json.dumps(document).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = json.dumps([{"Config": config_name, "RepoTags": ["t:1"], "Layers": names}]).encode()
    with tarfile.open(path, "w") as archive:
        for name, data in [
            *zip(names, layers, strict=True),
            (config_name, config),
            ("manifest.json", manifest),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path
