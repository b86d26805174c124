"""fixer.shell_dialect: what bash reads differently from dash, checked against the real shells.

Each construct the module calls a difference is run under ``dash -c`` and ``bash -c`` to show
that the two really differ (output, files, status); each it accepts is run to show they agree;
and a property generates scripts from both vocabularies and holds every script the module
accepts to the same outcome in both shells.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixer.shell_dialect import bash_difference, environment_difference

HAVE_SHELLS = shutil.which("dash") is not None and shutil.which("bash") is not None
needs_shells = pytest.mark.skipif(not HAVE_SHELLS, reason="dash and bash are needed")

# What the environment holds for certain (the file's ENV/ARG), as the rule passes it.
VARIABLES = {"VERSION": "1.2.3", "BACKSLASH": "a\\nb", "SPACED": "a b", "OPTION": "-e"}
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root", **VARIABLES}


Outcome = tuple[str, bool, int, list[tuple[str, str]]]


def outcome(shell: str, script: str, where: Path) -> Outcome:
    """What a script does, run in an empty ``where``: its output, whether it wrote errors (their
    wording differs between the shells), its status and the files it leaves, with their text."""
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir()
    result = subprocess.run(
        [shell, "-c", script], cwd=where, env=ENV, capture_output=True, text=True, timeout=10, check=False
    )
    files = []
    for path in sorted(where.rglob("*")):
        content = path.read_text(errors="replace") if path.is_file() else "<dir>"
        files.append((str(path.relative_to(where)), content))
    return result.stdout, bool(result.stderr), result.returncode, files


def same_in_both(script: str, tmp_path: Path) -> bool:
    where = tmp_path / "work"  # the same path for both: `pwd` prints it
    return outcome("dash", script, where) == outcome("bash", script, where)


DIFFERENT = [
    # echo: dash decodes escapes and takes only -n
    pytest.param('echo "[main]\\nkey=value" > app.conf', id="echo-backslash-n"),
    pytest.param("echo '\\tOptions -Indexes' > docker-php.conf", id="echo-backslash-t-php-apache"),
    pytest.param('echo "#!/bin/sh\\nexit 101" > policy-rc.d', id="echo-zabbix-policy-rc"),
    pytest.param("echo -e 'a\\tb'", id="echo-dash-e"),
    pytest.param("echo -E x", id="echo-dash-E"),
    pytest.param("echo -n -n x", id="echo-n-twice"),
    pytest.param('echo "$BACKSLASH"', id="echo-variable-with-backslash"),
    pytest.param("echo $OPTION x", id="echo-variable-that-is-an-option"),
    # printf escapes and conversions
    pytest.param("printf 'a\\x41\\n'", id="printf-hex-escape"),
    pytest.param("printf '%q\\n' x", id="printf-q"),
    pytest.param("printf '%b\\n' 'a\\x41'", id="printf-b-hex"),
    # expansions
    pytest.param("mkdir -p opt/{a,b}", id="brace-comma"),
    pytest.param("echo x{1..3}", id="brace-sequence"),
    pytest.param("for i in {a,b}; do echo $i; done", id="brace-in-for"),
    pytest.param("export X={a,b}; echo $X", id="brace-in-export"),
    pytest.param("echo a=~/x", id="tilde-after-equals"),
    pytest.param("cd /tmp && echo ~+", id="tilde-plus"),
    pytest.param("touch ab; echo [^b]*", id="caret-glob"),
    pytest.param("case b in [^a]) echo neg;; *) echo other;; esac", id="caret-case-pattern"),
    pytest.param("echo $'a\\tb'", id="ansi-c-quoting"),
    pytest.param('echo $"x"', id="locale-quoting"),
    pytest.param("x=abc; echo ${x/a/b}", id="substitution"),
    pytest.param("x=abc; echo ${x:1:1}", id="substring"),
    pytest.param("x=abc; echo ${x^^}", id="upper-case"),
    pytest.param("x=HOME; echo ${!x}", id="indirection"),
    pytest.param("echo $((2**3))", id="arithmetic-power"),
    pytest.param("x=1; echo $((x++))", id="arithmetic-increment"),
    pytest.param("echo $((2#101))", id="arithmetic-base"),
    pytest.param("echo $[1+1]", id="old-arithmetic"),
    pytest.param('echo x > f; echo "$(< f)"', id="dollar-paren-redirect"),
    pytest.param("a=(1 2); echo ${a[1]}", id="array"),
    pytest.param("x=a; x+=b; echo $x", id="append-assignment"),
    # syntax
    pytest.param("[[ a == a ]] && echo y", id="double-bracket"),
    pytest.param("[ a == a ] && echo y", id="double-equals-in-test"),
    pytest.param("[ -v HOME ] && echo y", id="test-v"),
    pytest.param("((1)) && echo y", id="arithmetic-command"),
    pytest.param("echo hi &> out; cat out", id="and-greater"),
    pytest.param("echo hi >& out; cat out", id="greater-and-file"),
    pytest.param("echo hi |& cat", id="pipe-and"),
    pytest.param("cat <<< hi", id="here-string"),
    pytest.param("cat <(echo hi)", id="process-substitution"),
    pytest.param("echo hi 10>out; cat out", id="descriptor-above-9"),
    pytest.param("function f { echo f; }; f", id="function-keyword"),
    pytest.param("f-g() { echo f; }; f-g", id="function-name-with-dash"),
    pytest.param("case ab in a*) echo m ;& b) echo n;; esac", id="case-fallthrough"),
    pytest.param("select x in a; do break; done </dev/null; echo ok", id="select"),
    # builtins
    pytest.param("source /dev/null && echo y", id="source"),
    pytest.param("let x=1; echo $x", id="let"),
    pytest.param("declare x=1; echo $x", id="declare"),
    pytest.param("f() { local x=1; echo $x; }; f; local y=2", id="local"),
    pytest.param("shopt -s nullglob; echo ok", id="shopt"),
    pytest.param("time true 2>&1 | wc -l", id="time"),
    pytest.param('alias hi="echo aliased"\nhi', id="alias"),
    pytest.param("set -o pipefail; echo ok", id="set-pipefail"),
    pytest.param("read -a a <<E\nx y\nE\necho $a", id="read-a"),
    pytest.param("printf -v x %s a; echo $x", id="printf-v"),
    pytest.param('trap "echo err" ERR; false; echo after', id="trap-err"),
    pytest.param('trap "echo t" EXIT; trap "" SIGINT; echo ok', id="trap-sig-prefix"),
    pytest.param("hash ls; hash", id="hash"),
    pytest.param("export A=1; export -p | grep A=", id="export-p"),
    pytest.param("env | sort", id="env-listing"),
    pytest.param('X=1 :; echo "[$X]"', id="assignment-before-special-builtin"),
    pytest.param("command echo -e 'x\\ny'", id="command-echo"),
    # variables bash sets
    pytest.param("echo $0", id="dollar-zero"),
    pytest.param("echo $-", id="dollar-dash"),
    pytest.param("echo $SHLVL", id="shlvl"),
    pytest.param("echo $SHELL", id="shell"),
    pytest.param("echo $BASH_VERSION", id="bash-version"),
    pytest.param("echo $RANDOM | wc -c", id="random"),
    pytest.param("echo $UID", id="uid"),
    pytest.param("cd /nonexistent 2>/dev/null; echo $?", id="status-of-a-failing-builtin"),
    pytest.param('set -e; x=$(false; echo b); echo "[$x]"', id="errexit-in-command-substitution"),
    pytest.param("set -x; { echo 'a b'; } 2>&1 | cat > trace", id="xtrace-captured"),
    pytest.param("touch .hidden; ls -d .* > list", id="glob-dot-entries"),
    pytest.param("kill -l > signals", id="kill-l"),
    pytest.param("{ echo >&2 'a\\nb'; } 2>&1 | cat > f", id="echo-to-stderr-captured"),
    pytest.param("exit() { echo fn; }; exit 3; echo after", id="function-named-like-a-special-builtin"),
    pytest.param("exec 3<>/dev/tcp/127.0.0.1/9 2>/dev/null; echo $? > status", id="dev-tcp"),
]


@pytest.mark.parametrize("script", DIFFERENT)
def test_a_difference_is_found(script: str) -> None:
    assert bash_difference(script, variables=VARIABLES) is not None


@needs_shells
@pytest.mark.parametrize("script", DIFFERENT)
def test_what_is_found_really_differs(script: str, tmp_path: Path) -> None:
    assert not same_in_both(script, tmp_path)


SAME = [
    pytest.param(
        "curl -fsSL https://example.com/x.tgz 2>/dev/null | tar -xz 2>/dev/null; echo done", id="pipe"
    ),
    pytest.param("echo hello world > out", id="echo-plain"),
    pytest.param("echo -n x > out", id="echo-n"),
    pytest.param("echo -- x; echo - x; echo -nx y", id="echo-dash-words"),
    pytest.param(
        'echo "v$VERSION" "${VERSION%.*}" "${VERSION#1.}" "${#VERSION}" "${VERSION:-x}"', id="echo-env"
    ),
    pytest.param('echo "$SPACED" | tr " " _', id="echo-quoted-spaces"),
    pytest.param('v=1.2; echo "deb x $v main" > list', id="echo-script-variable"),
    pytest.param(
        'for s in idle3 pip3; do d="$(echo "$s" | tr -d 3)"; printf "%s\\n" "$d"; done',
        id="echo-for-variable",
    ),
    pytest.param('x=1 && echo "$x"', id="echo-after-assignment-in-list"),
    pytest.param('echo >&2 "error: unsupported"; echo out', id="echo-to-stderr"),
    pytest.param("printf '%s\\n' a b; printf '%5.2f|%x|%-3s|\\n' 3.14159 255 a", id="printf"),
    pytest.param("printf 'a\\tb\\101\\n'; printf '%b\\n' 'x\\ny'", id="printf-escapes"),
    pytest.param("mkdir -p a/b && find a -type d | sort", id="find"),
    pytest.param("touch f1 f2; find . -name 'f*' -exec echo {} \\; | sort", id="find-exec-braces"),
    pytest.param("echo {} {a} a{b}c {a,b", id="braces-not-expanded"),
    pytest.param('echo "{a,b}" \\{a,b\\} ${VERSION:-{a,b}}', id="braces-quoted"),
    pytest.param("echo ~ ~root; x=~/y; echo $x; y=a:~/b; echo $y", id="tildes"),
    pytest.param('[ -f /etc/passwd ] && [ "$HOME" = /root ] && test -n x && echo y', id="tests"),
    pytest.param("[ 1 -lt 2 -o 1 -gt 2 ] && [ ! -f /nope ] && echo y", id="tests-and-or"),
    pytest.param("x=3; echo $((x * 2 + 1)) $(( x > 2 ? 1 : 0 )) $((x += 1)) $x", id="arithmetic"),
    pytest.param("case x in x|y) echo m;; [!a]*) echo n;; esac", id="case"),
    pytest.param("f() { printf '%s\\n' \"f $1\"; }; f a", id="function"),
    pytest.param("if true; then echo a; elif false; then :; else :; fi", id="if"),
    pytest.param("i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; printf '%s\\n' $i", id="while"),
    pytest.param("{ echo a; echo b; } | wc -l; ( cd / && pwd ); pwd", id="groups"),
    pytest.param("cat <<EOF > out\nversion $VERSION\nEOF\ncat out", id="heredoc"),
    pytest.param("cat <<'EOF'\n$HOME\nEOF", id="quoted-heredoc"),
    pytest.param("echo hi > f; cat < f; echo more >> f; cat f 2>&1 >/dev/null", id="redirects"),
    pytest.param("exec 3>f; echo x >&3; exec 3>&-; cat f", id="descriptors"),
    pytest.param(
        'export A=1 B; readonly C=2; unset A; printf \'[%s][%s]\' "$A" "$C"', id="export-readonly-unset"
    ),
    pytest.param('set -eu; set -x; set +x; set -- a b; echo "$#"', id="set"),
    pytest.param("read -r a b <<EOF\nx y\nEOF\nprintf '%s\\n' \"$b\"", id="read"),
    pytest.param("trap 'echo bye' EXIT; echo hi", id="trap-exit"),
    pytest.param("cd /tmp && cd - >/dev/null && pwd -P", id="cd"),
    pytest.param("umask 022; umask; kill -0 $$ && echo alive", id="umask-kill"),
    pytest.param("command -v sh >/dev/null && echo found", id="command-v"),
    pytest.param(". /etc/os-release && printf '%s\\n' \"$ID\"", id="dot-os-release"),
    pytest.param("! false && echo negated", id="negation"),
    pytest.param("X=1 true; printf '[%s]' \"$X\"", id="assignment-before-a-program"),
    pytest.param("/usr/bin/env A=1 sh -c 'echo $A'", id="env-running-a-command"),
    pytest.param("sh -c 'echo \"a\\nb\"'", id="nested-sh"),
    pytest.param("touch .hidden; ls -d .[!.]* .??* > list", id="glob-dot-files"),
    pytest.param("set -x; ls / 2>/dev/null | cat > out", id="xtrace-to-dev-null"),
    pytest.param("kill -0 $$ && echo alive", id="kill-0"),
    pytest.param(
        'arch="$(uname -m)"; case x in y) ;; *) echo >&2 "unsupported: $arch" ;; esac', id="echo-to-the-log"
    ),
]


@pytest.mark.parametrize("script", SAME)
def test_same_reading_is_accepted(script: str) -> None:
    assert bash_difference(script, variables=VARIABLES) is None


@needs_shells
@pytest.mark.parametrize("script", SAME)
def test_what_is_accepted_really_reads_the_same(script: str, tmp_path: Path) -> None:
    assert same_in_both(script, tmp_path)


def test_errexit_and_xtrace_from_the_shell_options() -> None:
    script = 'x="$(false; echo b)"; printf "%s\\n" "$x"'
    assert bash_difference(script) is None
    assert bash_difference(script, options=["-eu"]) is not None
    assert bash_difference(script, options=["-o", "errexit"]) is not None
    traced = "a 2>&1 | tee log"
    assert bash_difference(traced) is None
    assert bash_difference(traced, options=["-eux"]) is not None
    assert bash_difference("set -x; " + traced) is not None


def test_a_variable_the_environment_does_not_fix_is_unknown() -> None:
    # The base image's ENV is not in the Dockerfile: `$PHP_INI_DIR` could hold a backslash.
    assert bash_difference('echo "$PHP_INI_DIR/conf.d"') is not None
    assert (
        bash_difference('echo "$PHP_INI_DIR/conf.d"', variables={"PHP_INI_DIR": "/usr/local/etc/php"}) is None
    )


def test_an_assignment_that_may_not_run_leaves_the_value_unknown() -> None:
    for script in (
        'false || v=1; echo "$v"',
        'echo "$v"; v=1',
        'f() { echo "$v"; }; v=1; f',
        'v=1; v=$(cat f); echo "$v"',
    ):
        assert bash_difference(script) is not None, script


def test_trap_actions_are_read_too() -> None:
    assert bash_difference("trap 'echo bye' EXIT") is None
    assert bash_difference("trap 'echo \"a\\nb\"' EXIT") is not None


def test_a_script_that_does_not_parse_is_a_difference() -> None:
    assert bash_difference("echo 'unterminated") is not None


def test_startup_variables_in_the_environment() -> None:
    assert environment_difference(["PATH", "BASH_ENV"]) is not None
    assert environment_difference(["SHELLOPTS"]) is not None
    assert environment_difference(["PATH", "VERSION", "ENV"]) is None


@needs_shells
def test_dash_has_no_pipefail(tmp_path: Path) -> None:
    """Debian 12's dash 0.5.12: `set -o pipefail` is an error that ends the script (status 2)."""
    result = subprocess.run(
        ["dash", "-c", "set -o pipefail; echo reached"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2 and "reached" not in result.stdout


# A vocabulary of script pieces, accepted or not; the property holds every accepted
# combination to the same outcome in both shells.
PIECES = [str(param.values[0]) for param in (*SAME, *DIFFERENT) if "\n" not in str(param.values[0])]
PIECES = [piece for piece in PIECES if "curl" not in piece and "time " not in piece]


@needs_shells
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=3),
    joiner=st.sampled_from(["; ", " && ", " || "]),
)
def test_accepted_scripts_read_the_same(
    pieces: list[str], joiner: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    script = joiner.join(pieces)
    if bash_difference(script, variables=VARIABLES) is not None:
        return
    where = tmp_path_factory.mktemp("run")
    under_dash = outcome("dash", script, where / "work")
    # A RUN that fails under dash fails the original build: a failure dash makes fatal and bash
    # survives (a second `readonly C=2`, any special builtin's error) changes no build that passed.
    assert under_dash[2] != 0 or under_dash == outcome("bash", script, where / "work"), script
