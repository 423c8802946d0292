"""Sweeps (issues 7 and 10): every row equals the single-scenario path, bit for bit, ties and overflow
included, for every agreement: the shipped ones and agreements built in code."""

from __future__ import annotations

import csv
import io
import math
import os
import time
import tracemalloc
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _cli import invoke
from _cli import run as run_process
from hypothesis import given, settings
from hypothesis import strategies as st

import godnaravard
from godnaravard import core
from godnaravard.agreements import load_agreement
from godnaravard.api import load_agreement_inputs
from godnaravard.core import MissingCategoriesError
from godnaravard.errors import InputError
from godnaravard.lan import LAN
from godnaravard.resources import data_file
from godnaravard.scenario import baseline
from godnaravard.sweep import (
    Engine,
    OutputTooLarge,
    ParquetOverflow,
    ScenarioError,
    ScenarioSet,
    SlowSweepWarning,
    ValueRange,
    compute,
    grid,
    iter_frames,
    parse_spec,
    prepare,
    read_scenarios,
    run,
    scenarios_from_records,
    slow_path_notice,
    sweep,
    write_csv,
    write_frame,
    write_stream,
)
from godnaravard.sweep.weights import _weights
from tests.strategies import small_counts

GNV = load_agreement("2024")  # the default agreement, God och nära vård
SVF = load_agreement("svf-cancer-2025-2")
BASE = GNV.parameters
AMOUNT = GNV.rules.amount_columns
SVF_AMOUNT = SVF.rules.amount_columns


def make_inputs(
    populations: list[int], hsl: list[int] | None = None, rural: list[tuple[int, int, int]] | None = None
) -> core.Inputs:
    """Regions "01", "02", … with the given counts; rural categories known for every region."""
    hsl = hsl if hsl is not None else [max(1, p // 20) for p in populations]
    rural = rural if rural is not None else [(p // 10, p // 20, p // 50) for p in populations]
    codes = [f"{i + 1:02d}" for i in range(len(populations))]
    recipients = tuple(
        core.Recipient(code=c, name=f"Region {c}", lan=f"Län {c}", counts={"population": p, "hsl_insatser": h})
        for c, p, h in zip(codes, populations, hsl, strict=True)
    )
    key = tuple(
        core.RuralKey(c, {"tatortsnara": t, "gles": g, "mycket_gles": m})
        for c, (t, g, m) in zip(codes, rural, strict=True)
    )
    return core.Inputs(recipients=recipients, rural_key=key)


def product(levels: Mapping[str, Sequence[int | Fraction]], labels: tuple[str, ...] | None = None) -> ScenarioSet:
    """A grid of exact values without an agreement (for rules built in code); first key slowest."""
    keys = tuple(levels)
    sizes = [len(levels[k]) for k in keys]
    total = math.prod(sizes)
    index = np.arange(total, dtype=np.int64)
    codes, stride = {}, total
    for key, size in zip(keys, sizes, strict=True):
        stride //= size
        codes[key] = (index // stride) % size
    return ScenarioSet(keys=keys, levels={k: tuple(v) for k, v in levels.items()}, codes=codes, labels=labels)


def assert_matches_core(inputs: core.Inputs, params: core.Parameters, result) -> None:
    """Every cell of every scenario of ``result`` equals ``core.allocate`` of that scenario."""
    sset = result.scenarios
    columns = params.rules.amount_columns
    assert tuple(result.amounts) == columns
    for i in range(sset.size):
        expected = core.allocate(inputs, params.with_values(sset.values(i))).rows
        for j, row in enumerate(expected):
            got = {c: result.amounts[c][i, j] for c in columns}
            assert got == {c: row[c] for c in columns}, (sset.values(i), inputs.recipients[j].code)


def compute_or_refuse(inputs: core.Inputs, params: core.Parameters, sset: ScenarioSet):
    """``compute``, or None when the core refuses the very scenario the sweep names."""
    try:
        return compute(inputs, params, sset)
    except ScenarioError as exc:  # only when the core refuses the same scenario
        with pytest.raises(core.AllocationError):
            core.allocate(inputs, params.with_values(exc.values))
        return None


# --------------------------------------------------------------------------- ranges and grids


def test_range_includes_stop_only_on_a_whole_step() -> None:
    assert parse_spec("ambulans.grundbelopp", "0:9:3") == (0, 3, 6, 9)
    assert parse_spec("ambulans.grundbelopp", "0:10:3") == (0, 3, 6, 9)
    assert parse_spec("ambulans.grundbelopp", "7:7:5") == (7,)
    assert parse_spec("kommuner.andel_insatser", "0:1:1/4") == tuple(Fraction(k, 4) for k in range(5))
    # Decimal steps are exact: eleven values, the last exactly 1.
    tenths = parse_spec("kommuner.andel_insatser", "0:1:0.1")
    assert len(tenths) == 11 and tenths[-1] == 1 and tenths[3] == Fraction(3, 10)


def test_lists_single_values_and_python_iterables() -> None:
    quarters = tuple(Fraction(k, 4) for k in range(5))
    assert parse_spec("kommuner.andel_insatser", "0,1/4,50%,0.75,1") == quarters
    assert parse_spec("ambulans.grundbelopp", "1 000 000") == (1_000_000,)
    assert parse_spec("landsbygd.vikt.gles", [4, "9/2", Fraction(5)]) == (4, Fraction(9, 2), 5)
    assert parse_spec("svf.total", "0:10:5", agreement=SVF) == (0, 5, 10)


@pytest.mark.parametrize(
    ("key", "spec", "message"),
    [
        ("ambulans.grundbelopp", "5:1:1", "ends before it starts"),
        ("ambulans.grundbelopp", "0:10:0", "must be positive"),
        ("ambulans.grundbelopp", "0:10", "start:stop:step"),
        ("ambulans.grundbelopp", "0,-5", "cannot be negative"),
        ("kommuner.andel_insatser", "0,5", "between 0 and 1"),
        ("ambulans.grundbelop", "1", "did you mean ambulans.grundbelopp"),
        ("ambulans.grundbelopp", "0.5", "whole kronor"),
    ],
)
def test_bad_specs_name_the_key(key: str, spec: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_spec(key, spec)
    problem = info.value.problems[0]
    assert problem.file == "--vary" and problem.column == key and message in problem.message


def test_keys_are_the_agreements_own() -> None:
    # A key of one agreement is unknown in the other, and the message says which agreement.
    with pytest.raises(InputError) as info:
        parse_spec("ambulans.grundbelopp", "1", agreement=SVF)
    assert info.value.problems[0].column == "ambulans.grundbelopp" and SVF.name in info.value.problems[0].message
    with pytest.raises(InputError):
        grid({"svf.total": "1"})  # the default agreement has no svf.total
    with pytest.raises(InputError, match="not a parameter of this agreement"):
        compute(load_agreement_inputs(baseline(SVF)), SVF.parameters, grid({"ambulans.total": "1"}))


def test_scenario_sets_built_in_code_are_checked_as_files_are() -> None:
    inputs = load_agreement_inputs(baseline(GNV))
    for key, value, message in (("ambulans.grundbelopp", -1, "cannot be negative"),
                                ("ambulans.total", Fraction(1, 2), "whole kronor"),
                                ("kommuner.andel_insatser", Fraction(3, 2), "between 0 and 1"),
                                ("landsbygd.vikt.gles", Fraction(-1), "weight ≥ 0")):
        with pytest.raises(InputError) as info:
            compute(inputs, BASE, product({key: [value]}))
        assert info.value.problems[0].column == key and message in info.value.problems[0].message


def test_grid_is_every_combination_first_key_slowest() -> None:
    sset = grid({"ambulans.grundbelopp": "0,1,2", "kommuner.andel_insatser": "0,1"})
    assert sset.size == 6
    assert [tuple(sset.values(i).values()) for i in range(6)] == [
        (0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)
    ]


def test_grid_too_large_is_refused_before_any_work() -> None:
    with pytest.raises(InputError, match="at most"):
        grid({"ambulans.grundbelopp": "0:999999:1", "kommuner.total": "0:999999:1"})


# --------------------------------------------------------------------------- equal to the single path


def test_small_grid_equals_allocate_cell_for_cell() -> None:
    vary = {
        "ambulans.grundbelopp": "0:2000000:1000000",
        "kommuner.andel_insatser": "0,1/3,1",
        "regioner.landsbygd_total": "0,300000000",
        "regioner.nara_vard_total": "2420000000,2420000017",
    }
    frame = sweep(vary, overrides={"kommuner.total": 750_000_001})
    assert list(frame.columns) == ["scenario", *vary, "lan_code", "region", *AMOUNT]
    assert len(frame) == 3 * 3 * 2 * 2 * 21
    shown = ("lan_code", "region", *AMOUNT)
    for sid, rows in frame.groupby("scenario", sort=True):
        first = rows.iloc[0]
        overrides = {"kommuner.total": 750_000_001}
        overrides |= {k: str(first[k]) for k in vary}
        expected = godnaravard.allocate(overrides=overrides).to_records()
        got = rows[list(shown)].astype({"lan_code": str, "region": str}).to_dict("records")
        assert got == [{c: r[c] for c in shown} for r in expected], sid
    # Amounts are int64 kronor, parameter values exact.
    assert all(frame[c].dtype == np.int64 for c in AMOUNT)
    assert set(frame["kommuner.andel_insatser"].astype(str)) == {"0", "1/3", "1"}


def test_baseline_scenario_of_a_sweep_is_the_agreement_as_signed(result: core.Result) -> None:
    frame = sweep({"ambulans.grundbelopp": "400000:600000:100000"})
    rows = frame[frame["ambulans.grundbelopp"] == 500_000]
    assert rows[list(AMOUNT)].to_dict("records") == [{c: r[c] for c in AMOUNT} for r in result.rows]
    assert rows.region.astype(str).tolist() == [r["region"] for r in result.rows]


def test_remainder_tie_goes_to_the_larger_share_then_the_smaller_code() -> None:
    # Region "01" (weight 1) and "02" (weight 3) both have remainder 1/2 when 40 kr are shared by
    # population (W = 80); the other 19 regions get exactly 2 kr. The krona left goes to "02":
    # the larger share wins the tie although "01" has the smaller code.
    inputs = make_inputs([1, 3] + [4] * 19, hsl=[5] * 21, rural=[(1, 0, 0)] * 21)
    params = BASE.with_values({"ambulans.total": 40, "ambulans.grundbelopp": 0, "kommuner.total": 220,
                               "kommuner.andel_insatser": Fraction(1, 2), "regioner.landsbygd_total": 11,
                               "regioner.nara_vard_total": 11})
    sset = grid({"ambulans.total": "40,41", "kommuner.total": "220,221,230"})
    result = compute(inputs, params, sset)
    assert result.row(0, "02")["ambulans"] == 2 and result.row(0, "01")["ambulans"] == 0
    # Equal shares with equal remainders (HSL 5 each, 110 kr → 5 5/21 each): smaller codes first.
    kins = [result.row(0, f"{i:02d}")["kommuner_insatser"] for i in range(1, 22)]
    assert kins == [6] * 5 + [5] * 16
    assert_matches_core(inputs, params, result)


def test_ties_do_not_depend_on_row_order() -> None:
    inputs = make_inputs([7] * 21, hsl=[3] * 21, rural=[(1, 1, 1)] * 21)
    shuffled = core.Inputs(recipients=inputs.recipients[::-1], rural_key=inputs.rural_key[::-1])
    sset = grid({"kommuner.total": "0:50:1", "ambulans.total": "21:70:7", "ambulans.grundbelopp": "0,1"})
    params = BASE.with_values({"regioner.landsbygd_total": 10, "regioner.nara_vard_total": 30})
    a, b = compute(inputs, params, sset), compute(shuffled, params, sset)
    for col in AMOUNT:
        assert (a.amounts[col] == b.amounts[col][:, ::-1]).all()
    assert_matches_core(shuffled, params, b)


def test_kommuner_split_ties() -> None:
    # 1 kr split by 1/2: remainders and shares tie, so "befolkning" (the smaller key) gets it;
    # 2 kr by 1/4 or 3/4: remainders tie (1/2), the larger share gets the krona.
    sset = grid({"kommuner.total": "0:9:1", "kommuner.andel_insatser": "0,1/4,1/2,3/4,1"})
    inputs = make_inputs(list(range(1, 22)))
    result = compute(inputs, BASE, sset)
    assert_matches_core(inputs, BASE, result)
    split = {tuple(sset.values(i).values()): int(result.amounts["kommuner_insatser"][i].sum())
             for i in range(sset.size)}
    assert split[(1, Fraction(1, 2))] == 0
    assert split[(2, Fraction(1, 4))] == 0 and split[(2, Fraction(3, 4))] == 2


def test_scenarios_in_any_order_and_per_scenario_rows_match() -> None:
    # A file's scenarios: combinations in no particular order (each line's table is gathered by
    # an index), and scenarios with all values distinct (each line is computed per scenario).
    inputs = load_agreement_inputs(baseline(GNV))
    repeated = [{"kommuner.andel_insatser": f"{k % 5}/4", "ambulans.total": 46_000_000 + k % 3}
                for k in (7, 3, 11, 0, 5, 3)]
    distinct = [{"regioner.nara_vard_total": 2_000_000_000 + 7919 * k, "regioner.landsbygd_total": 104_729 * k,
                 "ambulans.grundbelopp": 1_000 * k, "kommuner.total": 10**9 + 31 * k,
                 "kommuner.andel_insatser": f"{k}/40"} for k in range(40)]
    for records in (repeated, distinct):
        sset = scenarios_from_records(records)
        result = compute(inputs, BASE, sset)
        assert result.core_scenarios == 0
        assert_matches_core(inputs, BASE, result)


@settings(max_examples=60, deadline=None)
@given(
    pops=small_counts,
    hsl=small_counts,
    rural=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)),
                   min_size=21, max_size=21),
    totals=st.lists(st.integers(0, 200), min_size=5, max_size=5),
    shares=st.lists(st.fractions(0, 1, max_denominator=12), min_size=1, max_size=3, unique=True),
    weights=st.lists(st.fractions(0, 9, max_denominator=6), min_size=1, max_size=3, unique=True),
    reverse=st.booleans(),
)
def test_random_small_data_equal_core(
    pops: list[int], hsl: list[int], rural: list[tuple[int, int, int]], totals: list[int],
    shares: list[Fraction], weights: list[Fraction], reverse: bool,
) -> None:
    """Small counts make equal remainders (ties) common; every cell must equal the core."""
    if sum(t + g + m for t, g, m in rural) == 0:
        rural[0] = (1, 0, 0)
    inputs = make_inputs(pops, hsl=hsl, rural=rural)
    if reverse:
        inputs = core.Inputs(recipients=inputs.recipients[::-1], rural_key=inputs.rural_key[::-1])
    n_total, l_total, a_total, base_amount, k_total = totals
    params = BASE.with_values({
        "regioner.nara_vard_total": n_total + l_total, "regioner.landsbygd_total": l_total,
        "ambulans.total": a_total + 21 * base_amount, "ambulans.grundbelopp": base_amount,
        "kommuner.total": k_total,
    })
    sset = grid({
        "kommuner.andel_insatser": list(shares),
        "landsbygd.vikt.gles": list(weights),
        "kommuner.total": [k_total, k_total + 1, k_total + 20],
        "regioner.landsbygd_total": [0, l_total],
    })
    result = compute_or_refuse(inputs, params, sset)
    if result is not None:
        assert result.core_scenarios == 0
        assert_matches_core(inputs, params, result)


# --------------------------------------------------------------------------- the second agreement


def test_svf_sweep_equals_allocate_cell_for_cell() -> None:
    frame = sweep({"svf.total": "182499990:182500010:7"}, agreement=SVF.name)
    assert list(frame.columns) == ["scenario", "svf.total", "lan_code", "region", *SVF_AMOUNT]
    n = len(load_agreement_inputs(baseline(SVF)).recipients)
    assert n == 18 and len(frame) == 3 * n
    shown = ("lan_code", "region", *SVF_AMOUNT)
    for total, rows in frame.groupby("svf.total", sort=True):
        expected = godnaravard.allocate(overrides={"svf.total": int(total)}, agreement=SVF.name).to_records()
        got = rows[list(shown)].astype({"lan_code": str, "region": str}).to_dict("records")
        assert got == [{c: r[c] for c in shown} for r in expected], total
        assert int(rows[SVF_AMOUNT[0]].sum()) == total
    # The agreement's own total gives the agreement as signed.
    as_signed = sweep({"svf.total": [SVF.parameters.amount("svf.total")]}, agreement=SVF)
    assert as_signed[list(SVF_AMOUNT)].to_dict("records") == [
        {c: r[c] for c in SVF_AMOUNT} for r in godnaravard.allocate(agreement=SVF).rows
    ]


def test_svf_scenarios_file_and_records(tmp_path: Path) -> None:
    path = tmp_path / "svf.csv"
    path.write_text("scenario;svf.total\nlow;1 000\nsigned;182 500 000\nhigh;1000000000000\n", encoding="utf-8")
    sset = read_scenarios(path, SVF)
    assert sset.labels == ("low", "signed", "high")
    frame = sweep(scenarios=path, agreement=SVF)
    assert list(frame.scenario.unique()) == ["low", "signed", "high"]
    assert frame.groupby("scenario", observed=True)["svf"].sum().to_dict() == {
        "low": 1000, "signed": 182_500_000, "high": 10**12}
    inputs = load_agreement_inputs(baseline(SVF))
    records = scenarios_from_records([{"svf.total": 17 * k + 3} for k in range(30)], agreement=SVF)
    assert_matches_core(inputs, SVF.parameters, compute(inputs, SVF.parameters, records))
    # A key of the other agreement is refused with the file, row and column.
    bad = tmp_path / "bad.csv"
    bad.write_text("kommuner.total\n1\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_scenarios(bad, SVF)
    assert (info.value.problems[0].row, info.value.problems[0].column) == (1, "kommuner.total")


def test_svf_huge_totals_fall_back_to_the_core() -> None:
    inputs = load_agreement_inputs(baseline(SVF))
    sset = grid({"svf.total": [182_500_000, 10**18, 2**70]}, agreement=SVF)
    result = compute(inputs, SVF.parameters, sset)
    assert result.core_scenarios == 2
    assert result.amounts["svf"].dtype == object and sum(result.amounts["svf"][2]) == 2**70
    assert_matches_core(inputs, SVF.parameters, result)


# --------------------------------------------------------------------------- agreements built in code

#: An agreement with every feature of the line rule: a base amount, a carved-out part shared by the
#: rural key, two share parts (names chosen so that the split's tie order is not the part order)
#: and a rest part, a second line whose share part uses the rural key, and nested sum columns.
RULES = core.Rules(
    parameters={"x.total": "amount", "x.base": "amount", "x.carved": "amount", "x.s1": "share",
                "x.s2": "share", "y.total": "amount", "y.share": "share",
                "w.t": "weight", "w.g": "weight", "w.m": "weight"},
    keys={"pop": core.Key("pop", "column", column="population"),
          "hsl": core.Key("hsl", "column", column="hsl_insatser"),
          "rural": core.Key("rural", "landsbygd", weights=("w.t", "w.g", "w.m"),
                            categories=("tatortsnara", "gles", "mycket_gles"))},
    lines=(
        core.Line("x", "x.total", base="x.base", parts=(
            core.Part("carved", "rural", amount="x.carved"), core.Part("s1", "hsl", share="x.s1"),
            core.Part("a2", "pop", share="x.s2"), core.Part("rest", "pop"))),
        core.Line("y", "y.total", parts=(core.Part("r", "rural", share="y.share"), core.Part("b", "hsl"))),
    ),
    columns=(
        core.ColumnSpec("lan_code", "code"), core.ColumnSpec("region", "text"),
        core.ColumnSpec("population", "count"),
        core.ColumnSpec("x_s1", "part", ("x", "s1")), core.ColumnSpec("x", "line", ("x",)),
        core.ColumnSpec("x_carved", "part", ("x", "carved")), core.ColumnSpec("x_a2", "part", ("x", "a2")),
        core.ColumnSpec("x_rest", "part", ("x", "rest")), core.ColumnSpec("y_r", "part", ("y", "r")),
        core.ColumnSpec("xy", "sum", ("x", "y_r")), core.ColumnSpec("all", "sum", ("xy", "x_a2")),
    ),
)
VALUES = {"x.total": 1000, "x.base": 5, "x.carved": 100, "x.s1": Fraction(1, 3), "x.s2": Fraction(1, 3),
          "y.total": 50, "y.share": Fraction(1, 2), "w.t": Fraction(1), "w.g": Fraction(4), "w.m": Fraction(6)}


def test_rules_built_in_code_equal_core() -> None:
    params = core.Parameters(VALUES, RULES)
    inputs = make_inputs([3, 1, 4, 1, 5, 9, 2], hsl=[2, 7, 1, 8, 2, 8, 1],
                         rural=[(1, 0, 0), (0, 1, 0), (0, 0, 1), (2, 1, 0), (0, 0, 0), (1, 1, 1), (3, 0, 2)])
    sset = product({"x.s1": [Fraction(0), Fraction(1, 3), Fraction(2, 7), Fraction(1, 2)],
                    "x.s2": [Fraction(1, 3), Fraction(1, 6), Fraction(4, 9)],
                    "x.total": [1000, 1001, 1007], "w.g": [Fraction(4), Fraction(0), Fraction(3, 2)],
                    "y.total": [0, 49]})
    result = compute(inputs, params, sset)
    assert result.core_scenarios == 0
    assert_matches_core(inputs, params, result)
    frame = result.to_frame()
    assert list(frame.columns) == ["scenario", *sset.keys, "lan_code", "region", *RULES.amount_columns]


def test_rules_built_in_code_refuse_what_the_core_refuses() -> None:
    params = core.Parameters(VALUES, RULES)
    inputs = make_inputs([3, 1, 4], hsl=[1, 1, 1], rural=[(1, 0, 0), (0, 1, 0), (0, 0, 1)])
    for levels, label, message in (
        ({"x.s1": [Fraction(1, 2), Fraction(3, 4)]}, "2", "add up to more than 1"),
        ({"x.base": [5, 400]}, "2", "more than x.total"),
        ({"x.carved": [100, 990]}, "2", "more than what x.total leaves"),
        ({"w.t": [Fraction(0)], "w.g": [Fraction(0)], "w.m": [Fraction(0), Fraction(1)]}, "1", "cannot be shared"),
    ):
        with pytest.raises(ScenarioError, match=message) as info:
            compute(inputs, params, product(levels))
        assert info.value.label == label


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(1, 5),
    totals=st.lists(st.integers(0, 60), min_size=3, max_size=3, unique=True),
    s1=st.lists(st.fractions(0, 1, max_denominator=8), min_size=1, max_size=3, unique=True),
    data=st.data(),
)
def test_random_rules_built_in_code_equal_core(size: int, totals: list[int], s1: list[Fraction],
                                               data: st.DataObject) -> None:
    """Tiny counts and totals, 1 to 5 recipients: ties in every part and in the split; all valid."""
    counts = st.lists(st.integers(0, 5), min_size=size, max_size=size).filter(lambda xs: sum(xs) > 0)
    pops, hsl = data.draw(counts), data.draw(counts)
    rural = data.draw(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 2)),
                               min_size=size, max_size=size).filter(lambda key: any(t for t, _, _ in key)))
    base = data.draw(st.integers(0, min(totals) // size))
    carved = data.draw(st.integers(0, min(totals) - size * base))
    room = 1 - max(s1)
    s2 = data.draw(st.lists(st.fractions(0, 1, max_denominator=6), min_size=1, max_size=2, unique=True))
    s2 = sorted({f * room for f in s2})
    weights = data.draw(st.lists(st.fractions(0, 4, max_denominator=3), min_size=1, max_size=2, unique=True))
    params = core.Parameters({**VALUES, "x.carved": 0, "x.base": 0, "x.s1": Fraction(0), "x.s2": Fraction(0)}, RULES)
    inputs = make_inputs(pops, hsl=hsl, rural=rural)
    sset = product({"x.total": totals[:2], "x.base": sorted({0, base}), "x.carved": sorted({0, carved}),
                    "x.s1": s1, "x.s2": s2, "w.m": weights, "y.total": totals[2:]})
    result = compute(inputs, params, sset)
    assert result.core_scenarios == 0
    assert_matches_core(inputs, params, result)


# --------------------------------------------------------------------------- overflow bounds


def test_huge_totals_fall_back_to_the_core_and_still_match(inputs: core.Inputs) -> None:
    # 10**18 kr × 2.4 million inhabitants does not fit int64: those scenarios go to the core.
    # 2**70 kr does not even fit as an amount: its columns become Python ints.
    sset = grid({"kommuner.total": [750_000_000, 10**18, 2**70],
                 "regioner.nara_vard_total": [2_420_000_000, 10**17]})
    result = compute(inputs, BASE, sset)
    assert result.core_scenarios == 5  # all but (750 000 000, 2 420 000 000)
    assert result.amounts["kommuner"].dtype == object
    assert sum(result.amounts["kommuner"][4]) == 2**70
    assert_matches_core(inputs, BASE, result)
    frame = result.to_frame()
    assert frame[frame.scenario == 5]["kommuner"].sum() == 2**70


def test_sum_columns_beyond_int64_go_to_the_core() -> None:
    # Two line totals of 2**62 each fit int64 on their own; their sum (a sum column) does not,
    # for the one recipient of this data.
    inputs = make_inputs([1], hsl=[1], rural=[(1, 0, 0)])
    params = BASE.with_values({"regioner.landsbygd_total": 0, "ambulans.grundbelopp": 0})
    sset = grid({"regioner.nara_vard_total": [21, 2**62], "ambulans.total": [21, 2**62]})
    result = compute(inputs, params, sset)
    assert result.core_scenarios == 1
    assert result.amounts["regioner_totalt"].dtype == object
    assert_matches_core(inputs, params, result)


def test_rank_key_beyond_int64_uses_lexsort_and_matches() -> None:
    # 21 regions of ~90 million: (W² + W)·n > 2**63, so ranking goes through np.lexsort.
    pops = [90_000_000 - 7 * i for i in range(20)] + [90_000_000]
    inputs = make_inputs(pops, hsl=[95_000_000] * 21)
    assert not _weights([pops], [False], 21).composite
    assert not _weights([[95_000_000] * 21], [False], 21).composite
    assert _weights([[10**6] * 21], [False], 21).composite
    sset = grid({"ambulans.total": "46000000:46000100:7", "kommuner.total": "0:101:5"})
    result = compute(inputs, BASE, sset)
    assert result.core_scenarios == 0
    assert_matches_core(inputs, BASE, result)


def test_share_denominators_beyond_int64_bounds() -> None:
    # A share with a denominator above 2**62 cannot enter int64; a large one that does may still
    # make total·Q too large: both go to the core, the others not.
    inputs = make_inputs(list(range(1, 22)))
    sset = grid({"kommuner.andel_insatser": ["1/2", f"1/{2**62 + 1}", f"1/{2**40 + 1}"],
                 "kommuner.total": [750_000_000, 10**6]})
    result = compute(inputs, BASE, sset)
    assert result.core_scenarios == 3  # 1/(2**62 + 1) twice, 1/(2**40 + 1) × 750 000 000
    assert_matches_core(inputs, BASE, result)


def test_rural_weights_with_large_denominators() -> None:
    inputs = make_inputs([100_000 + 13 * i for i in range(21)])
    sset = grid({
        "landsbygd.vikt.tatortsnara": ["1/999983", "1/2"],
        "landsbygd.vikt.gles": ["4/999979", "7/3"],
        "landsbygd.vikt.mycket_gles": ["6/999961", "6"],
        "regioner.landsbygd_total": "299999990:300000010:7",
    })
    result = compute(inputs, BASE, sset)
    assert 0 < result.core_scenarios < sset.size  # some vectors do not fit int64, some do
    assert_matches_core(inputs, BASE, result)


# --------------------------------------------------------------------------- rural weights and refusals


def write_kommun_key(path: Path) -> Path:
    """A per-kommun rural key with every category known: up to three real kommuner per län."""
    with data_file("kommuner.csv").open(encoding="utf-8") as fh:
        kommuner = [r["kommun_code"] for r in csv.DictReader(fh)]
    rows = ["kommun_code,kategori,population"]
    categories = ("tatortsnara", "gles", "mycket_gles", "ovrig")
    for i, code in enumerate(LAN):
        for j, kommun in enumerate([k for k in kommuner if k.startswith(code)][:3]):
            rows.append(f"{kommun},{categories[(i + j) % 4]},{1000 + 37 * i + 11 * j}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_rural_weights_vary_with_a_per_kommun_key(tmp_path: Path) -> None:
    key = write_kommun_key(tmp_path / "kommuner.csv")
    vary = {"landsbygd.vikt.gles": "1:6:1", "landsbygd.vikt.mycket_gles": "6,13/2"}
    frame = sweep(vary, landsbygd=key)
    assert frame.scenario.nunique() == 12
    for _, rows in frame.groupby("scenario"):
        first = rows.iloc[0]
        overrides = {k: str(first[k]) for k in vary}
        expected = godnaravard.allocate(overrides=overrides, landsbygd=key).to_records()
        assert rows[list(AMOUNT)].to_dict("records") == [{c: r[c] for c in AMOUNT} for r in expected]
    # The weights matter: the rural column differs between scenarios.
    assert frame.groupby("scenario")["landsbygd"].apply(tuple).nunique() > 1


def test_shipped_key_refuses_non_proportional_weights() -> None:
    with pytest.raises(ScenarioError) as info:
        sweep({"landsbygd.vikt.gles": "4,5"})
    assert isinstance(info.value.cause, MissingCategoriesError)
    assert info.value.label == "2" and "landsbygd.vikt.gles=5" in str(info.value)
    # Weights proportional to 1/4/6 are fine with the shipped key, and give the agreement's rural part.
    frame = sweep({"landsbygd.vikt.tatortsnara": "2", "landsbygd.vikt.gles": "8",
                   "landsbygd.vikt.mycket_gles": "12"})
    assert frame.landsbygd.tolist() == [r["landsbygd"] for r in godnaravard.allocate().rows]


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        ({"regioner.landsbygd_total": "0,3000000000"}, "larger than regioner.nara_vard_total"),
        ({"ambulans.grundbelopp": "0,3000000"}, "more than ambulans.total"),
        ({"landsbygd.vikt.tatortsnara": "0", "landsbygd.vikt.gles": "0", "landsbygd.vikt.mycket_gles": "0"},
         "zero"),
    ],
)
def test_scenarios_the_core_refuses_are_refused_with_its_reason(vary: dict[str, str], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        sweep(vary)


def test_zero_rural_weights_with_nothing_to_share_are_computed() -> None:
    # All rural weights zero and no rural money: the core allocates zeros, and so does the engine.
    inputs = make_inputs(list(range(1, 22)))
    params = BASE.with_values({"regioner.landsbygd_total": 0})
    vary = {"landsbygd.vikt.tatortsnara": "0", "landsbygd.vikt.gles": "0", "landsbygd.vikt.mycket_gles": "0,1"}
    result = compute(inputs, params, grid(vary))
    assert result.core_scenarios == 0 and not result.amounts["landsbygd"].any()
    assert_matches_core(inputs, params, result)


# --------------------------------------------------------------------------- files, command line, output


def test_cli_rows_equal_allocate_csv_from_another_process(tmp_path: Path) -> None:
    proc = run_process("sweep", "--vary", "ambulans.grundbelopp=0:1000000:1000000",
                       "--vary", "kommuner.andel_insatser=1/4", "--set", "kommuner.total=750000003")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == 42
    assert proc.stdout.startswith("scenario,ambulans.grundbelopp,kommuner.andel_insatser,lan_code,region,")
    shown = ("lan_code", "region", *AMOUNT)
    for sid, base_amount in (("1", "0"), ("2", "1000000")):
        single = invoke("allocate", "--format", "csv", "--set", f"ambulans.grundbelopp={base_amount}",
                        "--set", "kommuner.andel_insatser=1/4", "--set", "kommuner.total=750000003")
        expected = list(csv.DictReader(io.StringIO(single.stdout)))
        got = [r for r in rows if r["scenario"] == sid]
        assert [{c: r[c] for c in shown} for r in got] == [{c: r[c] for c in shown} for r in expected]


def test_cli_svf_rows_equal_allocate_csv(tmp_path: Path) -> None:
    out = tmp_path / "svf.csv"
    proc = invoke("sweep", "--agreement", SVF.name, "--vary", "svf.total=182500000:182500002:2",
                  "--output", str(out))
    assert proc.exit_code == 0, proc.stderr
    assert SVF.title in proc.stderr and "2 scenarios × 18 regions = 36 rows" in proc.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["scenario", "svf.total", "lan_code", "region", *SVF_AMOUNT]
    shown = ("lan_code", "region", *SVF_AMOUNT)
    for sid, total in (("1", "182500000"), ("2", "182500002")):
        single = invoke("allocate", "--agreement", SVF.name, "--format", "csv", "--set", f"svf.total={total}")
        assert single.exit_code == 0, single.stderr
        expected = list(csv.DictReader(io.StringIO(single.stdout)))
        assert [{c: r[c] for c in shown} for r in rows if r["scenario"] == sid] == [
            {c: r[c] for c in shown} for r in expected]
    proc = invoke("sweep", "--agreement", SVF.name, "--vary", "ambulans.total=1")
    assert proc.exit_code == 2 and "ambulans.total" in proc.stderr and "Traceback" not in proc.stderr
    # Own data always shows: the summary says the base is a scenario and names the file.
    own = tmp_path / "own.csv"
    own.write_bytes(SVF.recipients.path.read_bytes())
    proc = invoke("sweep", "--agreement", SVF.name, "--population", own, "--vary", "svf.total=1", "--output",
                  tmp_path / "own.parquet")
    assert proc.exit_code == 0, proc.stderr
    assert "scenario" in proc.stderr.split(":")[0] and str(own) in proc.stderr


def test_cli_refusal_exits_2_without_traceback_or_output(tmp_path: Path) -> None:
    out = tmp_path / "sweep.csv"
    proc = invoke("sweep", "--vary", "landsbygd.vikt.gles=3:5:1", "--output", str(out))
    assert proc.exit_code == 2
    assert proc.stderr.startswith("godnaravard: error: scenario 1 (landsbygd.vikt.gles=3): rural weights")
    assert "Traceback" not in proc.stderr and not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke("sweep").exit_code == 2
    proc = invoke("sweep", "--vary", "ambulans.grundbelopp=1", "--output", str(tmp_path / "x.ods"))
    assert proc.exit_code == 2 and "must end in .csv, .parquet or .xlsx" in proc.stderr
    proc = invoke("sweep", "--vary", "ambulans.grundbelopp=1", "--vary", "ambulans.grundbelopp=2")
    assert proc.exit_code == 2
    assert ("Invalid value for --vary: ambulans.grundbelopp is given twice (ambulans.grundbelopp=1 and "
            "ambulans.grundbelopp=2); give each key once") in proc.stderr


def test_scenarios_file_with_ids(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.csv"
    path.write_text("scenario;ambulans.grundbelopp;kommuner.andel_insatser\n"
                    "low;0;0,25\nbase;500 000;1/2\nhigh;2000000;75%\n", encoding="utf-8")
    sset = read_scenarios(path)
    assert sset.labels == ("low", "base", "high")
    assert sset.values(0) == {"ambulans.grundbelopp": 0, "kommuner.andel_insatser": Fraction(1, 4)}
    frame = sweep(scenarios=path)
    assert list(frame.scenario.unique()) == ["low", "base", "high"]
    base = frame[frame.scenario == "base"]
    assert base.kommuner.tolist() == [r["kommuner"] for r in godnaravard.allocate().rows]
    records = scenarios_from_records([{"scenario": "a", "ambulans.grundbelopp": 1}])
    assert records.labels == ("a",) and records.values(0) == {"ambulans.grundbelopp": 1}


@pytest.mark.parametrize(
    ("text", "row", "column", "message"),
    [
        ("ambulans.grundbelop\n1\n", 1, "ambulans.grundbelop", "did you mean 'ambulans.grundbelopp'"),
        ("ambulans.grundbelopp\n1\nx\n", 3, "ambulans.grundbelopp", "whole kronor"),
        ("kommuner.andel_insatser\n1/2\n\n2\n", 4, "kommuner.andel_insatser", "between 0 and 1"),
        ("scenario,ambulans.grundbelopp\na,1\na,2\n", 3, "scenario", "appears again"),
        ("ambulans.grundbelopp,kommuner.total\n1,\n", 2, "kommuner.total", "empty"),
    ],
)
def test_scenarios_file_errors_name_file_row_column(
    tmp_path: Path, text: str, row: int, column: str, message: str
) -> None:
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_scenarios(path)
    problem = info.value.problems[0]
    assert (problem.file, problem.row, problem.column) == (str(path), row, column)
    assert message in problem.message
    proc = invoke("sweep", "--scenarios", str(path))
    assert proc.exit_code == 2 and f"{path}, row {row}, column '{column}'" in proc.stderr


def test_output_files_csv_and_parquet(tmp_path: Path) -> None:
    frame = sweep({"kommuner.andel_insatser": "0:1:1/2", "ambulans.grundbelopp": "0,1"})
    csv_path = write_frame(frame, tmp_path / "s.csv")
    back = pd.read_csv(csv_path, dtype={"lan_code": str, "kommuner.andel_insatser": str})
    assert back[list(AMOUNT)].equals(frame[list(AMOUNT)])
    assert back["kommuner.andel_insatser"].tolist() == frame["kommuner.andel_insatser"].astype(str).tolist()
    assert back.region.tolist() == frame.region.astype(str).tolist()
    # The fast writer (pyarrow) gives the same bytes as pandas.
    assert csv_path.read_text(encoding="utf-8") == frame.to_csv(index=False, lineterminator="\n")
    pq = write_frame(frame, tmp_path / "s.parquet")
    again = pd.read_parquet(pq)
    assert again[list(AMOUNT)].equals(frame[list(AMOUNT)])
    assert again.lan_code.astype(str).tolist() == frame.lan_code.astype(str).tolist()
    # An existing file is not replaced without force, and is left as it was.
    before = csv_path.read_bytes()
    with pytest.raises(FileExistsError):
        write_frame(frame.head(3), csv_path)
    assert csv_path.read_bytes() == before
    write_frame(frame.head(3), csv_path, force=True)
    assert len(csv_path.read_text().splitlines()) == 4


def test_cli_writes_parquet_atomically(tmp_path: Path) -> None:
    out = tmp_path / "sweep.parquet"
    proc = invoke("sweep", "--vary", "ambulans.grundbelopp=0:2000000:500000", "--output", str(out))
    assert proc.exit_code == 0, proc.stderr
    frame = pd.read_parquet(out)
    assert len(frame) == 5 * 21 and (frame.groupby("scenario").ambulans.sum() == 46_000_000).all()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep.parquet"]
    proc = invoke("sweep", "--vary", "ambulans.grundbelopp=0", "--output", str(out))
    assert proc.exit_code == 2 and "already exists" in proc.stderr
    assert len(pd.read_parquet(out)) == 105


def test_run_requires_exactly_one_source() -> None:
    with pytest.raises(InputError):
        run()
    with pytest.raises(InputError):
        run({"ambulans.grundbelopp": "1"}, scenarios=[{"ambulans.grundbelopp": 1}])


def test_progress_bar_does_not_change_the_result(capsys: pytest.CaptureFixture[str]) -> None:
    vary = {"ambulans.grundbelopp": "0:2000000:100000", "kommuner.total": "0:30:1"}
    with_bar = run(vary, progress=True)
    without = run(vary)
    for col in AMOUNT:
        assert (with_bar.amounts[col] == without.amounts[col]).all()
    assert capsys.readouterr().out == ""  # the bar writes to stderr only


# --------------------------------------------------------------------------- scale and hostile input (issue 13)


def test_grids_are_counted_before_they_are_built() -> None:
    # 10**6 × 10**6 values: refused from the counts alone, no value list is built. What is measured:
    # the memory the refusals take (a list of 10**6 values would take tens of MB; they take a few KB),
    # with the agreement loaded first; the time bound (a few ms expected) only catches a hang.
    grid({"kommuner.total": "1,2"})
    tracemalloc.start()
    try:
        t0 = time.perf_counter()
        with pytest.raises(InputError, match="the grid has 1 000 000 000 000 scenarios") as info:
            grid({"ambulans.grundbelopp": "0:999999:1", "kommuner.total": "0:999999:1"})
        assert "at most 10 000 000" in info.value.problems[0].message
        # A range of 10**15 values is counted by arithmetic, and so is a list by its commas.
        with pytest.raises(InputError, match="1 000 000 000 000 001 values"):
            parse_spec("kommuner.total", "0:1000000000000000:1")
        with pytest.raises(InputError, match="the grid has"):
            grid({"kommuner.total": "0:1000000000000000:1", "ambulans.grundbelopp": "1,2,x"})  # x is never parsed
        assert time.perf_counter() - t0 < 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, peak
    # A range of ten million values is three numbers, not a list, and its scenarios are never listed.
    big = grid({"kommuner.total": "0:9999999:1"})
    assert isinstance(big.levels["kommuner.total"], ValueRange) and big.size == 10_000_000
    assert big.values(1234567) == {"kommuner.total": 1234567}
    assert list(big.codes_at("kommuner.total", 5, 8)) == [5, 6, 7]


def test_a_negative_step_is_reported_as_such() -> None:
    with pytest.raises(InputError) as info:
        parse_spec("ambulans.grundbelopp", "2000000:0:-500000")
    message = info.value.problems[0].message
    assert "step of '2000000:0:-500000' is negative" in message and "0:2000000:500000" in message
    assert "cannot be negative" not in message
    proc = invoke("sweep", "--vary", "kommuner.andel_insatser=0:1:-1/4")
    assert proc.exit_code == 2 and "is negative; a range counts up" in proc.stderr
    # A value below zero is still refused as a value.
    with pytest.raises(InputError, match="cannot be negative"):
        parse_spec("ambulans.grundbelopp", "-5:10:5")


def _csv_of(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    write_csv(frame, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("chunk_rows", [1, 50, 10**6])
def test_streamed_csv_equals_the_frame_byte_for_byte(tmp_path: Path, chunk_rows: int) -> None:
    # Core scenarios (huge totals, some beyond int64) among fast ones, so chunks differ in kind.
    records = [{"scenario": f"s{k}", "kommuner.total": [750_000_000 + k, 10**18, 2**70][k % 3],
                "kommuner.andel_insatser": f"{k % 5}/4"} for k in range(12)]
    expected = _csv_of(sweep(scenarios=records, notify=lambda _: None))
    engine, _ = prepare(scenarios=records)
    out = write_stream(engine, tmp_path / "s.csv", chunk_rows=chunk_rows)
    assert (tmp_path / "s.csv").read_bytes() == expected and out.bytes == len(expected)
    assert (out.scenarios, out.rows, out.core_scenarios) == (12, 12 * 21, 8)
    stream = io.BytesIO()
    write_stream(engine, stream=stream, chunk_rows=chunk_rows)
    assert stream.getvalue() == expected


def test_streamed_grid_csv_and_parquet_equal_in_memory(tmp_path: Path) -> None:
    vary = {"ambulans.grundbelopp": "0:2000000:250000", "kommuner.andel_insatser": "0:1:1/7",
            "landsbygd.vikt.gles": "4", "regioner.landsbygd_total": "300000000,300000001"}
    frame = sweep(vary)
    engine, _ = prepare(vary)
    write_stream(engine, tmp_path / "small.csv", chunk_rows=21 * 5)
    assert (tmp_path / "small.csv").read_bytes() == _csv_of(frame)
    # Parquet: one row group per chunk, the same cells as one chunk and as the frame.
    write_stream(engine, tmp_path / "small.parquet", chunk_rows=21 * 5)
    write_stream(engine, tmp_path / "one.parquet")
    import pyarrow.parquet as pq

    assert pq.ParquetFile(tmp_path / "small.parquet").num_row_groups > 5
    for name in ("small.parquet", "one.parquet"):
        back = pd.read_parquet(tmp_path / name)
        assert list(back.columns) == list(frame.columns)
        for col in frame.columns:
            assert back[col].astype(str).tolist() == frame[col].astype(str).tolist(), (name, col)
        assert all(back[c].dtype == np.int64 for c in AMOUNT)
    # The command line streams the same bytes to stdout and to a file.
    args = [a for k, v in vary.items() for a in ("--vary", f"{k}={v}")]
    assert invoke("sweep", *args).stdout_bytes == _csv_of(frame)


def test_long_ranges_are_computed_from_their_levels(inputs: core.Inputs) -> None:
    # More values than the engine lists (2**16): amounts and shares come from start + i·step.
    sset = grid({"kommuner.total": "750000000:750070000:1"})
    result = compute(inputs, BASE, sset)
    shares = grid({"kommuner.andel_insatser": "0:1:1/70001"})
    by_share = compute(inputs, BASE, shares)
    for res in (result, by_share):
        picks = [0, 1, 65_535, 65_536, 65_537, res.scenarios.size - 1]
        sample = ScenarioSet(keys=res.scenarios.keys, levels=res.scenarios.levels,
                             codes={k: np.array([res.scenarios.level_of(k, i) for i in picks])
                                    for k in res.scenarios.keys})
        sub = compute(inputs, BASE, sample)
        assert_matches_core(inputs, BASE, sub)
        for j, i in enumerate(picks):
            assert all((res.amounts[c][i] == sub.amounts[c][j]).all() for c in AMOUNT)
    frame = next(prepare({"kommuner.andel_insatser": "0:1:1/70001"})[0].chunks(3, start=70_000)).to_frame()
    assert frame["kommuner.andel_insatser"].astype(str).unique().tolist() == ["70000/70001", "1"]


def test_tables_beyond_the_budget_are_computed_per_scenario(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without room for tables, every line is computed per scenario, with the same numbers; the
    # rural weights of a file's scenarios (each row its own vector) and of a grid (every combination).
    inputs = make_inputs([100_000 + 13 * i for i in range(21)])
    vary = {"landsbygd.vikt.gles": "1,4,9/2", "kommuner.andel_insatser": "0,1/3", "ambulans.grundbelopp": "0,7"}
    records = [{"landsbygd.vikt.gles": f"{k % 4}/3", "landsbygd.vikt.mycket_gles": k % 7 + 1,
                "regioner.landsbygd_total": 300_000_000 + k} for k in range(15)]
    with_tables = [compute(inputs, BASE, grid(vary)), compute(inputs, BASE, scenarios_from_records(records))]
    monkeypatch.setattr("godnaravard.sweep.engine.TABLE_BYTES", 0)
    engine = Engine(inputs, BASE, grid(vary))
    assert not any(plan.space.table for plan in engine.plans)
    without = [compute(inputs, BASE, grid(vary)), compute(inputs, BASE, scenarios_from_records(records))]
    for a, b in zip(with_tables, without, strict=True):
        assert all((a.amounts[c] == b.amounts[c]).all() for c in AMOUNT)
        assert_matches_core(inputs, BASE, b)


def test_too_many_rural_weight_vectors_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("godnaravard.sweep.lines.MAX_WEIGHT_VECTORS", 10)
    with pytest.raises(InputError, match="rural weights take 12 different combinations"):
        compute(make_inputs(list(range(1, 22))), BASE, grid({"landsbygd.vikt.gles": "1:12:1"}))


def test_output_above_the_size_limit_needs_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("godnaravard.sweep.output.MAX_OUTPUT_BYTES", 20_000)
    args = ("sweep", "--vary", "ambulans.grundbelopp=0:2000000:10000")
    for target in ("big.csv", "big.parquet", None):
        extra = ("--output", tmp_path / target) if target else ()
        proc = invoke(*args, *extra)
        assert proc.exit_code == 2 and "Traceback" not in proc.output
        assert "would write about" in proc.stderr and "add --force" in proc.stderr
        assert "201 scenarios × 21 regions = 4 221 rows" in proc.stderr and proc.stdout == ""
        assert list(tmp_path.iterdir()) == []  # no file, no temporary file
    proc = invoke(*args, "--output", tmp_path / "big.csv", "--force")
    assert proc.exit_code == 0 and len((tmp_path / "big.csv").read_text().splitlines()) == 4222
    engine, _ = prepare({"ambulans.grundbelopp": "0:2000000:10000"})
    with pytest.raises(OutputTooLarge):
        write_stream(engine, stream=io.BytesIO())


def test_frames_in_memory_are_refused_above_their_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("godnaravard.sweep.MAX_FRAME_ROWS", 100)
    with pytest.raises(InputError, match="at most 100 rows: stream it to a file with write_sweep"):
        sweep({"ambulans.grundbelopp": "0:5:1"})
    frames = list(iter_frames({"ambulans.grundbelopp": "0:5:1"}, chunk_scenarios=4))
    assert [len(f) for f in frames] == [84, 42]
    assert pd.concat(frames).scenario.tolist() == [s for s in range(1, 7) for _ in range(21)]


def test_parquet_beyond_int64_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "x.parquet"
    # A varied amount beyond int64: refused before anything is computed.
    proc = invoke("sweep", "--vary", f"kommuner.total=750000000,{2**70}", "--output", out)
    assert proc.exit_code == 2 and "Traceback" not in proc.output
    assert f"kommuner.total = {2**70} does not fit Parquet's 64-bit integers" in proc.stderr
    assert "write CSV instead" in proc.stderr
    # Amounts beyond int64 from a base beyond it: found while writing; the file never appears.
    proc = invoke("sweep", "--set", f"kommuner.total={2**70}", "--vary", "ambulans.grundbelopp=0,1",
                  "--output", out)
    assert proc.exit_code == 2 and "Traceback" not in proc.output
    assert "scenario 1, 01: kommuner = " in proc.stderr and "does not fit Parquet" in proc.stderr
    assert list(tmp_path.iterdir()) == []
    # CSV holds them.
    proc = invoke("sweep", "--set", f"kommuner.total={2**70}", "--vary", "ambulans.grundbelopp=0,1",
                  "--output", tmp_path / "x.csv")
    assert proc.exit_code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "x.csv").read_text())))
    assert sum(int(r["kommuner"]) for r in rows if r["scenario"] == "1") == 2**70
    frame = pd.DataFrame({"kommuner": pd.Series([2**70], dtype=object)})
    with pytest.raises(ParquetOverflow):
        write_frame(frame, tmp_path / "y.parquet")


def test_csv_text_cells_that_would_start_a_formula_are_text(tmp_path: Path) -> None:
    ids = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "＝1", "plain", "'=kept"]
    records = [{"scenario": label, "ambulans.grundbelopp": k} for k, label in enumerate(ids)]
    engine, _ = prepare(scenarios=records)
    for chunk_rows in (21, 10**6):
        stream = io.BytesIO()
        write_stream(engine, stream=stream, chunk_rows=chunk_rows)
        text = stream.getvalue().decode("utf-8")
        got = list(csv.DictReader(io.StringIO(text, newline="")))
        labels = list(dict.fromkeys(r["scenario"] for r in got))
        # A text that is a plain number ("-2") is read as that number by a spreadsheet: it stays.
        assert labels == ["'" + i if i not in ("plain", "'=kept", "-2") else i for i in ids]
        # Numbers stay numbers: amounts and varied values are untouched.
        assert [int(r["ambulans.grundbelopp"]) for r in got[::21]] == list(range(len(ids)))
        assert all(not r["ambulans"].startswith("'") for r in got)
    assert stream.getvalue() == _csv_of(sweep(scenarios=records))  # the frame writer defuses the same way
    # A file's ids, and a region name from an own population file, as a spreadsheet reads them.
    path = tmp_path / "s.csv"
    path.write_text('scenario;ambulans.grundbelopp\n"=HYPERLINK(""http://x"",""y"")";1\n-3;2\n', encoding="utf-8")
    own = tmp_path / "pop.csv"
    own.write_text(GNV.recipients.path.read_text(encoding="utf-8").replace("Region Uppsala", "-Uppsala"),
                   encoding="utf-8")
    proc = invoke("sweep", "--scenarios", path, "--population", own)
    assert proc.exit_code == 0, proc.stderr
    got = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert {r["scenario"] for r in got} == {"'=HYPERLINK(\"http://x\",\"y\")", "-3"}
    assert {r["region"] for r in got if r["lan_code"] == "03"} == {"'-Uppsala"}
    # Parquet holds the text as it is.
    invoke("sweep", "--scenarios", path, "--output", tmp_path / "s.parquet")
    assert set(pd.read_parquet(tmp_path / "s.parquet").scenario.astype(str)) == {
        '=HYPERLINK("http://x","y")', "-3"}


def test_scenario_files_are_bounded_before_they_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.csv"
    path.write_text("ambulans.grundbelopp\n" + "".join(f"{k}\n" for k in range(30)), encoding="utf-8")
    monkeypatch.setattr("godnaravard.sweep.scenarios.MAX_FILE_BYTES", 50)
    with pytest.raises(InputError, match="a scenario file is at most 50 bytes"):
        read_scenarios(path)
    monkeypatch.setattr("godnaravard.sweep.scenarios.MAX_FILE_BYTES", 10**6)
    monkeypatch.setattr("godnaravard.sweep.scenarios.MAX_FILE_SCENARIOS", 20)
    with pytest.raises(InputError, match="more than 21 rows"):
        read_scenarios(path)
    assert read_scenarios(path.write_text("ambulans.grundbelopp\n1\n2\n") and path).size == 2
    # Only regular files are read: a folder or a named pipe (which would block) is refused as such.
    proc = invoke("sweep", "--scenarios", tmp_path)
    assert proc.exit_code == 2 and "folder" in proc.stderr
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    proc = invoke("sweep", "--scenarios", fifo)
    assert proc.exit_code == 2 and "named pipe" in proc.stderr


def test_leaving_the_fast_path_is_said_once_before_it_starts(tmp_path: Path) -> None:
    # Totals of 10**13 kr times 2.4 million inhabitants exceed int64: the exact core computes them.
    vary = ("--vary", "kommuner.total=750000000,10000000000000,10000000000001")
    proc = invoke("sweep", *vary, "--output", tmp_path / "s.csv")
    assert proc.exit_code == 0, proc.stderr
    notes = [line for line in proc.stderr.splitlines() if line.startswith("godnaravard: note:")]
    assert len(notes) == 1
    assert "2 of 3 scenarios exceed the int64 bounds" in notes[0] and "exact Python core" in notes[0]
    assert " ms each, about " in notes[0] and " in all" in notes[0]
    assert "note" not in invoke("sweep", "--vary", "kommuner.total=750000000").stderr
    # The API warns, or tells ``notify``, once.
    told: list[str] = []
    frame = sweep({"kommuner.total": "10000000000000,10000000000001"}, notify=told.append)
    assert len(told) == 1 and told[0].startswith("all 2 scenarios exceed")
    assert frame.groupby("scenario").kommuner.sum().tolist() == [10**13, 10**13 + 1]
    with pytest.warns(SlowSweepWarning, match="the scenario exceeds"):
        sweep({"kommuner.total": "10000000000000"})
    # A refusal among the first slow scenarios is found before anything is written.
    stream = io.BytesIO()
    engine, _ = prepare({"ambulans.grundbelopp": [0, 10**19]})
    with pytest.raises(ScenarioError, match="scenario 2"):
        slow_path_notice(engine)
    assert stream.getvalue() == b""


def test_progress_counts_every_scenario_written(tmp_path: Path) -> None:
    steps: list[int] = []
    engine, _ = prepare({"kommuner.total": "750000000,10000000000000", "ambulans.grundbelopp": "0:9:1"})
    write_stream(engine, tmp_path / "s.parquet", chunk_rows=21 * 3, progress=steps.append)
    assert sum(steps) == 20 and steps.count(1) >= 10  # the ten slow ones one by one


def test_a_value_given_twice_is_one_category() -> None:
    frame = sweep({"kommuner.andel_insatser": "1/2,0.5"})
    assert frame.scenario.nunique() == 2 and list(frame["kommuner.andel_insatser"].cat.categories) == ["1/2"]
    first, second = (rows[list(AMOUNT)].to_numpy() for _, rows in frame.groupby("scenario"))
    assert (first == second).all()
