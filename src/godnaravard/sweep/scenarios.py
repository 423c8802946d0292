"""The scenarios of a sweep: ranges, lists and files of parameter values, checked against an agreement.

Every key must be a parameter of the agreement (its definition lists them with their kinds), and
every value is parsed exactly as ``--set`` parses it (``scenario.parse_value``): amounts in whole
kronor, shares and weights as exact fractions. Per-value rules (an amount is ≥ 0, a share lies
in [0, 1], a weight is ≥ 0) are checked here, with the file, row and column; rules that involve
several parameters are the core's, applied per scenario by the engine.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError, Problem

if TYPE_CHECKING:
    from ..agreements import Agreement

__all__ = [
    "MAX_SCENARIOS",
    "ScenarioSet",
    "agreement_of",
    "grid",
    "parse_spec",
    "read_scenarios",
    "scenarios_from_records",
]

#: A grid or file larger than this is refused (it would not fit in memory anyway).
MAX_SCENARIOS = 10_000_000

Value = int | Fraction


def agreement_of(ref: Agreement | str | Path | None) -> Agreement:
    """An ``Agreement`` from an object, a shipped name or alias, a path, or None (the default)."""
    from ..agreements import Agreement, load_agreement

    return ref if isinstance(ref, Agreement) else load_agreement(ref)


@dataclass(frozen=True)
class ScenarioSet:
    """The scenarios of a sweep: per varied key, its distinct values and each scenario's choice.

    Attributes:
        keys: the varied parameter keys, in column order.
        levels: per key, its distinct values (``int`` kronor or ``Fraction``).
        codes: per key, an int array with one index into ``levels[key]`` per scenario.
        labels: the scenario ids from a file's ``scenario`` column, or None (ids 1, 2, …).
    """

    keys: tuple[str, ...]
    levels: Mapping[str, tuple[Value, ...]]
    codes: Mapping[str, np.ndarray]
    labels: tuple[str, ...] | None = None
    size: int = field(init=False)

    def __post_init__(self) -> None:
        sizes = {len(c) for c in self.codes.values()}
        if len(sizes) > 1:
            raise ValueError("every key needs one code per scenario")
        if set(self.codes) != set(self.keys) or set(self.levels) != set(self.keys):
            raise ValueError("levels and codes are needed for every key, and only for them")
        object.__setattr__(self, "size", sizes.pop() if sizes else 0)
        if self.labels is not None and len(self.labels) != self.size:
            raise ValueError("one label per scenario")

    def label(self, i: int) -> str:
        """The id of scenario ``i`` (0-based position) as shown in the output."""
        return self.labels[i] if self.labels is not None else str(i + 1)

    def values(self, i: int) -> dict[str, Value]:
        """The varied parameters of scenario ``i`` (0-based position)."""
        return {k: self.levels[k][int(self.codes[k][i])] for k in self.keys}


def _level_problem(key: str, value: Value, kind: str) -> str | None:
    """Why ``value`` can never be ``key`` (the per-key rules of ``Parameters.validate``), or None."""
    if kind == "amount":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{key} must be whole kronor, got {value!r}"
        if value < 0:
            return f"{key} cannot be negative, got {value}"
    elif kind == "share":
        if not 0 <= value <= 1:
            return f"{key} must be a share between 0 and 1, got {value}"
    elif value < 0:
        return f"{key} must be a weight ≥ 0, got {value}"
    return None


def _check_key(key: str, source: str, agreement: Agreement) -> None:
    """Refuse a key that is not a parameter of the agreement, suggesting the closest one."""
    from ..scenario import parse_value

    if key not in agreement.rules.parameters:
        try:
            parse_value(key, "0", agreement)
        except ValueError as exc:
            raise InputError(Problem(source, str(exc), column=key)) from None


def _parse(key: str, raw: Any, source: str, agreement: Agreement, row: int | None = None) -> Value:
    """One value of ``key`` (``parse_value``), refused with an ``InputError`` naming ``source``."""
    from ..scenario import parse_value

    try:
        value = parse_value(key, raw, agreement)
    except ValueError as exc:
        raise InputError(Problem(source, str(exc), row=row, column=key)) from None
    problem = _level_problem(key, value, agreement.rules.parameters[key])
    if problem:
        raise InputError(Problem(source, problem, row=row, column=key))
    return value


def parse_spec(
    key: str, spec: str | Iterable[Any], source: str = "--vary", agreement: Agreement | str | Path | None = None
) -> tuple[Value, ...]:
    """The values of one ``--vary KEY=SPEC``: a range ``start:stop:step``, a list ``a,b,c`` or one value.

    A range runs from ``start`` in steps of ``step`` (> 0) and includes ``stop`` when ``stop − start``
    is a whole number of steps; otherwise it ends at the last value below ``stop``. Values are exact:
    ``0:1:0.1`` gives eleven fractions 0, 1/10, …, 1. In lists, commas separate values, so decimals
    take a point (``0.25``) or are written as fractions (``1/4``) or percentages (``25%``).
    ``spec`` may also be an iterable of values (the Python API). ``key`` must be a parameter of
    ``agreement`` (default: the default agreement).
    """
    ag = agreement_of(agreement)
    _check_key(key, source, ag)
    if not isinstance(spec, str):
        values = tuple(_parse(key, v, source, ag) for v in spec)
    elif ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise InputError(Problem(source, f"a range is start:stop:step, got {spec!r}", column=key))
        start, stop, step = (_parse(key, p, source, ag) for p in parts)
        if step <= 0:
            raise InputError(Problem(source, f"the step of {spec!r} must be positive", column=key))
        if stop < start:
            raise InputError(Problem(source, f"the range {spec!r} ends before it starts", column=key))
        count = (stop - start) // step + 1
        if count > MAX_SCENARIOS:
            raise InputError(Problem(source, f"the range {spec!r} has {count} values; at most "
                                             f"{MAX_SCENARIOS} scenarios per sweep", column=key))
        # start, stop and every step are valid values, so is every value between them.
        values = tuple(start + i * step for i in range(count))
    else:
        values = tuple(_parse(key, p, source, ag) for p in spec.split(","))
    if not values:
        raise InputError(Problem(source, "no values given", column=key))
    return values


def grid(
    vary: Mapping[str, str | Iterable[Any]], source: str = "--vary", agreement: Agreement | str | Path | None = None
) -> ScenarioSet:
    """Every combination of the varied values (the first key varies slowest)."""
    if not vary:
        raise InputError(Problem(source, "nothing to vary: give at least one KEY=SPEC"))
    ag = agreement_of(agreement)
    levels = {key: parse_spec(key, spec, source, ag) for key, spec in vary.items()}
    sizes = [len(v) for v in levels.values()]
    total = math.prod(sizes)
    if total > MAX_SCENARIOS:
        raise InputError(Problem(source, f"the grid has {total:,} scenarios; at most {MAX_SCENARIOS:,} "
                                         "per sweep".replace(",", " ")))
    codes: dict[str, np.ndarray] = {}
    index = np.arange(total, dtype=np.int64)
    stride = total
    for key, size in zip(levels, sizes, strict=True):
        stride //= size
        codes[key] = (index // stride) % size
    return ScenarioSet(keys=tuple(levels), levels=levels, codes=codes)


def _intern(values: Sequence[Value]) -> tuple[tuple[Value, ...], np.ndarray]:
    """Distinct values of one column and each row's index into them."""
    seen: dict[Value, int] = {}
    idx = np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.int64, count=len(values))
    return tuple(seen), idx


def scenarios_from_records(
    records: Sequence[Mapping[str, Any]], source: str = "scenarios", agreement: Agreement | str | Path | None = None
) -> ScenarioSet:
    """Scenarios from a list of ``{key: value}`` dicts (an optional ``"scenario"`` entry is the id)."""
    if not records:
        raise InputError(Problem(source, "no scenarios given"))
    if len(records) > MAX_SCENARIOS:
        raise InputError(Problem(source, f"{len(records)} scenarios; at most {MAX_SCENARIOS}"))
    ag = agreement_of(agreement)
    keys = [k for k in records[0] if k != "scenario"]
    for k in keys:
        _check_key(k, source, ag)
    if not keys:
        raise InputError(Problem(source, "no parameters given"))
    problems: list[Problem] = []
    columns: dict[str, list[Value]] = {k: [] for k in keys}
    for n, rec in enumerate(records, start=1):
        if set(rec) != set(records[0]):
            problems.append(Problem(source, "every scenario must give the same keys", row=n))
            continue
        for k in keys:
            try:
                columns[k].append(_parse(k, rec[k], source, ag, row=n))
            except InputError as exc:
                problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    labels = None
    if "scenario" in records[0]:
        labels = tuple(str(r["scenario"]) for r in records)
        _check_labels(source, labels, range(1, len(records) + 1))
    return _from_columns(columns, labels)


def _from_columns(columns: Mapping[str, Sequence[Value]], labels: tuple[str, ...] | None) -> ScenarioSet:
    """A scenario set from one list of values per key (one value per scenario)."""
    levels: dict[str, tuple[Value, ...]] = {}
    codes: dict[str, np.ndarray] = {}
    for key, values in columns.items():
        levels[key], codes[key] = _intern(values)
    return ScenarioSet(keys=tuple(columns), levels=levels, codes=codes, labels=labels)


def read_scenarios(path: str | Path, agreement: Agreement | str | Path | None = None) -> ScenarioSet:
    """Scenarios from a CSV file: one column per parameter key, one row per scenario.

    The keys are the parameters of ``agreement`` (default: the default agreement). An optional
    column ``scenario`` holds the ids (unique, non-empty); without it the scenarios are numbered
    1, 2, … in file order. Every error names the file, the row and the column.
    """
    from ..scenario import parse_value
    from ..tables import read_table

    ag = agreement_of(agreement)
    kinds = ag.rules.parameters
    table = read_table(path)
    keys = [h for h in table.header if h != "scenario"]
    problems: list[Problem] = []
    for col in table.header:
        if col != "scenario" and col not in kinds:
            near = difflib.get_close_matches(col, list(kinds), n=1)
            hint = (f"; did you mean '{near[0]}'?" if near
                    else f"; expected parameter keys of {ag.name} such as {next(iter(kinds))}")
            problems.append(Problem(table.file, f"unknown column{hint}", row=1, column=col))
    if len(set(table.header)) != len(table.header):
        problems.append(Problem(table.file, "a column name appears twice", row=1))
    if not keys and not problems:
        problems.append(Problem(table.file, "no parameter columns", row=1))
    if problems:
        raise InputError(problems)
    if len(table.rows) > MAX_SCENARIOS:
        raise InputError(Problem(table.file, f"{len(table.rows)} scenarios; at most {MAX_SCENARIOS}"))
    columns: dict[str, list[Value]] = {k: [] for k in keys}
    cache: dict[tuple[str, str], Value] = {}
    for line_no, cells in table.rows:
        for k in keys:
            text = cells[k]
            value = cache.get((k, text))
            if value is None:
                if text == "":
                    problems.append(Problem(table.file, "the cell is empty", row=line_no, column=k))
                    continue
                try:
                    value = parse_value(k, text, ag)
                except ValueError as exc:
                    problems.append(Problem(table.file, str(exc), row=line_no, column=k))
                    continue
                problem = _level_problem(k, value, kinds[k])
                if problem:
                    problems.append(Problem(table.file, problem, row=line_no, column=k))
                    continue
                cache[(k, text)] = value
            columns[k].append(value)
        if len(problems) > 50:
            break
    if problems:
        raise InputError(problems)
    labels = None
    if "scenario" in table.header:
        labels = tuple(cells["scenario"] for _, cells in table.rows)
        _check_labels(table.file, labels, [n for n, _ in table.rows])
    return _from_columns(columns, labels)


def _check_labels(file: str, labels: Sequence[str], rows: Iterable[int]) -> None:
    """Scenario ids must be non-empty and unique."""
    seen: dict[str, int] = {}
    problems = []
    for label, row in zip(labels, rows, strict=True):
        if not label:
            problems.append(Problem(file, "the scenario id is empty", row=row, column="scenario"))
        elif label in seen:
            problems.append(Problem(file, f"scenario id {label!r} appears again (first on row {seen[label]})",
                                    row=row, column="scenario"))
        seen.setdefault(label, row)
    if problems:
        raise InputError(problems)
