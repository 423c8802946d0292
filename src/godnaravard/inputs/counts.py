"""More counts per recipient from a file of their own: a data slot of ``kind = "counts"`` (issue 17 §3).

An agreement may take some of its counts from another file than the recipients' (the people with
HSL insatser from Socialstyrelsen beside the population from SCB). Such a file has the recipients'
code column (``lan_code``, or ``kommun_code`` for kommuner) and the slot's ``counts``; name columns
(``lan``, ``region``, ``kommun``) and any other columns are ignored. It is joined to the recipients
by code: every recipient appears exactly once, and a code that is not a recipient is an error
naming the file, the row and the column. A total row, where the file has one, must agree with the
rows above it, as in every input file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from pydantic_core import core_schema

from ..core import Recipient
from ..tables import MAX_BYTES, read_table
from .cells import _KOMMUN_CODE, MAX_ROWS, _count, _lan_code, _parsed, _Row
from .report import _check_not_all_zero, _check_totals, _columns, _header_names, _parse_rows, _Report

__all__ = ["join_counts", "load_counts", "with_counts"]

#: The columns naming a recipient, which a counts file may carry and which are not read.
_NAMES = ("lan", "region", "kommun")


@cache
def _counts_row(counts: tuple[str, ...], kommun: bool) -> _Row:
    """The row schema of a counts file: the recipient's code and the counts."""
    code = ("kommun_code", _parsed(_KOMMUN_CODE, core_schema.str_schema())) if kommun else ("lan_code", _lan_code())
    return _Row("CountsRecord", {code[0]: code[1], **{c: _count() for c in counts}}, required=(code[0], *counts))


def load_counts(path: str | Path, counts: Sequence[str], recipients: Sequence[Recipient],
                kommun: bool = False) -> dict[str, dict[str, int]]:
    """The counts of each recipient (by code) from the counts file ``path``.

    Raises:
        InputError: every problem of the file at once, each naming its row and column: a missing
            column, a cell that is not a whole number, a code not among ``recipients``, a code
            given twice, a recipient without a row, a column that sums to zero, a total row that
            disagrees.
    """
    code = "kommun_code" if kommun else "lan_code"
    columns = (code, *counts)
    report = _Report(read_table(path, _header_names(*columns), total_rows=True, max_bytes=MAX_BYTES,
                                max_rows=MAX_ROWS))
    present = _columns(report, columns, columns, strict=True, describe="a counts file", ignored=_NAMES)
    rows = _parse_rows(report, present, _counts_row(tuple(counts), kommun))
    _check_codes(report, rows, present, code, recipients)
    _check_totals(report, rows, present, counts)
    if rows:  # no row at all is reported as the recipients without a row
        _check_not_all_zero(report, rows, present, counts)
    report.raise_if_any()
    return {v[code]: {c: v[c] for c in counts} for _, v in rows}


def _check_codes(report: _Report, rows: list[tuple[int, dict[str, Any]]], present: Mapping[str, str], code: str,
                 recipients: Sequence[Recipient]) -> None:
    """Every recipient exactly once, and no code that is not a recipient."""
    label = present.get(code, code)
    names = {r.code: r.name for r in recipients}
    seen: dict[str, int] = {}
    for line_no, values in rows:
        found = values.get(code)
        if found is None:
            continue
        if found not in names:
            report.add(f"unknown code {found!r}: not one of the {len(names)} recipients of the recipients file",
                       row=line_no, column=label)
        elif found in seen:
            report.add(f"{found} ({names[found]}) appears again; it is first on row {seen[found]}",
                       row=line_no, column=label)
        else:
            seen[found] = line_no
    missing = [f"{c} {n}" for c, n in names.items() if c not in seen]
    if missing and code in present:
        report.add(f"no row for {len(missing)} recipient(s): {', '.join(missing[:10])}"
                   + (" …" if len(missing) > 10 else "") + "; every recipient must appear once", column=label)


def with_counts(recipient: Recipient, values: Mapping[str, int]) -> Recipient:
    """``recipient`` with the counts ``values`` added (or replaced), by name."""
    return replace(recipient, counts={**recipient.counts, **values}) if values else recipient


def join_counts(recipients: Sequence[Recipient], extra: Mapping[str, Mapping[str, int]]) -> tuple[Recipient, ...]:
    """The recipients with the counts of a counts file (``load_counts``) joined by code."""
    return tuple(with_counts(r, extra.get(r.code, {})) for r in recipients)
