"""The benchmark script runs (``benchmarks/run.py --quick``): a smoke test in the thorough run.

The figures are not judged here (the machines are shared and noisy: targets are read from the
script's own output, ratios against a baseline measured in the same run). What is checked is that
the script still runs against the package as it is, and that its sweep equals the core.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"cold_start_ratio", "sweep_scenarios_per_s", "sweep_speedup_vs_loop", "sweep_identical", "export_s",
        "export_ms_per_line", "sweep_peak_rss_mb", "sweep_stream_scenarios_per_s"}


@pytest.mark.slow
def test_the_benchmark_script_runs_and_its_sweep_equals_the_core(tmp_path: Path) -> None:
    pytest.importorskip("numpy")
    pytest.importorskip("pyarrow")
    # A hang-catcher only: --quick takes about a minute on two loaded cores.
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(result) == KEYS
    assert result["sweep_identical"] is True
    assert all(f"target {key}:" in proc.stdout for key in ("cold_start_ratio", "sweep_scenarios_per_s"))
