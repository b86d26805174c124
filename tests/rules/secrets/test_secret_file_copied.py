"""DF202 secret-file-copied: secrets named by a COPY, landing where tools read credentials, or
brought along by a copied directory; the build context's .dockerignore and file contents."""

from __future__ import annotations

from pathlib import Path

import pytest

import fixer

PRIVATE = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
PUBLIC = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQINBF\n-----END PGP PUBLIC KEY BLOCK-----\n"


def messages(text: str, context: Path | None = None) -> list[str]:
    return [d.message for d in fixer.fix(text, select=["DF202"], context=context).diagnostics]


@pytest.mark.parametrize(
    ("copy", "kind"),
    [
        ("COPY id_rsa /root/.ssh/", "an SSH private key"),
        ("COPY deploy-key /root/.ssh/id_ed25519", "an SSH private key"),
        ("COPY .npmrc ./", "an npm credentials file"),
        ("ADD .netrc /root/", "a .netrc"),
        ("COPY certs/server.key certs/server.crt /etc/tls/", "a private key"),
        ("COPY server-key.pem /etc/tls/", "a private key"),
        ("COPY creds /root/.aws/credentials", "AWS credentials"),
        ("COPY config.json /root/.docker/config.json", "Docker registry credentials"),
        ("COPY gcp-service-account.json /app/", "a service account key"),
        ("COPY .env.production /app/", "a dotenv file"),
        ('COPY ["kubeconfig", "/root/.kube/"]', "a Kubernetes credentials file"),
        ("COPY .ssh /root/.ssh", "an SSH directory"),
    ],
)
def test_a_secret_by_its_name_or_where_it_lands(copy: str, kind: str) -> None:
    (message,) = messages(f"FROM debian:12\nWORKDIR /app\n{copy}\n")
    assert kind in message
    assert "into the shipped image's layer; deleting it later does not take it out" in message


@pytest.mark.parametrize(
    "copy",
    [
        "COPY id_rsa.pub /root/.ssh/",
        "COPY signing.key /usr/share/keys/signing-key.pub",
        "COPY .env.example /app/",
        "COPY library-scripts/meta.env /usr/local/etc/",
        "COPY ssh/config /root/.ssh/",
        "COPY --from=build /root/.npmrc /tmp/",  # from a stage: its own finding there
        "COPY ${KEY} /root/.ssh/",
        "ADD https://example.com/id_rsa /tmp/",
    ],
)
def test_left_alone(copy: str) -> None:
    assert messages(f"FROM debian:12\n{copy}\n") == []


def test_a_build_stage_secret_says_where_it_stays() -> None:
    text = "FROM debian:12 AS build\nCOPY id_rsa /root/.ssh/\nFROM debian:12\nCOPY x /x\n"
    (message,) = messages(text)
    assert "a build stage's layer (in the build cache" in message


def test_copy_dot_brings_the_context_secrets_not_excluded(tmp_path: Path) -> None:
    (tmp_path / ".npmrc").write_text("//registry.npmjs.org/:_authToken=abc\n")
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "id_rsa").write_text(PRIVATE)
    (tmp_path / "deploy" / "id_rsa.pub").write_text("ssh-ed25519 AAAA\n")
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "release.key").write_text(PUBLIC)  # a public key, by its content
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "tls.key").write_text(PRIVATE)
    (tmp_path / ".dockerignore").write_text("secrets/\n")
    (message,) = messages("FROM node:20\nWORKDIR /app\nCOPY . .\n", tmp_path)
    assert "an npm credentials file and an SSH private key (.npmrc, deploy/id_rsa)" in message
    assert "add them to .dockerignore, or use `RUN --mount=type=secret" in message


def test_the_context_clears_a_file_whose_content_holds_no_secret(tmp_path: Path) -> None:
    (tmp_path / ".npmrc").write_text("registry=https://registry.npmjs.org/\n")
    (tmp_path / "server.key").write_text(PRIVATE)
    assert messages("FROM node:20\nCOPY .npmrc ./\n", tmp_path) == []
    assert len(messages("FROM node:20\nCOPY server.key /etc/\n", tmp_path)) == 1


def test_an_excluded_or_missing_file_is_not_sent(tmp_path: Path) -> None:
    (tmp_path / "id_rsa").write_text(PRIVATE)
    (tmp_path / ".dockerignore").write_text("id_rsa\n")
    assert messages("FROM debian:12\nCOPY id_rsa /root/.ssh/\n", tmp_path) == []
    assert messages("FROM debian:12\nCOPY .npmrc /root/\n", tmp_path) == []


def test_a_symlink_in_a_copied_directory_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "id_rsa").symlink_to("/etc/hostname")
    assert messages("FROM debian:12\nCOPY app /app\n", tmp_path) == []


NPMRC = "//registry.npmjs.org/:_authToken=abc\n"


def fix_in(tmp_path: Path, text: str, **files: str) -> fixer.FixResult:
    for name, content in {".npmrc": NPMRC, **files}.items():
        (tmp_path / name).write_text(content)
    return fixer.fix(text, unsafe=True, select=["DF202"], context=tmp_path)


def test_copy_use_delete_becomes_a_secret_mount(tmp_path: Path) -> None:
    text = (
        "FROM node:20\nWORKDIR /app\nCOPY .npmrc /root/.npmrc\nCOPY package*.json ./\n"
        "RUN npm ci \\\n    && rm -f /root/.npmrc\nCOPY . .\n"
    )
    result = fix_in(tmp_path, text)
    assert result.output == (
        "# syntax=docker/dockerfile:1\nFROM node:20\nWORKDIR /app\nCOPY package*.json ./\n"
        "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\nCOPY . .\n"
    )
    moved, copied_again = result.diagnostics  # `COPY . .` still brings .npmrc along
    assert moved.fixed and moved.build_flags == ("--secret id=npmrc,src=.npmrc",)
    assert moved.changes is not None and moved.changes.secrets == ("/root/.npmrc",)
    # nothing after it reads .npmrc, and --secret reads its src outside the context: excluded
    assert copied_again.fixed and "add it to .dockerignore" in copied_again.message
    assert [(f.path, f.after) for f in result.files] == [(".dockerignore", ".npmrc\n")]
    assert fixer.fix(text, select=["DF202"], context=tmp_path).output == text  # unsafe


def test_every_run_until_the_deletion_gets_the_mount(tmp_path: Path) -> None:
    text = (
        "# syntax=docker/dockerfile:1.7\nFROM debian:12\r\nCOPY .npmrc ./\r\nRUN a\r\n"
        "RUN rm .npmrc && b\r\nRUN c\r\n"
    )
    mount = "--mount=type=secret,id=npmrc,target=/.npmrc"
    assert fix_in(tmp_path, text).output == (
        f"# syntax=docker/dockerfile:1.7\nFROM debian:12\r\nRUN {mount} a\r\nRUN {mount} b\r\nRUN c\r\n"
    )


def test_a_run_that_only_deletes_it_goes(tmp_path: Path) -> None:
    text = "FROM debian:12\nCOPY .npmrc /root/\nRUN npm ci\nRUN rm -rf /root/.npmrc\n"
    mount = "--mount=type=secret,id=npmrc,target=/root/.npmrc"
    assert (
        fix_in(tmp_path, text).output == f"# syntax=docker/dockerfile:1\nFROM debian:12\nRUN {mount} npm ci\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nCOPY .npmrc /root/\nRUN npm ci\n",  # never deleted: the image may need it
        "FROM debian:12\nCOPY --chown=app .npmrc /home/app/\nRUN npm ci && rm /home/app/.npmrc\n",
        "FROM debian:12\nADD .npmrc /root/\nRUN npm ci && rm /root/.npmrc\n",
        "FROM debian:12\nUSER node\nCOPY .npmrc /tmp/\nRUN npm ci && rm /tmp/.npmrc\n",  # a mount is root's
        # `src`'s contents land in /app: it may hold an .npmrc of its own
        "FROM debian:12\nCOPY .npmrc /app/\nCOPY *.json /app/\nCOPY src /app/\nRUN a && rm /app/.npmrc\n",
        "FROM debian:12\nCOPY .npmrc /root/\nRUN npm ci; rm /root/.npmrc\n",  # not an && list
        "FROM debian:12\nCOPY .npmrc /root/\nRUN npm ci && rm /root/.npmrc /tmp/x\n",
        "FROM debian:12\nCOPY .npmrc /root/\nRUN npm ci && if true; then rm /root/.npmrc; fi\n",
        "FROM debian:12\nCOPY .npmrc /root/\nFROM debian:12\nRUN rm /root/.npmrc\n",  # another stage
        "FROM debian:12\nWORKDIR /app\nCOPY .npmrc ./\nRUN cd /x && rm .npmrc\n",  # another .npmrc
    ],
)
def test_reported_without_a_fix(tmp_path: Path, text: str) -> None:
    result = fix_in(tmp_path, text)
    assert result.output == text
    (diagnostic,) = result.diagnostics
    assert not diagnostic.fixed


def test_the_command_before_the_deletion_keeps_its_redirection(tmp_path: Path) -> None:
    """Found by the build oracle: the command's span ends before its `> file`."""
    text = (
        "FROM debian:12\nCOPY .npmrc /root/\nRUN sha256sum /root/.npmrc > /sum \\\n    && rm /root/.npmrc\n"
    )
    mount = "--mount=type=secret,id=npmrc,target=/root/.npmrc"
    assert fix_in(tmp_path, text).output.endswith(f"RUN {mount} sha256sum /root/.npmrc > /sum\n")


def context_with(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    return tmp_path


def test_a_directory_copy_keeps_its_secrets_out_through_dockerignore(tmp_path: Path) -> None:
    files = {"src/app.py": "print()\n", "src/config/tls.key": PRIVATE, ".dockerignore": "*.key\n!tls.key"}
    context = context_with(tmp_path, files)
    text = "FROM python:3.12\nWORKDIR /srv\nCOPY src/ app/\nCMD python app/app.py\n"
    result = fixer.fix(text, unsafe=True, select=["DF202"], context=context)
    assert result.output == text  # the Dockerfile stays as it is
    (change,) = result.files
    # appended after the exception that re-included it (the last match wins), newline added
    assert (change.path, change.before, change.after) == (
        ".dockerignore",
        "*.key\n!tls.key",
        "*.key\n!tls.key\nsrc/config/tls.key\n",
    )
    (diagnostic,) = result.diagnostics
    assert diagnostic.fixed and diagnostic.edits == ()
    assert diagnostic.fix_title == "Add src/config/tls.key to .dockerignore: the build no longer sends it"
    assert diagnostic.changes is not None
    # a directory's contents land in the destination, not below a directory of its name
    assert diagnostic.changes.secrets == ("/srv/app/config/tls.key",)
    assert (tmp_path / ".dockerignore").read_text() == "*.key\n!tls.key"  # fix() writes nothing
    assert not fixer.fix(text, select=["DF202"]).files  # no context: nothing to see or edit
    assert not fixer.fix(text, select=["DF202"], context=context).files  # unsafe only
    (tmp_path / ".dockerignore").write_text(change.after)
    assert messages(text, context) == []  # fixed for good


@pytest.mark.parametrize(
    ("files", "later"),
    [
        ({".npmrc": NPMRC}, "RUN npm ci"),  # npm reads the project's .npmrc
        ({".npmrc": NPMRC}, "RUN cd web && yarn install"),
        ({".netrc": "machine h login u password p\n"}, "RUN curl -fsSO https://h/x"),
        ({"deploy/id_rsa": PRIVATE}, "RUN ssh-add deploy/id_rsa"),  # named after the COPY
        ({"deploy/id_rsa": PRIVATE}, "RUN git clone git@example.com:x.git"),
        ({"deploy/id_rsa": PRIVATE}, 'RUN ["/bin/sh", "-c", "make"]'),  # exec form: unread
        ({"deploy/id_rsa": PRIVATE}, "RUN if then fi"),  # does not parse
        ({"deploy/id_rsa": PRIVATE}, "ONBUILD RUN make"),
        ({"certs/tls.key": PRIVATE}, 'CMD ["server", "--key", "/app/certs/tls.key"]'),
        ({".env": "TOKEN=abc\n"}, "CMD node ."),  # applications read .env when they run
        ({"id_rsa": PRIVATE, "Dockerfile.dockerignore": "x\n"}, "CMD x"),  # BuildKit reads that one
        ({"id_rsa": PRIVATE, "Dockerfile.ci": "FROM x\nCOPY id_rsa /root/.ssh/\n"}, "CMD x"),
        ({"we*ird.key": PRIVATE}, "CMD x"),  # an entry would need escaping
    ],
)
def test_no_dockerignore_fix_where_the_build_may_want_the_file(
    tmp_path: Path, files: dict[str, str], later: str
) -> None:
    context = context_with(tmp_path, files)
    result = fixer.fix(
        f"FROM node:20\nWORKDIR /app\nCOPY . .\n{later}\n", unsafe=True, select=["DF202"], context=context
    )
    assert result.files == ()
    assert [d.fixed for d in result.diagnostics] == [False]


def test_a_symlinked_dockerignore_is_read_never_written(tmp_path: Path) -> None:
    context = context_with(tmp_path, {"a/id_rsa": PRIVATE, "b/id_rsa": PRIVATE, "rules": "a/\n"})
    (tmp_path / ".dockerignore").symlink_to(tmp_path / "rules")
    result = fixer.fix("FROM debian:12\nCOPY . /app\n", unsafe=True, select=["DF202"], context=context)
    (diagnostic,) = result.diagnostics
    assert "(b/id_rsa)" in diagnostic.message  # a/ is excluded through the link
    assert result.files == () and not diagnostic.fixed
