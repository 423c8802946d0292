"""The official 2024 tables (bilaga 2–4, avsnitt 11), as reference data for ``check`` and tests.

Nothing in the calculation imports this module: the official figures are compared with the
computed ones, never used to compute them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from .resources import data_file, source_of

__all__ = ["OfficialCell", "official_cells", "stated_totals", "OFFICIAL_COLUMNS"]

#: (bilaga, our column, official file, official column)
OFFICIAL_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("Bilaga 2", "kommuner", "official_2024/bilaga2_kommuner.csv", "nara_vard_kr"),
    ("Bilaga 3", "nara_vard", "official_2024/bilaga3_regioner.csv", "nara_vard_kr"),
    ("Bilaga 3", "ambulans", "official_2024/bilaga3_regioner.csv", "ambulans_kr"),
    ("Bilaga 4", "landsbygd", "official_2024/bilaga4_landsbygd.csv", "landsbygd_kr"),
)


@dataclass(frozen=True, slots=True)
class OfficialCell:
    """One amount cell of an official table."""

    bilaga: str
    column: str
    lan_code: str
    name: str
    amount: int


def _rows(name: str) -> list[dict[str, str]]:
    source_of(name)  # reference files must carry provenance too
    with data_file(name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def official_cells() -> tuple[OfficialCell, ...]:
    """The 84 official amount cells: bilaga 2 (21), bilaga 3 Nära vård and Ambulans (42), bilaga 4 (21)."""
    cells = []
    for bilaga, column, file, official_column in OFFICIAL_COLUMNS:
        for row in _rows(file):
            name = row.get("region") or row.get("lan") or ""
            cells.append(OfficialCell(bilaga, column, row["lan_code"], name, int(row[official_column])))
    return tuple(cells)


@cache
def official_inputs() -> dict[str, dict[str, int]]:
    """The official population and HSL insatser per län code (bilaga 2 and 3)."""
    b2 = {r["lan_code"]: r for r in _rows("official_2024/bilaga2_kommuner.csv")}
    b3 = {r["lan_code"]: r for r in _rows("official_2024/bilaga3_regioner.csv")}
    return {
        code: {
            "population_bilaga2": int(b2[code]["population_2023_11_01"]),
            "population_bilaga3": int(b3[code]["population_2023_11_01"]),
            "hsl_insatser": int(b2[code]["hsl_insatser"]),
        }
        for code in b2
    }


@cache
def stated_totals() -> tuple[tuple[str, str, str, int], ...]:
    """Every total the agreement states: (id, section, statement, amount)."""
    return tuple(
        (r["id"], r["section"], r["statement"], int(r["amount_kr"]))
        for r in _rows("official_2024/stated_totals.csv")
    )


@cache
def avsnitt11_tables() -> dict[str, list[dict[str, str]]]:
    """The two tables of avsnitt 11 as printed (11.1 per chapter, 11.2 per recipient)."""
    return {
        "11.1": _rows("official_2024/avsnitt11_1_total.csv"),
        "11.2": _rows("official_2024/avsnitt11_2_statens_medel.csv"),
    }
