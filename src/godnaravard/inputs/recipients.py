"""The recipients of an agreement and their counts: per län (regions), per kommun, or SCB's short file.

Formats (the shipped files are the examples): ``lan_code, lan, region`` and the agreement's
count columns (God och nära vård: ``population, hsl_insatser``); per kommun ``kommun_code,
kommun`` and the counts; and SCB's short population file (code, name, population), which
replaces only the population of the agreement's own recipients (``load_short_population``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

from pydantic_core import core_schema

from ..core import Recipient
from ..lan import LAN, REGION_NAMES, lookup
from ..tables import MAX_BYTES, TOTAL_LABELS, read_table
from .cells import (
    _KOMMUN_CODE,
    MAX_ROWS,
    REGION_KEY_COLUMNS,
    _count,
    _kommun_names,
    _lan_code,
    _optional_text,
    _parsed,
    _Row,
    _shown,
    _text,
    parse_count,
)
from .report import (
    _check_lan,
    _check_not_all_zero,
    _check_totals,
    _columns,
    _header_names,
    _parse_rows,
    _Report,
    canonical_column,
)

# --------------------------------------------------------------------------------------------
# Population


@cache
def _recipient_row(counts: tuple[str, ...], kommun: bool = False) -> _Row:
    """The row schema of a recipients file with these count columns (per län, or per kommun)."""
    if kommun:
        return _Row("KommunRecord", {
            "kommun_code": _parsed(_KOMMUN_CODE, core_schema.str_schema()),
            "kommun": _parsed(_text("the kommun's name, such as Upplands Väsby"), core_schema.str_schema()),
            **{c: _count() for c in counts},
        }, required=("kommun_code", "kommun", *counts))
    return _Row("RecipientRecord", {
        "lan_code": _lan_code(),
        "lan": _optional_text(_text("the län name, such as Stockholm")),
        "region": _parsed(_text("the region name, such as Region Stockholm"), core_schema.str_schema()),
        **{c: _count() for c in counts},
    }, required=("lan_code", "region", *counts))


def load_population(
    path: str | Path | None = None,
    counts: Sequence[str] = ("population", "hsl_insatser"),
    codes: Sequence[str] | None = None,
    default: Path | None = None,
    require_all: bool = True,
    kommun: bool = False,
) -> tuple[Recipient, ...]:
    """The recipients and their counts (population, HSL insatser, …) from ``path``.

    ``counts`` are the numeric columns the agreement shares by; ``codes`` are the län codes that
    must each appear exactly once (default: all 21 län; with ``require_all=False``, any of them,
    at most once); ``default`` is the agreement's own file, read when ``path`` is None. With
    ``kommun``, the recipients are kommuner: columns ``kommun_code, kommun`` and the counts, each
    code one of SCB's (``data/kommuner.csv``) and each name that code's.
    """
    if kommun:
        return _load_kommuner(path if path is not None else default, tuple(counts), codes, require_all)
    if path is None:
        path = default if default is not None else _default_data("recipients")
    columns = ("lan_code", "lan", "region", *counts)
    required = ("lan_code", "region", *counts)  # the län's name, when absent, is SCB's for the code
    expected_codes = tuple(codes) if codes is not None else tuple(LAN)
    report = _Report(
        read_table(path, _header_names(*columns), total_rows=True, max_bytes=MAX_BYTES,
                       max_rows=MAX_ROWS)
    )
    present = _columns(
        report,
        columns,
        required,
        strict=True,
        describe="a population file",
        ignored=REGION_KEY_COLUMNS,
    )
    if any(c not in present for c in required):
        _hint_other_format(
            report,
            {"kommun_code", "kategori", "status"},
            "a rural key (--landsbygd)",
            f"a population file with the columns {', '.join(columns)}",
        )
    rows = _parse_rows(report, present, _recipient_row(tuple(counts)))
    _check_lan(report, rows, present, {"lan": LAN, "region": REGION_NAMES}, expected_codes, require_all)
    _check_totals(report, rows, present, counts)
    zero = _check_not_all_zero(report, rows, present, counts)
    if "hsl_insatser" in counts and "population" in counts:
        for line_no, v in rows:
            insatser, population = v.get("hsl_insatser"), v.get("population")
            if not zero and insatser is not None and population is not None and insatser > population:
                report.add(
                    f"{insatser} people with HSL insatser, but the population is only {population}: "
                    f"the two counts are in the wrong columns, or one of them is mistyped",
                    row=line_no,
                    column=present["hsl_insatser"],
                )
    report.raise_if_any()
    return tuple(
        Recipient(code=v["lan_code"], name=v["region"], lan=v.get("lan") or LAN[v["lan_code"]],
                  counts={c: v[c] for c in counts})
        for _, v in rows
    )


#: The first year a count heading may name (SCB's population statistics begin with it); the last
#: is next year. SCB's exports head the count column by its period (``"region";"YYYY"``).
_FIRST_YEAR = 1749


@cache
def _year_headings() -> tuple[str, ...]:
    """Every year a count column of SCB's export may be headed by, as text."""
    return tuple(str(y) for y in range(_FIRST_YEAR, dt.date.today().year + 2))


def _short_column(label: str) -> str | None:
    """The column a header label of the short form names; a year heads the population."""
    if label.strip() in _year_headings():
        return "population"
    return canonical_column(label, ("lan_code", "lan", "region", "population"))


def _is_country(text: str) -> bool:
    """The country's total row: ``Riket`` (``Totalt`` …), or SCB's ``00 Riket``."""
    key = " ".join(text.split()).casefold()
    head, _, rest = key.partition(" ")
    return key in TOTAL_LABELS or (head == "00" and rest in TOTAL_LABELS)


def load_short_population(
    path: str | Path, own: Sequence[Recipient], column: str | None = "population"
) -> tuple[tuple[Recipient, ...], tuple[str, ...]] | None:
    """A population file in SCB's short form, two columns: the län (code, name, or SCB's
    ``01 Stockholms län``) and its population (``Folkmängd``, ``Befolkning`` …, or the year
    SCB's export heads it with, ``YYYY``).

    Title lines above the header are skipped; the country's total (``00 Riket`` as SCB puts it,
    first, or a ``Riket``/``Totalt`` row last) is not a recipient: it must equal the sum of the
    län, else the file is refused. Every other column (names, other counts) is taken from
    ``own``, the agreement's own data, and named in the second value returned, so that the output
    can say so. The population goes to the recipients' count ``column`` (the agreement's
    inhabitants, ``Agreement.inhabitants_column``); None refuses the short form (the agreement
    counts no inhabitants among its recipients' counts). Returns None when the file is not in the
    short form (the full format is then read as usual).
    """
    table = read_table(path, (*_header_names("lan_code", "lan", "region", "population"), *_year_headings()),
                       total_rows=True, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    matched = {label: _short_column(label) for label in table.header}
    names = [label for label, column in matched.items() if column in ("lan_code", "lan", "region")]
    counts = [label for label, column in matched.items() if column == "population"]
    if len(table.header) != 2 or len(names) != 1 or len(counts) != 1:
        return None
    report = _Report(table)
    if column is None:
        report.add("a file of two columns gives one count per recipient, its population, but this agreement "
                   "counts no inhabitants among its recipients' counts: give the file with every column "
                   "of the agreement's own", column=counts[0])
        report.raise_if_any()
    values, seen, totals = _short_rows(report, own, names[0], counts[0])
    by_code = {r.code: r for r in own}
    missing = [f"{c} {LAN[c]}" for c in by_code if c not in seen]
    if missing:
        report.add(f"no row for {len(missing)} län: {', '.join(missing)}; every recipient must appear once",
                   column=names[0])
    if values and not report.problems and sum(values.values()) == 0:
        report.add("every row is zero: there is nothing to share by", column=counts[0])
    if not report.problems:
        _check_country(report, totals, sum(values.values()), counts[0])
    report.raise_if_any()
    borrowed = ["lan", "region", *[c for c in own[0].counts if c != column]]
    recipients = tuple(replace(by_code[c], counts={**by_code[c].counts, str(column): values[c]}) for c in by_code)
    return recipients, tuple(borrowed)


def _short_rows(report: _Report, own: Sequence[Recipient], name: str, count: str
                ) -> tuple[dict[str, int], set[str], list[tuple[int, str, object]]]:
    """The population per län code of the short form, the codes of every län row (good count or
    not), and its total rows as ``(row, label, cell)``.

    Problems (an unknown or repeated län, a count that is not whole) go to ``report``.
    """
    table = report.table
    by_code = {r.code: r for r in own}
    seen: dict[str, int] = {}
    values: dict[str, int] = {}
    totals: list[tuple[int, str, object]] = []
    if table.total is not None:
        totals.append((table.total[0], str(table.total[1].get(name, "")), table.total[1].get(count, "")))
    for line_no, cells in table.rows:
        text = str(cells[name]).strip()
        if _is_country(text):
            totals.append((line_no, text, cells[count]))
            continue
        code = lookup(text)
        if code is None:
            report.add(f"unknown län {_shown(text)}: expected a län code, a län name or SCB's "
                       f"\"01 Stockholms län\"", row=line_no, column=name)
            continue
        if code not in by_code:
            report.add(f"län {code} ({LAN[code]}) is not a recipient of this agreement", row=line_no, column=name)
            continue
        if code in seen:
            report.add(f"län {code} ({LAN[code]}) appears again; it is first on row {seen[code]}", row=line_no,
                       column=name)
            continue
        seen[code] = line_no
        try:
            values[code] = parse_count(cells[count])
        except ValueError as exc:
            report.add(str(exc), row=line_no, column=count)
    return values, set(seen), totals


def _check_country(report: _Report, totals: list[tuple[int, str, object]], computed: int, count: str) -> None:
    """The country's total, where the file states one, must equal the sum of the län (as the
    total-row check of the full format, ``report._check_totals``)."""
    for line_no, label, cell in totals:
        try:
            stated = parse_count(cell, maximum=10**15)
        except ValueError as exc:
            if str(cell).strip():
                report.add(f"the total row ({_shown(label)}): {exc}", row=line_no, column=count)
            continue
        if stated != computed:
            report.add(f"the total row ({_shown(label)}) says {stated}, but the län rows sum to {computed}",
                       row=line_no, column=count)


def _load_kommuner(
    path: str | Path | None, counts: tuple[str, ...], codes: Sequence[str] | None, require_all: bool
) -> tuple[Recipient, ...]:
    """Recipients that are kommuner (four-digit codes), each once, names matching SCB's."""
    if path is None:
        raise ValueError("a kommun recipients file needs a path")
    columns = ("kommun_code", "kommun", *counts)
    report = _Report(read_table(path, _header_names(*columns), total_rows=True, max_bytes=MAX_BYTES,
                       max_rows=MAX_ROWS))
    present = _columns(report, columns, columns, strict=True, describe="a kommun recipients file")
    rows = _parse_rows(report, present, _recipient_row(counts, kommun=True))
    names = _kommun_names()
    expected = tuple(codes) if codes is not None else tuple(names)
    seen: dict[str, int] = {}
    for line_no, v in rows:
        code = v.get("kommun_code")
        if code is None:
            continue
        if code not in names or code not in expected:
            what = "not one of SCB's kommun codes" if code not in names else "not a recipient of this agreement"
            report.add(f"kommun {code} is {what}", row=line_no, column=present["kommun_code"])
        elif code in seen:
            report.add(f"kommun {code} ({names[code]}) appears again; it is first on row {seen[code]}",
                       row=line_no, column=present["kommun_code"])
        else:
            seen[code] = line_no
            name = v.get("kommun")
            if name is not None and name.casefold() != names[code].casefold():
                report.add(f"{name!r} is not the name of kommun {code} ({names[code]})", row=line_no,
                           column=present["kommun"])
    missing = [f"{c} {names.get(c, '?')}" for c in expected if c not in seen]
    if missing and require_all and "kommun_code" in present:
        report.add(f"no row for {len(missing)} kommun(er): {', '.join(missing[:10])}"
                   + (" …" if len(missing) > 10 else "") + "; every recipient must appear once",
                   column=present["kommun_code"])
    _check_totals(report, rows, present, counts)
    _check_not_all_zero(report, rows, present, counts)
    report.raise_if_any()
    return tuple(
        Recipient(code=v["kommun_code"], name=v["kommun"], lan=LAN.get(v["kommun_code"][:2], ""),
                  counts={c: v[c] for c in counts})
        for _, v in rows
    )


def _hint_other_format(report: _Report, markers: set[str], other: str, expects: str) -> None:
    """When the header is another input's, say only that (the file was given to the wrong option)."""
    header = {h.casefold() for h in report.table.header}
    if header & markers:
        report.problems = [p for p in report.problems if p.row != report.table.header_row]
        names = report.table.header
        shown = ", ".join(h[:40] for h in names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
        report.add(
            f"this looks like {other}, with the columns {shown}; this option "
            f"expects {expects}",
            row=report.table.header_row,
        )


# --------------------------------------------------------------------------------------------
# The default agreement's files


def _default_data(kind: str) -> Path:
    """The default agreement's data file of ``kind`` (``recipients`` or ``rural_key``: issue 17 §3),
    for the loaders called without a path."""
    from ..agreements import load_agreement

    return next(d.path for d in load_agreement().data.values() if d.kind == kind)

