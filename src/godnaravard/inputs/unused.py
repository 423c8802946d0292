"""The columns of an agreement's data files that it does not use (issue 17 §2).

A data file may carry more columns than the definition uses: the shipped population file, with
its ``hsl_insatser``, serves an agreement shared by population alone. The readers accept such a
file and ignore the extra columns (``report._columns``); ``agreement show`` lists them, so that a
column meant to be used but misnamed in the definition does not go unnoticed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..rural_layout import RuralLayout
from ..tables import MAX_BYTES, read_table
from .cells import _KOMMUN_KEY_OPTIONAL, KOMMUN_KEY_COLUMNS, MAX_ROWS
from .report import _header_names, canonical_column
from .rural_key import headings as rural_headings

if TYPE_CHECKING:
    from ..agreements import Agreement

__all__ = ["unused_columns", "unused_in_agreement", "unused_lines", "used_columns"]

#: The columns that name a recipient, per kind of recipient.
_RECIPIENT = {"kommun": ("kommun_code", "kommun"), "region": ("lan_code", "lan", "region"),
              "län": ("lan_code", "lan", "region")}


def used_columns(kind: str, recipient: str, counts: Sequence[str],
                 rural: RuralLayout | None = None) -> tuple[str, ...] | None:
    """The columns the agreement reads from a data slot of ``kind`` (issue 17 §3); None for a slot it
    does not read (a rural key's slot that no key reads). ``rural``: the slot holds a rural key laid
    out so. A counts file's name columns are not read, but they name its recipients: they count as used."""
    if kind in ("recipients", "counts"):
        return (*_RECIPIENT.get(recipient, _RECIPIENT["region"]), *counts)
    if kind == "rural_key" and rural is not None:
        return (*rural.region_columns, *KOMMUN_KEY_COLUMNS, *_KOMMUN_KEY_OPTIONAL)
    return None


def unused_columns(path: str | Path, used: Sequence[str],
                   headings: Mapping[str, Sequence[str]] | None = None) -> tuple[str, ...]:
    """The headings of ``path``'s columns that name none of ``used`` (or a Swedish heading of one)."""
    table = read_table(path, _header_names(*used, headings=headings), max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    return tuple(label for label in table.header
                 if label.strip() and canonical_column(label, used, headings) is None)


def unused_in_agreement(ag: Agreement, paths: Mapping[str, Path] | None = None) -> dict[str, tuple[str, ...]]:
    """Per data file of ``ag`` (by slot), the columns it has that the agreement ignores; only the
    files with such columns. ``paths`` replaces a slot's file (a scenario's own data)."""
    out: dict[str, tuple[str, ...]] = {}
    for slot, data in ag.data.items():
        used = used_columns(data.kind, ag.rules.recipient, data.counts, data.rural)
        if used is None:
            continue
        names = rural_headings(data.rural) if data.rural is not None else None
        unused = unused_columns((paths or {}).get(slot, data.path), used, names)
        if unused:
            out[slot] = unused
    return out


def unused_lines(ag: Agreement) -> list[str]:
    """``agreement show``'s lines for the columns each data file has and the agreement does not use."""
    return [f"  data {slot}: columns not used: {', '.join(cols)}" for slot, cols in unused_in_agreement(ag).items()]
