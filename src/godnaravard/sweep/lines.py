"""One budget line for many rows at once: the line's plan and its vectorised largest remainders.

``_plan_line`` decides what a line depends on (its varied parameters, its parts and keys, its
space of combinations); ``_compute_line`` translates the core's plan of the line (``core.plan``,
issue 17 §3: base, carved-out amounts, the share split, each part by its key in its unit, and the
conditions that refuse a line) for a batch of rows, and ``_apportion`` is the integer form of
``core.rounding``'s largest remainders. Rows that fail a bound or a condition of the plan are
masked and computed, or refused, by the exact core. The bounds cited as (bound N) are the
overflow bounds proved in the docstring of ``sweep.engine``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from .. import core
from ..errors import InputError, Problem
from ..frozen import frozen
from .bounds import CAP, INT64_MAX, MAX_WEIGHT_VECTORS
from .params import _Params
from .scenarios import ScenarioSet, _spaced
from .weights import _rural_vector, _strides, _unique_rows, _Weights, _weights


@frozen
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
    """One budget line and how the engine computes it: the core's plan of the line (``core.plan``)
    translated into arrays."""

    steps: core.LinePlan
    space: _Space
    keys: dict[str, _Weights]  # per part name
    split_order: np.ndarray  # the split's parts (``steps.split``) ranked by name, as the core breaks ties
    columns: list[tuple[str, tuple[str, ...], bool]]  # output columns of this line: name, its parts, with the base
    # Tables over the space's rows (only for a table space).
    mask: np.ndarray | None = None
    bound: np.ndarray | None = None
    tables: dict[str, np.ndarray] = field(default_factory=dict)


def _plan_line(
    steps: core.LinePlan,
    rules: core.Rules,
    inputs: core.Inputs,
    prm: _Params,
    column_keys: Mapping[str, _Weights],
    rural_cache: dict[tuple[Fraction, ...], list[int] | None],
    budget: list[int],
) -> _Line:
    """How the engine computes the line of ``steps``: its space of rows, each part's integer weights."""
    sset = prm.sset
    used = {*steps.amounts, *steps.share_keys}
    for part in steps.parts:
        used |= set(rules.keys[part.key].weights) if rules.keys[part.key].kind == "landsbygd" else set()
    columns = _columns_of(rules, steps.name)
    space = _space(sset, used, len(columns) * len(inputs.recipients) * 8 + 9, budget)
    keys: dict[str, _Weights] = {}
    for part in steps.parts:
        key = rules.keys[part.key]
        keys[part.name] = column_keys[key.name] if key.kind == "column" else _rural_plan(
            inputs, prm, key, space, rural_cache)
    names = [p.name for p in steps.split]
    ranks = {name: i for i, name in enumerate(sorted(names))}
    order = np.array([len(names) - 1 - ranks[name] for name in names], dtype=np.int64)
    return _Line(steps, space, keys, order, columns)


def _columns_of(rules: core.Rules, line: str) -> list[tuple[str, tuple[str, ...], bool]]:
    """The output columns that are this line or one of its parts (``core.resolve``: a column whose
    only leaf is itself), each with the parts it adds and whether it adds the line's base."""
    out = []
    for c in rules.columns:
        behind = core.resolve(rules, c)
        if behind.leaves == (c,) and behind.lines == (line,):
            out.append((c.name, tuple(part for _, part in behind.parts), bool(behind.bases)))
    return out


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
    index: np.ndarray | None = None
    radix: tuple[tuple[str, int], ...] = ()
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
            cache[weights] = _rural_vector(inputs, dict(zip(key.categories, weights, strict=True)))
        vectors.append(cache[weights])
        no_weights.append(not any(weights))
    many = len(levels) > 1
    return _weights(vectors, no_weights, len(inputs.recipients), index if many else None, radix if many else ())





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




def _amounts(
    steps: core.LinePlan, prm: _Params, codes: Mapping[str, np.ndarray], m: int,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every amount parameter of the line (total, base, carved amounts) for ``m`` rows, 0 where above
    CAP, and the mask of those rows (bound 1)."""
    mask = np.zeros(m, dtype=bool)
    values = {}
    for key in steps.amounts:
        if key not in values:
            values[key], big = prm.amount(key, codes, m)
            mask |= big
    return values, mask


def _exceeds(values: list[np.ndarray], limit: np.ndarray) -> np.ndarray:
    """Per row: ``Σ values > limit`` for values ≥ 0, without forming a sum that could overflow."""
    left = limit.copy()
    bad = np.zeros(len(limit), dtype=bool)
    for v in values:
        over = v > left
        bad |= over
        left -= np.where(over, 0, v)
    return bad


def _refused(
    condition: core.Condition, steps: core.LinePlan, values: Mapping[str, np.ndarray], n: int,
    rest: np.ndarray, remaining: np.ndarray, no_weights: Mapping[str, Any],
) -> np.ndarray | bool:
    """The rows that fail one condition of the line's plan (``core.plan``), as the core would refuse
    them: each kind translated into array operations that cannot overflow (``rest`` and
    ``remaining`` are computed with every refused amount counted as 0)."""
    k = condition.keys
    if condition.kind == "whole_units":  # bound 8
        return values[k[0]] % condition.unit != 0
    if condition.kind == "carved_within_total":
        return values[k[0]] > values[k[1]]
    if condition.kind == "carved_sum_within_total":
        return _exceeds([values[key] for key in k], values[steps.total])
    if condition.kind == "rural_weights":
        return no_weights[condition.part] & (values[k[0]] > 0)
    if condition.kind == "base_within_total":  # bound 2
        return values[steps.base] > values[steps.total] // n
    if condition.kind == "carved_within_rest":
        return _exceeds([values[key] for key in k], rest)
    if condition.kind == "remaining_in_units":  # bound 8: what the split divides is in whole units
        return remaining % condition.unit != 0
    return False  # shares_within_one: in ``_share_split``, over the split's common denominator (bound 3)


def _compute_line(
    plan: _Line, prm: _Params, codes: Mapping[str, np.ndarray], rows: slice, order: np.ndarray,
    out: Mapping[str, np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Compute ``plan``'s line for ``rows`` of its space (``codes``: each key's levels) into ``out``
    (column → (m, n) array); with ``out=None`` only check the bounds (nothing is apportioned).

    The steps are the line's plan (``core.plan``): base, carved parts, the split, each part by its
    key in its unit; a row that fails one of the plan's conditions is left to the core, which
    refuses it with the condition's message. Returns the rows left to the core (mask) and each
    row's line total (0 for those): the bound of every amount of the line (bound 6).
    """
    steps = plan.steps
    n = order.shape[0]
    m = rows.stop - rows.start
    values, mask = _amounts(steps, prm, codes, m)
    total = values[steps.total]
    base = None
    rest = total
    if steps.base:  # n · base off the top, counted as 0 where it exceeds the total (bound 2)
        base = values[steps.base]
        rest = total - n * np.where(base > total // n, 0, base)
    remaining = rest.copy()
    amounts: dict[str, np.ndarray] = {}
    for part in steps.carved:  # each carved amount, counted as 0 where it exceeds what is left
        value = values[part.amount]
        amounts[part.name] = value = np.where(value > remaining, 0, value)
        remaining -= value
    weights = {part.name: plan.keys[part.name].rows(rows, codes) for part in steps.parts}
    no_weights = {name: w[4] for name, w in weights.items()}
    for condition in steps.conditions:
        mask |= _refused(condition, steps, values, n, rest, remaining, no_weights)
    if steps.split:  # bound 3
        denominator, numerators = _share_split(plan, prm, codes, m, mask)
        mask |= remaining > INT64_MAX // denominator
    for part in steps.parts:
        w, ws, limit, zero, _, refused = weights[part.name]
        bound = amounts[part.name] if part.kind == "carved" else remaining
        mask |= refused | (bound > limit) | (zero & (bound > 0))  # bound 4; all weights zero
    if out is None:
        return mask, np.where(mask, 0, total)
    if mask.any():  # zero every total the engine must not touch, so no masked row can overflow
        remaining = np.where(mask, 0, remaining)
        amounts = {k: np.where(mask, 0, v) for k, v in amounts.items()}
        if base is not None:
            base = np.where(mask, 0, base)
    if steps.split:
        largest = int(denominator.max())
        composite = (largest * largest + largest) * len(steps.split) <= 2**63
        unit = steps.split_unit
        split = _largest_remainders(remaining // unit, np.stack(numerators, axis=1), denominator, plan.split_order,
                                    composite)
        for j, part in enumerate(steps.split):
            amounts[part.name] = split[:, j] * unit if unit > 1 else split[:, j]
    else:
        amounts[steps.rest.name] = remaining
    parts = {}
    for part in steps.parts:
        w, ws = weights[part.name][:2]
        unit = part.unit
        counted = amounts[part.name] // unit if unit > 1 else amounts[part.name]
        shared = _apportion(counted, w, ws, order, plan.keys[part.name].composite)
        parts[part.name] = shared * unit if unit > 1 else shared
    _write_columns(plan, parts, base, out)
    return mask, np.where(mask, 0, total)


def _share_split(
    plan: _Line, prm: _Params, codes: Mapping[str, np.ndarray], m: int, mask: np.ndarray,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The share split of ``plan``'s line (avsnitt 12: a share of the line by one key, the rest by
    another) as integers over a common denominator ``Q`` per row: ``(Q, [P_i …, Q − Σ P_i])``.

    Rows whose shares are above CAP, whose ``Q`` would exceed CAP or whose shares add up to more
    than 1 (the plan's condition ``shares_within_one``) are marked in ``mask`` (in place) and left
    to the core (bound 3).
    """
    shares = [prm.share(p.share, codes, m) for p in plan.steps.shares]
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
    return denominator, numerators


def _write_columns(
    plan: _Line, parts: Mapping[str, np.ndarray], base: np.ndarray | None, out: Mapping[str, np.ndarray],
) -> None:
    """Write the line's output columns: each part column, and the line column as base + Σ parts."""
    for name, part_names, with_base in plan.columns:
        dest = out[name]
        first, *others = part_names
        if with_base and base is not None:
            np.add(parts[first], base[:, None], out=dest)
        else:
            dest[...] = parts[first]
        for p in others:
            np.add(dest, parts[p], out=dest)

