"""``godnaravard allocate``: bilaga 2–4 per region, as a table, CSV or JSON."""

from __future__ import annotations

from pathlib import Path

import click

from ..api import Allocation, allocate
from .common import csv_only, fail, handle_errors, overrides_from, own_data, scenario_options, sep_option

__all__ = ["allocate_cmd"]


@click.command("allocate")
@scenario_options
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table: for reading; csv: one row per recipient, amounts in whole kronor; json: also the "
                   "parameters with their sources, the data files and the balancing kronor.")
@click.option("--table", "table", metavar="NAME", default=None,
              help="Print one table of the agreement in its signed layout (e.g. bilaga2, bilaga3, bilaga4): "
                   "its columns and headings as printed, shares, a total row, footnotes and source line.")
@sep_option
@handle_errors
def allocate_cmd(agreement: str | None, scenario: str | None, assignments: tuple[str, ...], population: Path | None,
                 landsbygd: Path | None, data: tuple[str, ...], data_dates: tuple[str, ...], fmt: str,
                 table: str | None, sep: str = ",") -> None:
    """Allocate every budget line of an agreement and print the amounts per recipient.

    The columns are the agreement's (its definition names them; for God och nära vård, bilaga 2,
    3 and 4 side by side). `godnaravard agreements` lists the agreements. With --table NAME, one
    table as the agreement prints it (CSV: the printed headings and plain numbers).
    """
    csv_only(sep, fmt == "csv")
    alloc = allocate(scenario, overrides_from(assignments), population=population, landsbygd=landsbygd,
                     agreement=agreement, **own_data(data, data_dates))
    if table is not None:
        _print_table(alloc, table, fmt, sep)
    elif fmt == "csv":
        from ..render import allocation_csv

        click.echo(allocation_csv(alloc, sep), nl=False)
    elif fmt == "json":
        from ..render import allocation_json

        click.echo(allocation_json(alloc), nl=False)
    else:
        from ..render import allocation_tables, console

        out = console()
        for table in allocation_tables(alloc, width=out.width):
            out.print(table)


def _print_table(alloc: Allocation, name: str, fmt: str, sep: str = ",") -> None:
    """``allocate --table NAME`` in the chosen format; an unknown table is one line and exit 2."""
    from ..printed import printed_csv, printed_json, printed_rich, printed_table
    from ..render import scenario_title

    try:
        pt = printed_table(alloc, name)
    except KeyError as exc:
        fail(f"--table: {exc.args[0]}")
        return
    if fmt == "csv":
        click.echo(printed_csv(pt, sep), nl=False)
    elif fmt == "json":
        click.echo(printed_json(pt, alloc), nl=False)
    else:
        from ..render import console

        title = pt.title if alloc.scenario.is_baseline else f"{pt.title}\n{scenario_title(alloc)}"
        out = console()
        for item in printed_rich(pt, title, width=out.width):
            out.print(item)
