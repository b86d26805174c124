"""Lossless Dockerfile syntax: lexer, immutable CST nodes, parser, and BuildKit's view.

``parse(text).code == text`` for every Dockerfile BuildKit accepts; everything BuildKit rejects
raises ``ParseError`` with its line, column and BuildKit's message. This package imports
nothing else of dfix.
"""

from fixer.syntax.nodes import (
    BlankLine,
    Comment,
    ContinuedLine,
    Directive,
    Dockerfile,
    HeredocBody,
    Instruction,
    Located,
    Node,
    SourceLine,
    TopLevel,
)
from fixer.syntax.parser import ParseError, parse

__all__ = [
    "BlankLine",
    "Comment",
    "ContinuedLine",
    "Directive",
    "Dockerfile",
    "HeredocBody",
    "Instruction",
    "Located",
    "Node",
    "ParseError",
    "SourceLine",
    "TopLevel",
    "parse",
]
