"""``godnaravard explain``: each region's amounts recomputed from the steps it prints."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from godnaravard import allocate
from godnaravard.explain import explain, explanation_json, explanation_text
from godnaravard.lan import LAN

AMOUNTS = ("nara_vard", "landsbygd", "ambulans", "regioner_totalt", "kommuner")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "godnaravard", *args], capture_output=True, text=True)


def explain_json(*args: str) -> dict:
    proc = run("explain", *args, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def allocate_row(code: str, *args: str) -> dict[str, str]:
    proc = run("allocate", "--format", "csv", *args)
    assert proc.returncode == 0, proc.stderr
    return next(r for r in csv.DictReader(io.StringIO(proc.stdout)) if r["lan_code"] == code)


def recompute(doc: dict) -> dict[str, int]:
    """Every amount from the printed steps alone, checking each step's arithmetic on the way."""
    out = {}
    for name in ("landsbygd", "nara_vard", "ambulans", "kommuner"):
        col = doc["columns"][name]
        total = col["base_per_region"]
        for part in col["parts"]:
            weight, weight_sum = Fraction(part["weight"]), Fraction(part["weight_sum"])
            share = Fraction(part["share"])
            exact = Fraction(part["exact"])
            assert share == weight / weight_sum
            assert exact == part["total"] * share
            assert part["floor"] == math.floor(exact)
            assert Fraction(part["remainder"]) == exact - part["floor"]
            assert part["amount"] == part["floor"] + (1 if part["received_balancing_krona"] else 0)
            assert part["received_balancing_krona"] == (part["rank"] <= part["balancing_kronor"])
            assert 0 <= part["balancing_kronor"] < part["recipients"]
            assert part["share_percent"] == pytest.approx(float(share * 100), abs=1e-6)
            total += part["amount"]
        assert total == col["amount"], name
        out[name] = total
    out["regioner_totalt"] = out["nara_vard"] + out["ambulans"]
    assert out["regioner_totalt"] == doc["columns"]["regioner_totalt"]["amount"]
    return out


def test_explain_14_reproduces_vastra_gotaland_from_its_steps() -> None:
    doc = explain_json("14")
    assert (doc["lan_code"], doc["lan"], doc["region"]) == ("14", "Västra Götaland", "Västra Götalandsregionen")
    row = allocate_row("14")
    assert recompute(doc) == {c: int(row[c]) for c in AMOUNTS} == {c: doc["allocate"][c] for c in AMOUNTS}
    # The steps use the inputs they list: population and HSL insatser of Västra Götaland.
    assert doc["inputs"]["population"]["value"] == int(row["population"])
    assert doc["inputs"]["hsl_insatser"]["value"] == int(row["hsl_insatser"])
    parts = {(c, p["part"]): p for c in doc["columns"] if "parts" in doc["columns"][c]
             for p in doc["columns"][c]["parts"]}
    assert Fraction(parts[("nara_vard", "befolkning")]["weight"]) == int(row["population"])
    assert Fraction(parts[("kommuner", "insatser")]["weight"]) == int(row["hsl_insatser"])
    assert Fraction(parts[("landsbygd", "landsbygd")]["weight"]) == Fraction(doc["inputs"]["landsbygd.W"]["value"])
    assert parts[("landsbygd", "landsbygd")] == parts[("nara_vard", "landsbygd")]  # bilaga 3 includes bilaga 4
    assert doc["columns"]["ambulans"]["base_per_region"] == doc["parameters"]["ambulans.grundbelopp"]["value"]


def test_every_input_and_parameter_has_a_source() -> None:
    doc = explain_json("14")
    assert set(doc["inputs"]) == {"population", "population.sum", "hsl_insatser", "hsl_insatser.sum",
                                  "landsbygd.W", "landsbygd.W.sum"}
    for key, entry in {**doc["inputs"], **doc["parameters"]}.items():
        assert entry["source"].strip(), key
    for key in ("population", "hsl_insatser"):
        assert doc["inputs"][key]["source"].startswith("data/population_2023.csv: ")
    assert doc["inputs"]["landsbygd.W"]["source"].startswith("data/landsbygd_weights.csv: ")
    assert "1/4/6" in doc["inputs"]["landsbygd.W"]["how"]
    for key, entry in doc["parameters"].items():
        assert "avsnitt" in entry["source"].casefold(), key


def test_a_name_finds_the_same_region() -> None:
    assert explain_json("Västra Götaland") == explain_json("14")
    assert explain_json("region gotland")["lan_code"] == "09"


def test_every_region_is_reproduced_and_the_balancing_kronor_add_up() -> None:
    alloc = allocate()
    docs = {code: json.loads(explanation_json(explain(alloc, code))) for code in LAN}
    rows = {r.lan_code: r for r in alloc.rows}
    for code, doc in docs.items():
        assert recompute(doc) == {c: getattr(rows[code], c) for c in AMOUNTS}, code
    for column in ("landsbygd", "nara_vard", "ambulans", "kommuner"):
        for i, part in enumerate(docs["01"]["columns"][column]["parts"]):
            steps = [d["columns"][column]["parts"][i] for d in docs.values()]
            # The exact shares add up to the part's total; the ranks are a permutation; exactly
            # the announced number of regions receive a balancing krona.
            assert sum(Fraction(s["exact"]) for s in steps) == part["total"]
            assert sorted(s["rank"] for s in steps) == list(range(1, 22))
            assert sum(s["received_balancing_krona"] for s in steps) == part["balancing_kronor"]
            assert sum(s["amount"] for s in steps) == part["total"]
    # The halves of bilaga 2 add up to kommuner.total.
    halves = docs["01"]["columns"]["kommuner"]["parts"]
    assert sum(h["total"] for h in halves) == docs["01"]["parameters"]["kommuner.total"]["value"]


def test_explain_follows_the_scenario_options(tmp_path: Path) -> None:
    doc = explain_json("09", "--set", "ambulans.grundbelopp=1000000")
    row = allocate_row("09", "--set", "ambulans.grundbelopp=1000000")
    assert recompute(doc) == {c: int(row[c]) for c in AMOUNTS}
    assert doc["scenario"]["changes_from_2024"] == {"ambulans.grundbelopp": ["500000", "1000000"]}
    assert doc["parameters"]["ambulans.grundbelopp"]["source"] == "--set ambulans.grundbelopp=1000000"
    scenario = tmp_path / "s.toml"
    scenario.write_text('name = "s"\nbase = "2024"\n[parameters]\n"kommuner.andel_insatser" = "1/3"\n',
                        encoding="utf-8")
    doc = explain_json("Skåne", "--scenario", str(scenario))
    row = allocate_row("12", "--scenario", str(scenario))
    assert recompute(doc) == {c: int(row[c]) for c in AMOUNTS}
    assert doc["parameters"]["kommuner.andel_insatser"] == {"value": "1/3", "source": f"scenario {scenario}"}
    # One third of 750 Mkr is exact; the halves are split in whole kronor and still sum to the total.
    assert [p["total"] for p in doc["columns"]["kommuner"]["parts"]] == [250_000_000, 500_000_000]


def test_proportional_rural_weights_are_explained_and_others_refused() -> None:
    doc = explain_json("14", "--set", "landsbygd.vikt.tatortsnara=2", "--set", "landsbygd.vikt.gles=8",
                       "--set", "landsbygd.vikt.mycket_gles=12")
    assert "scaled to the proportional weights 2/8/12" in doc["inputs"]["landsbygd.W"]["how"]
    assert recompute(doc) == {c: int(v) for c, v in allocate_row("14").items() if c in AMOUNTS}
    gotland = explain_json("09", "--set", "landsbygd.vikt.gles=8", "--set", "landsbygd.vikt.tatortsnara=2",
                           "--set", "landsbygd.vikt.mycket_gles=12")
    assert "8 × 61 093 glesa" in gotland["inputs"]["landsbygd.W"]["how"]  # Gotland's categories are known
    refused = run("explain", "14", "--set", "landsbygd.vikt.gles=5")
    assert refused.returncode == 2 and "need inhabitants per category" in refused.stderr
    assert "Traceback" not in refused.stderr and refused.stdout == ""


def test_text_output_walks_through_every_step() -> None:
    proc = run("explain", "14")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    row = allocate_row("14")
    for heading in ("Inputs", "Parameters", "Bilaga 4", "Bilaga 3: Nära vård", "Bilaga 3: Ambulans", "Bilaga 2"):
        assert heading in out
    for word in ("share", "exact", "floor", "remainder", "rank", "balancing kron", "source", "from data/"):
        assert word in out
    for col in AMOUNTS:
        amount = f"{int(row[col]):,}".replace(",", " ")
        assert f"{col} = " in out and f"{amount} kr" in out
    assert out == explanation_text(explain(allocate(), "14"))


def test_unknown_lan_exits_2() -> None:
    for bad in ("99", "Atlantis", "02"):
        proc = run("explain", bad)
        assert proc.returncode == 2 and "unknown län" in proc.stderr and "14 Västra Götaland" in proc.stderr
        assert proc.stdout == "" and "Traceback" not in proc.stderr
    with pytest.raises(KeyError):
        explain(allocate(), "Atlantis")
