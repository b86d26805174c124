"""DF108 pip-install-with-cache: (source, expected) pairs, and inputs that must stay unchanged."""

from __future__ import annotations

import pytest

import fixer

IMAGE = "FROM python:3.12\n"


def fixed(text: str, image: str = IMAGE) -> str:
    return fixer.fix(image + text, select=["DF108"]).output.removeprefix(image)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("RUN pip install flask\n", "RUN pip install --no-cache-dir flask\n", id="one-line"),
        pytest.param(
            "RUN pip install -r requirements.txt\n",
            "RUN pip install --no-cache-dir -r requirements.txt\n",
            id="requirements",
        ),
        pytest.param("RUN pip3 install flask\n", "RUN pip3 install --no-cache-dir flask\n", id="pip3"),
        pytest.param(
            "RUN python3 -m pip install -U pip\n",
            "RUN python3 -m pip install --no-cache-dir -U pip\n",
            id="python-m-pip",
        ),
        pytest.param(
            "RUN /opt/venv/bin/pip install .\n",
            "RUN /opt/venv/bin/pip install --no-cache-dir .\n",
            id="venv-path",
        ),
        pytest.param(
            "RUN pip install -U pip \\\n    && pip install -r requirements.txt\n",
            "RUN pip install --no-cache-dir -U pip \\\n"
            "    && pip install --no-cache-dir -r requirements.txt\n",
            id="leading-and",
        ),
        pytest.param(
            "RUN pip install -U pip && \\\n    pip install \\\n        flask\n",
            "RUN pip install --no-cache-dir -U pip && \\\n    pip install --no-cache-dir \\\n        flask\n",
            id="trailing-and",
        ),
        pytest.param(
            "RUN pip install \\\r\n    flask\r\n",
            "RUN pip install --no-cache-dir \\\r\n    flask\r\n",
            id="crlf",
        ),
        pytest.param(
            "RUN pip install \\\n    # web framework\n    flask\n",
            "RUN pip install --no-cache-dir \\\n    # web framework\n    flask\n",
            id="comment-in-continuation",
        ),
        pytest.param(
            "RUN sudo pip install flask\n", "RUN sudo pip install --no-cache-dir flask\n", id="sudo"
        ),
        pytest.param(
            "RUN <<EOF\npip install flask\nEOF\n",
            "RUN <<EOF\npip install --no-cache-dir flask\nEOF\n",
            id="heredoc-body",
        ),
        pytest.param(
            "ENV PIP_NO_CACHE_DIR=\nRUN pip install flask\n",
            "ENV PIP_NO_CACHE_DIR=\nRUN pip install --no-cache-dir flask\n",
            id="empty-env",
        ),
        pytest.param(
            "RUN pip install flask && export PIP_NO_CACHE_DIR=1\n",
            "RUN pip install --no-cache-dir flask && export PIP_NO_CACHE_DIR=1\n",
            id="exported-after",
        ),
        pytest.param(
            "RUN rm -rf /root/.cache/pip && pip install flask\n",
            "RUN rm -rf /root/.cache/pip && pip install --no-cache-dir flask\n",
            id="cache-removed-before",
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/root/.npm pip install flask\n",
            "RUN --mount=type=cache,target=/root/.npm pip install --no-cache-dir flask\n",
            id="other-cache-mount",
        ),
    ],
)
def test_safe_fix(source: str, expected: str) -> None:
    assert fixed(source) == expected
    assert fixed(expected) == expected


def test_escape_backtick_with_linux_image() -> None:
    source = "# escape=`\nFROM python:3.12\nRUN pip install `\n    flask\n"
    expected = "# escape=`\nFROM python:3.12\nRUN pip install --no-cache-dir `\n    flask\n"
    assert fixer.fix(source, select=["DF108"]).output == expected
    assert fixer.fix(expected, select=["DF108"]).output == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN pip install --no-cache-dir flask\n", id="already-fine"),
        pytest.param("RUN pip install flask --no-cache-dir\n", id="option-after-packages"),
        pytest.param("RUN pip install --no-cache flask\n", id="option-prefix"),
        pytest.param("ENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n", id="env"),
        pytest.param("ENV PIP_NO_CACHE_DIR=off\nRUN pip install flask\n", id="env-any-valid-value"),
        pytest.param("ARG PIP_NO_CACHE_DIR=true\nRUN pip install flask\n", id="arg"),
        pytest.param("RUN PIP_NO_CACHE_DIR=1 pip install flask\n", id="command-assignment"),
        pytest.param("RUN env PIP_NO_CACHE_DIR=1 pip install flask\n", id="env-wrapper"),
        pytest.param("RUN export PIP_NO_CACHE_DIR=1 && pip install flask\n", id="exported"),
        pytest.param("RUN --mount=type=cache,target=/root/.cache/pip pip install flask\n", id="cache-mount"),
        pytest.param(
            "RUN --mount=type=cache,target=/root/.cache pip install flask\n", id="cache-mount-parent"
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install flask\n",
            id="cache-mount-home",
        ),
        pytest.param(
            "RUN --mount=type=cache,target=/pip pip install --cache-dir=/pip flask\n", id="cache-dir-mounted"
        ),
        pytest.param(
            "ENV PIP_CACHE_DIR=/pip\nRUN --mount=type=cache,target=/pip pip install flask\n",
            id="cache-env-mounted",
        ),
        pytest.param("RUN pip install flask && rm -rf ~/.cache/pip\n", id="cache-removed"),
        pytest.param("RUN pip install flask && rm -rf /root/.cache\n", id="cache-parent-removed"),
        pytest.param("RUN pip download flask && pip wheel flask\n", id="not-install"),
        pytest.param("RUN pip list && pip freeze > req.txt\n", id="queries"),
        pytest.param("RUN pipx install black && pipenv install\n", id="pip-wrappers"),
        pytest.param('RUN ["pip", "install", "flask"]\n', id="exec-form"),
        pytest.param("# hadolint ignore=DL3042\nRUN pip install flask\n", id="hadolint-suppression"),
        pytest.param("# dfix: ignore=DF108\nRUN pip install flask\n", id="dfix-suppression"),
        pytest.param('SHELL ["pwsh", "-c"]\nRUN pip install flask\n', id="powershell"),
    ],
)
def test_unchanged(source: str) -> None:
    assert fixed(source) == source


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "FROM python:3.12 AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask\n",
            id="env-from-parent-stage",
        ),
        pytest.param(
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN pip install flask\n", id="windows-stage"
        ),
    ],
)
def test_unchanged_files(source: str) -> None:
    assert fixed(source, image="") == source


def test_diagnostic_location_and_message() -> None:
    (diagnostic,) = fixer.fix(IMAGE + "RUN python -m pip install x\n", select=["DL3042"]).diagnostics
    assert (diagnostic.rule, diagnostic.line, diagnostic.column, diagnostic.end_column) == ("DF108", 2, 5, 26)
    assert diagnostic.message == "`pip install` without `--no-cache-dir`"
    assert diagnostic.fix_title == "Add `--no-cache-dir`"
    assert diagnostic.fixed
