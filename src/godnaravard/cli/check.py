"""``godnaravard check``: every computed cell against the official 2024 tables."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..api import allocate
from .common import handle_errors, overrides_from, scenario_options

__all__ = ["check_cmd"]


@click.command("check")
@scenario_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors
def check_cmd(agreement: str | None, scenario: str | None, assignments: tuple[str, ...], population: Path | None,
              landsbygd: Path | None, fmt: str) -> None:
    """Compare bilaga 2, 3 and 4 cell by cell with the official tables; audit the stated totals.

    Exit code 0 when every cell is within the tolerance (1 kr), every column sums to its budget
    line and every stated total follows from the items; 1 otherwise.
    """
    from ..check import reconcile
    from ..render import check_json, check_text

    alloc = allocate(scenario, overrides_from(assignments), population=population, landsbygd=landsbygd,
                     agreement=agreement)
    rec = reconcile(alloc.result, is_baseline=alloc.scenario.is_baseline)
    click.echo(check_json(rec) if fmt == "json" else check_text(rec), nl=False)
    sys.exit(0 if rec.ok else 1)
