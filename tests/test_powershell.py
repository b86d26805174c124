"""PowerShell analysis (tree-sitter-powershell): the facts a merge of RUNs relies on."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixer.powershell import analyse, is_powershell, reads_status, stops_on_error

STOP = (
    "powershell",
    "-Command",
    "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';",
)


@pytest.mark.parametrize(
    ("shell", "powershell", "stops"),
    [
        pytest.param(STOP, True, True, id="docker-library"),
        pytest.param(("pwsh", "-NoLogo", "-Command"), True, False, id="pwsh-no-prelude"),
        pytest.param(
            ("C:\\Program Files\\PowerShell\\7\\pwsh.EXE", "-c", "$ErrorActionPreference='stop'"),
            True,
            True,
            id="path-and-c",
        ),
        pytest.param(
            (
                "powershell",
                "-Command",
                "$ErrorActionPreference = 'Stop'; $ErrorActionPreference = 'Continue'",
            ),
            True,
            False,
            id="reset",
        ),
        pytest.param(("powershell", "-File", "x.ps1"), False, False, id="file-not-command"),
        pytest.param(("cmd", "/S", "/C"), False, False, id="cmd"),
        pytest.param(("/bin/sh", "-c"), False, False, id="sh"),
    ],
)
def test_shell(shell: tuple[str, ...], powershell: bool, stops: bool) -> None:
    assert (is_powershell(shell), stops_on_error(shell)) == (powershell, stops)


@pytest.mark.parametrize(
    "text",
    [
        "Set-Location C:\\tools",
        "cd C:\\tools",
        "pushd C:\\x",
        "$env:PATH = 'C:\\x;' + $env:PATH",
        "${env:Foo} = 1",
        "$ProgressPreference = 'Continue'",
        "$global:ErrorActionPreference = 'Continue'",
        "[Environment]::SetEnvironmentVariable('X', '1', 'Machine')",
        "setx /M PATH C:\\x",
        "Set-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment'"
        " -Name Path -Value x",
        "function Get-Thing { 1 }",
        "Set-Alias ll Get-ChildItem",
        "Import-Module WebAdministration",
        "iex ((New-Object Net.WebClient).DownloadString('https://chocolatey.org/install.ps1'))",
        ". .\\profile.ps1",
        "Get-ChildItem -OutVariable files",
        "Set-StrictMode -Version Latest",
        "Set-Item -Path Env:PATH -Value C:\\x",
        "New-Item env:FOO -Value 1",
        "[Environment]::CurrentDirectory = 'C:\\x'",
        "$config.Setting = 1",
    ],
)
def test_leaves_state(text: str) -> None:
    script = analyse(text)
    assert not script.has_error
    assert script.leaves_state


@pytest.mark.parametrize(
    "text",
    [
        "Write-Host ('Downloading {0} ...' -f $env:URL)",
        "$url = 'x'; Invoke-WebRequest -Uri $url -OutFile a.zip",
        "if ((Get-FileHash a.zip).Hash -ne $env:SHA) { Write-Host 'FAILED!'; exit 1 }",
        "Set-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\Dnscache\\Parameters'"
        " -Name X -Value 0",
        "Get-ChildItem | ForEach-Object { $_.Name }",
        "New-Item -ItemType Directory C:\\env-backup",
        "[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12",
    ],
)
def test_leaves_nothing(text: str) -> None:
    script = analyse(text)
    assert not script.has_error
    assert not script.leaves_state
    assert not script.ends_early


@pytest.mark.parametrize(
    ("text", "ends_early"),
    [
        ("if ($x) { exit 1 }", False),
        ("throw 'no'", False),
        ("exit 0", True),
        ("exit", True),
        ("exit $code", True),
        ("return", True),
        ("foreach ($i in 1..3) { break }", True),
        ("trap { continue }; Get-Item x", True),
    ],
)
def test_ends_early(text: str, ends_early: bool) -> None:
    assert analyse(text).ends_early is ends_early


@pytest.mark.parametrize(
    ("text", "quietly"),
    [
        ("Write-Host hi", False),
        ("Get-Content a.txt | Select-Object -First 5", False),
        ("$x = Get-Item a", False),
        ("choco install -y git", True),
        ("Write-Host a; curl.exe -o a https://x", True),
        ("& .\\setup.exe /quiet", True),
        ("if ($x) { .\\archiver.exe open a.tar.gz }", True),
        ("Write-Host a; mkdir C:\\x", False),  # a built-in function around New-Item
    ],
)
def test_last_may_fail_quietly(text: str, quietly: bool) -> None:
    assert analyse(text).last_may_fail_quietly is quietly


def test_variables_and_status() -> None:
    first = analyse("$Url = 'x'; foreach ($Item in 1..2) { Write-Host $Item }")
    assert first.assigned == {"url", "item"}
    later = analyse("Write-Host $global:URL $LastExitCode")
    assert first.assigned & later.mentioned == {"url"}
    assert reads_status(later)
    assert not reads_status(analyse("Write-Host $env:X"))


def test_tls_and_downloads() -> None:
    assert analyse(
        "[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12"
    ).sets_tls_protocol
    assert analyse("Invoke-WebRequest https://x -OutFile y").makes_web_request
    assert analyse("(New-Object System.Net.WebClient).DownloadFile('https://x', 'y')").makes_web_request
    assert not analyse("Expand-Archive a.zip").makes_web_request


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Write-Host 'unterminated", id="syntax-error"),
        pytest.param("Write-Host \u2018smart quotes\u2019", id="non-ascii-counts-as-unparsed"),
    ],
)
def test_unparsed(text: str) -> None:
    assert analyse(text).has_error


def test_comments() -> None:
    assert analyse("choco install -y git # pinned later").has_line_comment
    assert not analyse("Write-Host <# inline #> hi").has_line_comment


_FUZZ = """
import sys
from fixer.powershell import analyse
for line in sys.stdin.read().split("\\x00"):
    analyse(line)
"""


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(list("$@{}()[];|&`'\"#<>=-+.,:\\/ \t\nabcxyzEP0129")),
            max_size=80,
        ),
        min_size=20,
        max_size=50,
    )
)
def test_parser_survives_soup(texts: list[str]) -> None:
    # tree-sitter-bash crashes on some input (see test_shell); run the PowerShell grammar on
    # soups in a child process so a crash fails this test instead of the whole run.
    proc = subprocess.run(
        [sys.executable, "-c", _FUZZ], input="\x00".join(texts), text=True, capture_output=True, check=False
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(
    ("text", "programs", "installs"),
    [
        ("Write-Host a; mkdir C:\\x; cp a b", False, False),
        ("Start-Process msiexec -ArgumentList '/i', 'x.msi' -Wait", False, True),
        ("choco install -y git", True, True),
        ("& { Write-Host a }", True, True),
        ("C:\\git\\cmd\\git.exe --version", True, True),
    ],
)
def test_programs_and_installers(text: str, programs: bool, installs: bool) -> None:
    script = analyse(text)
    assert (script.runs_programs, script.may_install) == (programs, installs)


def test_nesting_deeper_than_the_stack_counts_as_unparsed() -> None:
    assert analyse("Write-Host " + "(" * 2000 + "1" + ")" * 2000).has_error
