"""Data slots with any name, end to end (issue 17 §3).

The fixture tests/fixtures/slots_named/ is God och nära vård 2024's rules with its data in three
slots of other names: ``befolkning`` (the recipients, population only), ``insatser`` (the people
with HSL insatser, a second file joined by län code, in another row order) and ``nyckel`` (the
rural key). Its numbers are the shipped ones, so every output must equal the shipped
agreement's; every command, the API and the sweep take its slots by name, and the short forms
``--population``/``--landsbygd`` name its recipients and rural-key slots.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import godnaravard
from godnaravard.agreements import load_agreement
from godnaravard.errors import InputError
from godnaravard.own_data import data_slots, short_slot
from tests._cli import invoke

FIXTURE = Path(__file__).parent / "fixtures" / "slots_named"
SHIPPED = "god-och-nara-vard-2024"


def _insatser(tmp_path: Path, change: dict[str, int] | None = None, order: list[int] | None = None) -> Path:
    """A copy of the fixture's counts file, with some counts changed and its rows in ``order``."""
    rows = list(csv.DictReader((FIXTURE / "insatser.csv").open(encoding="utf-8")))
    for r in rows:
        r["hsl_insatser"] = str((change or {}).get(r["lan_code"], r["hsl_insatser"]))
    rows = [rows[i] for i in order] if order is not None else rows
    path = tmp_path / "egna_insatser.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, ["lan_code", "region", "hsl_insatser"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


def _rows(output: str) -> dict[str, dict[str, str]]:
    return {r["lan_code"]: r for r in csv.DictReader(io.StringIO(output))}


def test_the_slots_are_known_by_their_kind() -> None:
    ag = load_agreement(FIXTURE)
    assert {n: d.kind for n, d in ag.data.items()} == {"befolkning": "recipients", "insatser": "counts",
                                                       "nyckel": "rural_key"}
    assert ag.recipients.name == "befolkning" and ag.landsbygd is not None and ag.landsbygd.name == "nyckel"
    assert ag.count_columns == ("population", "hsl_insatser")
    assert ag.count_source("hsl_insatser").name == "insatser" and ag.count_source("population").name == "befolkning"
    assert data_slots(ag) == ("befolkning", "insatser", "nyckel")
    assert (short_slot(ag, "population"), short_slot(ag, "landsbygd")) == ("befolkning", "nyckel")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_allocate_equals_the_shipped_agreement(fmt: str) -> None:
    ours = invoke("allocate", "--agreement", FIXTURE, "--format", fmt)
    shipped = invoke("allocate", "--agreement", SHIPPED, "--format", fmt)
    assert ours.exit_code == shipped.exit_code == 0, ours.output
    if fmt == "csv":
        assert ours.stdout == shipped.stdout
    else:
        assert json.loads(ours.stdout)["rows"] == json.loads(shipped.stdout)["rows"]
        assert set(json.loads(ours.stdout)["data"]) == {"befolkning", "insatser", "nyckel"}


@pytest.mark.parametrize(("short", "slot", "file"), [("--population", "befolkning", "befolkning.csv"),
                                                     ("--landsbygd", "nyckel", "nyckel.csv")])
def test_the_short_forms_name_the_slots_of_their_kind(short: str, slot: str, file: str) -> None:
    by_short = invoke("allocate", "--agreement", FIXTURE, short, FIXTURE / file, "--format", "csv")
    by_slot = invoke("allocate", "--agreement", FIXTURE, "--data", f"{slot}={FIXTURE / file}", "--format", "csv")
    assert by_short.exit_code == by_slot.exit_code == 0, by_short.output + by_slot.output
    assert by_short.stdout == by_slot.stdout  # byte for byte
    assert "--data population" not in by_short.stderr


def test_data_population_equals_population_on_the_shipped_agreement(tmp_path: Path) -> None:
    own = tmp_path / "p.csv"
    shipped = load_agreement(SHIPPED).recipients.path
    own.write_text(shipped.read_text(encoding="utf-8").replace(",2455914,", ",2455915,"), encoding="utf-8")
    short = invoke("allocate", "--agreement", SHIPPED, "--population", own, "--format", "csv")
    long = invoke("allocate", "--agreement", SHIPPED, "--data", f"population={own}", "--format", "csv")
    assert short.exit_code == long.exit_code == 0 and short.stdout == long.stdout
    assert _rows(short.stdout)["01"]["population"] == "2455915"


def test_an_own_counts_file_changes_only_what_it_counts(tmp_path: Path) -> None:
    own = _insatser(tmp_path, {"01": 30_000})
    res = invoke("allocate", "--agreement", FIXTURE, "--data", f"insatser={own}", "--format", "csv")
    assert res.exit_code == 0, res.output
    base = _rows(invoke("allocate", "--agreement", FIXTURE, "--format", "csv").stdout)
    got = _rows(res.stdout)
    assert got["01"]["hsl_insatser"] == "30000" and got["01"]["population"] == base["01"]["population"]
    assert got["01"]["kommuner_insatser"] > base["01"]["kommuner_insatser"]
    assert all(got[c]["nara_vard"] == base[c]["nara_vard"] for c in base)  # shared by population alone
    assert sum(int(r["kommuner"]) for r in got.values()) == sum(int(r["kommuner"]) for r in base.values())


@settings(max_examples=10, deadline=None)
@given(order=st.permutations(range(21)))
def test_the_counts_file_is_joined_by_code_in_any_row_order(tmp_path_factory: pytest.TempPathFactory,
                                                            order: list[int]) -> None:
    own = _insatser(tmp_path_factory.mktemp("order"), order=list(order))
    a = godnaravard.allocate(agreement=FIXTURE, data={"insatser": own})
    assert a.rows == godnaravard.allocate(agreement=SHIPPED).rows


def test_api_and_scenario_file_take_slots_by_name(tmp_path: Path) -> None:
    own = _insatser(tmp_path, {"25": 1})
    by_data = godnaravard.allocate(agreement=FIXTURE, data={"insatser": own})
    (tmp_path / "s.toml").write_text(f'name = "s"\nagreement = "{FIXTURE.as_posix()}"\n[data]\n'
                                     f'insatser = "{own.name}"\n', encoding="utf-8")
    by_file = godnaravard.allocate(tmp_path / "s.toml")
    assert by_data.rows == by_file.rows and by_file.scenario.own_files() == {"insatser": own}
    assert by_data.scenario.data == {"insatser": own} and not by_data.as_signed
    by_keyword = godnaravard.allocate(agreement=FIXTURE, population=FIXTURE / "befolkning.csv")
    assert by_keyword.scenario.own_files() == {"befolkning": FIXTURE / "befolkning.csv"} and by_keyword.as_signed


def test_an_agreement_without_a_rural_key_refuses_the_landsbygd_short_form() -> None:
    with pytest.raises(InputError, match="has no rural key to replace: its data slots are population"):
        godnaravard.allocate(agreement="svf-cancer-2025-2", landsbygd=FIXTURE / "nyckel.csv")
    res = invoke("allocate", "--agreement", "svf-cancer-2025-2", "--landsbygd", FIXTURE / "nyckel.csv")
    assert res.exit_code == 2 and res.stderr.count("\n") == 1 and "--landsbygd" in res.stderr


def test_the_old_slot_names_are_unknown_here() -> None:
    res = invoke("allocate", "--agreement", FIXTURE, "--data", f"population={FIXTURE / 'befolkning.csv'}")
    assert res.exit_code == 2
    assert "unknown data slot 'population'" in res.stderr and "befolkning, insatser, nyckel" in res.stderr


def test_check_compares_with_the_shipped_official_tables() -> None:
    res = invoke("check", "--agreement", FIXTURE)
    assert res.exit_code == 0, res.output
    assert "Result: OK" in res.stdout


def test_explain_names_the_slot_of_each_count(tmp_path: Path) -> None:
    own = _insatser(tmp_path, {"01": 30_000})
    res = invoke("explain", "01", "--agreement", FIXTURE, "--data", f"insatser={own}", "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["data"]["insatser"]["own"] is True and doc["data"]["insatser"]["file"] == str(own)
    assert doc["data"]["befolkning"]["own"] is False and set(doc["data"]) == {"befolkning", "insatser", "nyckel"}
    assert doc["inputs"]["hsl_insatser"]["value"] == 30_000
    assert doc["inputs"]["hsl_insatser"]["source"].startswith(f"{own}: own file")
    assert "befolkning.csv" in doc["inputs"]["population"]["source"]


def test_diff_names_the_changed_slot(tmp_path: Path) -> None:
    own = _insatser(tmp_path, {"01": 30_000})
    res = invoke("diff", FIXTURE, "--data", f"insatser={own}", "--format", "json")
    assert res.exit_code == 0, res.output
    assert "insatser" in json.dumps(json.loads(res.stdout)["data_changes"])


def test_sweep_takes_the_slots(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    from godnaravard.sweep import sweep

    own = _insatser(tmp_path, {"01": 30_000})
    vary = {"ambulans.grundbelopp": "0,500000"}
    by_slot = sweep(vary, agreement=FIXTURE, data={"insatser": own})
    assert not by_slot.equals(sweep(vary, agreement=FIXTURE))
    assert by_slot.equals(sweep(vary, agreement=SHIPPED, data={"population": _joined(tmp_path, own)}))
    out = tmp_path / "s.csv"
    res = invoke("sweep", "--agreement", FIXTURE, "--vary", "ambulans.grundbelopp=0,500000", "--data",
                 f"insatser={own}", "--output", out)
    assert res.exit_code == 0, res.output
    assert "egen fil insatser" in res.stderr


def _joined(tmp_path: Path, insatser: Path) -> Path:
    """The shipped agreement's one recipients file with the counts of ``insatser``."""
    counts = {r["lan_code"]: r["hsl_insatser"] for r in csv.DictReader(insatser.open(encoding="utf-8"))}
    rows = list(csv.DictReader((FIXTURE / "befolkning.csv").open(encoding="utf-8")))
    path = tmp_path / "joined.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, ["lan_code", "lan", "region", "population", "hsl_insatser"], lineterminator="\n")
        w.writeheader()
        w.writerows({**r, "hsl_insatser": counts[r["lan_code"]]} for r in rows)
    return path


def test_the_workbook_lists_every_slot(tmp_path: Path) -> None:
    own = _insatser(tmp_path, {"01": 30_000})
    out = tmp_path / "w.xlsx"
    res = invoke("export", "--agreement", FIXTURE, "--data", f"insatser={own}", "--output", out)
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    texts = [str(c.value) for row in wb["Underlag"].iter_rows() for c in row if c.value is not None]
    assert "Källa: Befolkning per län" in texts and "Källa: Antal individer med kommunala HSL-insatser per län" in texts
    assert str(own) in texts and 30_000 in [c.value for row in wb["Underlag"].iter_rows() for c in row]
    cover = [str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value is not None]
    assert any(f"insatser: {own}" in t for t in cover)


def test_agreement_show_lists_each_slot_with_its_kind() -> None:
    res = invoke("agreement", "show", FIXTURE)
    assert res.exit_code == 0, res.output
    for line in ("data befolkning (recipients: population):", "data insatser (counts: hsl_insatser):",
                 "data nyckel (rural_key):"):
        assert line in res.stdout


def test_agreement_new_copies_every_slot(tmp_path: Path) -> None:
    target = tmp_path / "nytt"
    res = invoke("agreement", "new", target, "--from", FIXTURE)
    assert res.exit_code == 0, res.output
    assert {p.name for p in target.iterdir()} >= {"agreement.toml", "befolkning.csv", "insatser.csv", "nyckel.csv"}
    copy = invoke("allocate", "--agreement", target, "--format", "csv")
    assert copy.stdout == invoke("allocate", "--agreement", FIXTURE, "--format", "csv").stdout
    assert load_agreement(target).data["insatser"].path == (target / "insatser.csv").resolve()


def test_the_date_of_an_own_counts_file_follows_its_slot(tmp_path: Path) -> None:
    own = _insatser(tmp_path, {"01": 30_000})
    res = invoke("allocate", "--agreement", FIXTURE, "--data", f"insatser={own}", "--data-date",
                 "insatser=2024-11-01", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)["data"]
    assert data["insatser"] == {"file": str(own), "date": "2024-11-01", "own": True}
    assert data["befolkning"]["own"] is False and data["befolkning"]["date"] == "2023-11-01"
    ag = godnaravard.allocate(agreement=FIXTURE, data={"insatser": own}, data_dates={"insatser": "2024-11-01"}).agreement
    assert ag.label("hsl_insatser") == "Antal individer med insatser 1 nov 2024"  # {date.insatser}
    assert ag.label("population") == "Befolkning 1 nov 2023"  # {date.befolkning}: the agreement's own file
    undated = godnaravard.allocate(agreement=FIXTURE, data={"insatser": own}).agreement
    assert undated.label("hsl_insatser") == "Antal individer med insatser (egen fil)"


def test_a_kommun_agreement_joins_a_counts_file_by_kommun_code(tmp_path: Path) -> None:
    import shutil

    source = Path(__file__).parent / "fixtures" / "kommun_bidrag"
    folder = tmp_path / "kommun"
    shutil.copytree(source, folder)
    rows = list(csv.DictReader((source / "kommuner.csv").open(encoding="utf-8")))
    with (folder / "kommuner.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, ["kommun_code", "kommun", "population"], extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    (folder / "elever.csv").write_text("kommun,kommun_code,elever\n" + "".join(
        f"{r['kommun']},{r['kommun_code']},{r['elever']}\n" for r in reversed(rows)), encoding="utf-8")
    text = (folder / "agreement.toml").read_text(encoding="utf-8")
    text = text.replace('counts = ["population", "elever"]', 'counts = ["population"]\n\n[data.elever]\nkind = "counts"\n'
                        'file = "elever.csv"\ndate = 2023-12-31\nlabel = "Elever"\nsource = "Testdata"\ncounts = ["elever"]')
    (folder / "agreement.toml").write_text(text, encoding="utf-8")
    split = invoke("allocate", "--agreement", folder, "--format", "csv")
    whole = invoke("allocate", "--agreement", source, "--format", "csv")
    assert split.exit_code == whole.exit_code == 0, split.output
    assert split.stdout == whole.stdout
    (folder / "fel.csv").write_text("kommun_code,elever\n0114,5\n", encoding="utf-8")
    bad = invoke("allocate", "--agreement", folder, "--data", f"elever={folder / 'fel.csv'}")
    assert bad.exit_code == 2 and "fel.csv, row 2, column 'kommun_code'" in bad.stderr
    assert "unknown code '0114'" in bad.stderr
