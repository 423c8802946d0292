"""The amounts a sweep computed: ``Cells`` (one chunk) and ``SweepResult`` (all of them, as frames).

The sum columns add their lines' amounts (bound 6: checked against ``INT64_MAX``). The bounds
cited as (bound N) are the overflow bounds proved in the docstring of ``sweep.engine``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import core
from ..frozen import frozen
from .bounds import _LEVEL_ARRAYS, INT64_MAX
from .scenarios import ScenarioSet, Value, ValueRange

if TYPE_CHECKING:
    import pandas as pd

    from ..scenario import Scenario


def _code_dtype(count: int) -> type[np.signedinteger[Any]]:
    """The smallest signed integer type for category codes 0 … count − 1 (what pandas keeps)."""
    for dtype in (np.int8, np.int16, np.int32):
        if count <= np.iinfo(dtype).max:
            return dtype
    return np.int64


def _amount_values(levels: Sequence[Value], codes: np.ndarray) -> np.ndarray:
    """The amounts of ``codes`` (level indices): int64, or object (Python ints) beyond int64."""
    if isinstance(levels, ValueRange) and len(levels) > _LEVEL_ARRAYS:
        if levels.last <= INT64_MAX:
            return codes.astype(np.int64) * int(levels.step) + int(levels.start)
        return np.array([levels[int(c)] for c in codes], dtype=object)
    largest = max(levels)
    return np.array(list(levels), dtype=np.int64 if largest <= INT64_MAX else object)[codes]


@frozen
class Cells:
    """One output column of a sweep, row by row: numbers (``values``: int64, or object for Python
    ints beyond int64), or text as ``codes`` into ``categories`` (what a Categorical holds)."""

    name: str
    values: np.ndarray
    categories: list[str] | None = None

    @property
    def text(self) -> bool:
        """True for a text column (codes into categories)."""
        return self.categories is not None


@dataclass
class SweepResult:
    """The amounts of a sweep, or of a chunk of it: per amount column, an (m, n) array (scenario ×
    recipient, in kronor) for the scenarios ``offset`` … ``offset + m − 1`` of ``scenarios``.

    ``codes`` and ``names`` are the recipients in the order of the inputs;
    ``scenarios`` says what varied; ``rules`` is the agreement's (its amount columns, in order,
    are the keys of ``amounts``). Arrays are int64, or object (Python ints) in a column where
    some amount exceeds int64. ``core_scenarios`` counts the scenarios the exact core computed.
    ``base`` is the scenario every sweep scenario starts from, when known.
    """

    scenarios: ScenarioSet
    codes: tuple[str, ...]
    names: tuple[str, ...]
    amounts: dict[str, np.ndarray]
    rules: core.Rules
    core_scenarios: int = 0
    base: Scenario | None = None
    offset: int = 0

    @property
    def count(self) -> int:
        """How many scenarios this result holds."""
        first = next(iter(self.amounts.values()), None)
        return len(first) if first is not None else self.scenarios.size - self.offset

    @property
    def code_column(self) -> str:
        """The name of the recipients' code column (``lan_code``; ``kommun_code``), as the definition's."""
        return self.rules.recipient_column("code")

    @property
    def name_column(self) -> str:
        """The name of the recipients' name column (``region``; ``kommun``), as the definition's."""
        return self.rules.recipient_column("name")

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns of ``to_frame``: scenario, the varied keys, code, name, amount columns."""
        return ("scenario", *self.scenarios.keys, self.code_column, self.name_column, *self.rules.amount_columns)

    def row(self, scenario: int, code: str) -> dict[str, int]:
        """The amounts of one recipient in one scenario (0-based position in the sweep), as plain ints."""
        i = self.codes.index(code)
        return {c: int(self.amounts[c][scenario - self.offset, i]) for c in self.rules.amount_columns}

    def cells(self) -> list[Cells]:
        """Every output column, row by row (scenario-major, recipients in input order).

        Text columns (the file's scenario ids, shares and weights as exact fractions such as
        ``1/4``, the code and the region) are codes into categories; the code types depend on the
        whole sweep's sizes only, so every chunk of a sweep has the same column types.
        """
        sset = self.scenarios
        n, m, a = len(self.codes), self.count, self.offset
        out: list[Cells] = []
        if sset.labels is not None:
            ids = np.repeat(np.arange(m, dtype=_code_dtype(sset.size)), n)
            out.append(Cells("scenario", ids, list(sset.labels[a:a + m])))
        else:
            out.append(Cells("scenario", np.repeat(np.arange(a + 1, a + m + 1, dtype=np.int64), n)))
        for key in sset.keys:
            levels = sset.levels[key]
            codes = sset.codes_at(key, a, a + m)
            if self.rules.parameters[key] == "amount":
                out.append(Cells(key, np.repeat(_amount_values(levels, codes), n)))
                continue
            # Shares and weights: exact strings such as "1/4", one category per value used.
            dtype = _code_dtype(len(levels))
            if len(levels) > _LEVEL_ARRAYS:
                used, codes = np.unique(codes, return_inverse=True)
                categories = [str(levels[int(u)]) for u in used]
            else:
                categories = [str(v) for v in levels]
            if len(set(categories)) < len(categories):  # a value given twice (1/2 and 0.5): one category
                position = {c: i for i, c in enumerate(dict.fromkeys(categories))}
                codes = np.array([position[c] for c in categories])[codes]
                categories = list(position)
            out.append(Cells(key, np.repeat(codes.reshape(-1).astype(dtype), n), categories))
        out.append(Cells(self.code_column, np.tile(np.arange(n, dtype=_code_dtype(n)), m), list(self.codes)))
        names = list(dict.fromkeys(self.names))
        name_codes = np.array([names.index(r) for r in self.names], dtype=_code_dtype(len(names)))
        out.append(Cells(self.name_column, np.tile(name_codes, m), names))
        for col in self.rules.amount_columns:
            out.append(Cells(col, self.amounts[col].reshape(-1)))
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario and recipient: ``scenario``, the varied values, code, region, amounts.

        Amount parameters are int64 kronor; shares and weights are exact strings (``"1/4"``).
        The code, the region name, the share and weight columns and file ids are categoricals
        (compact, and ``frame.lan_code == "01"`` works as for strings).
        """
        import pandas as pd

        data: dict[str, Any] = {}
        for col in self.cells():
            if col.categories is not None:
                data[col.name] = pd.Categorical.from_codes(col.values, categories=pd.Index(col.categories))
            else:
                data[col.name] = col.values
        return pd.DataFrame(data, copy=False)


def _sum_order(rules: core.Rules) -> list[core.ColumnSpec]:
    """The sum columns, each after the sum columns it adds."""
    done: list[core.ColumnSpec] = []

    def visit(spec: core.ColumnSpec) -> None:
        if spec.kind != "sum" or spec in done:
            return
        for ref in spec.ref:
            visit(rules.column(ref))
        done.append(spec)

    for spec in rules.columns:
        visit(spec)
    return done


def _lines_of(rules: core.Rules, name: str) -> list[str]:
    """The budget lines an amount column adds, one entry per line amount it adds (bound 6)."""
    return list(core.resolve(rules, name).lines)

