"""Own data files by slot name and by date (issue 17 §3 "Data slots", issue 18 §2).

An agreement declares its data files as ``[data.NAME]`` (``agreements.model.DataFile``). A
scenario may replace some of them with the user's own files: ``--data NAME=FILE`` (or the short
forms ``--population`` and ``--landsbygd``), ``[data] NAME = "FILE"`` in a scenario file, or
``data={NAME: path}`` in the API. ``--data-date NAME=YYYY-MM-DD`` (``[data] NAME = {file = "…",
date = YYYY-MM-DD}``, ``data_dates={NAME: date}``) gives the own file's date, so that every
heading derived from the data's date follows it; an own file without a date is labelled as the
user's own ("Befolkning (egen fil)"), never with the agreement's date.

This module holds what needs no scenario: the slots an agreement lets a user replace, the short
forms, and the reading of a date. ``Scenario.with_data`` and ``Scenario.labelled`` apply them.
A slot is known by its ``kind`` (``recipients``, ``counts``, ``rural_key``), never by its name:
``--population`` is the recipients slot and ``--landsbygd`` the rural key's, whatever they are called.

    >>> from godnaravard.agreements import load_agreement
    >>> data_slots(load_agreement())  # the default agreement: its recipients, and its rural key
    ('population', 'landsbygd')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from .agreements import Agreement, swedish_date
from .errors import InputError, Problem

__all__ = ["DataSlotError", "data_slots", "merged_files", "own_date", "own_file_text", "parse_date", "short_slot",
           "unknown_slot"]

#: The short forms: an option (or API keyword) and the kind of slot it names.
_SHORT = (("population", "recipients"), ("landsbygd", "rural_key"))
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


class DataSlotError(ValueError):
    """A data slot or a date that cannot be used (the message says why)."""


def data_slots(ag: Agreement) -> tuple[str, ...]:
    """The data slots of ``ag`` that an own file may replace, in the order of its definition: those
    the allocation reads (the recipients, every counts slot, and the rural key when the agreement
    shares by it; ``Agreement.read_data``)."""
    return tuple(d.name for d in ag.read_data())


def unknown_slot(ag: Agreement, name: str) -> str | None:
    """Why ``name`` is not a data slot of ``ag`` (naming the known slots), or None when it is one."""
    slots = data_slots(ag)
    if name in slots:
        return None
    return f"unknown data slot {name!r}: the data slots of {ag.name} are {', '.join(slots) or 'none'}"


def parse_date(value: object) -> dt.date:
    """A data file's date: a ``datetime.date`` (from TOML or Python) or the text ``YYYY-MM-DD``.

    Raises:
        DataSlotError: anything else, or a day that does not exist (February 30th).
    """
    if isinstance(value, dt.datetime):
        raise DataSlotError(f"expected a date YYYY-MM-DD, got a date and time {value.isoformat()!r}")
    if isinstance(value, dt.date):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is None or not _ISO.fullmatch(text):
        shown = repr(value[:40]) if isinstance(value, str) else repr(value)[:40]
        raise DataSlotError(f"expected a date YYYY-MM-DD, got {shown}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DataSlotError(f"no such day: {text!r} (expected a date YYYY-MM-DD)") from None


def short_slot(ag: Agreement, option: str) -> str:
    """The slot a short form names: ``population`` the recipients slot, ``landsbygd`` the rural key's.

    Raises:
        InputError: the agreement has no such slot (no rural key), naming the option and the slots.
    """
    kind = dict(_SHORT)[option]
    found = ag.recipients if kind == "recipients" else ag.landsbygd
    if found is None:
        raise InputError(Problem(f"--{option}", f"{ag.name} has no rural key to replace: its data slots are "
                                                f"{', '.join(data_slots(ag)) or 'none'} (give them with --data NAME=FILE)"))
    return found.name


def merged_files(ag: Agreement, population: str | Path | None, landsbygd: str | Path | None,
                 data: Mapping[str, str | Path] | None) -> dict[str, str | Path]:
    """The own files by data slot: ``data`` with the short forms ``population`` (the recipients
    slot of ``ag``) and ``landsbygd`` (its rural-key slot), whatever those slots are named: with a
    recipients slot ``befolkning``, ``--population FILE`` is ``--data befolkning=FILE``.

    Raises:
        InputError: a slot given both ways, naming both; a short form the agreement has no slot for.
    """
    files: dict[str, str | Path] = dict(data or {})
    for option, path in (("population", population), ("landsbygd", landsbygd)):
        if path is None:
            continue
        name = short_slot(ag, option)
        if name in files:
            raise InputError(Problem("--data", f"{name} is given twice (--{option} {path} and --data "
                                               f"{name}={files[name]}); give it once", key=name))
        files[name] = path
    return files


class _WithOwnFiles(Protocol):
    """What ``own_file_text`` reads of a scenario: its own files and their dates."""

    @property
    def data_dates(self) -> Mapping[str, dt.date]: ...

    def own_files(self) -> dict[str, Path]: ...


def own_file_text(sc: _WithOwnFiles, name: str) -> str:
    """An own file as outputs name it: its path, and ``per D mon YYYY`` when its date is given
    (without a date, nothing: the path says it is the user's file, never the agreement's date)."""
    date = sc.data_dates.get(name)
    path = sc.own_files()[name]
    return f"{path}, per {swedish_date(date)}" if date is not None else str(path)


def own_date(sc: _WithOwnFiles, name: str) -> str | None:
    """The ISO date of the scenario's own file for ``name``, or None (no date, or no own file)."""
    date = sc.data_dates.get(name)
    return date.isoformat() if date is not None and name in sc.own_files() else None
