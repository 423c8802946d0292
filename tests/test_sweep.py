"""Sweeps (issue 7): every row equals the single-scenario path, bit for bit, ties and overflow included."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import godnaravard
from godnaravard import core
from godnaravard.core import AMOUNT_COLUMNS, MissingCategoriesError
from godnaravard.errors import InputError
from godnaravard.lan import LAN
from godnaravard.resources import data_file
from godnaravard.scenario import baseline
from godnaravard.sweep import (
    ScenarioError,
    compute,
    grid,
    parse_spec,
    read_scenarios,
    run,
    scenarios_from_records,
    sweep,
    write_frame,
)
from godnaravard.sweep import _fixed as fixed_weights

BASE = baseline().parameters


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


def core_amounts(inputs: core.Inputs, params: core.Parameters) -> list[dict[str, int]]:
    """The single-scenario core's amount columns per region, in input order."""
    return [{c: getattr(r, c) for c in AMOUNT_COLUMNS} for r in core.allocate(inputs, params).rows]


def assert_matches_core(inputs: core.Inputs, params: core.Parameters, result) -> None:
    """Every cell of every scenario of ``result`` equals ``core.allocate`` of that scenario."""
    sset = result.scenarios
    for i in range(sset.size):
        expected = core_amounts(inputs, params.with_values(sset.values(i)))
        for j, row in enumerate(expected):
            got = {c: result.amounts[c][i, j] for c in AMOUNT_COLUMNS}
            assert got == row, (sset.values(i), inputs.regions[j].lan_code)


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
    assert list(frame.columns) == ["scenario", *vary, "lan_code", *AMOUNT_COLUMNS]
    assert len(frame) == 3 * 3 * 2 * 2 * 21
    for sid, rows in frame.groupby("scenario", sort=True):
        first = rows.iloc[0]
        overrides = {"kommuner.total": 750_000_001}
        overrides |= {k: str(first[k]) for k in vary}
        expected = godnaravard.allocate(overrides=overrides).to_records()
        got = rows[["lan_code", *AMOUNT_COLUMNS]].astype({"lan_code": str}).to_dict("records")
        assert got == [{c: r[c] for c in ("lan_code", *AMOUNT_COLUMNS)} for r in expected], sid
    # Amounts are int64 kronor, parameter values exact.
    assert all(frame[c].dtype == np.int64 for c in AMOUNT_COLUMNS)
    assert set(frame["kommuner.andel_insatser"].astype(str)) == {"0", "1/3", "1"}


def test_baseline_scenario_of_a_sweep_is_the_2024_allocation(result: core.Result) -> None:
    frame = sweep({"ambulans.grundbelopp": "400000:600000:100000"})
    rows = frame[frame["ambulans.grundbelopp"] == 500_000]
    assert rows[list(AMOUNT_COLUMNS)].to_dict("records") == [
        {c: getattr(r, c) for c in AMOUNT_COLUMNS} for r in result.rows
    ]


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
    for col in AMOUNT_COLUMNS:
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
    try:
        result = compute(inputs, params, sset)
    except ScenarioError as exc:  # only when the core refuses the same scenario
        with pytest.raises(core.AllocationError):
            core.allocate(inputs, params.with_values(exc.values))
        return
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


def test_rank_key_beyond_int64_uses_lexsort_and_matches() -> None:
    # 21 regions of ~90 million: (W² + W)·n > 2**63, so ranking goes through np.lexsort.
    pops = [90_000_000 - 7 * i for i in range(20)] + [90_000_000]
    inputs = make_inputs(pops, hsl=[95_000_000] * 21)
    assert not fixed_weights(pops).composite and not fixed_weights([95_000_000] * 21).composite
    assert fixed_weights([r.population for r in make_inputs([10**6] * 21).regions]).composite
    sset = grid({"ambulans.total": "46000000:46000100:7", "kommuner.total": "0:101:5"})
    result = compute(inputs, BASE, sset)
    assert result.core_scenarios == 0
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
        assert rows[list(AMOUNT_COLUMNS)].to_dict("records") == [
            {c: r[c] for c in AMOUNT_COLUMNS} for r in expected
        ]
    # The weights matter: the rural column differs between scenarios.
    assert frame.groupby("scenario")["landsbygd"].apply(tuple).nunique() > 1


def test_shipped_key_refuses_non_proportional_weights() -> None:
    with pytest.raises(ScenarioError) as info:
        sweep({"landsbygd.vikt.gles": "4,5"})
    assert isinstance(info.value.cause, MissingCategoriesError)
    assert info.value.label == "2" and "landsbygd.vikt.gles=5" in str(info.value)
    # Weights proportional to 1/4/6 are fine with the shipped key, and give the 2024 rural part.
    frame = sweep({"landsbygd.vikt.tatortsnara": "2", "landsbygd.vikt.gles": "8",
                   "landsbygd.vikt.mycket_gles": "12"})
    assert frame.landsbygd.tolist() == [r.landsbygd for r in godnaravard.allocate().rows]


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


# --------------------------------------------------------------------------- files, command line, output


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "godnaravard", *args], capture_output=True, text=True,
                          cwd=cwd, check=False)


def test_cli_rows_equal_allocate_csv_from_another_process(tmp_path: Path) -> None:
    proc = run_cli("sweep", "--vary", "ambulans.grundbelopp=0:1000000:1000000",
                   "--vary", "kommuner.andel_insatser=1/4", "--set", "kommuner.total=750000003")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == 42
    assert proc.stdout.startswith("scenario,ambulans.grundbelopp,kommuner.andel_insatser,lan_code,")
    for sid, base_amount in (("1", "0"), ("2", "1000000")):
        single = run_cli("allocate", "--format", "csv", "--set", f"ambulans.grundbelopp={base_amount}",
                         "--set", "kommuner.andel_insatser=1/4", "--set", "kommuner.total=750000003")
        expected = list(csv.DictReader(io.StringIO(single.stdout)))
        got = [r for r in rows if r["scenario"] == sid]
        assert [{c: r[c] for c in ("lan_code", *AMOUNT_COLUMNS)} for r in got] == [
            {c: r[c] for c in ("lan_code", *AMOUNT_COLUMNS)} for r in expected
        ]


def test_cli_refusal_exits_2_without_traceback_or_output(tmp_path: Path) -> None:
    out = tmp_path / "sweep.csv"
    proc = run_cli("sweep", "--vary", "landsbygd.vikt.gles=3:5:1", "--output", str(out))
    assert proc.returncode == 2
    assert proc.stderr.startswith("godnaravard: error: scenario 1 (landsbygd.vikt.gles=3): rural weights")
    assert "Traceback" not in proc.stderr and not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli("sweep").returncode == 2
    proc = run_cli("sweep", "--vary", "ambulans.grundbelopp=1", "--output", str(tmp_path / "x.xlsx"))
    assert proc.returncode == 2 and "must end in .csv or .parquet" in proc.stderr
    proc = run_cli("sweep", "--vary", "ambulans.grundbelopp=1", "--vary", "ambulans.grundbelopp=2")
    assert proc.returncode == 2 and "varied twice" in proc.stderr


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
    assert base.kommuner.tolist() == [r.kommuner for r in godnaravard.allocate().rows]
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
    proc = run_cli("sweep", "--scenarios", str(path))
    assert proc.returncode == 2 and f"{path}, row {row}, column '{column}'" in proc.stderr


def test_output_files_csv_and_parquet(tmp_path: Path) -> None:
    frame = sweep({"kommuner.andel_insatser": "0:1:1/2", "ambulans.grundbelopp": "0,1"})
    csv_path = write_frame(frame, tmp_path / "s.csv")
    back = pd.read_csv(csv_path, dtype={"lan_code": str, "kommuner.andel_insatser": str})
    assert back[list(AMOUNT_COLUMNS)].equals(frame[list(AMOUNT_COLUMNS)])
    assert back["kommuner.andel_insatser"].tolist() == frame["kommuner.andel_insatser"].astype(str).tolist()
    # The fast writer (pyarrow) gives the same bytes as pandas.
    assert csv_path.read_text(encoding="utf-8") == frame.to_csv(index=False, lineterminator="\n")
    pq = write_frame(frame, tmp_path / "s.parquet")
    again = pd.read_parquet(pq)
    assert again[list(AMOUNT_COLUMNS)].equals(frame[list(AMOUNT_COLUMNS)])
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
    proc = run_cli("sweep", "--vary", "ambulans.grundbelopp=0:2000000:500000", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    frame = pd.read_parquet(out)
    assert len(frame) == 5 * 21 and (frame.groupby("scenario").ambulans.sum() == 46_000_000).all()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep.parquet"]
    proc = run_cli("sweep", "--vary", "ambulans.grundbelopp=0", "--output", str(out))
    assert proc.returncode == 2 and "already exists" in proc.stderr
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
    for col in AMOUNT_COLUMNS:
        assert (with_bar.amounts[col] == without.amounts[col]).all()
    assert capsys.readouterr().out == ""  # the bar writes to stderr only
