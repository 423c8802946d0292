"""Översikt: the agreement, the allocation shown (as agreed, or a scenario), inputs, provenance, contents."""

from __future__ import annotations

from .. import __version__
from ..core import ROUNDING_RULE
from .cells import Sheet, quote_sheet
from .context import RECONCILIATION, Context, scenario_name, shipped_path, value_text

__all__ = ["write_cover"]


def _data_text(ctx: Context, name: str) -> str:
    """One data file on the cover: the user's own file, or the agreement's with its date and source."""
    own = ctx.scenario.own_files().get(name)
    if own is not None:
        return str(own)
    d = ctx.agreement.data[name]
    rel = shipped_path(d.path)
    where = f"data/{rel}" if rel else str(d.path)
    return f"{d.label} ({d.date.isoformat()}), {where}. Källa: {d.source}"


def write_cover(s: Sheet, ctx: Context) -> None:
    """Title, agreement, signing, what is allocated and from which data, reconciliation, contents."""
    ag = ctx.agreement
    sc = ctx.scenario
    rec = ctx.reconciliation
    changes = sc.changes()
    s.title(ctx.title(f"{ag.title} – fördelning"), ctx.change_note())
    lines: list[tuple[str, str]] = [("Överenskommelse", ag.full_title)]
    if ag.signed:
        lines.append(("Undertecknad", ag.signed_text))
    lines += [("Parter", ", ".join(ag.parties)), ("Dokument", ag.document), ("Avsnitt", ag.sections)]
    if ag.description:
        lines.append(("Beskrivning", ag.description))
    if ctx.baseline:
        lines.append(("Fördelning", "Enligt överenskommelsen: dess egna parametrar och data."))
    else:
        what = scenario_name(sc)
        described = sc.description and sc.description != ag.description
        lines.append(("Scenario", what + (f" – {sc.description}" if described else "")))
        lines.append(("Fördelning", f"Scenario: {what} – inte den överenskomna fördelningen."))
        own_origin = sc.origin and sc.origin not in (ag.name, *ag.aliases)
        lines.append(("Scenariofil", sc.origin if own_origin else "Ingen: överenskommelsens parametrar med "
                                                                   "ändringarna nedan."))
        if changes:
            lines.append(("Ändringar mot överenskommelsen",
                          f"{len(changes)} parameter(rar) ändrade mot överenskommelsen – se nedan och bladet "
                          "Parametrar."))
        else:
            lines.append(("Ändringar mot överenskommelsen", "Inga parametrar ändrade."))
        own = sc.own_files()
        lines.append(("Egna indatafiler", "; ".join(f"{k}: {v}" for k, v in own.items()) if own else "Inga."))
    for name, d in ag.data.items():
        if name == "landsbygd" and ag.landsbygd is None and name not in sc.own_files():
            continue
        lines.append((d.title, _data_text(ctx, name)))
    for note in ag.notes:
        lines.append(("Anmärkning", note))
    sums = "ja" if rec.sums_ok else "nej"
    if rec.cells:
        rec_text = (
            f"{rec.exact} av {len(rec.cells)} belopp lika med överenskommelsens tabeller, "
            f"{rec.within_tolerance} inom {rec.tolerance} kr; alla kolumnsummor lika med budgetraderna: {sums}; "
        )
    else:
        rec_text = f"Inga publicerade tabeller att jämföra med; alla kolumnsummor lika med budgetraderna: {sums}; "
    rec_text += f"angivna totaler som följer av posterna: {sum(t.ok for t in rec.stated)} av {len(rec.stated)}"
    if rec.budget_rows:
        rec_text += (f"; budgettabellens rader som följer av posterna: {sum(t.ok for t in rec.budget_rows)} av "
                     f"{len(rec.budget_rows)}")
    if rec.inputs:
        rec_text += f"; indata som skiljer sig från tabellerna: {len(rec.inputs)}"
    rec_text += f"; se bladet {RECONCILIATION}."
    lines += [
        (
            "Avrundning",
            f"{ROUNDING_RULE}: varje budgetrad och del avrundas för sig till hela kronor "
            "(största rest); se bladet Delbelopp.",
        ),
        ("Avstämning i korthet", rec_text),
        ("Skapad", ctx.created.isoformat(timespec="seconds")),
        ("Verktyg", f"godnaravard {__version__}"),
    ]
    row = 2
    for label, value in lines:
        s.text(row, 0, label, s.f.label, grow=False)
        s.grow(0, min(len(label) + 1, 40))
        s.text(row, 1, value, s.f.wrap, grow=False)
        row += 1
    if changes:
        row += 1
        s.text(row, 0, "Ändrade parametrar", s.f.label)
        row += 1
        s.header(row, ["Parameter", "Överenskommelsen", "Detta scenario", "Källa"])
        for key, (old, new) in changes.items():
            row += 1
            s.text(row, 0, key)
            s.text(row, 1, value_text(ag, key, old), grow=False)
            s.text(row, 2, value_text(ag, key, new), grow=False)
            s.text(row, 3, sc.sources.get(key, ""), s.f.wrap, grow=False)
        row += 1
    row += 1
    s.text(row, 0, "Innehåll", s.f.label)
    for plan in ctx.sheets:
        row += 1
        s.ws.write_url(row, 0, f"internal:{quote_sheet(plan.name)}!A1", s.f.link, string=plan.name)
        s.text(row, 1, plan.description, s.f.wrap, grow=False)
    s.width(1, 100)
    s.width(2, 16)
    s.width(3, 60)
