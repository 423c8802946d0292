"""What a definition may carry over from another agreement: stale dates, another year's official
tables, a shipped agreement's name (issue 18 §7, issue 17 "Names").

A copy (``agreement new``) starts as last year's definition: after ``year`` is changed, its
signatures, data dates and official tables may still be last year's. ``stale_details`` finds them
from what the definition records, without reading any file:

- ``signed``: an agreement for year Y is signed in Y − 1 or Y (the shipped God och nära vård was
  signed in the December before its year); a date of another year is stale;
- ``data.NAME.date``: figures dated before Y − 1 are older than the year before the agreement's year;
- ``tables.NAME.official_year`` and ``budget.official_year``: the year whose published figures the
  official files hold (``agreement new --with-official`` records it); another year than Y is stale;
- ``name``/``aliases``: a definition that is not shipped but calls itself by a shipped agreement's
  name is never the agreement as signed (``Scenario.as_signed``).

``agreement show`` lists every detail with what to change; every other command prints one note on
standard error (``note_of``). Pure: the agreement in, texts out.
"""

from __future__ import annotations

from ..frozen import frozen
from .load import borrowed_name, shown_path
from .model import Agreement

__all__ = ["StaleDetail", "note_of", "printable", "stale_details"]


def printable(text: str) -> str:
    """``text`` with every control character written as an escape (a name from a definition never
    reaches the terminal as a control sequence)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@frozen
class StaleDetail:
    """One detail of a definition that belongs elsewhere: the key in the file and what to do (both
    printable: ``printable``)."""

    key: str
    text: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", printable(self.key))
        object.__setattr__(self, "text", printable(self.text))


def _signed(ag: Agreement) -> list[StaleDetail]:
    """Signatures of another year than the agreement's year or the year before."""
    off = [(party, date) for party, date in ag.signed if date.year not in (ag.year - 1, ag.year)]
    if not off:
        return []
    dates = ", ".join(f"{party} {date.isoformat()}" for party, date in off)
    return [StaleDetail("signed", f"signed ({dates}) is not of {ag.year} or the year before, but year = {ag.year}: "
                                  "give this agreement's signatures, or remove signed until it is signed")]


def _data(ag: Agreement) -> list[StaleDetail]:
    """Data dated before the year before the agreement's year."""
    return [
        StaleDetail(f"data.{d.name}.date",
                    f"data.{d.name}.date = {d.date.isoformat()} is older than the year before {ag.year}: give the "
                    f"file and date of newer figures under [data.{d.name}]")
        for d in ag.data.values() if d.date.year < ag.year - 1
    ]


def _official(ag: Agreement) -> list[StaleDetail]:
    """Official tables that hold another year's published figures."""
    out = [
        StaleDetail(f"tables.{t.name}.official_year",
                    f"tables.{t.name}.official ({t.official.name}) holds the published figures of {t.official_year} "
                    f"(official_year = {t.official_year}), but year = {ag.year}: replace it with {ag.year}'s "
                    f"published table and set official_year = {ag.year}, or remove official and official_columns")
        for t in ag.tables
        if t.official is not None and t.official_year is not None and t.official_year != ag.year
    ]
    year = ag.budget_official_year
    if ag.budget_files and year is not None and year != ag.year:
        files = ", ".join(sorted(ag.budget_files))
        out.append(StaleDetail("budget.official_year",
                               f"[budget] {files} hold the published figures of {year} (official_year = {year}), "
                               f"but year = {ag.year}: replace them with {ag.year}'s and set official_year = "
                               f"{ag.year}, or remove them"))
    return out


def _name(ag: Agreement) -> list[StaleDetail]:
    """A shipped agreement's name or alias on a definition that is not that agreement."""
    name = borrowed_name(ag)
    if not name:
        return []
    key = "name" if name == ag.name else "aliases"
    return [StaleDetail(key, f"{key} has {name!r}, a shipped agreement's, but this definition is not the shipped "
                             "one: it is never taken as the agreement as signed; give it a name of its own")]


def stale_details(ag: Agreement) -> tuple[StaleDetail, ...]:
    """Every detail of ``ag`` that belongs to another year or agreement (none for a shipped one)."""
    return (*_name(ag), *_signed(ag), *_data(ag), *_official(ag))


def note_of(ag: Agreement) -> str:
    """One line for standard error naming the stale keys ("" when there are none)."""
    details = stale_details(ag)
    if not details:
        return ""
    where = printable(shown_path(ag.path))
    keys = ", ".join(d.key for d in details)
    return (f"note: {where} may carry details of another year or agreement ({keys}); "
            f"`godnaravard agreement show {where}` says what to change")
