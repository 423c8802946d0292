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

from ..tables import MAX_BYTES, read_table
from .cells import _KOMMUN_KEY_OPTIONAL, KOMMUN_KEY_COLUMNS, MAX_ROWS, REGION_KEY_COLUMNS
from .report import _header_names, canonical_column

if TYPE_CHECKING:
    from ..agreements import Agreement

__all__ = ["unused_columns", "unused_in_agreement", "unused_lines", "used_columns"]

#: The columns that name a recipient, per kind of recipient.
_RECIPIENT = {"kommun": ("kommun_code", "kommun"), "region": ("lan_code", "lan", "region"),
              "län": ("lan_code", "lan", "region")}


def used_columns(kind: str, recipient: str, counts: Sequence[str]) -> tuple[str, ...] | None:
    """The columns the agreement reads from a data slot of ``kind`` (issue 17 §3; None for another kind).

    A counts file's name columns are not read, but they name its recipients: they count as used."""
    if kind in ("recipients", "counts"):
        return (*_RECIPIENT.get(recipient, _RECIPIENT["region"]), *counts)
    if kind == "rural_key":
        return (*REGION_KEY_COLUMNS, *KOMMUN_KEY_COLUMNS, *_KOMMUN_KEY_OPTIONAL)
    return None


def unused_columns(path: str | Path, used: Sequence[str]) -> tuple[str, ...]:
    """The headings of ``path``'s columns that name none of ``used`` (or a Swedish heading of one)."""
    table = read_table(path, _header_names(*used), max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    return tuple(label for label in table.header if label.strip() and canonical_column(label, used) is None)


def unused_in_agreement(ag: Agreement, paths: Mapping[str, Path] | None = None) -> dict[str, tuple[str, ...]]:
    """Per data file of ``ag`` (by slot), the columns it has that the agreement ignores; only the
    files with such columns. ``paths`` replaces a slot's file (a scenario's own data)."""
    out: dict[str, tuple[str, ...]] = {}
    for slot, data in ag.data.items():
        used = used_columns(data.kind, ag.rules.recipient, data.counts)
        if used is None:
            continue
        unused = unused_columns((paths or {}).get(slot, data.path), used)
        if unused:
            out[slot] = unused
    return out


def unused_lines(ag: Agreement) -> list[str]:
    """``agreement show``'s lines for the columns each data file has and the agreement does not use."""
    return [f"  data {slot}: columns not used: {', '.join(cols)}" for slot, cols in unused_in_agreement(ag).items()]
