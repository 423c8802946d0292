"""The parameters of a sweep per row: varied amounts and shares as int64 arrays (or per-row levels).

Every amount parameter enters int64 only when it is at most ``CAP`` (bound 1); a share becomes
an integer numerator and denominator, each at most ``CAP`` (bound 3); what is above is masked
and goes to the exact core. The bounds cited as (bound N) are the overflow bounds proved in the
docstring of ``sweep.engine``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import numpy as np

from .. import core
from .bounds import _LEVEL_ARRAYS, CAP
from .scenarios import ScenarioSet, Value, ValueRange

_Take = Callable[[np.ndarray], tuple[np.ndarray, ...]]


def _amount_arrays(levels: Sequence[Value]) -> _Take:
    """Values (0 where above CAP) and the above-CAP mask of listed amounts, by level index."""
    try:
        values = np.array(levels, dtype=np.int64)
        big = values > CAP
    except OverflowError:  # some value is beyond int64
        big = np.array([v > CAP for v in levels], dtype=bool)
        values = np.array([0 if b else v for v, b in zip(levels, big, strict=True)], dtype=np.int64)
    values[big] = 0
    return lambda c: (values[c], big[c])


def _amount_range(levels: ValueRange) -> _Take:
    """``_amount_arrays`` of a long range, computed from the level indices: start + c·step."""
    start, step, count = int(levels.start), int(levels.step), levels.count
    fit = 0 if start > CAP else min(count, (CAP - start) // step + 1)  # values ≤ CAP: levels < fit
    if fit == 0:
        return lambda c: (np.zeros(len(c), dtype=np.int64), np.ones(len(c), dtype=bool))
    step = step if fit > 1 else 0  # (fit − 1)·step ≤ CAP − start: no product below overflows

    def take(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        big = c >= fit
        values = np.where(big, 0, c) * step + start
        values[big] = 0
        return values, big

    return take


def _share_arrays(levels: Sequence[Value]) -> _Take:
    """Numerators, denominators (1 where above CAP) and the above-CAP mask of shares (bound 3)."""
    fractions = [Fraction(v) for v in levels]
    big = np.array([f.denominator > CAP for f in fractions], dtype=bool)
    p = np.array([0 if b else f.numerator for f, b in zip(fractions, big, strict=True)], dtype=np.int64)
    q = np.array([1 if b else f.denominator for f, b in zip(fractions, big, strict=True)], dtype=np.int64)
    return lambda c: (p[c], q[c], big[c])


def _share_range(levels: ValueRange) -> _Take:
    """``_share_arrays`` of a long range, from the level indices: (A + c·C) / L, reduced.

    With start a/b, step c/d and L = lcm(b, d) ≤ CAP, value_i = (a·L/b + i·c·L/d) / L; every value
    is a share (≤ 1), so its numerator over L is ≤ L and fits. A larger L: value by value.
    """
    start, step = Fraction(levels.start), Fraction(levels.step)
    lcm = math.lcm(start.denominator, step.denominator)
    if lcm > CAP:

        def slow(c: np.ndarray) -> tuple[np.ndarray, ...]:
            uniq, inverse = np.unique(c, return_inverse=True)
            p, q, big = _share_arrays([levels[int(u)] for u in uniq])(np.arange(len(uniq)))
            inverse = inverse.reshape(-1)
            return p[inverse], q[inverse], big[inverse]

        return slow
    a = start.numerator * (lcm // start.denominator)
    s = step.numerator * (lcm // step.denominator)

    def take(c: np.ndarray) -> tuple[np.ndarray, ...]:
        num = c * s + a
        g = np.gcd(num, lcm)
        return num // g, lcm // g, np.zeros(len(c), dtype=bool)

    return take


class _Params:
    """The parameters of the rows being computed: varied ones from their levels, the rest fixed."""

    def __init__(self, params: core.Parameters, sset: ScenarioSet):
        self.params = params
        self.sset = sset
        self._amounts: dict[str, _Take] = {}
        self._shares: dict[str, _Take] = {}

    def amount(self, key: str, codes: Mapping[str, np.ndarray], m: int) -> tuple[np.ndarray, np.ndarray]:
        """Values (0 where above CAP) and the above-CAP mask of an amount parameter (bound 1)."""
        c = codes.get(key)
        if c is None:
            value = self.params[key]
            big = value > CAP
            return np.full(m, 0 if big else value, dtype=np.int64), np.full(m, big)
        if key not in self._amounts:
            levels = self.sset.levels[key]
            long = isinstance(levels, ValueRange) and len(levels) > _LEVEL_ARRAYS
            self._amounts[key] = _amount_range(levels) if long else _amount_arrays(levels)  # type: ignore[arg-type]  # long: a ValueRange
        return self._amounts[key](c)  # type: ignore[return-value]  # an amount's _Take gives 2 arrays

    def share(self, key: str, codes: Mapping[str, np.ndarray], m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Numerators, denominators (1 where above CAP) and the above-CAP mask of a share (bound 3)."""
        c = codes.get(key)
        if c is None:
            f = Fraction(self.params[key])
            big = f.denominator > CAP
            return (np.full(m, 0 if big else f.numerator, dtype=np.int64),
                    np.full(m, 1 if big else f.denominator, dtype=np.int64), np.full(m, big))
        if key not in self._shares:
            levels = self.sset.levels[key]
            long = isinstance(levels, ValueRange) and len(levels) > _LEVEL_ARRAYS
            self._shares[key] = _share_range(levels) if long else _share_arrays(levels)  # type: ignore[arg-type]  # long: a ValueRange
        return self._shares[key](c)  # type: ignore[return-value]  # a share's _Take gives 3 arrays

    def value(self, key: str, level: int | None) -> Value:
        """One parameter's value: level ``level`` of a varied key, else the base value."""
        return self.sset.levels[key][level] if level is not None else self.params[key]

    def largest_amount(self, key: str) -> int:
        """The largest value of an amount parameter the engine may use (≤ CAP)."""
        if key in self.sset.levels:
            levels = self.sset.levels[key]
            largest = levels.last if isinstance(levels, ValueRange) else max(levels)
        else:
            largest = self.params[key]
        return CAP if largest > CAP else int(largest)

