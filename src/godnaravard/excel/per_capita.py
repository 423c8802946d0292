"""Per invånare: every amount column of the agreement's overview in kronor per inhabitant, with charts.

The figures are formulas on the table sheets that hold the amounts (the same rows), or on the
live model (``model``) for a column no table sheet shows, so a change of a parameter moves them.
Below the table, one native chart per column: kronor per inhabitant per recipient, with the
national average as a line (a column of its own each, so that no budget line is a sliver of
another's bar). A scenario's sheet adds the change per recipient against the agreement as signed,
a table and a chart for every column the scenario changes (columns that change alike share one).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from ..lan import LAN
from .cells import FIRST, HEADER_ROW, Sheet, cell_text, check_cell, ref
from .context import Context, per_capita_columns, population_column, text_columns
from .printing import excel_pixels

if TYPE_CHECKING:
    from xlsxwriter.chart import Chart
    from xlsxwriter.workbook import Workbook

    from ..core import Row
    from .model import Model
    from .tables import TableLayout

__all__ = ["chart_text", "write_per_capita"]

_BAR = "#4F81BD"
_LINE = "#C0504D"
_UP, _DOWN = "#2B6CB0", "#C05621"
#: Chart height in pixels (a row is 20 pixels); two charts stand side by side.
_CHART_PX = 280
_ROWS = math.ceil(_CHART_PX / 20) + 1


def _source(layouts: Mapping[str, TableLayout], column: str) -> tuple[str, int] | None:
    """The first table sheet that shows ``column``, and the column's place on it."""
    for lay in layouts.values():
        if column in lay.positions:
            return lay.sheet, lay.positions[column]
    return None


def _per(amount: int, population: int) -> float:
    return float(Fraction(amount, population)) if population else 0.0


def _baseline_rows(ctx: Context) -> list[Row] | None:
    """The agreement as signed, recipient by recipient, when a scenario has the same recipients (else None)."""
    if ctx.baseline:
        return None
    from ..api import allocate

    try:
        signed = allocate(agreement=ctx.agreement)
    except Exception:  # noqa: BLE001 - the agreement's own allocation is only for comparison
        return None
    code = ctx.agreement.rules.recipient_column("code")
    codes = [r[code] for r in ctx.result.rows]
    if [r[code] for r in signed.rows] != codes:
        return None
    return [dict(r) for r in signed.rows]


def total_word(ctx: Context) -> str:
    """What the total row of every recipient is called: "Riket" when they are the 21 regions or
    län, else "Totalt" (a kommun agreement, or some of the regions)."""
    codes = {r.code for r in ctx.result.inputs.recipients}
    return "Riket" if ctx.agreement.rules.recipient != "kommun" and codes == set(LAN) else "Totalt"


def _chart_width(s: Sheet) -> int:
    """The table's width in pixels (at least 720), so that a chart spans it."""
    widths = s.column_widths()
    return max(sum(excel_pixels(widths.get(c, 8.43)) for c in range(s.last_col + 1)), 720)


def _cover_width(s: Sheet, pixels: int) -> None:
    """Widen the printed area (with default-width columns) until it covers ``pixels``."""
    widths = s.column_widths()
    col, covered = 0, 0.0
    while covered < pixels:
        covered += excel_pixels(widths.get(col, 8.43))
        col += 1
    s.last_col = max(s.last_col, col - 1)


def write_per_capita(s: Sheet, ctx: Context, wb: Workbook, layouts: Mapping[str, TableLayout], m: Model) -> None:
    """Kronor per inhabitant per recipient and for the whole country, as formulas, and charts."""
    ag = ctx.agreement
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
        ctx.note("Beräknat med formler på tabellbladen. Kronor per invånare är avrundade för visning. Diagrammen "
                 "visar varje kolumn för sig, med riksgenomsnittet som linje."),
    )
    s.header(
        HEADER_ROW,
        [ag.label(name_col), ag.label(pop), *(f"{label}, kronor per invånare" for label in labels)],
        numeric=range(1, 2 + len(columns)),
    )
    sources = [_source(layouts, c) for c in columns]
    total_row = _per_capita_table(s, ctx, m, columns, sources, name_col, pop)
    width = _chart_width(s)
    _cover_width(s, width)
    short = names[0] if names else name_col
    row, categories = _charts(s, ctx, wb, columns, short, total_row, width)
    signed = _baseline_rows(ctx)
    if signed is not None:
        _changes(s, ctx, wb, m, sources, columns, signed, row, width, categories)


def _per_capita_table(
    s: Sheet, ctx: Context, m: Model, columns: Sequence[str], sources: list[tuple[str, int] | None], name_col: str,
    pop: str,
) -> int:
    """The table: each recipient's population and kronor per inhabitant per column, then Riket; its last row."""
    res = ctx.result
    rows = res.rows
    n = len(rows)
    last = FIRST + n - 1
    total_row = last + 1
    totals = res.totals()
    for i, r in enumerate(rows):
        row = FIRST + i
        s.text(row, 0, str(r[name_col]))
        population = int(r[pop])
        s.formula(row, 1, f"={m.input_cell(pop, i)}", population, s.f.count)
        for j, (column, source) in enumerate(zip(columns, sources, strict=True)):
            cell = ref(row, source[1], sheet=source[0]) if source else f"({m.amount_expr(column, i)})"
            s.formula(row, 2 + j, f"=IF({ref(row, 1)}>0,{cell}/{ref(row, 1)},0)", _per(int(r[column]), population),
                      s.f.per_capita)
    s.text(total_row, 0, total_word(ctx), s.f.total_label)
    s.total(total_row, 1, FIRST, last, totals[pop])
    for j, column in enumerate(columns):
        src = sources[j]
        total = (f"SUM({ref(FIRST, src[1], sheet=src[0])}:{ref(last, src[1])})" if src
                 else "+".join(f"({m.amount_expr(column, i)})" for i in range(n)))
        s.formula(total_row, 2 + j, f"=IF({ref(total_row, 1)}>0,({total})/{ref(total_row, 1)},0)",
                  _per(totals[column], totals[pop]), s.f.total_per_capita)
    s.block(HEADER_ROW, total_row)
    s.repeat = (HEADER_ROW, total_row)
    s.ws.freeze_panes(FIRST, 1)
    s.width(0, 26)
    for j in range(len(columns)):
        s.width(2 + j, 16)
    return total_row


def _charts(
    s: Sheet, ctx: Context, wb: Workbook, columns: Sequence[str], short: str, total_row: int, width: int
) -> tuple[int, list[object]]:
    """One bar chart per column with the national average as a line, two to a row below the table;
    the row below them and the charts' categories (the recipients' short names)."""
    ag = ctx.agreement
    rows = ctx.result.rows
    totals = ctx.result.totals()
    pop = population_column(ag)
    assert pop is not None
    labels = [ag.label(c) for c in columns]
    last = FIRST + len(rows) - 1
    # Outside the printed area: the recipients' short names (the charts' categories) and the
    # national average, one column per chart.
    names_col = s.last_col + 2
    helper = names_col + 1
    check_cell(s.name, FIRST + len(rows), helper + len(labels))  # the helper columns lie inside the grid
    s.ws.write_string(HEADER_ROW, names_col, cell_text(ag.label(short)), s.f.header)
    for i, r in enumerate(rows):
        s.ws.write_string(FIRST + i, names_col, cell_text(str(r[short])), s.f.text)
    sheet = s.name
    categories: list[object] = [sheet, FIRST, names_col, last, names_col]
    row = total_row + 2
    for j, label in enumerate(labels):
        col = helper + j
        s.ws.write_string(HEADER_ROW, col, cell_text(f"{total_word(ctx)}: {label}, kronor per invånare"), s.f.header)
        value = _per(totals[columns[j]], totals[pop])
        for i in range(len(rows)):
            s.ws.write_formula(FIRST + i, col, f"={ref(total_row, 2 + j, abs_row=True)}", s.f.per_capita, value)
        chart = wb.add_chart({"type": "column"})
        chart.add_series({
            "name": chart_text(label),
            "categories": categories,
            "values": [sheet, FIRST, 2 + j, last, 2 + j],
            "fill": {"color": _BAR},
            "gap": 40,
        })
        line = wb.add_chart({"type": "line"})
        line.add_series({
            "name": f"{total_word(ctx)} (genomsnitt)",
            "categories": categories,
            "values": [sheet, FIRST, col, last, col],
            "line": {"color": _LINE, "width": 2.25},
            "marker": {"type": "none"},
        })
        chart.combine(line)
        _style(chart, f"{label}: kronor per invånare" + ("" if ctx.baseline else " (scenario)"))
        chart.set_y_axis(_value_axis([0.0]))
        _place(s, chart, row + (j // 2) * _ROWS, j % 2, width)
    row += math.ceil(len(labels) / 2) * _ROWS
    s.ws.set_column(names_col, helper + len(labels) - 1, 16)
    return row, categories


def _value_axis(values: list[float]) -> dict[str, object]:
    """The value axis of a chart: from zero (never from near the smallest bar), or to zero where all are below."""
    axis: dict[str, object] = {"num_format": "#,##0", "major_gridlines": {"visible": True}, "num_font": {"size": 9}}
    if all(v <= 0 for v in values) and any(v < 0 for v in values):
        axis["max"] = 0
    elif all(v >= 0 for v in values):
        axis["min"] = 0
    return axis


def _place(s: Sheet, chart: Chart, row: int, side: int, width: int) -> None:
    """A chart at ``row``, in the left or right half (``side``) of the table's width: one block for printing."""
    half = width // 2
    chart.set_size({"width": half - 6, "height": _CHART_PX})
    s.ws.insert_chart(row, 0, chart, {"x_offset": side * half + 2, "y_offset": 2})
    if side == 0:
        s.chart(row, _CHART_PX * 0.75 + 15)  # and the offset: never across a page break


def chart_text(text: str) -> str:
    """A chart's title or series name as text (issue 17, §1): xlsxwriter reads a name like ``Blad!A1`` as a
    reference, so a zero-width space after each ``!`` keeps a label of the definition the text it is."""
    return text.replace("!", "!\u200b")


def _key(diffs: dict[tuple[int, ...], list[str]], column: str) -> tuple[int, ...]:
    """The differences a column shares with the columns that change alike."""
    return next(k for k, v in diffs.items() if v[0] == column)


def _style(chart: Chart, title: str) -> None:
    chart.set_title({"name": chart_text(title), "name_font": {"size": 11, "bold": True}})
    chart.set_x_axis({"num_font": {"rotation": -45, "size": 9}, "interval_unit": 1})
    chart.set_legend({"position": "bottom", "font": {"size": 9}})


def _changes(s: Sheet, ctx: Context, wb: Workbook, m: Model, sources: list[tuple[str, int] | None],
             columns: tuple[str, ...], signed: list[Row], row: int, width: int,
             categories: list[object]) -> None:
    """A scenario's change per recipient against the agreement as signed: a table, and a chart per column."""
    ag = ctx.agreement
    res = ctx.result
    rows = res.rows
    n = len(rows)
    names = text_columns(ag)
    name_col = names[-1] if names else "lan_code"
    diffs: dict[tuple[int, ...], list[str]] = {}
    for c in columns:
        values = tuple(int(r[c]) - int(b[c]) for r, b in zip(rows, signed, strict=True))
        if any(values):
            diffs.setdefault(values, []).append(c)
    if not diffs:
        return
    shown = [cols[0] for cols in diffs.values()]
    first = row
    s.text(row, 0, f"Förändring mot överenskommelsen, per {ag.rules.recipient} (kronor)", s.f.label, grow=False)
    head = row + 1
    s.header(head, [ag.label(name_col), *(f"Förändring: {' = '.join(ag.label(x) for x in diffs[_key(diffs, c)])} "
                                          "(kronor)" for c in shown)],
             numeric=range(1, 1 + len(shown)))
    top = head + 1
    for i, (r, b) in enumerate(zip(rows, signed, strict=True)):
        s.text(top + i, 0, str(r[name_col]))
        for j, c in enumerate(shown):
            src = sources[columns.index(c)]
            cell = ref(FIRST + i, src[1], sheet=src[0]) if src else f"({m.amount_expr(c, i)})"
            s.formula(top + i, 1 + j, f"={cell}-{int(b[c])}", int(r[c]) - int(b[c]))
    end = top + n
    s.text(end, 0, total_word(ctx), s.f.total_label)
    for j, c in enumerate(shown):
        s.total(end, 1 + j, top, end - 1, sum(int(r[c]) - int(b[c]) for r, b in zip(rows, signed, strict=True)))
    s.block(first, end)
    row = end + 2
    sheet = s.name
    for j, c in enumerate(shown):
        same = diffs[_key(diffs, c)]
        label = " = ".join(ag.label(x) for x in same)
        chart = wb.add_chart({"type": "column"})
        chart.add_series({
            "name": chart_text(f"Förändring: {ag.label(c)}"),
            "categories": categories,
            "values": [sheet, top, 1 + j, end - 1, 1 + j],
            "fill": {"color": _UP},
            "invert_if_negative": True,
            "invert_if_negative_color": _DOWN,
            "gap": 40,
        })
        _style(chart, f"Förändring mot överenskommelsen: {label} (kronor, scenario)")
        changes = [float(int(r[c]) - int(b[c])) for r, b in zip(rows, signed, strict=True)]
        chart.set_y_axis(_value_axis(changes))
        chart.set_legend({"none": True})
        chart.set_x_axis({"num_font": {"rotation": -45, "size": 9}, "interval_unit": 1, "label_position": "low"})
        _place(s, chart, row + (j // 2) * _ROWS, j % 2, width)
