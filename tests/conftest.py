"""Shared fixtures: the shipped inputs and parameters, and the official tables as reference data."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from godnaravard import core
from godnaravard.inputs import load_inputs
from godnaravard.reference import official_cells
from godnaravard.scenario import baseline

# Hypothesis profiles: "dev" (default: 60 cases per invariant, so that plain pytest takes about a
# minute), "ci" (selected by .ci/run: 10 000 cases per invariant of the core). Select with
# GODNARAVARD_HYPOTHESIS_PROFILE.
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("GODNARAVARD_HYPOTHESIS_PROFILE", "dev"))

#: The thorough run (.ci/run sets the "ci" profile) also runs the tests marked ``slow``: hostile
#: inputs at scale, LibreOffice recalculations of many workbooks. Plain pytest skips them, to stay
#: at about a minute; ``GODNARAVARD_SLOW=1`` runs them anywhere.
THOROUGH = os.environ.get("GODNARAVARD_HYPOTHESIS_PROFILE") == "ci" or os.environ.get("GODNARAVARD_SLOW") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if THOROUGH:
        return
    skip = pytest.mark.skip(reason="slow: run by .ci/run, or with GODNARAVARD_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def inputs() -> core.Inputs:
    """The default agreement's own data: population, HSL insatser and the rural key."""
    return load_inputs()


@pytest.fixture(scope="session")
def params() -> core.Parameters:
    """The default agreement's own parameters, from its definition."""
    return baseline().parameters


@pytest.fixture(scope="session")
def result(inputs: core.Inputs, params: core.Parameters) -> core.Result:
    """The default agreement as signed: the allocation of God och nära vård 2024."""
    return core.allocate(inputs, params)


@pytest.fixture(scope="session")
def official() -> dict[tuple[str, str], int]:
    """The default agreement's official amount cells by (column, län code).

    105 for the 2024 agreement: bilaga 2 (21), bilaga 3 Nära vård, Ambulans and Totalt (63),
    bilaga 4 (21).
    """
    from godnaravard.agreements import load_agreement

    return {(c.column, c.code): c.amount for c in official_cells(load_agreement())}
