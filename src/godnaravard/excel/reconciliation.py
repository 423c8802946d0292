"""Avstämning: the reconciliation of ``godnaravard check`` (``check.reconcile``), in Swedish.

Nothing is compared or computed here: every figure, every verdict and every explanation comes
from the ``check.Reconciliation`` of the allocation, so the sheet and ``godnaravard check`` can
never disagree. Only the layout is the sheet's own: each deviating cell is explained in Swedish
by ``deviation.swedish`` from the structured reason ``check`` exposes (``CellCheck.why``: the
parts behind the cell, their exact shares, remainders, ranks and balancing kronor, the rounding
rules that would give the published amount, the component column a total differs with), the
same reason ``check`` writes in English, never by translating ``check``'s English.

The sheet: a summary, each amount column's sum against its budget line, the totals the agreement
states, every row of its budget table where it publishes one, input counts that differ from the
published ones, how many published amounts each rounding rule reproduces, and last every published
amount (a table's Totalt column too) against the computed one, one line each, under one heading
that printing repeats on every page; why a cell differs is a short word in its row and, where
it is the rounding, a numbered note below the blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ..check import CellCheck, TotalCheck
from ..deviation import och, rule_name, swedish
from .cells import FIRST, OK, Sheet, range_ref, ref
from .context import SIGNED, Context, code_label

if TYPE_CHECKING:
    from ..agreements import Agreement
    from ..check import Reconciliation
    from .model import Model
    from .tables import TableLayout

__all__ = ["CHECK_HEADER_ROW", "explanation", "rule_name", "write_reconciliation"]

#: 0-based row of the column headings of the first table under the summary (the column sums).
CHECK_HEADER_ROW = 14

#: Rows from the last row of one table to the label of the next (one empty row between them).
_GAP = 2

#: Why a total cannot be derived (``TotalCheck.issue``), in Swedish.
_ISSUES = {
    "no_rule": "Överenskommelsens definition har ingen regel för denna total.",
    "no_item": "Ingen budgetpost i definitionen hör till denna rad.",
    "no_further_item": "Ingen ytterligare budgetpost i definitionen har denna mottagare.",
    "unreadable_rows": "Antalet rader som delsumman omfattar kan inte läsas ur anmärkningen ”{note}”.",
}

#: The verdict when no published amount was compared (no official table, or no row of it matched).
NOTHING_COMPARED = "inget att jämföra"

#: The budget tables ``check`` audits (``TotalCheck.table``), with what each row is compared with.
_BUDGET_TABLES = {
    "by_chapter": ("per kapitel", "Kapitel", "varje kapitelrad mot summan av kapitlets budgetposter"),
    "by_recipient": ("per mottagare", "Mottagare",
                     "varje rad mot sin budgetpost, varje delsumma mot raderna den summerar"),
}


# --------------------------------------------------------------------------------------------
# Wording


def explanation(rec: Reconciliation, cell: CellCheck) -> str:
    """Why a published amount differs from the computed one, in Swedish ("" when it does not).

    Written from the structured reason of ``cell`` (``CellCheck.why``) by ``deviation.swedish``,
    the same reason ``check`` writes its English from.
    """
    why = cell.why
    if why is None or rec.agreement is None:
        return ""
    return swedish(why, rec.agreement, rec.column_label)


def short_reason(rec: Reconciliation, cell: CellCheck, note: int) -> str:
    """A deviating cell's reason in a few words for its row: changed figures, or the note that explains it."""
    data = cell.cause == "data" or (cell.cause == "sum" and any(abs(c.deviation) > rec.tolerance
                                                                 for c in cell.components))
    if data:
        return "andra parametrar/indata"
    return f"avrundning, se not {note}"


def _issue(t: TotalCheck) -> str:
    return _ISSUES[t.issue].format(note=t.note) if t.issue else ""


def _rule_description(used: bool, once: bool) -> str:
    if once:
        return "kolumnens summa på en gång"
    return "varje del för sig" + (" (verktygets)" if used else "")


def _count(n: int, total: int) -> str:
    return f"{n} av {total}"


def _tables_of(ag: Agreement, column: str) -> str:
    labels = [t.label for t in ag.tables if column in t.columns and t.name != "overview"]
    return ", ".join(labels)


# --------------------------------------------------------------------------------------------
# The sheet


def _summary(s: Sheet, rec: Reconciliation, deviations: list[str], adjusted: list[tuple[int, int]]) -> None:
    """The summary at the top (from row 4): one figure a line in column E, a comment in column F.

    ``deviations`` are the ranges of the deviation columns of the cell-by-cell blocks; the counts
    over them are live. ``adjusted``: the rows of the cells the signed tables adjust by hand, and the
    kronor, for the count of cells equal to the signed tables while the workbook is as signed.
    """
    cells = rec.cells
    worst = rec.worst
    stated, rows = rec.stated, rec.budget_rows
    exact = "+".join(f"COUNTIF({d},0)" for d in deviations) or "0"
    within = "+".join(f'COUNTIFS({d},">=-{rec.tolerance}",{d},"<={rec.tolerance}")' for d in deviations) or "0"
    lines: list[tuple[str, Callable[[int], None], str]] = [
        ("Jämförda belopp", lambda r: s.number(r, 4, len(cells), s.f.count), ""),
        ("Exakt lika", lambda r: s.formula(r, 4, f"={exact}", rec.exact, s.f.count), ""),
        (f"Inom {rec.tolerance} kr", lambda r: s.formula(r, 4, f"={within}", rec.within_tolerance, s.f.count), ""),
    ]
    if rec.has_adjustments:
        fixed = "+".join(f"(({ref(r, 4)}-{ref(r, 5)})={k})-({ref(r, 5)}={ref(r, 4)})" for r, k in adjusted) or "0"
        as_signed = rec.signed_exact if rec.signed_exact is not None else rec.exact
        lines.append((
            "Lika med tabellerna som undertecknade",
            lambda r: s.formula(r, 4, f"={exact}+IF({SIGNED},{fixed},0)", as_signed, s.f.count),
            "med tabellernas handjustering, medan arbetsboken är som undertecknad",
        ))
    lines += [
        (
            "Största avvikelse (kronor)",
            lambda r: s.number(r, 4, worst.deviation if worst else 0, s.f.count),
            f"{rec.cell_label(worst.bilaga, worst.column)}, {worst.code} {worst.name}" if worst else "",
        ),
        ("Kolumnsummor lika med budgetraden", lambda r: _yes_no(s, r, rec.sums_ok), ""),
        (
            "Angivna totaler som följer av posterna",
            lambda r: s.text(r, 4, _count(sum(t.ok for t in stated), len(stated)), s.f.right, grow=False),
            "",
        ),
    ]
    if rows:
        lines.append((
            "Budgettabellens rader som följer av posterna",
            lambda r: s.text(r, 4, _count(sum(t.ok for t in rows), len(rows)), s.f.right, grow=False),
            "",
        ))
    if rec.inputs:
        lines.append(("Indata som skiljer sig från tabellerna",
                      lambda r: s.number(r, 4, len(rec.inputs), s.f.bad_amount), "se tabellen nedan"))
    others = rec.sums_ok and all(t.ok for t in rec.totals) and not rec.inputs
    verdict = (f'=IF(AND(({within})={len(cells)},{"TRUE" if others else "FALSE"}),"{OK}","avvikelser")')
    shown = OK if rec.ok else "avvikelser"
    if rec.nothing_compared:  # no published amount to compare: neither a match nor a deviation (check exits 1)
        verdict, shown = f'="{NOTHING_COMPARED}"', NOTHING_COMPARED
    lines.append((
        "Resultat",
        lambda r: _verdict(s, r, verdict, shown),
        f"Stämmer när alla belopp ligger inom {rec.tolerance} kr och allt annat ovan stämmer.",
    ))
    for i, (label, write, comment) in enumerate(lines):
        row = 3 + i
        s.text(row, 0, label, s.f.label, grow=False)
        write(row)
        if comment:
            s.merged(row, 5, 8, comment)
    s.block(3, 3 + len(lines) - 1)


def _verdict(s: Sheet, row: int, formula: str, value: str) -> None:
    """The summary's verdict: a formula over the live counts, green while it says ``stämmer``, else red."""
    s.formula(row, 4, formula, value, s.f.right, grow=False)
    cell = ref(row, 4)
    s.ws.conditional_format(row, 4, row, 4, {"type": "formula", "criteria": f'={cell}="{OK}"', "format": s.f.ok})
    s.ws.conditional_format(row, 4, row, 4, {"type": "formula", "criteria": f'={cell}<>"{OK}"', "format": s.f.bad})


def _yes_no(s: Sheet, row: int, ok: bool) -> None:
    s.text(row, 4, "ja" if ok else "nej", s.f.right if ok else s.f.bad, grow=False)


def _deviation(s: Sheet, row: int, formula: str, value: int) -> None:
    """A deviation in kronor: a live formula, red when it is not zero."""
    s.formula(row, 6, formula, value, s.f.count)
    s.ws.conditional_format(row, 6, row, 6, {"type": "cell", "criteria": "!=", "value": 0,
                                             "format": s.f.bad_amount})


def _computed(rec: Reconciliation, cell: CellCheck, where: Mapping[tuple[str, str], tuple[str, int]],
              rows: Mapping[str, int]) -> str | None:
    """The computed cell on its table sheet (a reference), or None where no sheet shows it."""
    found = where.get((cell.bilaga, cell.column))
    if found is None or cell.code not in rows:
        return None
    sheet, col = found
    shown = ref(rows[cell.code], col, sheet=sheet)
    # The table sheet shows the signed table's adjustment while the parameters are as signed; the
    # reconciliation compares the rule's figure, as ``check`` does.
    adjustment = rec_adjustment(rec, cell)
    return f"={shown}-IF({SIGNED},{adjustment},0)" if adjustment else f"={shown}"


def rec_adjustment(rec: Reconciliation, cell: CellCheck) -> int:
    """The kronor the signed table's adjustment adds to a cell's figure as signed (0 where none)."""
    return _adjusted(rec.agreement, cell.column, cell.code) if rec.agreement is not None else 0


def _adjusted(ag: Agreement, column: str, code: str) -> int:
    """What the agreement's adjustments add to ``column`` for ``code``: a line's, a part's, a sum's columns'."""
    spec = ag.rules.column(column)
    if spec.kind == "sum":
        return sum(_adjusted(ag, c, code) for c in spec.ref)
    kronor = 0
    for a in ag.rules.adjustments:
        if (spec.kind == "line" and a.line == column) or (spec.kind == "part" and (a.line, a.part) == tuple(spec.ref)):
            kronor += a.kronor.get(code, 0)
    return kronor


def _notes(rec: Reconciliation) -> dict[int, tuple[str, str]]:
    """The cells whose deviation the rounding explains, by index in ``rec.cells``: the short reason for
    the row (``… se not N``) and the numbered note."""
    notes: dict[int, tuple[str, str]] = {}
    order = _order(rec)
    for i in order:
        c = rec.cells[i]
        if not c.deviation:
            continue
        n = sum(1 for reason, _ in notes.values() if "not" in reason) + 1
        reason = short_reason(rec, c, n)
        note = (f"Not {n} ({c.bilaga}, {rec.column_label(c.column)}, {c.code} {c.name}): {explanation(rec, c)}"
                if reason.endswith(f"not {n}") else "")
        notes[i] = (reason, note)
    return notes


def _order(rec: Reconciliation) -> list[int]:
    """The cells' indices in the order the sheet shows them: by table and column, as first seen."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, c in enumerate(rec.cells):
        groups.setdefault((c.bilaga, c.column), []).append(i)
    return [i for idx in groups.values() for i in idx]


def _write_notes(s: Sheet, notes: Mapping[int, tuple[str, str]], row: int) -> int:
    """The numbered notes on the deviations the rounding explains (none: nothing is written)."""
    texts = [note for _, note in notes.values() if note]
    if not texts:
        return row
    row += _GAP
    first = row
    s.text(row, 0, "Förklaringar till avvikelserna (noterna i kolumnen Förklaring nedan)", s.f.label, grow=False)
    for text in texts:
        row += 1
        s.merged(row, 0, 8, text)
    s.block(first, first + 1)
    return row


def _cells(s: Sheet, rec: Reconciliation, ag: Agreement, where: Mapping[tuple[str, str], tuple[str, int]],
           rows: Mapping[str, int], row: int, notes: Mapping[int, tuple[str, str]]
           ) -> tuple[int, list[str], list[tuple[int, int]]]:
    """Every published amount against the computed one, from ``row``: one table under one heading (which
    printing repeats on every page it runs onto), by table and column (their sums are the column sums
    above); every row one line: a deviation the rounding explains refers to its numbered note (``_notes``).

    Returns the last row written, the ranges of the deviation columns and the rows the signed tables adjust.
    """
    groups: dict[tuple[str, str], list[int]] = {}
    adjusted: list[tuple[int, int]] = []
    for i in _order(rec):
        c = rec.cells[i]
        groups.setdefault((c.bilaga, c.column), []).append(i)
    s.text(row, 0, "Belopp för belopp: varje publicerat belopp mot det beräknade, per tabell och kolumn", s.f.label,
           grow=False)
    head = row + 1
    s.header(head, ["Tabell", "Kolumn", code_label(ag), "Namn", "Officiellt (kronor)", "Beräknat (kronor)",
                    "Avvikelse (kronor)", "Exakt belopp (kronor)", "Förklaring"], numeric=range(4, 8))
    s.block(row, head + 1)
    deviations = []
    top = head + 1
    for indices in groups.values():
        cells = [rec.cells[i] for i in indices]
        for k, (i, c) in enumerate(zip(indices, cells, strict=True)):
            r = top + k
            s.text(r, 0, c.bilaga)
            s.text(r, 1, rec.column_label(c.column))
            s.text(r, 2, c.code)
            s.text(r, 3, c.name)
            s.number(r, 4, c.official)
            live = _computed(rec, c, where, rows)
            if live:
                s.formula(r, 5, live, c.computed)
            else:
                s.number(r, 5, c.computed)
            _deviation(s, r, f"={ref(r, 5)}-{ref(r, 4)}", c.deviation)
            s.number(r, 7, float(c.exact), s.f.exact)
            if i in notes:
                s.text(r, 8, notes[i][0])
            if rec_adjustment(rec, c):
                adjusted.append((r, rec_adjustment(rec, c)))
        end = top + len(cells)
        deviations.append(range_ref(top, end - 1, 6, absolute=True))
        top = end
    s.repeat = (head, top - 1)
    return top - 1, deviations, adjusted


def _column_sums(s: Sheet, rec: Reconciliation, ag: Agreement, row: int) -> int:
    first = row
    s.text(row, 0, "Kolumnsummor mot budgetraderna", s.f.label, grow=False)
    row += 1
    s.header(row, ["Tabell", "Kolumn", "", "", "Summa (kronor)", "Budgetrad (kronor)",
                   "Differens (kronor)"], numeric=[4, 5, 6])
    for name, (total, budget) in rec.column_sums.items():
        row += 1
        s.text(row, 0, _tables_of(ag, name), s.f.wrap, grow=False)
        s.merged(row, 1, 3, rec.column_label(name))
        s.number(row, 4, total)
        s.number(row, 5, budget)
        _deviation(s, row, f"={ref(row, 4)}-{ref(row, 5)}", total - budget)
    s.block(first, row)
    return row


def _total_header(s: Sheet, row: int, first: str, what: str) -> None:
    """The headings of a table of audited totals: the statement spans columns B–D."""
    s.header(row, [first, what, "", "", "Angivet (kronor)", "Härlett (kronor)", "Differens (kronor)", "Stämmer",
                   "Förklaring"], numeric=[4, 5, 6])
    s.ws.merge_range(row, 1, row, 3, what, s.f.header)


def _total_row(s: Sheet, row: int, t: TotalCheck, first: str | int, statement: str, note: str = "") -> None:
    """One audited total: where it is printed, the statement, stated, derived, difference, ja/nej, why."""
    if isinstance(first, int):
        s.number(row, 0, first, s.f.count)
    else:
        s.text(row, 0, first, s.f.wrap, grow=False)
    s.merged(row, 1, 3, statement)
    s.text(row, 7, "ja" if t.ok else "nej", s.f.ok if t.ok else s.f.bad)
    s.number(row, 4, t.stated)
    if t.issue:
        s.text(row, 5, "kan inte härledas", s.f.bad, grow=False)
    else:
        s.number(row, 5, t.derived)
        _deviation(s, row, f"={ref(row, 5)}-{ref(row, 4)}", t.derived - t.stated)
    text = " ".join(x for x in (_issue(t), note) if x)
    if text:
        s.text(row, 8, text, s.f.wrap, grow=False)


def _stated(s: Sheet, rec: Reconciliation, row: int) -> int:
    first = row
    s.text(row, 0, "Angivna totaler: överenskommelsens egna summor mot posterna", s.f.label, grow=False)
    row += 1
    if not rec.stated:
        s.text(row, 0, "Överenskommelsens definition anger inga totaler att stämma av.", grow=False)
        s.block(first, row)
        return row
    _total_header(s, row, "Avsnitt", "Påstående")
    for t in rec.stated:
        row += 1
        _total_row(s, row, t, t.section, t.statement)
    s.block(first, row)
    return row


def _budget_rows(s: Sheet, rec: Reconciliation, ag: Agreement, row: int) -> int:
    """Every audited row of the agreement's budget table(s), in the order the table prints them."""
    title = ag.budget_title or "Budgettabellen"
    for table, (per, what, compared) in _BUDGET_TABLES.items():
        rows = sorted((t for t in rec.budget_rows if t.table == table), key=lambda t: t.row)
        if not rows:
            continue
        row += _GAP
        first = row
        s.text(row, 0, f"{title}, {per}: {compared}", s.f.label, grow=False)
        row += 1
        _total_header(s, row, "Rad i tabellen", f"{what}: post")
        for t in rows:
            row += 1
            second = t.chapter if table == "by_chapter" else t.recipient
            note = ""
            if t.subtotal_of:
                rader = "raden" if t.subtotal_of == 1 else f"{t.subtotal_of} rader"
                note = f"Delsumma: {rader} under."
            _total_row(s, row, t, t.row, f"{second}: {t.item}" if second else t.item, note)
        s.block(first, row)
    return row


def _inputs(s: Sheet, rec: Reconciliation, ag: Agreement, row: int) -> int:
    """Recipients and counts of the input data that differ from what the published tables print."""
    row += _GAP
    first = row
    s.text(row, 0, "Indata som skiljer sig från överenskommelsens tabeller", s.f.label, grow=False)
    row += 1
    s.header(row, ["Tabell", "Kolumn", code_label(ag), "Namn", "Publicerat", "Indata", "Differens", "",
                   "Förklaring"], numeric=[4, 5, 6])
    for d in rec.inputs:
        if d.kind == "count":
            for value, tables in d.official:
                row += 1
                s.text(row, 0, ", ".join(tables))
                s.text(row, 1, rec.column_label(d.column))
                s.text(row, 2, d.code)
                s.text(row, 3, d.name)
                s.number(row, 4, value, s.f.count)
                s.number(row, 5, d.value, s.f.count)
                s.formula(row, 6, f"={ref(row, 5)}-{ref(row, 4)}", d.value - value, s.f.bad_amount)
            continue
        row += 1
        s.text(row, 2, d.code)
        s.text(row, 3, d.name)
        where = ("finns i överenskommelsens tabeller men inte i indata" if d.kind == "not_in_input"
                 else "finns i indata men inte i överenskommelsens tabeller")
        s.text(row, 8, f"Mottagaren {where}.", s.f.wrap, grow=False)
    s.block(first, row)
    return row


def _rules(s: Sheet, rec: Reconciliation, row: int) -> int:
    """How many published amounts each rounding rule reproduces, per compared column."""
    row += _GAP
    first = row
    s.text(row, 0, "Avrundningsregler: antal belopp lika med överenskommelsens tabeller", s.f.label, grow=False)
    row += 1
    columns = rec.compared_columns
    n = len(columns)
    s.header(row, ["Regel", "Beskrivning", *(rec.column_title(c) for c in columns), "Totalt"],
             numeric=range(2, 3 + n))
    row += 1
    s.text(row, 0, "Jämförda belopp", s.f.label, grow=False)
    for j, col in enumerate(columns):
        s.number(row, 2 + j, sum(c.column == col for c in rec.cells), s.f.count)
    s.formula(row, 2 + n, f"=SUM({ref(row, 2)}:{ref(row, 1 + n)})", len(rec.cells), s.f.count)
    for score in rec.rules:
        row += 1
        s.text(row, 0, rule_name(score.rule), grow=False)
        s.text(row, 1, _rule_description(score.used, score.once), s.f.wrap, grow=False)
        for j, col in enumerate(columns):
            s.number(row, 2 + j, score.exact_by_column.get(col, 0), s.f.count)
        s.formula(row, 2 + n, f"=SUM({ref(row, 2)}:{ref(row, 1 + n)})", score.exact, s.f.count)
    n_cells = len(rec.cells)
    complete = [r for r in rec.rules if r.exact == n_cells]
    row += 1
    if any(r.used for r in complete):
        verdict = f"Verktygets regel återger alla {n_cells} beloppen."
    elif complete:
        names = och([f"{rule_name(r.rule)} ({_rule_description(r.used, r.once)})" for r in complete])
        verdict = f"Verktygets regel återger inte alla {n_cells} beloppen; det gör {names}."
    else:
        best = max((r.exact for r in rec.rules), default=0)
        verdict = f"Ingen av de jämförda reglerna återger alla {n_cells} beloppen (bäst: {best})."
    s.merged(row, 0, 8, verdict)
    s.block(first, row)
    return row


def write_reconciliation(s: Sheet, ctx: Context, layouts: Mapping[str, TableLayout], m: Model) -> None:
    """Avstämning: the summary, every published cell (by table and column), column sums, stated totals,
    the budget table, inputs and rounding rules, all from ``ctx.reconciliation`` (``check.reconcile``).

    Every table on the sheet keeps its kronor in columns E–G and its explanations in column I; each
    is a block of its own, with its own headings, printed on one page where it fits. The computed
    amounts are references to the table sheets, so they follow a change of a parameter.
    """
    ag = ctx.agreement
    rec = ctx.reconciliation
    compared = list(rec.cells_by_table)
    if rec.budget_rows:
        compared.append(ag.budget_title or "budgettabellen")
    tables = ", ".join(compared) or "inga publicerade tabeller"
    if ctx.baseline:
        note = "Överenskommelsens egna parametrar och data jämförs med dess publicerade tabeller."
    else:
        note = ("Detta är inte den överenskomna fördelningen, men den jämförs ändå med överenskommelsens "
                "publicerade tabeller: avvikelser visar ändringarnas verkan, inte fel. Det som måste gälla "
                "är att varje kolumn summerar exakt till sin budgetrad.")
    if not rec.cells:
        note += " Överenskommelsens definition anger ingen publicerad tabell: inga belopp jämförs, bara " \
                "kolumnsummorna och de angivna totalerna."
    if ag.rules.adjustments:
        note += (" Beräknat är regelns belopp, som i verktygets kontroll: tabellbladen visar de undertecknade "
                 "tabellernas handjusterade belopp så länge arbetsboken är som undertecknad.")
    note += (" Beräknat är en formel på tabellbladet, och resultatet följer de levande räkningarna; förklaringarna och "
             "räkningarna i sammanfattningen som inte "
             "är formler gäller arbetsboken som den skrevs.")
    s.title(ctx.title(f"Avstämning mot överenskommelsens tabeller ({tables})"), ctx.note(note))
    where = {(lay.table.label, column): (lay.sheet, col) for lay in layouts.values()
             for column, col in lay.positions.items()}
    rows = {code: FIRST + i for i, code in enumerate(m.codes)}
    row = _column_sums(s, rec, ag, CHECK_HEADER_ROW - 1)
    notes = _notes(rec)
    if rec.cells:
        row = _rules(s, rec, row)
    row = _write_notes(s, notes, row)
    row = _budget_rows(s, rec, ag, row)
    row = _stated(s, rec, row + _GAP)
    if rec.inputs:
        row = _inputs(s, rec, ag, row)
    _, deviations, adjusted = _cells(s, rec, ag, where, rows, row + _GAP, notes)
    _summary(s, rec, deviations, adjusted)
    s.width(0, 10)
    s.width(8, 25)
