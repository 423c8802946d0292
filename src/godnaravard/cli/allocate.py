"""``godnaravard allocate``: bilaga 2–4 per region, as a table, CSV or JSON."""

from __future__ import annotations

from pathlib import Path

import click

from ..api import allocate
from .common import handle_errors, overrides_from, scenario_options

__all__ = ["allocate_cmd"]


@click.command("allocate")
@scenario_options
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table: for reading; csv: one row per recipient, amounts in whole kronor; json: also the "
                   "parameters with their sources, the data files and the balancing kronor.")
@handle_errors
def allocate_cmd(agreement: str | None, scenario: str | None, assignments: tuple[str, ...], population: Path | None,
                 landsbygd: Path | None, fmt: str) -> None:
    """Allocate every budget line of an agreement and print the amounts per recipient.

    The columns are the agreement's (its definition names them; for God och nära vård, bilaga 2,
    3 and 4 side by side). `godnaravard agreements` lists the agreements.
    """
    alloc = allocate(scenario, overrides_from(assignments), population=population, landsbygd=landsbygd,
                     agreement=agreement)
    if fmt == "csv":
        from ..render import allocation_csv

        click.echo(allocation_csv(alloc), nl=False)
    elif fmt == "json":
        from ..render import allocation_json

        click.echo(allocation_json(alloc), nl=False)
    else:
        from ..render import allocation_tables, console

        out = console()
        for table in allocation_tables(alloc, width=out.width):
            out.print(table)
