"""Per invånare: every amount column of the agreement's overview in kronor per inhabitant, with a chart.

The figures are formulas on the table sheets that hold the amounts (the same rows), so a change
there moves them; an amount no table sheet shows is written as a number. The native bar chart
stacks the budget lines of the overview, which never overlap.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

from .cells import FIRST, HEADER_ROW, Sheet, ref
from .context import Context, per_capita_columns, population_column, scenario_name, text_columns

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

    from .tables import TableLayout

__all__ = ["write_per_capita"]

_COLOURS = ("#4F81BD", "#C0504D", "#9BBB59", "#8064A2", "#4BACC6", "#F79646")


def _source(layouts: Mapping[str, TableLayout], column: str) -> tuple[str, int] | None:
    """The first table sheet that shows ``column``, and the column's place on it."""
    for lay in layouts.values():
        if column in lay.positions:
            return lay.sheet, lay.positions[column]
    return None


def _per(amount: int, population: int) -> float:
    return float(Fraction(amount, population)) if population else 0.0


def write_per_capita(s: Sheet, ctx: Context, wb: Workbook, layouts: Mapping[str, TableLayout]) -> None:
    """Kronor per inhabitant per recipient and for the whole country, as formulas, and a chart."""
    ag = ctx.agreement
    res = ctx.result
    pop = population_column(ag)
    assert pop is not None
    columns = per_capita_columns(ag)
    names = text_columns(ag)
    try:
        shown = [c for c in ag.table("overview").columns if c in names]
    except KeyError:
        shown = []
    name_col = shown[0] if shown else (names[-1] if names else next(c.name for c in ag.rules.columns
                                                                      if c.kind == "code"))
    labels = [ag.label(c) for c in columns]
    s.title(
        ctx.title(f"{ag.title}: kronor per invånare"),
        ctx.note("Beräknat med formler på tabellbladen. Kronor per invånare är avrundade för visning."),
    )
    s.header(
        HEADER_ROW,
        [ag.label(name_col), ag.label(pop), *(f"{label}, kronor per invånare" for label in labels)],
        numeric=range(1, 2 + len(columns)),
    )
    rows = res.rows
    last = FIRST + len(rows) - 1
    total_row = last + 1
    totals = res.totals()
    pop_source = _source(layouts, pop)
    sources = [_source(layouts, c) for c in columns]

    def write_row(row: int, population: int, amounts: list[int], bold: bool) -> None:
        fmt = s.f.total_per_capita if bold else s.f.per_capita
        if pop_source is not None:
            s.formula(row, 1, f"={ref(row, pop_source[1], sheet=pop_source[0])}", population,
                      s.f.total_amount if bold else s.f.count)
        elif bold:
            s.total(row, 1, FIRST, last, population)
        else:
            s.number(row, 1, population, s.f.count)
        pop_ref = ref(row, 1)
        for j, (amount, source) in enumerate(zip(amounts, sources, strict=True)):
            value = _per(amount, population)
            if source is None:
                s.number(row, 2 + j, value, fmt)
            else:
                cell = ref(row, source[1], sheet=source[0])
                s.formula(row, 2 + j, f"=IF({pop_ref}>0,{cell}/{pop_ref},0)", value, fmt)

    for i, r in enumerate(rows):
        row = FIRST + i
        s.text(row, 0, str(r[name_col]))
        write_row(row, int(r[pop]), [int(r[c]) for c in columns], bold=False)
    s.text(total_row, 0, "Riket", s.f.total_label)
    write_row(total_row, totals[pop], [totals[c] for c in columns], bold=True)
    s.ws.freeze_panes(FIRST, 1)

    stacked = [j for j, c in enumerate(columns) if ag.rules.column(c).kind == "line"] or [0]
    sheet = s.name
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    for n, j in enumerate(stacked):
        chart.add_series(
            {
                "name": [sheet, HEADER_ROW, 2 + j],
                "categories": [sheet, FIRST, 0, last, 0],
                "values": [sheet, FIRST, 2 + j, last, 2 + j],
                "fill": {"color": _COLOURS[n % len(_COLOURS)]},
                "gap": 60,
            }
        )
    title = "Kronor per invånare: " + " + ".join(labels[j] for j in stacked)
    if not ctx.baseline:
        title += f" (scenario: {scenario_name(ctx.scenario)})"
    chart.set_title({"name": title})
    chart.set_x_axis({"num_format": "#,##0", "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": max(360, 24 * len(rows) + 60)})
    s.ws.insert_chart(HEADER_ROW, 3 + len(columns), chart)
