"""The rural key (avsnitt 12, bilaga 4) in its two formats: per region or per kommun.

- per region: ``lan_code`` and optionally ``region, tatortsnara_inv, gles_inv,
  mycket_gles_inv, vagd_summa, status`` (``data/landsbygd_weights.csv``): the categories'
  populations, or the weighted sum W alone, or both (then they must agree);
- per kommun: ``kommun_code, kategori, population`` (other columns, such as the kommun's
  name, are ignored; a ``lan_code`` column, if present, must agree with the code), summed per
  län by the core (``key_from_kommuner``).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic_core import core_schema

from ..core import KommunRow, RuralKey, key_from_kommuner
from ..lan import LAN
from ..tables import MAX_BYTES, read_table
from .cells import (
    _CATEGORY_COLUMNS,
    _KOMMUN_CODE,
    _KOMMUN_KEY_OPTIONAL,
    _LAN_CODE,
    KOMMUN_KEY_COLUMNS,
    MAX_ROWS,
    POPULATION_COLUMNS,
    REGION_KEY_COLUMNS,
    _category,
    _close,
    _count,
    _kommun_codes,
    _lan_code,
    _optional_count,
    _optional_text,
    _parsed,
    _reference_weights,
    _Row,
    _status,
    _text,
    _weighted_sum,
)
from .recipients import _default_data, _hint_other_format
from .report import _check_lan, _check_totals, _columns, _header_names, _parse_rows, _Report

#: One row of a per-kommun rural key (avsnitt 12): kommun, category, population.
_KOMMUN_KEY_ROW = _Row("KommunKeyRecord", {
    "kommun_code": _parsed(_KOMMUN_CODE, core_schema.str_schema()),
    "kategori": _parsed(_category, core_schema.str_schema()),
    "population": _count(),
    "lan_code": _optional_text(_LAN_CODE),
}, required=("kommun_code", "kategori", "population"))

#: One row of a per-region rural key (bilaga 4): categories, or the weighted sum, or both.
_REGION_KEY_ROW = _Row("RegionKeyRecord", {
    "lan_code": _lan_code(),
    "region": _optional_text(_text("the region name")),
    "tatortsnara_inv": _optional_count(),
    "gles_inv": _optional_count(),
    "mycket_gles_inv": _optional_count(),
    "vagd_summa": _optional_count(_weighted_sum),
    "status": _parsed(_status, core_schema.str_schema()),
}, required=("lan_code",))








def load_landsbygd(
    path: str | Path | None = None,
) -> tuple[tuple[RuralKey, ...], tuple[Fraction, Fraction, Fraction]]:
    """The rural key per region, and the weights its weighted sums were computed at.

    ``path`` is either a per-region key (the format of ``data/landsbygd_weights.csv``) or a
    per-kommun list (``kommun_code``, ``kategori``, ``population``); the header tells which.
    Default: the default agreement's key.
    """
    reference = _reference_weights()
    if path is None:
        path = _default_data("rural_key")
    table = read_table(
        path, _header_names(*REGION_KEY_COLUMNS, *KOMMUN_KEY_COLUMNS), total_rows=True, max_bytes=MAX_BYTES,
        max_rows=MAX_ROWS,
    )
    header = {h.casefold() for h in table.header}
    per_kommun = bool(header & {"kommun_code", "kategori", "kommunkod"}) or (
        "lan_code" not in header
        and any(_close(h, ["kommun_code", "kategori"], 0.6) for h in header)
    )
    if per_kommun:
        return _per_kommun(_Report(table)), reference
    return _per_region(_Report(table), reference), reference


def _per_kommun(report: _Report) -> tuple[RuralKey, ...]:
    """A per-kommun rural key, summed per län into inhabitants per category."""
    present = _columns(
        report,
        (*KOMMUN_KEY_COLUMNS, *_KOMMUN_KEY_OPTIONAL),
        KOMMUN_KEY_COLUMNS,
        strict=False,
        describe="a rural key per kommun",
    )
    rows = _parse_rows(report, present, _KOMMUN_KEY_ROW)
    _check_totals(report, rows, present, ("population",))
    known = _kommun_codes()
    seen: dict[str, int] = {}
    weighted = 0
    for line_no, v in rows:
        code = v.get("kommun_code")
        if v.get("kategori") in ("tatortsnara", "gles", "mycket_gles"):
            weighted += v.get("population") or 0
        if code is None:
            continue
        column = present["kommun_code"]
        if code not in known:
            in_lan = (
                f"län {code[:2]} has no such kommun" if code[:2] in LAN else f"there is no län {code[:2]}"
            )
            report.add(
                f"unknown kommun code {code} ({in_lan}; see SCB's kommunkoder)", row=line_no, column=column
            )
        elif code in seen:
            report.add(
                f"kommun {code} appears again; it is first on row {seen[code]}", row=line_no, column=column
            )
        else:
            seen[code] = line_no
        lan_code = v.get("lan_code")
        if lan_code is not None and lan_code != code[:2]:
            report.add(
                f"lan_code {lan_code} disagrees with kommun code {code}, which is in län {code[:2]}",
                row=line_no,
                column=present["lan_code"],
            )
    if not report.problems and weighted == 0:
        report.add(
            "no kommun in a weighted category (tatortsnara, gles, mycket_gles) has inhabitants: the "
            "rural part cannot be shared by this key",
            column=present.get("population", "population"),
        )
    report.raise_if_any()
    return key_from_kommuner(
        [
            KommunRow(kommun_code=v["kommun_code"], kategori=v["kategori"], population=v["population"])
            for _, v in rows
        ],
        LAN,
    )


def _per_region(report: _Report, reference: tuple[Fraction, ...]) -> tuple[RuralKey, ...]:
    """A per-region rural key: categories, or the weighted sum at the reference weights, or both."""
    present = _columns(
        report,
        REGION_KEY_COLUMNS,
        ("lan_code",),
        strict=True,
        describe="a rural key per region",
        ignored=POPULATION_COLUMNS,
    )
    if not report.problems and not (set(present) & {*_CATEGORY_COLUMNS, "vagd_summa"}):
        report.add(
            "neither the inhabitants per category (tatortsnara_inv, gles_inv, mycket_gles_inv) nor the "
            "weighted sum (vagd_summa) has a column",
            row=report.table.header_row,
        )
        _hint_other_format(
            report,
            {"hsl_insatser"},
            "a population file (--population)",
            "a rural key: lan_code with vagd_summa or tatortsnara_inv, gles_inv, mycket_gles_inv "
            "(per region), or kommun_code, kategori, population (per kommun)",
        )
        report.raise_if_any()
    rows = _parse_rows(report, present, _REGION_KEY_ROW)
    _check_lan(report, rows, present, {"region": LAN})
    _check_totals(report, rows, present, (*_CATEGORY_COLUMNS, "vagd_summa"))
    keys: list[RuralKey] = []
    total = Fraction(0)
    complete = True
    for line_no, v in rows:
        key = _region_key(report, line_no, v, present, reference)
        if key is None:
            complete = False
            continue
        keys.append(key)
        total += (
            key.vagd_summa
            if key.vagd_summa is not None
            else sum(
                (w * n for w, n in zip(reference, (key.tatortsnara, key.gles, key.mycket_gles), strict=True)
                 if n is not None),
                Fraction(0),
            )
        )
    if complete and not report.problems and total == 0:
        report.add(
            "every region's weighted rural population is zero: the rural part cannot be shared by this key",
            column=present.get("vagd_summa", "vagd_summa"),
        )
    report.raise_if_any()
    return tuple(keys)


def _region_key(
    report: _Report,
    line_no: int,
    v: Mapping[str, Any],
    present: Mapping[str, str],
    reference: tuple[Fraction, ...],
) -> RuralKey | None:
    """One row of a per-region key, checked for consistency; ``None`` (and a problem) if it is not."""
    if "lan_code" not in v or any(c in present and c not in v for c in (*_CATEGORY_COLUMNS, "vagd_summa")):
        return None  # a cell of this row already failed
    cats = tuple(v.get(c) for c in _CATEGORY_COLUMNS)
    given = [c is not None for c in cats]
    vagd = v.get("vagd_summa")
    status = v.get("status", "")

    def col(name: str) -> str:
        return present.get(name, name)

    if any(given) and not all(given):
        missing = _CATEGORY_COLUMNS[given.index(False)]
        report.add(
            "give the inhabitants of all three categories (tatortsnara_inv, gles_inv, mycket_gles_inv) "
            "or of none",
            row=line_no,
            column=col(missing),
        )
        return None
    if not all(given) and vagd is None:
        report.add(
            "neither the inhabitants per category nor the weighted sum vagd_summa is given",
            row=line_no,
            column=col("vagd_summa"),
        )
        return None
    if all(given) and vagd is not None:
        w = sum((f * c for f, c in zip(reference, cats, strict=True) if c is not None), Fraction(0))
        if w != vagd:
            ref = "/".join(str(x) for x in reference)
            report.add(
                f"the categories give a weighted sum of {w} at the weights {ref} (avsnitt 12), not {vagd}",
                row=line_no,
                column=col("vagd_summa"),
            )
            return None
    if status == "kategorier_kanda" and not all(given):
        report.add(
            "status kategorier_kanda, but the inhabitants per category are not given",
            row=line_no,
            column=col("status"),
        )
        return None
    if status == "endast_vagd_summa" and all(given):
        report.add(
            "status endast_vagd_summa, but the inhabitants per category are given; use kategorier_kanda",
            row=line_no,
            column=col("status"),
        )
        return None
    return RuralKey(
        lan_code=v["lan_code"], tatortsnara=cats[0], gles=cats[1], mycket_gles=cats[2], vagd_summa=vagd
    )
