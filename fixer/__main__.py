"""``python -m fixer``: the same as the ``dfix`` command."""

from fixer.cli import main

main()
