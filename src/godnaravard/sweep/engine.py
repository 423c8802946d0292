"""The sweep engine: every budget line of an agreement for many scenarios at once, in int64 numpy.

The engine walks the agreement's budget lines (``rules.lines``) exactly as the core's line rule
does (``core.line``), for arrays of scenarios instead of one:

    rest      = total − n · base                       (only for a line with a base amount)
    remaining = rest − Σ carved-out amounts
    remaining → share parts and the rest part          (``apportion`` by s_i and 1 − Σ s_i)
    part      → recipients by its key's weights        (``apportion``, each part on its own)
    line      = base + Σ parts;   sum column = Σ of its columns

Nothing here names a parameter, a line, a key or a column: all of them come from ``rules``.

How the rounding becomes integer arithmetic
-------------------------------------------
``core.rounding`` shares ``total`` kronor by weights ``w_i`` with sum ``W`` by largest
remainders. With integer weights, the exact share ``total·w_i/W`` has the floor
``(total·w_i) // W`` and the remainder ``(total·w_i) % W / W``. All remainders of one apportionment
share the denominator ``W``, so ranking them needs only the integer numerators ``r_i``; equal
remainders go to the larger exact share, i.e. the larger ``w_i`` (same total, same ``W``), then
to the smaller key. The kronor left after the floors (fewer than the number of items) go to the
first ones in that order. The order is one integer per item, ``key_i = (r_i·(W+1) + w_i)·n + c_i``
(``c_i`` = n − 1 − rank of the item's key), and an item gets a krona when its key is among the
``left`` largest of its scenario.

- Recipients: the weights are a data column's counts (column keys), or the rural key's W per
  region, exact (``Fraction``) per distinct weight vector, scaled to integers by the common
  denominator and divided by their gcd (the shares do not change); ties go to the smaller
  recipient code.
- The share split: shares ``p_i/q_i`` become integers over their least common denominator
  ``Q``: ``P_i = p_i·Q/q_i`` and the rest part's ``Q − Σ P_i``, with ``W = Q``; ties go to the
  smaller part name, as in the core's ``apportion`` of ``{share parts: s_i, rest part: 1 − Σ s_i}``.

Spaces: each line is computed once per combination it depends on
-----------------------------------------------------------------
A line depends only on its own parameters (total, base, carved amounts, shares, rural weights).
When the varied ones among them have fewer combinations than there are scenarios, and the table
of those combinations fits ``TABLE_BYTES`` (shared by all lines), the line is computed once per
combination and each scenario's rows are gathered from that table; otherwise it is computed per
scenario. Both give the same numbers: the table row of a combination is what any scenario with
that combination computes. The table row of a scenario, and each scenario's level of every key,
are computed from its position (``ScenarioSet.codes_at``), so nothing of the sweep's size is
stored but what the caller asks for: ``Engine.chunks`` yields the amounts chunk by chunk
(bounded memory, for streaming to a file), ``compute`` collects them all.

Overflow bounds (checked at run time; what fails a check goes to the exact Python core)
-----------------------------------------------------------------------------------------
int64 holds every integer up to ``2**63 − 1``. Let ``CAP = 2**62``.

1. Amount parameters (line totals ``T``, base amounts ``g``, carved-out amounts ``a``) enter int64
   only when ≤ CAP.
2. A base amount is used only when ``g ≤ T // n``; then ``n·g ≤ T`` never overflows and
   ``rest = T − n·g`` lies in ``[0, T]``. Carved amounts are subtracted one at a time, each only
   when ≤ what is left, so ``remaining`` lies in ``[0, rest]``. Every part total is a carved
   amount or at most ``remaining``, hence ≤ ``T`` ≤ CAP.
3. The share split: ``Q = lcm(q_i)`` is built one share at a time as ``(Q // gcd(Q, q))·q``, each
   step only when ``Q // gcd(Q, q) ≤ CAP // q``, so ``Q`` ≤ CAP. ``P_i = p_i·(Q // q_i) ≤ Q``
   (``p_i ≤ q_i``); the ``P_i`` are added one at a time, each only when ≤ ``Q`` − the sum so far,
   so ``Σ P_i ≤ Q`` and the rest part's ``Q − Σ P_i ≥ 0`` (otherwise the shares add up to more
   than 1: the core refuses). Splitting ``remaining`` by ``P/Q`` needs ``remaining·Q`` to fit:
   checked as ``remaining ≤ (2**63 − 1) // Q``; then every ``remaining·P_i`` fits.
4. Sharing a part's total ``t`` by weights ``w``: ``t·w_i`` fits when ``t ≤ (2**63 − 1) // max(w)``,
   checked per scenario with the part's bound (its carved amount, or ``remaining``). Then the
   floor, the remainder (< W) and the sum of the floors (≤ t) fit too.
5. The rank key: with ``r ≤ W − 1``, ``w ≤ W``, ``c ≤ n − 1`` it is at most ``(W² + W)·n − 1``, so
   it fits when ``(W² + W)·n ≤ 2**63`` (checked in Python integers per weight vector, and for the
   split with the largest ``Q``). Otherwise ranking uses ``np.lexsort`` on ``(r, w, c)``, each
   of which fits by (3) and (4). With two items (a split into two parts, or two recipients) at
   most one krona is left; it goes by comparing ``r``, then ``w``, then ``c`` directly, and no
   rank key is formed.
6. A recipient's line amount is ``g + Σ parts ≤ g + rest ≤ T``; a part's amount is ≤ ``T``. A sum
   column adds amounts of lines with totals ``T_j``: computed in int64 when ``Σ T_j ≤ 2**63 − 1``,
   checked once from the largest values of the totals, else per scenario.
7. Key weights: a data column's counts, or a rural weight vector, are used only when their sum is
   ≤ ``2**63 − 1`` (then every weight is too); a key whose weights are all zero is used only for
   totals of zero (every recipient gets 0, as in the core).

A scenario that fails any check, or that the core would refuse (base amounts × recipients above
the total, carved parts above what is left, shares above 1, rural weights the key cannot carry,
all weights zero for a positive total), is computed, or refused, by the core itself, so errors and
their messages are the core's. ``Engine.survey`` runs the checks alone (no apportioning: a
fraction of the cost) to count those scenarios before any is computed, so the caller can say how
many leave the fast path and how long the core will take for them.
"""


from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import core
from ..core import AllocationError
from ..core.landsbygd import weighted_rural_population
from ..errors import InputError, Problem
from .scenarios import ScenarioSet, Value, ValueRange, _level_problem, _spaced

if TYPE_CHECKING:
    import pandas as pd

    from ..scenario import Scenario

__all__ = [
    "CAP", "CHUNK", "INT64_MAX", "MAX_WEIGHT_VECTORS", "TABLE_BYTES", "Cells", "Engine", "ScenarioError",
    "SweepResult", "Survey", "collect", "compute",
]

INT64_MAX = 2**63 - 1
#: Amount parameters above this are not taken into int64 (bound 1 of the module docstring).
CAP = 2**62
#: Rows computed per numpy batch (bounds the memory of every intermediate array).
CHUNK = 8192
#: Bytes all lines' tables (one row per combination of a line's varied parameters) may take.
TABLE_BYTES = 128 * 2**20
#: Distinct rural weight vectors a sweep may use (each is computed exactly, in Python, ~0.1 ms).
MAX_WEIGHT_VECTORS = 100_000
#: A varied key with at most this many values gets its values as arrays once; a longer range is
#: computed per batch from each scenario's level (never listed).
_LEVEL_ARRAYS = 1 << 16


class ScenarioError(AllocationError):
    """One scenario of a sweep cannot be allocated; the message names it and the core's reason."""

    def __init__(self, label: str, values: Mapping[str, Value], cause: AllocationError):
        self.label = label
        self.values = dict(values)
        self.cause = cause
        shown = ", ".join(f"{k}={v}" for k, v in values.items())
        super().__init__(f"scenario {label} ({shown}): {cause}")


# --------------------------------------------------------------------------- parameters per row

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
            self._amounts[key] = _amount_range(levels) if long else _amount_arrays(levels)  # type: ignore[arg-type]
        return self._amounts[key](c)  # type: ignore[return-value]

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
            self._shares[key] = _share_range(levels) if long else _share_arrays(levels)  # type: ignore[arg-type]
        return self._shares[key](c)  # type: ignore[return-value]

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


# --------------------------------------------------------------------------- key weights


@dataclass(frozen=True)
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
        vector: list[int] | None = [r.count(key.column) for r in inputs.regions]
    except AllocationError:
        vector = None
    return _weights([vector], [False], len(inputs.regions))


def _rural_vector(inputs: core.Inputs, weights: tuple[Fraction, ...]) -> list[int] | None:
    """W per recipient (the rural key) as integers with the same ratios, or None if the core refuses them."""
    if not inputs.rural_key:
        return None
    by_code = {k.lan_code: k for k in inputs.rural_key}
    try:
        exact = [
            weighted_rural_population(by_code[r.lan_code], weights, inputs.reference_weights)  # type: ignore[arg-type]
            for r in inputs.regions
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


# --------------------------------------------------------------------------- spaces and line plans


@dataclass(frozen=True)
class _Space:
    """The rows a line is computed for: every combination of its varied parameters (a table), or
    the scenarios themselves.

    A table's row ``r`` takes level ``(r // stride) % size`` of each key, and scenario ``i`` reads
    row ``Σ level_of(key, i)·stride``; neither is stored.
    """

    keys: tuple[str, ...]
    sizes: tuple[int, ...]
    size: int
    table: bool
    strides: tuple[int, ...] = ()

    def codes(self, sset: ScenarioSet, rows: slice) -> dict[str, np.ndarray]:
        """Each key's level for ``rows`` of this space."""
        if not self.table:
            return {k: sset.codes_at(k, rows.start, rows.stop) for k in self.keys}
        r = np.arange(rows.start, rows.stop, dtype=np.int64)
        return {k: (r // st) % sz for k, st, sz in zip(self.keys, self.strides, self.sizes, strict=True)}

    def index(self, sset: ScenarioSet, rows: slice) -> np.ndarray:
        """The table row of each scenario of ``rows``."""
        index = np.zeros(rows.stop - rows.start, dtype=np.int64)
        for key, stride in zip(self.keys, self.strides, strict=True):
            index += sset.codes_at(key, rows.start, rows.stop) * stride
        return index


def _space(sset: ScenarioSet, keys: Iterable[str], row_bytes: int, budget: list[int]) -> _Space:
    """A table when the line's varied keys have fewer combinations than there are scenarios and the
    table fits what is left of ``budget`` (bytes; the table's cost is taken from it); else per scenario."""
    wanted = set(keys)
    varied = tuple(k for k in sset.keys if k in wanted)
    sizes = tuple(len(sset.levels[k]) for k in varied)
    combos = math.prod(sizes)
    if combos < sset.size and combos * row_bytes <= budget[0]:
        budget[0] -= combos * row_bytes
        return _Space(varied, sizes, combos, True, _strides(sizes))
    return _Space(varied, sizes, sset.size, False)


@dataclass
class _Line:
    """One budget line and how the engine computes it."""

    line: core.Line
    space: _Space
    keys: dict[str, _Weights]  # per part name
    split: tuple[core.Part, ...]  # the share parts, then the rest part; () without share parts
    split_order: np.ndarray
    columns: list[tuple[str, str | None]]  # output columns of this line: (name, part name or None)
    # Tables over the space's rows (only for a table space).
    mask: np.ndarray | None = None
    bound: np.ndarray | None = None
    tables: dict[str, np.ndarray] = field(default_factory=dict)


def _plan_line(
    line: core.Line,
    rules: core.Rules,
    inputs: core.Inputs,
    prm: _Params,
    column_keys: Mapping[str, _Weights],
    rural_cache: dict[tuple[Fraction, ...], list[int] | None],
    budget: list[int],
) -> _Line:
    sset = prm.sset
    used = {line.total, *(k for k in (line.base,) if k)}
    for part in line.parts:
        used |= {k for k in (part.amount, part.share) if k}
        used |= set(rules.keys[part.key].weights) if rules.keys[part.key].kind == "landsbygd" else set()
    columns = [(c.name, c.ref[1] if c.kind == "part" else None)
               for c in rules.columns if c.kind in ("line", "part") and c.ref[0] == line.name]
    space = _space(sset, used, len(columns) * len(inputs.regions) * 8 + 9, budget)
    keys: dict[str, _Weights] = {}
    for part in line.parts:
        key = rules.keys[part.key]
        keys[part.name] = column_keys[key.name] if key.kind == "column" else _rural_plan(
            inputs, prm, key, space, rural_cache)
    shares = tuple(p for p in line.parts if p.share)
    split: tuple[core.Part, ...] = ()
    if shares:
        split = (*shares, next(p for p in line.parts if p.is_rest))
    names = [p.name for p in split]
    ranks = {name: i for i, name in enumerate(sorted(names))}
    order = np.array([len(names) - 1 - ranks[name] for name in names], dtype=np.int64)
    return _Line(line, space, keys, split, order, columns)


def _too_many_vectors(count: int) -> InputError:
    return InputError(Problem("sweep", f"the rural weights take {_spaced(count)} different combinations in this "
                                       f"sweep; at most {_spaced(MAX_WEIGHT_VECTORS)} (each is computed exactly, "
                                       "one at a time): vary fewer weight values"))


def _rural_plan(
    inputs: core.Inputs,
    prm: _Params,
    key: core.Key,
    space: _Space,
    cache: dict[tuple[Fraction, ...], list[int] | None],
) -> _Weights:
    """Integer rural weights for every distinct weight vector the line's rows use (bound 7)."""
    sset = prm.sset
    varied = [k for k in key.weights if k in space.keys]
    sizes = [len(sset.levels[k]) for k in varied]
    index, radix = None, ()
    if not varied:
        levels: list[dict[str, int]] = [{}]
    elif space.table or sset.is_grid:  # every combination of the weight keys' levels occurs
        count = math.prod(sizes)
        if count > MAX_WEIGHT_VECTORS:
            raise _too_many_vectors(count)
        strides = _strides(sizes)
        levels = [{k: (u // st) % sz for k, st, sz in zip(varied, strides, sizes, strict=True)}
                  for u in range(count)]
        radix = tuple(zip(varied, strides, strict=True))
    else:  # a file's scenarios: the combinations that occur
        uniq, index = _unique_rows([sset.codes_at(k, 0, sset.size) for k in varied], sizes)
        if len(uniq) > MAX_WEIGHT_VECTORS:
            raise _too_many_vectors(len(uniq))
        levels = [{k: int(uniq[u, j]) for j, k in enumerate(varied)} for u in range(len(uniq))]
    vectors: list[list[int] | None] = []
    no_weights: list[bool] = []
    for level in levels:
        weights = tuple(Fraction(prm.value(k, level.get(k))) for k in key.weights)
        if weights not in cache:
            cache[weights] = _rural_vector(inputs, weights)
        vectors.append(cache[weights])
        no_weights.append(not any(weights))
    many = len(levels) > 1
    return _weights(vectors, no_weights, len(inputs.regions), index if many else None, radix if many else ())



# --------------------------------------------------------------------------- largest remainders


def _largest_remainders(
    total: np.ndarray, weights: np.ndarray, weight_sum: np.ndarray | int, order: np.ndarray, composite: bool
) -> np.ndarray:
    """Apportion ``total[s]`` by ``weights`` (n,) or (S, n) for every row s (``core.rounding``).

    Preconditions (bounds 3–5): ``total·w`` fits int64; ``composite`` only when the rank key
    fits. ``order[i]`` is n − 1 − the rank of item i's key (smaller key: larger).
    """
    n = order.shape[0]
    ws = weight_sum[:, None] if isinstance(weight_sum, np.ndarray) else weight_sum
    prod = total[:, None] * weights
    floor = prod // ws
    rem = prod - floor * ws
    left = total - floor.sum(axis=1)
    if not left.any():
        return floor
    if n == 2:  # one krona at most: to the larger remainder, then the larger share, then the smaller key
        w = np.broadcast_to(weights, rem.shape)
        first = (rem[:, 0] > rem[:, 1]) | ((rem[:, 0] == rem[:, 1]) & (
            (w[:, 0] > w[:, 1]) | ((w[:, 0] == w[:, 1]) & (order[0] > order[1]))))
        given = left > 0
        floor[:, 0] += given & first
        floor[:, 1] += given & ~first
        return floor
    if composite:
        # key = (r·(W+1) + w)·n + c: remainder first, then share (w), then the key.
        key = rem * ((ws + 1) * n) + (weights * n + order)
        ranked = np.sort(key, axis=1)
        pos = (n - np.maximum(left, 1))[:, None]
        threshold = np.take_along_axis(ranked, pos, axis=1)
        bonus = (key >= threshold) & (left > 0)[:, None]
    else:
        shape = rem.shape
        idx = np.lexsort((np.broadcast_to(order, shape), np.broadcast_to(weights, shape), rem), axis=1)
        rank = np.empty_like(idx)
        np.put_along_axis(rank, idx, np.broadcast_to(np.arange(n), shape), axis=1)
        bonus = rank >= (n - left)[:, None]
    return floor + bonus


def _apportion(
    total: np.ndarray, weights: np.ndarray, weight_sum: np.ndarray | int, order: np.ndarray, composite: bool
) -> np.ndarray:
    """``_largest_remainders``, computed once per distinct total when the weights are the same for
    every row (the result depends on the total alone); rows often repeat totals."""
    if weights.ndim == 1 and len(total) > 64:
        distinct, inverse = np.unique(total, return_inverse=True)
        if 2 * len(distinct) <= len(total):
            return _largest_remainders(distinct, weights, weight_sum, order, composite)[inverse.reshape(-1)]
    return _largest_remainders(total, weights, weight_sum, order, composite)


# --------------------------------------------------------------------------- one line, many rows


def _compute_line(
    plan: _Line, prm: _Params, codes: Mapping[str, np.ndarray], rows: slice, order: np.ndarray,
    out: Mapping[str, np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Compute ``plan``'s line for ``rows`` of its space (``codes``: each key's levels) into ``out``
    (column → (m, n) array); with ``out=None`` only check the bounds (nothing is apportioned).

    Returns the rows left to the core (mask) and each row's line total (0 for those): the bound
    of every amount of the line (bound 6).
    """
    line = plan.line
    n = order.shape[0]
    m = rows.stop - rows.start
    total, big = prm.amount(line.total, codes, m)
    mask = big.copy()
    base = None
    remaining = total.copy()
    if line.base:
        base, big = prm.amount(line.base, codes, m)
        bad = big | (base > total // n)  # bound 2: the core refuses n·base > total
        mask |= bad
        base = np.where(bad, 0, base)
        remaining -= n * base
    amounts: dict[str, np.ndarray] = {}
    for part in line.parts:
        if part.amount:
            value, big = prm.amount(part.amount, codes, m)
            bad = big | (value > remaining)  # the core refuses carved parts above what is left
            mask |= bad
            amounts[part.name] = value = np.where(bad, 0, value)
            remaining -= value
    if plan.split:  # bound 3
        shares = [prm.share(p.share, codes, m) for p in plan.split[:-1]]  # type: ignore[arg-type]
        denominator = np.ones(m, dtype=np.int64)
        for _, q, big in shares:
            mask |= big
            step = denominator // np.gcd(denominator, q)
            bad = step > CAP // q
            mask |= bad
            denominator = np.where(bad, 1, step * np.where(bad, 1, q))
        numerators = []
        used = np.zeros(m, dtype=np.int64)
        for p, q, _ in shares:
            num = p * (denominator // q)
            bad = num > denominator - used  # the shares add up to more than 1: the core refuses
            mask |= bad
            num = np.where(bad, 0, num)
            used += num
            numerators.append(num)
        numerators.append(denominator - used)
        mask |= remaining > INT64_MAX // denominator
    weights = {}
    for part in line.parts:
        w, ws, limit, zero, no_weights, refused = weights[part.name] = plan.keys[part.name].rows(rows, codes)
        bound = amounts[part.name] if part.amount else remaining
        positive = bound > 0
        if not part.amount:  # Parameters.validate: no rural weights for a positive line total
            positive = positive | (no_weights & (total > 0))
        mask |= refused | (bound > limit) | (zero & positive)  # bound 4; all weights zero
    if out is None:
        return mask, np.where(mask, 0, total)
    if mask.any():  # zero every total the engine must not touch, so no masked row can overflow
        remaining = np.where(mask, 0, remaining)
        amounts = {k: np.where(mask, 0, v) for k, v in amounts.items()}
        if base is not None:
            base = np.where(mask, 0, base)
    if plan.split:
        largest = int(denominator.max())
        composite = (largest * largest + largest) * len(plan.split) <= 2**63
        split = _largest_remainders(remaining, np.stack(numerators, axis=1), denominator, plan.split_order,
                                    composite)
        for j, part in enumerate(plan.split):
            amounts[part.name] = split[:, j]
    else:
        amounts[next(p.name for p in line.parts if p.is_rest)] = remaining
    parts = {}
    for part in line.parts:
        w, ws = weights[part.name][:2]
        parts[part.name] = _apportion(amounts[part.name], w, ws, order, plan.keys[part.name].composite)
    for name, part_name in plan.columns:
        dest = out[name]
        if part_name is not None:
            dest[...] = parts[part_name]
            continue
        first, *others = line.parts
        if base is not None:
            np.add(parts[first.name], base[:, None], out=dest)
        else:
            dest[...] = parts[first.name]
        for p in others:
            np.add(dest, parts[p.name], out=dest)
    return mask, np.where(mask, 0, total)


# --------------------------------------------------------------------------- results


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


@dataclass(frozen=True)
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

    ``lan_codes`` and ``regions`` (names) are the recipients in the order of the inputs;
    ``scenarios`` says what varied; ``rules`` is the agreement's (its amount columns, in order,
    are the keys of ``amounts``). Arrays are int64, or object (Python ints) in a column where
    some amount exceeds int64. ``core_scenarios`` counts the scenarios the exact core computed.
    ``base`` is the scenario every sweep scenario starts from, when known.
    """

    scenarios: ScenarioSet
    lan_codes: tuple[str, ...]
    regions: tuple[str, ...]
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
        """The name of the recipients' code column (``lan_code``)."""
        return next((c.name for c in self.rules.columns if c.kind == "code"), "lan_code")

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns of ``to_frame``: scenario, the varied keys, code, region, amount columns."""
        return ("scenario", *self.scenarios.keys, self.code_column, "region", *self.rules.amount_columns)

    def row(self, scenario: int, lan_code: str) -> dict[str, int]:
        """The amounts of one recipient in one scenario (0-based position in the sweep), as plain ints."""
        i = self.lan_codes.index(lan_code)
        return {c: int(self.amounts[c][scenario - self.offset, i]) for c in self.rules.amount_columns}

    def cells(self) -> list[Cells]:
        """Every output column, row by row (scenario-major, recipients in input order).

        Text columns (the file's scenario ids, shares and weights as exact fractions such as
        ``1/4``, the code and the region) are codes into categories; the code types depend on the
        whole sweep's sizes only, so every chunk of a sweep has the same column types.
        """
        sset = self.scenarios
        n, m, a = len(self.lan_codes), self.count, self.offset
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
        out.append(Cells(self.code_column, np.tile(np.arange(n, dtype=_code_dtype(n)), m), list(self.lan_codes)))
        names = list(dict.fromkeys(self.regions))
        name_codes = np.array([names.index(r) for r in self.regions], dtype=_code_dtype(len(names)))
        out.append(Cells("region", np.tile(name_codes, m), names))
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
                data[col.name] = pd.Categorical.from_codes(col.values, categories=col.categories)
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
    spec = rules.column(name)
    if spec.kind == "sum":
        return [ln for ref in spec.ref for ln in _lines_of(rules, ref)]
    return [spec.ref[0]]


# --------------------------------------------------------------------------- the sweep


@dataclass(frozen=True)
class Survey:
    """What ``Engine.survey`` found: how many scenarios go to the exact core, and the first ones."""

    core_scenarios: int
    first: tuple[int, ...]


class Engine:
    """A sweep ready to run: the agreement's lines planned for ``sset`` on ``inputs``.

    ``chunks`` yields the result chunk by chunk (a ``SweepResult`` with an ``offset``), in
    scenario order; ``survey`` counts, without computing them, the scenarios that go to the exact
    core; ``probe`` computes a few of those with the core and says how long each took.
    """

    def __init__(self, inputs: core.Inputs, params: core.Parameters, sset: ScenarioSet):
        rules = params.rules
        unknown = [k for k in sset.keys if k not in rules.parameters]
        if unknown:
            raise InputError([Problem("sweep", "not a parameter of this agreement", column=k) for k in unknown])
        # A set built in code is checked as a file is (the engine relies on valid values). A range
        # is valid when its first and last values are (every value lies between them).
        invalid = []
        for k in sset.keys:
            levels = sset.levels[k]
            shown = (levels[0], levels.last) if isinstance(levels, ValueRange) else levels
            invalid += [(k, p) for v in shown if (p := _level_problem(k, v, rules.parameters[k])) is not None]
        if invalid:
            raise InputError([Problem("sweep", p, column=k) for k, p in invalid])
        self.inputs, self.params, self.sset, self.rules = inputs, params, sset, rules
        regions = inputs.regions
        self.n = n = len(regions)
        self.lan_codes = tuple(r.lan_code for r in regions)
        self.regions = tuple(r.region for r in regions)
        ranks = {c: i for i, c in enumerate(sorted(self.lan_codes))}
        self.order = np.array([n - 1 - ranks[c] for c in self.lan_codes], dtype=np.int64)
        self.prm = prm = _Params(params, sset)
        column_keys = {k.name: _column_weights(inputs, k) for k in rules.keys_of_kind("column")}
        rural_cache: dict[tuple[Fraction, ...], list[int] | None] = {}
        budget = [TABLE_BYTES]
        self.plans = [_plan_line(line, rules, inputs, prm, column_keys, rural_cache, budget) for line in rules.lines]

        # Lines computed once per combination: their tables (the space's rows, in batches).
        for plan in self.plans:
            space = plan.space
            if not space.table:
                continue
            plan.mask = np.zeros(space.size, dtype=bool)
            plan.bound = np.zeros(space.size, dtype=np.int64)
            plan.tables = {name: np.empty((space.size, n), dtype=np.int64) for name, _ in plan.columns}
            for start in range(0, space.size, CHUNK):
                rows = slice(start, min(start + CHUNK, space.size))
                out = {name: t[rows] for name, t in plan.tables.items()}
                plan.mask[rows], plan.bound[rows] = _compute_line(
                    plan, prm, space.codes(sset, rows), rows, self.order, out)

        # Sum columns: checked once from the largest totals, or per scenario (bound 6).
        self.sums = _sum_order(rules)
        largest = {ln.name: prm.largest_amount(ln.total) for ln in rules.lines}
        self.checked = [s for s in self.sums if sum(largest[ln] for ln in _lines_of(rules, s.name)) > INT64_MAX]
        self._core_rows: dict[int, tuple[dict[str, Any], ...]] = {}

    @property
    def size(self) -> int:
        """The number of scenarios."""
        return self.sset.size

    def _fast(self, rows: slice, out: Mapping[str, np.ndarray] | None) -> np.ndarray:
        """The scenarios ``rows`` on the integer path, into ``out`` (column → (m, n) array), or only
        checked (``out=None``); returns the mask of the scenarios that must go to the core."""
        sset = self.sset
        core_mask = np.zeros(rows.stop - rows.start, dtype=bool)
        bounds: dict[str, np.ndarray] = {}
        for plan in self.plans:
            space = plan.space
            if not space.table:
                dest = None if out is None else {name: out[name] for name, _ in plan.columns}
                mask, bound = _compute_line(plan, self.prm, space.codes(sset, rows), rows, self.order, dest)
            else:
                index = space.index(sset, rows)
                if out is not None:
                    for name, table in plan.tables.items():
                        np.take(table, index, axis=0, out=out[name], mode="clip")
                mask = plan.mask[index]  # type: ignore[index]
                bound = plan.bound[index] if self.checked else None  # type: ignore[index]
            core_mask |= mask
            if self.checked:
                bounds[plan.line.name] = bound  # type: ignore[assignment]
        if out is not None:
            for spec in self.sums:
                dest = out[spec.name]
                first, *others = spec.ref
                dest[...] = out[first]
                for ref in others:
                    np.add(dest, out[ref], out=dest)
        for spec in self.checked:
            acc = np.zeros(rows.stop - rows.start, dtype=np.int64)
            for ln in _lines_of(self.rules, spec.name):
                bad = bounds[ln] > INT64_MAX - acc
                core_mask |= bad
                acc = np.where(bad, 0, acc + np.where(bad, 0, bounds[ln]))
        return core_mask

    def survey(self, first: int = 8) -> Survey:
        """Count the scenarios that go to the exact core (checks only: nothing is apportioned)."""
        if not self.checked and all(p.space.table and not p.mask.any() for p in self.plans):  # type: ignore[union-attr]
            return Survey(0, ())
        count, found = 0, []
        for start in range(0, self.size, CHUNK):
            mask = self._fast(slice(start, min(start + CHUNK, self.size)), None)
            k = int(np.count_nonzero(mask))
            if k:
                count += k
                if len(found) < first:
                    found.extend(int(i) + start for i in np.flatnonzero(mask)[: first - len(found)])
        return Survey(count, tuple(found))

    def core_rows(self, i: int) -> tuple[dict[str, Any], ...]:
        """Scenario ``i`` by the exact core (``ScenarioError`` when the core refuses it)."""
        if i in self._core_rows:
            return self._core_rows.pop(i)
        values = self.sset.values(i)
        try:
            result = core.allocate(self.inputs, self.params.with_values(values))
        except AllocationError as exc:
            raise ScenarioError(self.sset.label(i), values, exc) from exc
        return result.rows

    def probe(self, scenarios: Iterable[int], budget: float = 0.5) -> float | None:
        """Compute ``scenarios`` with the core (kept for ``chunks``) until ``budget`` seconds have
        passed; the seconds per scenario, or None when there were none."""
        done, t0 = 0, time.perf_counter()
        for i in scenarios:
            if i not in self._core_rows:
                self._core_rows[i] = self.core_rows(i)
            done += 1
            if time.perf_counter() - t0 > budget:
                break
        return (time.perf_counter() - t0) / done if done else None

    def chunks(
        self, size: int | None = None, progress: Callable[[int], None] | None = None,
        into: dict[str, np.ndarray] | None = None, *, start: int = 0, stop: int | None = None,
    ) -> Iterator[SweepResult]:
        """The scenarios ``start`` … ``stop − 1`` (default: all) in order, ``size`` at a time
        (default: all at once).

        ``progress(1)`` is called for each scenario the core computes (the slow ones); ``into``
        (column → (S, n) array) receives the amounts in place (``compute``).
        Raises ``ScenarioError`` for the first scenario the core refuses.
        """
        total = self.size if stop is None else min(stop, self.size)
        size = max(1, size or total - start)
        columns = self.rules.amount_columns
        for a in range(start, total, size):
            b = min(a + size, total)
            if into is not None:
                amounts = {c: into[c][a:b] for c in columns}
            else:
                amounts = {c: np.empty((b - a, self.n), dtype=np.int64) for c in columns}
            to_core: list[np.ndarray] = []
            for batch in range(a, b, CHUNK):
                rows = slice(batch, min(batch + CHUNK, b))
                out = {c: amounts[c][rows.start - a:rows.stop - a] for c in columns}
                mask = self._fast(rows, out)
                if mask.any():
                    to_core.append(np.flatnonzero(mask) + batch)
            which = np.concatenate(to_core) if to_core else ()
            for i in (int(s) for s in which):
                for j, row in enumerate(self.core_rows(i)):
                    for col in columns:
                        value = row[col]
                        if value > INT64_MAX and amounts[col].dtype != object:
                            if into is not None:
                                into[col] = into[col].astype(object)
                                amounts[col] = into[col][a:b]
                            else:
                                amounts[col] = amounts[col].astype(object)
                        amounts[col][i - a, j] = value
                if progress is not None:
                    progress(1)
            yield SweepResult(scenarios=self.sset, lan_codes=self.lan_codes, regions=self.regions,
                              amounts=amounts, rules=self.rules, core_scenarios=len(which), offset=a)


def collect(engine: Engine, progress: Callable[[int], None] | None = None) -> SweepResult:
    """Every scenario of ``engine``, in memory (column → (S, n) arrays); ``progress(k)`` as they are done."""
    into = {c: np.empty((engine.size, engine.n), dtype=np.int64) for c in engine.rules.amount_columns}
    core_scenarios = 0
    for chunk in engine.chunks(16 * CHUNK if progress is not None else None, progress, into):
        core_scenarios += chunk.core_scenarios
        if progress is not None:
            progress(chunk.count - chunk.core_scenarios)
    return SweepResult(scenarios=engine.sset, lan_codes=engine.lan_codes, regions=engine.regions, amounts=into,
                       rules=engine.rules, core_scenarios=core_scenarios)


def compute(
    inputs: core.Inputs,
    params: core.Parameters,
    sset: ScenarioSet,
    progress: Callable[[int], None] | None = None,
) -> SweepResult:
    """Allocate every scenario of ``sset`` (``params`` with the scenario's values) on ``inputs``, in memory.

    The agreement is ``params.rules``; every varied key must be one of its parameters.
    Raises ``ScenarioError`` (an ``AllocationError``) for the first scenario the core refuses.
    """
    return collect(Engine(inputs, params, sset), progress)
