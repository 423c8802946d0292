"""The weights a key shares by, as integers: a data column's counts, or the rural key's W per region.

The rural key's weights are exact (``Fraction``) per distinct weight vector, scaled to integers
by their common denominator and divided by their gcd (the shares do not change), with the bounds
that decide whether the rank key fits int64 (bounds 5 and 7). The bounds cited as (bound N) are
the overflow bounds proved in the docstring of ``sweep.engine``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from .. import core
from ..core import AllocationError
from ..core.landsbygd import weighted_rural_population
from ..frozen import frozen
from .bounds import CAP, INT64_MAX


@frozen
class _Weights:
    """A key's integer weights per distinct weight vector (U of them), with their bounds (bound 7).

    A row's vector is ``index[row]`` (rows of a scenario file), or ``Σ codes[key]·stride`` over
    ``radix`` (every combination of the weight keys' levels: a grid, or a table's rows).
    """

    weights: np.ndarray  # (U, n) int64
    weight_sum: np.ndarray  # (U,) int64, ≥ 1 (1 where the true sum is 0)
    limit: np.ndarray  # (U,) int64: the largest total t with t·max(w) ≤ 2**63 − 1
    zero: np.ndarray  # (U,) bool: every weight is 0
    no_weights: np.ndarray  # (U,) bool: every weight parameter of a rural key is 0
    core: np.ndarray  # (U,) bool: only the core can use these weights (it refuses them, or int64 cannot)
    composite: bool  # the rank key fits int64 for every vector (bound 5)
    index: np.ndarray | None = None
    radix: tuple[tuple[str, int], ...] = ()

    def rows(self, rows: slice, codes: Mapping[str, np.ndarray]) -> tuple[Any, ...]:
        """``(w, W, limit, zero, no_weights, core)`` of ``rows``: (n,) and scalars, or (m, n) and (m,)."""
        if len(self.weights) == 1:
            return (self.weights[0], int(self.weight_sum[0]), int(self.limit[0]),
                    bool(self.zero[0]), bool(self.no_weights[0]), bool(self.core[0]))
        if self.index is not None:
            u = self.index[rows]
        else:
            u = np.zeros(rows.stop - rows.start, dtype=np.int64)
            for key, stride in self.radix:
                u += codes[key] * stride
        return (self.weights[u], self.weight_sum[u], self.limit[u],
                self.zero[u], self.no_weights[u], self.core[u])


def _weights(
    vectors: list[list[int] | None], no_weights: list[bool], n: int,
    index: np.ndarray | None = None, radix: tuple[tuple[str, int], ...] = (),
) -> _Weights:
    """``_Weights`` from integer vectors (None: the core refuses them)."""
    count = len(vectors)
    rows = np.zeros((count, n), dtype=np.int64)
    sums = np.ones(count, dtype=np.int64)
    limit = np.full(count, INT64_MAX, dtype=np.int64)
    zero = np.zeros(count, dtype=bool)
    refused = np.zeros(count, dtype=bool)
    composite = True
    for u, vector in enumerate(vectors):
        if vector is None or min(vector) < 0 or sum(vector) > INT64_MAX:
            refused[u] = True
            continue
        total = sum(vector)
        if total == 0:
            zero[u] = True
            continue
        rows[u] = vector
        sums[u] = total
        limit[u] = INT64_MAX // max(vector)
        composite = composite and (total * total + total) * n <= 2**63
    return _Weights(rows, sums, limit, zero, np.array(no_weights, dtype=bool), refused, composite, index, radix)


def _column_weights(inputs: core.Inputs, key: core.Key) -> _Weights:
    """The counts of a data column as weights; refused (the core decides) when a recipient lacks them."""
    try:
        vector: list[int] | None = [r.count(key.column) for r in inputs.recipients]
    except AllocationError:
        vector = None
    return _weights([vector], [False], len(inputs.recipients))


def _rural_vector(inputs: core.Inputs, weights: Mapping[str, Fraction]) -> list[int] | None:
    """W per recipient (the rural key) as integers with the same ratios, or None if the core refuses them."""
    if not inputs.rural_key:
        return None
    by_code = {k.code: k for k in inputs.rural_key}
    try:
        exact = [
            weighted_rural_population(by_code[r.code], weights, inputs.reference_weights)
            for r in inputs.recipients
        ]
    except (AllocationError, KeyError):
        return None
    scale = math.lcm(*(f.denominator for f in exact))
    ints = [int(f * scale) for f in exact]
    g = math.gcd(*ints)
    return [v // g for v in ints] if g > 1 else ints


def _unique_rows(columns: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``columns`` (level indices with ``sizes`` levels) and each row's index."""
    stacked = np.stack(columns, axis=1)
    if math.prod(sizes) < CAP:
        code = np.zeros(len(stacked), dtype=np.int64)
        for col, size in zip(columns, sizes, strict=True):
            code = code * size + col
        _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
        return stacked[first], inverse.reshape(-1)
    uniq, inverse = np.unique(stacked, axis=0, return_inverse=True)
    return uniq, inverse.reshape(-1)


def _strides(sizes: Sequence[int]) -> tuple[int, ...]:
    """Mixed-radix strides: the last size varies fastest."""
    out, stride = [], 1
    for size in reversed(sizes):
        out.append(stride)
        stride *= size
    return tuple(reversed(out))

