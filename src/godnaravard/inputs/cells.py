"""The cells of an input table: column names and headings, and one parser per kind of cell.

A parser takes what ``tables.read_table`` found in a cell (text, a number, a date, a formula)
and returns the value or raises ``ValueError`` with the message the user sees: counts (whole
numbers, with Swedish or English thousands separators), län and kommun codes (leading zeros may
have been lost in a spreadsheet) and names (the rural key's categories and status are declared by
the definition: ``rural_key``). ``_Row`` declares the schema of a row from these parsers (validated by
pydantic-core). The shipped reference data the parsers check against (SCB's kommun codes) is read
here too, once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic_core import SchemaValidator, core_schema

from ..errors import MAX_PROBLEMS, other_digits
from ..resources import data_file, source_of
from ..tables import Formula, read_table

if TYPE_CHECKING:
    from pydantic_core import CoreSchema

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
#: The columns of a per-region rural key besides the categories' (which the definition declares, issue 17 §3).
REGION_KEY_COLUMNS: tuple[str, ...] = ("lan_code", "region")
KOMMUN_KEY_COLUMNS: tuple[str, ...] = ("kommun_code", "kategori", "population")
_KOMMUN_KEY_OPTIONAL: tuple[str, ...] = ("lan_code",)

#: Swedish headings accepted for a column (those of the sheet Underlag of ``godnaravard export``,
#: and the agreement's own); case is ignored. A heading ending in "…" also matches when followed
#: by more words or a parenthesis ("Befolkning 1 nov" and a year).
HEADINGS: dict[str, tuple[str, ...]] = {
    "lan_code": ("länskod", "lanskod"),
    "lan": ("län",),
    "region": ("region",),
    "population": ("befolkning…", "folkmängd…", "folkmangd…", "befolkningsmängd…"),
    "hsl_insatser": ("antal individer med insatser…",),
    "kommun_code": ("kommunkod",),
}

# --------------------------------------------------------------------------------------------
# Cell parsers: each takes one cell and returns the value, or raises ValueError with a message
# that says what was found and what was expected.

_DIGITS = re.compile(r"[0-9]+")
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:([ \u00a0\u2009\u202f.])[0-9]{3})(?:\1[0-9]{3})*")
_NEGATIVE = re.compile(r"[-\u2212]\s*[0-9][0-9 \u00a0\u2009\u202f.,]*")
_DECIMAL = re.compile(r"[0-9][0-9 \u00a0\u2009\u202f]*[.,][0-9]+")
#: A whole number written with zero decimals, as Swedish Excel re-saves counts: ``2455914,00``.
_ZERO_DECIMALS = re.compile(r"(.+?)[.,]0{1,2}")
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
    the Swedish thousands separator), any of these with zero decimals (``12345,00``,
    ``12345.00``, as Swedish Excel re-saves a count), and from a workbook an integer or an
    integral float.
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
    whole = _ZERO_DECIMALS.fullmatch(text)
    if whole and (_DIGITS.fullmatch(whole.group(1)) or _THOUSANDS.fullmatch(whole.group(1))):
        return int(re.sub(r"[^0-9]", "", whole.group(1)))
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


_LAN_CODE = _code(2, "a län code", "01 or 25")
_KOMMUN_CODE = _code(4, "a kommun code", "0114 or 2584")


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




# Shipped reference data the parsers check against


@cache
def _kommun_names() -> dict[str, str]:
    """The 290 kommuner of the shipped ``data/kommuner.csv`` (SCB kommunkoder): code → name."""
    source_of(KOMMUNER_FILE)
    table = read_table(data_file(KOMMUNER_FILE), ("kommun_code", "kommun"))
    return {str(cells["kommun_code"]): str(cells["kommun"]) for _, cells in table.rows}


def _kommun_codes() -> frozenset[str]:
    """The 290 kommun codes of the shipped ``data/kommuner.csv`` (SCB kommunkoder)."""
    return frozenset(_kommun_names())


