"""The one column resolver: which budget lines and parts stand behind an output column.

An agreement's output columns (``spec.ColumnSpec``) are of six kinds. Three carry kronor and
stand for parts of budget lines (avsnitt 12 of God och nära vård: "grundbelopp" plus the
separately rounded parts of each line; bilaga 2–3 print a line, one of its parts, or a sum):

- ``line``: every part of the line, plus the line's base amount per recipient;
- ``part``: that one part;
- ``sum``: the parts (and bases) of each column it sums, in order, a part once per time it is summed;
- ``code``, ``text``, ``count``: nothing (they carry no kronor).

Every layer that needs "what does this column add up" asks ``resolve`` instead of switching on
the kind itself, so a new kind of column changes one place.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..frozen import frozen
from .spec import Adjustment, ColumnSpec, Rules

__all__ = ["Behind", "adjustment_of", "resolve"]


@frozen
class Behind:
    """What an output column adds up (empty for a column that carries no kronor).

    Attributes:
        leaves: the ``line`` and ``part`` columns it reaches, a ``sum`` expanded, in order.
        parts: each ``(line, part)`` it adds, in order (once per time it is added).
        bases: the lines whose base amount per recipient it adds (lines with a base only).
    """

    leaves: tuple[ColumnSpec, ...] = ()
    parts: tuple[tuple[str, str], ...] = ()
    bases: tuple[str, ...] = ()

    @property
    def lines(self) -> tuple[str, ...]:
        """The budget line of each leaf, in order (one entry per line or part column reached)."""
        return tuple(leaf.ref[0] for leaf in self.leaves)


def _leaves(rules: Rules, spec: ColumnSpec, seen: tuple[str, ...]) -> tuple[ColumnSpec, ...]:
    """The ``line`` and ``part`` columns under ``spec`` (a ``sum`` expanded, depth first)."""
    if spec.kind in ("line", "part"):
        return (spec,)
    if spec.kind != "sum":
        return ()
    if spec.name in seen:
        raise ValueError(f"column {spec.name} sums itself")
    return tuple(leaf for ref in spec.ref for leaf in _leaves(rules, rules.column(ref), (*seen, spec.name)))


def resolve(rules: Rules, column: str | ColumnSpec) -> Behind:
    """The parts (and base amounts) behind an output column (see the module docstring).

    Raises ``KeyError`` for an unknown column name.
    """
    spec = rules.column(column) if isinstance(column, str) else column
    leaves = _leaves(rules, spec, ())
    parts: list[tuple[str, str]] = []
    bases: list[str] = []
    for leaf in leaves:
        if leaf.kind == "part":
            parts.append((leaf.ref[0], leaf.ref[1]))
            continue
        line = rules.line(leaf.ref[0])
        parts.extend((line.name, p.name) for p in line.parts)
        if line.base:
            bases.append(line.name)
    return Behind(leaves=leaves, parts=tuple(parts), bases=tuple(bases))


def adjustment_of(behind: Behind, adjustments: Iterable[Adjustment], code: str) -> int:
    """The kronor ``adjustments`` add to the parts behind a column for one recipient (0 where none)."""
    applied = tuple(adjustments)
    return sum(a.added(code) for line, part in behind.parts for a in applied if (a.line, a.part) == (line, part))
