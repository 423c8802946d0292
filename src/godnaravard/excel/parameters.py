"""Parametrar: every parameter of the agreement, each value a defined name that the live model reads.

One row per parameter: its key (the only place a key appears), label, value (a yellow input cell
with data validation, named after the key: ``ambulans.grundbelopp`` → ``ambulans_grundbelopp``), unit, the
exact fraction the model reads it as, the agreement's own value, whether it differs from it, a
check of the value, and its source. Below, every check of the model in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from functools import partial
from typing import TYPE_CHECKING

from .cells import (
    FIRST,
    HEADER_ROW,
    MAX_EXACT_KRONOR,
    OK,
    ExportError,
    Sheet,
    display,
    formula_text,
    quote_sheet,
    range_ref,
    ref,
)
from .context import AS_SIGNED, CHANGED, SIGNED, STATUS, Context, rural_label
from .model import DECIMALS, Model, denominator
from .names import define, renamed_note

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

    from ..core import Inputs, RuralKey

__all__ = ["COLUMNS", "check_cells", "checks_range", "checks_top", "write_parameters"]

#: The columns of the sheet, in order.
COLUMNS = ("Nyckel", "Parameter", "Värde", "Enhet", "Exakt värde", "Överenskommelsens värde", "Ändrad", "Kontroll",
           "Källa")
_KEY, _LABEL, _VALUE, _UNIT, _EXACT, _AGREED, _CHANGED, _CHECK, _SOURCE = range(len(COLUMNS))


def _exact_formula(x: str, d: int) -> str:
    """The fraction a share or weight is read as (``1/2``), from its six-decimal numerator over ``d``."""
    n = f"ROUND({x}*{d},0)"
    g = f"GCD({n},{d})"
    return f'=IFERROR(IF(ISNUMBER({x}),({n}/{g})&IF({d}/{g}=1,"","/"&({d}/{g})),""),"")'


def _check_formula(kind: str, x: str, d: int) -> str:
    if kind == "amount":
        return (f'=IF(IFERROR(AND(ISNUMBER({x}),{x}>=0,{x}=INT({x}),{x}<={MAX_EXACT_KRONOR}),FALSE),"{OK}",'
                '"fel: ett belopp i hela kronor, 0 eller mer")')
    within = f"{x}<=1" if kind == "share" else "TRUE"
    what = "en andel mellan 0 och 1" if kind == "share" else "en vikt, 0 eller mer"
    return (f'=IF(IFERROR(AND(ISNUMBER({x}),{x}>=0,{within}),FALSE),IF(ABS({x}*{d}-ROUND({x}*{d},0))<1E-6,"{OK}",'
            f'"fel: fler än {DECIMALS} decimaler, läses avrundat (se Exakt värde)"),"fel: {what}")')


#: What an input cell accepts, by kind of parameter (xlsxwriter's data validation), and says when selected.
_VALIDATION: dict[str, dict[str, object]] = {
    "amount": {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": MAX_EXACT_KRONOR,
               "input_title": "Belopp i hela kronor",
               "input_message": "Skriv ett belopp i hela kronor, 0 eller mer. Arbetsboken räknar om varje belopp.",
               "error_title": "Inte ett belopp",
               "error_message": "Ett belopp i hela kronor, 0 eller mer, utan decimaler."},
    "share": {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
              "input_title": "Andel mellan 0 och 1",
              "input_message": f"Skriv en andel mellan 0 och 1, med högst {DECIMALS} decimaler (0,5 eller =1/2). "
                               "Fler decimaler läses avrundat och markeras med rött i kolumnen Kontroll.",
              "error_title": "Inte en andel",
              "error_message": "En andel mellan 0 och 1 (0,5 eller =1/2)."},
    "weight": {"validate": "decimal", "criteria": ">=", "value": 0,
               "input_title": "Vikt, 0 eller mer",
               "input_message": f"Skriv en vikt, 0 eller mer, med högst {DECIMALS} decimaler. Fler decimaler läses "
                                "avrundat och markeras med rött i kolumnen Kontroll.",
               "error_title": "Inte en vikt",
               "error_message": "En vikt, 0 eller mer."},
}


def validation(kind: str) -> dict[str, object]:
    """The data validation of an input cell of ``kind`` (amount, share, weight), with its Swedish messages."""
    return dict(_VALIDATION.get(kind, _VALIDATION["weight"]))


def signed_condition(kind: str, x: str, d: int, signed: int | Fraction) -> str:
    """A formula condition: the value in ``x``, as the model reads it, equals the signed value ``signed``.

    An amount is read as it stands; a share or weight as ``ROUND(x · d) / d`` (``model``), which
    equals ``n / m`` exactly when ``ROUND(x · d) · m = n · d``, a comparison of integers.
    """
    if kind == "amount":
        return f"IFERROR({x}={int(signed)},FALSE)"
    f = Fraction(signed)
    return f"IFERROR(ROUND({x}*{d},0)*{f.denominator}={f.numerator * d},FALSE)"


def _status_formula(labels: list[tuple[str, str]], data_cell: str, data_words: str) -> str:
    """The status text: ``AS_SIGNED`` while ``SIGNED`` holds, else ``CHANGED`` and what differs.

    ``labels`` pairs each parameter's "changed" cell with its label's cell (no text of a definition
    goes into a formula); ``data_cell`` is TRUE while the data are the agreement's, else the text
    names them with ``data_words``.
    """
    pieces = [f'IF({cell}="ja","; "&{label},"")' for cell, label in labels]
    pieces.append(f'IF({data_cell},"","; "&{formula_text(data_words)})')
    return (f'=IF({SIGNED},{formula_text(AS_SIGNED)},{formula_text(CHANGED)}&'
            f'MID({"&".join(pieces)},3,{_LIST_ROOM}))')


#: How many parameter rows go with the status and checks onto their page.
_TAIL = 6

#: The number format of a condition cell: TRUE (1) reads "ja", FALSE (0) "nej".
YES_NO = '"ja";"ja";"nej"'

#: Room enough for every label in the status text (MID's length).
_LIST_ROOM = 4000


def write_parameters(s: Sheet, ctx: Context, wb: Workbook, m: Model) -> None:
    """One row per parameter (its value a defined name), then the model's checks."""
    ag = ctx.agreement
    sc = ctx.scenario
    base = ag.parameters
    changes = sc.changes()
    values = sc.parameters.as_dict()
    example = m.name(next(iter(values)))
    s.title(
        ctx.title("Parametrar"),
        ctx.note(
            "Ändra ett värde i den gula kolumnen Värde, så räknar arbetsboken om varje belopp, total och diagram. "
            f"Belopp i hela kronor; andelar och vikter läses med {DECIMALS} decimaler (kolumnen Exakt värde visar "
            "bråket som används, och Kontroll markerar ett värde med fler decimaler med rött). Nyckel är "
            "parameterns namn i verktyget; värdets cell har samma namn med understreck i stället för punkter "
            f"({example}), för egna formler." + renamed_note(m.defined)
        ),
    )
    s.header(HEADER_ROW, list(COLUMNS), numeric=[_VALUE, _AGREED])
    sheet = quote_sheet(s.name)
    conditions: list[str] = []
    changed_cells: list[tuple[str, str]] = []
    for i, (key, value) in enumerate(values.items()):
        row = FIRST + i
        kind = sc.parameters.kind(key)
        info = ag.parameter_info.get(key)
        d = denominator(value) if kind != "amount" else 1
        x = ref(row, _VALUE)
        s.text(row, _KEY, key, s.f.wrap, grow=False)
        s.text(row, _LABEL, info.label if info else key, s.f.wrap, grow=False)
        entry = {"amount": s.f.input_amount, "share": s.f.input_share}.get(kind, s.f.input_weight)
        shown = {"amount": s.f.amount, "share": s.f.pct}.get(kind, s.f.weight)
        s.number(row, _VALUE, display(value), entry)
        s.ws.data_validation(row, _VALUE, row, _VALUE, validation(kind))
        define(wb, m.name(key), f"={sheet}!{ref(row, _VALUE, abs_row=True, abs_col=True)}")
        s.text(row, _UNIT, info.unit if info else "")
        if kind != "amount":
            s.formula(row, _EXACT, _exact_formula(x, d), str(Fraction(value)), s.f.right)
        s.number(row, _AGREED, display(base[key]), shown)
        signed = signed_condition(kind, x, d, base[key])
        conditions.append(signed)
        changed_cells.append((ref(row, _CHANGED), ref(row, _LABEL)))
        s.formula(row, _CHANGED, f'=IF(NOT({signed}),"ja","")', "ja" if key in changes else "", s.f.text, grow=False)
        s.check(row, _CHECK, _check_formula(kind, x, d), OK)
        s.text(row, _SOURCE, ctx.source(key), s.f.wrap, grow=False)
        assert m.param_rows[key] == row, key
    last = FIRST + len(values) - 1
    s.ws.conditional_format(FIRST, _CHANGED, last, _CHANGED, {
        "type": "cell", "criteria": "==", "value": '"ja"', "format": s.f.bad})
    s.block(HEADER_ROW, FIRST)  # the headings never alone at the foot of a page
    s.repeat = (HEADER_ROW, last)
    for col, width in zip(range(len(COLUMNS)), (34, 34, 14, 6, 8, 14, 7, 10, 60), strict=True):
        s.width(col, width)
    _status(s, ctx, wb, m, conditions, changed_cells, last + 2)
    assert checks_top(m) == last + 7
    end = _checks(s, ctx, m, last + 7)
    # The status and the model's checks print with the last parameters, never on a page of their own.
    s.block(max(FIRST + 1, last - _TAIL + 1), end)
    s.ws.freeze_panes(FIRST, 1)


def _signed_inputs(ctx: Context) -> Inputs:
    """The agreement's own data (the scenario's, unless it names files of its own)."""
    if not ctx.scenario.own_files():
        return ctx.result.inputs
    from ..scenario import baseline
    from ..scenario_inputs import read_inputs

    return read_inputs(baseline(ctx.agreement))[0]


def _inhabitants(key: RuralKey, category: str) -> int | None:
    return key.inhabitants_of(category)


def _weighted_sum(key: RuralKey) -> int | None:
    return key.weighted_sum


def _data_columns(ctx: Context, m: Model, inputs: Inputs) -> dict[str, list[int | None]]:
    """The numbers on Underlag the model reads, by column, in Underlag's order of recipients, from ``inputs``."""
    regions = {r.code: r for r in inputs.recipients}
    rural = {k.code: k for k in inputs.rural_key}
    layout = ctx.agreement.landsbygd.rural if ctx.agreement.landsbygd else None
    fields: dict[str, Callable[[RuralKey], int | None]] = {}
    if layout is not None:  # the rural key's columns as its definition declares them (issue 17 §3)
        for cat in layout.categories:
            fields[layout.columns[cat]] = partial(_inhabitants, category=cat)
        if layout.weighted_sum:
            fields[layout.weighted_sum] = _weighted_sum
    out: dict[str, list[int | None]] = {}
    for column in m.input_columns:
        if column in ctx.agreement.count_columns:
            out[column] = [regions[c].count(column) for c in m.codes]
        elif column in fields:
            out[column] = [fields[column](rural[c]) if c in rural else None for c in m.codes]
    return out


def data_condition(ctx: Context, m: Model) -> tuple[str, bool]:
    """A formula condition: every number on Underlag that the model reads is the agreement's own data;
    and whether it holds as exported.

    Each column is compared as text (``range&""``), so that a blank cell (a category the rural key
    does not give) must stay blank; the values are the tool's integers, never text of an input file.
    Own input files that are not the agreement's data (``Context.data_as_signed``) get FALSE.
    """
    if not ctx.data_as_signed():  # own files that differ (in numbers, names or recipients): never as signed
        return "FALSE", False
    signed = _signed_inputs(ctx)
    want = _data_columns(ctx, m, signed)
    tests = []
    for column, values in want.items():
        shown = ";".join(f'"{"" if v is None else int(v)}"' for v in values)
        tests.append(f'SUMPRODUCT(--({m.input_range(column)}&""<>{{{shown}}}))=0')
    holds = want == _data_columns(ctx, m, ctx.result.inputs)
    return "AND(" + ",".join(tests or ["TRUE"]) + ")", holds


def _status(s: Sheet, ctx: Context, wb: Workbook, m: Model, conditions: list[str],
            changed: list[tuple[str, str]], row: int) -> None:
    """The cells every title row reads (issue 16, item 5): whether the parameters and the data are the
    agreement's, both (the defined name ``SIGNED``), and the status text (``STATUS``).

    Own input files count as the agreement's data when their numbers are (``Allocation.as_signed``).
    """
    sheet = quote_sheet(s.name)
    own = bool(ctx.scenario.own_files())
    params_ok = not ctx.scenario.changes()
    data, data_ok = data_condition(ctx, m)
    if (params_ok and data_ok) != ctx.allocation.as_signed:
        raise ExportError("the workbook's test of the agreement as signed disagrees with the allocation's")
    data_words = "egna indata" if own else "indata på bladet Underlag"
    rows = (
        ("Parametrar som undertecknade", "Varje parameter har överenskommelsens värde",
         "AND(" + ",".join(conditions or ["TRUE"]) + ")", params_ok),
        ("Indata som undertecknade", "Varje tal på bladet Underlag är överenskommelsens", data, data_ok),
        ("Som undertecknad", "Båda: arbetsboken visar överenskommelsens fördelning",
         f"AND({ref(row, _EXACT)},{ref(row + 1, _EXACT)})", params_ok and data_ok),
    )
    yes_no = wb.add_format({"num_format": YES_NO, "valign": "top", "align": "right"})
    for i, (label, words, condition, value) in enumerate(rows):
        s.text(row + i, _KEY, label, s.f.label, grow=False)
        s.merged(row + i, _LABEL, _UNIT, words)
        # a boolean, shown ja / nej where the number format applies (LibreOffice), SANT / FALSKT in Excel
        s.ws.write_formula(row + i, _EXACT, "=" + condition, yes_no, value)
    define(wb, SIGNED, f"={sheet}!{ref(row + 2, _EXACT, abs_row=True, abs_col=True)}")
    status = row + 3
    s.text(status, _KEY, "Arbetsbokens status", s.f.label, grow=False)
    formula = _status_formula(changed, ref(row + 1, _EXACT), data_words)
    s.ws.merge_range(status, _LABEL, status, _SOURCE, "", s.f.text)
    s.formula(status, _LABEL, formula, ctx.status_text(), s.f.text, grow=False)
    define(wb, STATUS, f"={sheet}!{ref(status, _LABEL, abs_row=True, abs_col=True)}")


def check_cells(m: Model) -> list[tuple[str, str, str]]:
    """Every check cell of the model on Delbelopp: what it checks, where it is, what it says now."""
    c = m.cols
    out = [(f"Budgetrad: {ln.label or ln.name}", m.cell(m.line_rows[ln.name], c.adjustment, absolute=True), OK)
           for ln in m.agreement.rules.lines]
    if m.rural is not None:
        out.append((f"{rural_label(m.agreement)}: vikter", m.cell(m.rural.check_row, c.weight, absolute=True),
                    m.rural_check_value()))
    out += [(f"Del: {b.label}", m.cell(b.check_row, c.exact, absolute=True), OK) for b in m.blocks.values()]
    return out


def checks_top(m: Model) -> int:
    """The row of the heading over the model's checks on Parametrar (the checks follow it, in column Värde)."""
    return max(m.param_rows.values()) + 7


def checks_range(m: Model) -> str:
    """The cells on Parametrar that repeat every check of the model (``check_cells``), as one absolute range."""
    top = checks_top(m)
    return range_ref(top + 1, top + len(check_cells(m)), _VALUE, absolute=True, sheet=m.param_sheet)


def _checks(s: Sheet, ctx: Context, m: Model, row: int) -> int:
    """Every check of the model, as on Delbelopp: each says ``stämmer`` or what is wrong; returns the last row."""
    s.text(row, 0, "Kontroll av modellen (från bladet Delbelopp)", s.f.label, grow=False)
    for label, cell, value in check_cells(m):
        row += 1
        s.merged(row, _KEY, _LABEL, label)
        s.check(row, _VALUE, f"={cell}", value, span=_SOURCE - _VALUE)
    return row
