"""``godnaravard export``: the allocation as an Excel workbook, with the agreement's own tables and headings."""

from __future__ import annotations

from pathlib import Path

import click

from ..api import allocate
from .common import fail, handle_errors, overrides_from, scenario_options, writing

__all__ = ["export_cmd"]


@click.command("export")
@scenario_options
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    metavar="FILE.xlsx",
    help="The workbook to write.",
)
@click.option("--force", is_flag=True, help="Replace FILE.xlsx if it exists.")
@handle_errors
def export_cmd(
    agreement: str | None, scenario: str | None,
    assignments: tuple[str, ...],
    population: Path | None,
    landsbygd: Path | None,
    output: Path,
    force: bool,
) -> None:
    """Write the allocation as an Excel workbook with the agreement's Swedish headings.

    Sheets: Översikt, one per table of the agreement (its bilagor), its budget table when it has
    one, Per invånare (chart), Delbelopp, Parametrar, Underlag, Avstämning. A scenario that is not
    the agreement as signed says so in every sheet's title. Amounts are numbers; totals are live
    formulas that carry their values. The file is written atomically; an existing file is
    replaced only with --force.
    """
    if output.suffix.lower() != ".xlsx":
        fail(f"{output}: the output must be an .xlsx file")
    alloc = allocate(scenario, overrides_from(assignments), population=population, landsbygd=landsbygd,
                     agreement=agreement)

    from ..excel import ExportError, export_workbook, sheet_names

    with writing(output):
        try:
            export_workbook(alloc, output, force=force)
        except ExportError as exc:
            fail(str(exc))
    sheets = sheet_names(alloc.agreement)
    click.echo(f"wrote {output} ({len(sheets)} sheets: {', '.join(sheets)})")
