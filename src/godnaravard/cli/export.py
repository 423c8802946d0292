"""``godnaravard export``: the allocation as an Excel workbook, with the agreement's own tables and headings."""

from __future__ import annotations

from pathlib import Path

import click

from ..api import allocate
from .common import fail, handle_errors, overrides_from, own_data, scenario_options, writing

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
@click.option("--name", metavar="TEXT", default=None,
              help="What the scenario is called in the workbook (default: the scenario file's name, or the "
                   "changes in words). Ignored for the agreement as signed.")
@handle_errors
def export_cmd(
    agreement: str | None, scenario: str | None,
    assignments: tuple[str, ...],
    population: Path | None,
    landsbygd: Path | None,
    data: tuple[str, ...],
    data_dates: tuple[str, ...],
    output: Path,
    force: bool,
    name: str | None,
) -> None:
    """Write the allocation as an Excel workbook with the agreement's Swedish headings.

    Sheets: Översikt, one per table of the agreement (its bilagor), its budget table when it has
    one, Per invånare (charts), Delbelopp, Parametrar, Underlag, Avstämning. A scenario that is not
    the agreement as signed says so in every sheet's title and page header ("Scenario: NAME – inte
    den överenskomna fördelningen"). The workbook is a live model: every amount is a formula over
    the parameters (sheet Parametrar) that carries the tool's value, so changing a parameter in
    Excel or LibreOffice recomputes it. The file is written atomically; an existing file is
    replaced only with --force.
    """
    if output.suffix.lower() != ".xlsx":
        fail(f"{output}: the output must be an .xlsx file")
    alloc = allocate(scenario, overrides_from(assignments), population=population, landsbygd=landsbygd,
                     agreement=agreement, **own_data(data, data_dates))

    from ..excel import ExportError, export_workbook, sheet_names

    with writing(output):
        try:
            export_workbook(alloc, output, force=force, name=(name or "").strip() or None)
        except ExportError as exc:
            fail(str(exc))
    sheets = sheet_names(alloc.agreement)
    from ..terminal import terminal_text

    click.echo(terminal_text(f"wrote {output} ({len(sheets)} sheets: {', '.join(sheets)})"))
