"""From a validated definition to an agreement: every cross-reference checked, one section at a time.

The schema (``agreements.schema``) has checked each table of ``agreement.toml`` on its own; this
module checks what the tables say about each other (a part's key, a column's line, a table's
columns, each parameter's kind, the files they name) with one function per section of the
definition: identity, data, keys, lines, columns, tables (with their printed layouts),
budget, totals, parameters and adjustments. ``build`` runs them in that order and reports
every problem at once, each naming the file and the key path (``docs/agreements.md``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..core import (
    TEXT_FIELDS,
    Adjustment,
    AllocationError,
    BudgetItem,
    ColumnSpec,
    Key,
    Line,
    Parameters,
    Part,
    Rules,
    StatedTotal,
)
from ..core.spec import ParameterKind
from ..errors import InputError, Problem, ProblemList, listing
from ..files import not_readable, shown_path
from ..published import header_excerpt
from .model import Agreement, DataFile, ParameterInfo, PrintedColumn, TableSpec
from .rural import rural_key, rural_layouts
from .values import parse_value, shown_value

__all__ = ["TEXT_COLUMNS", "build"]

#: The columns of a recipients file that hold a code or a name (a ``code`` or ``text`` column).
TEXT_COLUMNS = tuple(TEXT_FIELDS)
#: A data slot's name (issue 17 §3): an identifier, as ``--data NAME=FILE`` and ``{date.NAME}`` name it.
_SLOT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: The fields a stated total may match budget items by.
_ITEM_FIELDS = ("chapter", "item", "recipient", "group", "payer", "parameter")


@dataclass
class _Checks:
    """The problems found in one definition so far, and the parameters' kinds to check against."""

    label: str
    kinds: dict[str, ParameterKind]
    problems: ProblemList = field(default_factory=ProblemList)

    def problem(self, key: str, message: str) -> None:
        """A problem at the key path ``key`` (kept while fewer than ``MAX_PROBLEMS``, else counted)."""
        self.problems.add(Problem(self.label, message, key=key))

    def need(self, key_path: str, name: str | None, kind: str | None = None) -> None:
        """``name`` (if given) is a parameter, of ``kind`` if given."""
        if name is None:
            return
        if name not in self.kinds:
            self.problem(key_path, f"unknown parameter {shown_value(name)}; the [parameters] table has "
                                   f"{listing(self.kinds)}")
        elif kind is not None and self.kinds[name] != kind:
            self.problem(key_path, f"{name} is a {self.kinds[name]}, but this needs "
                                   f"a{'n' if kind == 'amount' else ''} {kind}")

    def stop_if_any(self) -> None:
        """Raise every problem found so far, if any."""
        self.problems.raise_if_any()


def build(spec: Any, path: Path, label: str) -> Agreement:
    """Check every cross-reference of a validated definition (``spec``, read from ``path``,
    called ``label`` in messages) and build the agreement."""
    folder = path.parent
    checks = _Checks(label, {k: p.kind for k, p in spec.parameters.items()})
    _unique_names(spec, checks)
    data = _data_files(spec, folder, checks)
    counts = _counts(spec)
    keys = _keys(spec, counts, checks)
    for slot, layout in rural_layouts(keys, spec.data, checks.problem, {*counts, *TEXT_COLUMNS}).items():
        data[slot] = replace(data[slot], rural=layout)
    lines = _lines(spec, keys, checks)
    line_parts = {ln.name: {p.name for p in ln.parts} for ln in lines}
    columns, amount_names = _columns(spec, counts, line_parts, checks)
    tables = _tables(spec, folder, columns, checks)
    items, budget_files = _budget(spec, folder, checks)
    totals = _totals(spec, amount_names, counts, items, checks)
    values = _parameter_values(spec, checks)
    checks.stop_if_any()
    adjustments = _adjustments(spec.adjustments, line_parts, {t.name for t in tables}, checks.problem)
    checks.stop_if_any()
    rules = Rules(
        parameters=checks.kinds, keys=keys, lines=tuple(lines), columns=tuple(columns), budget=tuple(items),
        stated_totals=tuple(totals), recipient=spec.recipients, adjustments=adjustments,
    )
    info = {k: ParameterInfo(k, p.kind, p.unit, p.label, p.source) for k, p in spec.parameters.items()}
    return Agreement(
        **_identity(spec, path), data=data, rules=rules, parameters=_parameters(values, rules, label),
        parameter_info=info, tables=tuple(tables), budget_title=spec.budget.title if spec.budget else "",
        budget_files=budget_files,
        budget_official_year=spec.budget.official_year if spec.budget else None,
    )


def _identity(spec: Any, path: Path) -> dict[str, Any]:
    """The agreement's identity: name, titles, year, parties and signatures, document, notes."""
    return {
        "name": spec.name, "title": spec.title, "full_title": spec.full_title or spec.title,
        "description": spec.description, "year": spec.year, "parties": tuple(spec.parties),
        "signed": tuple((s.party, s.date) for s in spec.signed), "document": spec.document,
        "sections": spec.sections, "path": path, "aliases": tuple(spec.aliases), "notes": tuple(spec.notes),
    }


def _unique_names(spec: Any, checks: _Checks) -> None:
    """Each budget line, column and table has a name of its own."""
    for what, names in (
        ("budget line", [ln.name for ln in spec.lines]),
        ("column", [c.name for c in spec.columns]),
        ("table", [t.name for t in spec.tables]),
    ):
        for name, count in Counter(names).items():
            if count > 1:
                checks.problem(f"{what.split()[-1]}s.{name}", f"the {what} name {name!r} is used {count} times")


def _data_files(spec: Any, folder: Path, checks: _Checks) -> dict[str, DataFile]:
    """``[data.NAME]`` (issue 17 §3): each slot's name is an identifier and its file exists; exactly
    one slot is the recipients'; no count is named by two slots."""
    data: dict[str, DataFile] = {}
    recipients = [n for n, d in spec.data.items() if d.kind == "recipients"]
    if len(recipients) != 1:
        found = f"there are {len(recipients)}: {listing(recipients)}" if recipients else "there is none"
        checks.problem("data", "exactly one data slot lists the recipients and their counts "
                               f"(kind = \"recipients\"); {found}")
    rural = [n for n, d in spec.data.items() if d.kind == "rural_key"]
    if len(rural) > 1:
        checks.problem("data", f"at most one data slot is the rural key (kind = \"rural_key\"); there are {len(rural)}: "
                               f"{listing(rural)}")
    owner: dict[str, str] = {}
    for name, d in spec.data.items():
        if not _SLOT.fullmatch(name):
            checks.problem(f"data.{shown_value(name)}", f"the data slot name {shown_value(name)} is not an identifier: "
                                                        "letters, digits and _, not starting with a digit")
        if d.kind == "rural_key" and d.counts:
            checks.problem(f"data.{name}.counts", "a rural key has no counts: its columns are the rural key's "
                                                  "(drop counts, or make the slot kind = \"counts\")")
        if d.kind == "counts" and not d.counts:
            checks.problem(f"data.{name}.counts", "a counts slot lists the counts it holds (counts = [...])")
        for column in d.counts if d.kind != "rural_key" else ():
            if column in owner:
                checks.problem(f"data.{name}.counts", f"the count {shown_value(column)} is also a count of "
                                                      f"[data.{owner[column]}]: each count has one data slot")
            owner.setdefault(column, name)
        file = (folder / d.file).resolve()
        why = not_readable(file, "data file")
        if why is not None:
            named = why.replace("the data file", f"the data file {shown_value(d.file)}", 1)
            checks.problem(f"data.{name}.file", f"{named if named != why else shown_value(d.file) + ': ' + why} "
                                                f"(looked for {file})")
        data[name] = DataFile(name, file, d.date, d.label, d.title or d.label, d.source, tuple(d.counts), d.kind)
    return data


def _counts(spec: Any) -> set[str]:
    """The counts of a recipient: those of the recipients slot and of every counts slot (issue 17 §3)."""
    return {c for d in spec.data.values() if d.kind in ("recipients", "counts") for c in d.counts}


def _keys(spec: Any, counts: set[str], checks: _Checks) -> dict[str, Key]:
    """``[keys.NAME]``: a column key names a count of the recipients file; a rural key's
    weights are weight parameters and its data slot is given (avsnitt 12; ``agreements.rural``)."""
    keys: dict[str, Key] = {}
    for name, k in spec.keys.items():
        if k.column is not None:
            if k.column not in counts:
                have = listing(sorted(counts)) or "no columns"
                checks.problem(f"keys.{name}.column",
                               f"unknown column {shown_value(k.column)}: the data slots' counts are {have}")
            keys[name] = Key(name, "column", column=k.column, label=k.label, section=k.section)
        else:
            keys[name] = rural_key(name, k, spec.data, checks.need, checks.problem)
            if spec.recipients == "kommun":  # a rural key sums kommuner into regions (avsnitt 12)
                checks.problem(f"keys.{name}", "a rural key shares among regions or län (its file is per region, "
                                               "or per kommun summed per län); the recipients of this agreement "
                                               "are kommuner (recipients = \"kommun\"): share by a count instead")
    return keys


def _lines(spec: Any, keys: Mapping[str, Key], checks: _Checks) -> list[Line]:
    """``[[lines]]``: each budget line's total and base are amounts, and exactly one of its
    parts takes the rest (the agreement's budget lines, each split into parts)."""
    lines: list[Line] = []
    for ln in spec.lines:
        where = f"lines.{ln.name}"
        checks.need(f"{where}.total", ln.total, "amount")
        checks.need(f"{where}.base", ln.base, "amount")
        parts = _parts(ln, where, keys, spec.keys, checks)
        rest = [p.name for p in parts if p.is_rest]
        if len(rest) != 1:
            checks.problem(f"{where}.parts", "exactly one part must take the rest (no amount, no share); "
                                             f"{'none does' if not rest else 'these do: ' + listing(rest)}")
        for p in ln.parts:
            if p.round_to and p.round_to % ln.round_to:
                checks.problem(f"{where}.parts.{p.name}.round_to",
                               f"round_to = {p.round_to} is not a whole multiple of the line's round_to = {ln.round_to}: "
                               "the line's amounts would not be multiples of its unit")
        lines.append(Line(ln.name, ln.total, tuple(parts), ln.base, ln.label, ln.section, ln.round_to))
    return lines


def _parts(ln: Any, where: str, keys: Mapping[str, Key], spec_keys: Mapping[str, Any], checks: _Checks) -> list[Part]:
    """``[[lines.parts]]`` of one line: unique names, a known key, an amount or a share parameter."""
    for name, count in Counter(p.name for p in ln.parts).items():
        if count > 1:
            checks.problem(f"{where}.parts", f"the part name {name!r} is used {count} times")
    parts = []
    for p in ln.parts:
        pw = f"{where}.parts.{p.name}"
        if p.key not in keys and p.key not in spec_keys:
            checks.problem(f"{pw}.key", f"unknown key {shown_value(p.key)}; the [keys] table has "
                                       f"{listing(spec_keys) or 'none'}")
        checks.need(f"{pw}.amount", p.amount, "amount")
        checks.need(f"{pw}.share", p.share, "share")
        parts.append(Part(p.name, p.key, p.amount, p.share, p.label, p.section, p.round_to))
    return parts


def _columns(
    spec: Any, counts: set[str], line_parts: Mapping[str, set[str]], checks: _Checks
) -> tuple[list[ColumnSpec], set[str]]:
    """``[[columns]]``: what each output column refers to exists; the columns and the names of
    the amount columns (``line``, ``part``, ``sum``)."""
    columns: list[ColumnSpec] = []
    amount_names: set[str] = set()
    for c in spec.columns:
        found = _column_problem(c, tuple(c.ref), counts, line_parts, amount_names)
        if found is not None:
            checks.problem(*found)
        if c.kind in ("line", "part", "sum"):
            amount_names.add(c.name)
        columns.append(ColumnSpec(c.name, c.kind, tuple(c.ref), c.label, c.short))
    return columns, amount_names


def _column_problem(
    c: Any, ref: tuple[str, ...], counts: set[str], line_parts: Mapping[str, set[str]], amount_names: set[str]
) -> tuple[str, str] | None:
    """The key path and message of what is wrong with column ``c``'s reference, if anything."""
    where = f"columns.{c.name}"
    if c.kind in ("code", "text") and (ref[0] if ref else c.name) not in TEXT_COLUMNS:
        return where, f"a {c.kind} column is one of {', '.join(TEXT_COLUMNS)}"
    if c.kind == "count" and (ref[0] if ref else c.name) not in counts:
        return where, f"no count column {c.name!r} among the data slots' counts ({listing(sorted(counts))})"
    if c.kind == "line" and (len(ref) != 1 or ref[0] not in line_parts):
        return f"{where}.ref", f"a line column names one budget line: one of {listing(line_parts)}"
    if c.kind == "part" and (len(ref) != 2 or ref[0] not in line_parts or ref[1] not in line_parts[ref[0]]):
        return f"{where}.ref", ("a part column names a budget line and one of its parts: ["
                                + listing(f"{ln}, {'|'.join(sorted(ps)[:12])}" for ln, ps in line_parts.items()) + "]")
    if c.kind == "sum":
        bad = [r for r in ref if r not in amount_names]
        if not ref or bad:
            return f"{where}.ref", ("a sum column adds amount columns listed before it; unknown: "
                                    + (listing(bad) or "(empty)"))
        twice = [r for r, n in Counter(ref).items() if n > 1]
        if twice:
            return f"{where}.ref", f"a sum column adds each column once; listed more than once: {listing(twice)}"
    return None


def _tables(spec: Any, folder: Path, columns: list[ColumnSpec], checks: _Checks) -> list[TableSpec]:
    """``[[tables]]``: each table's columns exist, its official table and the columns mapped to
    it exist, and its printed layout shows known columns."""
    names = [c.name for c in columns]
    by_name = {c.name: c for c in columns}
    if spec.tables and "overview" not in {t.name for t in spec.tables}:
        checks.problem("tables", "no table is named 'overview', the table that allocate prints; the tables are "
                                 f"{listing(t.name for t in spec.tables)}: rename one to overview, or add one")
    tables = []
    code_column = _code_column(spec, columns)
    for t in spec.tables:
        where = f"tables.{t.name}"
        unknown = [c for c in t.columns if c not in names]
        if unknown:
            checks.problem(f"{where}.columns",
                           f"no column produces {listing(unknown)}; the columns are {listing(names)}")
        official_code = t.official_code_column or code_column
        official = _official(t, where, folder, checks, official_code)
        printed = _printed(t.printed, where, by_name, checks.problem)
        tables.append(TableSpec(t.name, t.label, t.title, tuple(t.columns), official, dict(t.official_columns),
                                official_code, printed, t.printed_title, t.total_label,
                                tuple(t.footnotes), t.source_line, t.name_column, t.official_unit,
                                official_year=t.official_year))
    return tables


def _code_column(spec: Any, columns: list[ColumnSpec]) -> str:
    """The column an official table names its recipients' codes in, unless the table says
    (``official_code_column``): the definition's code column, as its output names it (issue 17 §3:
    ``kommun_code`` for kommuner), else the recipients file's code column."""
    named = [c.name for c in columns if c.kind == "code"]
    return named[0] if named else "kommun_code" if spec.recipients == "kommun" else "lan_code"


def _official(t: Any, where: str, folder: Path, checks: _Checks, code_column: str) -> Path | None:
    """A table's official (published) table, if it names one: the file exists, and has the
    columns the table maps to it and its code column."""
    official = None
    if t.official is not None:
        official = (folder / t.official).resolve()
    for col in t.official_columns:
        if col not in t.columns:
            checks.problem(f"{where}.official_columns.{col}", f"{col} is not a column of this table")
    if official is not None:
        header = _published_header(official, f"{where}.official", "official table", checks)
        named = {"official_code_column": code_column, **({"name_column": t.name_column} if t.name_column else {})}
        for col, theirs in (*t.official_columns.items(), *named.items()):
            if header is not None and theirs not in header:
                key = f"{where}.{col}" if col in named else f"{where}.official_columns.{col}"
                checks.problem(key, f"the official table {shown_value(t.official)} has no column "
                                    f"{shown_value(theirs)}; its header row names "
                                    f"{header_excerpt(header, (*t.official_columns.values(), *named.values()))}")
    return official


def _published_header(path: Path, key: str, what: str, checks: _Checks) -> tuple[str, ...] | None:
    """The header of a published table the definition names, read by the bounded reader
    (``published``); what is wrong with the file (a folder, a device, too big, not a table) is
    a problem at ``key``, and ``None`` is returned."""
    from ..published import read_published

    why = not_readable(path, what)
    if why is not None:
        checks.problem(key, f"{why} (looked for {path})")
        return None
    try:
        return read_published(str(path), shown_path(path)).header
    except InputError as exc:
        checks.problem(key, str(exc.problems[0]))
        return None


def _printed(
    entries: list[Any], where: str, columns: Mapping[str, ColumnSpec], problem: Callable[[str, str], None]
) -> tuple[PrintedColumn, ...]:
    """A table's printed layout (``tables.NAME.printed``), each entry checked against the columns.

    A ``column`` entry names any output column; a ``share`` entry a count or amount column (a
    share of a name means nothing). ``decimals`` (0–4) is checked by the schema.
    """
    out = []
    for i, e in enumerate(entries):
        key = f"{where}.printed[{i}]"
        name = e.column if e.column is not None else e.share
        spec = columns.get(name)
        if spec is None:
            field_name = "column" if e.column is not None else "share"
            problem(f"{key}.{field_name}", f"unknown column {shown_value(name)}; the columns are {listing(columns)}")
        elif e.share is not None and spec.kind in ("code", "text"):
            problem(f"{key}.share", f"{name} is a {spec.kind} column: a share is of a count or an amount column")
        out.append(PrintedColumn(e.heading, e.column, e.share, e.decimals))
    return tuple(out)


def _budget(spec: Any, folder: Path, checks: _Checks) -> tuple[list[BudgetItem], dict[str, Path]]:
    """``[budget]``: each item's parameter is an amount, and each published file it names exists."""
    items: list[BudgetItem] = []
    budget_files: dict[str, Path] = {}
    if spec.budget is None:
        return items, budget_files
    for i, item in enumerate(spec.budget.items):
        checks.need(f"budget.items[{i}].parameter", item.parameter, "amount")
        items.append(BudgetItem(item.chapter, item.item, item.recipient, item.group, item.payer,
                                item.parameter, item.allocated_in))
    for what in ("by_chapter", "by_recipient", "stated_totals"):
        rel = getattr(spec.budget, what)
        if rel is not None:
            file = (folder / rel).resolve()
            _published_header(file, f"budget.{what}", "budget file", checks)
            budget_files[what] = file
    return items, budget_files


def _totals(
    spec: Any, amount_names: set[str], counts: set[str], items: list[BudgetItem], checks: _Checks
) -> list[StatedTotal]:
    """``[totals.ID]``: what adds up to a stated total exists (amount parameters, amount or count
    columns, budget items matched by a known field)."""
    totals = []
    for tid, t in spec.totals.items():
        for i, k in enumerate(t.parameters):
            checks.need(f"totals.{tid}.parameters[{i}]", k, "amount")
        for c in t.columns:
            if c not in amount_names and c not in counts:
                checks.problem(f"totals.{tid}.columns", f"{c!r} is neither an amount column nor a count column")
        for fld in t.items:
            if fld not in _ITEM_FIELDS:
                checks.problem(f"totals.{tid}.items.{fld}",
                               "budget items are matched by chapter, item, recipient, group or payer")
        if (t.items or t.all_items) and not items:
            checks.problem(f"totals.{tid}", "adds up budget items, but there is no [budget] with items")
        totals.append(StatedTotal(tid, tuple(t.parameters), dict(t.items), t.all_items, tuple(t.columns)))
    return totals


def _parameter_values(spec: Any, checks: _Checks) -> dict[str, int | Fraction]:
    """``[parameters.KEY]``: each value is an exact value of its kind (``parse_value``)."""
    values: dict[str, int | Fraction] = {}
    for key, p in spec.parameters.items():
        try:
            values[key] = parse_value(key, p.value, p.kind)
        except ValueError as exc:
            checks.problem(f"parameters.{key}.value", str(exc))
    return values


def _parameters(values: dict[str, int | Fraction], rules: Rules, label: str) -> Parameters:
    """The core's parameters; what the core refuses (a share above 1, parts above their line's
    total …) is a problem of the ``parameters`` table."""
    try:
        return Parameters(values, rules)
    except AllocationError as exc:
        problems = ProblemList()
        for msg in str(exc).split("; "):
            problems.add(Problem(label, msg, key="parameters"))
        raise problems.error() from None


def _adjustments(
    entries: list[Any], line_parts: Mapping[str, set[str]], tables: set[str], problem: Callable[[str, str], None]
) -> tuple[Adjustment, ...]:
    """The signed tables' corrections by hand (``[[adjustments]]``), each checked: a known line and
    part, a known table, whole non-zero kronor that sum to 0 (the part keeps its sum). Whether
    each recipient code exists is checked where the data is read (``api.allocate``)."""
    out = []
    for i, a in enumerate(entries):
        key = f"adjustments[{i}]"
        if a.line not in line_parts:
            problem(f"{key}.line", f"unknown budget line {shown_value(a.line)}; the lines are {listing(line_parts)}")
        elif a.part not in line_parts[a.line]:
            problem(f"{key}.part", f"{a.line} has no part {shown_value(a.part)}; its parts are "
                                   f"{listing(sorted(line_parts[a.line]))}")
        if a.table and a.table not in tables:
            problem(f"{key}.table", f"unknown table {shown_value(a.table)}; the tables are {listing(sorted(tables))}")
        kronor: dict[str, int] = {}
        for code, value in a.kronor.items():
            if isinstance(value, bool) or not isinstance(value, int):
                problem(f"{key}.kronor.{code}", f"expected whole kronor (an integer), got {shown_value(value)}")
            elif value == 0:
                problem(f"{key}.kronor.{code}", "an adjustment of 0 kr adjusts nothing: leave the recipient out")
            else:
                kronor[code] = value
        if len(kronor) == len(a.kronor) and sum(kronor.values()) != 0:
            problem(f"{key}.kronor", f"the kronor add up to {sum(kronor.values()):+d}, not 0: "
                                     "an adjustment must keep the part's sum")
        out.append(Adjustment(a.line, a.part, kronor, a.table, a.source))
    return tuple(out)
