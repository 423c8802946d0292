"""Benchmark of godnaravard on the machine it runs on: start-up, sweep, export.

Run from a checkout with the package installed (a venv or an editable install)::

    python benchmarks/run.py            # add --quick for fewer repetitions

It prints the machine facts, a table, and as its last line one JSON object with the keys

- ``cold_start_ratio``: median wall time of ``godnaravard allocate --format csv`` in a new
  process, divided by that of ``python -c "import numpy, pydantic"`` (target ≤ 1.0), with the
  package's bytecode written first, as ``pip install`` writes it;
- ``sweep_scenarios_per_s``: scenarios per second of a 100 000-scenario sweep of the God och nära
  vård agreement (``SWEEP_AGREEMENT``) through the Python API, ``godnaravard.sweep.sweep`` (grid to
  DataFrame), median of several runs (target ≥ 1 000 000, issue 17);
- ``sweep_speedup_vs_loop``: that rate divided by the rate of the single-scenario core
  (``core.allocate`` on preloaded inputs) called in a Python loop on a sample (target ≥ 50);
- ``sweep_identical``: true when every cell of a random sample of the sweep's scenarios equals
  the single-scenario result;
- ``export_s``: median seconds of ``godnaravard export --output X.xlsx --force`` (target < 1),
  or null when the installed package has no ``export`` command;
- ``export_ms_per_line``: the cost of one more budget line in the workbook: the median time of
  ``godnaravard export`` of a generated definition of 50 budget lines (the workbook's cap) less
  that of 10 lines, divided by 40 (not a target: the export is linear in the lines, issue 17);
- ``sweep_peak_rss_mb``: the peak resident memory (MB: the process's ``ru_maxrss``, measured with
  ``getrusage(RUSAGE_CHILDREN)`` by a small helper process) of ``godnaravard sweep`` of 2 000 000
  scenarios (``RSS_GRID``) to Parquet, which streams its output chunk by chunk (target < 1000 MB,
  i.e. under 1 GB);
- ``sweep_stream_scenarios_per_s``: scenarios per second of that run, start-up and writing
  included (not a target).

``--big`` adds (not a target, about two minutes) the peak memory and time of a sweep of
10 000 000 scenarios to CSV on stdout (discarded; about 21 GB of text, so ``--force``).

Timings are wall-clock medians; the first (cold) run of the sweep is shown in the table too, and
so is a sweep of the second shipped agreement (``SVF_AGREEMENT``), for comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

#: The agreement of the timed sweep, and its 100 000-scenario grid: 100 base amounts × 10 shares ×
#: 10 rural totals × 10 kommuner totals.
SWEEP_AGREEMENT = "god-och-nara-vard-2024"
SWEEP_GRID = {
    "ambulans.grundbelopp": "0:1980000:20000",
    "kommuner.andel_insatser": "0:1:1/9",
    "regioner.landsbygd_total": "0:900000000:100000000",
    "kommuner.total": "700000000:700000009:1",
}
#: A second agreement (one line, 18 regions), swept over 100 000 totals: not a target.
SVF_AGREEMENT = "svf-cancer-2025-2"
SVF_GRID = {"svf.total": "182400000:182499999:1"}
#: 2 000 000 scenarios for the memory measurement: SWEEP_GRID with 200 kommuner totals instead of 10.
RSS_GRID = {**SWEEP_GRID, "kommuner.total": "700000000:700000199:1"}
#: 10 000 000 scenarios (``--big``): SWEEP_GRID with 1000 kommuner totals.
BIG_GRID = {**SWEEP_GRID, "kommuner.total": "700000000:700000999:1"}
#: key → (relation, target).
TARGETS: dict[str, tuple[str, float]] = {
    "cold_start_ratio": ("≤", 1.0),
    "sweep_scenarios_per_s": ("≥", 1_000_000),
    "sweep_speedup_vs_loop": ("≥", 50),
    "export_s": ("<", 1.0),
    "sweep_peak_rss_mb": ("<", 1000),
}


def machine() -> dict[str, Any]:
    """CPU model, cores, Python, platform and date of this run."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    import numpy
    import pandas

    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def command() -> list[str]:
    """The installed console script next to this Python (no pyenv shim), else ``python -m``."""
    script = Path(sys.executable).parent / "godnaravard"
    if script.is_file():
        return [str(script)]
    found = shutil.which("godnaravard")
    return [found] if found else [sys.executable, "-m", "godnaravard"]


def wall(argv: Sequence[str], cwd: Path) -> float:
    """Seconds for one run of ``argv`` in a new process (output discarded; must succeed)."""
    t0 = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr.decode()[-500:]}")
    return elapsed


def interleaved(commands: dict[str, list[str]], runs: int, cwd: Path) -> dict[str, list[float]]:
    """Run each command ``runs`` times, alternating, after one warm-up each; all wall times."""
    for argv in commands.values():
        wall(argv, cwd)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            times[name].append(wall(argv, cwd))
    return times


def timed(func: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """Wall times of ``runs`` calls of ``func`` and the last result."""
    times, result = [], None
    for _ in range(runs):
        result = None  # free the previous result first: measure one sweep, not two in memory
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return times, result


def compile_package() -> None:
    """Write the package's bytecode, as ``pip install`` does, so that start-up is measured as a user
    meets it: an editable install under ``PYTHONDONTWRITEBYTECODE=1`` would otherwise compile every
    module from source on every start (about 100 ms)."""
    import compileall

    import godnaravard

    compileall.compile_dir(str(Path(godnaravard.__file__).parent), quiet=1)


def bench_cold_start(runs: int, cwd: Path) -> tuple[float, dict[str, float]]:
    compile_package()
    times = interleaved({
        "godnaravard allocate --format csv": [*command(), "allocate", "--format", "csv"],
        "python -c 'import numpy, pydantic'": [sys.executable, "-c", "import numpy, pydantic"],
        "python -c 'pass'": [sys.executable, "-c", "pass"],
    }, runs, cwd)
    med = {k: statistics.median(v) for k, v in times.items()}
    return med["godnaravard allocate --format csv"] / med["python -c 'import numpy, pydantic'"], med


def bench_sweep(runs: int, sample: int, rows: list[tuple[str, str]]) -> dict[str, Any]:
    from godnaravard import core
    from godnaravard.api import load_agreement_inputs
    from godnaravard.scenario import baseline
    from godnaravard.sweep import compute, grid, scenarios_from_records, sweep

    base = baseline(SWEEP_AGREEMENT)
    inputs, params = load_agreement_inputs(base), base.parameters
    n = len(inputs.recipients)
    t0 = time.perf_counter()
    frame = sweep(SWEEP_GRID, agreement=SWEEP_AGREEMENT)
    first = time.perf_counter() - t0
    times, frame = timed(lambda: sweep(SWEEP_GRID, agreement=SWEEP_AGREEMENT), runs)
    n_scen = int(frame["scenario"].nunique())
    assert n_scen == 100_000 and len(frame) == 100_000 * n
    rate = n_scen / statistics.median(times)
    rows.append(("sweep 100 000 scenarios (API → DataFrame), first run", f"{first:.3f} s"))
    rows.append(("sweep 100 000 scenarios (API → DataFrame), median", f"{statistics.median(times):.3f} s"))
    rows.append(("sweep rate", f"{rate:,.0f} scenarios/s".replace(",", " ")))

    # The single-scenario core in a Python loop, on a random sample of the same scenarios.
    sset = grid(SWEEP_GRID, agreement=base.agreement)
    rng = random.Random(2024)
    picks = rng.sample(range(sset.size), sample)
    t0 = time.perf_counter()
    singles = [core.allocate(inputs, params.with_values(sset.values(i))).rows for i in picks]
    loop_rate = sample / (time.perf_counter() - t0)
    rows.append((f"single-scenario core in a loop ({sample} scenarios)",
                 f"{loop_rate:,.0f} scenarios/s".replace(",", " ")))

    # Identical: every cell of the sampled scenarios, from the DataFrame the API returned.
    amounts = list(params.rules.amount_columns)
    values = frame[amounts].to_numpy().reshape(n_scen, n, len(amounts))
    codes = frame["lan_code"].astype(str).to_numpy().reshape(n_scen, n)
    identical = all(
        [codes[i, j] for j in range(n)] == [r["lan_code"] for r in single]
        and all(values[i, j, k] == r[c] for j, r in enumerate(single) for k, c in enumerate(amounts))
        for i, single in zip(picks, singles, strict=True)
    )
    rows.append((f"sweep identical to the core on {sample} random scenarios × {n} regions", str(identical)))

    # Not a target: 100 000 scenarios whose every total differs (no repeated totals to share work).
    rng = random.Random(7)
    records = [{
        "regioner.nara_vard_total": rng.randrange(2_000_000_000, 3_000_000_000),
        "regioner.landsbygd_total": rng.randrange(0, 1_000_000_000),
        "ambulans.grundbelopp": rng.randrange(0, 2_000_000),
        "kommuner.total": rng.randrange(0, 10**12),
        "kommuner.andel_insatser": Fraction(rng.randrange(0, 101), 100),
    } for _ in range(100_000)]
    distinct = scenarios_from_records(records, agreement=base.agreement)
    times_d, _ = timed(lambda: compute(inputs, params, distinct).to_frame(), max(2, runs // 2))
    rows.append(("sweep 100 000 all-distinct scenarios (engine → DataFrame), median",
                 f"{statistics.median(times_d):.3f} s = "
                 f"{100_000 / statistics.median(times_d):,.0f} scenarios/s".replace(",", " ")))

    # Not a target: the second agreement, 100 000 distinct totals (one line, 18 regions).
    svf_times, svf = timed(lambda: sweep(SVF_GRID, agreement=SVF_AGREEMENT), runs)
    assert svf["scenario"].nunique() == 100_000
    rows.append((f"sweep {SVF_AGREEMENT}, 100 000 totals (API → DataFrame), median",
                 f"{statistics.median(svf_times):.3f} s = "
                 f"{100_000 / statistics.median(svf_times):,.0f} scenarios/s".replace(",", " ")))
    return {"rate": rate, "speedup": rate / loop_rate, "identical": identical}


def bench_cli_sweep(runs: int, cwd: Path, rows: list[tuple[str, str]]) -> None:
    args = [f"--agreement={SWEEP_AGREEMENT}", *(f"--vary={k}={v}" for k, v in SWEEP_GRID.items())]
    for ext in ("parquet", "csv"):
        out = cwd / f"sweep.{ext}"
        argv = [*command(), "sweep", *args, "--output", str(out), "--force"]
        times = [wall(argv, cwd) for _ in range(runs)]
        size = out.stat().st_size / 1e6
        rows.append((f"CLI: godnaravard sweep (100 000 scenarios) --output sweep.{ext}",
                     f"{statistics.median(times):.2f} s ({size:.0f} MB)"))


#: Runs a command and prints its wall seconds and peak resident memory in bytes. It runs in a
#: small process of its own: on Linux a child's ``ru_maxrss`` starts from the memory of the process
#: it was forked from (``exec`` keeps the high-water mark), so forking the command straight from
#: this benchmark, which holds large DataFrames by then, would report this process's memory.
_RSS_HELPER = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
with open(sys.argv[1], "wb") as out:
    code = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE).returncode
elapsed = time.perf_counter() - t0
scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, kilobytes on Linux
print(code, elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale)
"""


def peak_rss(argv: Sequence[str], cwd: Path, stdout: str = os.devnull) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one run of ``argv`` in a new process (its
    ``ru_maxrss``, via ``resource.getrusage(RUSAGE_CHILDREN)`` in a small helper process that
    runs nothing else)."""
    proc = subprocess.run([sys.executable, "-c", _RSS_HELPER, stdout, *argv], cwd=cwd, capture_output=True,
                          text=True, check=False)
    try:
        code, elapsed, peak = proc.stdout.split()
    except ValueError:
        raise RuntimeError(f"measuring {' '.join(argv)} failed: {proc.stderr[-500:]}") from None
    if code != "0":
        raise RuntimeError(f"{' '.join(argv)} failed with exit code {code}")
    return float(elapsed), int(peak) / 1e6


def bench_memory(cwd: Path, rows: list[tuple[str, str]], big: bool) -> dict[str, float]:
    """Peak memory of streamed sweeps: 2 000 000 scenarios to Parquet; with ``big``, 10**7 to CSV."""
    args = [f"--agreement={SWEEP_AGREEMENT}", *(f"--vary={k}={v}" for k, v in RSS_GRID.items())]
    out = cwd / "rss.parquet"
    seconds, mb = peak_rss([*command(), "sweep", *args, "--output", str(out), "--force"], cwd)
    size = out.stat().st_size / 1e6
    out.unlink()
    rows.append(("CLI: sweep 2 000 000 scenarios --output X.parquet, peak memory (ru_maxrss)", f"{mb:.0f} MB"))
    rows.append(("CLI: sweep 2 000 000 scenarios --output X.parquet, wall time",
                 f"{seconds:.1f} s = {2_000_000 / seconds:,.0f} scenarios/s ({size:.0f} MB)".replace(",", " ")))
    result = {"rss": mb, "rate": 2_000_000 / seconds}
    if big:
        args = [f"--agreement={SWEEP_AGREEMENT}", *(f"--vary={k}={v}" for k, v in BIG_GRID.items())]
        seconds, mb = peak_rss([*command(), "sweep", *args, "--force"], cwd)
        rows.append(("CLI: sweep 10 000 000 scenarios to CSV on stdout (discarded), peak memory", f"{mb:.0f} MB"))
        rows.append(("CLI: sweep 10 000 000 scenarios to CSV on stdout (discarded), wall time",
                     f"{seconds:.0f} s = {10_000_000 / seconds:,.0f} scenarios/s".replace(",", " ")))
    return result


def bench_export(runs: int, cwd: Path) -> float | None:
    from godnaravard.cli import COMMANDS

    if "export" not in COMMANDS:
        return None
    argv = [*command(), "export", "--output", str(cwd / "X.xlsx"), "--force"]
    wall(argv, cwd)  # warm-up
    return statistics.median(wall(argv, cwd) for _ in range(runs))


def bench_export_per_line(runs: int, cwd: Path) -> float | None:
    """Milliseconds of export per budget line: definitions of 10 and 50 lines (``tests/_definitions.py``)."""
    from godnaravard.cli import COMMANDS

    tests = Path(__file__).resolve().parents[1] / "tests"
    if "export" not in COMMANDS or not (tests / "_definitions.py").exists():
        return None
    sys.path.insert(0, str(tests))
    from _definitions import write_definition

    medians = {}
    for n in (10, 50):
        folder = write_definition(cwd / f"lines{n}", [f"l{i}.total" for i in range(n)])
        argv = [*command(), "export", "--agreement", str(folder), "--output", str(cwd / f"L{n}.xlsx"), "--force"]
        wall(argv, cwd)  # warm-up
        medians[n] = statistics.median(wall(argv, cwd) for _ in range(runs))
    return (medians[50] - medians[10]) / 40 * 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (noisier)")
    parser.add_argument("--big", action="store_true",
                        help="also measure a sweep of 10 000 000 scenarios to CSV (about two minutes)")
    args = parser.parse_args(argv)
    starts, sweeps, sample, exports = (7, 3, 200, 3) if args.quick else (21, 7, 1000, 5)

    facts = machine()
    print("Machine")
    for key, value in facts.items():
        print(f"  {key:<13} {value}")
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="godnaravard-bench-") as tmp:
        cwd = Path(tmp)
        ratio, med = bench_cold_start(starts, cwd)
        for name, seconds in med.items():
            rows.append((f"new process: {name} (median of {starts})", f"{seconds * 1000:.0f} ms"))
        rows.append(("cold start ratio", f"{ratio:.2f}"))
        sw = bench_sweep(sweeps, sample, rows)
        rows.append(("sweep speed-up vs the core in a loop", f"{sw['speedup']:.0f}×"))
        bench_cli_sweep(max(1, sweeps // 3), cwd, rows)
        memory = bench_memory(cwd, rows, args.big)
        export_s = bench_export(exports, cwd)
        rows.append(("godnaravard export --output X.xlsx --force (median)",
                     f"{export_s:.2f} s" if export_s is not None else "n/a: no export command installed"))
        per_line = bench_export_per_line(exports, cwd)
        rows.append(("export, per budget line (50 lines less 10, median)",
                     f"{per_line:.0f} ms" if per_line is not None else "n/a"))

    result = {
        "cold_start_ratio": round(ratio, 3),
        "sweep_scenarios_per_s": round(sw["rate"]),
        "sweep_speedup_vs_loop": round(sw["speedup"], 1),
        "sweep_identical": sw["identical"],
        "export_s": round(export_s, 3) if export_s is not None else None,
        "export_ms_per_line": round(per_line, 1) if per_line is not None else None,
        "sweep_peak_rss_mb": round(memory["rss"]),
        "sweep_stream_scenarios_per_s": round(memory["rate"]),
    }
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 28}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print()
    for key, (relation, target) in TARGETS.items():
        got = result[key]
        if got is None:
            verdict = "not measured"
        else:
            met = {"<": got < target, "≤": got <= target, "≥": got >= target}[relation]
            verdict = "met" if met else "MISSED"
        print(f"target {key}: {relation} {target} → {got} ({verdict})")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
