"""Underlag: the inputs per recipient (every count of the data file, the rural key if any) and their sources.

The sheet is also an input file: ``--population FILE.xlsx#Underlag`` and ``--landsbygd
FILE.xlsx#Underlag`` read it back. Its headings are therefore chosen so that the input reader
(``godnaravard.inputs.HEADINGS``) recognises each of them as its column: the agreement's heading
where the reader knows it, else the reader's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..inputs import HEADINGS
from ..resources import source_of
from .cells import FIRST, HEADER_ROW, Sheet
from .context import Context, shipped_path

__all__ = ["RURAL_HEADINGS", "STATUS", "heading_for", "write_inputs"]

#: The rural key's columns (the input format's, see ``godnaravard.inputs``) and their headings.
RURAL_HEADINGS = {
    "tatortsnara_inv": "Landsbygd: tätortsnära (invånare)",
    "gles_inv": "Landsbygd: glesa (invånare)",
    "mycket_gles_inv": "Landsbygd: mycket glesa (invånare)",
    "vagd_summa": "Viktad summa (referensvikter)",
    "status": "Landsbygdsnyckel: status",
}
#: The rural key's status, as the input reader accepts it.
STATUS = {True: "kategorier kända", False: "endast viktad summa"}


def _canonical(label: str, expected: Sequence[str]) -> str | None:
    """The column the input reader takes ``label`` for (the rule of ``inputs``: name, or a heading)."""
    key = " ".join(label.split()).casefold()
    for column in expected:
        if key == column:
            return column
        for heading in HEADINGS.get(column, ()):
            stem = heading.removesuffix("…")
            if key == stem or (stem != heading and key.startswith((stem + " ", stem + "("))):
                return column
    return None


def heading_for(column: str, label: str, expected: Sequence[str]) -> str:
    """A heading for ``column`` that reads back as it: ``label`` if it does, else the reader's own."""
    if _canonical(label, expected) == column:
        return label
    for heading in HEADINGS.get(column, ()):
        text = heading.removesuffix("…")
        text = text[:1].upper() + text[1:]
        if _canonical(text, expected) == column:
            return text
    return column


def _source_lines(ctx: Context, name: str) -> list[tuple[str, str]]:
    """Where one input came from: the user's file, or the agreement's data file and its provenance."""
    d = ctx.agreement.data[name]
    own = ctx.scenario.own_files().get(name)
    if own is not None:
        return [
            ("Fil", str(own)),
            ("Fullständig sökväg", str(Path(own).resolve())),
            ("Källa", "egen fil angiven av användaren (--population/--landsbygd eller scenariots [data]); "
                      f"ersätter överenskommelsens {d.label}"),
        ]
    rel = shipped_path(d.path)
    out = [("Fil", f"data/{rel} (levereras med verktyget)" if rel else str(d.path)),
           ("Beteckning", d.label), ("Datum", d.date.isoformat()), ("Källa", d.source)]
    if rel is not None:
        try:
            entry = source_of(rel)
        except KeyError:
            entry = {}
        for key, label in (("title", "Titel"), ("document", "Dokument"), ("table", "Tabell"),
                           ("transcribed", "Anmärkning")):
            if entry.get(key):
                out.append((label, str(entry[key])))
    return out


def write_inputs(s: Sheet, ctx: Context) -> None:
    """The recipients with every count, the rural key when the agreement has one, and the sources."""
    ag = ctx.agreement
    res = ctx.result
    rules = ag.rules
    counts = tuple(ag.recipients.counts)
    rural = ag.landsbygd is not None and bool(res.inputs.rural_key)
    texts = ("lan_code", "lan", "region")
    expected = (*texts, *counts, *(RURAL_HEADINGS if rural else ()))
    labels = {c.name: c.label for c in rules.columns}
    columns = [*texts, *counts]
    headings = [heading_for(c, labels.get(c, ""), expected) for c in columns]
    note = ""
    if rural:
        headings += list(RURAL_HEADINGS.values())
        ref = " / ".join(str(x) for x in res.inputs.reference_weights)
        note = f"Landsbygdsnyckelns viktade summa avser referensvikterna {ref} (tätortsnära / glesa / mycket glesa)."
    s.title(ctx.title(f"Underlag: indata per {rules.recipient} med källor"), ctx.note(note))
    s.header(HEADER_ROW, headings, numeric=range(len(texts), len(texts) + len(counts) + (4 if rural else 0)))
    regions = res.inputs.regions
    keys = {k.lan_code: k for k in res.inputs.rural_key}
    last = FIRST + len(regions) - 1
    for i, r in enumerate(regions):
        row = FIRST + i
        for j, c in enumerate(texts):
            s.text(row, j, r.text(c))
        for j, c in enumerate(counts, start=len(texts)):
            s.number(row, j, r.count(c), s.f.count)
        if rural:
            key = keys[r.lan_code]
            col = len(texts) + len(counts)
            for j, value in enumerate((key.tatortsnara, key.gles, key.mycket_gles, key.vagd_summa)):
                if value is not None:
                    s.number(row, col + j, value, s.f.count)
            s.text(row, col + 4, STATUS[key.categories_known])
    total_row = last + 1
    s.text(total_row, 0, "Totalt", s.f.total_label)
    for j, c in enumerate(counts, start=len(texts)):
        s.total(total_row, j, FIRST, last, sum(r.count(c) for r in regions))
    row = total_row + 2
    names = [n for n in ag.data if n != "landsbygd" or rural or n in ctx.scenario.own_files()]
    for name in names:
        s.text(row, 0, f"Källa: {ag.data[name].title}", s.f.label, grow=False)
        for label, value in _source_lines(ctx, name):
            row += 1
            s.text(row, 0, label)
            s.text(row, 1, value, grow=False)
        row += 2
    s.ws.freeze_panes(FIRST, len(texts) - 1)
