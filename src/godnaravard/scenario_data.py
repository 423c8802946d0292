"""A scenario file's ``[data]`` section: the user's own data files by slot, and their dates.

Each entry is a path, relative to the scenario file's folder (issue 17 §1: every path in a
scenario resolves against the scenario's folder), or ``{ file = PATH, date = YYYY-MM-DD }``
(issue 18 §2: the own file's date, so that headings follow it).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pydantic_core import SchemaValidator, ValidationError, core_schema

from .agreements import Agreement
from .errors import Problem, optional, record
from .files import not_readable

__all__ = ["data_section"]


@cache
def _data_entry() -> SchemaValidator:
    """The validator of a ``{file, date}`` entry of ``[data]`` (the date is read by ``own_data.parse_date``)."""
    cs = core_schema
    return SchemaValidator(record("_DataEntry", {"file": cs.str_schema(min_length=1),
                                                 "date": optional(cs.any_schema(), None)}))


def data_section(data: Mapping[str, Any], path: Path, label: str, ag: Agreement,
                 problems: list[Problem]) -> tuple[dict[str, Path], dict[str, dt.date]]:
    """A scenario file's ``[data]``: each slot's file, relative to the scenario file's folder (issue 17),
    and its date where given (issue 18 §2). Problems are added to ``problems``."""
    from .own_data import DataSlotError, parse_date, unknown_slot

    files: dict[str, Path] = {}
    dates: dict[str, dt.date] = {}
    for which, entry in data.items():
        why = unknown_slot(ag, which)
        if why is not None:
            problems.append(Problem(label, why, key=f"data.{which}"))
            continue
        if isinstance(entry, dict):
            try:
                entry = _data_entry().validate_python(entry)
            except ValidationError as exc:
                problems.extend(Problem(label, err["msg"], key=".".join(["data", which, *map(str, err["loc"])]))
                                for err in exc.errors())
                continue
        elif not isinstance(entry, str) or not entry:
            problems.append(Problem(label, "expected the path of a file, or { file = PATH, date = YYYY-MM-DD }",
                                    key=f"data.{which}"))
            continue
        value = entry if isinstance(entry, str) else entry.file
        p = Path(value)
        p = p if p.is_absolute() else Path(os.path.normpath(path.parent / p))
        why = not_readable(p, "data file")  # the true reason: a folder, a FIFO, a device, missing
        if why is not None:
            problems.append(Problem(label, f"{value!r}: {why} (looked for {p})", key=f"data.{which}"))
        files[which] = p
        if not isinstance(entry, str) and entry.date is not None:
            try:
                dates[which] = parse_date(entry.date)
            except DataSlotError as exc:
                problems.append(Problem(label, str(exc), key=f"data.{which}.date"))
    return files, dates
