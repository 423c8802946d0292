"""Finding and loading a definition: shipped names and aliases, paths, the cached load.

``load_agreement`` resolves a name, alias, folder or ``agreement.toml``, reads the file (within
its size, decimals exact), fills in the placeholders, validates it against the schema
(``agreements.schema``) and builds the agreement (``agreements.build``); each definition once
per process.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pydantic_core import ValidationError

from ..errors import InputError, Problem, ProblemList
from ..files import read_toml, shown_path
from ..resources import data_file
from .build import build
from .model import Agreement
from .schema import definition_validator
from .values import decimals_as_text, fill_placeholders

__all__ = [
    "DEFINITION",
    "MAX_DEFINITION_BYTES",
    "default_agreement",
    "load_agreement",
    "resolve",
    "shipped_agreements",
    "shown_path",
]

DEFINITION = "agreement.toml"
#: A definition file larger than this is not a definition (it is read whole).
MAX_DEFINITION_BYTES = 1024 * 1024


@cache
def _index() -> dict[str, Any]:
    """The shipped agreements' index (``data/agreements/index.toml``): the default and the shipped names."""
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


def _read(path: Path, label: str) -> dict[str, Any]:
    """A definition file: a regular file of at most ``MAX_DEFINITION_BYTES`` (checked before it is
    read), as TOML, its decimals exact."""
    raw = read_toml(path, label, MAX_DEFINITION_BYTES, what="definition", limit_name="a definition")
    return decimals_as_text(raw)


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


def _filled(raw: dict[str, Any], label: str) -> dict[str, Any]:
    """The definition with its placeholders filled in (``{year}``, ``{date.NAME}``), except in
    its name, aliases and year; every unknown placeholder is a problem."""
    data_table = raw.get("data")
    data: Mapping[str, Any] = data_table if isinstance(data_table, dict) else {}
    dates = {k: v.get("date") for k, v in data.items() if isinstance(v, dict)}
    filled = ProblemList()
    raw = {k: v if k in ("name", "aliases", "year") else fill_placeholders(v, raw.get("year"), dates, k, filled, label)
           for k, v in raw.items()}
    filled.raise_if_any()
    return raw


@cache
def _load(path_text: str) -> Agreement:
    """The agreement defined at ``path_text`` (a resolved path): read, filled in, validated, built."""
    path = Path(path_text)
    label = shown_path(path)
    raw = _filled(_read(path, label), label)
    try:
        spec = definition_validator().validate_python(raw)
    except ValidationError as exc:
        problems = ProblemList()
        for err in exc.errors(include_url=False, include_context=False, include_input=False):
            if problems.full:  # counted, not built
                problems.more = exc.error_count() - len(problems.kept)
                break
            problems.add(Problem(label, err["msg"].removeprefix("Value error, "), key=_loc(tuple(err["loc"]), raw)))
        raise problems.error() from None
    return build(spec, path, label)
