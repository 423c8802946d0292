"""Loading and validating the input data: population and HSL insatser per län, and the rural key.

Each file is read by ``tables.read_table`` (CSV or ``.xlsx``), its header is matched against
the expected columns, and every cell is parsed by the parser of its column. Every problem
found is reported at once, as an ``InputError`` whose problems name the file, the row as the
user sees it (CSV line, spreadsheet row; the header is row 1), the column, what was found and
what was expected. The result is the core's plain ``Inputs``.

Formats (the shipped files are the examples):

- recipients: ``lan_code, lan, region`` and the agreement's count columns (God och nära vård:
  ``population, hsl_insatser``; the agreement's own file is the example);
- rural key per region: ``lan_code`` and optionally ``region``, the inhabitants per category,
  the weighted sum and a status, in the columns the definition declares (``data/landsbygd_weights.csv``);
- rural key per kommun: ``kommun_code, kategori, population`` (other columns, such as the
  kommun's name, are ignored; a ``lan_code`` column, if present, must agree with the code).

- counts (a data slot of ``kind = "counts"``, issue 17 §3): the recipients' code column and the
  slot's counts, every recipient once, joined to the recipients by code.

The package is split by what it reads: ``cells`` (column names, headings and the parser of
every kind of cell), ``report`` (checking a table as a whole and collecting its problems),
``recipients`` (per län, per kommun, SCB's short file), ``counts`` (more counts from a file of
their own) and ``rural_key`` (per region or per kommun). Everything is imported from
``godnaravard.inputs``.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from ..core import Inputs, Recipient, RuralKey
from ..errors import MAX_PROBLEMS, InputError, Problem
from ..rural_layout import RuralLayout
from ..tables import MAX_BYTES
from .cells import HEADINGS as HEADINGS
from .cells import KOMMUN_KEY_COLUMNS as KOMMUN_KEY_COLUMNS
from .cells import KOMMUNER_FILE as KOMMUNER_FILE
from .cells import MAX_POPULATION as MAX_POPULATION
from .cells import MAX_ROWS as MAX_ROWS
from .cells import POPULATION_COLUMNS as POPULATION_COLUMNS
from .cells import REGION_KEY_COLUMNS as REGION_KEY_COLUMNS
from .cells import parse_count as parse_count
from .counts import join_counts, load_counts
from .recipients import load_population as load_population
from .recipients import load_short_population as load_short_population
from .report import canonical_column as canonical_column
from .rural_key import load_landsbygd as load_landsbygd

__all__ = [
    "canonical_column",
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


# --------------------------------------------------------------------------------------------
# Both inputs at once


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
    recipients: Sequence[Recipient] | None = None,
    count_files: Sequence[tuple[str | Path, Sequence[str]]] = (),
    rural_layout: RuralLayout | None = None,
) -> Inputs:
    """The inputs of an agreement, validated, as the core's ``Inputs``.

    ``population`` replaces the agreement's recipients file (``default_population``), and
    ``landsbygd`` its rural key (``default_landsbygd``; read only when ``rural``). When both files
    have problems, all of them are reported together. ``rural_layout`` is how the definition
    declares the rural key's file (default: the default agreement's). ``recipients`` are those of
    ``default_population`` when the caller has read them already (they are not read again).
    ``count_files`` are the files of the agreement's counts slots, each with its counts, joined to
    the recipients by code (``inputs.counts``, issue 17 §3).
    """
    problems: list[Problem] = []
    own: tuple[Recipient, ...] = ()
    key: tuple[RuralKey, ...] = ()
    reference: dict[str, Fraction] = {}
    try:
        if population is None and recipients is not None:
            own = tuple(recipients)
        else:
            own = load_population(population, counts, codes, default_population, kommun=kommun)
    except InputError as exc:
        problems += exc.problems
    if own:
        own, found = _joined(own, count_files, kommun)
        problems += found
    if rural:
        try:
            key, reference = load_landsbygd(landsbygd if landsbygd is not None else default_landsbygd, rural_layout,
                                            [r.code for r in own] if own and not kommun else None)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    if key:
        order = {r.code: i for i, r in enumerate(own)}
        key = tuple(sorted(key, key=lambda k: order.get(k.code, len(order))))
    return Inputs(recipients=own, rural_key=key, reference_weights=reference)


def _joined(own: tuple[Recipient, ...], count_files: Sequence[tuple[str | Path, Sequence[str]]],
            kommun: bool) -> tuple[tuple[Recipient, ...], list[Problem]]:
    """The recipients with every counts file joined by code, and the problems of those files."""
    problems: list[Problem] = []
    for path, counts in count_files:
        try:
            own = join_counts(own, load_counts(path, counts, own, kommun=kommun))
        except InputError as exc:
            problems += exc.problems
    return own, problems
