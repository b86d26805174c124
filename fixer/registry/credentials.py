"""Registry credentials where ``docker login`` leaves them: ``$DOCKER_CONFIG/config.json``, else
``~/.docker/config.json``.

The order is the Docker CLI's: a per-registry helper (``credHelpers``), else the global store
(``credsStore``), else the file's ``auths`` (``auth`` is base64 ``user:password``). A helper is the
program ``docker-credential-<name>``; ``get`` reads the server on stdin and prints
``{"Username": …, "Secret": …}``. Docker Hub's credentials are stored under
``https://index.docker.io/v1/``. Credentials are never printed, logged or put in an error message:
``Credentials.__repr__`` hides the secret.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from fixer.registry.names import DOCKER_HUB

_DOCKER_HUB_KEY: Final = "https://index.docker.io/v1/"
_HELPER_TIMEOUT: Final = 30.0  # seconds: a helper may ask a keyring that prompts once


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    secret: str = field(repr=False)


class CredentialsError(Exception):
    """A configuration or helper that could not be read; the message never holds a secret."""


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    folder = environ.get("DOCKER_CONFIG")
    return Path(folder) / "config.json" if folder else Path.home() / ".docker" / "config.json"


@dataclass(frozen=True, slots=True)
class DockerConfig:
    """The parts of a Docker client configuration that name credentials."""

    auths: Mapping[str, Mapping[str, object]]
    creds_store: str | None
    cred_helpers: Mapping[str, str]

    @classmethod
    def load(cls, path: Path | None = None) -> DockerConfig:
        """The configuration at ``path`` (default: ``config_path()``); empty when there is none."""
        path = config_path() if path is None else path
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls({}, None, {})
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CredentialsError(f"{path}: cannot read the Docker configuration: {error}") from None
        if not isinstance(data, dict):
            raise CredentialsError(f"{path}: the Docker configuration is not a JSON object")
        auths = data.get("auths") or {}
        helpers = data.get("credHelpers") or {}
        store = data.get("credsStore") or None
        return cls(
            {_host(key): value for key, value in auths.items() if isinstance(value, dict)},
            store if isinstance(store, str) else None,
            {_host(key): value for key, value in helpers.items() if isinstance(value, str)},
        )

    def credentials(self, registry: str) -> Credentials | None:
        """The credentials for ``registry`` (as written in references: ``docker.io`` for Hub)."""
        helper = self.cred_helpers.get(registry) or self.creds_store
        if helper:
            found = _from_helper(helper, _DOCKER_HUB_KEY if registry == DOCKER_HUB else registry)
            if found is not None or registry in self.cred_helpers:
                return found
        entry = self.auths.get(registry)
        return None if entry is None else _from_entry(entry, registry)


def _host(key: str) -> str:
    """``https://index.docker.io/v1/`` → ``docker.io``; ``http://host:5000/`` → ``host:5000``."""
    host = key.removeprefix("https://").removeprefix("http://").split("/", 1)[0]
    return DOCKER_HUB if host in ("index.docker.io", "registry-1.docker.io") else host


def _from_entry(entry: Mapping[str, object], registry: str) -> Credentials | None:
    encoded = entry.get("auth")
    if isinstance(encoded, str) and encoded:
        try:
            username, colon, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise CredentialsError(
                f"the stored credentials for {registry} are not base64 user:password"
            ) from None
        return Credentials(username, secret) if colon else None
    name, password = entry.get("username"), entry.get("password")
    if isinstance(name, str) and isinstance(password, str) and name:
        return Credentials(name, password)
    return None


def _from_helper(helper: str, server: str) -> Credentials | None:
    program = f"docker-credential-{helper}"
    try:
        done = subprocess.run(
            [program, "get"],
            input=server,
            capture_output=True,
            text=True,
            timeout=_HELPER_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise CredentialsError(f"the credential helper {program} is not installed") from None
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CredentialsError(f"the credential helper {program} failed: {type(error).__name__}") from None
    if done.returncode != 0:
        # "credentials not found in native keychain": nothing stored for this server. The output
        # is not echoed, since a misbehaving helper could print a secret there.
        return None
    try:
        answer = json.loads(done.stdout)
        username, secret = answer["Username"], answer["Secret"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise CredentialsError(f"the credential helper {program} printed no credentials") from None
    if not isinstance(username, str) or not isinstance(secret, str):
        raise CredentialsError(f"the credential helper {program} printed no credentials")
    return Credentials(username, secret)
