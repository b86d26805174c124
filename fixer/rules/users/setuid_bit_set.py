"""DF303 setuid-bit-set: a build step that gives a file the setuid or setgid bit."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Final

from fixer.rules._base import Context, Located, Rule, Violation, names
from fixer.rules._run import Run, runs, sees_triggers

if TYPE_CHECKING:
    from fixer.shell import Command, Word


SETUID: Final = 0o4000
SETGID: Final = 0o2000
# chmod's options (GNU and BusyBox); `--reference=FILE` copies a mode, which is not read here.
CHMOD_FLAGS: Final = names(
    "-R -c -f -v -h -L -H -P --recursive --changes --silent --quiet --verbose --dereference"
    " --no-dereference --preserve-root --no-preserve-root"
)
# install's options that take the next word as their value (`-m` is read on its own).
INSTALL_VALUES: Final = names("-g -o -S -t --group --owner --suffix --target-directory")


def special_bits(mode: str) -> int:
    """The setuid and setgid bits ``mode`` leaves set (octal ``4755`` or symbolic ``u+s,g-s``,
    read as chmod reads them, clause by clause); 0 when it sets neither or cannot be read."""
    if mode.isdigit():
        return int(mode, 8) & (SETUID | SETGID) if set(mode) <= set("01234567") else 0
    bits = 0
    for clause in mode.split(","):
        who = clause[: len(clause) - len(clause.lstrip("ugoa"))]
        targets = (SETUID if "u" in who else 0) | (SETGID if "g" in who else 0)
        if not who or "a" in who:
            targets = SETUID | SETGID  # `+s` and `a+s` set both
        operator, perms = "", ""
        for char in clause[len(who) :] + "+":  # a sentinel operator flushes the last action
            if char in "+-=":
                if operator == "+" and "s" in perms:
                    bits |= targets
                elif operator == "-" and "s" in perms:
                    bits &= ~targets
                elif operator == "=":
                    bits = (bits & ~targets) | (targets if "s" in perms else 0)
                operator, perms = char, ""
            else:
                perms += char
    return bits


def describe(bits: int, files: Sequence[str]) -> str:
    """``sets the setuid bit of /x: a process running it gains its owner's rights``."""
    names = ", ".join(f"`{name}`" for name in files) or "a file"
    which, whose = {
        SETUID: ("the setuid bit", "owner's"),
        SETGID: ("the setgid bit", "group's"),
    }.get(bits, ("the setuid and setgid bits", "owner's and group's"))
    return f"sets {which} of {names}: a process running it gains its {whose} rights"


class SetuidBitSet(Rule):
    """## What it does
    Finds build steps that set the setuid or setgid bit of a file: ``chmod u+s``, ``g+s``,
    ``+s``, ``a+s``, a numeric mode such as ``4755``, ``2755`` or ``6755`` (with ``chmod`` or
    ``install -m``), and ``COPY --chmod=4755`` / ``ADD --chmod=4755``.

    ## Why is this bad?
    A setuid program runs with the rights of its owner (usually root), whoever starts it; a
    setgid one with those of its group. In a container, each such file is a way for a
    compromised unprivileged process to become root: the bits are what the hardening guides
    (CIS Docker Benchmark 4.8) ask to remove, not to add.

    Setting only the setgid bit of a directory the same RUN creates (``mkdir /shared && chmod
    g+s /shared``, ``install -d -m 2775``) is not reported: on a directory the bit only makes
    new files inherit its group.

    ## Example
    ```dockerfile
    RUN chmod u+s /usr/local/bin/ping-helper
    ```

    Use instead: give the program the one capability it needs at run time
    (``docker run --cap-add NET_RAW``), or run the step that needs the rights as root at build
    time and leave the file without the bit.

    ## References
    - CIS Docker Benchmark 4.8 (ensure setuid and setgid permissions are removed); no hadolint,
      Trivy or Checkov check
    """

    code = "DF303"
    name = "setuid-bit-set"
    summary = "a file is given the setuid or setgid bit"

    @sees_triggers
    def check(self, ctx: Context) -> Iterator[Violation]:
        for run in runs(ctx, triggers=True):
            yield from self._run(run)
        for located in ctx.instructions:
            if located.node.upper_keyword in ("COPY", "ADD"):
                yield from self._copy(located)

    def _run(self, run: Run) -> Iterator[Violation]:
        script = run.script.script
        directories = _created_directories(script.commands)
        for command in script.commands:
            reader = _READERS.get(command.program or "")
            found = reader(command) if reader else None
            if found is None:
                continue
            mode, shown, bits, files = found
            if bits == SETGID and files and all(_path(f.text) in directories for f in files):
                continue  # the setgid bit of a new directory: its files inherit its group
            message = f"`{command.program} {shown}` {describe(bits, [f.text for f in files])}"
            yield self.violation(run.offset(command.words[0].start), run.after(mode), message)

    def _copy(self, located: Located) -> Iterator[Violation]:
        node = located.node.buildkit
        for flag in node.flags:
            name, _, mode = flag.partition("=")
            bits = special_bits(mode) if name == "--chmod" else 0
            if bits and len(node.value) > 1:
                message = f"`{flag}` {describe(bits, _copied(node.value))}"
                yield self.violation(located.offset, located.content_end, message)


def _copied(value: Sequence[str]) -> list[str]:
    """The files a COPY/ADD writes: its destination, or each source's name in it (``dir/``)."""
    *sources, destination = value
    if not destination.endswith("/"):
        return [destination]
    return [destination + posixpath.basename(source.rstrip("/")) for source in sources]


def _chmod(command: Command) -> tuple[Word, str, int, list[Word]] | None:
    """(mode word, the mode as shown, setuid/setgid bits it sets, files) of a ``chmod`` that
    sets one of them."""
    words = list(command.args())
    while words and (words[0].text in CHMOD_FLAGS or words[0].text.startswith("--reference")):
        if words[0].text.startswith("--reference"):
            return None
        words.pop(0)
    if words and words[0].text == "--":
        words.pop(0)
    if not words or words[0].value is None:
        return None
    bits = special_bits(words[0].value)
    return (words[0], words[0].value, bits, words[1:]) if bits else None


def _install(command: Command) -> tuple[Word, str, int, list[Word]] | None:
    """The same for ``install -m MODE`` (``--mode=MODE``, ``-mMODE``): the files it installs
    are its last operand (the target), or every operand with ``-d`` (directories)."""
    mode: Word | None = None
    text: str | None = None
    shown = ""
    operands: list[Word] = []
    directories = False
    args = command.args()
    index = 0
    while index < len(args):
        word = args[index]
        index += 1
        value = word.text
        if value in ("-m", "--mode") and index < len(args):
            mode, text, index = args[index], args[index].value, index + 1
            shown = f"{value} {mode.text}"
        elif value.startswith("--mode="):
            mode, text, shown = word, value.removeprefix("--mode=") if word.value is not None else None, value
        elif value.startswith("-m") and not value.startswith("--"):
            mode, text, shown = word, value[2:] if word.value is not None else None, value
        elif value in INSTALL_VALUES:
            index += 1
        elif value in ("-d", "--directory"):
            directories = True
        elif not value.startswith("-"):
            operands.append(word)
    bits = special_bits(text) if text else 0
    if mode is None or not bits:
        return None
    return mode, shown, bits, operands if directories else operands[-1:]


_READERS: Final[dict[str, Callable[[Command], tuple[Word, str, int, list[Word]] | None]]] = {
    "chmod": _chmod,
    "install": _install,
}


def _created_directories(commands: Sequence[Command]) -> frozenset[str]:
    """Paths the script creates as directories (``mkdir``, ``install -d``)."""
    created: set[str] = set()
    for command in commands:
        args = [word.text for word in command.args()]
        makes = command.program == "install" and ("-d" in args or "--directory" in args)
        if command.program == "mkdir" or makes:
            created.update(_path(arg) for arg in args if not arg.startswith("-"))
    return frozenset(created)


def _path(text: str) -> str:
    return text.rstrip("/") or "/"
