"""A test helper: agreement definitions written into a folder, with any parameter keys and any number of lines.

Used by tests/test_excel_names.py, tests/test_hostile_workbook.py and benchmarks/run.py (export time
per budget line); ``line_variant`` (a fixture with other budget lines) by tests/test_excel_round_to.py
and tests/test_plan_backends.py. The population file is the shipped one of the guide fixture (21 regions).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "guide_kommuner_ambulans"

_HEAD = """name = "generated"
title = {title}
year = 2024
parties = ["Staten", "SKR"]
document = "Genererad definition"
sections = "Avsnitt 1"
recipients = "region"

[data.population]
kind = "recipients"
file = "population.csv"
date = 2023-11-01
label = "Befolkning"
source = "Testdata"
counts = ["population", "hsl_insatser"]

[keys.population]
column = "population"
label = "befolkningsandel"

[keys.hsl_insatser]
column = "hsl_insatser"
label = "HSL-insatser"

[[columns]]
name = "lan_code"
kind = "code"
label = "Kod"

[[columns]]
name = "region"
kind = "text"
label = "Region"

[[columns]]
name = "population"
kind = "count"
label = "Befolkning"
"""


def _q(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def write_definition(
    folder: Path,
    keys: Sequence[str],
    *,
    shared: Sequence[str] = (),
    table_label: str = "Bilaga 1",
    title: str = "Genererad överenskommelse",
    source: str = "Testkälla",
    totals: Sequence[int] | None = None,
) -> Path:
    """A definition in ``folder`` with one budget line per key of ``keys`` (its total that parameter, shared by
    population) and, for each key of ``shared``, a share parameter on the first line (by HSL insatser; the
    shares sum to at most 1/2).

    Every line is a column of the overview and of one table labelled ``table_label``. Returns the folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE / "population.csv", folder / "population.csv")
    totals = list(totals) if totals is not None else [1_000_000 * (i + 1) + 7 for i in range(len(keys))]
    out = [_HEAD.format(title=_q(title))]
    names = [f"l{i}" for i in range(len(keys))]
    for i, (name, key) in enumerate(zip(names, keys, strict=True)):
        parts = ['{ name = "befolkning", key = "population" }']
        if i == 0 and shared:
            parts = [f'{{ name = "s{j}", key = "hsl_insatser", share = {_q(k)} }}' for j, k in enumerate(shared)]
            parts.append('{ name = "befolkning", key = "population" }')
        out.append(f'[[lines]]\nname = "{name}"\nlabel = "Rad {i}"\ntotal = {_q(key)}\nsection = "Avsnitt 1"\n'
                   f"parts = [{', '.join(parts)}]\n")
        out.append(f'[[columns]]\nname = "{name}"\nkind = "line"\nref = ["{name}"]\nlabel = "Rad {i}"\n')
    columns = ", ".join(_q(c) for c in ["lan_code", "region", "population", *names])
    out.append(f'[[tables]]\nname = "overview"\nlabel = "Översikt"\ntitle = "Översikt"\ncolumns = [{columns}]\n')
    out.append(f'[[tables]]\nname = "bilaga1"\nlabel = {_q(table_label)}\ntitle = "Tabell"\ncolumns = [{columns}]\n')
    for key, total in zip(keys, totals, strict=True):
        out.append(f'[parameters.{_q(key)}]\nvalue = {total}\nkind = "amount"\nunit = "kr"\n'
                   f'label = {_q("Total " + key[:40])}\nsource = {_q(source)}\n')
    for j, key in enumerate(shared):
        out.append(f'[parameters.{_q(key)}]\nvalue = "1/{2 * len(shared) + j}"\nkind = "share"\nunit = "andel"\n'
                   f'label = {_q("Andel " + key[:40])}\nsource = {_q(source)}\n')
    (folder / "agreement.toml").write_text("\n".join(out), encoding="utf-8")
    return folder


def line_variant(base: Path, folder: Path, lines: str, counts: Sequence[str] = (), append: str = "") -> Path:
    """The agreement ``base`` copied to ``folder`` with its budget lines (from ``[[lines]]`` to
    ``[[columns]]``) replaced by ``lines``, its recipients' ``counts = [...]`` by ``counts`` when
    given, and ``append`` added at the end (parameters of the new lines)."""
    shutil.copytree(base, folder)
    toml = folder / "agreement.toml"
    text = toml.read_text(encoding="utf-8")
    start, end = text.index("[[lines]]"), text.index("[[columns]]")
    text = text[:start] + lines + "\n" + text[end:]
    if counts:
        text, n = re.subn(r"(?m)^counts = \[.*\]$", f"counts = {json.dumps(list(counts))}", text, count=1)
        assert n == 1, base
    toml.write_text(text + append, encoding="utf-8")
    return folder
