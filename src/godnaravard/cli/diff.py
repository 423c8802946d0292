"""``godnaravard diff A [B]``: two scenarios per region and column, and the difference."""

from __future__ import annotations

from pathlib import Path

import click

from .common import agreement_option, fail, handle_errors, overrides_from, writing

__all__ = ["diff_cmd"]

_COLUMNS = ("nara_vard", "landsbygd", "ambulans", "regioner_totalt", "kommuner")


@click.command("diff")
@click.argument("a", metavar="A")
@click.argument("b", metavar="[B]", required=False)
@agreement_option
@click.option("--set", "assignments", metavar="KEY=VALUE", multiple=True,
              help="Change a parameter of B, e.g. --set ambulans.grundbelopp=1000000 (repeatable).")
@click.option("--population", type=click.Path(path_type=Path), default=None,
              help="Population and HSL insatser file for B (columns as data/population_2023.csv).")
@click.option("--landsbygd", type=click.Path(path_type=Path), default=None,
              help="Rural key for B, per region or per kommun.")
@click.option("--column", "columns", multiple=True, type=click.Choice(_COLUMNS),
              help="Compare only this column (repeatable; default: all five).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True,
              help="table: for reading; csv: one row per region and column, totals last; json: everything.")
@click.option("--plot", "plot", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="FILE.png", help="Also draw B − A per region into this file (.png, .svg or .pdf).")
@click.option("--force", is_flag=True, help="Replace the --plot file if it exists.")
@handle_errors
def diff_cmd(a: str, b: str | None, agreement: str | None, assignments: tuple[str, ...], population: Path | None,
             landsbygd: Path | None, columns: tuple[str, ...], fmt: str, plot: Path | None,
             force: bool) -> None:
    """Compare scenario A with scenario B, per region and column, in kronor, percent and per inhabitant.

    A and B are scenario files or the name of a shipped scenario (2024). B defaults to A;
    --set, --population and --landsbygd change B. So

        godnaravard diff 2024 --set ambulans.grundbelopp=1000000

    shows what doubling the ambulance base amount would change for every region. Differences are
    B − A; percentages are relative to A; kronor per inhabitant use each side's own population.
    """
    from ..api import allocate, resolve_scenario
    from ..comparison import comparison_csv, comparison_json, comparison_tables, diff, save_plot

    alloc_a = allocate(a, agreement=agreement)
    scenario_b = resolve_scenario(a if b is None else b, overrides_from(assignments), population, landsbygd,
                                  agreement=agreement)
    alloc_b = alloc_a if scenario_b is alloc_a.scenario else allocate(scenario_b)
    cmp = diff(alloc_a, alloc_b, columns or None)

    if plot is not None:
        with writing(plot):
            try:
                save_plot(cmp, plot, force=force)
            except ValueError as exc:
                fail(str(exc))

    if fmt == "csv":
        click.echo(comparison_csv(cmp), nl=False)
    elif fmt == "json":
        click.echo(comparison_json(cmp), nl=False)
    else:
        from rich.console import Console

        console = Console()
        if not console.is_terminal:  # piped or redirected: no terminal to fit, keep the rows on one line
            console = Console(width=max(console.width, 100))
        for renderable in comparison_tables(cmp):
            console.print(renderable)
    if plot is not None:
        click.echo(f"plot written to {plot}", err=True)
