"""The rural key (avsnitt 12, bilaga 4) in its two formats: per region or per kommun.

The definition declares the key's categories and how its file holds them (``RuralLayout``,
issue 17 §3); nothing here names a category.

- per region: ``lan_code`` and optionally ``region``, a column of inhabitants per category, the
  weighted sum and a status (the shipped ``data/landsbygd_weights.csv``): the categories'
  populations, or the weighted sum W alone (at the layout's reference weights), or both (then
  they must agree);
- per kommun: ``kommun_code, kategori, population`` (other columns, such as the kommun's
  name, are ignored; a ``lan_code`` column, if present, must agree with the code), summed per
  län by the core (``key_from_kommuner``); ``kategori`` is a category or an unweighted one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic_core import core_schema

from ..core import KommunRow, RuralKey, key_from_kommuner
from ..lan import LAN
from ..rural_layout import RuralLayout
from ..tables import MAX_BYTES, read_table
from .cells import (
    _KOMMUN_CODE,
    _KOMMUN_KEY_OPTIONAL,
    _LAN_CODE,
    HEADINGS,
    KOMMUN_KEY_COLUMNS,
    MAX_POPULATION,
    MAX_ROWS,
    POPULATION_COLUMNS,
    _close,
    _count,
    _kommun_codes,
    _lan_code,
    _optional_count,
    _optional_text,
    _parsed,
    _Row,
    _shown,
    _text,
    parse_count,
)
from .recipients import _default_data, _hint_other_format
from .report import _check_lan, _check_totals, _columns, _header_names, _parse_rows, _Report

__all__ = ["headings", "load_landsbygd"]


def headings(layout: RuralLayout) -> dict[str, tuple[str, ...]]:
    """The Swedish headings of a rural key's columns (those the workbook's Underlag writes)."""
    out = dict(HEADINGS)
    for c in layout.categories:
        out[layout.columns[c]] = (f"landsbygd: {layout.label(c).casefold()}…",)
    if layout.weighted_sum:
        out[layout.weighted_sum] = ("viktad summa…",)
    if layout.status:
        out[layout.status.column] = ("landsbygdsnyckel: status",)
    return out


def _spellings(layout: RuralLayout) -> dict[str, str]:
    """Every accepted spelling of a category in a per-kommun file (casefolded, ``_`` as a space) → it."""
    out: dict[str, str] = {}
    for c in (*layout.categories, *layout.unweighted):
        out[c.replace("_", " ").casefold()] = c
        if c in layout.labels:
            out[" ".join(layout.labels[c].replace("_", " ").split()).casefold()] = c
    for spelling, c in layout.spellings.items():
        out[" ".join(spelling.replace("_", " ").split()).casefold()] = c
    return out


def _category_parser(layout: RuralLayout) -> Any:
    """The parser of a per-kommun file's ``kategori`` cell: a category or an unweighted one."""
    spellings = _spellings(layout)
    names = ", ".join((*layout.categories, *layout.unweighted))

    def parse(value: Any) -> str:
        text = " ".join(str(value).replace("_", " ").split()).casefold()
        if text in spellings:
            return spellings[text]
        if text == "":
            raise ValueError(f"the cell is empty; expected a category: {names}")
        near = _close(text, list(spellings), 0.7)
        hint = f" (did you mean '{spellings[near[0]]}'?)" if near else ""
        unweighted = f" or {', '.join(layout.unweighted)} (no weight)" if layout.unweighted else ""
        raise ValueError(f"no such category {_shown(value)}{hint}; expected {', '.join(layout.categories)} "
                         f"(the weighted categories of the rural key){unweighted}")

    return parse


_STATUS_TEXTS = ("kategorier kända", "endast viktad summa")  # as the workbook's Underlag writes them


def _status_parser(layout: RuralLayout) -> Any:
    """The parser of the status cell: "" (none), or the layout's known or weighted-sum value."""
    status = layout.status
    assert status is not None
    values = {status.known: status.known, status.weighted_sum: status.weighted_sum,
              _STATUS_TEXTS[0]: status.known, _STATUS_TEXTS[1]: status.weighted_sum}

    def parse(value: Any) -> str:
        text = str(value).strip()
        text = values.get(text.casefold(), values.get(text, text))
        if text in ("", status.known, status.weighted_sum):
            return text
        raise ValueError(f"unknown status {_shown(value)}; expected {status.known} or {status.weighted_sum} "
                         "(or an empty cell)")

    return parse


def _kommun_row(layout: RuralLayout) -> _Row:
    """One row of a per-kommun rural key (avsnitt 12): kommun, category, population."""
    return _Row("KommunKeyRecord", {
        "kommun_code": _parsed(_KOMMUN_CODE, core_schema.str_schema()),
        "kategori": _parsed(_category_parser(layout), core_schema.str_schema()),
        "population": _count(),
        "lan_code": _optional_text(_LAN_CODE),
    }, required=("kommun_code", "kategori", "population"))


def _region_row(layout: RuralLayout) -> _Row:
    """One row of a per-region rural key (bilaga 4): categories, or the weighted sum, or both."""
    columns = {"lan_code": _lan_code(), "region": _optional_text(_text("the region name"))}
    columns.update({c: _optional_count() for c in layout.count_columns})
    if layout.weighted_sum:
        top = max(layout.reference.values(), default=Fraction(1))
        limit = math.ceil(MAX_POPULATION * max(top, Fraction(1)))
        columns[layout.weighted_sum] = _optional_count(lambda v: parse_count(v, limit))
    if layout.status:
        columns[layout.status.column] = _parsed(_status_parser(layout), core_schema.str_schema())
    return _Row("RegionKeyRecord", columns, required=("lan_code",))


def _default_layout() -> RuralLayout:
    """The rural key's layout of the default agreement."""
    from ..agreements import load_agreement

    rural = load_agreement().landsbygd
    assert rural is not None and rural.rural is not None
    return rural.rural


def load_landsbygd(
    path: str | Path | None = None, layout: RuralLayout | None = None, codes: Sequence[str] | None = None,
) -> tuple[tuple[RuralKey, ...], dict[str, Fraction]]:
    """The rural key per region, and the weights (by category) its weighted sums were computed at.

    ``path`` is either a per-region key (the format of ``data/landsbygd_weights.csv``) or a
    per-kommun list (``kommun_code``, ``kategori``, ``population``); the header tells which.
    ``layout`` is the definition's (default: the default agreement's key and file); ``codes`` the
    län codes of the agreement's recipients (default: all 21), each of which gets a key.
    """
    expected = tuple(codes) if codes else tuple(LAN)
    if layout is None:
        layout = _default_layout()
    reference = dict(layout.reference)
    if path is None:
        path = _default_data("rural_key")
    names = headings(layout)
    table = read_table(
        path, _header_names(*layout.region_columns, *KOMMUN_KEY_COLUMNS, headings=names), total_rows=True,
        max_bytes=MAX_BYTES, max_rows=MAX_ROWS,
    )
    header = {h.casefold() for h in table.header}
    per_kommun = bool(header & {"kommun_code", "kategori", "kommunkod"}) or (
        "lan_code" not in header
        and any(_close(h, ["kommun_code", "kategori"], 0.6) for h in header)
    )
    if per_kommun:
        return _per_kommun(_Report(table), layout, expected), reference
    return _per_region(_Report(table), layout, names, expected), reference


def _per_kommun(report: _Report, layout: RuralLayout, expected: Sequence[str]) -> tuple[RuralKey, ...]:
    """A per-kommun rural key, summed per län into inhabitants per category."""
    present = _columns(
        report,
        (*KOMMUN_KEY_COLUMNS, *_KOMMUN_KEY_OPTIONAL),
        KOMMUN_KEY_COLUMNS,
        strict=False,
        describe="a rural key per kommun",
    )
    rows = _parse_rows(report, present, _kommun_row(layout))
    _check_totals(report, rows, present, ("population",))
    known = _kommun_codes()
    seen: dict[str, int] = {}
    weighted = 0
    for line_no, v in rows:
        code = v.get("kommun_code")
        if v.get("kategori") in layout.categories:
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
        elif code[:2] not in expected:
            report.add(f"kommun {code} is in län {code[:2]}, which is not among this agreement's recipients "
                       f"({', '.join(expected)})", row=line_no, column=column)
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
            f"no kommun in a weighted category ({', '.join(layout.categories)}) has inhabitants: the "
            "rural part cannot be shared by this key",
            column=present.get("population", "population"),
        )
    report.raise_if_any()
    return key_from_kommuner(
        [
            KommunRow(kommun_code=v["kommun_code"], kategori=v["kategori"], population=v["population"])
            for _, v in rows
        ],
        expected, layout.categories, layout.unweighted,
    )


def _weighted(key: RuralKey, reference: Mapping[str, Fraction]) -> Fraction:
    """A row's W at the reference weights: its weighted sum, else from its inhabitants."""
    if key.weighted_sum is not None:
        return Fraction(key.weighted_sum)
    counts = key.inhabitants or {}
    return sum((reference.get(c, Fraction(1)) * n for c, n in counts.items()), Fraction(0))


def _per_region(report: _Report, layout: RuralLayout, names: Mapping[str, tuple[str, ...]],
                expected: Sequence[str]) -> tuple[RuralKey, ...]:
    """A per-region rural key: categories, or the weighted sum at the reference weights, or both."""
    present = _columns(
        report,
        layout.region_columns,
        ("lan_code",),
        strict=True,
        describe="a rural key per region",
        ignored=POPULATION_COLUMNS,
        headings=names,
    )
    measured = (*layout.count_columns, *([layout.weighted_sum] if layout.weighted_sum else []))
    if not report.problems and not (set(present) & set(measured)):
        sums = f" nor the weighted sum ({layout.weighted_sum})" if layout.weighted_sum else ""
        report.add(
            f"neither the inhabitants per category ({', '.join(layout.count_columns)}){sums} has a column",
            row=report.table.header_row,
        )
        either = " or ".join(filter(None, (layout.weighted_sum, ", ".join(layout.count_columns))))
        _hint_other_format(
            report,
            {"hsl_insatser"},
            "a population file (--population)",
            f"a rural key: lan_code with {either} (per region), or kommun_code, kategori, population (per kommun)",
        )
        report.raise_if_any()
    rows = _parse_rows(report, present, _region_row(layout))
    _check_lan(report, rows, present, {"region": LAN}, expected)
    _check_totals(report, rows, present, measured)
    keys: list[RuralKey] = []
    total = Fraction(0)
    complete = True
    for line_no, v in rows:
        key = _region_key(report, line_no, v, present, layout)
        if key is None:
            complete = False
            continue
        keys.append(key)
        total += _weighted(key, layout.reference)
    if complete and not report.problems and total == 0:
        report.add(
            "every region's weighted rural population is zero: the rural part cannot be shared by this key",
            column=present.get(layout.weighted_sum, layout.weighted_sum or layout.count_columns[0]),
        )
    report.raise_if_any()
    return tuple(keys)


def _region_key(
    report: _Report,
    line_no: int,
    v: Mapping[str, Any],
    present: Mapping[str, str],
    layout: RuralLayout,
) -> RuralKey | None:
    """One row of a per-region key, checked for consistency; ``None`` (and a problem) if it is not."""
    total_col = layout.weighted_sum
    measured = (*layout.count_columns, *([total_col] if total_col else []))
    if "lan_code" not in v or any(c in present and c not in v for c in measured):
        return None  # a cell of this row already failed
    cats = {c: v.get(layout.columns[c]) for c in layout.categories}
    given = [n is not None for n in cats.values()]
    vagd = v.get(total_col) if total_col else None
    status = v.get(layout.status.column, "") if layout.status else ""

    def col(name: str) -> str:
        return present.get(name, name)

    problem = _row_problem(layout, cats, vagd, status)
    if problem is not None:
        message, column = problem
        report.add(message, row=line_no, column=col(column))
        return None
    inhabitants = {c: n for c, n in cats.items() if n is not None} if all(given) else None
    return RuralKey(code=v["lan_code"], inhabitants=inhabitants, weighted_sum=vagd)


def _row_problem(
    layout: RuralLayout, cats: Mapping[str, int | None], vagd: int | None, status: str
) -> tuple[str, str] | None:
    """What is wrong with a row's categories, weighted sum and status (a message and its column), if anything."""
    given = [n is not None for n in cats.values()]
    total_col = layout.weighted_sum
    if any(given) and not all(given):
        missing = layout.count_columns[given.index(False)]
        return (f"give the inhabitants of all {len(given)} categories ({', '.join(layout.count_columns)}) "
                "or of none"), missing
    if not all(given) and vagd is None:
        sums = f" nor the weighted sum {total_col}" if total_col else ""
        return f"neither the inhabitants per category{sums} is given", total_col or layout.count_columns[0]
    if all(given) and vagd is not None:
        w = sum((layout.reference[c] * (n or 0) for c, n in cats.items()), Fraction(0))
        if w != vagd:
            ref = "/".join(str(x) for x in layout.reference.values())
            return f"the categories give a weighted sum of {w} at the weights {ref} (avsnitt 12), not {vagd}", total_col
    st = layout.status
    if st is not None and status == st.known and not all(given):
        return f"status {st.known}, but the inhabitants per category are not given", st.column
    if st is not None and status == st.weighted_sum and all(given):
        return (f"status {st.weighted_sum}, but the inhabitants per category are given; use {st.known}",
                st.column)
    return None
