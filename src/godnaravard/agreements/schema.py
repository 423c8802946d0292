"""The file format of a definition: what ``agreement.toml`` may say, as a pydantic-core schema.

Each table of the file is a ``record`` (``errors.record``: the schema pydantic builds for a model
of the same fields) that forbids keys it does not know; the checks that span two keys of one
table (a key's kind, a part's amount or share, a printed column's column or share) run after its
keys are valid. ``docs/agreements.md`` explains every key. What a definition's keys refer to
(a part's key, a column's line …) is checked afterwards, in ``agreements.build``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic_core import SchemaValidator, core_schema

from ..errors import optional, record

if TYPE_CHECKING:
    from pydantic_core import CoreSchema

__all__ = ["DATA_KINDS", "definition_validator"]

#: What a data slot holds (issue 17 §3): the recipients with their codes, names and counts (exactly
#: one slot); more counts per recipient, joined by code; the rural key.
DATA_KINDS = ("recipients", "counts", "rural_key")

#: A name of a budget line, a part, a column, a table or an agreement.
_NAME = r"^[a-z0-9][a-z0-9_.-]*$"

cs = core_schema
_text = cs.str_schema  # _text(min_length=1): a text that must not be empty


def _texts() -> CoreSchema:
    """A list of texts."""
    return cs.list_schema(cs.str_schema())


def _name() -> CoreSchema:
    """A name (lower case letters, digits, ``_ . -``)."""
    return cs.str_schema(pattern=_NAME)


def _one_kind(key: Any) -> Any:
    """A key is a data column or a rural key's categories with their weights (issue 17 §3)."""
    if key.landsbygd is not None:
        old = key.landsbygd if isinstance(key.landsbygd, list) else []
        named = [w for w in old[:8] if isinstance(w, str) and re.fullmatch(r"[A-Za-z0-9_.-]{1,80}", w)]
        cats = ", ".join(f'{w.rsplit(".", 1)[-1]} = "{w}"' for w in named) or 'NAME = "PARAMETER", ...'

        raise ValueError("'landsbygd = [...]' is the old form of a rural key: declare its categories by name, "
                         f'each with its weight parameter, and its data slot: categories = {{ {cats} }} and '
                         'data = "SLOT", where [data.SLOT] has kind = "rural_key" and the category_columns '
                         '(docs/agreements.md, "The rural key: categories declared")')
    if (key.column is None) == (key.categories is None):
        raise ValueError("a key names either a data column (column = ...) or a rural key's categories and their "
                         "weights (categories = { NAME = \"PARAMETER\", ... })")
    if key.categories is not None and not key.categories:
        raise ValueError("a rural key has at least one category (categories = { NAME = \"PARAMETER\", ... })")
    if key.data is not None and key.categories is None:
        raise ValueError("data = ... names a rural key's data slot; a column key reads the recipients' file")
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
def definition_validator() -> SchemaValidator:
    """The validator of a definition file, built on first use."""
    return SchemaValidator(definition_schema())


def definition_schema() -> CoreSchema:
    """The schema of a definition file: every table and key it may have (``docs/agreements.md``)."""
    return record("_AgreementFile", {
        "name": _name(),
        "aliases": optional(_texts(), []),
        "title": _text(min_length=1),
        "full_title": optional(_text(), ""),
        "description": optional(_text(), ""),
        "year": cs.int_schema(strict=True),
        "parties": cs.list_schema(cs.str_schema(), min_length=1),
        "signed": optional(cs.list_schema(_signed()), []),
        "document": _text(min_length=1),
        "sections": _text(min_length=1),
        "recipients": optional(cs.literal_schema(["region", "län", "kommun"]), "region"),
        "data": cs.dict_schema(_text(), _data()),
        "keys": cs.dict_schema(_text(), _key()),
        "lines": cs.list_schema(_line(), min_length=1),
        "columns": cs.list_schema(_column(), min_length=1),
        "tables": cs.list_schema(_table(), min_length=1),
        "budget": optional(cs.nullable_schema(_budget()), None),
        "totals": optional(cs.dict_schema(_text(), _total()), {}),
        "adjustments": optional(cs.list_schema(_adjustment()), []),
        "notes": optional(_texts(), []),
        "parameters": cs.dict_schema(_text(), _parameter(), min_length=1),
    })


def _signed() -> CoreSchema:
    """``[[signed]]``: a party and the date it signed."""
    return record("_Signed", {"party": _text(min_length=1), "date": cs.date_schema()})


def _data() -> CoreSchema:
    """``[data.NAME]``: a data file, what it is (``kind``: issue 17 §3), its date, label and source, and
    the count columns it holds."""
    return record("_DataSpec", {
        "kind": cs.literal_schema(list(DATA_KINDS)),
        "file": _text(min_length=1),
        "date": cs.date_schema(),
        "label": _text(min_length=1),
        "title": optional(_text(), ""),
        "source": _text(min_length=1),
        "counts": optional(_texts(), []),
        # A rural key's data (issue 17 §3), checked against the key in agreements.build.
        "category_columns": optional(cs.nullable_schema(cs.dict_schema(_name(), _text(min_length=1))), None),
        "category_labels": optional(cs.dict_schema(_name(), _text(min_length=1)), {}),
        "weighted_sum": optional(_text(), ""),
        "reference_weights": optional(cs.dict_schema(_name(), cs.any_schema()), {}),
        "reference_source": optional(_text(), ""),
        "unweighted": optional(cs.list_schema(_name()), []),
        "category_spellings": optional(cs.dict_schema(_text(min_length=1, max_length=200), _name()), {}),
        "status": optional(cs.nullable_schema(record("_StatusSpec", {
            "column": _text(min_length=1), "known": _text(min_length=1), "weighted_sum": _text(min_length=1),
        })), None),
    })


def _key() -> CoreSchema:
    """``[keys.NAME]``: a distribution key (a data column, or a rural key's categories and weights)."""
    return record("_KeySpec", {
        "column": optional(cs.nullable_schema(_text()), None),
        "categories": optional(cs.nullable_schema(cs.dict_schema(_name(), _text(min_length=1))), None),
        "data": optional(cs.nullable_schema(_text(min_length=1)), None),
        "landsbygd": optional(cs.nullable_schema(cs.any_schema()), None),  # the old form: refused, with a hint
        "label": optional(_text(), ""),
        "section": optional(_text(), ""),
    }, check=_one_kind)


def _line() -> CoreSchema:
    """``[[lines]]``: a budget line and its parts (``[[lines.parts]]``)."""
    part = record("_PartSpec", {
        "name": _name(),
        "key": _text(),
        "amount": optional(cs.nullable_schema(_text()), None),
        "share": optional(cs.nullable_schema(_text()), None),
        "label": optional(_text(), ""),
        "section": optional(_text(), ""),
        "round_to": optional(_unit(), 0),  # issue 17 §2; 0: the line's
    }, check=_amount_or_share)
    return record("_LineSpec", {
        "name": _name(),
        "label": _text(min_length=1),
        "total": _text(),
        "base": optional(cs.nullable_schema(_text()), None),
        "section": _text(min_length=1),
        "parts": cs.list_schema(part, min_length=1),
        "round_to": optional(_unit(), 1),  # issue 17 §2: the rounding unit in kronor
    })


def _unit() -> CoreSchema:
    """A rounding unit (``round_to``): whole kronor ≥ 1, an integer (not a boolean, a float or a text)."""
    return cs.int_schema(ge=1, le=10**15, strict=True)


def _column() -> CoreSchema:
    """``[[columns]]``: an output column, its kind and what it refers to."""
    return record("_ColumnSpec", {
        "name": _name(),
        "kind": cs.literal_schema(["code", "text", "count", "line", "part", "sum"]),
        "ref": optional(_texts(), []),
        "label": _text(min_length=1),
        "short": optional(_text(), ""),
    })


def _table() -> CoreSchema:
    """``[[tables]]``: a table (a bilaga), its official version and its printed layout."""
    printed = record("_PrintedSpec", {
        "heading": _text(min_length=1),
        "column": optional(cs.nullable_schema(_text(min_length=1)), None),
        "share": optional(cs.nullable_schema(_text(min_length=1)), None),
        "decimals": optional(cs.int_schema(ge=0, le=4, strict=True), 1),
    }, check=_column_or_share)
    return record("_TableSpec", {
        "name": _name(),
        "label": _text(min_length=1),
        "title": _text(min_length=1),
        "columns": cs.list_schema(cs.str_schema(), min_length=1),
        "official": optional(cs.nullable_schema(_text()), None),
        "official_columns": optional(cs.dict_schema(_text(), _text()), {}),
        "official_code_column": optional(_text(), ""),  # "": the definition's code column (build)
        "name_column": optional(_text(), ""),  # issue 17 §2: the official table's names
        "official_unit": optional(_unit(), 1),  # issue 17 §2: its amounts in units of this many kronor (tkr: 1000)
        "official_year": optional(cs.nullable_schema(cs.int_schema()), None),
        "printed": optional(cs.list_schema(printed), []),
        "printed_title": optional(_text(), ""),
        "total_label": optional(_text(min_length=1), "Totalt"),
        "footnotes": optional(_texts(), []),
        "source_line": optional(_text(), ""),
    })


def _adjustment() -> CoreSchema:
    """``[[adjustments]]``: a signed table's correction by hand of one part."""
    return record("_AdjustmentSpec", {
        "line": _text(min_length=1),
        "part": _text(min_length=1),
        "kronor": cs.dict_schema(_text(min_length=1), cs.any_schema(), min_length=1),
        "table": optional(_text(), ""),
        "source": _text(min_length=1),
    })


def _budget() -> CoreSchema:
    """``[budget]``: the budget table's title, its published files and its items."""
    item = record("_BudgetItemSpec", {
        "chapter": _text(),
        "item": _text(),
        "recipient": _text(),
        "group": _text(),
        "payer": _text(),
        "parameter": _text(),
        "allocated_in": optional(_text(), ""),
    })
    return record("_BudgetSpec", {
        "title": _text(min_length=1),
        "by_chapter": optional(cs.nullable_schema(_text()), None),
        "by_recipient": optional(cs.nullable_schema(_text()), None),
        "stated_totals": optional(cs.nullable_schema(_text()), None),
        "official_year": optional(cs.nullable_schema(cs.int_schema()), None),
        "items": optional(cs.list_schema(item), []),
    })


def _total() -> CoreSchema:
    """``[totals.ID]``: a total the agreement states, and what adds up to it."""
    return record("_TotalSpec", {
        "parameters": optional(_texts(), []),
        "items": optional(cs.dict_schema(_text(), _text()), {}),
        "all_items": optional(cs.bool_schema(strict=True), False),
        "columns": optional(_texts(), []),
    })


def _parameter() -> CoreSchema:
    """``[parameters.KEY]``: a parameter's value, kind, unit, label and source."""
    return record("_ParameterSpec", {
        # Any value here: parse_value reads it by its kind, and refuses a boolean (``true`` is not 1 kr).
        "value": cs.any_schema(),
        "kind": cs.literal_schema(["amount", "share", "weight"]),
        "unit": _text(min_length=1),
        "label": _text(min_length=1),
        "source": _text(min_length=1),
    })
