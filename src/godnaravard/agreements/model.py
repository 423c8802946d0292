"""What the layers read of an agreement: the registry built from its definition.

``Agreement`` (identity, data files, the core's rules and parameters, tables), ``DataFile``,
``ParameterInfo``, ``TableSpec`` and ``PrintedColumn``: plain frozen records, built by
``agreements.build`` and never changed afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from ..core import Parameters, Rules
from ..frozen import frozen
from ..rural_layout import RuralLayout

__all__ = ["Agreement", "DataFile", "ParameterInfo", "PrintedColumn", "TableSpec"]


@frozen
class DataFile:
    """One data file of an agreement (a data slot ``[data.NAME]``): where it is, its date, what it holds
    and where it comes from.

    ``kind`` says what the slot is (issue 17 §3): ``recipients`` (the one file of recipients with
    their codes, names and ``counts``), ``counts`` (more counts per recipient from another file,
    joined by code) or ``rural_key``. The slot's name is free.
    """

    name: str
    path: Path
    date: dt.date
    label: str
    title: str
    source: str
    counts: tuple[str, ...] = ()
    kind: str = "recipients"
    #: The layout of a rural key's data (its categories' columns, labels, reference weights), where
    #: a key of the definition reads this slot (issue 17 §3); None for any other data file.
    rural: RuralLayout | None = None


@frozen
class ParameterInfo:
    """A parameter's metadata: kind, unit, Swedish label and the place in the agreement it comes from."""

    key: str
    kind: str
    unit: str
    label: str
    source: str


@frozen
class PrintedColumn:
    """One visible column of a signed table, as printed: a column of the data, or a share of one.

    Exactly one of ``column`` (an output column: a name, a count, an amount) and ``share`` (a
    count or amount column: each recipient's value divided by the column's total, shown in per
    cent with ``decimals`` decimals, e.g. bilaga 2's "Andel befolkning" 23,3%).
    """

    heading: str
    column: str | None = None
    share: str | None = None
    decimals: int = 1

    @property
    def source(self) -> str:
        """The output column this printed column shows (or shows the share of)."""
        return self.column if self.column is not None else str(self.share)


@frozen
class TableSpec:
    """A table of the agreement (a bilaga, or the overview) and its published version, if any.

    ``label`` is its short name ("Bilaga 3"), ``title`` its full heading. The signed table's
    visible layout, where the definition gives it: ``printed`` (its columns and headings, in
    order), ``printed_title`` (the heading as printed, when it differs from ``title``),
    ``total_label`` (the label of the total row), ``footnotes`` and ``source_line`` (printed
    beneath the table).
    """

    name: str
    label: str
    title: str
    columns: tuple[str, ...]
    official: Path | None = None
    official_columns: Mapping[str, str] = field(default_factory=dict)
    official_code_column: str = "lan_code"
    printed: tuple[PrintedColumn, ...] = ()
    printed_title: str = ""
    total_label: str = "Totalt"
    footnotes: tuple[str, ...] = ()
    source_line: str = ""
    name_column: str = ""  # the official table's column of recipient names (issue 17 §2); "": ours
    official_unit: int = 1  # the official table prints its amounts in units of this many kronor (tkr: 1000)
    #: The year of the agreement whose published figures ``official`` holds, where it is not this
    #: agreement's (a copy's official tables: issue 18 §7); None: this agreement's own year.
    official_year: int | None = None


@frozen(eq=False)
class Agreement:
    """One agreement: identity, data files, rules, parameters (with sources) and tables.

    ``rules`` and ``parameters`` are what the core computes with; everything else is for the
    layers (titles, headings, dates, provenance, the official tables for ``check``).
    """

    name: str
    title: str
    full_title: str
    description: str
    year: int
    parties: tuple[str, ...]
    signed: tuple[tuple[str, dt.date], ...]
    document: str
    sections: str
    path: Path
    aliases: tuple[str, ...]
    data: Mapping[str, DataFile]
    rules: Rules
    parameters: Parameters
    parameter_info: Mapping[str, ParameterInfo]
    tables: tuple[TableSpec, ...]
    budget_title: str = ""
    budget_files: Mapping[str, Path] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    #: For an agreement relabelled for a user's own data files (``load.dated_agreement``): the
    #: agreement as its definition dates its data. None for the agreement itself.
    plain: Agreement | None = None
    #: The year the budget's published files belong to (``[budget] official_year``; None: this year).
    budget_official_year: int | None = None

    @property
    def recipients(self) -> DataFile:
        """The data slot that lists the recipients and their counts (``kind = "recipients"``)."""
        return next(d for d in self.data.values() if d.kind == "recipients")

    @property
    def landsbygd(self) -> DataFile | None:
        """The rural key's data file (its key's ``data`` slot), if the agreement shares by a rural key."""
        keys = self.rules.keys_of_kind("landsbygd")
        return self.data.get(keys[0].data) if keys else None

    @property
    def count_files(self) -> tuple[DataFile, ...]:
        """The data slots of ``kind = "counts"``: more counts per recipient, joined by code (issue 17 §3)."""
        return tuple(d for d in self.data.values() if d.kind == "counts")

    @property
    def count_columns(self) -> tuple[str, ...]:
        """Every count of a recipient: the recipients file's, then each counts slot's, in definition order."""
        return (*self.recipients.counts, *(c for d in self.count_files for c in d.counts))

    @property
    def inhabitants_column(self) -> str | None:
        """The count that kronor per inhabitant divide by (the workbook's Per invånare, ``diff``'s
        per-inhabitant figures): of the count columns the output shows, ``population`` or else the
        first; with none shown, the recipients' count ``population`` or else their first count."""
        for counts in (self.rules.count_columns, self.count_columns):
            if counts:
                return "population" if "population" in counts else counts[0]
        return None

    def count_source(self, column: str) -> DataFile:
        """The data slot a count column comes from (the recipients slot unless a counts slot holds it)."""
        return next((d for d in self.count_files if column in d.counts), self.recipients)

    def read_data(self) -> tuple[DataFile, ...]:
        """The data slots the allocation reads, in definition order: the recipients, every counts
        slot, and the rural key when the agreement shares by it."""
        rural = self.landsbygd
        return tuple(d for d in self.data.values() if d.kind != "rural_key" or d is rural)

    def table(self, name: str) -> TableSpec:
        """A table by name (``overview``, ``bilaga2`` …)."""
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(f"{self.name} has no table {name!r}")

    def label(self, column: str) -> str:
        """The Swedish heading of an output column."""
        return self.rules.column(column).label

    @property
    def signed_text(self) -> str:
        """Each party with the date it signed: ``"SKR YYYY-MM-DD, Staten YYYY-MM-DD"``."""
        return ", ".join(f"{party} {date.isoformat()}" for party, date in self.signed)

    def describe(self) -> dict[str, Any]:
        """A summary for ``godnaravard agreements``: name, title, totals, data dates."""
        p = self.parameters
        return {
            "name": self.name,
            "title": self.title,
            "aliases": list(self.aliases),
            "year": self.year,
            "lines": {ln.name: p.amount(ln.total) for ln in self.rules.lines},
            "total": sum(p.amount(ln.total) for ln in self.rules.lines),
            "data": {d.name: d.date.isoformat() for d in self.data.values()},
            "path": str(self.path),
        }
