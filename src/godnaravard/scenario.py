"""Scenarios: the parameters of one run, where each came from, and which data files it uses.

A scenario is a TOML file. The 2024 baseline (``data/scenarios/2024.toml``) states every
parameter with its value and the section of the agreement it comes from. Any other scenario
names a base (``base = "2024"`` or a path) and states only what differs::

    name = "grundbelopp 1 Mkr"
    description = "Ambulance base amount doubled"
    base = "2024"

    [parameters]
    "ambulans.grundbelopp" = 1_000_000          # or a table {value = ..., source = "..."}

    [data]                                      # optional; paths relative to this file
    population = "population_2024.csv"
    landsbygd = "landsbygd_per_kommun.csv"

``--set KEY=VALUE`` and the API's ``overrides`` apply on top, with the same keys.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .core import AMOUNT_KEYS, PARAMETER_KEYS, SHARE_KEYS, AllocationError, Parameters
from .errors import InputError, Problem
from .resources import data_file

__all__ = [
    "BASELINE",
    "Scenario",
    "baseline",
    "load_scenario",
    "parse_value",
    "parse_assignment",
    "scenario_from",
    "with_overrides",
]

BASELINE = "2024"
_SHIPPED = {BASELINE: "scenarios/2024.toml"}


@dataclass(frozen=True, slots=True)
class Scenario:
    """Everything a run needs besides the core: parameters with sources, and data paths.

    Attributes:
        name, description: what the scenario is.
        parameters: the validated parameters.
        sources: per parameter key, where its value comes from (a section of the agreement,
            a scenario file, or ``--set``).
        population, landsbygd: input files replacing the shipped data (None: shipped data).
        origin: the file the scenario was read from, or ``"2024"`` for the shipped baseline.
    """

    name: str
    description: str
    parameters: Parameters
    sources: Mapping[str, str]
    population: Path | None = None
    landsbygd: Path | None = None
    origin: str = BASELINE
    overrides: Mapping[str, int | Fraction] = field(default_factory=dict)

    @property
    def is_baseline(self) -> bool:
        """True for the unchanged 2024 scenario with the shipped data."""
        return (
            self.parameters == baseline().parameters and self.population is None and self.landsbygd is None
        )

    def changes(self) -> dict[str, tuple[int | Fraction, int | Fraction]]:
        """Parameters that differ from the 2024 baseline: ``{key: (2024 value, this value)}``."""
        return self.parameters.changed(baseline().parameters)


_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
_FRACTION = re.compile(r"^-?\d+\s*/\s*\d+$")


def parse_value(key: str, value: Any) -> int | Fraction:
    """Turn a value from the command line or a TOML file into an exact parameter value.

    Amounts: whole kronor (``1000000``, ``1_000_000``, ``1 000 000``). Shares and weights: an
    integer, a decimal (``0.5``), a fraction (``1/2``) or a percentage (``50%``).
    """
    if key not in PARAMETER_KEYS:
        near = [k for k in PARAMETER_KEYS if k.split(".")[-1] == key.split(".")[-1]]
        near = near or difflib.get_close_matches(key, PARAMETER_KEYS, n=1, cutoff=0.8)
        hint = f" (did you mean {near[0]}?)" if near else ""
        raise ValueError(f"unknown parameter {key!r}{hint}; known: {', '.join(PARAMETER_KEYS)}")
    if isinstance(value, bool):
        raise ValueError(f"{key}: expected a number, got {value!r}")
    if key in AMOUNT_KEYS:
        if isinstance(value, int):
            return value
        text = str(value).strip().replace("_", "").replace(" ", "").replace("\u00a0", "")
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        raise ValueError(f"{key}: expected whole kronor, got {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        value = repr(value)  # the decimal as written in the TOML file, exactly
    text = str(value).strip().replace(",", ".")
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    if _DECIMAL.match(text) or _FRACTION.match(text):
        try:
            number = Fraction(text.replace(" ", ""))
        except ZeroDivisionError:
            raise ValueError(f"{key}: division by zero in {value!r}") from None
        return number / 100 if percent else number
    kind = "a share such as 0.5, 1/2 or 50%" if key in SHARE_KEYS else "a weight such as 4, 4.5 or 9/2"
    raise ValueError(f"{key}: expected {kind}, got {value!r}")


def parse_assignment(text: str) -> tuple[str, int | Fraction]:
    """``KEY=VALUE`` from ``--set`` into a key and an exact value."""
    if "=" not in text:
        raise ValueError(f"--set expects KEY=VALUE, got {text!r}")
    key, _, value = text.partition("=")
    key = key.strip()
    return key, parse_value(key, value)


class _ParameterEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: int | float | str
    source: str = ""


class _DataSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    population: str | None = None
    landsbygd: str | None = None


class _ScenarioFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    description: str = ""
    date: str = ""
    base: str | None = None
    # Entries are checked one by one in ``_parameter_entry`` so that an error names its key.
    parameters: dict[str, Any] = Field(default_factory=dict)
    data: _DataSection = Field(default_factory=_DataSection)


def _parameter_entry(label: str, key: str, entry: Any) -> tuple[Any, str]:
    """The raw value and source of one ``[parameters]`` entry: a bare value or ``{value, source}``."""
    if isinstance(entry, dict):
        try:
            spec = _ParameterEntry.model_validate(entry)
        except ValidationError as exc:
            problems = [
                Problem(label, err["msg"], column=".".join(["parameters", key, *map(str, err["loc"])]))
                for err in exc.errors()
            ]
            raise InputError(problems) from None
        return spec.value, spec.source or f"scenario {label}"
    return entry, f"scenario {label}"


def _shipped_names() -> str:
    return ", ".join(sorted(_SHIPPED))


def _read_toml(path: Path, label: str) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        hint = "" if path.suffix else f" (shipped scenarios: {_shipped_names()})"
        raise InputError(Problem(label, f"the scenario file does not exist{hint}")) from None
    except IsADirectoryError:
        raise InputError(Problem(label, "this is a folder, not a scenario file")) from None
    except OSError as exc:
        raise InputError(Problem(label, f"the scenario file cannot be read: {exc.strerror}")) from None
    except UnicodeDecodeError:
        raise InputError(Problem(label, "the scenario file is not UTF-8 text")) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(Problem(label, f"not valid TOML: {exc}")) from None


def _identity(path: Path) -> str:
    """A file's identity for loop detection: its resolved path, however it was written."""
    try:
        return str(path.resolve())
    except OSError:
        return str(path.absolute())


def _load(ref: str | Path, seen: tuple[tuple[str, str], ...] = ()) -> Scenario:
    """Read, validate and resolve one scenario file; ``seen`` holds (identity, label) of the files
    that named it as their base, to refuse loops."""
    if str(ref) in _SHIPPED:
        path, label = data_file(_SHIPPED[str(ref)]), str(ref)
    else:
        path = Path(ref)
        label = str(ref)
    ident = _identity(path)
    if ident in (i for i, _ in seen):
        chain = " → ".join((*(lbl for _, lbl in seen), label))
        raise InputError(Problem(seen[-1][1], f"scenario bases form a loop: {chain}", column="base"))
    raw = _read_toml(path, label)
    try:
        spec = _ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        problems = [
            Problem(label, err["msg"], column=".".join(str(x) for x in err["loc"])) for err in exc.errors()
        ]
        raise InputError(problems) from None

    if spec.base is None:
        base_values: dict[str, int | Fraction] = {}
        base_sources: dict[str, str] = {}
        base_pop = base_land = None
    else:
        base_ref: str | Path = spec.base
        if spec.base not in _SHIPPED:
            base_ref = (path.parent / spec.base) if not Path(spec.base).is_absolute() else Path(spec.base)
        if not isinstance(base_ref, str) and not base_ref.is_file():
            raise InputError(Problem(label, f"the base scenario {spec.base!r} does not exist "
                                            f"(looked for {base_ref}; shipped: {_shipped_names()})",
                                     column="base"))
        base = _load(base_ref, (*seen, (ident, label)))
        base_values = dict(base.parameters.as_dict())
        base_sources = dict(base.sources)
        base_pop, base_land = base.population, base.landsbygd

    problems = []
    values = dict(base_values)
    sources = dict(base_sources)
    for key, entry in spec.parameters.items():
        try:
            raw_value, source = _parameter_entry(label, key, entry)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        try:
            values[key] = parse_value(key, raw_value)
            sources[key] = source
        except ValueError as exc:
            problems.append(Problem(label, str(exc), column=f"parameters.{key}"))
    missing = [k for k in PARAMETER_KEYS if k not in values]
    if missing and not problems:
        problems.append(Problem(label, f"no value and no base for: {', '.join(missing)}; add base = \"2024\""))
    if problems:
        raise InputError(problems)
    try:
        params = Parameters(values)
    except AllocationError as exc:
        raise InputError(Problem(label, str(exc), column="parameters")) from None

    def data_path(which: str, value: str | None, inherited: Path | None) -> Path | None:
        if value is None:
            return inherited
        p = Path(value)
        p = p if p.is_absolute() else Path(os.path.normpath(path.parent / p))
        if not p.is_file():
            what = "is a folder, not a file" if p.is_dir() else "does not exist"
            problems.append(Problem(label, f"the data file {value!r} {what} (looked for {p})",
                                    column=f"data.{which}"))
        return p

    population = data_path("population", spec.data.population, base_pop)
    landsbygd = data_path("landsbygd", spec.data.landsbygd, base_land)
    if problems:
        raise InputError(problems)
    return Scenario(
        name=spec.name,
        description=spec.description,
        parameters=params,
        sources=sources,
        population=population,
        landsbygd=landsbygd,
        origin=label,
    )


_BASELINE_CACHE: list[Scenario] = []


def baseline() -> Scenario:
    """The shipped 2024 scenario (parameters of the agreement as signed)."""
    if not _BASELINE_CACHE:
        _BASELINE_CACHE.append(_load(BASELINE))
    return _BASELINE_CACHE[0]


def load_scenario(ref: str | Path | None = None) -> Scenario:
    """A scenario by shipped name (``"2024"``) or TOML path; ``None`` is the 2024 baseline."""
    if ref is None or str(ref) == BASELINE:
        return baseline()
    return _load(ref)


def with_overrides(
    scenario: Scenario, overrides: Mapping[str, Any] | None, origin: str = "--set"
) -> Scenario:
    """The scenario with parameters overridden (values as for ``parse_value``), re-validated."""
    if not overrides:
        return scenario
    parsed: dict[str, int | Fraction] = {}
    problems = []
    for key, value in overrides.items():
        try:
            parsed[key] = parse_value(key, value)
        except ValueError as exc:
            problems.append(Problem(origin, str(exc), column=key))
    if problems:
        raise InputError(problems)
    try:
        params = scenario.parameters.with_values(parsed)
    except AllocationError as exc:
        raise InputError(Problem(origin, str(exc))) from None
    sources = dict(scenario.sources) | {k: f"{origin} {k}={v}" for k, v in parsed.items()}
    return replace(scenario, parameters=params, sources=sources, overrides={**scenario.overrides, **parsed})


def scenario_from(
    base: Scenario | str | Path | None = BASELINE,
    parameters: Mapping[str, Any] | None = None,
    *,
    name: str | None = None,
    description: str = "",
    population: str | Path | None = None,
    landsbygd: str | Path | None = None,
) -> Scenario:
    """A scenario built in code: ``base`` with some parameters and data files replaced.

    The same thing a scenario file with ``base = ...`` says, without a file::

        >>> sc = scenario_from(parameters={"ambulans.grundbelopp": 1_000_000}, name="grundbelopp 1 Mkr")
        >>> sc.changes()
        {'ambulans.grundbelopp': (500000, 1000000)}

    Args:
        base: the scenario to start from: a ``Scenario``, a shipped name (``"2024"``, the
            default) or the path of a scenario file.
        parameters: changed parameters by dotted key, values as in a scenario file or ``--set``
            (``1_000_000``, ``"1/4"``, ``"25%"``, ``Fraction(1, 4)``).
        name, description: what the scenario is (default name: the base's name and the changes).
        population, landsbygd: data files replacing the base's (checked when allocating).

    Raises:
        InputError: an unknown key or an invalid value (all problems at once).
    """
    start = base if isinstance(base, Scenario) else load_scenario(base)
    values = {k: str(v) if isinstance(v, Fraction) else v for k, v in (parameters or {}).items()}
    label = name or start.name + "".join(f", {k}={v}" for k, v in values.items())
    sc = with_overrides(start, values, origin=f"scenario {label!r} (built in code)")
    return replace(
        sc,
        name=label,
        description=description or start.description,
        population=Path(population) if population is not None else sc.population,
        landsbygd=Path(landsbygd) if landsbygd is not None else sc.landsbygd,
        origin=f"scenario_from(base={start.origin!r})",
    )
