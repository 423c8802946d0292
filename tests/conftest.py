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

    return {(c.column, c.lan_code): c.amount for c in official_cells(load_agreement())}
