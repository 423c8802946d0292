"""Loading and validating the input data: population and HSL insatser per län, and the rural key.

Each file is read by ``tables.read_table`` and every row validated with a pydantic model; every
problem found is reported at once, naming the file, the row as the user sees it and the column.
The result is the core's plain ``Inputs``.
"""

from __future__ import annotations

import difflib
import re
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .core import CATEGORIES, Inputs, KommunRow, Region, RuralKey, key_from_kommuner
from .errors import InputError, Problem
from .lan import LAN, lookup
from .resources import data_file, source_of
from .tables import Table, read_table

__all__ = [
    "POPULATION_FILE",
    "LANDSBYGD_FILE",
    "MAX_POPULATION",
    "parse_count",
    "load_population",
    "load_landsbygd",
    "load_inputs",
]

POPULATION_FILE = "population_2023.csv"
LANDSBYGD_FILE = "landsbygd_weights.csv"
#: No län has ever had 100 million inhabitants; a larger count is a typing error.
MAX_POPULATION = 100_000_000

_THOUSANDS = re.compile(r"^\d{1,3}([ \u00a0\u202f.]\d{3})+$")


def parse_count(value: Any) -> int:
    """A whole number ≥ 0 from a cell: ``12345``, ``12 345``, ``12\u00a0345`` or ``12.345``."""
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    if isinstance(value, int):
        n = value
    else:
        text = str(value).strip()
        if text == "":
            raise ValueError("the cell is empty; expected a whole number")
        if text.isdigit():
            n = int(text)
        elif _THOUSANDS.match(text):
            n = int(re.sub(r"[ \u00a0\u202f.]", "", text))
        else:
            raise ValueError(f"expected a whole number ≥ 0, got {text!r}")
    if n < 0:
        raise ValueError(f"expected a whole number ≥ 0, got {n}")
    if n > MAX_POPULATION:
        raise ValueError(f"{n} is too large to be a count of people in one län (max {MAX_POPULATION})")
    return n


Count = Annotated[int, BeforeValidator(parse_count)]
OptionalCount = Annotated[int | None, BeforeValidator(lambda v: None if str(v).strip() == "" else parse_count(v))]
LanCode = Annotated[str, Field(pattern=r"^\d{2}$"), BeforeValidator(lambda v: str(v).strip())]


class PopulationRecord(BaseModel):
    """One row of a population file (columns of ``data/population_2023.csv``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    lan_code: LanCode
    lan: str = Field(min_length=1)
    region: str = Field(min_length=1)
    population: Count
    hsl_insatser: Count


class RuralKeyRecord(BaseModel):
    """One row of a per-region rural key (columns of ``data/landsbygd_weights.csv``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    lan_code: LanCode
    region: str = ""
    tatortsnara_inv: OptionalCount = None
    gles_inv: OptionalCount = None
    mycket_gles_inv: OptionalCount = None
    vagd_summa: OptionalCount = None
    status: str = ""


_CATEGORY_NAMES = {
    "tatortsnara": "tatortsnara", "tätortsnära": "tatortsnara",
    "tätortsnära landsbygdskommun": "tatortsnara",
    "gles": "gles", "glesa": "gles", "gles landsbygdskommun": "gles",
    "mycket_gles": "mycket_gles", "mycket gles": "mycket_gles", "mycket glesa": "mycket_gles",
    "mycket gles landsbygdskommun": "mycket_gles",
    "ovrig": "ovrig", "övrig": "ovrig", "ovriga": "ovrig", "övriga": "ovrig",
}


def _category(value: Any) -> str:
    text = str(value).strip().casefold()
    if text in _CATEGORY_NAMES:
        return _CATEGORY_NAMES[text]
    raise ValueError(f"unknown category {value!r}; expected one of tatortsnara, gles, mycket_gles, ovrig")


class KommunRecord(BaseModel):
    """One row of a per-kommun rural key: kommun code, category, population."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    kommun_code: Annotated[str, Field(pattern=r"^\d{4}$"), BeforeValidator(lambda v: str(v).strip())]
    kategori: Annotated[str, BeforeValidator(_category)]
    population: Count


def _check_columns(table: Table, model: type[BaseModel], optional: set[str] = frozenset()) -> None:
    expected = list(model.model_fields)
    problems = []
    for col in table.header:
        if col not in expected and model.model_config.get("extra") == "forbid":
            near = difflib.get_close_matches(col, expected, n=1)
            hint = f"; did you mean '{near[0]}'?" if near else f"; expected columns: {', '.join(expected)}"
            problems.append(Problem(table.file, f"unknown column{hint}", row=1, column=col))
    for col in expected:
        if col not in table.header and col not in optional:
            problems.append(Problem(table.file, "this column is missing", row=1, column=col))
    if problems:
        raise InputError(problems)


def _validate_rows(table: Table, model: type[BaseModel]) -> list[tuple[int, Any]]:
    problems: list[Problem] = []
    records = []
    for line_no, cells in table.rows:
        try:
            records.append((line_no, model.model_validate(cells)))
        except ValidationError as exc:
            for err in exc.errors():
                col = str(err["loc"][0]) if err["loc"] else None
                msg = err["msg"].removeprefix("Value error, ")
                if err["type"] == "string_pattern_mismatch":
                    msg = f"expected {'two' if col == 'lan_code' else 'four'} digits, got {cells.get(col or '', '')!r}"
                problems.append(Problem(table.file, msg, row=line_no, column=col))
    if problems:
        raise InputError(problems)
    return records


def _check_lan(file: str, coded: list[tuple[int, str, str | None]]) -> None:
    """Every län exactly once; codes known; names (when given) agree with codes."""
    problems = []
    seen: dict[str, int] = {}
    for line_no, code, name in coded:
        if code not in LAN:
            problems.append(Problem(file, f"unknown län code {code!r}", row=line_no, column="lan_code"))
            continue
        if code in seen:
            problems.append(
                Problem(file, f"län {code} ({LAN[code]}) appears again (first on row {seen[code]})",
                        row=line_no, column="lan_code")
            )
        seen.setdefault(code, line_no)
        if name and lookup(name) not in (None, code):
            problems.append(
                Problem(file, f"name {name!r} is län {lookup(name)}, but the code says {code} ({LAN[code]})",
                        row=line_no, column="lan_code")
            )
    missing = [f"{c} {n}" for c, n in LAN.items() if c not in seen]
    if missing:
        problems.append(Problem(file, f"missing län: {', '.join(missing)}"))
    if problems:
        raise InputError(problems)


def load_population(path: str | Path | None = None) -> tuple[Region, ...]:
    """Population and HSL insatser per län from ``path`` (default: the shipped 2023 file)."""
    if path is None:
        source_of(POPULATION_FILE)
        path = data_file(POPULATION_FILE)
    table = read_table(path)
    _check_columns(table, PopulationRecord)
    records = _validate_rows(table, PopulationRecord)
    _check_lan(table.file, [(n, r.lan_code, r.lan) for n, r in records])
    problems = []
    for column in ("population", "hsl_insatser"):
        if sum(getattr(r, column) for _, r in records) == 0:
            problems.append(Problem(table.file, "the column sums to zero: nothing to share by", column=column))
    if problems:
        raise InputError(problems)
    return tuple(
        Region(lan_code=r.lan_code, lan=r.lan, region=r.region, population=r.population,
               hsl_insatser=r.hsl_insatser)
        for _, r in records
    )


def _reference_weights() -> tuple[Fraction, Fraction, Fraction]:
    ref = source_of(LANDSBYGD_FILE)["reference_weights"]
    return (Fraction(ref["tatortsnara"]), Fraction(ref["gles"]), Fraction(ref["mycket_gles"]))


def load_landsbygd(path: str | Path | None = None) -> tuple[tuple[RuralKey, ...], tuple[Fraction, Fraction, Fraction]]:
    """The rural key per region, and the weights its weighted sums were computed at.

    ``path`` is either a per-region key (the format of ``data/landsbygd_weights.csv``) or a
    per-kommun list (``kommun_code``, ``kategori``, ``population``); the format is told by the
    header. Default: the shipped 2024 key.
    """
    reference = _reference_weights()
    if path is None:
        path = data_file(LANDSBYGD_FILE)
    table = read_table(path)
    if "kommun_code" in table.header:
        _check_columns(table, KommunRecord, optional=set())
        records = _validate_rows(table, KommunRecord)
        problems = []
        seen: dict[str, int] = {}
        for line_no, r in records:
            if r.kommun_code[:2] not in LAN:
                problems.append(Problem(table.file, f"kommun code {r.kommun_code} is in no known län",
                                        row=line_no, column="kommun_code"))
            if r.kommun_code in seen:
                problems.append(Problem(table.file, f"kommun {r.kommun_code} appears again (first on row "
                                        f"{seen[r.kommun_code]})", row=line_no, column="kommun_code"))
            seen.setdefault(r.kommun_code, line_no)
        if problems:
            raise InputError(problems)
        rows = [KommunRow(kommun_code=r.kommun_code, kategori=r.kategori, population=r.population)
                for _, r in records]
        return key_from_kommuner(rows, LAN), reference
    _check_columns(table, RuralKeyRecord, optional={"region", "status", "vagd_summa", "tatortsnara_inv",
                                                     "gles_inv", "mycket_gles_inv"})
    records = _validate_rows(table, RuralKeyRecord)
    _check_lan(table.file, [(n, r.lan_code, r.region or None) for n, r in records])
    problems = []
    keys = []
    for line_no, r in records:
        cats = (r.tatortsnara_inv, r.gles_inv, r.mycket_gles_inv)
        known = [c is not None for c in cats]
        if any(known) and not all(known):
            col = ("tatortsnara_inv", "gles_inv", "mycket_gles_inv")[known.index(False)]
            problems.append(Problem(table.file, "give all three categories or none", row=line_no, column=col))
            continue
        if not all(known) and r.vagd_summa is None:
            problems.append(Problem(table.file, "neither the categories nor the weighted sum is given",
                                    row=line_no, column="vagd_summa"))
            continue
        if all(known) and r.vagd_summa is not None:
            w = sum((f * c for f, c in zip(reference, cats, strict=True)), Fraction(0))  # type: ignore[misc]
            if w != r.vagd_summa:
                problems.append(Problem(
                    table.file,
                    f"the categories give a weighted sum of {w} at weights "
                    f"{'/'.join(str(x) for x in reference)}, not {r.vagd_summa}",
                    row=line_no, column="vagd_summa"))
                continue
        keys.append(RuralKey(lan_code=r.lan_code, tatortsnara=cats[0], gles=cats[1], mycket_gles=cats[2],
                             vagd_summa=r.vagd_summa))
    if problems:
        raise InputError(problems)
    return tuple(keys), reference


def load_inputs(population: str | Path | None = None, landsbygd: str | Path | None = None) -> Inputs:
    """Both inputs, validated, as the core's ``Inputs`` (defaults: the shipped 2023/2024 data)."""
    regions = load_population(population)
    key, reference = load_landsbygd(landsbygd)
    order = {r.lan_code: i for i, r in enumerate(regions)}
    key = tuple(sorted(key, key=lambda k: order[k.lan_code]))
    return Inputs(regions=regions, rural_key=key, reference_weights=reference)
