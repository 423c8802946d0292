"""Sweeps (issues 7 and 10): every row equals the single-scenario path, bit for bit, ties and overflow
included, for every agreement: the shipped ones and agreements built in code."""

from __future__ import annotations

import csv
import io
import math
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
    ScenarioError,
    ScenarioSet,
    compute,
    grid,
    parse_spec,
    read_scenarios,
    run,
    scenarios_from_records,
    sweep,
    write_frame,
)
from godnaravard.sweep.engine import _weights

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
    regions = tuple(
        core.Region(lan_code=c, lan=f"Län {c}", region=f"Region {c}", population=p, hsl_insatser=h)
        for c, p, h in zip(codes, populations, hsl, strict=True)
    )
    key = tuple(
        core.RuralKey(lan_code=c, tatortsnara=t, gles=g, mycket_gles=m)
        for c, (t, g, m) in zip(codes, rural, strict=True)
    )
    return core.Inputs(regions=regions, rural_key=key)


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
            assert got == {c: row[c] for c in columns}, (sset.values(i), inputs.regions[j].lan_code)


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
    shuffled = core.Inputs(regions=inputs.regions[::-1], rural_key=inputs.rural_key[::-1])
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


small_counts = st.lists(st.integers(0, 6), min_size=21, max_size=21).filter(lambda xs: sum(xs) > 0)


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
        inputs = core.Inputs(regions=inputs.regions[::-1], rural_key=inputs.rural_key[::-1])
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
    n = len(load_agreement_inputs(baseline(SVF)).regions)
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
          "rural": core.Key("rural", "landsbygd", weights=("w.t", "w.g", "w.m"))},
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
    assert not _weights([pops], [False], None, 21).composite
    assert not _weights([[95_000_000] * 21], [False], None, 21).composite
    assert _weights([[10**6] * 21], [False], None, 21).composite
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
    proc = invoke("sweep", "--vary", "ambulans.grundbelopp=1", "--output", str(tmp_path / "x.xlsx"))
    assert proc.exit_code == 2 and "must end in .csv or .parquet" in proc.stderr
    proc = invoke("sweep", "--vary", "ambulans.grundbelopp=1", "--vary", "ambulans.grundbelopp=2")
    assert proc.exit_code == 2 and "varied twice" in proc.stderr


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
