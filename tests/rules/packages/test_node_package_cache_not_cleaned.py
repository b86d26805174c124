"""DF109 node-package-cache-not-cleaned: (source, expected) pairs, and inputs that must stay unchanged."""

from __future__ import annotations

import pytest

import fixer

IMAGE = "FROM node:20\n"


def fixed(text: str, image: str = IMAGE, unsafe: bool = False) -> str:
    return fixer.fix(image + text, select=["DF109"], unsafe=unsafe).output.removeprefix(image)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("RUN yarn install\n", "RUN yarn install && yarn cache clean\n", id="yarn-install"),
        pytest.param("RUN yarn\n", "RUN yarn && yarn cache clean\n", id="bare-yarn"),
        pytest.param(
            "RUN yarn --frozen-lockfile\n",
            "RUN yarn --frozen-lockfile && yarn cache clean\n",
            id="bare-yarn-options",
        ),
        pytest.param("RUN yarn add left-pad\n", "RUN yarn add left-pad && yarn cache clean\n", id="yarn-add"),
        pytest.param(
            "RUN yarn global add serve\n",
            "RUN yarn global add serve && yarn cache clean\n",
            id="yarn-global-add",
        ),
        pytest.param("RUN npm install\n", "RUN npm install && npm cache clean --force\n", id="npm-install"),
        pytest.param("RUN npm ci\n", "RUN npm ci && npm cache clean --force\n", id="npm-ci"),
        pytest.param(
            "RUN npm i -g serve\n", "RUN npm i -g serve && npm cache clean --force\n", id="npm-i-global"
        ),
        pytest.param(
            "RUN yarn install && yarn build\n",
            "RUN yarn install && yarn build && yarn cache clean\n",
            id="appended-at-the-end",
        ),
        pytest.param(
            "RUN yarn cache clean && yarn install\n",
            "RUN yarn cache clean && yarn install && yarn cache clean\n",
            id="cleaned-before-install",
        ),
        pytest.param(
            "RUN yarn install \\\n    && yarn build\n",
            "RUN yarn install \\\n    && yarn build \\\n    && yarn cache clean\n",
            id="leading-and",
        ),
        pytest.param(
            "RUN npm ci && \\\n    npm run build\n",
            "RUN npm ci && \\\n    npm run build && \\\n    npm cache clean --force\n",
            id="trailing-and",
        ),
        pytest.param(
            "RUN npm ci \\\r\n    --omit=dev\r\n",
            "RUN npm ci \\\r\n    --omit=dev && \\\r\n    npm cache clean --force\r\n",
            id="crlf",
        ),
        pytest.param(
            "RUN npm ci \\\n    # production only\n    --omit=dev\n",
            "RUN npm ci \\\n    # production only\n    --omit=dev && \\\n    npm cache clean --force\n",
            id="comment-in-continuation",
        ),
        pytest.param("RUN sudo npm ci\n", "RUN sudo npm ci && sudo npm cache clean --force\n", id="sudo"),
        pytest.param(
            "RUN yarn install && npm ci\n",
            "RUN yarn install && npm ci && yarn cache clean && npm cache clean --force\n",
            id="both",
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/root/.npm yarn install\n",
            "RUN --mount=type=cache,target=/root/.npm yarn install && yarn cache clean\n",
            id="other-cache-mount",
        ),
    ],
)
def test_safe_fix(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(expected) == expected


def test_escape_backtick_with_linux_image() -> None:
    source = "# escape=`\nFROM node:20\nRUN yarn install `\n    --frozen-lockfile\n"
    expected = (
        "# escape=`\nFROM node:20\nRUN yarn install `\n    --frozen-lockfile && `\n    yarn cache clean\n"
    )
    assert fixer.fix(source, select=["DF109"]).output == expected
    assert fixer.fix(expected, select=["DF109"]).output == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "COPY package.json yarn.lock .yarnrc.yml ./\nRUN yarn install\n",
            "COPY package.json yarn.lock .yarnrc.yml ./\nRUN yarn install && yarn cache clean\n",
            id="yarnrc-copied",
        ),
        pytest.param(
            "COPY .yarn ./.yarn\nRUN yarn install\n",
            "COPY .yarn ./.yarn\nRUN yarn install && yarn cache clean\n",
            id="yarn-folder-copied",
        ),
        pytest.param(
            "RUN corepack enable && yarn install --immutable\n",
            "RUN corepack enable && yarn install --immutable && yarn cache clean\n",
            id="corepack",
        ),
    ],
)
def test_unsafe_fix_for_yarn_berry(source: str, expected: str) -> None:
    assert fixed(source) == source
    assert fixed(source, unsafe=True) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN yarn install && yarn cache clean\n", id="yarn-cleaned"),
        pytest.param("RUN npm ci && npm cache clean --force\n", id="npm-cleaned"),
        pytest.param("RUN yarn && rm -rf /usr/local/share/.cache/yarn\n", id="yarn-cache-removed"),
        pytest.param('RUN yarn && rm -rf "$(yarn cache dir)"\n', id="yarn-cache-dir-removed"),
        pytest.param("RUN npm ci && rm -rf ~/.npm\n", id="npm-cache-removed"),
        pytest.param(
            "RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n", id="yarn-mount"
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/home/node/.cache/yarn yarn install\n", id="yarn-home-mount"
        ),
        pytest.param("RUN --mount=type=cache,target=/app/.yarn/cache yarn install\n", id="berry-mount"),
        pytest.param("RUN --mount=type=cache,target=/root/.npm npm ci\n", id="npm-mount"),
        pytest.param(
            "RUN --mount=type=cache,target=/tmp/npm npm ci --cache /tmp/npm\n", id="npm-cache-option-mount"
        ),
        pytest.param("RUN yarn --version && yarn build && yarn run lint\n", id="yarn-not-installing"),
        pytest.param("RUN npm run build && npm test\n", id="npm-not-installing"),
        pytest.param('RUN ["npm", "ci"]\n', id="exec-form"),
        pytest.param("RUN <<EOF\nnpm ci\nEOF\n", id="heredoc-body"),
        pytest.param(
            "RUN if [ -f yarn.lock ]; then yarn install; else npm ci; fi\n", id="conditional-install"
        ),
        pytest.param("# hadolint ignore=DL3060\nRUN yarn install\n", id="hadolint-suppression"),
        pytest.param("# dfix: ignore=DF109\nRUN npm ci\n", id="dfix-suppression"),
        pytest.param('SHELL ["pwsh", "-c"]\nRUN npm ci\n', id="powershell"),
    ],
)
def test_unchanged(source: str) -> None:
    assert fixed(source, unsafe=True) == source


def test_windows_stage_unchanged() -> None:
    source = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN npm ci\n"
    assert fixed(source, image="") == source


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN <<EOF\nnpm ci\nEOF\n", id="heredoc-body"),
        pytest.param("RUN if [ -f package-lock.json ]; then npm ci; fi\n", id="conditional-install"),
        pytest.param("RUN npm ci && rm -rf /usr/local/lib/node_modules/npm\n", id="npm-deleted"),
        pytest.param("RUN npm i -g pkg && npm uninstall -g npm\n", id="npm-uninstalled"),
        pytest.param(
            "RUN apk add --virtual .deps nodejs npm && npm ci && apk del .deps\n",
            id="npm-in-removed-virtual-package",
        ),
    ],
)
def test_reported_without_fix(source: str) -> None:
    (diagnostic,) = fixer.fix(IMAGE + source, select=["DF109"]).diagnostics
    assert diagnostic.applicability is None


def test_diagnostic_location_and_message() -> None:
    (diagnostic,) = fixer.fix(IMAGE + "RUN yarn global add serve\n", select=["DL3060"]).diagnostics
    assert (diagnostic.rule, diagnostic.line, diagnostic.column, diagnostic.end_column) == ("DF109", 2, 5, 20)
    assert diagnostic.message == "`yarn global add` without `yarn cache clean`"
    assert diagnostic.fix_title == "Run `yarn cache clean` at the end of the RUN"
    assert diagnostic.fixed


def test_cleanup_goes_before_a_trailing_comment() -> None:
    assert fixed("RUN npm ci # dependencies\n") == "RUN npm ci && npm cache clean --force # dependencies\n"
