"""DF201 secret-in-arg-or-env: an ARG or ENV whose name says secret, or whose value is one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

from fixer.rules._base import Context, Rule, Violation
from fixer.rules._stages import shipped_chain
from fixer.rules._variables import definitions

if TYPE_CHECKING:
    from fixer.model import Stage

# BuildKit's SecretsUsedInArgOrEnv (dockerfile2llb `getSecretsRegex`): a name whose first or
# last `_`-separated word (or whole name) is one of these, unless a word says it is public.
_SECRET_NAME: Final = re.compile(
    r"(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)"
)
_PUBLIC_NAME: Final = re.compile(r"(?i)(?:_|^)(?:public|file|version)(?:_|$)")
# Values that are credentials whatever their name (the shapes gitleaks and the issuers document).
_SECRET_VALUES: Final = (
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}\b")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\b")),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20}\b")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a private key", re.compile(r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
    # scheme://user:password@host, the password written out (a `$VAR` is the variable's concern)
    ("a URL with a password", re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@$]+:[^/\s@$]+@[^\s]")),
)


class SecretInArgOrEnv(Rule):
    """## What it does
    Finds `ARG` and `ENV` instructions that carry a secret: a name whose first or last word
    says so (`NPM_TOKEN`, `DB_PASSWORD`, `api_key`, `AUTH`: BuildKit's own check, with its
    allow-list for `PUBLIC`, `FILE`, `VERSION`), or a value shaped like a credential whatever
    its name (an AWS access key id, a GitHub, GitLab or Slack token, a private key, a JSON
    Web Token, a URL with a password in it).

    ## Why is this bad?
    An `ENV` value is part of the image's configuration: `docker inspect` shows it to anyone
    who can pull the image, and every container started from it has it. An `ARG` value is
    recorded in the image's history for every `RUN` that uses it (`docker history`), and in
    the build cache. A secret given either way has leaked once the image is pushed.

    ## Example
    ```dockerfile
    ARG NPM_TOKEN
    RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
    ```

    Use instead (and build with `--secret id=NPM_TOKEN,env=NPM_TOKEN`):
    ```dockerfile
    RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN \\
        echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
    ```
    A secret the app needs at run time is given to the container when it starts (the
    orchestrator's secrets, an env file), never baked into the image.

    ## Fix safety
    No fix yet: the build's caller must pass the secret another way (`--secret`), which the
    Dockerfile alone cannot say.

    ## References
    - BuildKit check SecretsUsedInArgOrEnv; hadolint DL3064; Trivy DS-0031
    - Docker's documentation: build secrets
    """

    code = "DF201"
    name = "secret-in-arg-or-env"
    summary = "A secret in an ARG or ENV"
    aliases = ("SecretsUsedInArgOrEnv", "DL3064", "DS-0031")

    def check(self, ctx: Context) -> Iterator[Violation]:
        ships = shipped_chain(ctx)
        for located in ctx.instructions:
            keyword = located.node.upper_keyword
            if keyword not in ("ARG", "ENV"):
                continue
            stage = ctx.model.stage_of(located.offset)
            for name, value in definitions(located):
                what = _secret(name, value)
                if what is not None:
                    where = _where(keyword, stage, ships)
                    message = f"`{keyword} {name}`: {what}; {where}"
                    yield self.violation(located.keyword_start, located.content_end, message)


def _secret(name: str, value: str | None) -> str | None:
    """Why ``name=value`` holds a secret, or None."""
    for kind, pattern in _SECRET_VALUES:
        if value and pattern.search(value):
            return f"its value is {kind}"
    if _SECRET_NAME.search(name) and not _PUBLIC_NAME.search(name):
        return "its name says it holds a secret"
    return None


def _where(keyword: str, stage: Stage | None, ships: frozenset[int]) -> str:
    if keyword == "ENV" and stage is not None and stage.index in ships:
        return "the value stays in the image's config, for anyone who pulls it (docker inspect)"
    if keyword == "ENV":
        return "the value stays in this build stage's image and the build cache"
    return (
        "its value is recorded in the history of every RUN that uses it (docker history); "
        "pass it with `RUN --mount=type=secret,id=…,env=…` and `--secret` instead"
    )
