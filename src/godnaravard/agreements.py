"""Agreements as data: reading, validating and registering an agreement's definition.

An agreement is a folder with ``agreement.toml`` and its data files (the shipped ones are under
``data/agreements/``; ``docs/agreements.md`` explains every key). This module validates the
definition with pydantic (pydantic-core schemas: ``errors.record``), checks every cross-reference
(a part's key, a column's line, a table's columns, each parameter's kind), and turns it into:

- the core's ``Rules`` and ``Parameters`` (what to compute);
- the registry the layers read: titles, dates, data files, column labels, tables and the
  official tables where published (what to call it and where it comes from).

Every problem is reported at once, each naming the file and the key path.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic_core import SchemaValidator, ValidationError, core_schema

from .core import Adjustment, AllocationError, BudgetItem, ColumnSpec, Key, Line, Parameters, Part, Rules, StatedTotal
from .errors import InputError, Problem, optional, other_digits, record
from .resources import data_file

if TYPE_CHECKING:
    from pydantic_core import CoreSchema

__all__ = [
    "Agreement",
    "DataFile",
    "copy_agreement",
    "ParameterInfo",
    "PrintedColumn",
    "TableSpec",
    "default_agreement",
    "load_agreement",
    "shipped_agreements",
    "shown_path",
    "parse_value",
    "swedish_date",
]

DEFINITION = "agreement.toml"
#: A definition file larger than this is not a definition (it is read whole).
MAX_DEFINITION_BYTES = 1024 * 1024
_NAME = r"^[a-z0-9][a-z0-9_.-]*$"
TEXT_COLUMNS = ("lan_code", "lan", "region", "kommun_code", "kommun")


# --------------------------------------------------------------------------------------------
# The file format: what a definition may say (validated by pydantic-core).


def _one_kind(key: Any) -> Any:
    """A key is a data column or the rural key's three weights."""
    if (key.column is None) == (key.landsbygd is None):
        raise ValueError("a key names either a data column (column = ...) or the rural weights (landsbygd = [...])")
    if key.landsbygd is not None and len(key.landsbygd) != 3:
        raise ValueError("the rural key has three weights: tätortsnära, gles, mycket gles")
    return key


def _amount_or_share(part: Any) -> Any:
    """A part is carved out (an amount) or a share, or the rest (neither); never both."""
    if part.amount is not None and part.share is not None:
        raise ValueError("a part has an amount (carved out) or a share, not both")
    return part


def _column_or_share(entry: Any) -> Any:
    """A printed column shows a column of the table's data or a share of one, not both."""
    if (entry.column is None) == (entry.share is None):
        raise ValueError("a printed column names either a column (column = ...) or a share of one (share = ...)")
    return entry


@cache
def _definition() -> SchemaValidator:
    """The validator of a definition file, built on first use."""
    return SchemaValidator(_definition_schema())


def _definition_schema() -> CoreSchema:
    """The schema of a definition file: every table and key it may have (``docs/agreements.md``).

    Each table is a ``record`` (the schema pydantic builds for a model of the same fields), and
    forbids keys it does not know.
    """
    cs = core_schema
    text = cs.str_schema  # text(min_length=1): a text that must not be empty
    name = cs.str_schema(pattern=_NAME)
    texts = cs.list_schema(cs.str_schema())

    signed = record("_Signed", {"party": text(min_length=1), "date": cs.date_schema()})
    data = record("_DataSpec", {
        "file": text(min_length=1),
        "date": cs.date_schema(),
        "label": text(min_length=1),
        "title": optional(text(), ""),
        "source": text(min_length=1),
        "counts": optional(texts, []),
    })
    key = record("_KeySpec", {
        "column": optional(cs.nullable_schema(text()), None),
        "landsbygd": optional(cs.nullable_schema(texts), None),
        "label": optional(text(), ""),
        "section": optional(text(), ""),
    }, check=_one_kind)
    part = record("_PartSpec", {
        "name": name,
        "key": text(),
        "amount": optional(cs.nullable_schema(text()), None),
        "share": optional(cs.nullable_schema(text()), None),
        "label": optional(text(), ""),
        "section": optional(text(), ""),
    }, check=_amount_or_share)
    line = record("_LineSpec", {
        "name": name,
        "label": text(min_length=1),
        "total": text(),
        "base": optional(cs.nullable_schema(text()), None),
        "section": text(min_length=1),
        "parts": cs.list_schema(part, min_length=1),
    })
    column = record("_ColumnSpec", {
        "name": name,
        "kind": cs.literal_schema(["code", "text", "count", "line", "part", "sum"]),
        "ref": optional(texts, []),
        "label": text(min_length=1),
        "short": optional(text(), ""),
    })
    printed = record("_PrintedSpec", {
        "heading": text(min_length=1),
        "column": optional(cs.nullable_schema(text(min_length=1)), None),
        "share": optional(cs.nullable_schema(text(min_length=1)), None),
        "decimals": optional(cs.int_schema(ge=0, le=4), 1),
    }, check=_column_or_share)
    table = record("_TableSpec", {
        "name": name,
        "label": text(min_length=1),
        "title": text(min_length=1),
        "columns": cs.list_schema(cs.str_schema(), min_length=1),
        "official": optional(cs.nullable_schema(text()), None),
        "official_columns": optional(cs.dict_schema(text(), text()), {}),
        "official_code_column": optional(text(), "lan_code"),
        "printed": optional(cs.list_schema(printed), []),
        "printed_title": optional(text(), ""),
        "total_label": optional(text(min_length=1), "Totalt"),
        "footnotes": optional(texts, []),
        "source_line": optional(text(), ""),
    })
    adjustment = record("_AdjustmentSpec", {
        "line": text(min_length=1),
        "part": text(min_length=1),
        "kronor": cs.dict_schema(text(min_length=1), cs.any_schema(), min_length=1),
        "table": optional(text(), ""),
        "source": text(min_length=1),
    })
    item = record("_BudgetItemSpec", {
        "chapter": text(),
        "item": text(),
        "recipient": text(),
        "group": text(),
        "payer": text(),
        "parameter": text(),
        "allocated_in": optional(text(), ""),
    })
    budget = record("_BudgetSpec", {
        "title": text(min_length=1),
        "by_chapter": optional(cs.nullable_schema(text()), None),
        "by_recipient": optional(cs.nullable_schema(text()), None),
        "stated_totals": optional(cs.nullable_schema(text()), None),
        "items": optional(cs.list_schema(item), []),
    })
    total = record("_TotalSpec", {
        "parameters": optional(texts, []),
        "items": optional(cs.dict_schema(text(), text()), {}),
        "all_items": optional(cs.bool_schema(), False),
        "columns": optional(texts, []),
    })
    parameter = record("_ParameterSpec", {
        "value": cs.union_schema([cs.int_schema(), cs.float_schema(), text()]),
        "kind": cs.literal_schema(["amount", "share", "weight"]),
        "unit": text(min_length=1),
        "label": text(min_length=1),
        "source": text(min_length=1),
    })
    return record("_AgreementFile", {
        "name": name,
        "aliases": optional(texts, []),
        "title": text(min_length=1),
        "full_title": optional(text(), ""),
        "description": optional(text(), ""),
        "year": cs.int_schema(),
        "parties": cs.list_schema(cs.str_schema(), min_length=1),
        "signed": optional(cs.list_schema(signed), []),
        "document": text(min_length=1),
        "sections": text(min_length=1),
        "recipients": optional(cs.literal_schema(["region", "län", "kommun"]), "region"),
        "data": cs.dict_schema(text(), data),
        "keys": cs.dict_schema(text(), key),
        "lines": cs.list_schema(line, min_length=1),
        "columns": cs.list_schema(column, min_length=1),
        "tables": cs.list_schema(table, min_length=1),
        "budget": optional(cs.nullable_schema(budget), None),
        "totals": optional(cs.dict_schema(text(), total), {}),
        "adjustments": optional(cs.list_schema(adjustment), []),
        "notes": optional(texts, []),
        "parameters": cs.dict_schema(text(), parameter, min_length=1),
    })


# --------------------------------------------------------------------------------------------
# What the layers read.


@dataclass(frozen=True, slots=True)
class DataFile:
    """One data file of an agreement: where it is, its date, what it holds and where it comes from."""

    name: str
    path: Path
    date: dt.date
    label: str
    title: str
    source: str
    counts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParameterInfo:
    """A parameter's metadata: kind, unit, Swedish label and the place in the agreement it comes from."""

    key: str
    kind: str
    unit: str
    label: str
    source: str


@dataclass(frozen=True, slots=True)
class PrintedColumn:
    """One visible column of a signed table, as printed: a column of the data, or a share of one.

    Exactly one of ``column`` (an output column: a name, a count, an amount) and ``share`` (a
    count or amount column: each recipient's value divided by the column's total, shown in per
    cent with ``decimals`` decimals, e.g. bilaga 2's "Andel befolkning" 23,3%).
    """

    heading: str
    column: str | None = None
    share: str | None = None
    decimals: int = 1

    @property
    def source(self) -> str:
        """The output column this printed column shows (or shows the share of)."""
        return self.column if self.column is not None else str(self.share)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A table of the agreement (a bilaga, or the overview) and its published version, if any.

    ``label`` is its short name ("Bilaga 3"), ``title`` its full heading. The signed table's
    visible layout, where the definition gives it: ``printed`` (its columns and headings, in
    order), ``printed_title`` (the heading as printed, when it differs from ``title``),
    ``total_label`` (the label of the total row), ``footnotes`` and ``source_line`` (printed
    beneath the table).
    """

    name: str
    label: str
    title: str
    columns: tuple[str, ...]
    official: Path | None = None
    official_columns: Mapping[str, str] = field(default_factory=dict)
    official_code_column: str = "lan_code"
    printed: tuple[PrintedColumn, ...] = ()
    printed_title: str = ""
    total_label: str = "Totalt"
    footnotes: tuple[str, ...] = ()
    source_line: str = ""


@dataclass(frozen=True, slots=True, eq=False)
class Agreement:
    """One agreement: identity, data files, rules, parameters (with sources) and tables.

    ``rules`` and ``parameters`` are what the core computes with; everything else is for the
    layers (titles, headings, dates, provenance, the official tables for ``check``).
    """

    name: str
    title: str
    full_title: str
    description: str
    year: int
    parties: tuple[str, ...]
    signed: tuple[tuple[str, dt.date], ...]
    document: str
    sections: str
    path: Path
    aliases: tuple[str, ...]
    data: Mapping[str, DataFile]
    rules: Rules
    parameters: Parameters
    parameter_info: Mapping[str, ParameterInfo]
    tables: tuple[TableSpec, ...]
    budget_title: str = ""
    budget_files: Mapping[str, Path] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def recipients(self) -> DataFile:
        """The data file that lists the recipients and their counts."""
        return self.data["population"]

    @property
    def landsbygd(self) -> DataFile | None:
        """The rural key's data file, if the agreement shares by the rural key."""
        return self.data.get("landsbygd") if self.rules.keys_of_kind("landsbygd") else None

    def table(self, name: str) -> TableSpec:
        """A table by name (``overview``, ``bilaga2`` …)."""
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(f"{self.name} has no table {name!r}")

    def label(self, column: str) -> str:
        """The Swedish heading of an output column."""
        return self.rules.column(column).label

    @property
    def signed_text(self) -> str:
        """Each party with the date it signed: ``"SKR YYYY-MM-DD, Staten YYYY-MM-DD"``."""
        return ", ".join(f"{party} {date.isoformat()}" for party, date in self.signed)

    def describe(self) -> dict[str, Any]:
        """A summary for ``godnaravard agreements``: name, title, totals, data dates."""
        p = self.parameters
        return {
            "name": self.name,
            "title": self.title,
            "aliases": list(self.aliases),
            "year": self.year,
            "lines": {ln.name: p.amount(ln.total) for ln in self.rules.lines},
            "total": sum(p.amount(ln.total) for ln in self.rules.lines),
            "data": {d.name: d.date.isoformat() for d in self.data.values()},
            "path": str(self.path),
        }


# --------------------------------------------------------------------------------------------
# Values


_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_FRACTION = re.compile(r"^-?[0-9]+\s*/\s*[0-9]+$")
_AMOUNT = re.compile(r"-?[0-9]+")
#: Spaces a number may be grouped with: space, no-break space, thin space, narrow no-break space.
_GROUPING = str.maketrans("", "", "_ \u00a0\u2009\u202f")
#: A parameter value has at most this many digits: an amount is below 10^24 kr, and a share or
#: weight is a fraction whose numerator and denominator (in lowest terms) are each below 10^24.
#: Far beyond any budget (and beyond 2^63, where the sweep's integer path ends), but it keeps
#: every value printable and every computation with it quick.
MAX_DIGITS = 24


def _shown(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _too_long(key: str, what: str) -> ValueError:
    return ValueError(
        f"{key}: {what} has more than {MAX_DIGITS} digits; a parameter value is at most {MAX_DIGITS} digits long "
        f"(an amount below 10^{MAX_DIGITS} kr; a share or weight a fraction whose numerator and denominator are "
        f"each below 10^{MAX_DIGITS})"
    )


_LIMIT = 10**MAX_DIGITS


def parse_value(key: str, value: Any, kind: str) -> int | Fraction:
    """A parameter value from a file or ``--set`` as an exact value of its kind.

    Amounts: whole kronor (``1000000``, ``1_000_000``, ``1 000 000``). Shares and weights: an
    integer, a decimal (``0.5``), a fraction (``1/2``) or a percentage (``50%``). A TOML
    decimal is read exactly (the file is parsed with ``decimal.Decimal``). Only the digits 0–9
    are numbers (also where Unicode has other digits), and a value has at most ``MAX_DIGITS``
    digits.
    """
    if isinstance(value, bool):
        raise ValueError(f"{key}: expected a number, got {value!r}")
    if isinstance(value, float):
        # Not from a TOML file (those are read as Decimal) but from code: its shortest repr is
        # the decimal the caller wrote.
        value = Decimal(repr(value)) if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{key}: expected a number, got {value}")
        if abs(value.adjusted()) > 2 * MAX_DIGITS or len(value.as_tuple().digits) > 2 * MAX_DIGITS:
            raise _too_long(key, "the number")  # (refused before it is written out)
        value = format(value, "f")  # the decimal as written, without an exponent
    if isinstance(value, Fraction):  # from code (scenario_from, overrides)
        value = value.numerator if value.denominator == 1 and kind == "amount" else str(value)
    if kind == "amount":
        if isinstance(value, int):
            if abs(value) >= _LIMIT:
                raise _too_long(key, "the amount")
            return value
        text = str(value).strip().translate(_GROUPING)
        if _AMOUNT.fullmatch(text):
            if len(text.lstrip("-")) > MAX_DIGITS:
                raise _too_long(key, "the amount")
            return int(text)
        raise _refused(key, text, value, "whole kronor")
    if isinstance(value, int):
        if abs(value) >= _LIMIT:
            raise _too_long(key, "the number")
        return Fraction(value)
    text = str(value).strip().replace(",", ".")
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    if _DECIMAL.match(text) or _FRACTION.match(text):
        if sum(ch.isdigit() for ch in text) > 2 * MAX_DIGITS + 2:
            raise _too_long(key, "the number")  # (refused before it is converted)
        try:
            number = Fraction(text.replace(" ", ""))
        except ZeroDivisionError:
            raise ValueError(f"{key}: division by zero in {_shown(value)}") from None
        number = number / 100 if percent else number
        if abs(number.numerator) >= _LIMIT or number.denominator >= _LIMIT:
            raise _too_long(key, f"the number {_shown(number)}")
        return number
    what = "a share such as 0.5, 1/2 or 50%" if kind == "share" else "a weight such as 4, 4.5 or 9/2"
    raise _refused(key, text, value, what)


def _refused(key: str, text: str, value: Any, expected: str) -> ValueError:
    other = other_digits(text)
    return ValueError(f"{key}: {other}" if other else f"{key}: expected {expected}, got {_shown(value)}")


# --------------------------------------------------------------------------------------------
# Loading


@cache
def _index() -> dict[str, Any]:
    with data_file("agreements/index.toml").open("rb") as fh:
        return tomllib.load(fh)


def default_agreement() -> str:
    """The name of the agreement used when none is given."""
    return str(_index()["default"])


def shipped_agreements() -> tuple[Agreement, ...]:
    """Every agreement shipped with the package, the default first."""
    return tuple(load_agreement(name) for name in _index()["shipped"])


@cache
def _shipped_names() -> dict[str, str]:
    """Every name and alias of a shipped agreement → the agreement's folder name."""
    names: dict[str, str] = {}
    for name in _index()["shipped"]:
        raw = _read(data_file(f"agreements/{name}/{DEFINITION}"), name)
        for alias in (name, *raw.get("aliases", [])):
            names.setdefault(alias, name)
    return names


def _shipped_path(ref: str) -> Path | None:
    """The definition of the shipped agreement called ``ref`` (by name or alias), if any.

    The first shipped agreement's own name (the default agreement, by default) cannot be
    another's alias: it is found without reading every shipped definition for its aliases.
    """
    shipped = _index()["shipped"]
    if shipped and ref == shipped[0]:
        return data_file(f"agreements/{ref}/{DEFINITION}")
    name = _shipped_names().get(ref)
    return data_file(f"agreements/{name}/{DEFINITION}") if name else None


def resolve(ref: str | Path | None) -> Path:
    """The definition file named by ``ref`` (a shipped name or alias, a folder or a TOML file)."""
    if ref is None:
        ref = default_agreement()
    if isinstance(ref, str):
        shipped = _shipped_path(ref)
        if shipped is not None:
            return shipped
    path = Path(ref)
    if path.is_dir():
        path = path / DEFINITION
    if not path.is_file():
        names = ", ".join(_index()["shipped"])
        what = "is not a regular file" if path.exists() else "does not exist"
        raise InputError(Problem(str(ref), f"no such agreement: not a shipped name ({names}), and the path {what}"))
    return path


def load_agreement(ref: str | Path | None = None) -> Agreement:
    """An agreement by shipped name or alias, or by the path of its folder or ``agreement.toml``.

    Each definition is read and validated once per process (cached by its resolved path).
    """
    path = resolve(ref).resolve()
    return _load(str(path))


def _decimals_as_text(value: Any) -> Any:
    """Every TOML decimal (read as ``Decimal``) as its exact text, which ``parse_value`` reads
    exactly; the definition's schema has no field that needs a binary float."""
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, dict):
        return {k: _decimals_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimals_as_text(v) for v in value]
    return value


def _read(path: Path, label: str) -> dict[str, Any]:
    """A definition file: a regular file of at most ``MAX_DEFINITION_BYTES`` (checked before it is
    read), as TOML, its decimals exact."""
    from .tables import read_toml

    raw = read_toml(path, label, MAX_DEFINITION_BYTES, what="definition", limit_name="a definition")
    return _decimals_as_text(raw)  # type: ignore[no-any-return]


def _loc(loc: tuple[Any, ...], raw: Mapping[str, Any]) -> str:
    """A pydantic location as a key path a reader finds in the file: ``lines.ambulans.parts[0].key``."""
    out: list[str] = []
    node: Any = raw
    for step in loc:
        if isinstance(step, int) and isinstance(node, list):
            item = node[step] if step < len(node) else None
            name = item.get("name") if isinstance(item, dict) else None
            out[-1] = f"{out[-1]}.{name}" if name else f"{out[-1]}[{step}]"
            node = item
        else:
            out.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(out)


_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december")
_PLACEHOLDER = re.compile(r"\{(year|date\.([a-z0-9_]+))(?::(long|iso|month))?\}")


def swedish_date(date: dt.date, style: str = "short") -> str:
    """A date as Swedish text: ``1 nov YYYY`` (short), ``1 november YYYY`` (long), ``november YYYY``
    (month, as the bilagor head their population columns) or ``YYYY-MM-DD`` (iso)."""
    if style == "iso":
        return date.isoformat()
    month = _MONTHS[date.month - 1]
    if style == "month":
        return f"{month} {date.year}"
    return f"{date.day} {month if style == 'long' else month[:3]} {date.year}"


def _fill(value: Any, year: Any, dates: Mapping[str, Any], where: str, problems: list[Problem], label: str) -> Any:
    """Replace ``{year}``, ``{date.NAME}`` (``:long``, ``:iso``, ``:month``) in every string of the definition.

    So that a title, a heading or a quoted rule follows the agreement's year and its data dates:
    a new year's definition changes ``year`` and the dates, not every label.
    """
    if isinstance(value, dict):
        return {k: _fill(v, year, dates, f"{where}.{k}" if where else k, problems, label) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, year, dates, f"{where}[{i}]", problems, label) for i, v in enumerate(value)]
    if not isinstance(value, str) or "{" not in value:
        return value

    def one(m: re.Match[str]) -> str:
        if m.group(1) == "year":
            return str(year)
        date = dates.get(m.group(2))
        if not isinstance(date, dt.date):
            problems.append(Problem(label, f"{m.group(0)} names no data file with a date; the data files are "
                                           f"{', '.join(dates) or 'none'}", key=where))
            return m.group(0)
        return swedish_date(date, m.group(3) or "short")

    return _PLACEHOLDER.sub(one, value)


def shown_path(path: Path) -> str:
    """A path as a message shows it: relative to the working folder when it lies inside it."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@cache
def _load(path_text: str) -> Agreement:
    path = Path(path_text)
    label = shown_path(path)
    raw = _read(path, label)
    data = raw.get("data") if isinstance(raw.get("data"), dict) else {}
    dates = {k: v.get("date") for k, v in data.items() if isinstance(v, dict)}
    filled: list[Problem] = []
    raw = {k: v if k in ("name", "aliases", "year") else _fill(v, raw.get("year"), dates, k, filled, label)
           for k, v in raw.items()}
    if filled:
        raise InputError(filled)
    try:
        spec = _definition().validate_python(raw)
    except ValidationError as exc:
        problems = [
            Problem(label, err["msg"].removeprefix("Value error, "), key=_loc(tuple(err["loc"]), raw))
            for err in exc.errors()
        ]
        raise InputError(problems) from None
    return _build(spec, path, label)


def _csv_header(path: Path) -> list[str]:
    """The first line of a CSV file, split into column names."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh), [])


def _build(spec: Any, path: Path, label: str) -> Agreement:  # noqa: C901 - one check per rule
    """Check every cross-reference of a validated definition and build the agreement."""
    problems: list[Problem] = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem(label, message, key=key))

    folder = path.parent
    kinds = {k: p.kind for k, p in spec.parameters.items()}

    def need(key_path: str, name: str | None, kind: str | None = None) -> None:
        if name is None:
            return
        if name not in kinds:
            problem(key_path, f"unknown parameter {name!r}; the [parameters] table has {', '.join(kinds)}")
        elif kind is not None and kinds[name] != kind:
            problem(key_path, f"{name} is a {kinds[name]}, but this needs a{'n' if kind == 'amount' else ''} {kind}")

    for what, names in (
        ("budget line", [ln.name for ln in spec.lines]),
        ("column", [c.name for c in spec.columns]),
        ("table", [t.name for t in spec.tables]),
    ):
        for name, count in Counter(names).items():
            if count > 1:
                problem(f"{what.split()[-1]}s.{name}", f"the {what} name {name!r} is used {count} times")

    # Data files
    data: dict[str, DataFile] = {}
    if "population" not in spec.data:
        problem("data", "there is no [data.population]: the file that lists the recipients and their counts")
    for name, d in spec.data.items():
        file = (folder / d.file).resolve()
        if not file.is_file():
            problem(f"data.{name}.file", f"the data file {d.file!r} does not exist (looked for {file})")
        data[name] = DataFile(name, file, d.date, d.label, d.title or d.label, d.source, tuple(d.counts))
    counts = set(spec.data["population"].counts) if "population" in spec.data else set()

    # Keys
    keys: dict[str, Key] = {}
    for name, k in spec.keys.items():
        if k.column is not None:
            if k.column not in counts:
                problem(f"keys.{name}.column", f"unknown column {k.column!r}: [data.population] counts has "
                                               f"{', '.join(sorted(counts)) or 'no columns'}")
            keys[name] = Key(name, "column", column=k.column, label=k.label, section=k.section)
        else:
            for i, w in enumerate(k.landsbygd or ()):
                need(f"keys.{name}.landsbygd[{i}]", w, "weight")
            if "landsbygd" not in spec.data:
                problem(f"keys.{name}", "the rural key needs its data file: add [data.landsbygd]")
            keys[name] = Key(name, "landsbygd", weights=tuple(k.landsbygd or ()), label=k.label, section=k.section)

    # Lines and parts
    lines: list[Line] = []
    for ln in spec.lines:
        where = f"lines.{ln.name}"
        need(f"{where}.total", ln.total, "amount")
        need(f"{where}.base", ln.base, "amount")
        parts = []
        for name, count in Counter(p.name for p in ln.parts).items():
            if count > 1:
                problem(f"{where}.parts", f"the part name {name!r} is used {count} times")
        for p in ln.parts:
            pw = f"{where}.parts.{p.name}"
            if p.key not in keys and p.key not in spec.keys:
                problem(f"{pw}.key", f"unknown key {p.key!r}; the [keys] table has {', '.join(spec.keys) or 'none'}")
            need(f"{pw}.amount", p.amount, "amount")
            need(f"{pw}.share", p.share, "share")
            parts.append(Part(p.name, p.key, p.amount, p.share, p.label, p.section))
        rest = [p.name for p in parts if p.is_rest]
        if len(rest) != 1:
            problem(f"{where}.parts", "exactly one part must take the rest (no amount, no share); "
                                      f"{'none does' if not rest else 'these do: ' + ', '.join(rest)}")
        lines.append(Line(ln.name, ln.total, tuple(parts), ln.base, ln.label, ln.section))
    line_parts = {ln.name: {p.name for p in ln.parts} for ln in lines}

    # Columns
    columns: list[ColumnSpec] = []
    amount_names: set[str] = set()
    for c in spec.columns:
        where = f"columns.{c.name}"
        ref = tuple(c.ref)
        if c.kind in ("code", "text") and (ref[0] if ref else c.name) not in TEXT_COLUMNS:
            problem(where, f"a {c.kind} column is one of {', '.join(TEXT_COLUMNS)}")
        elif c.kind == "count" and (ref[0] if ref else c.name) not in counts:
            problem(where, f"no count column {c.name!r} in [data.population] counts ({', '.join(sorted(counts))})")
        elif c.kind == "line" and (len(ref) != 1 or ref[0] not in line_parts):
            problem(f"{where}.ref", f"a line column names one budget line: one of {', '.join(line_parts)}")
        elif c.kind == "part" and (len(ref) != 2 or ref[0] not in line_parts or ref[1] not in line_parts[ref[0]]):
            problem(f"{where}.ref", "a part column names a budget line and one of its parts: ["
                                    + "; ".join(f"{ln}, {'|'.join(sorted(ps))}" for ln, ps in line_parts.items()) + "]")
        elif c.kind == "sum":
            bad = [r for r in ref if r not in amount_names]
            if not ref or bad:
                problem(f"{where}.ref", "a sum column adds amount columns listed before it; unknown: "
                                        + (", ".join(bad) or "(empty)"))
        if c.kind in ("line", "part", "sum"):
            amount_names.add(c.name)
        columns.append(ColumnSpec(c.name, c.kind, ref, c.label, c.short))
    names = [c.name for c in columns]

    # Tables
    tables = []
    for t in spec.tables:
        where = f"tables.{t.name}"
        unknown = [c for c in t.columns if c not in names]
        if unknown:
            problem(f"{where}.columns", f"no column produces {', '.join(unknown)}; the columns are {', '.join(names)}")
        official = None
        if t.official is not None:
            official = (folder / t.official).resolve()
            if not official.is_file():
                problem(f"{where}.official", f"the official table {t.official!r} does not exist (looked for {official})")
        for col in t.official_columns:
            if col not in t.columns:
                problem(f"{where}.official_columns.{col}", f"{col} is not a column of this table")
        if official is not None and official.is_file():
            header = _csv_header(official)
            for col, theirs in (*t.official_columns.items(), ("official_code_column", t.official_code_column)):
                if theirs not in header:
                    key = f"{where}.{col}" if col == "official_code_column" else f"{where}.official_columns.{col}"
                    problem(key, f"the official table {t.official!r} has no column {theirs!r}; "
                                 f"its columns are {', '.join(header)}")
        printed = _printed(t.printed, where, {c.name: c for c in columns}, problem)
        tables.append(TableSpec(t.name, t.label, t.title, tuple(t.columns), official, dict(t.official_columns),
                                t.official_code_column, printed, t.printed_title, t.total_label,
                                tuple(t.footnotes), t.source_line))

    # Budget table and stated totals
    items: list[BudgetItem] = []
    budget_files: dict[str, Path] = {}
    if spec.budget is not None:
        for i, item in enumerate(spec.budget.items):
            need(f"budget.items[{i}].parameter", item.parameter, "amount")
            items.append(BudgetItem(item.chapter, item.item, item.recipient, item.group, item.payer,
                                    item.parameter, item.allocated_in))
        for what in ("by_chapter", "by_recipient", "stated_totals"):
            rel = getattr(spec.budget, what)
            if rel is not None:
                file = (folder / rel).resolve()
                if not file.is_file():
                    problem(f"budget.{what}", f"the file {rel!r} does not exist (looked for {file})")
                budget_files[what] = file
    totals = []
    for tid, t in spec.totals.items():
        for i, k in enumerate(t.parameters):
            need(f"totals.{tid}.parameters[{i}]", k, "amount")
        for c in t.columns:
            if c not in amount_names and c not in counts:
                problem(f"totals.{tid}.columns", f"{c!r} is neither an amount column nor a count column")
        for fld in t.items:
            if fld not in ("chapter", "item", "recipient", "group", "payer", "parameter"):
                problem(f"totals.{tid}.items.{fld}", "budget items are matched by chapter, item, recipient, group or payer")
        if (t.items or t.all_items) and not items:
            problem(f"totals.{tid}", "adds up budget items, but there is no [budget] with items")
        totals.append(StatedTotal(tid, tuple(t.parameters), dict(t.items), t.all_items, tuple(t.columns)))

    # Parameter values
    values: dict[str, int | Fraction] = {}
    for key, p in spec.parameters.items():
        try:
            values[key] = parse_value(key, p.value, p.kind)
        except ValueError as exc:
            problem(f"parameters.{key}.value", str(exc))
    if problems:
        raise InputError(problems)

    adjustments = _adjustments(spec.adjustments, line_parts, {t.name for t in tables}, problem)
    if problems:
        raise InputError(problems)
    rules = Rules(
        parameters=kinds, keys=keys, lines=tuple(lines), columns=tuple(columns), budget=tuple(items),
        stated_totals=tuple(totals), recipient=spec.recipients, adjustments=adjustments,
    )
    try:
        params = Parameters(values, rules)
    except AllocationError as exc:
        raise InputError([Problem(label, msg, key="parameters") for msg in str(exc).split("; ")]) from None
    info = {k: ParameterInfo(k, p.kind, p.unit, p.label, p.source) for k, p in spec.parameters.items()}
    return Agreement(
        name=spec.name, title=spec.title, full_title=spec.full_title or spec.title, description=spec.description,
        year=spec.year, parties=tuple(spec.parties), signed=tuple((s.party, s.date) for s in spec.signed),
        document=spec.document, sections=spec.sections, path=path, aliases=tuple(spec.aliases), data=data,
        rules=rules, parameters=params, parameter_info=info, tables=tuple(tables),
        budget_title=spec.budget.title if spec.budget else "", budget_files=budget_files,
        notes=tuple(spec.notes),
    )


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
            problem(f"{key}.{field_name}", f"unknown column {name!r}; the columns are {', '.join(columns)}")
        elif e.share is not None and spec.kind in ("code", "text"):
            problem(f"{key}.share", f"{name} is a {spec.kind} column: a share is of a count or an amount column")
        out.append(PrintedColumn(e.heading, e.column, e.share, e.decimals))
    return tuple(out)


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
            problem(f"{key}.line", f"unknown budget line {a.line!r}; the lines are {', '.join(line_parts)}")
        elif a.part not in line_parts[a.line]:
            problem(f"{key}.part", f"{a.line} has no part {a.part!r}; its parts are {', '.join(sorted(line_parts[a.line]))}")
        if a.table and a.table not in tables:
            problem(f"{key}.table", f"unknown table {a.table!r}; the tables are {', '.join(sorted(tables))}")
        kronor: dict[str, int] = {}
        for code, value in a.kronor.items():
            if isinstance(value, bool) or not isinstance(value, int):
                problem(f"{key}.kronor.{code}", f"expected whole kronor (an integer), got {_shown(value)}")
            elif value == 0:
                problem(f"{key}.kronor.{code}", "an adjustment of 0 kr adjusts nothing: leave the recipient out")
            else:
                kronor[code] = value
        if len(kronor) == len(a.kronor) and sum(kronor.values()) != 0:
            problem(f"{key}.kronor", f"the kronor add up to {sum(kronor.values()):+d}, not 0: "
                                     "an adjustment must keep the part's sum")
        out.append(Adjustment(a.line, a.part, kronor, a.table, a.source))
    return tuple(out)


# --------------------------------------------------------------------------------------------
# A new agreement from an existing one


def _folder_name(path: Path) -> str:
    """The agreement name a new folder suggests: its name, lower case, with safe characters only."""
    name = re.sub(r"[^a-z0-9_.-]+", "-", path.name.casefold()).strip("-._")
    return name or "new-agreement"


def copy_agreement(source: Agreement, target: Path, with_official: bool = False) -> Path:
    """Copy ``source``'s definition and its data files into the new folder ``target``.

    The copy is self-contained: data files sit beside ``agreement.toml``, the paths in the
    definition are rewritten to match, the name becomes the folder's name and the aliases are
    dropped, so that the copy never shadows the original. The official tables are the published
    figures of *that* agreement, not of the new one: they are left out (and the definition's
    references to them removed) unless ``with_official``, when they are copied under
    ``official/``. The folder is built under a temporary name and renamed into place: it appears
    whole or not at all.
    """
    import shutil
    import tempfile

    if target.exists():
        raise FileExistsError(f"{target} already exists; choose a new folder")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise FileNotFoundError(f"the folder {parent} does not exist")
    text = source.path.read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    moves: dict[str, str] = {}
    for spec in raw.get("data", {}).values():
        moves[spec["file"]] = Path(spec["file"]).name
    official = [t["official"] for t in raw.get("tables", []) if t.get("official")]
    official += [raw["budget"][w] for w in ("by_chapter", "by_recipient", "stated_totals") if raw.get("budget", {}).get(w)]
    if with_official:
        moves |= {rel: f"official/{Path(rel).name}" for rel in official}
    else:
        text = re.sub(r'(?m)^(official|official_columns|by_chapter|by_recipient|stated_totals) = .*\n', "", text)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    try:
        (tmp / "official").mkdir()
        for old, new in moves.items():
            shutil.copyfile(source.path.parent / old, tmp / new)
            text = text.replace(f'"{old}"', f'"{new}"')
        text = re.sub(r'(?m)^name = ".*"$', f'name = "{_folder_name(target)}"', text, count=1)
        text = re.sub(r"(?m)^aliases = \[.*\]\n", "", text, count=1)
        (tmp / DEFINITION).write_text(text, encoding="utf-8")
        if not any((tmp / "official").iterdir()):
            (tmp / "official").rmdir()
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target / DEFINITION
