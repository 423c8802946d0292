"""Reading a scenario's data: its own files where it names them, else the agreement's own data.

Shared by the API (``api.allocate``) and by ``Scenario.as_signed``, which compares a scenario's data
with the agreement's by content. It knows the scenario only through the two attributes it reads
(``Sourced``), so that it imports neither ``api`` nor ``scenario``. The data slots are found by
their kind (issue 17 §3): the recipients, every counts slot (joined by code), the rural key.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from . import core
from .agreements import Agreement
from .inputs import load_inputs, load_short_population

__all__ = ["Sourced", "read_inputs"]


class Sourced(Protocol):
    """What ``read_inputs`` reads of a scenario: its agreement and the own files it names, by slot."""

    @property
    def agreement(self) -> Agreement: ...

    @property
    def data(self) -> Mapping[str, Path]: ...


def read_inputs(sc: Sourced) -> tuple[core.Inputs, tuple[str, ...]]:
    """The scenario's inputs, and notes on how they were read.

    An own population file in SCB's short form (the län and its population only) keeps every
    other column from the agreement's own data; the notes say so.
    """
    ag = sc.agreement
    rural = ag.landsbygd
    kommun = ag.rules.recipient == "kommun"
    population: str | Path | None = sc.data.get(ag.recipients.name)
    notes: tuple[str, ...] = ()
    own: tuple[core.Recipient, ...] | None = None  # the agreement's own recipients, read once
    if population is None or not kommun:
        own = _own_recipients(ag)
    short = None
    if population is not None and own is not None:
        inhabitants = ag.inhabitants_column
        short = load_short_population(population, own, inhabitants if inhabitants in ag.recipients.counts else None)
    if short is not None:
        notes = (f"{population} gives only the population; {', '.join(short[1])} are the agreement's own "
                 f"({ag.recipients.path.name}, {ag.recipients.label})",)
        population = None  # the rest (the rural key) as for the agreement's own recipients
    inputs = load_inputs(
        population,
        sc.data.get(rural.name) if rural else None,
        counts=ag.recipients.counts,
        codes=tuple(r.code for r in own) if own is not None else _agreement_codes(ag),
        default_population=ag.recipients.path,
        default_landsbygd=rural.path if rural else None,
        rural=rural is not None,
        kommun=kommun,
        recipients=short[0] if short is not None else own if population is None else None,
        count_files=[(sc.data.get(d.name, d.path), d.counts) for d in ag.count_files],
        rural_layout=rural.rural if rural else None,
    )
    return inputs, notes


def _own_recipients(ag: Agreement) -> tuple[core.Recipient, ...]:
    """The recipients of the agreement's own data file, validated, in its order."""
    from .inputs import load_population

    return load_population(ag.recipients.path, ag.recipients.counts, require_all=False,
                           kommun=ag.rules.recipient == "kommun")


def _agreement_codes(ag: Agreement) -> tuple[str, ...]:
    """The recipients of the agreement: the codes of its own data file, in its order."""
    return _codes(str(ag.recipients.path), ag.recipients.counts, ag.rules.recipient == "kommun")


@functools.cache
def _codes(path: str, counts: tuple[str, ...], kommun: bool) -> tuple[str, ...]:
    from .inputs import load_population

    return tuple(r.code for r in load_population(Path(path), counts, require_all=False, kommun=kommun))
