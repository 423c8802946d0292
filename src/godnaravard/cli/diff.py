"""``godnaravard diff A [B]``: two scenarios or agreements per recipient and column, and the difference."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import (
    agreement_option,
    csv_only,
    data_options,
    fail,
    handle_errors,
    overrides_from,
    own_data,
    sep_option,
    writing,
)

if TYPE_CHECKING:
    from ..comparison import Comparison

__all__ = ["diff_cmd"]

#: What --output writes, by the file's extension.
_OUTPUTS = (".xlsx", ".csv")


def _check_output(output: Path | None, force: bool, fmt: str) -> None:
    """Usage errors of --output before any work: its extension, a --format it contradicts, and an
    existing file without --force."""
    if output is None:
        return
    suffix = output.suffix.lower()
    if suffix not in _OUTPUTS:
        fail(f"{output}: unknown output format; the file name must end in .xlsx or .csv")
    if fmt not in ("table", suffix.lstrip(".")):
        fail(f"--format {fmt} does not go with --output {output} (the file's name says what is written)")
    if output.exists() and not force:
        fail(f"{output} already exists; use --force to replace it (the file was left unchanged)")


def _write_output(cmp: Comparison, output: Path, sep: str, force: bool) -> None:
    """``--output``: the comparison as a workbook or as CSV, atomically; one line says what was written."""
    if output.suffix.lower() == ".csv":
        from ..atomic import atomic_write_text
        from ..comparison_render import comparison_csv

        with writing(output):
            atomic_write_text(output, comparison_csv(cmp, sep), force=force)
    else:
        from ..comparison_workbook import DIFF_SHEET, write_comparison_workbook
        from ..excel import ExportError

        with writing(output):
            try:
                write_comparison_workbook(cmp, output, force=force)
            except ExportError as exc:
                fail(f"{output}: {exc} (nothing was written)")
        click.echo(f"wrote {output} (sheet {DIFF_SHEET}: {len(cmp.to_records(totals=True))} rows)")
        return
    click.echo(f"wrote {output}")


@click.command("diff")
@click.argument("a", metavar="A")
@click.argument("b", metavar="[B]", required=False)
@agreement_option
@click.option("--set", "assignments", metavar="KEY=VALUE", multiple=True,
              help="Change a parameter of B (repeatable), e.g. --set ambulans.grundbelopp=1000000. "
                   "`godnaravard parameters` lists every key with its value and source.")
@click.option("--population", type=click.Path(path_type=Path), default=None,
              help="Your own recipients file for B (population and the agreement's other counts), "
                   "its columns as in the agreement's own file: the agreement's recipients slot, whatever "
                   "it is named.")
@click.option("--landsbygd", type=click.Path(path_type=Path), default=None,
              help="Rural key for B, per region or per kommun: the agreement's rural-key slot, whatever it "
                   "is named (agreements with a rural key).")
@data_options
@click.option("--column", "columns", metavar="COLUMN", multiple=True,
              help="Compare only this amount column (repeatable; default: the amount columns of A's "
                   "overview table that B has too). A=B compares column A of A with column B of B; "
                   "'totalt' is every budget line together (always shown between two agreements). "
                   "An unknown name lists the valid ones.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True,
              help="table: for reading; csv: one row per recipient and column, totals last; json: everything.")
@sep_option
@click.option("--output", "-o", "output", metavar="FILE", type=click.Path(path_type=Path, dir_okay=False),
              default=None,
              help="Write the comparison to FILE instead of printing it: FILE.xlsx a workbook (kronor as "
                   "numbers), FILE.csv the CSV of --format csv (with --sep); atomically.")
@click.option("--plot", "plot", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="FILE.png", help="Also draw B − A per recipient into this file (.png, .svg or .pdf).")
@click.option("--force", is_flag=True, help="Replace the --output or --plot file if it exists.")
@handle_errors
def diff_cmd(a: str, b: str | None, agreement: str | None, assignments: tuple[str, ...], population: Path | None,
             landsbygd: Path | None, data: tuple[str, ...], data_dates: tuple[str, ...], columns: tuple[str, ...],
             fmt: str, sep: str, output: Path | None, plot: Path | None, force: bool) -> None:
    """Compare scenario A with scenario B, per recipient and column, in kronor, percent and per inhabitant.

    A and B are scenario files, or an agreement (its name, alias or folder: the agreement as
    signed). They may apply two agreements, e.g. this year's and next year's: recipients are
    matched by code, columns by name (or --column A=B), and the total over every budget line is
    always compared. B defaults to A; --set, --population, --landsbygd, --data and --data-date change B. So

        godnaravard diff NAME --set KEY=VALUE

    shows what one changed parameter of the agreement NAME would change for every recipient.
    Differences are B − A; percentages are relative to A; kronor per inhabitant use each side's
    own population. With --output FILE.xlsx the rows of --format csv go to a workbook.
    """
    _check_output(output, force, fmt)
    csv_only(sep, output.suffix.lower() == ".csv" if output is not None else fmt == "csv")
    from ..api import allocate, resolve_scenario
    from ..comparison import diff, resolve_side

    scenario_a = resolve_side(a, agreement)
    alloc_a = allocate(scenario_a)
    base_b = scenario_a if b is None else resolve_side(b, agreement, alloc_a.agreement)
    scenario_b = resolve_scenario(base_b, overrides_from(assignments), population, landsbygd,
                                  **own_data(data, data_dates))
    alloc_b = alloc_a if scenario_b is scenario_a else allocate(scenario_b)
    cmp = diff(alloc_a, alloc_b, columns or None)  # an unknown column: InputError, exit 2

    if plot is not None:
        from ..comparison_render import save_plot

        try:
            import matplotlib  # noqa: F401
        except ImportError:
            fail("--plot needs matplotlib, an extra of the lean install: pip install 'godnaravard[plot]'")
        with writing(plot):
            try:
                save_plot(cmp, plot, force=force)
            except ValueError as exc:
                fail(str(exc))

    if output is not None:
        _write_output(cmp, output, sep, force)
    elif fmt == "csv":
        from ..comparison_render import comparison_csv

        click.echo(comparison_csv(cmp, sep), nl=False)
    elif fmt == "json":
        from ..comparison_render import comparison_json

        click.echo(comparison_json(cmp), nl=False)
    else:
        from ..comparison_render import comparison_tables
        from ..render import console

        out = console()
        for renderable in comparison_tables(cmp, width=out.width):
            out.print(renderable)
    if plot is not None:
        click.echo(f"plot written to {plot}", err=True)
