"""Agreements as data: reading, validating and registering an agreement's definition.

An agreement is a folder with ``agreement.toml`` and its data files (the shipped ones are under
``data/agreements/``; ``docs/agreements.md`` explains every key). This package validates the
definition with pydantic (pydantic-core schemas: ``errors.record``), checks every cross-reference
(a part's key, a column's line, a table's columns, each parameter's kind), and turns it into:

- the core's ``Rules`` and ``Parameters`` (what to compute);
- the registry the layers read: titles, dates, data files, column labels, tables and the
  official tables where published (what to call it and where it comes from).

Every problem is reported at once, each naming the file and the key path. The modules:

- ``schema``: the file format (what a definition may say), as a pydantic-core schema;
- ``values``: parameter values as exact numbers, Swedish dates, the ``{year}`` and
  ``{date.NAME}`` placeholders;
- ``model``: the registry (``Agreement``, ``DataFile``, ``ParameterInfo``, ``TableSpec``,
  ``PrintedColumn``);
- ``build``: one check per section of a definition, and the agreement built from them;
- ``load``: shipped names and aliases, paths, the cached ``load_agreement``;
- ``copy``: ``copy_agreement``, a new agreement from an existing one;
- ``stale``: the details a definition carries over from another year or agreement.

Every name below is importable from ``godnaravard.agreements`` as before the split.
"""

from __future__ import annotations

from typing import Any

from .build import TEXT_COLUMNS
from .load import (
    DEFINITION,
    MAX_DEFINITION_BYTES,
    NoSuchAgreement,
    borrowed_name,
    dated_agreement,
    default_agreement,
    is_shipped,
    load_agreement,
    on_load,
    path_like,
    resolve,
    shipped_agreements,
    shown_path,
)
from .model import Agreement, DataFile, ParameterInfo, PrintedColumn, TableSpec
from .values import MAX_DIGITS, parse_value, swedish_date

__all__ = [
    "DEFINITION",
    "MAX_DEFINITION_BYTES",
    "MAX_DIGITS",
    "TEXT_COLUMNS",
    "Agreement",
    "DataFile",
    "NoSuchAgreement",
    "ParameterInfo",
    "PrintedColumn",
    "TableSpec",
    "borrowed_name",
    "copy_agreement",
    "dated_agreement",
    "default_agreement",
    "is_shipped",
    "load_agreement",
    "on_load",
    "path_like",
    "parse_value",
    "resolve",
    "shipped_agreements",
    "shown_path",
    "swedish_date",
]


def __getattr__(name: str) -> Any:
    """``copy_agreement`` is imported when first used: ``agreement new`` alone needs it, and its
    imports (signals, unique names) would cost every command's start."""
    if name == "copy_agreement":
        from .copy import copy_agreement

        return copy_agreement
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
