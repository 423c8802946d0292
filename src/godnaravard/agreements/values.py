"""Values in a definition: parameter values as exact numbers, Swedish dates and the placeholders.

``parse_value`` reads a parameter value (from ``agreement.toml``, ``--set`` or a scenario file)
as whole kronor or an exact fraction; ``swedish_date`` writes a date as the agreement does;
``fill_placeholders`` puts the year and the data files' dates into every text of a definition
(``{year}``, ``{date.NAME:long}``); ``decimals_as_text`` keeps a TOML decimal exact.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..errors import Problem, ProblemList, listing, other_digits

__all__ = [
    "MAX_DIGITS", "TEXT_KEYS", "UNDATED", "decimals_as_text", "fill_placeholders", "parse_value", "shown_value",
    "swedish_date",
]

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


def shown_value(value: Any) -> str:
    """A value as a message quotes it: its text in quotes, cut after 40 characters."""
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _too_long(key: str, what: str) -> ValueError:
    """The problem with a value of more than ``MAX_DIGITS`` digits."""
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
        raise ValueError(f"{key}: expected a number, got {str(value).lower()} (a boolean is not a number)")
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
            raise ValueError(f"{key}: division by zero in {shown_value(value)}") from None
        number = number / 100 if percent else number
        if abs(number.numerator) >= _LIMIT or number.denominator >= _LIMIT:
            raise _too_long(key, f"the number {shown_value(number)}")
        return number
    what = "a share such as 0.5, 1/2 or 50%" if kind == "share" else "a weight such as 4, 4.5 or 9/2"
    raise _refused(key, text, value, what)


def _refused(key: str, text: str, value: Any, expected: str) -> ValueError:
    """The problem with a value that is not a number of its kind (naming other digits if it has them)."""
    other = other_digits(text)
    return ValueError(f"{key}: {other}" if other else f"{key}: expected {expected}, got {shown_value(value)}")


def decimals_as_text(value: Any) -> Any:
    """Every TOML decimal (read as ``Decimal``) as its exact text, which ``parse_value`` reads
    exactly; the definition's schema has no field that needs a binary float."""
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, dict):
        return {k: decimals_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decimals_as_text(v) for v in value]
    return value


_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december")
_PLACEHOLDER = re.compile(r"\{(year|date\.([A-Za-z0-9_]+))(?::(long|iso|month))?\}")


class _Undated:
    """The date of a data file replaced by the user's own file without a date (issue 18 §2)."""

    #: What a date placeholder of such a file says, by style: never the agreement's date.
    WORDS = {"short": "(egen fil)", "long": "(egen fil, datum ej angivet)", "month": "(egen fil)", "iso": "egen fil"}

    def __repr__(self) -> str:
        return "UNDATED"


#: In the dates given to ``fill_placeholders``: an own data file whose date is not known.
UNDATED = _Undated()


def swedish_date(date: dt.date, style: str = "short") -> str:
    """A date as Swedish text: ``1 nov YYYY`` (short), ``1 november YYYY`` (long), ``november YYYY``
    (month, as the bilagor head their population columns) or ``YYYY-MM-DD`` (iso)."""
    if style == "iso":
        return date.isoformat()
    month = _MONTHS[date.month - 1]
    if style == "month":
        return f"{month} {date.year}"
    return f"{date.day} {month if style == 'long' else month[:3]} {date.year}"


#: The keys of a definition whose values are texts, in which placeholders are filled (issue 17:
#: placeholders belong to text only; ``{year}000`` is not an amount).
TEXT_KEYS = frozenset({
    "title", "full_title", "description", "document", "sections", "notes", "parties", "party", "label", "source",
    "heading", "section", "footnotes", "source_line", "printed_title", "total_label", "unit", "short", "chapter",
    "item", "recipient", "group", "payer", "allocated_in",
})


def _key_of(where: str) -> str:
    """The last key of a key path: ``lines[0].parts[1].label`` → ``label``, ``notes[2]`` → ``notes``."""
    return re.sub(r"(\[[0-9]+\])+$", "", where).rsplit(".", 1)[-1]


def fill_placeholders(
    value: Any, year: Any, dates: Mapping[str, Any], where: str, problems: ProblemList, label: str
) -> Any:
    """Replace ``{year}``, ``{date.NAME}`` (``:long``, ``:iso``, ``:month``) in every text of the definition.

    Only texts (``TEXT_KEYS``) are filled; a placeholder anywhere else (a parameter's value, a
    name, a file) is a problem. So that a title, a heading or a quoted rule follows the agreement's year and its data dates:
    a new year's definition changes ``year`` and the dates, not every label.
    """
    if isinstance(value, dict):
        return {k: fill_placeholders(v, year, dates, f"{where}.{k}" if where else k, problems, label)
                for k, v in value.items()}
    if isinstance(value, list):
        return [fill_placeholders(v, year, dates, f"{where}[{i}]", problems, label) for i, v in enumerate(value)]
    if not isinstance(value, str) or "{" not in value:
        return value
    if _key_of(where) not in TEXT_KEYS:
        found = _PLACEHOLDER.search(value)
        if found:
            problems.add(lambda: Problem(label, f"{found.group(0)} is a placeholder, and placeholders are filled in "
                                                "texts only (titles, labels, sources, notes …), not in a value, a "
                                                "name or a file", key=where))
        return value

    def one(m: re.Match[str]) -> str:
        if m.group(1) == "year":
            return str(year)
        date = dates.get(m.group(2))
        if isinstance(date, _Undated):
            return date.WORDS[m.group(3) or "short"]
        if not isinstance(date, dt.date):
            problems.add(lambda: Problem(label, f"{m.group(0)} names no data file with a date; the data files are "
                                                f"{listing(dates) or 'none'}", key=where))
            return m.group(0)
        return swedish_date(date, m.group(3) or "short")

    return _PLACEHOLDER.sub(one, value)
