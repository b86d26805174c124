"""Which files are secrets: by their name and where they go, and, when the build context is
there to read, by their first kilobyte (a ``.key`` that holds a public key is no secret).

A file is a secret when its name is one of the credential files tools read (``.npmrc``,
``.netrc``, ``.git-credentials``, ``.pypirc``, ``.pgpass``, ``.htpasswd``, ``.env``), a private
key's (``id_rsa``, ``id_ed25519``, ``*.key``, ``*.p12``, ``*.pfx``, ``*.jks``, ``*-key.pem``,
``*private*.pem``), a cloud or cluster credential's (``credentials.json``, ``*service-account*.json``,
``kubeconfig``), or when it lands where such a file is read (``~/.ssh/id_*``,
``~/.aws/credentials``, ``~/.docker/config.json``, ``~/.kube/config``). ``*.pub`` files, and
``.env`` templates (``.env.example``), are not.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["SecretFile", "content_says", "secret_kind"]

_CREDENTIAL_FILES: Final = {
    ".npmrc": "an npm credentials file",
    ".pypirc": "a PyPI credentials file",
    ".netrc": "a .netrc (passwords for hosts)",
    "_netrc": "a .netrc (passwords for hosts)",
    ".git-credentials": "git's stored credentials",
    ".dockercfg": "Docker registry credentials",
    ".s3cfg": "S3 credentials",
    ".pgpass": "PostgreSQL passwords",
    ".htpasswd": "a password file",
    ".env": "a dotenv file",
    "credentials.json": "a cloud credentials file",
    "kubeconfig": "a Kubernetes credentials file",
    ".ssh": "an SSH directory (its keys)",  # a directory: with the context, what is inside decides
}
_SSH_KEY: Final = re.compile(
    r"id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?|.*_(?:rsa|ed25519|ecdsa)_key|.*deploy_key"
)
_KEY_SUFFIXES: Final = (".key", ".ppk", ".p12", ".pfx", ".pkcs12", ".jks", ".keystore")
_PEM_KEY: Final = re.compile(r".*(?:private|[-_.]key).*\.pem")
_SERVICE_ACCOUNT: Final = re.compile(r".*service[-_]?account.*\.json")
_ENV_TEMPLATES: Final = frozenset({"example", "sample", "template", "dist", "defaults", "tmpl"})
# Where a tool reads credentials from (a destination directory's last two parts and the name).
_READ_FROM: Final = {
    (".aws", "credentials"): "AWS credentials",
    (".docker", "config.json"): "Docker registry credentials",
    (".kube", "config"): "a Kubernetes credentials file",
}
# What a file's start says (the first kilobyte).
_PRIVATE_KEY: Final = re.compile(rb"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY")
_PUBLIC_MATERIAL: Final = re.compile(rb"-----BEGIN (?:PGP PUBLIC KEY|PUBLIC KEY|CERTIFICATE|RSA PUBLIC KEY)")
_CREDENTIAL_WORDS: Final = re.compile(rb"(?i)_auth|authtoken|password|passwd|token|secret|login\s")
_HEAD: Final = 1024


@dataclass(frozen=True, slots=True)
class SecretFile:
    path: str  # as the Dockerfile or the context names it
    kind: str  # "a private key", "an npm credentials file", …
    brought_along: bool = False  # found inside a copied directory, not named by the COPY
    found_in: str | None = None  # that directory, relative to the build context


def secret_kind(source: str, destination: str | None = None) -> str | None:
    """What ``source`` (a path in the context) is, by its name or by ``destination`` (the
    path it lands at), when it is a secret; None when neither says so."""
    name = posixpath.basename(source.rstrip("/")).lower()
    landing = posixpath.normpath(destination).lower() if destination else ""
    if name.endswith(".pub") or landing.endswith(".pub"):
        return None
    if found := _by_name(name):
        return found
    if landing:
        parts = landing.split("/")
        if found := _READ_FROM.get((parts[-2] if len(parts) > 1 else "", parts[-1])):
            return found
        if len(parts) > 1 and parts[-2] == ".ssh" and _SSH_KEY.fullmatch(parts[-1]):
            return "an SSH private key"
        if found := _by_name(parts[-1]):
            return found
    return None


def _by_name(name: str) -> str | None:
    if name in _CREDENTIAL_FILES:
        return _CREDENTIAL_FILES[name]
    if name.startswith(".env.") and name.removeprefix(".env.") not in _ENV_TEMPLATES:
        return "a dotenv file"
    if _SSH_KEY.fullmatch(name):
        return "an SSH private key"
    if name.endswith(_KEY_SUFFIXES) or _PEM_KEY.fullmatch(name):
        return "a private key"
    if _SERVICE_ACCOUNT.fullmatch(name):
        return "a service account key"
    return None


def content_says(path: Path, kind: str) -> bool:
    """Whether the file's first kilobyte confirms ``kind`` (a key file holds a private key, a
    credentials file some credential); True when it cannot be read (the name decides then)."""
    try:
        with path.open("rb") as file:
            head = file.read(_HEAD)
    except OSError:
        return True
    if kind in ("a private key", "an SSH private key"):
        if _PUBLIC_MATERIAL.search(head) and not _PRIVATE_KEY.search(head):
            return False
        return bool(_PRIVATE_KEY.search(head)) or not head.isascii()  # .p12/.jks are binary
    if kind in ("an npm credentials file", "a PyPI credentials file", "a .netrc (passwords for hosts)"):
        return bool(_CREDENTIAL_WORDS.search(head))
    return True
