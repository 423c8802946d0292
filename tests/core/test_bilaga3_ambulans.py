"""Bilaga 3 Ambulans: base amount per region, the rest by population (avsnitt 12)."""

from __future__ import annotations

import pytest

from godnaravard.core import AllocationError, Parameters
from godnaravard.core.bilaga3_ambulans import ambulans

from .helpers import make_inputs


def test_every_region_gets_the_base_amount_plus_its_population_share(params: Parameters) -> None:
    inputs = make_inputs([100, 300])
    p = params.with_values({"ambulans.total": 1_400, "ambulans.grundbelopp": 200})
    col = ambulans(inputs, p)
    assert col.amounts == {"01": 200 + 250, "02": 200 + 750}


def test_base_amount_times_regions_above_total_is_refused(params: Parameters) -> None:
    inputs = make_inputs([1] * 21)
    p = params.with_values({"ambulans.grundbelopp": 3_000_000})
    message = "3000000 kr × 21 regions = 63000000 kr is more than ambulans.total 46000000 kr"
    with pytest.raises(AllocationError, match=message):
        ambulans(inputs, p)


def test_base_amount_exactly_the_total_leaves_nothing_to_share(params: Parameters) -> None:
    inputs = make_inputs([5, 7, 9])
    p = params.with_values({"ambulans.total": 300, "ambulans.grundbelopp": 100})
    assert ambulans(inputs, p).amounts == {"01": 100, "02": 100, "03": 100}
