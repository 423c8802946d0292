"""The sweep's limits: the int64 bounds, batch and table sizes, and ``ScenarioError``.

The bounds cited as (bound N) are the overflow bounds proved in the docstring of
``sweep.engine``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..core import AllocationError
from .scenarios import Value

INT64_MAX = 2**63 - 1
#: Amount parameters above this are not taken into int64 (bound 1).
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

