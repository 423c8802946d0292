"""``python -m godnaravard``: the same as the ``godnaravard`` command."""

from .cli import run

run()
