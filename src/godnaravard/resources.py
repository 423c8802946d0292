"""Where the shipped data lives, and its provenance (``data/sources.toml``).

In an installed package the data is ``godnaravard/data`` (the repository's ``data/`` folder,
copied into the wheel at build time). In an editable install from a checkout, it is the
checkout's ``data/`` folder itself.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from pydantic_core import SchemaValidator, ValidationError, core_schema

from .errors import optional, record

__all__ = ["data_dir", "data_file", "sources", "source_of"]


@cache
def data_dir() -> Path:
    """The folder holding ``sources.toml``, ``agreements/`` and the agreements' data files."""
    packaged = Path(__file__).resolve().parent / "data"
    if (packaged / "sources.toml").is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "data"
    if (checkout / "sources.toml").is_file():
        return checkout
    raise FileNotFoundError(f"godnaravard's data is missing: neither {packaged} nor {checkout} exists")


def data_file(name: str) -> Path:
    """A shipped data file by its name relative to ``data/`` (e.g. ``agreements/index.toml``)."""
    return data_dir() / name


@cache
def sources() -> dict[str, Any]:
    """The parsed ``data/sources.toml``: provenance of every shipped file."""
    with data_file("sources.toml").open("rb") as fh:
        return tomllib.load(fh)


@cache
def _source_entry() -> SchemaValidator:
    """The provenance every shipped data file must carry (an entry of ``data/sources.toml``)."""
    cs = core_schema
    text = cs.str_schema
    return SchemaValidator(record("SourceEntry", {
        "title": text(min_length=1),
        "document": text(min_length=1),
        "table": text(min_length=1),
        "date": text(pattern=r"^\d{4}-\d{2}-\d{2}$"),
        "transcribed": text(min_length=1),
        "columns": optional(cs.nullable_schema(cs.dict_schema(text(), text())), None),
        "reference": optional(cs.bool_schema(), False),
    }, extra="allow"))


def source_of(name: str) -> dict[str, Any]:
    """The provenance entry of one shipped file, validated; a file without one is an error."""
    try:
        entry = sources()["files"][name]
    except KeyError:
        raise KeyError(f"data/{name} has no provenance entry in data/sources.toml") from None
    try:
        _source_entry().validate_python(entry)
    except ValidationError as exc:
        raise ValueError(f"data/sources.toml, entry {name!r}: {exc}") from None
    return entry
