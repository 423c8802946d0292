"""Underlag: the inputs per recipient (every count of the data file, the rural key if any) and their sources.

The sheet is also an input file: ``--population FILE.xlsx#Underlag`` and ``--landsbygd
FILE.xlsx#Underlag`` read it back. Its headings are therefore chosen so that the input reader
(``godnaravard.inputs.HEADINGS``) recognises each of them as its column: the agreement's heading
where the reader knows it, else the reader's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..inputs import HEADINGS, canonical_column
from .cells import FIRST, HEADER_ROW, Sheet
from .context import Context, rural_label, shipped_path

if TYPE_CHECKING:
    from ..agreements import Agreement
    from ..core import Result
    from ..rural_layout import RuralLayout

__all__ = ["KOMMUN_TEXTS", "STATUS", "TEXTS", "heading_for", "input_columns", "rural_headings", "texts_of", "write_inputs"]

#: The recipients' text columns on the sheet, in order.
TEXTS = ("lan_code", "lan", "region")
#: The text columns of the sheet when the recipients are kommuner (the kommun file's: issue 17 §3).
KOMMUN_TEXTS = ("kommun_code", "kommun")

#: The rural key's status, as the input reader accepts it.
STATUS = {True: "kategorier kända", False: "endast viktad summa"}


def rural_headings(layout: RuralLayout) -> dict[str, str]:
    """The rural key's columns as its definition declares them (issue 17 §3), each with a heading the
    input reader reads back as it (``inputs.rural_key.headings``): categories, weighted sum, status."""
    out = {layout.columns[c]: f"Landsbygd: {layout.label(c)} (invånare)" for c in layout.categories}
    if layout.weighted_sum:
        out[layout.weighted_sum] = "Viktad summa (referensvikter)"
    if layout.status:
        out[layout.status.column] = "Landsbygdsnyckel: status"
    return out


def _layout(ag: Agreement) -> RuralLayout:
    data = ag.landsbygd
    assert data is not None and data.rural is not None
    return data.rural


def heading_for(column: str, label: str, expected: Sequence[str]) -> str:
    """A heading for ``column`` that reads back as it: ``label`` if it does, else the reader's own."""
    if canonical_column(label, expected) == column:
        return label
    for heading in HEADINGS.get(column, ()):
        text = heading.removesuffix("…")
        text = text[:1].upper() + text[1:]
        if canonical_column(text, expected) == column:
            return text
    return column


def _source_lines(ctx: Context, name: str) -> list[tuple[str, str]]:
    """Where one input came from: the user's file, or the agreement's data file and its provenance."""
    from ..own_data import own_date

    d = ctx.agreement.data[name]
    own = ctx.scenario.own_files().get(name)
    if own is not None:
        return [
            ("Fil", str(own)),
            ("Fullständig sökväg", str(Path(own).resolve())),
            ("Datum", own_date(ctx.scenario, name) or "ej angivet"),
            ("Källa", "egen fil angiven av användaren (--data, --population/--landsbygd eller scenariots [data]); "
                      f"ersätter överenskommelsens fil {d.path.name}"),
        ]
    rel = shipped_path(d.path)
    return [("Fil", f"data/{rel} (levereras med verktyget)" if rel else str(d.path)),
            ("Beteckning", d.label), ("Datum", d.date.isoformat()), ("Källa", d.source)]


def has_rural(ag: Agreement, res: Result) -> bool:
    """True when the sheet shows a rural key: the agreement has one and the inputs carry it."""
    return ag.landsbygd is not None and ag.landsbygd.rural is not None and bool(res.inputs.rural_key)


def texts_of(ag: Agreement) -> tuple[str, ...]:
    """The text columns of the sheet, as the recipients file of the agreement has them, so that the
    sheet reads back as that file: ``lan_code, lan, region``, or ``kommun_code, kommun``."""
    return KOMMUN_TEXTS if ag.rules.recipient == "kommun" else TEXTS


def input_columns(ag: Agreement, res: Result) -> dict[str, int]:
    """Where each input column stands on the sheet (0-based): texts, counts, then the rural key."""
    names = [*texts_of(ag), *ag.count_columns]
    if has_rural(ag, res):
        names += list(rural_headings(_layout(ag)))
    return {name: i for i, name in enumerate(names)}


def _validate(s: Sheet, first: int, last: int, first_col: int, last_col: int) -> None:
    """Every count is a whole number ≥ 0 (issue 16): a Swedish input message, and a refusal otherwise."""
    if last_col < first_col:
        return
    s.ws.data_validation(first, first_col, last, last_col, {
        "validate": "integer",
        "criteria": ">=",
        "value": 0,
        "input_title": "Antal",
        "input_message": "Ett heltal, 0 eller större (antal invånare eller individer).",
        "error_title": "Ogiltigt antal",
        "error_message": "Skriv ett heltal som är 0 eller större.",
        "error_type": "stop",
    })


def write_inputs(s: Sheet, ctx: Context) -> None:
    """The recipients with every count, the rural key when the agreement has one, and the sources."""
    ag = ctx.agreement
    res = ctx.result
    rules = ag.rules
    counts = ag.count_columns
    rural = has_rural(ag, res)
    texts = texts_of(ag)
    layout = _layout(ag) if rural else None
    rural_columns = rural_headings(layout) if layout is not None else {}
    measured = len(rural_columns) - (1 if layout is not None and layout.status else 0)
    expected = (*texts, *counts, *rural_columns)
    labels = {c.name: c.label for c in rules.columns}
    columns = [*texts, *counts]
    headings = [heading_for(c, labels.get(c, ""), expected) for c in columns]
    note = ""
    if layout is not None:
        headings += list(rural_columns.values())
        if res.inputs.reference_weights:
            ref = " / ".join(str(x) for x in res.inputs.reference_weights.values())
            shown = " / ".join(layout.label(c) for c in res.inputs.reference_weights)
            note = f"{rural_label(ctx.agreement)}: den viktade summan avser referensvikterna {ref} ({shown})."
    s.title(ctx.title(f"Underlag: indata per {rules.recipient} med källor"), ctx.note(note))
    s.header(HEADER_ROW, headings, numeric=range(len(texts), len(texts) + len(counts) + measured))
    regions = res.inputs.recipients
    keys = {k.code: k for k in res.inputs.rural_key}
    last = FIRST + len(regions) - 1
    for i, r in enumerate(regions):
        row = FIRST + i
        for j, c in enumerate(texts):
            s.text(row, j, r.text(c))
        for j, c in enumerate(counts, start=len(texts)):
            s.number(row, j, r.count(c), s.f.count)
        if layout is not None:
            key = keys[r.code]
            col = len(texts) + len(counts)
            values = [key.inhabitants_of(c) for c in layout.categories]
            values += [key.weighted_sum] if layout.weighted_sum else []
            for j, value in enumerate(values):
                if value is not None:
                    s.number(row, col + j, value, s.f.count)
            if layout.status:
                s.text(row, col + measured, STATUS[key.categories_known], s.f.wrap, grow=False)
    _validate(s, FIRST, last, len(texts), len(texts) + len(counts) + measured - 1)
    total_row = last + 1
    s.text(total_row, 0, "Totalt", s.f.total_label)
    for j, c in enumerate(counts, start=len(texts)):
        s.total(total_row, j, FIRST, last, sum(r.count(c) for r in regions))
    s.block(HEADER_ROW, total_row)
    s.repeat = (HEADER_ROW, total_row)
    table_last = s.last_col
    row = total_row + 2
    names = [n for n, d in ag.data.items() if d.kind != "rural_key" or rural or n in ctx.scenario.own_files()]
    for name in names:
        first = row
        s.text(row, 0, f"Källa: {ag.data[name].title}", s.f.label, grow=False)
        for label, where in _source_lines(ctx, name):
            row += 1
            s.text(row, 1, label, grow=False)
            s.merged(row, 2, max(table_last, 3), where)
        s.block(first, row)
        row += 2
    for col, width in enumerate((8, 15, 25, *([13] * len(counts)), *([11, 11, 11, 12, 20] if rural else []))):
        s.width(col, width)
    s.ws.freeze_panes(FIRST, len(texts) - 1)
