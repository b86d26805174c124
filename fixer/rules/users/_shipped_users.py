"""Images that ship an unprivileged user of their own: switch to it rather than create another.

A small table, by image name, of users the image's own documentation names (never a guess at
names): the user, its numeric ids, and whether the image already runs as it.

| image | user | ids | runs as it already |
|---|---|---|---|
| `node` (every variant) | `node` | 1000:1000 | no |
| `gradle` | `gradle` | 1000:1000 | no |
| `gcr.io/distroless/*` | `nonroot` | 65532:65532 | with a `nonroot` tag |
| `cgr.dev/chainguard/*`, `chainguard/*` | `nonroot` | 65532:65532 | not said for every image |
| `mcr.microsoft.com/dotnet/*` 8.0 and later (Linux) | `app` | 1654:1654 | no |
| `bitnami/*` | (uid only) | 1001 | yes |
| `jupyter/*`, `quay.io/jupyter/*` | `jovyan` | 1000:100 | yes |
| `nginxinc/nginx-unprivileged` | `nginx` | 101:101 | yes |
| `gitpod/workspace-*` | `gitpod` | 33333:33333 | yes |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from fixer.model.images import ImageRef

__all__ = ["ShippedUser", "shipped_user"]


@dataclass(frozen=True, slots=True)
class ShippedUser:
    """``ids`` as ``USER`` takes them (``1000:1000``; a uid alone when the image gives no
    group); ``default``: the image's config already runs as this user."""

    name: str | None
    ids: str
    default: bool = False


_NODE: Final = ShippedUser("node", "1000:1000")
_NONROOT: Final = ShippedUser("nonroot", "65532:65532")
_DOTNET_APP: Final = ShippedUser("app", "1654:1654")

# By the image's familiar name (``python``, ``gcr.io/distroless/static``), longest prefix first.
_BY_NAME: Final = {
    "node": _NODE,
    "gradle": ShippedUser("gradle", "1000:1000"),
    "cgr.dev/chainguard": _NONROOT,
    "chainguard": _NONROOT,
    "bitnami": ShippedUser(None, "1001", default=True),
    "jupyter": ShippedUser("jovyan", "1000:100", default=True),
    "quay.io/jupyter": ShippedUser("jovyan", "1000:100", default=True),
    "nginxinc/nginx-unprivileged": ShippedUser("nginx", "101:101", default=True),
    "gitpod": ShippedUser("gitpod", "33333:33333", default=True),
}


def shipped_user(ref: ImageRef) -> ShippedUser | None:
    """The unprivileged user ``ref``'s image ships, when the table knows it."""
    name = ref.familiar.lower().removeprefix("library/")
    tag = (ref.tag or "").lower()
    if name.startswith("gcr.io/distroless/"):
        return ShippedUser("nonroot", "65532:65532", default="nonroot" in tag)
    if name.startswith("mcr.microsoft.com/dotnet/") and _major(tag) >= 8 and "nanoserver" not in tag:
        return _DOTNET_APP
    while name:
        if user := _BY_NAME.get(name):
            return user
        name = name.rpartition("/")[0]
    return None


def _major(tag: str) -> int:
    digits = tag.partition(".")[0]
    return int(digits) if digits.isdecimal() else 0
