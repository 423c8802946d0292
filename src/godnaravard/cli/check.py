"""``godnaravard check``: every computed cell against the agreement's official tables."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from ..api import allocate
from .common import csv_only, handle_errors, overrides_from, own_data, scenario_options, sep_option

__all__ = ["check_cmd"]


@click.command("check")
@scenario_options
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table: for reading (as in every command); csv: one row per official cell compared; "
                   "json: every cell, total and rule score.")
@sep_option
@handle_errors
def check_cmd(agreement: str | None, scenario: str | None, assignments: tuple[str, ...], population: Path | None,
              landsbygd: Path | None, data: tuple[str, ...], data_dates: tuple[str, ...], fmt: str,
              sep: str = ",") -> None:
    """Compare every table with an official counterpart cell by cell; audit the stated totals.

    The tables, the stated totals and the budget table compared are those the agreement's
    definition names. A scenario that differs from the agreement as signed is still compared with
    the agreement's official tables, and says so first.

    Exit code 0 when every cell is within the tolerance (1 kr), every column sums to its budget
    line and every stated total follows from the items; 1 otherwise, and when there was nothing
    to compare (no official table, or no cell of one matched).
    """
    csv_only(sep, fmt == "csv")
    from ..check import reconcile
    from ..check_render import check_csv, check_json, check_text
    from ..terminal import terminal_text

    alloc = allocate(scenario, overrides_from(assignments), population=population, landsbygd=landsbygd,
                     agreement=agreement, **own_data(data, data_dates))
    rec = reconcile(alloc)
    if fmt == "json":
        click.echo(check_json(rec), nl=False)
    elif fmt == "csv":
        click.echo(check_csv(rec, sep), nl=False)
    else:
        click.echo(terminal_text(check_text(rec, width=shutil.get_terminal_size((80, 24)).columns)), nl=False)
    sys.exit(0 if rec.ok else 1)
