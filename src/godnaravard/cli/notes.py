"""The note every command prints on standard error about a definition's stale details (issue 18 §7).

``listen`` asks ``agreements.load`` to report every agreement a command loads; the first time a
command loads one with stale details (``agreements.stale``), one line goes to standard error,
never into the CSV or JSON on standard output. ``agreement show`` lists the details itself.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..agreements import Agreement, on_load

__all__ = ["flush", "listen", "stop"]

#: The notes of the running command, printed when it ends (not when it fails on bad input).
_PENDING: list[str] = []


def listen() -> None:
    """From now on, keep the note of each agreement loaded (once per agreement and command)."""
    seen: set[Path] = set()
    _PENDING.clear()

    def note(ag: Agreement) -> None:
        if ag.path in seen:
            return
        seen.add(ag.path)
        from ..agreements.stale import note_of

        text = note_of(ag)
        if text:
            _PENDING.append(f"godnaravard: {text}")

    on_load(note)


def flush() -> None:
    """Print the notes kept so far on standard error, once."""
    for text in _PENDING:
        click.echo(text, err=True)
    _PENDING.clear()


def stop() -> None:
    """Keep no more notes (``agreement show`` prints the details in full; the API prints none)."""
    on_load(None)
    _PENDING.clear()
