"""The scenarios of a sweep: ranges, lists and files of parameter values, checked against an agreement.

Every key must be a parameter of the agreement (its definition lists them with their kinds), and
every value is parsed exactly as ``--set`` parses it (``scenario.parse_value``): amounts in whole
kronor, shares and weights as exact fractions. Per-value rules (an amount is ≥ 0, a share lies
in [0, 1], a weight is ≥ 0) are checked here, with the file, row and column; rules that involve
several parameters are the core's, applied per scenario by the engine.

Sizes are checked before anything large is built: a range ``start:stop:step`` is counted
arithmetically and kept as a ``ValueRange`` (never expanded), a grid is the product of its value
counts and is refused above ``MAX_SCENARIOS`` before any value list of that size exists, and a
grid's scenarios are never listed: scenario ``i`` takes level ``(i // stride) % count`` of each
key. A scenario file is refused above ``MAX_FILE_BYTES`` (by its size, before it is read) and
above ``MAX_FILE_SCENARIOS`` rows (the reader stops at its row limit).
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from ..errors import InputError, Problem
from ..frozen import frozen

if TYPE_CHECKING:
    from ..agreements import Agreement
    from ..tables import Cell

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_FILE_SCENARIOS",
    "MAX_SCENARIOS",
    "ScenarioSet",
    "ValueRange",
    "agreement_of",
    "grid",
    "parse_spec",
    "read_scenarios",
    "scenarios_from_records",
]

#: A grid (or a list of records) larger than this is refused, before its values are built.
MAX_SCENARIOS = 10_000_000
#: A scenario file (``--scenarios``) larger than this is refused before it is read.
MAX_FILE_BYTES = 16 * 1024 * 1024
#: A scenario file with more rows than this is refused before it is parsed (use a grid for more).
MAX_FILE_SCENARIOS = 100_000

Value = int | Fraction
#: The base scenario's parameter values, which relative values apply to (None: the agreement's).
Base = Mapping[str, Value] | None


def _spaced(number: int) -> str:
    """``10000000`` → ``"10 000 000"`` (as the agreement's tables write numbers)."""
    return f"{number:,}".replace(",", " ")


def agreement_of(ref: Agreement | str | Path | None) -> Agreement:
    """An ``Agreement`` from an object, a shipped name or alias, a path, or None (the default)."""
    from ..agreements import Agreement, load_agreement

    return ref if isinstance(ref, Agreement) else load_agreement(ref)


class ValueRange(Sequence[Value]):
    """The values ``start, start + step, …`` (``count`` of them), computed on demand, never listed.

    A range of ten million amounts costs three numbers; ``len``, indexing, iteration and
    ``tuple(r)`` work as for a tuple of the values.
    """

    __slots__ = ("count", "start", "step")

    #: How many values (an attribute, where ``Sequence`` has a method ``count(value)``: a range's
    #: values are distinct, so that method would only ever answer 0 or 1).
    count: int  # type: ignore[assignment]  # shadows Sequence.count on purpose (see above)

    def __init__(self, start: Value, step: Value, count: int):
        if count < 0 or step <= 0:
            raise ValueError("a range needs a positive step and a count ≥ 0")
        self.start, self.step, self.count = start, step, count

    def __len__(self) -> int:
        return self.count

    @overload
    def __getitem__(self, i: int) -> Value: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[Value, ...]: ...

    def __getitem__(self, i: int | slice) -> Value | tuple[Value, ...]:
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(self.count)))
        i = int(i)
        if i < 0:
            i += self.count
        if not 0 <= i < self.count:
            raise IndexError("range index out of range")
        return self.start + i * self.step

    def __iter__(self) -> Iterator[Value]:
        return (self.start + i * self.step for i in range(self.count))

    @property
    def last(self) -> Value:
        """The largest value."""
        return self.start + (self.count - 1) * self.step

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ValueRange):
            return (self.start, self.step, self.count) == (other.start, other.step, other.count)
        if isinstance(other, tuple):
            return len(other) == self.count and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.start, self.step, self.count))

    def __repr__(self) -> str:
        return f"ValueRange(start={self.start!r}, step={self.step!r}, count={self.count})"


class _GridCodes(Mapping[str, np.ndarray]):
    """``ScenarioSet.codes`` of a grid: each key's codes for every scenario, built only when asked for."""

    def __init__(self, sset: ScenarioSet):
        self._sset = sset

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self._sset.levels:
            raise KeyError(key)
        return self._sset.codes_at(key, 0, self._sset.size)

    def __iter__(self) -> Iterator[str]:
        return iter(self._sset.keys)

    def __len__(self) -> int:
        return len(self._sset.keys)


@frozen
class ScenarioSet:
    """The scenarios of a sweep: per varied key, its distinct values and each scenario's choice.

    Attributes:
        keys: the varied parameter keys, in column order.
        levels: per key, its distinct values (``int`` kronor or ``Fraction``; a tuple, or a
            ``ValueRange`` for a range).
        codes: per key, an int array with one index into ``levels[key]`` per scenario; None for
            a grid (every combination, the first key slowest), whose codes are computed from
            the scenario's position (``codes_at``) and never stored.
        labels: the scenario ids from a file's ``scenario`` column, or None (ids 1, 2, …).
        notes: what a sweep says of its values (relative values: relative to which value).
    """

    keys: tuple[str, ...]
    levels: Mapping[str, Sequence[Value]]
    codes: Mapping[str, np.ndarray] | None = None
    labels: tuple[str, ...] | None = None
    notes: tuple[str, ...] = ()
    size: int = field(init=False)
    strides: Mapping[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if set(self.levels) != set(self.keys):
            raise ValueError("levels are needed for every key, and only for them")
        strides: dict[str, int] = {}
        if self.codes is None:  # a grid: scenario i takes level (i // stride) % count of each key
            size = 1
            for key in reversed(self.keys):
                strides[key] = size
                size *= len(self.levels[key])
            object.__setattr__(self, "codes", _GridCodes(self))
        else:
            sizes = {len(c) for c in self.codes.values()}
            if len(sizes) > 1:
                raise ValueError("every key needs one code per scenario")
            if set(self.codes) != set(self.keys):
                raise ValueError("codes are needed for every key, and only for them")
            size = sizes.pop() if sizes else 0
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "strides", strides)
        if self.labels is not None and len(self.labels) != self.size:
            raise ValueError("one label per scenario")

    @property
    def is_grid(self) -> bool:
        """True for every combination of the levels (codes computed, not stored)."""
        return bool(self.strides) or not self.keys

    def codes_at(self, key: str, start: int, stop: int) -> np.ndarray:
        """The level indices of ``key`` for the scenarios ``start`` … ``stop − 1`` (0-based)."""
        if self.strides:
            index = np.arange(start, stop, dtype=np.int64)
            return (index // self.strides[key]) % len(self.levels[key])
        return self.codes[key][start:stop]  # type: ignore[index]  # no strides: a file's set, with codes

    def level_of(self, key: str, i: int) -> int:
        """The level index of ``key`` in scenario ``i`` (0-based position)."""
        if self.strides:
            return (i // self.strides[key]) % len(self.levels[key])
        return int(self.codes[key][i])  # type: ignore[index]  # no strides: a file's set, with codes

    def label(self, i: int) -> str:
        """The id of scenario ``i`` (0-based position) as shown in the output."""
        return self.labels[i] if self.labels is not None else str(i + 1)

    def values(self, i: int) -> dict[str, Value]:
        """The varied parameters of scenario ``i`` (0-based position)."""
        return {k: self.levels[k][self.level_of(k, i)] for k in self.keys}


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


def _parse(key: str, raw: Any, source: str, agreement: Agreement, row: int | None = None,
           base: Base = None) -> Value:
    """One value of ``key`` (``parse_value``; a relative value applies to ``base``'s value, default
    the agreement's), refused with an ``InputError`` naming ``source``."""
    from ..scenario import parse_value

    try:
        value = parse_value(key, raw, agreement, None if base is None else base.get(key))
    except ValueError as exc:
        raise InputError(Problem(source, str(exc), row=row, column=key)) from None
    problem = _level_problem(key, value, agreement.rules.parameters[key])
    if problem:
        raise InputError(Problem(source, problem, row=row, column=key))
    return value


def _range(key: str, spec: str, source: str, agreement: Agreement, base: Base = None) -> ValueRange | tuple[Value, ...]:
    """A range ``start:stop:step``, counted arithmetically (its values are never listed); a range of
    relative values (``-10%:+10%:5%``, ``relspec``) is listed, after it is counted."""
    from ..agreements import parse_value as parse_kind
    from .relspec import is_relative_range, relative_range

    parts = spec.split(":")
    if len(parts) != 3:
        raise InputError(Problem(source, f"a range is start:stop:step, got {spec!r}", column=key))
    if is_relative_range(parts):
        kind = agreement.rules.parameters[key]
        start = agreement.parameters[key] if base is None or key not in base else base[key]
        values = relative_range(key, kind, spec, start, source, MAX_SCENARIOS)
        for value in (values[0], values[-1]):  # monotonic: the ends are the extremes
            problem = _level_problem(key, value, kind)
            if problem:
                raise InputError(Problem(source, f"{spec!r}: {problem}", column=key))
        return values
    start, stop = (_parse(key, p, source, agreement) for p in parts[:2])
    try:  # the step is a difference, not a value: only its sign is checked, and said so (never relative)
        step = parse_kind(key, parts[2], agreement.rules.parameters[key])
    except ValueError as exc:
        raise InputError(Problem(source, f"the step of {spec!r}: {exc}", column=key)) from None
    if step < 0:
        same = stop < start and (start - stop) % step == 0
        hint = (f" (the same values, rising: {parts[1].strip()}:{parts[0].strip()}:"
                f"{parts[2].strip().removeprefix('-').strip()})" if same else "")
        raise InputError(Problem(source, f"the step of {spec!r} is negative; a range counts up from start to "
                                         f"stop in a positive step{hint}", column=key))
    if step == 0:
        raise InputError(Problem(source, f"the step of {spec!r} must be positive", column=key))
    if stop < start:
        raise InputError(Problem(source, f"the range {spec!r} ends before it starts", column=key))
    # start and stop are valid values, and so is every value between them.
    return ValueRange(start, step, int((stop - start) // step) + 1)


def _spec_count(
    key: str, spec: str | Iterable[Any], source: str, agreement: Agreement, base: Base = None
) -> int | ValueRange | tuple[Value, ...]:
    """How many values ``spec`` has (a range: the range itself), without parsing a list's values."""
    if isinstance(spec, str) and ":" in spec:
        return _range(key, spec, source, agreement, base)
    if isinstance(spec, str):
        return spec.count(",") + 1
    return len(spec) if isinstance(spec, Sized) else -1


def _spec_values(
    key: str, spec: str | Iterable[Any], source: str, agreement: Agreement, counted: int | Sequence[Value],
    base: Base = None,
) -> Sequence[Value]:
    """The values of ``spec`` (a range as counted, a list or iterable parsed value by value)."""
    if not isinstance(counted, int):
        values: Sequence[Value] = counted
    elif isinstance(spec, str):
        values = tuple(_parse(key, p, source, agreement, base=base) for p in spec.split(","))
    else:
        values = tuple(_parse(key, v, source, agreement, base=base) for v in spec)
    if not values:
        raise InputError(Problem(source, "no values given", column=key))
    if len(values) > MAX_SCENARIOS:
        raise InputError(Problem(source, f"{_spaced(len(values))} values; at most {_spaced(MAX_SCENARIOS)} "
                                         "scenarios per sweep", column=key))
    return values


def parse_spec(
    key: str, spec: str | Iterable[Any], source: str = "--vary", agreement: Agreement | str | Path | None = None,
    base: Base = None,
) -> tuple[Value, ...]:
    """The values of one ``--vary KEY=SPEC``: a range ``start:stop:step``, a list ``a,b,c`` or one value.

    A range runs from ``start`` in steps of ``step`` (> 0) and includes ``stop`` when ``stop − start``
    is a whole number of steps; otherwise it ends at the last value below ``stop``. Values are exact:
    ``0:1:0.1`` gives eleven fractions 0, 1/10, …, 1. In lists, commas separate values, so decimals
    take a point (``0.25``) or are written as fractions (``1/4``) or percentages (``25%``).
    ``spec`` may also be an iterable of values (the Python API). ``key`` must be a parameter of
    ``agreement`` (default: the default agreement). A range of more than ``MAX_SCENARIOS`` values
    is refused before any value is built (``grid`` keeps ranges as ``ValueRange``). A relative value
    (``+10%``, ``*1.1``, a range ``-10%:+10%:5%``) applies to ``base[key]`` (the base scenario's
    parameters; default: the agreement's).
    """
    ag = agreement_of(agreement)
    _check_key(key, source, ag)
    counted = _spec_count(key, spec, source, ag, base)
    if isinstance(counted, ValueRange) and counted.count > MAX_SCENARIOS:
        raise InputError(Problem(source, f"the range {spec!r} has {_spaced(counted.count)} values; at most "
                                         f"{_spaced(MAX_SCENARIOS)} scenarios per sweep", column=key))
    return tuple(_spec_values(key, spec, source, ag, counted, base))


def grid(
    vary: Mapping[str, str | Iterable[Any]], source: str = "--vary", agreement: Agreement | str | Path | None = None,
    base: Base = None,
) -> ScenarioSet:
    """Every combination of the varied values (the first key varies slowest).

    The grid is counted before it is built: a range by arithmetic, a list by its commas; a grid of
    more than ``MAX_SCENARIOS`` scenarios is refused before any of its values is parsed. Ranges
    stay ``ValueRange``s and the scenarios are never listed (``ScenarioSet.codes_at``). Relative
    values apply to ``base`` (as in ``parse_spec``); ``notes`` say so.
    """
    if not vary:
        raise InputError(Problem(source, "nothing to vary: give at least one KEY=SPEC"))
    ag = agreement_of(agreement)
    counted: dict[str, int | ValueRange | tuple[Value, ...]] = {}
    for key, spec in vary.items():
        _check_key(key, source, ag)
        counted[key] = _spec_count(key, spec, source, ag, base)
    sizes = {k: c if isinstance(c, int) else len(c) for k, c in counted.items()}
    if all(size >= 0 for size in sizes.values()):
        total = math.prod(sizes.values())
        if total > MAX_SCENARIOS:
            shown = " × ".join(_spaced(s) for s in sizes.values())
            raise InputError(Problem(source, f"the grid has {_spaced(total)} scenarios ({shown}); at most "
                                             f"{_spaced(MAX_SCENARIOS)} per sweep"))
    levels = {key: _spec_values(key, spec, source, ag, counted[key], base) for key, spec in vary.items()}
    total = math.prod(len(v) for v in levels.values())
    if total > MAX_SCENARIOS:  # iterables without a length, counted only now
        raise InputError(Problem(source, f"the grid has {_spaced(total)} scenarios; at most "
                                         f"{_spaced(MAX_SCENARIOS)} per sweep"))
    return ScenarioSet(keys=tuple(levels), levels=levels, notes=_relative_notes(vary, ag, base))


def _relative_notes(vary: Mapping[str, str | Iterable[Any]], ag: Agreement, base: Base) -> tuple[str, ...]:
    """What the sweep says of the keys varied by relative values: relative to which value."""
    from .relspec import relative_note

    notes = []
    for key, spec in vary.items():
        if isinstance(spec, str):
            start = ag.parameters[key] if base is None or key not in base else base[key]
            note = relative_note(key, ag.rules.parameters[key], spec, start)
            if note:
                notes.append(note)
    return tuple(notes)


def _intern(values: Sequence[Value]) -> tuple[tuple[Value, ...], np.ndarray]:
    """Distinct values of one column and each row's index into them."""
    seen: dict[Value, int] = {}
    idx = np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.int64, count=len(values))
    return tuple(seen), idx


def scenarios_from_records(
    records: Sequence[Mapping[str, Any]], source: str = "scenarios", agreement: Agreement | str | Path | None = None,
    base: Base = None,
) -> ScenarioSet:
    """Scenarios from a list of ``{key: value}`` dicts (an optional ``"scenario"`` entry is the id;
    relative values apply to ``base``, as in ``parse_spec``)."""
    if not records:
        raise InputError(Problem(source, "no scenarios given"))
    if len(records) > MAX_SCENARIOS:
        raise InputError(Problem(source, f"{_spaced(len(records))} scenarios; at most {_spaced(MAX_SCENARIOS)}"))
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
                columns[k].append(_parse(k, rec[k], source, ag, row=n, base=base))
            except InputError as exc:
                problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    labels = None
    if "scenario" in records[0]:
        labels = tuple(str(r["scenario"]) for r in records)
        _check_labels(source, labels, range(1, len(records) + 1))
    return _from_columns(columns, labels)


def _from_columns(columns: Mapping[str, Sequence[Value]], labels: tuple[str, ...] | None,
                  notes: tuple[str, ...] = ()) -> ScenarioSet:
    """A scenario set from one list of values per key (one value per scenario)."""
    levels: dict[str, tuple[Value, ...]] = {}
    codes: dict[str, np.ndarray] = {}
    for key, values in columns.items():
        levels[key], codes[key] = _intern(values)
    return ScenarioSet(keys=tuple(columns), levels=levels, codes=codes, labels=labels, notes=notes)


def _check_size(path: str | Path) -> None:
    """Refuse a scenario file larger than ``MAX_FILE_BYTES``, by its size (``stat``), before it is read.

    Everything else (a missing file, a folder, a device or pipe, the rows) is checked by
    ``tables.read_table``, which reads only regular files and stops at its row limit.
    """
    from ..tables import split_sheet

    given = str(path)
    try:
        info = os.stat(split_sheet(given)[0])
    except (OSError, ValueError):
        return  # read_table says why
    if stat.S_ISREG(info.st_mode) and info.st_size > MAX_FILE_BYTES:
        raise InputError(Problem(given, f"the file is {_spaced(info.st_size)} bytes; a scenario file is at most "
                                        f"{_spaced(MAX_FILE_BYTES)} bytes and {_spaced(MAX_FILE_SCENARIOS)} "
                                        "scenarios (for more, sweep a grid with --vary)"))


def read_scenarios(path: str | Path, agreement: Agreement | str | Path | None = None, base: Base = None) -> ScenarioSet:
    """Scenarios from a CSV file: one column per parameter key, one row per scenario.

    The keys are the parameters of ``agreement`` (default: the default agreement). An optional
    column ``scenario`` holds the ids (unique, non-empty); without it the scenarios are numbered
    1, 2, … in file order. Every error names the file, the row and the column. Only a regular
    file of at most ``MAX_FILE_BYTES`` bytes (checked by its size, before it is read) and
    ``MAX_FILE_SCENARIOS`` scenarios (lines after the header, blank and comment lines included: the
    reader stops at the first line beyond) is read. Relative values apply to ``base`` (as in ``parse_spec``).
    """
    from ..scenario import parse_value
    from ..suggest import either, suggest
    from ..tables import read_table

    ag = agreement_of(agreement)
    kinds = ag.rules.parameters
    _check_size(path)
    table = read_table(path, max_bytes=MAX_FILE_BYTES, max_rows=MAX_FILE_SCENARIOS + 1)
    keys = [h for h in table.header if h != "scenario"]
    problems: list[Problem] = []
    for col in table.header:
        if col != "scenario" and col not in kinds:
            near = suggest(col, kinds, {k: (info.label,) for k, info in ag.parameter_info.items()})
            hint = (f"; did you mean {either([repr(n) for n in near])}?" if near
                    else f"; expected parameter keys of {ag.name} such as {next(iter(kinds))}")
            problems.append(Problem(table.file, f"unknown column{hint}", row=1, column=col))
            if len(problems) >= 20:
                break
    if len(set(table.header)) != len(table.header):
        problems.append(Problem(table.file, "a column name appears twice", row=1))
    if not keys and not problems:
        problems.append(Problem(table.file, "no parameter columns", row=1))
    if problems:
        raise InputError(problems)
    if len(table.rows) > MAX_FILE_SCENARIOS:
        raise InputError(Problem(table.file, f"{_spaced(len(table.rows))} scenarios; a scenario file has at most "
                                             f"{_spaced(MAX_FILE_SCENARIOS)} (for more, sweep a grid with --vary)"))
    columns: dict[str, list[Value]] = {k: [] for k in keys}
    cache: dict[tuple[str, Cell], Value] = {}
    for line_no, cells in table.rows:
        for k in keys:
            text = cells[k]
            value = cache.get((k, text))
            if value is None:
                if text == "":
                    problems.append(Problem(table.file, "the cell is empty", row=line_no, column=k))
                    continue
                try:
                    value = parse_value(k, text, ag, None if base is None else base.get(k))
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
        labels = tuple(str(cells["scenario"]) for _, cells in table.rows)
        _check_labels(table.file, labels, [n for n, _ in table.rows])
    return _from_columns(columns, labels, _file_notes(cache, ag, base, table.file))


def _file_notes(cells: Iterable[tuple[str, Cell]], ag: Agreement, base: Base, file: str) -> tuple[str, ...]:
    """What a sweep says of the columns of a scenario file that hold relative values (``cells``:
    each column's distinct cells): relative to which value."""
    from ..display import exact_text
    from ..relative import is_relative

    notes = []
    for key in dict.fromkeys(k for k, text in cells if is_relative(text)):
        start = ag.parameters[key] if base is None or key not in base else base[key]
        note = f"relative values of {key} in {file} apply to {exact_text(start)}, the base scenario's value"
        notes.append(note + ("; amounts that are not whole kronor are rounded half up"
                             if ag.rules.parameters[key] == "amount" else ""))
    return tuple(notes)


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
