"""DF501 packages-removed-in-later-run: merges, their safety, and the cases that must stay apart."""

from __future__ import annotations

import pytest

import fixer
from fixer.shell import analyse


def fix(text: str, unsafe: bool = False) -> str:
    return fixer.fix(text, unsafe=unsafe, select=["DF501"]).output


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "FROM debian:12\n"
            "RUN apt-get update && apt-get install -y gcc make\n"
            "RUN make -C /src\n"
            "RUN apt-get purge -y gcc make\n",
            "FROM debian:12\n"
            "RUN ( apt-get update && apt-get install -y gcc make ) \\\n"
            "    && make -C /src \\\n"
            "    && apt-get purge -y gcc make\n",
            id="three-runs",
        ),
        pytest.param(
            "FROM alpine:3.20\n"
            "RUN apk add --no-cache --virtual .build-deps gcc musl-dev\n"
            "# build the wheel\n"
            "RUN pip install --no-cache-dir uwsgi\n"
            "\n"
            "RUN apk del .build-deps\n",
            "FROM alpine:3.20\n"
            "RUN ( apk add --no-cache --virtual .build-deps gcc musl-dev ) \\\n"
            "    # build the wheel\n"
            "    && pip install --no-cache-dir uwsgi \\\n"
            "    && apk del .build-deps\n",
            id="apk-virtual-comment-moves-inside",
        ),
        pytest.param(
            "FROM debian:12\n"
            "ENV buildDeps='gcc make'\n"
            "RUN apt-get install -y $buildDeps && \\\n"
            "    echo installed\n"
            "RUN apt-get purge -y $buildDeps\n",
            "FROM debian:12\n"
            "ENV buildDeps='gcc make'\n"
            "RUN ( apt-get install -y $buildDeps && \\\n"
            "    echo installed ) && \\\n"
            "    apt-get purge -y $buildDeps\n",
            id="env-variable-trailing-operator-style",
        ),
        pytest.param(
            "FROM debian:12\n"
            "RUN apt-get install -y gcc\n"
            "RUN cd /src; make || true\n"
            "RUN export CC=gcc && ./configure\n"
            "RUN apt-get remove -y gcc\n",
            "FROM debian:12\n"
            "RUN ( apt-get install -y gcc ) \\\n"
            "    && ( cd /src; make || true ) \\\n"
            "    && ( export CC=gcc && ./configure ) \\\n"
            "    && apt-get remove -y gcc\n",
            id="shell-state-and-lists-in-subshells",
        ),
        pytest.param(
            "FROM debian:12\r\n"
            "RUN apt-get install -y gcc\r\n"
            "LABEL stage=build\r\n"
            "RUN make\r\n"
            "RUN apt-get purge -y gcc\r\n"
            'CMD ["app"]\r\n',
            "FROM debian:12\r\n"
            "LABEL stage=build\r\n"
            "RUN ( apt-get install -y gcc ) \\\r\n"
            "    && make \\\r\n"
            "    && apt-get purge -y gcc\r\n"
            'CMD ["app"]\r\n',
            id="crlf-metadata-moves-above",
        ),
        pytest.param(
            "# escape=`\nFROM debian:12\nRUN apt-get install -y gcc\nRUN make\nRUN apt-get purge -y gcc\n",
            "# escape=`\n"
            "FROM debian:12\n"
            "RUN ( apt-get install -y gcc ) `\n"
            "    && make `\n"
            "    && apt-get purge -y gcc\n",
            id="backtick-escape",
        ),
        pytest.param(
            "FROM debian:12\n"
            "RUN --mount=type=cache,target=/var/cache/apt apt-get install -y gcc\n"
            "RUN --mount=type=cache,target=/var/cache/apt apt-get purge -y gcc\n",
            "FROM debian:12\n"
            "RUN --mount=type=cache,target=/var/cache/apt ( apt-get install -y gcc ) \\\n"
            "    && apt-get purge -y gcc\n",
            id="same-flags",
        ),
    ],
)
def test_safe_merge(source: str, expected: str) -> None:
    assert fix(source) == expected
    assert fix(expected) == expected


@pytest.mark.parametrize(
    ("source", "expected", "moved"),
    [
        pytest.param(
            "FROM debian:12\n"
            "# toolchain\n"
            "RUN apt-get install -y gcc\n"
            "# sources\n"
            "COPY . /src\n"
            "WORKDIR /src\n"
            "RUN make\n"
            "RUN apt-get purge -y gcc\n",
            "FROM debian:12\n"
            "# sources\n"
            "COPY . /src\n"
            "WORKDIR /src\n"
            "# toolchain\n"
            "RUN ( apt-get install -y gcc ) \\\n"
            "    && make \\\n"
            "    && apt-get purge -y gcc\n",
            # The install runs in another directory now, and needs none (it reads no relative
            # path); /src is no directory packages install into.
            "moves COPY, WORKDIR above the earlier RUNs",
            id="copy-and-workdir-move-with-their-comments",
        ),
        pytest.param(
            "FROM debian:12\n"
            "RUN apt-get install -y gcc\n"
            "ENV CFLAGS=-O2\n"
            "RUN make\n"
            "RUN apt-get purge -y gcc\n",
            "FROM debian:12\n"
            "RUN ( apt-get install -y gcc ) \\\n"
            "    && ( export CFLAGS=-O2 && make ) \\\n"
            "    && ( export CFLAGS=-O2 && apt-get purge -y gcc )\n"
            "ENV CFLAGS=-O2\n",
            # The install never saw CFLAGS; the RUNs after the ENV do.
            "moves ENV below the later RUNs",
            id="env-below-exported-to-the-later-runs",
        ),
        pytest.param(
            "FROM debian:12\n"
            "WORKDIR /build\n"
            "RUN apt-get install -y xz-utils && touch installed.marker\n"
            "WORKDIR /src\n"
            "COPY input.txt ./\n"
            "RUN xz -k input.txt && ls > listing.txt\n"
            "RUN apt-get purge -y xz-utils\n",
            "FROM debian:12\n"
            "WORKDIR /build\n"
            "WORKDIR /src\n"
            "COPY input.txt ./\n"
            "RUN ( mkdir -p /build && cd -P /build && unset OLDPWD"
            " && apt-get install -y xz-utils && touch installed.marker ) \\\n"
            "    && xz -k input.txt && ls > listing.txt \\\n"
            "    && apt-get purge -y xz-utils\n",
            # The marker stays in /build, and the listing does not show it.
            "moves COPY, WORKDIR above the earlier RUNs",
            id="workdir-between-keeps-the-directory",
        ),
        pytest.param(
            "FROM debian:12\n"
            "WORKDIR /build\n"
            "RUN apt-get install -y gcc\n"
            "ENV LANG='C.UTF-8' PREFIX=/usr/local/my\\ app\n"
            "WORKDIR src\n"
            "RUN make install\n"
            "RUN apt-get purge -y gcc\n",
            "FROM debian:12\n"
            "WORKDIR /build\n"
            "WORKDIR src\n"
            "RUN ( apt-get install -y gcc ) \\\n"
            "    && ( export LANG=C.UTF-8 PREFIX='/usr/local/my app' && make install ) \\\n"
            "    && ( export LANG=C.UTF-8 PREFIX='/usr/local/my app' && apt-get purge -y gcc )\n"
            "ENV LANG='C.UTF-8' PREFIX=/usr/local/my\\ app\n",
            # Values as BuildKit reads them, quoted for the shell; a relative WORKDIR resolves.
            "moves WORKDIR above the earlier RUNs; moves ENV below the later RUNs",
            id="env-values-and-relative-workdir",
        ),
    ],
)
def test_unsafe_merge_says_what_moves(source: str, expected: str, moved: str) -> None:
    assert fix(source) == source
    assert fix(source, unsafe=True) == expected
    (diagnostic,) = fixer.fix(source, select=["DF501"]).diagnostics
    assert diagnostic.fix_title is not None and diagnostic.fix_title.endswith(f"({moved})")
    assert diagnostic.applicability is fixer.Applicability.UNSAFE


@pytest.mark.parametrize(
    "between",
    [
        # A COPY moves above the earlier RUNs only where they cannot read or write its files.
        pytest.param("COPY gcc-wrapper /usr/bin/gcc\n", id="system-path-above-an-install"),
        pytest.param("COPY app.conf /etc/app/\n", id="etc-above-an-install"),
        pytest.param("COPY . /usr/src/app\n", id="usr-src-above-an-install"),
        pytest.param("COPY --chown=app . /app\n", id="owner-by-name"),
        pytest.param("COPY . $APP_HOME/\n", id="destination-reads-a-variable"),
        pytest.param("COPY . app/\n", id="relative-destination-unknown-workdir"),
        pytest.param("ADD https://example.com/tool.tgz /usr/local/\n", id="add-under-usr-local"),
        # ARG sets the environment of every later RUN, to a value a build argument may change.
        pytest.param("ARG VERSION=1.2\n", id="arg"),
        # The scripts after the ENV would need it exported as BuildKit set it.
        pytest.param("ENV PATH=/opt/tool/bin:$PATH\n", id="env-reads-a-variable"),
        pytest.param("ENV IFS=:\n", id="env-sets-what-the-shell-manages"),
        pytest.param("ENV my.setting=1\n", id="env-name-no-shell-variable"),
        pytest.param("ENV DIR=/app\nCOPY . $DIR/\n", id="copy-after-env-reads-it"),
        pytest.param("USER app\n", id="user"),
        pytest.param("VOLUME /data\n", id="volume"),
    ],
)
def test_instructions_that_keep_the_runs_apart(between: str) -> None:
    source = f"FROM debian:12\nRUN apt-get install -y gcc\n{between}RUN make\nRUN apt-get purge -y gcc\n"
    result = fixer.fix(source, unsafe=True, select=["DF501"])
    assert result.output == source
    assert [(d.rule, d.fixed) for d in result.diagnostics] == [("DF501", False)]


@pytest.mark.parametrize(
    ("workdir", "install"),
    [
        # The earlier script names the destination, or a directory above it.
        pytest.param("", "apt-get install -y gcc && mkdir /app", id="names-it"),
        pytest.param("", "apt-get install -y gcc && chown -R 1000 /", id="names-the-root"),
        pytest.param("", "apt-get install -y gcc && tar -xf /tmp/x.tgz -C /app/lib", id="names-a-path-below"),
        pytest.param(
            "WORKDIR /app\n", "apt-get install -y gcc && mkdir -p ../app/x", id="relative-path-to-it"
        ),
        pytest.param("", 'apt-get install -y gcc && cp x "$TARGET"', id="unknown-path"),
        pytest.param("", "apt-get install -y gcc && cp x ~/", id="home"),
        pytest.param("", "apt-get install -y gcc && cd /app && make", id="changes-into-it"),
        # It runs a program where that program may write the destination: in, above, or an
        # unknown directory (`git clone …/app.git` in / makes /app).
        pytest.param("", "apt-get install -y gcc git && git clone https://x/app.git", id="unknown-directory"),
        pytest.param("WORKDIR /\n", "apt-get install -y gcc git && git clone https://x/app.git", id="above"),
        pytest.param("WORKDIR /app\n", "apt-get install -y gcc && npm ci", id="in-it"),
        pytest.param("WORKDIR /srv\n", "apt-get install -y gcc", id="under-a-system-directory"),
        pytest.param(
            "WORKDIR /app\n", "apt-get install -y gcc ./local.deb", id="package-from-a-relative-path"
        ),
        pytest.param("", "apt-get install -y gcc > /app/log", id="redirection-into-it"),
        # Or its environment steers a program there (`make install` reads PREFIX), or a build
        # argument might.
        pytest.param("ENV PREFIX=/app\nWORKDIR /build\n", "apt-get install -y gcc && make install", id="env"),
        pytest.param(
            "WORKDIR /build\n", "export HOME=/app && apt-get install -y gcc && npm i -g x", id="export"
        ),
        pytest.param("ENV PATH=/app/bin:$PATH\nWORKDIR /build\n", "apt-get install -y gcc", id="on-path"),
        pytest.param("ARG V=1\nWORKDIR /build\n", "apt-get install -y gcc && touch m", id="build-arg"),
    ],
)
def test_copy_stays_below_scripts_that_may_touch_it(workdir: str, install: str) -> None:
    destination = "/srv/app/" if "/srv" in workdir else "/app/"
    source = (
        f"FROM debian:12\n{workdir}RUN {install}\nCOPY app.conf {destination}\n"
        "RUN make\nRUN apt-get purge -y gcc\n"
    )
    result = fixer.fix(source, unsafe=True, select=["DF501"])
    assert result.output == source
    assert [(d.rule, d.fixed) for d in result.diagnostics] == [("DF501", False)]


@pytest.mark.parametrize(
    ("workdir", "install"),
    [
        pytest.param("", "apt-get install -y gcc", id="a-package-manager-works-anywhere"),
        pytest.param(
            "WORKDIR /build\n", "apt-get install -y gcc git && git clone https://x/y.git", id="elsewhere"
        ),
        pytest.param(
            "WORKDIR /build\n", "apt-get install -y gcc && rm -rf /var/lib/apt/lists/*", id="other-paths"
        ),
        pytest.param("", "apt-get install -y gcc > /dev/null && echo /app", id="echo-names-no-file"),
        pytest.param("", "useradd --uid 1000 app && apt-get install -y gcc", id="numeric-owner"),
    ],
)
def test_copy_moves_above_scripts_that_cannot_touch_it(workdir: str, install: str) -> None:
    source = (
        f"FROM debian:12\n{workdir}RUN {install}\nCOPY --chown=1000:1000 app.conf /app/\n"
        "RUN make\nRUN apt-get purge -y gcc\n"
    )
    if "useradd" in install:  # a program in an unknown directory: it must not run where /app is
        source = "FROM debian:12\nWORKDIR /build\n" + source.removeprefix("FROM debian:12\n")
    result = fixer.fix(source, unsafe=True, select=["DF501"])
    assert [(d.rule, d.fixed) for d in result.diagnostics] == [("DF501", True)]
    assert "COPY --chown=1000:1000 app.conf /app/\nRUN " in result.output


def test_workdir_between_needs_the_directory_the_script_ran_in() -> None:
    # The base image's WORKDIR is unknown: no `cd` can take the script back there.
    source = (
        "FROM debian:12\nRUN apt-get install -y xz-utils && touch installed.marker\n"
        "WORKDIR /src\nRUN xz -k input.txt\nRUN apt-get purge -y xz-utils\n"
    )
    assert fix(source, unsafe=True) == source
    # A script that uses no relative path needs no directory.
    source = "FROM debian:12\nRUN apt-get install -y gcc\nWORKDIR /src\nRUN make\nRUN apt-get purge -y gcc\n"
    assert fix(source, unsafe=True) == (
        "FROM debian:12\nWORKDIR /src\nRUN ( apt-get install -y gcc ) \\\n    && make \\\n"
        "    && apt-get purge -y gcc\n"
    )


@pytest.mark.parametrize(
    "shell",
    [
        pytest.param('SHELL ["/bin/bash", "-lc"]\n', id="login-shell"),
        pytest.param('SHELL ["/bin/bash", "--login", "-c"]\n', id="login-long-option"),
        pytest.param('SHELL ["/bin/bash", "-i", "-c"]\n', id="interactive"),
        pytest.param('SHELL ["/usr/local/bin/_dockerfile_shell.sh"]\n', id="wrapper-script"),
        pytest.param('SHELL ["/bin/bash"]\n', id="no-dash-c"),
        pytest.param('SHELL ["/bin/zsh", "-c"]\n', id="zsh"),
        pytest.param('ENV BASH_ENV=/etc/profile.d/env.sh\nSHELL ["/bin/bash", "-c"]\n', id="bash-env"),
    ],
)
def test_shells_that_prepare_every_run_are_not_merged(shell: str) -> None:
    # Start-up files (which an earlier RUN may write: `conda init`) run before every RUN;
    # merged, once.
    source = f"FROM debian:12\n{shell}RUN apt-get install -y gcc\nRUN make\nRUN apt-get purge -y gcc\n"
    assert fix(source, unsafe=True) == source


@pytest.mark.parametrize(
    "shell",
    [
        '["/bin/sh", "-c"]',
        '["/bin/bash", "-euxo", "pipefail", "-c"]',
        '["/bin/ash", "-eo", "pipefail", "-c"]',
        '["/busybox/sh", "-c"]',
        '["bash", "-O", "extglob", "-ec"]',
    ],
)
def test_plain_shells_merge(shell: str) -> None:
    source = (
        f"FROM debian:12\nSHELL {shell}\nRUN apt-get install -y gcc\nRUN make\nRUN apt-get purge -y gcc\n"
    )
    assert fix(source) != source


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN apk add gcc\nUSER app\nRUN apk del gcc\n", id="user-between"),
        pytest.param('RUN apk add gcc\nSHELL ["/bin/ash", "-c"]\nRUN apk del gcc\n', id="shell-between"),
        pytest.param("RUN apk add gcc\nVOLUME /data\nRUN apk del gcc\n", id="volume-between"),
        pytest.param("RUN apk add gcc\nRUN --network=none make\nRUN apk del gcc\n", id="different-flags"),
        pytest.param("RUN apk add gcc\nRUN <<EOF\nmake\nEOF\nRUN apk del gcc\n", id="heredoc-between"),
        pytest.param('RUN apk add gcc\nRUN ["make"]\nRUN apk del gcc\n', id="exec-form-between"),
        pytest.param("RUN apk add gcc # compiler\nRUN apk del gcc\n", id="shell-comment"),
    ],
)
def test_reported_without_fix(source: str) -> None:
    text = "FROM alpine:3.20\n" + source
    result = fixer.fix(text, unsafe=True, select=["DF501"])
    assert result.output == text
    assert [(d.rule, d.applicability) for d in result.diagnostics] == [("DF501", None)]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("RUN apk add gcc\nRUN apk del make\n", id="other-package"),
        pytest.param("RUN apk add gcc && make && apk del gcc\n", id="same-run"),
        pytest.param("RUN apk add gcc\nFROM alpine:3.20\nRUN apk del gcc\n", id="other-stage"),
    ],
)
def test_not_reported(source: str) -> None:
    text = "FROM alpine:3.20\n" + source
    result = fixer.fix(text, unsafe=True, select=["DF501"])
    assert (result.output, result.diagnostics) == (text, [])


def test_suppression_on_the_install_run() -> None:
    text = "FROM alpine:3.20\n# dfix: ignore=DF501\nRUN apk add gcc\nRUN apk del gcc\n"
    assert fixer.fix(text, unsafe=True, select=["DF501"]).diagnostics == []


def test_merged_script_runs_the_same_commands_in_order() -> None:
    source = (
        "FROM debian:12\n"
        "RUN apt-get update && apt-get install -y gcc\n"
        "RUN cd /src && ./configure --prefix=/usr\n"
        "RUN make -j4 && make install\n"
        "RUN apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*\n"
    )
    before = [analyse(line.removeprefix("RUN ")) for line in source.splitlines()[1:]]
    merged = fixer.parse(fix(source)).instructions[1]
    after = analyse(merged.buildkit.value[0])
    assert [[w.text for w in c.words] for s in before for c in s.commands] == [
        [w.text for w in c.words] for c in after.commands
    ]
    # The `cd` script keeps its state to itself; the install keeps the shell's note of where
    # apt-get is to itself (the purge must look again).
    assert sum(c.in_subshell for c in after.commands) == 4


def test_diagnostic_points_at_the_install_and_names_the_removal() -> None:
    text = "FROM alpine:3.20\nRUN apk add gcc make\nRUN make\nRUN apk del gcc make\n"
    (diagnostic,) = fixer.fix(text, select=["DF501"]).diagnostics
    assert (diagnostic.line, diagnostic.column, diagnostic.fixed) == (2, 1, True)
    assert (
        diagnostic.message
        == "`gcc`, `make` installed here are removed in a later RUN (line 4): still in the image"
    )


def test_workdir_root_makes_no_directory() -> None:
    # `WORKDIR /` only changes the directory: nothing for the earlier scripts to touch.
    source = (
        "FROM debian:12\nWORKDIR /build\nRUN apt-get install -y gcc && touch m\nWORKDIR /\n"
        "RUN make\nRUN apt-get purge -y gcc\n"
    )
    assert fix(source, unsafe=True) == (
        "FROM debian:12\nWORKDIR /build\nWORKDIR /\n"
        "RUN ( mkdir -p /build && cd -P /build && unset OLDPWD && apt-get install -y gcc && touch m ) \\\n"
        "    && make \\\n    && apt-get purge -y gcc\n"
    )


@pytest.mark.parametrize(
    ("user", "install"),
    [
        pytest.param("USER app\n", "sudo apt-get install -y gcc && touch m", id="user-app"),
        pytest.param("", "sudo apt-get install -y gcc && touch m", id="sudo"),
        pytest.param("", "apt-get install -y gcc || true; touch m", id="failure-ignored"),
        pytest.param("", "apt-get install -y gcc | tee log && touch m", id="piped"),
        pytest.param("", "apt-get -s install gcc && touch m", id="simulated"),
    ],
)
def test_directory_made_only_as_root(user: str, install: str) -> None:
    # `mkdir -p` remakes the directory a builder makes as root when a RUN starts there: as any
    # other user it would fail, or make it theirs. Root is certain when the stage says so, or
    # when the first script runs apt-get as itself where its failure fails the RUN.
    source = (
        f"FROM debian:12\nWORKDIR /build\n{user}RUN {install}\nWORKDIR /src\n"
        "RUN make\nRUN apt-get purge -y gcc\n"
    )
    assert fix(source, unsafe=True) == source
    as_root = source.replace("USER app\n", "").replace("WORKDIR /build\n", "USER root\nWORKDIR /build\n")
    assert fix(as_root, unsafe=True) != as_root
