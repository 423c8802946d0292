"""``godnaravard explain``: each recipient's amounts recomputed from the steps it prints, for
every shipped agreement. The command runs in process (click's CliRunner)."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from godnaravard import allocate, explain_render
from godnaravard.agreements import load_agreement
from godnaravard.cli import main
from godnaravard.explain import UnknownRecipientError, explain, explanation_json, explanation_text

GNV = "god-och-nara-vard-2024"
SVF = "svf-cancer-2025-2"
SRC = Path(__file__).resolve().parents[1] / "src" / "godnaravard"


def invoke(*args: str, columns: int = 80) -> Result:
    return CliRunner().invoke(main, list(args), env={"COLUMNS": str(columns)}, catch_exceptions=False)


def explain_json(*args: str) -> dict:
    res = invoke("explain", *args, "--format", "json")
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def allocate_row(code: str, *args: str) -> dict[str, int]:
    """The amount columns of one recipient's row of ``allocate --format csv``."""
    res = invoke("allocate", "--format", "csv", *args)
    assert res.exit_code == 0, res.stderr
    row = next(r for r in csv.DictReader(io.StringIO(res.stdout)) if r["lan_code"] == code)
    ag = load_agreement(_agreement_of(args))
    return {c: int(row[c]) for c in ag.rules.amount_columns}


def _agreement_of(args: tuple[str, ...]) -> str:
    return args[args.index("--agreement") + 1] if "--agreement" in args else GNV


def recompute(doc: dict) -> dict[str, int]:
    """Every amount column from the printed steps alone, checking each step's arithmetic on the way."""
    out: dict[str, int] = {}
    for name, line in doc["lines"].items():
        amount = line["base_per_region"]
        assert (line["base_parameter"] is None) == (line["base_per_region"] == 0 and not line["base_how"])
        part_totals = 0
        for part in line["parts"]:
            weight, weight_sum = Fraction(part["weight"]), Fraction(part["weight_sum"])
            share = Fraction(part["share"])
            exact = Fraction(part["exact"])
            assert share == weight / weight_sum
            assert exact == part["total"] * share
            assert part["floor"] == math.floor(exact)
            assert Fraction(part["remainder"]) == exact - part["floor"]
            assert part["amount"] == part["floor"] + (1 if part["received_balancing_krona"] else 0)
            assert part["received_balancing_krona"] == (part["rank"] <= part["balancing_kronor"])
            assert 0 <= part["balancing_kronor"] < part["recipients"] == line["recipients"]
            assert Fraction(part["share_percent"]) == round(share * 100, 6)
            if part["kind"] == "carved":
                assert part["total"] == doc["parameters"][part["parameter"]]["value"]
            # A signed table's adjustment by hand (the agreement as signed only) adds to the rule's part.
            added = sum(a["kronor"] for a in line["adjustments"] if a["part"] == part["part"])
            if part["column"]:
                out[part["column"]] = part["amount"] + added
            part_totals += part["total"]
            amount += part["amount"] + added
        # The parts and the base amounts use up the line's total exactly.
        assert part_totals + line["recipients"] * line["base_per_region"] == line["total"]
        assert line["total"] == doc["parameters"][line["total_parameter"]]["value"]
        assert amount == line["amount"], name
        if line["column"]:
            out[line["column"]] = amount
    for name, s in doc["sums"].items():
        out[name] = sum(out[c] for c in s["sum_of"])
        assert out[name] == s["amount"], name
    return out


# --- God och nära vård 2024 ----------------------------------------------------------------

def test_explain_14_reproduces_vastra_gotaland_from_its_steps() -> None:
    doc = explain_json("14")
    assert (doc["lan_code"], doc["lan"], doc["region"]) == ("14", "Västra Götaland", "Västra Götalandsregionen")
    row = allocate_row("14")
    assert recompute(doc) == row == doc["allocate"]
    assert set(row) == {"nara_vard", "landsbygd", "nara_vard_befolkning", "ambulans", "regioner_totalt",
                        "kommuner", "kommuner_insatser", "kommuner_befolkning"}
    # The steps use the inputs they list: population and HSL insatser of Västra Götaland.
    parts = {(ln, p["part"]): p for ln, line in doc["lines"].items() for p in line["parts"]}
    assert Fraction(parts[("nara_vard", "befolkning")]["weight"]) == doc["inputs"]["population"]["value"] == 1_767_641
    assert Fraction(parts[("kommuner", "insatser")]["weight"]) == doc["inputs"]["hsl_insatser"]["value"] == 51_744
    assert Fraction(parts[("nara_vard", "landsbygd")]["weight"]) == Fraction(doc["inputs"]["landsbygd.W"]["value"])
    assert parts[("nara_vard", "landsbygd")]["column"] == "landsbygd"
    assert parts[("nara_vard", "landsbygd")]["kind"] == "carved"
    assert [p["kind"] for p in doc["lines"]["kommuner"]["parts"]] == ["share", "rest"]
    assert doc["lines"]["ambulans"]["base_per_region"] == doc["parameters"]["ambulans.grundbelopp"]["value"]
    assert doc["sums"]["regioner_totalt"]["sum_of"] == ["nara_vard", "ambulans"]
    assert doc["title"] == doc["agreement"]["title"] == "God och nära vård 2024"
    assert doc["scenario"]["as_signed"] is True and doc["scenario"]["changes"] == {}


def test_every_input_and_parameter_has_a_source_and_a_label() -> None:
    doc = explain_json("14")
    ag = load_agreement(GNV)
    assert set(doc["inputs"]) == {"population", "population.sum", "hsl_insatser", "hsl_insatser.sum",
                                  "landsbygd.W", "landsbygd.W.sum"}
    for key, entry in {**doc["inputs"], **doc["parameters"]}.items():
        assert entry["source"].strip(), key
    for key in ("population", "hsl_insatser"):
        assert doc["inputs"][key]["source"].startswith("data/population_2023.csv: Befolkning 1 nov 2023 (2023-11-01)")
    assert doc["inputs"]["population"]["label"] == ag.label("population")
    assert doc["inputs"]["landsbygd.W"]["source"].startswith("data/landsbygd_weights.csv: ")
    assert "tätortsnära 1, glesa 4, mycket glesa 6" in doc["inputs"]["landsbygd.W"]["how"]
    for key, entry in doc["parameters"].items():
        assert "avsnitt" in entry["source"].casefold(), key
        assert entry["label"] == ag.parameter_info[key].label
    # Only the parameters the budget lines use: not the fixed sums of the budget table.
    assert "skr.ambulans" not in doc["parameters"] and "landsbygd.vikt.gles" in doc["parameters"]
    assert doc["data"]["population"] == {
        "file": str(ag.data["population"].path), "own": False, "label": "Befolkning 1 nov 2023",
        "date": "2023-11-01", "source": doc["inputs"]["population"]["source"],
    }


def test_a_name_finds_the_same_region() -> None:
    assert explain_json("Västra Götaland") == explain_json("14")
    assert explain_json("region gotland")["lan_code"] == "09"
    assert explain_json("Stockholm")["lan_code"] == "01"


@pytest.mark.parametrize(("agreement", "n"), [(GNV, 21), (SVF, 18)])
def test_every_recipient_is_reproduced_and_the_balancing_kronor_add_up(agreement: str, n: int) -> None:
    alloc = allocate(agreement=agreement)
    rows = {str(r["lan_code"]): r for r in alloc.rows}
    assert len(rows) == n
    docs = {code: json.loads(explanation_json(explain(alloc, code))) for code in rows}
    for code, doc in docs.items():
        assert recompute(doc) == {c: rows[code][c] for c in alloc.result.rules.amount_columns}, code
    first = next(iter(docs.values()))
    for name, line in first["lines"].items():
        for i, part in enumerate(line["parts"]):
            steps = [d["lines"][name]["parts"][i] for d in docs.values()]
            # The exact shares add up to the part's total; the ranks are a permutation; exactly
            # the announced number of recipients receive a balancing krona.
            assert sum(Fraction(s["exact"]) for s in steps) == part["total"]
            assert sorted(s["rank"] for s in steps) == list(range(1, n + 1))
            assert sum(s["received_balancing_krona"] for s in steps) == part["balancing_kronor"]
            assert sum(s["amount"] for s in steps) == part["total"]
            assert sum(Fraction(s["weight"]) for s in steps) == Fraction(part["weight_sum"])


def test_explain_follows_the_scenario_options(tmp_path: Path) -> None:
    doc = explain_json("09", "--set", "ambulans.grundbelopp=1000000")
    assert recompute(doc) == allocate_row("09", "--set", "ambulans.grundbelopp=1000000")
    assert doc["scenario"]["changes"] == {"ambulans.grundbelopp": ["500000", "1000000"]}
    assert doc["scenario"]["as_signed"] is False
    assert doc["title"] == "God och nära vård 2024 – scenario (ambulans.grundbelopp=1000000)"
    assert doc["parameters"]["ambulans.grundbelopp"]["source"] == "--set ambulans.grundbelopp=1000000"
    scenario = tmp_path / "s.toml"
    scenario.write_text('name = "s"\nbase = "2024"\n[parameters]\n"kommuner.andel_insatser" = "1/3"\n',
                        encoding="utf-8")
    doc = explain_json("Skåne", "--scenario", str(scenario))
    assert recompute(doc) == allocate_row("12", "--scenario", str(scenario))
    assert doc["parameters"]["kommuner.andel_insatser"]["value"] == "1/3"
    assert doc["parameters"]["kommuner.andel_insatser"]["source"] == f"scenario {scenario}"
    # One third of 750 Mkr is exact; the shares are split in whole kronor and still sum to the total.
    assert [p["total"] for p in doc["lines"]["kommuner"]["parts"]] == [250_000_000, 500_000_000]
    text = invoke("explain", "Skåne", "--scenario", str(scenario)).stdout
    assert text.startswith("God och nära vård 2024 – scenario s (kommuner.andel_insatser=1/3)\n")
    assert "kommuner.andel_insatser 1/2 → 1/3" in text and "as signed" not in text


def test_proportional_rural_weights_are_explained_and_others_refused() -> None:
    weights = ("--set", "landsbygd.vikt.tatortsnara=2", "--set", "landsbygd.vikt.gles=8",
               "--set", "landsbygd.vikt.mycket_gles=12")
    doc = explain_json("14", *weights)
    how = doc["inputs"]["landsbygd.W"]["how"]
    assert "scaled to the proportional weights tätortsnära 2, glesa 8, mycket glesa 12" in how
    # The same figures as the rule with 1/4/6 (a what-if: the signed table's adjustment does not apply).
    assert recompute(doc) == allocate_row("14", *weights)
    assert recompute(doc)["ambulans"] == allocate_row("14")["ambulans"] - 1
    gotland = explain_json("09", *weights)
    assert "8 × 61 093 gles" in gotland["inputs"]["landsbygd.W"]["how"]  # Gotland's categories are known
    refused = invoke("explain", "14", "--set", "landsbygd.vikt.gles=5")
    assert refused.exit_code == 2 and "need inhabitants per category" in refused.stderr
    assert refused.stderr.startswith("godnaravard: error: ") and refused.stdout == ""


def test_text_output_walks_through_every_step() -> None:
    res = invoke("explain", "14")
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    ag = load_agreement(GNV)
    assert out.startswith(f"{ag.title}\n")
    for heading in ("Data", "Parameters", "Rounding", "Result"):
        assert f"\n{heading}" in out
    # Every heading and label comes from the definition (seen unwrapped).
    wide = invoke("explain", "14", columns=400).stdout
    for line in ag.rules.lines:
        assert f"\n{ag.label(line.name)} [{line.name}] – {line.section}\n" in wide
        for part in line.parts:
            assert f". {part.label}" in wide and part.section in wide
    for col in ag.rules.amount_columns:
        assert ag.label(col) in wide
    for word in ("share", "exact", "floor", "remainder", "rank", "balancing kron", "source", "from data/"):
        assert word in out
    for col, amount in allocate_row("14").items():
        assert f"{amount:,} kr".replace(",", " ") in out, col
    for name in ("nara_vard", "ambulans", "kommuner", "regioner_totalt"):
        assert f"\n  {name} = " in out
    # The figures of the text before the agreement became data (the same numbers, worded anew).
    for figure in ("37 812 509 + 3 065 459/4 902 449", "rank 11 of 21", "12.604170 %", "17 248/138 717",
                   "46 000 000 − 21 × 500 000 = 35 500 000", "2 420 000 000 − 300 000 000 = 2 120 000 000",
                   "750 000 000 × 1/2 = 375 000 000", "392 757 745 + 6 443 659", "ranks 1–11 → none here",
                   "6 443 658 + 1 = 6 443 659 kr"):
        assert figure in out.replace("\n                    ", " "), figure
    # Wrapped at the terminal's width without breaking a number.
    assert max(len(line) for line in out.splitlines()) <= 80
    assert out == explanation_text(explain(allocate(), "14"), width=80)
    assert wide == explanation_text(explain(allocate(), "14"))
    assert "exact        300 000 000 × share = 37 812 509 + 3 065 459/4 902 449 kr ≈ 37 812 509.6253 kr" in wide
    assert not re.search(r"\d\n\s*\d{3}\b", out)


def test_unknown_region_exits_2_and_suggests_a_name() -> None:
    res = invoke("explain", "Stockhom")
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.startswith("godnaravard: error: unknown region 'Stockhom' (did you mean Stockholm?)")
    assert res.stderr.count("\n") == 1 and "14 Västra Götaland" in res.stderr
    assert "did you mean Västra Götaland?" in invoke("explain", "västra götalnd").stderr
    for bad in ("99", "Atlantis", "02"):
        res = invoke("explain", bad)
        assert res.exit_code == 2 and "unknown region" in res.stderr and "14 Västra Götaland" in res.stderr
        assert res.stdout == "" and "Traceback" not in res.stderr
    with pytest.raises(KeyError):
        explain(allocate(), "Atlantis")


# --- Kortare väntetider i cancervården 2025, utbetalning 2 ----------------------------------

def test_svf_explains_a_region_from_its_steps() -> None:
    doc = explain_json("Stockholm", "--agreement", SVF)
    ag = load_agreement(SVF)
    assert doc["lan_code"] == "01" and doc["agreement"]["name"] == SVF and doc["title"] == ag.title
    assert recompute(doc) == allocate_row("01", "--agreement", SVF) == doc["allocate"] == {"svf": 46_759_214}
    assert set(doc["inputs"]) == {"population", "population.sum"}
    assert set(doc["parameters"]) == {"svf.total"}
    assert list(doc["lines"]) == ["svf"] and doc["sums"] == {}
    (part,) = doc["lines"]["svf"]["parts"]
    assert part["kind"] == "rest" and part["total"] == 182_500_000 and part["recipients"] == 18
    assert doc["inputs"]["population"]["source"].startswith(
        "data/agreements/svf-cancer-2025-2/population_2025_09.csv: Befolkning sep 2025 (2025-09-30)")
    text = invoke("explain", "01", "--agreement", SVF).stdout
    assert text.startswith(f"{ag.title}\n")
    assert "Belopp [svf]" in text and "the whole line: svf.total = 182 500 000 kr" in text
    assert "46 759 214 kr" in text and "Note: Gävleborg (21), Halland (13)" in text
    for foreign in ("bilaga", "landsbygd", "ambulans", "21 recipients", "2024"):
        assert foreign not in text.casefold(), foreign


def test_svf_refuses_a_region_that_is_not_a_recipient() -> None:
    res = invoke("explain", "13", "--agreement", SVF)
    assert res.exit_code == 2 and res.stdout == "" and res.stderr.count("\n") == 1
    assert res.stderr.startswith("godnaravard: error: 13 Halland (Region Halland) is not among the 18 regions "
                                 "of Kortare väntetider i cancervården 2025, utbetalning 2: 01 Stockholm, ")
    assert "25 Norrbotten" in res.stderr and "uppfyllde inte villkoren" in res.stderr
    assert "is not among the 18 regions" in invoke("explain", "Region Halland", "--agreement", SVF).stderr
    near = invoke("explain", "Hallnd", "--agreement", SVF).stderr
    assert "Halland, the nearest name, is not among the regions" in near
    with pytest.raises(UnknownRecipientError, match="not among"):
        explain(allocate(agreement=SVF), "Gävleborg")


def test_svf_with_an_own_population_file_names_it(tmp_path: Path) -> None:
    ag = load_agreement(SVF)
    own = tmp_path / "befolkning.csv"
    own.write_text(ag.recipients.path.read_text(encoding="utf-8").replace(",2485275", ",2485000"), encoding="utf-8")
    doc = explain_json("01", "--agreement", SVF, "--population", str(own))
    assert recompute(doc) == allocate_row("01", "--agreement", SVF, "--population", str(own))
    assert doc["inputs"]["population"]["value"] == 2_485_000
    assert doc["inputs"]["population"]["source"].startswith(f"{own}: own file")
    assert doc["data"]["population"]["own"] is True and doc["data"]["population"]["date"] is None
    assert doc["scenario"]["own_files"] == {"population": str(own)} and doc["scenario"]["as_signed"] is False
    text = invoke("explain", "01", "--agreement", SVF, "--population", str(own), columns=400).stdout
    assert text.startswith(f"{ag.title} – scenario (egen fil population: {own})\n")
    assert f"from {own}: own file" in text and "2025-09-30" not in text and "as signed" not in text


def test_no_year_in_the_explain_modules() -> None:
    for path in (SRC / "explain.py", SRC / "explain_render.py", SRC / "cli" / "explain.py"):
        assert not re.search(r"\b20\d\d\b", path.read_text(encoding="utf-8")), path


def test_the_renderers_keep_their_old_import_path() -> None:
    """Computing (``explain``) and rendering (``explain_render``) are apart; the old names still work."""
    import godnaravard.explain as module

    assert explanation_text is explain_render.explanation_text
    assert explanation_json is explain_render.explanation_json
    assert {"explanation_text", "explanation_json"} <= set(module.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        module.nothing  # noqa: B018
    e = explain(allocate(), "14")
    assert json.loads(explanation_json(e))["lan_code"] == "14"
    assert explanation_text(e).startswith(e.allocation.agreement.title)
