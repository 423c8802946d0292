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
When the varied ones among them have at most as many combinations as there are scenarios, the
line is computed once per combination (a table, usually a few rows) and each scenario's rows are
gathered from it; otherwise it is computed per scenario, in chunks. Both give the same numbers:
the table row of a combination is what any scenario with that combination computes.

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
their messages are the core's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import core
from ..core import AllocationError
from ..core.landsbygd import weighted_rural_population
from ..errors import InputError, Problem
from .scenarios import ScenarioSet, Value, _level_problem

if TYPE_CHECKING:
    import pandas as pd

    from ..scenario import Scenario

__all__ = ["CAP", "CHUNK", "INT64_MAX", "ScenarioError", "SweepResult", "compute"]

INT64_MAX = 2**63 - 1
#: Amount parameters above this are not taken into int64 (bound 1 of the module docstring).
CAP = 2**62
#: Rows computed per numpy batch (bounds memory; the progress bar advances per batch).
CHUNK = 8192


class ScenarioError(AllocationError):
    """One scenario of a sweep cannot be allocated; the message names it and the core's reason."""

    def __init__(self, label: str, values: Mapping[str, Value], cause: AllocationError):
        self.label = label
        self.values = dict(values)
        self.cause = cause
        shown = ", ".join(f"{k}={v}" for k, v in values.items())
        super().__init__(f"scenario {label} ({shown}): {cause}")


# --------------------------------------------------------------------------- parameters per row


class _Params:
    """The parameters of the rows being computed: varied ones from their levels, the rest fixed."""

    def __init__(self, params: core.Parameters, sset: ScenarioSet):
        self.params = params
        self.sset = sset
        self._amounts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._shares: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def _levels(self, key: str) -> list[Value]:
        return list(self.sset.levels[key]) if key in self.sset.codes else [self.params[key]]

    def amount(self, key: str, codes: Mapping[str, np.ndarray], m: int) -> tuple[np.ndarray, np.ndarray]:
        """Values (0 where above CAP) and the above-CAP mask of an amount parameter (bound 1)."""
        values, big = self._amount_levels(key)
        return _take(values, big, codes.get(key), m)

    def _amount_levels(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        if key not in self._amounts:
            levels = self._levels(key)
            try:
                values = np.array(levels, dtype=np.int64)
                big = values > CAP
            except OverflowError:  # some value is beyond int64
                big = np.array([v > CAP for v in levels], dtype=bool)
                values = np.array([0 if b else v for v, b in zip(levels, big, strict=True)], dtype=np.int64)
            values[big] = 0
            self._amounts[key] = (values, big)
        return self._amounts[key]

    def share(self, key: str, codes: Mapping[str, np.ndarray], m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Numerators, denominators (1 where above CAP) and the above-CAP mask of a share (bound 3)."""
        if key not in self._shares:
            levels = [Fraction(v) for v in self._levels(key)]
            big = np.array([f.denominator > CAP for f in levels], dtype=bool)
            p = np.array([0 if b else f.numerator for f, b in zip(levels, big, strict=True)], dtype=np.int64)
            q = np.array([1 if b else f.denominator for f, b in zip(levels, big, strict=True)], dtype=np.int64)
            self._shares[key] = (p, q, big)
        p, q, big = self._shares[key]
        c = codes.get(key)
        if c is None:
            return np.full(m, p[0]), np.full(m, q[0]), np.full(m, big[0])
        return p[c], q[c], big[c]

    def value(self, key: str, level: int | None) -> Value:
        """One parameter's value: level ``level`` of a varied key, else the base value."""
        return self.sset.levels[key][level] if level is not None else self.params[key]

    def largest_amount(self, key: str) -> int:
        """The largest value of an amount parameter the engine may use (≤ CAP)."""
        values, big = self._amount_levels(key)
        return CAP if big.any() else int(values.max())


def _take(values: np.ndarray, big: np.ndarray, codes: np.ndarray | None, m: int) -> tuple[np.ndarray, np.ndarray]:
    if codes is None:
        return np.full(m, values[0]), np.full(m, big[0])
    return values[codes], big[codes]


# --------------------------------------------------------------------------- key weights


@dataclass(frozen=True)
class _Weights:
    """A key's integer weights per distinct weight vector (U of them), with their bounds (bound 7)."""

    weights: np.ndarray  # (U, n) int64
    weight_sum: np.ndarray  # (U,) int64, ≥ 1 (1 where the true sum is 0)
    limit: np.ndarray  # (U,) int64: the largest total t with t·max(w) ≤ 2**63 − 1
    zero: np.ndarray  # (U,) bool: every weight is 0
    no_weights: np.ndarray  # (U,) bool: every weight parameter of a rural key is 0
    core: np.ndarray  # (U,) bool: only the core can use these weights (it refuses them, or int64 cannot)
    composite: bool  # the rank key fits int64 for every vector (bound 5)
    index: np.ndarray | None  # each row's vector (rows of the line's space); None: vector 0 for all

    def rows(self, rows: slice) -> tuple[Any, ...]:
        """``(w, W, limit, zero, no_weights, core)`` of ``rows``: (n,) and scalars, or (m, n) and (m,)."""
        if self.index is None:
            return (self.weights[0], int(self.weight_sum[0]), int(self.limit[0]),
                    bool(self.zero[0]), bool(self.no_weights[0]), bool(self.core[0]))
        u = self.index[rows]
        return (self.weights[u], self.weight_sum[u], self.limit[u],
                self.zero[u], self.no_weights[u], self.core[u])


def _weights(vectors: list[list[int] | None], no_weights: list[bool], index: np.ndarray | None, n: int) -> _Weights:
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
    return _Weights(rows, sums, limit, zero, np.array(no_weights, dtype=bool), refused, composite, index)


def _column_weights(inputs: core.Inputs, key: core.Key) -> _Weights:
    """The counts of a data column as weights; refused (the core decides) when a recipient lacks them."""
    try:
        vector: list[int] | None = [r.count(key.column) for r in inputs.regions]
    except AllocationError:
        vector = None
    return _weights([vector], [False], None, len(inputs.regions))


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


# --------------------------------------------------------------------------- spaces and line plans


@dataclass(frozen=True)
class _Space:
    """The rows a line is computed for: distinct combinations of its varied parameters, or scenarios.

    ``codes[key]`` is each row's level of ``key``; ``index`` each scenario's row, or None when row
    ``i`` is scenario ``i`` (then the line is computed straight into the output, chunk by chunk).
    """

    keys: tuple[str, ...]
    size: int
    codes: Mapping[str, np.ndarray]
    index: np.ndarray | None


def _space(sset: ScenarioSet, keys: Iterable[str]) -> _Space:
    wanted = set(keys)
    varied = tuple(k for k in sset.keys if k in wanted)
    sizes = [len(sset.levels[k]) for k in varied]
    combos = math.prod(sizes)
    if combos > sset.size:
        return _Space(varied, sset.size, {k: sset.codes[k] for k in varied}, None)
    index = np.zeros(sset.size, dtype=np.int64)
    rows = np.arange(combos, dtype=np.int64)
    codes: dict[str, np.ndarray] = {}
    stride = combos
    for key, size in zip(varied, sizes, strict=True):
        stride //= size
        codes[key] = (rows // stride) % size
        index += sset.codes[key] * stride
    if combos == sset.size and np.array_equal(index, rows):
        return _Space(varied, combos, codes, None)
    return _Space(varied, combos, codes, index)


@dataclass
class _Line:
    """One budget line and how the engine computes it."""

    line: core.Line
    space: _Space
    keys: dict[str, _Weights]  # per part name
    split: tuple[core.Part, ...]  # the share parts, then the rest part; () without share parts
    split_order: np.ndarray
    columns: list[tuple[str, str | None]]  # output columns of this line: (name, part name or None)
    # Tables over the space's rows (only when ``space.index`` is not None).
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
) -> _Line:
    sset = prm.sset
    used = {line.total, *(k for k in (line.base,) if k)}
    for part in line.parts:
        used |= {k for k in (part.amount, part.share) if k}
        used |= set(rules.keys[part.key].weights) if rules.keys[part.key].kind == "landsbygd" else set()
    space = _space(sset, used)
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
    columns = [(c.name, c.ref[1] if c.kind == "part" else None)
               for c in rules.columns if c.kind in ("line", "part") and c.ref[0] == line.name]
    return _Line(line, space, keys, split, order, columns)


def _rural_plan(
    inputs: core.Inputs,
    prm: _Params,
    key: core.Key,
    space: _Space,
    cache: dict[tuple[Fraction, ...], list[int] | None],
) -> _Weights:
    """Integer rural weights for every distinct weight vector the line's rows use (bound 7)."""
    varied = [k for k in key.weights if k in space.codes]
    if varied:
        uniq, index = _unique_rows([space.codes[k] for k in varied], [len(prm.sset.levels[k]) for k in varied])
    else:
        uniq, index = np.zeros((1, 0), dtype=np.int64), None
    vectors: list[list[int] | None] = []
    no_weights: list[bool] = []
    for u in range(len(uniq)):
        level = {k: int(uniq[u, j]) for j, k in enumerate(varied)}
        weights = tuple(Fraction(prm.value(k, level.get(k))) for k in key.weights)
        if weights not in cache:
            cache[weights] = _rural_vector(inputs, weights)
        vectors.append(cache[weights])
        no_weights.append(not any(weights))
    return _weights(vectors, no_weights, index if len(uniq) > 1 else None, len(inputs.regions))


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
    out: Mapping[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Compute ``plan``'s line for ``rows`` of its space into ``out`` (column → (m, n) array).

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
        w, ws, limit, zero, no_weights, refused = weights[part.name] = plan.keys[part.name].rows(rows)
        bound = amounts[part.name] if part.amount else remaining
        positive = bound > 0
        if not part.amount:  # Parameters.validate: no rural weights for a positive line total
            positive = positive | (no_weights & (total > 0))
        mask |= refused | (bound > limit) | (zero & positive)  # bound 4; all weights zero
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


# --------------------------------------------------------------------------- the sweep


def _code_dtype(count: int) -> type[np.signedinteger[Any]]:
    """The smallest signed integer type for category codes 0 … count − 1 (what pandas keeps)."""
    for dtype in (np.int8, np.int16, np.int32):
        if count <= np.iinfo(dtype).max:
            return dtype
    return np.int64


@dataclass
class SweepResult:
    """The amounts of a sweep: per amount column, an (S, n) array (scenario × recipient, in kronor).

    ``lan_codes`` and ``regions`` (names) are the recipients in the order of the inputs;
    ``scenarios`` says what varied; ``rules`` is the agreement's (its amount columns, in order,
    are the keys of ``amounts``). Arrays are int64, or object (Python ints) in a column where
    some amount exceeds int64. ``base`` is the scenario every sweep scenario starts from, when known.
    """

    scenarios: ScenarioSet
    lan_codes: tuple[str, ...]
    regions: tuple[str, ...]
    amounts: dict[str, np.ndarray]
    rules: core.Rules
    core_scenarios: int = 0
    base: Scenario | None = None

    @property
    def code_column(self) -> str:
        """The name of the recipients' code column (``lan_code``)."""
        return next((c.name for c in self.rules.columns if c.kind == "code"), "lan_code")

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns of ``to_frame``: scenario, the varied keys, code, region, amount columns."""
        return ("scenario", *self.scenarios.keys, self.code_column, "region", *self.rules.amount_columns)

    def row(self, scenario: int, lan_code: str) -> dict[str, int]:
        """The amounts of one recipient in one scenario (0-based position), as plain ints."""
        i = self.lan_codes.index(lan_code)
        return {c: int(self.amounts[c][scenario, i]) for c in self.rules.amount_columns}

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario and recipient: ``scenario``, the varied values, code, region, amounts.

        Amount parameters are int64 kronor; shares and weights are exact strings (``"1/4"``).
        The code, the region name, the share and weight columns and file ids are categoricals
        (compact, and ``frame.lan_code == "01"`` works as for strings).
        """
        import pandas as pd

        sset = self.scenarios
        n = len(self.lan_codes)
        data: dict[str, Any] = {}
        if sset.labels is not None:
            ids = np.repeat(np.arange(sset.size, dtype=_code_dtype(sset.size)), n)
            data["scenario"] = pd.Categorical.from_codes(ids, categories=list(sset.labels))
        else:
            data["scenario"] = np.repeat(np.arange(1, sset.size + 1, dtype=np.int64), n)
        for key in sset.keys:
            lv = sset.levels[key]
            if self.rules.parameters[key] == "amount":
                levels = np.array(lv, dtype=np.int64 if max(lv) <= INT64_MAX else object)
                data[key] = np.repeat(levels[sset.codes[key]], n)
            else:  # shares and weights: exact strings such as "1/4", one category per value
                codes = np.repeat(sset.codes[key].astype(_code_dtype(len(lv))), n)
                data[key] = pd.Categorical.from_codes(codes, categories=[str(v) for v in lv])
        recipient = np.tile(np.arange(n, dtype=_code_dtype(n)), sset.size)
        data[self.code_column] = pd.Categorical.from_codes(recipient, categories=list(self.lan_codes))
        names = list(dict.fromkeys(self.regions))
        name_codes = np.array([names.index(r) for r in self.regions], dtype=_code_dtype(len(names)))
        data["region"] = pd.Categorical.from_codes(np.tile(name_codes, sset.size), categories=names)
        for col in self.rules.amount_columns:
            data[col] = self.amounts[col].reshape(-1)
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


def compute(
    inputs: core.Inputs,
    params: core.Parameters,
    sset: ScenarioSet,
    progress: Callable[[int], None] | None = None,
) -> SweepResult:
    """Allocate every scenario of ``sset`` (``params`` with the scenario's values) on ``inputs``.

    The agreement is ``params.rules``; every varied key must be one of its parameters.
    Raises ``ScenarioError`` (an ``AllocationError``) for the first scenario the core refuses.
    """
    rules = params.rules
    unknown = [k for k in sset.keys if k not in rules.parameters]
    if unknown:
        raise InputError([Problem("sweep", "not a parameter of this agreement", column=k) for k in unknown])
    # A set built in code is checked as a file is (the engine relies on valid values).
    invalid = [(k, p) for k in sset.keys for v in sset.levels[k]
               if (p := _level_problem(k, v, rules.parameters[k])) is not None]
    if invalid:
        raise InputError([Problem("sweep", p, column=k) for k, p in invalid])
    regions = inputs.regions
    n = len(regions)
    codes = tuple(r.lan_code for r in regions)
    ranks = {c: i for i, c in enumerate(sorted(codes))}
    order = np.array([n - 1 - ranks[c] for c in codes], dtype=np.int64)
    prm = _Params(params, sset)
    column_keys = {k.name: _column_weights(inputs, k) for k in rules.keys_of_kind("column")}
    rural_cache: dict[tuple[Fraction, ...], list[int] | None] = {}
    plans = [_plan_line(line, rules, inputs, prm, column_keys, rural_cache) for line in rules.lines]

    # Lines computed once per combination: their tables (the space's rows, in chunks).
    for plan in plans:
        space = plan.space
        if space.index is None:
            continue
        plan.mask = np.zeros(space.size, dtype=bool)
        plan.bound = np.zeros(space.size, dtype=np.int64)
        plan.tables = {name: np.empty((space.size, n), dtype=np.int64) for name, _ in plan.columns}
        for start in range(0, space.size, CHUNK):
            rows = slice(start, min(start + CHUNK, space.size))
            row_codes = {k: c[rows] for k, c in space.codes.items()}
            out = {name: t[rows] for name, t in plan.tables.items()}
            plan.mask[rows], plan.bound[rows] = _compute_line(plan, prm, row_codes, rows, order, out)

    # Sum columns: checked once from the largest totals, or per scenario (bound 6).
    sums = _sum_order(rules)
    largest = {ln.name: prm.largest_amount(ln.total) for ln in rules.lines}
    checked = [s for s in sums if sum(largest[ln] for ln in _lines_of(rules, s.name)) > INT64_MAX]
    need_bounds = bool(checked)

    total_s = sset.size
    amounts = {c: np.empty((total_s, n), dtype=np.int64) for c in rules.amount_columns}
    to_core: list[np.ndarray] = []
    for start in range(0, total_s, CHUNK):
        rows = slice(start, min(start + CHUNK, total_s))
        core_mask = np.zeros(rows.stop - rows.start, dtype=bool)
        bounds: dict[str, np.ndarray] = {}
        for plan in plans:
            out = {name: amounts[name][rows] for name, _ in plan.columns}
            space = plan.space
            if space.index is None:
                row_codes = {k: c[rows] for k, c in space.codes.items()}
                mask, bound = _compute_line(plan, prm, row_codes, rows, order, out)
            else:
                index = space.index[rows]
                for name, table in plan.tables.items():
                    np.take(table, index, axis=0, out=out[name], mode="clip")
                mask = plan.mask[index]  # type: ignore[index]
                bound = plan.bound[index] if need_bounds else None  # type: ignore[index]
            core_mask |= mask
            if need_bounds:
                bounds[plan.line.name] = bound  # type: ignore[assignment]
        for spec in sums:
            dest = amounts[spec.name][rows]
            first, *others = spec.ref
            dest[...] = amounts[first][rows]
            for ref in others:
                np.add(dest, amounts[ref][rows], out=dest)
            if spec in checked:
                acc = np.zeros(rows.stop - rows.start, dtype=np.int64)
                for ln in _lines_of(rules, spec.name):
                    bad = bounds[ln] > INT64_MAX - acc
                    core_mask |= bad
                    acc = np.where(bad, 0, acc + np.where(bad, 0, bounds[ln]))
        to_core.append(np.flatnonzero(core_mask) + start)
        if progress is not None:
            progress(rows.stop - rows.start - int(core_mask.sum()))
    fallback = np.concatenate(to_core) if to_core else np.zeros(0, dtype=np.int64)
    _core_rows(inputs, params, sset, fallback, amounts, progress)
    return SweepResult(scenarios=sset, lan_codes=codes, regions=tuple(r.region for r in regions), amounts=amounts,
                       rules=rules, core_scenarios=len(fallback))


def _core_rows(
    inputs: core.Inputs, params: core.Parameters, sset: ScenarioSet, which: np.ndarray,
    amounts: dict[str, np.ndarray], progress: Callable[[int], None] | None = None,
) -> None:
    """Allocate the scenarios ``which`` with the exact Python core (refusals raise ``ScenarioError``)."""
    columns = params.rules.amount_columns
    for i in (int(s) for s in which):
        if progress is not None:
            progress(1)
        values = sset.values(i)
        try:
            result = core.allocate(inputs, params.with_values(values))
        except AllocationError as exc:
            raise ScenarioError(sset.label(i), values, exc) from exc
        for j, row in enumerate(result.rows):
            for col in columns:
                value = row[col]
                if value > INT64_MAX and amounts[col].dtype != object:  # type: ignore[operator]
                    amounts[col] = amounts[col].astype(object)
                amounts[col][i, j] = value
