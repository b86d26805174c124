"""Generated Dockerfile text: jinja2 templates rendered in the file's own style, checked by parsing.

Templates live in ``templates/`` (shipped in the wheel as ``fixer/templates``). They are rendered
with ``StrictUndefined`` (a missing value is an error, never an empty string) and get
``keyword(NAME)`` in the file's keyword casing and ``escape``, its escape character; their ``\n``
line endings become the file's own, so generated lines look hand-written in that file. The result
must parse as instructions.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from fixer.syntax import Dockerfile, parse

if TYPE_CHECKING:
    import jinja2

_PACKAGED = Path(__file__).parent / "templates"
_SOURCE_TREE = Path(__file__).parent.parent / "templates"


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2  # only fixes that generate text pay for it

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_folder()),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )


def render(template: str, tree: Dockerfile, **values: object) -> str:
    """Render ``template`` in ``tree``'s style; raises ValueError if the result does not parse."""
    upper = tree.keywords_upper
    jinja_template = _environment().get_template(template)
    rendered = jinja_template.render(
        keyword=lambda name: name.upper() if upper else name.lower(), escape=tree.escape, **values
    )
    text = rendered.replace("\n", newline(tree))
    parse(text)  # a template that renders to something BuildKit rejects is a bug: fail loudly
    return text


def newline(tree: Dockerfile) -> str:
    """The line ending the file's instructions use (its first that ends a line), else ``\\n``."""
    for node in tree.instructions:
        if node.ends_line:
            return node.trailing_newline
    return "\n"


def template_names() -> list[str]:
    """Every template, for the test that renders them all from an installed package."""
    return sorted(str(path.relative_to(_folder())) for path in _folder().rglob("*.j2"))


def _folder() -> Path:
    """``fixer/templates`` in an installed wheel; the top-level ``templates/`` in a source tree."""
    return _PACKAGED if _PACKAGED.is_dir() else _SOURCE_TREE
