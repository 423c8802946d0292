"""The sweep engine: every budget line of an agreement for many scenarios at once, in int64 numpy.

The engine translates the plan of each budget line (``core.plans``, issue 17 §3: the one plan the
core evaluates exactly and the workbook writes as formulas), for arrays of scenarios instead of one:

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
8. A rounding unit ``u`` (``round_to``, issue 17 §2): a part's total ``t`` (a multiple of ``u``,
   else the row goes to the core, which refuses it) is apportioned as ``t // u`` units and the
   result multiplied by ``u``. ``t // u ≤ t``, so bounds 3–5, checked on ``t``, hold for it; each
   amount in units is at most ``t // u``, so ``u`` times it is at most ``t`` ≤ CAP. The split
   divides ``remaining // u`` likewise (``u``: the split unit of the line's plan, ``core.plan``).

A scenario that fails any check, or a condition of a line's plan that the core refuses (base
amounts × recipients above the total, carved parts above what is left, shares above 1, amounts not
in whole rounding units, rural weights all zero for a positive amount; each condition translated in
``lines._refused``), or whose key weights cannot carry its amount (all zero for a positive total, a
rural key without the categories its weights need), is computed, or refused, by the core itself,
so errors and their messages are the core's. ``Engine.survey`` runs the checks alone (no apportioning: a
fraction of the cost) to count those scenarios before any is computed, so the caller can say how
many leave the fast path and how long the core will take for them.

The engine is split by step: ``bounds`` (the limits above and ``ScenarioError``), ``params``
(parameters per row), ``weights`` (a key's integer weights), ``lines`` (a line's plan and its
vectorised largest remainders) and ``results`` (``Cells``, ``SweepResult``); this module plans the
spaces and runs the batches (``Engine``, ``compute``, ``collect``).
"""


from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from .. import core
from ..core import AllocationError
from ..errors import InputError, Problem
from ..frozen import frozen
from .bounds import CAP, CHUNK, INT64_MAX, MAX_WEIGHT_VECTORS, TABLE_BYTES, ScenarioError
from .lines import _compute_line, _Line, _plan_line
from .params import _Params
from .results import Cells, SweepResult, _lines_of, _sum_order
from .scenarios import ScenarioSet, ValueRange, _level_problem
from .weights import _column_weights

__all__ = [
    "CAP", "CHUNK", "INT64_MAX", "MAX_WEIGHT_VECTORS", "TABLE_BYTES", "Cells", "Engine", "ScenarioError",
    "SweepResult", "Survey", "collect", "compute",
]


# --------------------------------------------------------------------------- the sweep


@frozen
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
        recipients = inputs.recipients
        self.n = n = len(recipients)
        self.codes = tuple(r.code for r in recipients)
        self.names = tuple(r.name for r in recipients)
        ranks = {c: i for i, c in enumerate(sorted(self.codes))}
        self.order = np.array([n - 1 - ranks[c] for c in self.codes], dtype=np.int64)
        self.prm = prm = _Params(params, sset)
        column_keys = {k.name: _column_weights(inputs, k) for k in rules.keys_of_kind("column")}
        rural_cache: dict[tuple[Fraction, ...], list[int] | None] = {}
        budget = [TABLE_BYTES]
        self.plans = [_plan_line(steps, rules, inputs, prm, column_keys, rural_cache, budget)
                      for steps in core.plans(rules)]

        # Lines computed once per combination: their tables (the space's rows, in batches).
        for plan in self.plans:
            space = plan.space
            if not space.table:
                continue
            plan.mask = np.zeros(space.size, dtype=bool)
            plan.bound = np.zeros(space.size, dtype=np.int64)
            plan.tables = {name: np.empty((space.size, n), dtype=np.int64) for name, *_ in plan.columns}
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
        core_mask = np.zeros(rows.stop - rows.start, dtype=bool)
        bounds: dict[str, np.ndarray] = {}
        for plan in self.plans:
            mask, bound = self._line_rows(plan, rows, out)
            core_mask |= mask
            if self.checked and bound is not None:
                bounds[plan.steps.name] = bound
        if out is not None:
            for spec in self.sums:
                total = out[spec.name]
                first, *others = spec.ref
                total[...] = out[first]
                for ref in others:
                    np.add(total, out[ref], out=total)
        for spec in self.checked:
            acc = np.zeros(rows.stop - rows.start, dtype=np.int64)
            for ln in _lines_of(self.rules, spec.name):
                bad = bounds[ln] > INT64_MAX - acc
                core_mask |= bad
                acc = np.where(bad, 0, acc + np.where(bad, 0, bounds[ln]))
        return core_mask

    def _line_rows(
        self, plan: _Line, rows: slice, out: Mapping[str, np.ndarray] | None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """One line for the scenarios ``rows``: computed, or gathered from its table (a table space).

        Returns the mask of the rows that must go to the core and each row's line total (the bound
        of bound 6; from a table only when the sum columns are checked).
        """
        space = plan.space
        if not space.table or plan.mask is None or plan.bound is None:
            dest = None if out is None else {name: out[name] for name, *_ in plan.columns}
            return _compute_line(plan, self.prm, space.codes(self.sset, rows), rows, self.order, dest)
        index = space.index(self.sset, rows)
        if out is not None:
            for name, table in plan.tables.items():
                np.take(table, index, axis=0, out=out[name], mode="clip")
        return plan.mask[index], (plan.bound[index] if self.checked else None)

    def survey(self, first: int = 8) -> Survey:
        """Count the scenarios that go to the exact core (checks only: nothing is apportioned)."""
        if not self.checked and all(p.space.table and p.mask is not None and not p.mask.any() for p in self.plans):
            return Survey(0, ())
        count = 0
        found: list[int] = []
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
            yield SweepResult(scenarios=self.sset, codes=self.codes, names=self.names,
                              amounts=amounts, rules=self.rules, core_scenarios=len(which), offset=a)


def collect(engine: Engine, progress: Callable[[int], None] | None = None) -> SweepResult:
    """Every scenario of ``engine``, in memory (column → (S, n) arrays); ``progress(k)`` as they are done."""
    into = {c: np.empty((engine.size, engine.n), dtype=np.int64) for c in engine.rules.amount_columns}
    core_scenarios = 0
    for chunk in engine.chunks(16 * CHUNK if progress is not None else None, progress, into):
        core_scenarios += chunk.core_scenarios
        if progress is not None:
            progress(chunk.count - chunk.core_scenarios)
    return SweepResult(scenarios=engine.sset, codes=engine.codes, names=engine.names, amounts=into,
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
