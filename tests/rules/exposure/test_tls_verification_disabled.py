"""DF603 tls-verification-disabled: certificate checks turned off by option, command or variable."""

from __future__ import annotations

import pytest

import fixer


def messages(text: str) -> list[str]:
    return [d.message for d in fixer.fix(text, select=["DF603"]).diagnostics]


@pytest.mark.parametrize(
    ("run", "tool"),
    [
        ("curl -k https://example.com", "curl"),
        ("curl -fsSLk https://example.com -o x", "curl"),
        ("curl --insecure https://example.com", "curl"),
        ("sudo -u root curl -Lkv https://example.com", "curl"),
        ("wget --no-check-certificate https://example.com", "wget"),
        ("apk --no-check-certificate add curl", "apk"),
        ("pip install --trusted-host pypi.org x", "pip"),
        ("pip3 --trusted-host=pypi.org install x", "pip"),
        ("python3 -m pip install --trusted-host pypi.org x", "pip"),
        ("npm config set strict-ssl false", "npm"),
        ("npm c set strict-ssl=false", "npm"),
        ("yarn config set 'strict-ssl' \"false\"", "yarn"),
        ("npm install --no-strict-ssl", "npm"),
        ("git config --global http.sslVerify false", "git"),
        ("git config --global http.https://example.com.sslverify false", "git"),
        ("git -c http.sslVerify=false clone https://example.com/r.git", "git"),
        ("yum-config-manager --save --setopt=\\*.sslverify=0", "package manager"),
        ("dnf config-manager --setopt=epel.sslverify=false --save", "package manager"),
    ],
)
def test_a_command_that_accepts_any_certificate(run: str, tool: str) -> None:
    (message,) = messages(f"FROM debian:12\nRUN {run}\n")
    assert f"{tool} accepts any certificate" in message


@pytest.mark.parametrize(
    "text",
    [
        "ENV GIT_SSL_NO_VERIFY=0",  # any value: git only asks whether it is set
        "ENV GIT_SSL_NO_VERIFY true",
        "ARG NODE_TLS_REJECT_UNAUTHORIZED='0'",
        'ENV LOL=1 NPM_CONFIG_STRICT_SSL="false"',
        "ENV npm_config_strict_ssl=FALSE",
        "ENV PIP_TRUSTED_HOST=pypi.org",
        "ENV PYTHONHTTPSVERIFY 0",
        "RUN PYTHONHTTPSVERIFY=0 python app.py",
        "RUN cd /src && export GIT_SSL_NO_VERIFY=1 && git clone https://example.com/r.git",
    ],
)
def test_a_variable_that_turns_checks_off(text: str) -> None:
    assert len(messages(f"FROM debian:12\n{text}\n")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "RUN curl -fsSL https://example.com",
        "RUN curl -o k https://example.com",  # -o's value, not the -k flag
        "RUN curl -ok https://example.com",  # -o takes the rest of the word
        "RUN curl https://example.com | grep -k x",
        'RUN echo "--no-check-certificate --insecure"',
        "RUN wget https://example.com",
        "RUN pip install x && echo --trusted-host",
        "RUN npm config set strict-ssl true",
        "RUN git config --global http.sslVerify true",
        "RUN yum-config-manager --save --setopt=epel.sslverify=1",
        "ENV NODE_TLS_REJECT_UNAUTHORIZED=1",
        "ENV NPM_CONFIG_STRICT_SSL=true",
        "ENV ASDFGIT_SSL_NO_VERIFY=1",
        "ARG GIT_SSL_NO_VERIFY",  # declared, not set
        "ENV PYTHONHTTPSVERIFY=1",
        "ENV git_ssl_no_verify=1",  # another variable: environment names are case-sensitive
    ],
)
def test_left_alone(text: str) -> None:
    assert messages(f"FROM debian:12\n{text}\n") == []


def test_no_fix_is_offered() -> None:
    text = "FROM debian:12\nRUN curl -k https://example.com\n"
    result = fixer.fix(text, unsafe=True, select=["DF603"])
    assert result.output == text
    assert result.diagnostics[0].applicability is None
