"""Finding and loading a definition: shipped names and aliases, paths, the cached load.

``load_agreement`` resolves a name, alias, folder or ``agreement.toml``, reads the file (within
its size, decimals exact), fills in the placeholders, validates it against the schema
(``agreements.schema``) and builds the agreement (``agreements.build``); each definition once
per process.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from pydantic_core import ValidationError

from ..errors import InputError, Problem, ProblemList
from ..files import read_toml, shown_path
from ..resources import data_file
from .build import build
from .model import Agreement
from .schema import definition_validator
from .values import UNDATED, decimals_as_text, fill_placeholders, shown_value

__all__ = [
    "DEFINITION",
    "MAX_DEFINITION_BYTES",
    "NoSuchAgreement",
    "borrowed_name",
    "dated_agreement",
    "default_agreement",
    "is_shipped",
    "load_agreement",
    "on_load",
    "path_like",
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


class NoSuchAgreement(InputError):
    """A reference that names neither a shipped agreement nor an existing definition."""


def path_like(ref: str) -> bool:
    """True when ``ref`` is written as a path: it holds a folder separator, starts with ``.`` or
    ends with ``.toml`` (``./NAME``, ``gnv/``, ``x/agreement.toml``); a bare word (``gnv``) is a name."""
    seps = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    return any(sep in ref for sep in seps) or ref.startswith(".") or ref.endswith(".toml")


def _ambiguous(ref: str, shipped: Path, relative_to: Path | None) -> None:
    """Refuse a bare name that is both a shipped agreement's and a folder holding another definition
    (issue 17 "Names": a folder and a shipped name never shadow each other silently)."""
    folder = (relative_to or Path(".")) / ref
    own = folder / DEFINITION
    try:
        if not own.is_file() or own.resolve() == shipped.resolve():
            return
    except OSError:
        return
    name = shipped.parent.name
    others = [n for n, folder_name in _shipped_names().items() if folder_name == name and n != ref]
    shipped_way = f"write {others[0]} for the shipped one" if others else "run from another folder for the shipped one"
    raise InputError(Problem(ref, f"ambiguous: {ref!r} is the shipped agreement {name} and also the folder "
                                  f"{shown_path(folder.absolute())} with a definition of its own; write "
                                  f"./{ref} for the folder, or {shipped_way}"))


def resolve(ref: str | Path | None, relative_to: Path | None = None) -> Path:
    """The definition file named by ``ref``: a shipped name or alias, a folder or a TOML file.

    The rule (issue 17 "Names", docs/agreements.md): a ``Path`` or a text written as a path
    (``path_like``) is a folder or file, relative to ``relative_to`` (default: the working folder);
    a bare word is a shipped name or alias when it is one (and refused as ambiguous when a folder
    of that name holds another definition), else a folder or file.
    """
    if ref is None:
        ref = default_agreement()
    if isinstance(ref, str) and not path_like(ref):
        shipped = _shipped_path(ref)
        if shipped is not None:
            _ambiguous(ref, shipped, relative_to)
            return shipped
    path = Path(ref)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    if path.is_dir():
        path = path / DEFINITION
    if not path.is_file():
        names = ", ".join(_index()["shipped"])
        what = "is not a regular file" if path.exists() else "does not exist"
        raise NoSuchAgreement(Problem(str(ref), f"no such agreement: not a shipped name ({names}), and the path "
                                                f"{what}"))
    return path


def load_agreement(ref: str | Path | None = None, relative_to: Path | None = None) -> Agreement:
    """An agreement by shipped name or alias, or by the path of its folder or ``agreement.toml``
    (a relative path taken from ``relative_to``, default the working folder; see ``resolve``).

    Each definition is read and validated once per process (cached by its resolved path).
    """
    path = resolve(ref, relative_to).resolve()
    ag = _load(str(path))
    for listener in _LISTENERS:
        listener(ag)
    return ag


#: Called with every agreement ``load_agreement`` returns (the command line prints its notes).
_LISTENERS: list[Callable[[Agreement], None]] = []


def on_load(listener: Callable[[Agreement], None] | None) -> None:
    """Call ``listener`` with every agreement loaded from now on (None: no longer call anyone)."""
    _LISTENERS.clear()
    if listener is not None:
        _LISTENERS.append(listener)


@cache
def _shipped_files() -> frozenset[str]:
    """The resolved paths of the shipped definitions."""
    return frozenset(str(data_file(f"agreements/{n}/{DEFINITION}").resolve()) for n in _index()["shipped"])


def is_shipped(ag: Agreement) -> bool:
    """True for an agreement shipped with the package (by its definition's path, not its name)."""
    return str(ag.path.resolve()) in _shipped_files()


def borrowed_name(ag: Agreement) -> str:
    """The shipped name or alias a definition that is not shipped calls itself by ("" when none):
    such a definition is never the agreement as signed (issue 17 "Names")."""
    if is_shipped(ag):
        return ""
    names = _shipped_names()
    return next((n for n in (ag.name, *ag.aliases) if n in names), "")


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


def _filled(raw: dict[str, Any], label: str, dates_of: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The definition with its placeholders filled in (``{year}``, ``{date.NAME}``), except in
    its name, aliases and year; every unknown placeholder is a problem. ``dates_of`` replaces the
    dates of some data files (``dated_agreement``)."""
    data_table = raw.get("data")
    data: Mapping[str, Any] = data_table if isinstance(data_table, dict) else {}
    dates = {k: v.get("date") for k, v in data.items() if isinstance(v, dict)} | dict(dates_of or {})
    filled = ProblemList()
    raw = {k: v if k in ("name", "aliases", "year") else fill_placeholders(v, raw.get("year"), dates, k, filled, label)
           for k, v in raw.items()}
    filled.raise_if_any()
    return raw


def dated_agreement(ag: Agreement, dates: Mapping[str, dt.date | None]) -> Agreement:
    """``ag`` with every text that names a data file's date (``{date.NAME}``: headings, titles,
    sources) filled in with ``dates`` instead: the date of the user's own file, or None for an own
    file without a date, which is then called "(egen fil)" (issue 18 §2).

    The rules and parameters compute the same; ``data`` keeps the agreement's own files as the
    definition describes them, so that a note on the agreement's data still names their dates.
    The agreement as its definition dates its data (``ag.plain``, or ``ag``) is returned when no
    date changes.
    """
    ag = ag.plain or ag
    own = {k: v for k, v in dates.items() if k in ag.data and v != ag.data[k].date}
    if not own:
        return ag
    return _load_dated(str(ag.path), tuple(sorted((k, v.isoformat() if v else "") for k, v in own.items())))


@lru_cache(maxsize=64)
def _load_dated(path_text: str, dates: tuple[tuple[str, str], ...]) -> Agreement:
    """The agreement at ``path_text`` with the data dates ``dates`` (ISO, or "" for undated); the
    last few kept (a sweep of dates in a loop must not keep every one)."""
    ag = _load(path_text)
    given = {k: dt.date.fromisoformat(v) if v else UNDATED for k, v in dates}
    return replace(_build(path_text, given), data=ag.data, plain=ag)


@cache
def _load(path_text: str) -> Agreement:
    """The agreement defined at ``path_text`` (a resolved path): read, filled in, validated, built."""
    return _build(path_text)


def _with_kinds(raw: Any, label: str) -> Any:
    """Each data slot's ``kind`` (issue 17 §3): the one data file of a definition that has only one
    is its recipients' (``kind = "recipients"`` may be left out, as definitions written before kinds
    did); with more than one, a slot without a kind is refused with the three kinds it may be."""
    data = raw.get("data") if isinstance(raw, dict) else None
    if not isinstance(data, dict):
        return raw
    slots = [(name, d) for name, d in data.items() if isinstance(d, dict)]
    if len(data) == 1 and slots and "kind" not in slots[0][1]:
        return {**raw, "data": {slots[0][0]: {**slots[0][1], "kind": "recipients"}}}
    problems = ProblemList()
    for name, d in slots:
        if "kind" not in d and not problems.full:
            problems.add(Problem(label, "say what this data file is: kind = \"recipients\" (the recipients and their "
                                        "counts), \"counts\" (more counts, joined by code) or \"rural_key\" (a rural "
                                        "key); only a definition with one data file may leave it out",
                                 key=f"data.{name if name.isidentifier() else shown_value(name)}.kind"))
    if problems.kept:
        raise problems.error()
    return raw


def _build(path_text: str, dates_of: Mapping[str, Any] | None = None) -> Agreement:
    path = Path(path_text)
    label = shown_path(path)
    raw = _with_kinds(_filled(_read(path, label), label, dates_of), label)
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
