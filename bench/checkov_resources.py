#!/usr/bin/env python3
"""dfix against Checkov's own Dockerfile test resources: for each Checkov check dfix covers, does
dfix report exactly the instructions Checkov's tests expect to fail, and none that must pass?

Reads a checkout of bridgecrewio/checkov (never copied into this project), a work tree or the
git directory `fetch` brings (``/work/.mirror/bridgecrewio+checkov/repo``), at its HEAD:

  - graph checks: ``tests/dockerfile/graph_builder/checks/resources/<Check>/expected.yaml``
    lists ``<dir>/Dockerfile.<INSTRUCTION>`` once per failing (or passing) instruction;
  - Python checks: ``tests/dockerfile/checks/example_<Check>/<dir>/Dockerfile``, with the
    expected sets ``passing_resources`` / ``failing_resources`` in ``test_<Check>.py`` (a set
    names a file once, however many of its instructions fail: there, one finding or more agrees).

For each resource file it runs ``fixer.fix`` with only the dfix rules mapped to that check and
compares the number of findings with the number of failing instructions Checkov expects (a
``pass`` file must have none). Prints one line per check (agree / disagree, with the files) and
exits 1 when any disagreement is not listed in ``JUDGED`` with the reason dfix is right.

usage: .venv/bin/python bench/checkov_resources.py [CHECKOV_CHECKOUT]
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

import fixer

DEFAULT_CHECKOUT = Path("/work/.mirror/bridgecrewio+checkov/repo")
GRAPH = PurePosixPath("tests/dockerfile/graph_builder/checks/resources")
PYTHON = PurePosixPath("tests/dockerfile/checks")

# Checkov check (its resource directory's name) -> the dfix rules that report what it reports.
COVERED: Final = {
    "RootUser": ("DF301",),  # CKV_DOCKER_8
    "UserExists": ("DF301",),  # CKV_DOCKER_3
    "RunUsingSudo": ("DF304",),  # CKV2_DOCKER_1
    "RunChpasswd": ("DF305",),  # CKV2_DOCKER_17
    "AddExists": ("DF601",),  # CKV_DOCKER_4
    "UpdateNotAlone": ("DF110",),  # CKV_DOCKER_5
    "ExposePort22": ("DF605",),  # CKV_DOCKER_1
    "ReferenceLatestTag": ("DF404",),  # CKV_DOCKER_7
    "MaintainerExists": ("DF405",),  # CKV_DOCKER_6
    "WorkdirIsAbsolute": ("DF503",),  # CKV_DOCKER_10
    "AliasIsUnique": ("DF504",),  # CKV_DOCKER_11
    **dict.fromkeys(
        (
            "RunUnsafeCurl", "RunUnsafeWget", "RunPipTrustedHost", "EnvPipTrustedHost",
            "EnvPythonHttpsVerify", "EnvNodeTlsRejectUnauthorized", "EnvNpmConfigStrictSsl",
            "RunNpmConfigSetStrictSsl", "EnvGitSslNoVerify", "RunYumConfigManagerSslVerify",
        ),
        ("DF603",),
    ),
    **dict.fromkeys(
        (
            "RunApkAllowUntrusted", "RunAptGetAllowUnauthenticated", "RunAptGetForceYes",
            "RunYumNoGpgCheck", "RunRpmNoSignature",
        ),
        ("DF604",),
    ),
}  # fmt: skip
# Disagreements judged, (check, resource file): why dfix's answer is the right one.
_ARG_WITHOUT_DEFAULT: Final = (
    "its `ARG NAME value` lines declare two ARGs, NAME without a default and one named `value`"
    " (BuildKit's ARG takes `name[=default]` words): nothing is set, so nothing is turned off"
)
_OPEN_QUOTE: Final = (
    "its `'lol\\''` lines leave a single quote open: the RUN is not valid shell and fails"
    " before anything runs (dfix does not analyse a script with a syntax error)"
)
JUDGED: Final[dict[tuple[str, str], str]] = {
    ("AddExists", "failure/Dockerfile"): (
        "`ADD <url>` fetches, which COPY cannot: DF601 (like hadolint's DL3020) is about local"
        " sources, where COPY means the same"
    ),
    ("EnvPipTrustedHost", "fail/Dockerfile.envvars"): _ARG_WITHOUT_DEFAULT,
    **{
        (check, file): reason
        for check in (
            "EnvPythonHttpsVerify",
            "EnvNodeTlsRejectUnauthorized",
            "EnvNpmConfigStrictSsl",
            "EnvGitSslNoVerify",
        )
        for file, reason in (
            ("fail/Dockerfile.basic", _ARG_WITHOUT_DEFAULT),
            ("fail/Dockerfile.run.quotes", _OPEN_QUOTE),
        )
    },
}


@dataclass(frozen=True)
class Resource:
    check: str
    path: str  # in the checkout
    name: str  # as Checkov's tests name it: ``fail/Dockerfile``
    expected_failures: int  # failing instructions Checkov expects in it
    exact: bool = True  # False: Checkov's test names the file once however many fail in it


class Checkout:
    def __init__(self, root: Path) -> None:
        self.root = root

    def files(self, under: PurePosixPath) -> list[str]:
        listed = self._git("ls-tree", "-r", "--name-only", "HEAD", "--", str(under))
        return listed.splitlines()

    def read(self, path: str) -> str:
        return self._git("show", f"HEAD:{path}")

    def _git(self, *args: str) -> str:
        command = ["git", "-C", str(self.root), *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def graph_resources(checkout: Checkout, check: str) -> list[Resource]:
    directory = GRAPH / check
    expected = checkout.read(str(directory / "expected.yaml"))
    failing = Counter(_entries(expected, "fail"))
    found = []
    for path in checkout.files(directory):
        if PurePosixPath(path).name.startswith("Dockerfile"):
            name = str(PurePosixPath(path).relative_to(directory))
            found.append(Resource(check, path, name, failing[name]))
    return found


def _entries(yaml_text: str, section: str) -> list[str]:
    """``<dir>/Dockerfile`` once per listed instruction of ``section`` (the YAML is flat)."""
    entries, current = [], None
    for line in yaml_text.splitlines():
        if re.fullmatch(r"\w+:\s*", line):
            current = line.rstrip(": ")
        elif current == section and (match := re.fullmatch(r"\s*-\s*'?([^']+?)'?\s*", line)):
            entries.append(match[1].rpartition(".")[0])
    return entries


def python_resources(checkout: Checkout, check: str) -> list[Resource]:
    directory = PYTHON / f"example_{check}"
    test = checkout.read(str(PYTHON / f"test_{check}.py"))
    failing = Counter(name.strip("/").rpartition(".")[0] for name in _literal_set(test, "failing_resources"))
    found = []
    for path in checkout.files(directory):
        if PurePosixPath(path).name.startswith("Dockerfile"):
            name = str(PurePosixPath(path).relative_to(directory))
            found.append(Resource(check, path, name, failing[name], exact=False))
    return found


def _literal_set(source: str, variable: str) -> set[str]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == variable for target in node.targets
        ):
            value = ast.literal_eval(node.value)
            return set(value) if isinstance(value, (set, list, tuple)) else set()
    return set()


def findings(text: str, codes: tuple[str, ...]) -> int:
    return len(fixer.fix(text, select=list(codes)).diagnostics)


def main(argv: list[str]) -> int:
    checkout = Checkout(Path(argv[1]) if len(argv) > 1 else DEFAULT_CHECKOUT)
    unjudged = 0
    for check, codes in COVERED.items():
        graph = (GRAPH / check / "expected.yaml").as_posix() in checkout.files(GRAPH / check)
        resources = graph_resources(checkout, check) if graph else python_resources(checkout, check)
        disagreements = []
        for resource in resources:
            got = findings(checkout.read(resource.path), codes)
            expected = resource.expected_failures
            if got != expected and (resource.exact or min(got, 1) != min(expected, 1)):
                reason = JUDGED.get((check, resource.name))
                unjudged += reason is None
                verdict = f"judged: {reason}" if reason else "NOT JUDGED"
                disagreements.append(
                    f"    {resource.name}: Checkov expects {expected}{'' if resource.exact else '+'},"
                    f" dfix finds {got} ({verdict})"
                )
        status = "agrees" if not disagreements else f"{len(disagreements)} disagreement(s)"
        print(f"{check:<16} {'/'.join(codes):<12} {len(resources)} resource file(s): {status}")
        for line in disagreements:
            print(line)
    return 1 if unjudged else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
