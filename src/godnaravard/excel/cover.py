"""Översikt: the agreement, the allocation shown (as agreed, or a scenario), inputs, provenance, contents.

A scenario's cover opens with a banner saying it is not the agreed allocation. Every cover says
that the workbook recomputes (a live model, see ``model``) and that the exact figures are the
tool's, counts the parameters changed in the file since it was written, and shows whether
every check of the model still holds.
"""

from __future__ import annotations

from .. import __version__
from ..core import ROUNDING_RULE
from .cells import OK, Sheet, formula_text, quote_sheet, range_ref, ref
from .context import NOT_AGREED, PARAMETERS, PARTS, RECONCILIATION, Context, shipped_path, value_text
from .model import Model
from .parameters import check_cells, checks_range
from .reconciliation import rule_name

__all__ = ["write_cover"]

_LAST = 3  # the cover's columns: a label, then its value over three columns
CHANGES = "Ändringar mot överenskommelsen"  # the line a scenario's table of changes follows


def _data_text(ctx: Context, name: str) -> str:
    """One data file on the cover: the user's own file, or the agreement's with its date and source."""
    if name in ctx.scenario.own_files():
        from ..own_data import own_file_text

        return own_file_text(ctx.scenario, name)
    d = ctx.agreement.data[name]
    rel = shipped_path(d.path)
    where = f"data/{rel}" if rel else str(d.path)
    return f"{d.label} ({d.date.isoformat()}), {where}. Källa: {d.source}"


def _changed_since_export(ctx: Context, m: Model) -> str:
    """A formula: how many parameters differ from the values the workbook was written with.

    One ``SUMPRODUCT`` over the column Värde of Parametrar against the values as exported, so that it
    grows by a value, not by a name, per parameter (issue 17: within Excel's 8 192 characters at the cap).
    """
    params = ctx.scenario.parameters
    values = params.as_dict()
    rows = [m.param_rows[k] for k in values]
    rng = range_ref(rows[0], rows[-1], m.param_value_col, absolute=True, sheet=m.param_sheet)
    exported = ";".join(str(int(v)) if params.kind(k) == "amount" else repr(float(v)) for k, v in values.items())
    return f"IFERROR(SUMPRODUCT(--(ABS({rng}-{{{exported}}})>1E-9)),{len(values)})"


def plural(n: int, one: str = "parameter", many: str = "parametrar") -> str:
    """``1 parameter``, ``2 parametrar``."""
    return f"{n} {one if n == 1 else many}"


def _money(s: Sheet, ctx: Context, m: Model, row: int) -> int:
    """The money of the agreement: each budget line's total (live, its parameter) and the grand total."""
    ag = ctx.agreement
    res = ctx.result
    first = row
    s.text(row, 0, "Medel", s.f.label, grow=False)
    s.header(row, ["Budgetrad", "Kronor"], col0=1, numeric=[2])
    for ln in ag.rules.lines:
        row += 1
        s.text(row, 1, ln.label or ln.name, s.f.wrap, grow=False)
        s.formula(row, 2, f"={m.name(ln.total)}", res.columns[ln.name].total, grow=False)
    row += 1
    s.text(row, 1, "Totalt", s.f.total_label, grow=False)
    s.total(row, 2, first + 1, row - 1, sum(res.columns[ln.name].total for ln in ag.rules.lines))
    s.block(first, row)
    return _below_table(s, row)


def _below_table(s: Sheet, last: int) -> int:
    """The row for the cover's next line after a table ending at ``last``: one thin empty row
    between them (a Totalt row's double rule would otherwise run through the next line's text)."""
    s.heights[last + 1] = 6.0
    return last + 2


def _reconciliation_text(ctx: Context) -> str:
    rec = ctx.reconciliation
    sums = "ja" if rec.sums_ok else "nej"
    if rec.cells:
        text = (
            f"{rec.exact} av {len(rec.cells)} belopp lika med överenskommelsens tabeller, "
            f"{rec.within_tolerance} inom {rec.tolerance} kr; alla kolumnsummor lika med budgetraderna: {sums}; "
        )
    else:
        text = f"Inga publicerade tabeller att jämföra med; alla kolumnsummor lika med budgetraderna: {sums}; "
    text += f"angivna totaler som följer av posterna: {sum(t.ok for t in rec.stated)} av {len(rec.stated)}"
    if rec.budget_rows:
        text += (f"; budgettabellens rader som följer av posterna: {sum(t.ok for t in rec.budget_rows)} av "
                 f"{len(rec.budget_rows)}")
    if rec.inputs:
        text += f"; indata som skiljer sig från tabellerna: {len(rec.inputs)}"
    return text + f"; se bladet {RECONCILIATION}."


def write_cover(s: Sheet, ctx: Context, m: Model) -> None:
    """Title, banner, agreement, signing, what is allocated and from which data, the live model, contents."""
    s.title(ctx.title(f"{ctx.agreement.title} – fördelning"), ctx.change_note())
    row = 2
    if not ctx.baseline:
        # The title's note names the scenario and its changes; the banner says what its amounts are.
        s.span(row, f"{NOT_AGREED[0].upper()}{NOT_AGREED[1:]}: beloppen visar vad ändringarna ger; "
                    "överenskommelsens egna belopp står i dess bilagor och på bladet Avstämning.", s.f.banner)
        row += 1
    # A live warning, empty until a parameter is changed in the file.
    # The count is one (hidden) cell beside the printed area, which the warning and the line "Ändrat i arbetsboken" read.
    s.ws.write_formula(row, _LAST + 2, "=" + _changed_since_export(ctx, m), s.f.count, 0)
    s.ws.set_column(_LAST + 2, _LAST + 2, None, None, {"hidden": True})
    count = ref(row, _LAST + 2, abs_row=True, abs_col=True)
    warning = ("Obs: parametrar har ändrats i arbetsboken efter export (se bladet Parametrar). Beloppen är "
               "arbetsbokens omräkning; varje blads rubrikrad säger vad som ändrats, men de övriga texterna "
               "beskriver exportens fördelning.")
    s.span(row, (f'=IF({count}>0,{formula_text(warning)},"")', ""), s.f.note)
    s.ws.conditional_format(row, 0, row, _LAST, {"type": "formula", "criteria": f"=LEN($A${row + 1})>0",
                                                 "format": s.f.bad})
    row += 1
    for label, value in _lines(ctx):
        s.text(row, 0, label, s.f.label_wrap, grow=False)
        s.merged(row, 1, _LAST, value)
        row += 1
        if label == "Avsnitt":  # the agreement's identity, then its money
            row = _money(s, ctx, m, row)
        if label == CHANGES:  # a scenario's changes, on the first page where the banner is
            row = _changes(s, ctx, row)
    row = _live(s, m, row, count)
    s.text(row, 0, "Skapad", s.f.label, grow=False)
    s.date(row, 1, ctx.created)
    row += 1
    s.text(row, 0, "Verktyg", s.f.label, grow=False)
    s.text(row, 1, f"godnaravard {__version__}", grow=False)
    _contents(s, ctx, row)


def _lines(ctx: Context) -> list[tuple[str, str]]:
    """The cover's labelled lines: the agreement, the allocation shown (scenario or agreed), the data,
    the notes, the rounding rule, the reconciliation in brief and what the workbook recomputes."""
    ag = ctx.agreement
    sc = ctx.scenario
    changes = sc.changes()
    lines: list[tuple[str, str]] = [("Överenskommelse", ag.full_title)]
    if ag.signed:
        lines.append(("Undertecknad", ag.signed_text))
    lines += [("Parter", ", ".join(ag.parties)), ("Dokument", ag.document), ("Avsnitt", ag.sections)]
    if ag.description:
        lines.append(("Beskrivning", ag.description))
    if ctx.baseline:
        lines.append(("Fördelning", "Enligt överenskommelsen: dess egna parametrar och data."))
    else:
        what = ctx.scenario_name
        described = sc.description and sc.description != ag.description
        lines.append(("Scenario", what + (f" – {sc.description}" if described else "")))
        own_origin = sc.origin and sc.origin not in (ag.name, *ag.aliases)
        lines.append(("Scenariofil", sc.origin if own_origin else "Ingen: överenskommelsens parametrar med "
                                                                   "ändringarna nedan."))
        if changes:
            lines.append((CHANGES, f"{plural(len(changes))} {'ändrad' if len(changes) == 1 else 'ändrade'} mot "
                                   f"överenskommelsen: tabellen nedan och bladet {PARAMETERS}."))
        else:
            lines.append((CHANGES, "Inga parametrar ändrade."))
        own = sc.own_files()
        lines.append(("Egna indatafiler", "; ".join(f"{k}: {v}" for k, v in own.items()) if own else "Inga."))
    for name, d in ag.data.items():
        if d.kind == "rural_key" and ag.landsbygd is None and name not in sc.own_files():
            continue
        lines.append((d.title, _data_text(ctx, name)))
    for note in ag.notes:
        lines.append(("Anmärkning", note))
    lines += [
        (
            "Avrundning",
            f"{rule_name(ROUNDING_RULE).capitalize()}: varje budgetrad och del avrundas för sig till hela kronor; "
            f"golv först, sedan en utjämningskrona var till de största resterna; se bladet {PARTS}.",
        ),
        ("Avstämning i korthet", _reconciliation_text(ctx)),
        (
            "Arbetsboken räknar om",
            f"Ändra ett värde på bladet {PARAMETERS} (gula celler), så räknar Excel eller LibreOffice om varje "
            f"tabell, total och diagram med verktygets regel, i heltal (bladet {PARTS} visar varje steg). "
            "En kontrollcell per budgetrad visar om den fortfarande summerar exakt.",
        ),
        (
            "Exakta belopp",
            f"De exakta beloppen är verktygets (godnaravard {__version__}): varje tal i filen när den skrevs är "
            "verktygets eget. Arbetsbokens omräkning är till för att pröva; belopp att använda räknar verktyget "
            "fram med de ändrade värdena.",
        ),
    ]
    return lines


def _live(s: Sheet, m: Model, row: int, count: str) -> int:
    """The live lines: parameters changed since export (``count``, a formula), and the model's checks."""
    s.text(row, 0, "Ändrat i arbetsboken", s.f.label, grow=False)
    s.ws.merge_range(row, 1, row, _LAST, "", s.f.wrap)
    s.formula(row, 1, f'=IF({count}=0,"Inga parametrar ändrade sedan export.",IF({count}=1,"1 parameter ändrad '
                      f'sedan export.",{count}&" parametrar ändrade sedan export."))',
              "Inga parametrar ändrade sedan export.", s.f.wrap, grow=False)
    row += 1
    # Every check of the model, as Parametrar repeats them: one range, whatever their number.
    all_ok = f'SUMPRODUCT(--(LEFT({checks_range(m)},7)="{OK}"))={len(check_cells(m))}'
    s.text(row, 0, "Modellens kontroller", s.f.label, grow=False)
    s.check(row, 1, f'=IF(IFERROR({all_ok},FALSE),"{OK}: varje budgetrad och del summerar exakt",'
                    f'"fel: se kontrollerna på bladet {PARAMETERS}")', f"{OK}: varje budgetrad och del summerar exakt",
            span=_LAST - 1)
    return row + 1


def _changes(s: Sheet, ctx: Context, row: int) -> int:
    """The table of parameters a scenario changes from the agreement, under the line that counts
    them (nothing when none is changed); the next free row."""
    ag = ctx.agreement
    changes = ctx.scenario.changes()
    if not changes:
        return row
    first = row
    s.header(row, ["Parameter", "Överenskommelsen", "Detta scenario", "Källa"])
    for key, (old, new) in changes.items():
        row += 1
        info = ag.parameter_info.get(key)
        s.text(row, 0, info.label if info else key, s.f.wrap, grow=False)
        s.text(row, 1, value_text(ag, key, old), grow=False)
        s.text(row, 2, value_text(ag, key, new), grow=False)
        s.text(row, 3, ctx.source(key), s.f.wrap, grow=False)
    s.block(first, row)
    return _below_table(s, row)


def _contents(s: Sheet, ctx: Context, row: int) -> None:
    """The sheets as links, four to a row, and the cover's column widths."""
    row += 2
    first = row
    s.text(row, 0, "Innehåll (varje blad säger själv vad det visar)", s.f.label)
    for i, plan in enumerate(ctx.sheets):  # the sheets as links, four to a row
        if i % (_LAST + 1) == 0:
            row += 1
        s.ws.write_url(row, i % (_LAST + 1), f"internal:{quote_sheet(plan.name)}!A1", s.f.link, string=plan.name)
        s.span_row(row)
    s.block(first, row)
    s.width(0, 30)
    s.width(1, 40)
    s.width(2, 20)
    s.width(3, 34)
