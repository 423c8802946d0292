"""godnaravard: the allocation rules of state grants (God och nära vård and its sister agreements), exact to the krona.

Public API:

- ``allocate(scenario=None, overrides=None)``: every budget line allocated; ``.to_frame()``
- ``compare(a, b)``: two scenarios per recipient and column, a pandas DataFrame
- ``scenario_from(base=AGREEMENT, parameters={...}, name=...)``: a scenario built in code
- ``load_scenario(ref)``, ``Scenario``: scenario files, and each agreement as signed
- ``load_agreement(ref)``, ``shipped_agreements()``: agreements as data (``docs/agreements.md``)
- ``core``: the pure rules (no I/O), for building inputs in code
"""

from __future__ import annotations

from typing import Any

from .api import Allocation, allocate
from .core import AllocationError, Parameters
from .errors import InputError
from .scenario import Scenario, load_scenario, scenario_from

__version__ = "0.3.1"


def __getattr__(name: str) -> Any:
    """``compare`` is imported on first use, keeping ``import godnaravard`` (and the CLI) light."""
    if name == "compare":
        from .comparison import compare

        return compare
    raise AttributeError(f"module 'godnaravard' has no attribute {name!r}")


__all__ = [
    "Allocation",
    "AllocationError",
    "InputError",
    "Parameters",
    "Scenario",
    "__version__",
    "allocate",
    "compare",
    "load_scenario",
    "scenario_from",
]
