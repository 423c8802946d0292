"""Loading and validating the input data: population and HSL insatser per län, and the rural key.

Each file is read by ``tables.read_table`` (CSV or ``.xlsx``), its header is matched against
the expected columns, and every cell is parsed by the parser of its column. Every problem
found is reported at once, as an ``InputError`` whose problems name the file, the row as the
user sees it (CSV line, spreadsheet row; the header is row 1), the column, what was found and
what was expected. The result is the core's plain ``Inputs``.

Formats (the shipped files are the examples):

- recipients: ``lan_code, lan, region`` and the agreement's count columns (God och nära vård:
  ``population, hsl_insatser``; the agreement's own file is the example);
- rural key per region: ``lan_code`` and optionally ``region, tatortsnara_inv, gles_inv,
  mycket_gles_inv, vagd_summa, status`` (``data/landsbygd_weights.csv``);
- rural key per kommun: ``kommun_code, kategori, population`` (other columns, such as the
  kommun's name, are ignored; a ``lan_code`` column, if present, must agree with the code).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic_core import SchemaValidator, ValidationError, core_schema

from .core import Inputs, KommunRow, Region, RuralKey, key_from_kommuner
from .errors import MAX_PROBLEMS, InputError, Problem, other_digits, safe_excerpt
from .lan import LAN, REGION_NAMES, lookup
from .resources import data_file, source_of
from .tables import MAX_BYTES, Formula, Table, read_table

if TYPE_CHECKING:
    from pydantic_core import CoreSchema

__all__ = [
    "canonical_column",
    "CATEGORY_NAMES",
    "KOMMUNER_FILE",
    "KOMMUN_KEY_COLUMNS",
    "MAX_BYTES",
    "MAX_POPULATION",
    "MAX_PROBLEMS",
    "MAX_ROWS",
    "POPULATION_COLUMNS",
    "REGION_KEY_COLUMNS",
    "load_inputs",
    "load_landsbygd",
    "load_population",
    "parse_count",
]

#: The shipped rural key: its reference weights are recorded with its provenance (data/sources.toml).
LANDSBYGD_FILE = "landsbygd_weights.csv"
KOMMUNER_FILE = "kommuner.csv"
#: No län has ever had 100 million inhabitants; a larger count is a typing error.
MAX_POPULATION = 100_000_000
#: An input table (recipients, rural key) has at most this many rows: Sweden has 290 kommuner.
#: A longer file is refused at its next row, before anything in it is validated.
MAX_ROWS = 10_000
#: At most this many problems are collected per file (``MAX_PROBLEMS`` of them are listed, in
#: file order); further ones are only counted.
_COLLECTED = 10 * MAX_PROBLEMS

POPULATION_COLUMNS: tuple[str, ...] = ("lan_code", "lan", "region", "population", "hsl_insatser")
REGION_KEY_COLUMNS: tuple[str, ...] = (
    "lan_code",
    "region",
    "tatortsnara_inv",
    "gles_inv",
    "mycket_gles_inv",
    "vagd_summa",
    "status",
)
KOMMUN_KEY_COLUMNS: tuple[str, ...] = ("kommun_code", "kategori", "population")
_KOMMUN_KEY_OPTIONAL: tuple[str, ...] = ("lan_code",)
_CATEGORY_COLUMNS: tuple[str, ...] = ("tatortsnara_inv", "gles_inv", "mycket_gles_inv")
_STATUSES: tuple[str, ...] = ("kategorier_kanda", "endast_vagd_summa")

#: Swedish headings accepted for a column (those of the sheet Underlag of ``godnaravard export``,
#: and the agreement's own); case is ignored. A heading ending in "…" also matches when followed
#: by more words or a parenthesis ("Befolkning 1 nov" and a year).
HEADINGS: dict[str, tuple[str, ...]] = {
    "lan_code": ("länskod", "lanskod"),
    "lan": ("län",),
    "region": ("region",),
    "population": ("befolkning…", "folkmängd…", "folkmangd…", "befolkningsmängd…"),
    "hsl_insatser": ("antal individer med insatser…",),
    "tatortsnara_inv": ("landsbygd: tätortsnära…",),
    "gles_inv": ("landsbygd: glesa…",),
    "mycket_gles_inv": ("landsbygd: mycket glesa…",),
    "vagd_summa": ("viktad summa…",),
    "status": ("landsbygdsnyckel: status",),
    "kommun_code": ("kommunkod",),
}

#: Spellings accepted in the ``kategori`` column of a per-kommun key → the category.
CATEGORY_NAMES: dict[str, str] = {
    "tatortsnara": "tatortsnara",
    "tätortsnära": "tatortsnara",
    "tätortsnära landsbygdskommun": "tatortsnara",
    "tatortsnara landsbygdskommun": "tatortsnara",
    "gles": "gles",
    "glesa": "gles",
    "gles landsbygdskommun": "gles",
    "mycket_gles": "mycket_gles",
    "mycket gles": "mycket_gles",
    "mycket glesa": "mycket_gles",
    "mycket gles landsbygdskommun": "mycket_gles",
    "ovrig": "ovrig",
    "övrig": "ovrig",
    "ovriga": "ovrig",
    "övriga": "ovrig",
}

# --------------------------------------------------------------------------------------------
# Cell parsers: each takes one cell and returns the value, or raises ValueError with a message
# that says what was found and what was expected.

_DIGITS = re.compile(r"[0-9]+")
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:([ \u00a0\u2009\u202f.])[0-9]{3})(?:\1[0-9]{3})*")
_NEGATIVE = re.compile(r"[-\u2212]\s*[0-9][0-9 \u00a0\u2009\u202f.,]*")
_DECIMAL = re.compile(r"[0-9][0-9 \u00a0\u2009\u202f]*[.,][0-9]+")
_EXCEL_ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")


def _formula(value: Formula) -> ValueError:
    return ValueError(
        f"the cell holds the formula {value.text} but no calculated value; open the workbook in Excel or "
        f"LibreOffice and save it, so that the value is stored"
    )


def _close(word: str, options: Sequence[str], cutoff: float) -> list[str]:
    """The option closest to ``word``, if any is close enough (a hint in a message)."""
    import difflib  # only when there is something to hint at

    return difflib.get_close_matches(word, options, n=1, cutoff=cutoff)


def _shown(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def parse_count(value: Any, maximum: int = MAX_POPULATION) -> int:
    """A whole number from 0 to ``maximum`` from a cell.

    Accepted: ``12345``, ``12 345`` (space, no-break space or thin space), ``12.345`` (dot as
    the Swedish thousands separator), and from a workbook an integer or an integral float.
    Refused with a message: empty, negative, decimal, non-numeric, NaN, too large.
    """
    if isinstance(value, Formula):
        raise _formula(value)
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got the truth value {str(value).upper()}")
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"expected a whole number, got {value!r} (not a number)")
        if not value.is_integer():
            raise ValueError(f"a decimal count ({value!r}); a count of people is a whole number")
        value = int(value)
    if isinstance(value, int):
        n = value
    elif isinstance(value, str):
        n = _count_from_text(value.strip())
    else:
        shown = value.date() if isinstance(value, dt.datetime) and value.time() == dt.time() else value
        kind = "date" if isinstance(value, dt.date) else type(value).__name__
        raise ValueError(f"expected a whole number, got a {kind} ({shown})")
    if n < 0:
        raise ValueError(f"a negative count ({n}); expected a whole number ≥ 0")
    if n > maximum:
        raise ValueError(
            f"{n:,} is too large to be a count of people here (at most {maximum:,})".replace(",", " ")
        )
    return n


def _count_from_text(text: str) -> int:
    if text == "":
        raise ValueError("the cell is empty; expected a whole number")
    if _DIGITS.fullmatch(text):
        return int(text)
    if _THOUSANDS.fullmatch(text):
        return int(re.sub(r"[^0-9]", "", text))
    if _NEGATIVE.fullmatch(text):
        raise ValueError(f"a negative count ({text}); expected a whole number ≥ 0")
    if _DECIMAL.fullmatch(text):
        raise ValueError(f"a decimal count ({text}); a count of people is a whole number")
    if text.casefold() in ("nan", "na", "n/a", "null", "none", "inf", "-inf", "infinity"):
        raise ValueError(f"expected a whole number, got {text!r} (not a number)")
    if text.upper() in _EXCEL_ERRORS:
        raise ValueError(f"the cell holds the spreadsheet error {text.upper()}; expected a whole number")
    raise ValueError(other_digits(text) or f"expected a whole number, got {_shown(text)}")


def _code(width: int, what: str, example: str) -> Callable[[Any], str]:
    """A parser for a code of ``width`` digits (leading zeros may have been lost in a spreadsheet)."""

    def parse(value: Any) -> str:
        if isinstance(value, Formula):
            raise _formula(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip() if not isinstance(value, bool) else "?"
        if text == "":
            raise ValueError(f"the cell is empty; expected {what} such as {example}")
        if not (_DIGITS.fullmatch(text) and len(text) <= width):
            raise ValueError(other_digits(text) or f"expected {what} of {width} digits such as {example}, got "
                                                   f"{_shown(value)}")
        return text.zfill(width)

    return parse


def _text(what: str) -> Callable[[Any], str]:
    """A parser for a non-empty text cell (a name)."""

    def parse(value: Any) -> str:
        if isinstance(value, Formula):
            raise _formula(value)
        if not isinstance(value, str):
            raise ValueError(f"expected {what}, got the number or date {_shown(value)}")
        if value.strip() == "":
            raise ValueError(f"the cell is empty; expected {what}")
        return value.strip()

    return parse


def _optional(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The parser, but an empty cell gives ``None``."""

    def parse_optional(value: Any) -> Any:
        if isinstance(value, str) and value.strip() == "":
            return None
        return parse(value)

    return parse_optional


def _category(value: Any) -> str:
    """The ``kategori`` of a kommun (avsnitt 12: tätortsnära, glesa, mycket glesa; or övrig)."""
    if isinstance(value, Formula):
        raise _formula(value)
    text = " ".join(str(value).replace("_", " ").split()).casefold()
    for spelling in (text, text.replace(" ", "_")):
        if spelling in CATEGORY_NAMES:
            return CATEGORY_NAMES[spelling]
    if text == "":
        raise ValueError("the cell is empty; expected a category: tatortsnara, gles, mycket_gles or ovrig")
    near = _close(text, list(CATEGORY_NAMES), 0.7)
    hint = f" (did you mean '{CATEGORY_NAMES[near[0]]}'?)" if near else ""
    raise ValueError(
        f"no such category {_shown(value)}{hint}; expected tatortsnara, gles or mycket_gles (the weighted "
        f"landsbygdskommuner of avsnitt 12) or ovrig (any other kommun)"
    )


_STATUS_NAMES = {"kategorier kända": "kategorier_kanda", "endast viktad summa": "endast_vagd_summa"}


def _status(value: Any) -> str:
    text = str(value).strip()
    text = _STATUS_NAMES.get(text.casefold(), text)
    if text in ("", *_STATUSES):
        return text
    raise ValueError(f"unknown status {_shown(value)}; expected {' or '.join(_STATUSES)} (or an empty cell)")


_LAN_CODE = _code(2, "a län code", "01 or 25")
_KOMMUN_CODE = _code(4, "a kommun code", "0114 or 2584")


def _weighted_sum(value: Any) -> int:
    """A weighted rural population W: a count, at most MAX_POPULATION × the largest reference weight."""
    return parse_count(value, math.ceil(MAX_POPULATION * max(_reference_weights())))


# --------------------------------------------------------------------------------------------
# Row schemas: each column's type with its parser above, validated by pydantic-core (the schema
# pydantic builds for ``Annotated[type, BeforeValidator(parser)]``). A row is validated whole,
# by one validator; a row that fails is validated again cell by cell (so that every bad cell is
# reported, not only the first of a row), by a validator for the column, built when first needed.


def _parsed(parse: Callable[[Any], Any], schema: CoreSchema) -> CoreSchema:
    """A cell of type ``schema``, read by ``parse`` (which raises ``ValueError`` with the message)."""
    return core_schema.no_info_before_validator_function(parse, schema)


def _lan_code() -> CoreSchema:
    return _parsed(_LAN_CODE, core_schema.str_schema())


def _count() -> CoreSchema:
    return _parsed(parse_count, core_schema.int_schema())


def _optional_count(parse: Callable[[Any], Any] = parse_count) -> CoreSchema:
    return _parsed(_optional(parse), core_schema.nullable_schema(core_schema.int_schema()))


def _optional_text(parse: Callable[[Any], Any]) -> CoreSchema:
    return _parsed(_optional(parse), core_schema.nullable_schema(core_schema.str_schema()))


class _Row:
    """The schema of a row of an input table: its columns, in order, each with its schema, and
    the columns every row must have. The validators are built when first used."""

    __slots__ = ("name", "columns", "required", "_whole", "_cells")

    def __init__(self, name: str, columns: Mapping[str, CoreSchema], required: Sequence[str]):
        self.name = name
        self.columns = dict(columns)
        self.required = tuple(required)
        self._whole: SchemaValidator | None = None
        self._cells: dict[str, SchemaValidator] = {}

    def whole(self) -> SchemaValidator:
        """The validator of a row: ``{column: cell}`` for the columns present → their values."""
        if self._whole is None:
            fields = {c: core_schema.typed_dict_field(s, required=c in self.required) for c, s in self.columns.items()}
            self._whole = SchemaValidator(core_schema.typed_dict_schema(fields, config=core_schema.CoreConfig(
                title=self.name)))
        return self._whole

    def cell(self, column: str) -> SchemaValidator:
        """The validator of one cell of ``column``."""
        if column not in self._cells:
            self._cells[column] = SchemaValidator(self.columns[column])
        return self._cells[column]


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


# --------------------------------------------------------------------------------------------
# Collecting problems


@dataclass
class _Report:
    """The problems found in one table, each located by row and column.

    At most ``_COLLECTED`` problems are kept (the checks add them mostly in file order); the
    rest are only counted (``dropped``), so that a file with a mistake on every one of its rows
    costs no more than one with a thousand.
    """

    table: Table
    problems: list[Problem] = field(default_factory=list)
    dropped: int = 0

    def add(self, message: str, row: int | None = None, column: str | None = None) -> None:
        if len(self.problems) >= _COLLECTED:
            self.dropped += 1
            return
        ref = self.table.cell_ref(row, column)
        self.problems.append(
            Problem(self.table.file, f"{message} (cell {ref})" if ref else message, row, column)
        )

    def sorted(self) -> list[Problem]:
        """Problems in file order (header first, rows in order, whole-file problems last)."""
        return sorted(self.problems, key=lambda p: (p.row is None, p.row or 0))

    def raise_if_any(self) -> None:
        """An ``InputError`` listing the first ``MAX_PROBLEMS`` problems and counting the rest."""
        if self.problems:
            raise InputError(self.sorted(), more=self.dropped)


def canonical_column(label: str, expected: Sequence[str]) -> str | None:
    """The expected column a header label names: its own name or a Swedish heading (``HEADINGS``)."""
    key = " ".join(label.split()).casefold()
    for column in expected:
        if key == column:
            return column
        for heading in HEADINGS.get(column, ()):
            stem = heading.removesuffix("…")
            if key == stem or (stem != heading and key.startswith((stem + " ", stem + "("))):
                return column
    return None


def _columns(
    report: _Report,
    expected: Sequence[str],
    required: Sequence[str],
    strict: bool,
    describe: str,
    ignored: Sequence[str] = (),
) -> dict[str, str]:
    """Match the header to ``expected``; report missing, unknown and misspelt columns.

    Columns named in ``ignored`` (those of the other input, in a sheet that holds both, such as
    the sheet Underlag of ``godnaravard export``) are skipped. Returns ``{expected column:
    header label}`` for the columns present.
    """
    table = report.table
    present: dict[str, str] = {}
    unknown: list[str] = []
    for label in table.header:
        column = canonical_column(label, expected)
        if column is not None and column not in present:
            present[column] = label
        elif column is not None:
            report.add(
                f"a second column for {column} (the first is {present[column]!r})",
                row=table.header_row,
                column=label,
            )
        elif canonical_column(label, ignored) is None:
            unknown.append(label)
    # Suggest only columns that could be meant: in a lenient format, extra columns (a kommun's
    # name, say) are normal, so only a missing required column is worth a suggestion there.
    absent = [c for c in expected if c not in present and (strict or c in required)]
    explained: set[str] = set()
    row = table.header_row
    near_any = False
    for label in unknown:
        near = _close(label.casefold(), absent, 0.6)
        if near:
            near_any = True
            explained.add(near[0])
            missing_note = " (that column is missing)" if near[0] in required else ""
            report.add(f"unknown column; did you mean '{near[0]}'?{missing_note}", row=row, column=label)
        elif strict:
            report.add(
                f"unknown column; {describe} has the columns {', '.join(expected)}", row=row, column=label
            )
    for col in required:
        if col not in present and col not in explained:
            report.add(
                f"this column is missing; {describe} has the columns {', '.join(expected)}",
                row=row,
                column=col,
            )
    if not present and not near_any:
        shown = _excerpt(table.header)
        report.problems.clear()
        sheets = ""
        if len(table.sheets) > 1:
            sheets = (
                f"; the workbook has the sheets {', '.join(table.sheets)}: name the one with the table as "
                f"FILE.xlsx#Sheet"
            )
        report.add(
            f"no header row: row {row} holds {shown}, but {describe} starts with a row naming the "
            f"columns {', '.join(expected)}{sheets}",
            row=row,
        )
    return present


def _excerpt(cells: Sequence[str], limit: int = 40) -> str:
    """The first cells of a row that is not a header, for a message: a few safe characters only.

    The file may be anything at all (the wrong path, a file of passwords): at most ``limit``
    characters in all, printable ASCII and Latin letters only.
    """
    out: list[str] = []
    used = 0
    for cell in cells[:6]:
        part = repr(safe_excerpt(cell, 16))
        if used + len(part) > limit:
            out.append("…")
            break
        out.append(part)
        used += len(part) + 2
    return ", ".join(out) if out else "''"


def _header_names(*columns: str) -> tuple[str, ...]:
    """Names that mark the header row: the columns and their Swedish headings."""
    return (*columns, *(h.removesuffix("…") for c in columns for h in HEADINGS.get(c, ())))


def _check_totals(
    report: _Report,
    rows: list[tuple[int, dict[str, Any]]],
    present: Mapping[str, str],
    columns: Sequence[str],
) -> None:
    """A total row, where the table has one, must agree with the sum of the rows above it."""
    if report.table.total is None:
        return
    line_no, cells = report.table.total
    for column in columns:
        label = present.get(column)
        if label is None or any(column not in v for _, v in rows):
            continue
        cell = cells.get(label, "")
        try:
            stated = parse_count(cell, maximum=10**15)
        except ValueError:
            continue  # an empty or textual cell in a total row states nothing
        computed = sum(v[column] or 0 for _, v in rows)
        if stated != computed:
            report.add(
                f"the total row says {stated}, but the rows above it sum to {computed}",
                row=line_no,
                column=label,
            )


def _parse_rows(report: _Report, present: Mapping[str, str], row: _Row) -> list[tuple[int, dict[str, Any]]]:
    """Every row validated against ``row``: a cell that fails is reported and left out of its row,
    so that the checks across rows still see the rest.

    A row is first validated whole (one validator for every row); only a row that fails is
    validated again cell by cell, to report each of its bad cells and keep the good ones.
    """
    out = []
    columns = [c for c in row.columns if c in present]
    whole = row.whole() if all(c in present for c in row.required) else None
    for line_no, cells in report.table.rows:
        if whole is not None:
            try:
                out.append((line_no, whole.validate_python({c: cells[present[c]] for c in columns})))
                continue
            except ValidationError:
                pass  # some cell is wrong: each is validated on its own below
        values: dict[str, Any] = {}
        for column in columns:
            label = present[column]
            try:
                values[column] = row.cell(column).validate_python(cells[label])
            except ValidationError as exc:
                message = exc.errors()[0]["msg"].removeprefix("Value error, ")
                report.add(message, row=line_no, column=label)
        out.append((line_no, values))
    return out


def _check_lan(
    report: _Report,
    rows: list[tuple[int, dict[str, Any]]],
    present: Mapping[str, str],
    names: Mapping[str, Mapping[str, str]],
    expected: Sequence[str] = tuple(LAN),
    require_all: bool = True,
) -> None:
    """Every expected län exactly once, each code known, and each name (where given) naming the same län."""
    code_col = present.get("lan_code", "lan_code")
    seen: dict[str, int] = {}
    for line_no, values in rows:
        code = values.get("lan_code")
        if code is None:
            continue
        if code not in expected:
            what = f"the {len(expected)} län codes are" if code not in LAN else "this agreement's recipients are"
            report.add(
                f"unknown län code {code!r}; {what} {', '.join(expected)}",
                row=line_no,
                column=code_col,
            )
            continue
        if code in seen:
            report.add(
                f"län {code} ({LAN[code]}) appears again; it is first on row {seen[code]}",
                row=line_no,
                column=code_col,
            )
            continue
        seen[code] = line_no
        for column, known in names.items():
            name = values.get(column)
            if name is None:
                continue
            named = lookup(name)
            if named is None:
                report.add(
                    f"unknown län name {_shown(name)}; lan_code {code} on this row is {known[code]!r}",
                    row=line_no,
                    column=present[column],
                )
            elif named != code:
                report.add(
                    f"{name!r} is län {named} ({LAN[named]}), but lan_code on this row is {code} "
                    f"({LAN[code]}): the code and the name disagree",
                    row=line_no,
                    column=present[column],
                )
    missing = [f"{c} {LAN[c]}" for c in expected if c not in seen]
    if missing and require_all and "lan_code" in present:
        report.add(
            f"no row for {len(missing)} län: {', '.join(missing)}; every län must appear once",
            column=code_col,
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
) -> tuple[Region, ...]:
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
        path = default if default is not None else _default_data("population")
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
            {"vagd_summa", "kommun_code", "kategori", "gles_inv"},
            "a rural key (--landsbygd)",
            f"a population file with the columns {', '.join(columns)}",
        )
    rows = _parse_rows(report, present, _recipient_row(tuple(counts)))
    _check_lan(report, rows, present, {"lan": LAN, "region": REGION_NAMES}, expected_codes, require_all)
    _check_totals(report, rows, present, counts)
    zero = set()
    for column in counts:
        values = [v.get(column) for _, v in rows]
        if column in present and None not in values and sum(values) == 0:
            zero.add(column)
            report.add(
                "every row is zero: there is nothing to share by (the column must not sum to zero)",
                column=present[column],
            )
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
    other = [c for c in counts if c not in ("population", "hsl_insatser")]
    return tuple(
        Region(
            lan_code=v["lan_code"],
            lan=v.get("lan") or LAN[v["lan_code"]],
            region=v["region"],
            population=v.get("population", 0),
            hsl_insatser=v.get("hsl_insatser", 0),
            counts={c: v[c] for c in other},
        )
        for _, v in rows
    )


def load_short_population(path: str | Path, own: Sequence[Region]) -> tuple[tuple[Region, ...], tuple[str, ...]] | None:
    """A population file in SCB's short form, two columns: the län (code, name, or SCB's
    ``01 Stockholms län``) and its population (``Folkmängd``, ``Befolkning`` …).

    Every other column (names, other counts) is taken from ``own``, the agreement's own data, and
    named in the second value returned, so that the output can say so. Returns None when the file
    is not in the short form (the full format is then read as usual).
    """
    table = read_table(path, _header_names("lan_code", "lan", "region", "population"), total_rows=True,
                       max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    matched = {label: canonical_column(label, ("lan_code", "lan", "region", "population")) for label in table.header}
    names = [label for label, column in matched.items() if column in ("lan_code", "lan", "region")]
    counts = [label for label, column in matched.items() if column == "population"]
    if len(table.header) != 2 or len(names) != 1 or len(counts) != 1:
        return None
    report = _Report(table)
    by_code = {r.lan_code: r for r in own}
    seen: dict[str, int] = {}
    values: dict[str, int] = {}
    for line_no, cells in table.rows:
        text = str(cells[names[0]]).strip()
        code = lookup(text)
        if code is None:
            report.add(f"unknown län {_shown(text)}: expected a län code, a län name or SCB's "
                       f"\"01 Stockholms län\"", row=line_no, column=names[0])
            continue
        if code not in by_code:
            report.add(f"län {code} ({LAN[code]}) is not a recipient of this agreement", row=line_no,
                       column=names[0])
            continue
        if code in seen:
            report.add(f"län {code} ({LAN[code]}) appears again; it is first on row {seen[code]}", row=line_no,
                       column=names[0])
            continue
        seen[code] = line_no
        try:
            values[code] = parse_count(cells[counts[0]])
        except ValueError as exc:
            report.add(str(exc), row=line_no, column=counts[0])
    missing = [f"{c} {LAN[c]}" for c in by_code if c not in seen]
    if missing:
        report.add(f"no row for {len(missing)} län: {', '.join(missing)}; every recipient must appear once",
                   column=names[0])
    if values and not report.problems and sum(values.values()) == 0:
        report.add("every row is zero: there is nothing to share by", column=counts[0])
    report.raise_if_any()
    borrowed = ["lan", "region", *[c for c in ("hsl_insatser", *own[0].counts) if c != "population"]]
    if not any(r.hsl_insatser for r in own):
        borrowed.remove("hsl_insatser")
    regions = tuple(replace(by_code[c], population=values[c]) for c in by_code)
    return regions, tuple(borrowed)


def _load_kommuner(
    path: str | Path | None, counts: tuple[str, ...], codes: Sequence[str] | None, require_all: bool
) -> tuple[Region, ...]:
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
    for column in counts:
        values = [v.get(column) for _, v in rows]
        if column in present and None not in values and sum(values) == 0:
            report.add("every row is zero: there is nothing to share by (the column must not sum to zero)",
                       column=present[column])
    report.raise_if_any()
    return tuple(
        Region(lan_code=v["kommun_code"], lan=LAN.get(v["kommun_code"][:2], ""), region=v["kommun"],
               population=v.get("population", 0), hsl_insatser=v.get("hsl_insatser", 0),
               counts={c: v[c] for c in counts if c not in ("population", "hsl_insatser")})
        for _, v in rows
    )


def _hint_other_format(report: _Report, markers: set[str], other: str, expects: str) -> None:
    """When the header is another input's, say only that (the file was given to the wrong option)."""
    header = {h.casefold() for h in report.table.header}
    if header & markers:
        report.problems = [p for p in report.problems if p.row != report.table.header_row]
        header = report.table.header
        shown = ", ".join(h[:40] for h in header[:12]) + (f" and {len(header) - 12} more" if len(header) > 12 else "")
        report.add(
            f"this looks like {other}, with the columns {shown}; this option "
            f"expects {expects}",
            row=report.table.header_row,
        )


# --------------------------------------------------------------------------------------------
# Rural key


def _default_data(name: str) -> Path:
    """The default agreement's data file ``name`` (for the loaders called without a path)."""
    from .agreements import load_agreement

    return load_agreement().data[name].path


@cache
def _reference_weights() -> tuple[Fraction, Fraction, Fraction]:
    ref = source_of(LANDSBYGD_FILE)["reference_weights"]
    return (Fraction(ref["tatortsnara"]), Fraction(ref["gles"]), Fraction(ref["mycket_gles"]))


@cache
def _kommun_names() -> dict[str, str]:
    """The 290 kommuner of the shipped ``data/kommuner.csv`` (SCB kommunkoder): code → name."""
    source_of(KOMMUNER_FILE)
    table = read_table(data_file(KOMMUNER_FILE), ("kommun_code", "kommun"))
    return {str(cells["kommun_code"]): str(cells["kommun"]) for _, cells in table.rows}


def _kommun_codes() -> frozenset[str]:
    """The 290 kommun codes of the shipped ``data/kommuner.csv`` (SCB kommunkoder)."""
    return frozenset(_kommun_names())


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
        path = _default_data("landsbygd")
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
                (w * n for w, n in zip(reference, (key.tatortsnara, key.gles, key.mycket_gles), strict=True)),
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
        w = sum((f * c for f, c in zip(reference, cats, strict=True)), Fraction(0))
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


# --------------------------------------------------------------------------------------------
# Both


def load_inputs(
    population: str | Path | None = None,
    landsbygd: str | Path | None = None,
    *,
    counts: Sequence[str] = ("population", "hsl_insatser"),
    codes: Sequence[str] | None = None,
    default_population: Path | None = None,
    default_landsbygd: Path | None = None,
    rural: bool = True,
    kommun: bool = False,
    recipients: Sequence[Region] | None = None,
) -> Inputs:
    """The inputs of an agreement, validated, as the core's ``Inputs``.

    ``population`` replaces the agreement's recipients file (``default_population``), and
    ``landsbygd`` its rural key (``default_landsbygd``; read only when ``rural``). When both files
    have problems, all of them are reported together. ``recipients`` are those of
    ``default_population`` when the caller has read them already (they are not read again).
    """
    problems: list[Problem] = []
    regions: tuple[Region, ...] = ()
    key: tuple[RuralKey, ...] = ()
    reference: tuple[Fraction, ...] = ()
    try:
        if population is None and recipients is not None:
            regions = tuple(recipients)
        else:
            regions = load_population(population, counts, codes, default_population, kommun=kommun)
    except InputError as exc:
        problems += exc.problems
    if rural:
        try:
            key, reference = load_landsbygd(landsbygd if landsbygd is not None else default_landsbygd)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    if key:
        order = {r.lan_code: i for i, r in enumerate(regions)}
        key = tuple(sorted(key, key=lambda k: order.get(k.lan_code, len(order))))
    return Inputs(regions=regions, rural_key=key, reference_weights=reference)
