"""The layout of a rural key's data file, as the definition declares it (issue 17 §3 "The rural key declared").

The categories of a rural key (their names, labels and order), the column of each in a per-recipient
file, the optional weighted-sum column with the weights it was computed at (the reference weights
and where they were decoded), the categories of a per-kommun file that carry no weight, and the
optional status column with its two values. Nothing here names a category: the definition does
(``[keys.NAME]`` and ``[data.NAME]`` in ``agreement.toml``, read by ``agreements.build``). Plain
values only, shared by the agreement's registry and the input readers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from fractions import Fraction

from .frozen import frozen

__all__ = ["RuralLayout", "Status"]


@frozen
class Status:
    """A status column: its name, and the values for "categories known" and "weighted sum only"."""

    column: str
    known: str
    weighted_sum: str


@frozen
class RuralLayout:
    """What a rural key's data file holds, category by category, in the key's order.

    ``columns[c]`` is the column of category ``c``'s inhabitants in a per-recipient file,
    ``labels[c]`` its Swedish label; ``weighted_sum`` the column of the weighted sum where the
    categories are unknown ("" when the file has none), computed at ``reference`` (by category)
    as ``reference_source`` says; ``unweighted`` the categories of a per-kommun file that carry
    no weight; ``spellings`` other ways a per-kommun file may write a category (a spelling → the
    category), besides its name and its label.
    """

    categories: tuple[str, ...]
    columns: Mapping[str, str] = field(default_factory=dict, hash=False)
    labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    weighted_sum: str = ""
    reference: Mapping[str, Fraction] = field(default_factory=dict, hash=False)
    reference_source: str = ""
    unweighted: tuple[str, ...] = ()
    status: Status | None = None
    spellings: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def count_columns(self) -> tuple[str, ...]:
        """The inhabitants' columns, in the categories' order."""
        return tuple(self.columns[c] for c in self.categories)

    def label(self, category: str) -> str:
        """The label of a category (its name where none is declared)."""
        return self.labels.get(category) or category.replace("_", " ")

    @property
    def region_columns(self) -> tuple[str, ...]:
        """Every column of a per-recipient file: code, name, the categories, the weighted sum, the status."""
        return ("lan_code", "region", *self.count_columns, *([self.weighted_sum] if self.weighted_sum else []),
                *([self.status.column] if self.status else []))
