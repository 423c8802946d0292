"""``godnaravard explain RECIPIENT``: how one recipient's amounts arise, step by step, with sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from .common import csv_only, fail, handle_errors, overrides_from, own_data, scenario_options, sep_option

__all__ = ["explain_cmd"]

#: The narrowest width the text is wrapped to, however narrow the terminal.
MIN_WIDTH = 40


def _width() -> int | None:
    """The terminal's width (``COLUMNS`` first); None when there is no terminal (no wrapping)."""
    columns = shutil.get_terminal_size((0, 0)).columns
    return max(columns, MIN_WIDTH) if columns > 0 else None


@click.command("explain")
@click.argument("region", metavar="RECIPIENT")
@scenario_options
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table: for reading (as in every command); csv: one row per part of a budget line; "
                   "json: every step with exact fractions.")
@sep_option
@handle_errors
def explain_cmd(region: str, agreement: str | None, scenario: str | None, assignments: tuple[str, ...],
                population: Path | None, landsbygd: Path | None, data: tuple[str, ...], data_dates: tuple[str, ...],
                fmt: str, sep: str = ",") -> None:
    """Show step by step how one recipient's amounts arise: data and parameters with sources,
    shares, rounding.

    RECIPIENT is a code (14; 2305 for a kommun) or a name ("Västra Götaland", "Region Skåne",
    "Bräcke") of one of the agreement's recipients. For every budget line of the agreement: its
    total, the base amount if any, and for every part: its amount, the key it is shared by, the recipient's share as an
    exact fraction and in percent, the exact amount, the floor, the remainder and its rank, and
    whether the recipient received a balancing krona. The steps end in the same figures as
    `godnaravard allocate`. The text is wrapped to the terminal's width (COLUMNS).
    """
    csv_only(sep, fmt == "csv")
    from ..api import allocate
    from ..explain import UnknownRecipientError, explain
    from ..explain_render import explanation_json, explanation_text
    from ..terminal import terminal_text

    alloc = allocate(scenario, overrides_from(assignments), population=population, landsbygd=landsbygd,
                     agreement=agreement, **own_data(data, data_dates))
    try:
        e = explain(alloc, region)
    except UnknownRecipientError as exc:
        fail(exc.message)
        return
    if fmt == "csv":
        from ..explain_csv import explanation_csv

        click.echo(explanation_csv(e, sep), nl=False)
        return
    click.echo(explanation_json(e) if fmt == "json" else terminal_text(explanation_text(e, _width())), nl=False)
