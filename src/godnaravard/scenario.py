"""Scenarios: the parameters of one run, where each came from, and which data files it uses.

Every agreement's definition (``godnaravard.agreements``) states each parameter with its value
and the section it comes from: that is the agreement's *baseline* scenario. Any other scenario
is a TOML file that names a base (an agreement by name or alias, or another scenario file) and
states only what differs::

    name = "grundbelopp 1 Mkr"
    description = "Ambulance base amount doubled"
    base = "NAME"                               # an agreement's name or alias, or a scenario file

    [parameters]
    "ambulans.grundbelopp" = 1_000_000          # or a table {value = ..., source = "..."}
    "kommuner.total" = "+10%"                   # relative to the base's value (godnaravard.relative)

    [data]                                      # optional; paths relative to this file
    population = { file = "population_new.csv", date = YYYY-MM-DD }   # a slot's name, as the definition
    landsbygd = "landsbygd_per_kommun.csv"                            # names it; or just the path

A file may instead name its agreement (``agreement = "NAME"``, or a definition's
path) and no base: it then starts from that agreement as signed (or from the one given with
``--agreement``). ``--set KEY=VALUE`` and the API's ``overrides`` apply on top, with the same keys.
Every path in a scenario file (``base``, the data files) is read relative to the file's folder.
``[data]`` names any data slot of the agreement (``own_data.data_slots``); ``date`` beside a path
is the own file's date, which every heading derived from it follows (``Scenario.labelled``).

Limits: a scenario file is a regular file of at most ``MAX_SCENARIO_BYTES`` (checked before it
is read; a folder, device or pipe is refused as what it is); a chain of bases is at most
``MAX_BASES`` files long (followed in a loop, not by recursion, and a loop is refused by name).
TOML decimals are read exactly (``0.00001`` is 1/100000), never through a binary float.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import field, replace
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from pydantic_core import SchemaValidator, ValidationError, core_schema

from .agreements import Agreement, borrowed_name, dated_agreement, load_agreement
from .agreements import parse_value as _parse_kind
from .core import AllocationError, Inputs, Parameters
from .errors import InputError, Problem, optional, record
from .frozen import frozen
from .relative import Change, change, is_relative
from .scenario_data import data_section

__all__ = [
    "MAX_BASES",
    "MAX_SCENARIO_BYTES",
    "Scenario",
    "baseline",
    "load_scenario",
    "parse_value",
    "parse_assignment",
    "parse_change",
    "scenario_from",
    "with_overrides",
]


#: A scenario file states a few parameters; one larger than this (1 MiB) is not one.
MAX_SCENARIO_BYTES = 1024 * 1024
#: At most this many scenario files in a chain of bases (a file, its base, its base's base …).
MAX_BASES = 100


@frozen
class Scenario:
    """Everything a run needs besides the core: the agreement, parameters with sources, data paths.

    Attributes:
        name, description: what the scenario is.
        agreement: the agreement it applies (rules, labels, own data and parameters).
        parameters: the validated parameters.
        sources: per parameter key, where its value comes from (a section of the agreement,
            a scenario file, or ``--set``).
        data: own input files by data slot, replacing the agreement's files of those slots
            (issue 17 §3; a slot not listed: the agreement's own file).
        origin: the file the scenario was read from, or the agreement's name for its baseline.
        data_dates: the dates of own files, by data slot (an own file not listed has no date).
    """

    name: str
    description: str
    parameters: Parameters
    sources: Mapping[str, str]
    agreement: Agreement
    data: Mapping[str, Path] = field(default_factory=dict)
    origin: str = ""
    overrides: Mapping[str, int | Fraction] = field(default_factory=dict)
    #: The parameters given as a relative change (``+10%``, ``*1.1``), by key: how each value arose.
    relative: Mapping[str, Change] = field(default_factory=dict)
    data_dates: Mapping[str, dt.date] = field(default_factory=dict)

    @property
    def is_baseline(self) -> bool:
        """True for the agreement's own parameters with its own data (the agreement as signed)."""
        return self.parameters == self.agreement.parameters and not self.data

    @property
    def as_signed(self) -> bool:
        """True when this is the agreement as signed: its own parameters (by value, however they
        were given: a ``--set`` or scenario file that restates them counts) and its own data (by
        content: an own file whose rows equal the agreement's counts; the loaded inputs are
        compared, not paths). Only then do the signed tables' adjustments apply.
        """
        if self.parameters != self.agreement.parameters or borrowed_name(self.agreement):
            return False
        if not self.data:
            return True
        from .scenario_inputs import read_inputs  # (reads the data: only when own files are named)

        return self.signed_with(read_inputs(self)[0])

    def signed_with(self, inputs: Inputs) -> bool:
        """``as_signed`` for inputs already read from this scenario's data (``scenario_inputs.read_inputs``):
        the same recipients with the same counts and rural key as the agreement's own data, in
        any order of rows. Never for a definition that borrows a shipped agreement's name (issue 17)."""
        if self.parameters != self.agreement.parameters or borrowed_name(self.agreement):
            return False
        if not self.data:
            return True
        from .scenario_inputs import read_inputs

        return _content(inputs) == _content(read_inputs(baseline(self.agreement))[0])

    def changes(self) -> dict[str, tuple[int | Fraction, int | Fraction]]:
        """Parameters that differ from the agreement's: ``{key: (agreement's value, this value)}``."""
        return self.parameters.changed(self.agreement.parameters)

    def own_files(self) -> dict[str, Path]:
        """The input files that replace the agreement's own data, by data slot."""
        return dict(self.data)

    def with_data(self, files: Mapping[str, str | Path] | None = None,
                  dates: Mapping[str, Any] | None = None) -> Scenario:
        """This scenario with own data files and their dates, by data slot (issue 17 §3, issue 18 §2).

        ``files`` replaces the files of some slots (a new file drops the old file's date);
        ``dates`` gives the date (``YYYY-MM-DD`` or a ``datetime.date``) of an own file, of this
        scenario or of ``files``. An unknown slot, a bad date, or a date of a slot without an own
        file is refused, naming ``--data`` or ``--data-date`` and the known slots.
        """
        from .own_data import DataSlotError, parse_date, unknown_slot

        problems = [Problem("--data", why, key=name) for name in files or {}
                    if (why := unknown_slot(self.agreement, name)) is not None]
        own = {**self.own_files(), **{k: Path(v) for k, v in (files or {}).items()}}
        when = {k: v for k, v in self.data_dates.items() if k not in (files or {})}
        for name, value in (dates or {}).items():
            why = unknown_slot(self.agreement, name)
            if why is None and name not in own:
                why = (f"{name} is the agreement's own file here; --data-date dates an own file: give it with "
                       f"--data {name}=FILE")
            try:
                when[name] = parse_date(value)
            except DataSlotError as exc:
                why = why or str(exc)
            if why is not None:
                problems.append(Problem("--data-date", why, key=name))
        if problems:
            raise InputError(problems)
        return replace(self, data=own, data_dates=when)

    def labelled(self) -> Scenario:
        """This scenario with every text of its agreement that names a data file's date following
        its own files: their dates, or "(egen fil)" for one without a date (``dated_agreement``).
        The agreement's rules and this scenario's parameters and sources are otherwise unchanged."""
        own = self.own_files()
        if not own and self.agreement.plain is None:
            return self
        dated = dated_agreement(self.agreement, {n: self.data_dates.get(n) for n in own})
        if dated is self.agreement:
            return self
        before = self.agreement.parameter_info
        sources = {k: dated.parameter_info[k].source if k in before and v == before[k].source else v
                   for k, v in self.sources.items()}
        return replace(self, agreement=dated, parameters=Parameters(self.parameters.as_dict(), dated.rules),
                       sources=sources)


def _content(inputs: Inputs) -> tuple[object, ...]:
    """What the data of an allocation says, whatever the order of its rows: each recipient with
    its counts, and the rural key, by code."""
    regions = sorted(((r.code, r.lan, r.name, sorted(r.counts.items()))
                      for r in inputs.recipients), key=lambda t: t[0])
    rural = sorted(((k.code, sorted((k.inhabitants or {}).items()), k.inhabitants is None, k.weighted_sum)
                    for k in inputs.rural_key), key=lambda t: t[0])
    return tuple(regions), tuple(rural), sorted(inputs.reference_weights.items())


def parse_value(
    key: str, value: Any, agreement: Agreement | None = None, base: int | Fraction | None = None
) -> int | Fraction:
    """Turn a value from the command line or a TOML file into an exact parameter value.

    The key must be one of the agreement's parameters (default: the default agreement). Amounts:
    whole kronor (``1000000``, ``1_000_000``, ``1 000 000``). Shares and weights: an integer, a
    decimal (``0.5``), a fraction (``1/2``) or a percentage (``50%``). A relative change
    (``+10%``, ``-2.5%``, ``*1.1``; ``godnaravard.relative``) applies to ``base``, the value the
    scenario it applies to has (default: the agreement's).
    """
    return parse_change(key, value, agreement, base)[0]


def parse_change(
    key: str, value: Any, agreement: Agreement | None = None, base: int | Fraction | None = None
) -> tuple[int | Fraction, Change | None]:
    """``parse_value``, and the relative change that gave the value (None for a value as given)."""
    agreement = agreement or load_agreement()
    kinds = agreement.rules.parameters
    if key not in kinds:
        from .suggest import either, suggest  # (only for a message)

        near = suggest(key, kinds, {k: (info.label,) for k, info in agreement.parameter_info.items()})
        hint = f" (did you mean {either(near)}?)" if near else ""
        raise ValueError(
            f"unknown parameter {key!r}{hint}; `godnaravard parameters --agreement {agreement.name}` lists the keys"
        )
    if is_relative(value):
        start = agreement.parameters[key] if base is None else base
        found = change(key, kinds[key], start, value)
        return found.value, found
    return _parse_kind(key, value, kinds[key]), None


def parse_assignment(text: str, agreement: Agreement | None = None) -> tuple[str, int | Fraction]:
    """``KEY=VALUE`` from ``--set`` into a key and an exact value (a relative change applies to the
    agreement's value)."""
    if "=" not in text:
        raise ValueError(f"--set expects KEY=VALUE, got {text!r}")
    key, _, value = text.partition("=")
    key = key.strip()
    return key, parse_value(key, value, agreement)


@cache
def _entry() -> SchemaValidator:
    """The validator of a ``{value, source}`` entry of ``[parameters]``."""
    cs = core_schema
    return SchemaValidator(record("_ParameterEntry", {
        "value": cs.any_schema(),  # read by parse_value, which refuses a boolean (true is not 1 kr)
        "source": optional(cs.str_schema(), ""),
    }))


@cache
def _scenario_file() -> SchemaValidator:
    """The validator of a scenario file (built when a scenario file is first read: most runs read none)."""
    cs = core_schema
    text = cs.str_schema
    # ``[data]``: a data slot → its file, or ``{file, date}`` (each entry is checked in ``scenario_data.data_section``).
    data = cs.dict_schema(text(), cs.any_schema())
    return SchemaValidator(record("_ScenarioFile", {
        "name": text(min_length=1),
        "description": optional(text(), ""),
        "date": optional(text(), ""),
        "base": optional(cs.nullable_schema(text()), None),
        "agreement": optional(cs.nullable_schema(text()), None),
        # Entries are checked one by one in ``_parameter_entry`` so that an error names its key.
        "parameters": optional(cs.dict_schema(text(), cs.any_schema()), {}),
        "data": optional(data, {}),  # no [data]: no files
    }))


def _data_entry() -> SchemaValidator:
    """The validator of a ``{file, date}`` entry of ``[data]`` (the date is read by ``own_data.parse_date``)."""
    cs = core_schema
    return SchemaValidator(record("_DataEntry", {"file": cs.str_schema(min_length=1),
                                                 "date": optional(cs.any_schema(), None)}))


def _parameter_entry(label: str, key: str, entry: Any) -> tuple[Any, str]:
    """The raw value and source of one ``[parameters]`` entry: a bare value or ``{value, source}``."""
    if isinstance(entry, dict):
        try:
            spec = _entry().validate_python(entry)
        except ValidationError as exc:
            problems = [
                Problem(label, err["msg"], key=".".join(["parameters", key, *map(str, err["loc"])]))
                for err in exc.errors()
            ]
            raise InputError(problems) from None
        return spec.value, spec.source or f"scenario {label}"
    return entry, f"scenario {label}"


def _shipped_names() -> str:
    from .agreements import shipped_agreements

    return ", ".join(n for a in shipped_agreements() for n in (a.name, *a.aliases))


def _agreement_ref(ref: str, relative_to: Path | None = None) -> Agreement | None:
    """The agreement named by ``ref`` (a shipped name or alias, or a definition's folder or file), or
    None when there is none. A path is taken from ``relative_to`` (a scenario file's folder; default
    the working folder), as a shipped name's ambiguity with a folder is (issue 17 "Names";
    ``agreements.resolve``). A scenario's ``agreement =`` (``relative_to`` given) that names a
    broken definition is refused; a probe (``--scenario NAME``, ``base``) of a file that is not an
    ``agreement.toml`` and not a definition is None (it may be a scenario file)."""
    from .agreements import DEFINITION, NoSuchAgreement, resolve

    try:
        path = resolve(ref, relative_to)
    except NoSuchAgreement:
        return None
    if relative_to is None and path.name != DEFINITION:
        try:
            return load_agreement(path)
        except InputError:
            return None
    return load_agreement(path)


def _read_toml(path: Path, label: str) -> dict[str, Any]:
    """A scenario file: a regular file of at most ``MAX_SCENARIO_BYTES`` (checked before it is
    read), as TOML with exact decimals."""
    from .tables import read_toml

    hint = "" if path.suffix else f" (shipped agreements: {_shipped_names()})"
    return read_toml(path, label, MAX_SCENARIO_BYTES, what="scenario file", hint=hint)


def _identity(path: Path) -> str:
    """A file's identity for loop detection: its resolved path, however it was written."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # (RuntimeError: a symlink loop, before Python 3.13)
        return str(path.absolute())


@frozen
class _Link:
    """One scenario file of a chain of bases, read and validated, not yet applied."""

    path: Path
    label: str
    spec: Any  # the validated file (see _scenario_file)
    named: Agreement | None


def _read_spec(path: Path, label: str) -> Any:
    raw = _read_toml(path, label)
    try:
        return _scenario_file().validate_python(raw)
    except ValidationError as exc:
        problems = [
            Problem(label, err["msg"], key=".".join(str(x) for x in err["loc"])) for err in exc.errors()
        ]
        raise InputError(problems) from None


def _load(ref: str | Path, agreement: Agreement | None = None) -> Scenario:
    """Read, validate and resolve a scenario file and the chain of its bases.

    The chain is followed in a loop (never by recursion, however long it is): each file is read
    once; a file met twice is a loop, refused with the chain; more than ``MAX_BASES`` files
    are refused. Then the files are applied from the first base up.
    """
    chain: list[_Link] = []
    seen: dict[str, int] = {}
    path, label = Path(ref), str(ref)
    context = agreement  # the agreement a file without its own is read under
    while True:
        ident = _identity(path)
        if ident in seen:
            names = [link.label for link in chain[seen[ident]:]] + [label]
            shown = " → ".join(names if len(names) <= 12 else [*names[:5], "…", *names[-5:]])
            raise InputError(Problem(chain[-1].label, f"scenario bases form a loop of {len(names) - 1} file(s): "
                                                      f"{shown}", key="base"))
        if len(chain) == MAX_BASES:
            raise InputError(Problem(chain[0].label, f"the chain of bases is longer than {MAX_BASES} scenario files "
                                                     f"(the {MAX_BASES}th is {chain[-1].label}); a scenario "
                                                     f"file names at most {MAX_BASES - 1} bases in a row",
                                     key="base"))
        seen[ident] = len(chain)
        spec = _read_spec(path, label)
        named = None
        if spec.agreement is not None:
            named = _agreement_ref(spec.agreement, path.parent)
            if named is None:
                raise InputError(Problem(label, f"no such agreement {spec.agreement!r} (shipped: {_shipped_names()})",
                                         key="agreement"))
        chain.append(_Link(path, label, spec, named))
        context = named or context
        if spec.base is None:
            base = baseline(context)
            break
        base_agreement = _base_agreement(spec.base, path.parent)
        if base_agreement is not None:
            base = baseline(base_agreement)
            break
        base_path = Path(spec.base)
        base_path = base_path if base_path.is_absolute() else path.parent / base_path
        if not base_path.is_file():
            what = ("is a folder, not a scenario file" if base_path.is_dir()
                    else "is not a regular file" if base_path.exists() else "does not exist")
            raise InputError(Problem(label, f"the base scenario {spec.base!r} {what} "
                                            f"(looked for {base_path}; shipped agreements: {_shipped_names()})",
                                     key="base"))
        path, label = base_path, str(base_path)
    for link in reversed(chain):
        base = _apply(link, base)
    return base


def _base_agreement(ref: str, folder: Path) -> Agreement | None:
    """The agreement a scenario file's ``base`` names, if it names one rather than a scenario file:
    a shipped name or alias, or an agreement's folder or ``agreement.toml`` relative to the
    scenario file's ``folder`` (never to the working folder: issue 17)."""
    from .agreements import DEFINITION

    if ref in _shipped_aliases():
        return load_agreement(ref)
    candidate = Path(ref) if Path(ref).is_absolute() else folder / ref
    if (candidate.is_dir() and (candidate / DEFINITION).is_file()) or candidate.name == DEFINITION:
        return load_agreement(candidate)
    return None


def _shipped_aliases() -> set[str]:
    from .agreements import shipped_agreements

    return {n for a in shipped_agreements() for n in (a.name, *a.aliases)}


def _apply(link: _Link, base: Scenario) -> Scenario:
    """The scenario one file states on top of its (resolved) base."""
    spec, label, path, named = link.spec, link.label, link.path, link.named
    if named is not None and named is not (base.agreement.plain or base.agreement):
        raise InputError(Problem(label, f"the base is an allocation under {base.agreement.name}, "
                                        f"but agreement = {spec.agreement!r}", key="agreement"))
    chosen = base.agreement

    problems = []
    values = dict(base.parameters.as_dict())
    sources = dict(base.sources)
    relative = dict(base.relative)
    for key, entry in spec.parameters.items():
        try:
            raw_value, source = _parameter_entry(label, key, entry)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        try:
            values[key], found = parse_change(key, raw_value, chosen, values.get(key))
            sources[key] = source if found is None else f"{source}: {found.worked()}"
            _note_relative(relative, key, found)
        except ValueError as exc:
            problems.append(Problem(label, str(exc), key=f"parameters.{key}"))
    if problems:
        raise InputError(problems)
    try:
        params = Parameters(values, chosen.rules)
    except AllocationError as exc:
        raise InputError(Problem(label, str(exc), key="parameters")) from None

    files, dates = data_section(spec.data, path, label, chosen, problems)
    if problems:
        raise InputError(problems)
    own = {**base.own_files(), **files}
    return Scenario(
        name=spec.name,
        description=spec.description,
        parameters=params,
        sources=sources,
        agreement=chosen,
        data=own,
        origin=label,
        relative=relative,
        data_dates={**{k: v for k, v in base.data_dates.items() if k not in files}, **dates},
    )


def _note_relative(relative: dict[str, Change], key: str, found: Change | None) -> None:
    """Keep how ``key``'s value arose: the relative change that gave it, or none (a value as given)."""
    if found is None:
        relative.pop(key, None)
    else:
        relative[key] = found


def baseline(agreement: Agreement | str | Path | None = None) -> Scenario:
    """The agreement as signed: its own parameters (with their sources) and its own data."""
    ag = agreement if isinstance(agreement, Agreement) else load_agreement(agreement)
    return _baseline(ag)


@cache
def _baseline(ag: Agreement) -> Scenario:
    return Scenario(
        name=ag.title,
        description=ag.description,
        parameters=ag.parameters,
        sources={k: info.source for k, info in ag.parameter_info.items()},
        agreement=ag,
        origin=ag.name,
    )


def load_scenario(ref: str | Path | None = None, agreement: Agreement | str | Path | None = None) -> Scenario:
    """A scenario by agreement name or alias (its baseline), or by TOML path.

    ``None`` is the baseline of ``agreement`` (default: the default agreement). A scenario file
    that names no agreement is read under ``agreement``.
    """
    ag = agreement if isinstance(agreement, Agreement) or agreement is None else load_agreement(agreement)
    ag = ag.plain or ag if ag is not None else None  # (an agreement relabelled for own files: its own)
    if ref is None:
        return baseline(ag)
    if isinstance(ref, str) and not ref.endswith(".toml"):
        named = _agreement_ref(ref)
        if named is not None and ref in (named.name, *named.aliases):
            if ag is not None and named != ag:
                raise InputError(Problem(ref, f"this is the agreement {named.name}, but --agreement is {ag.name}"))
            return baseline(named)
    return _load(ref, agreement=ag)


def with_overrides(
    scenario: Scenario, overrides: Mapping[str, Any] | None, origin: str = "--set"
) -> Scenario:
    """The scenario with parameters overridden (values as for ``parse_value``), re-validated."""
    if not overrides:
        return scenario
    parsed: dict[str, int | Fraction] = {}
    problems = []
    relative = dict(scenario.relative)
    sources = dict(scenario.sources)
    current = scenario.parameters.as_dict()
    for key, value in overrides.items():
        try:
            parsed[key], found = parse_change(key, value, scenario.agreement, current.get(key))
        except ValueError as exc:
            problems.append(Problem(origin, str(exc), key=key))
            continue
        _note_relative(relative, key, found)
        sources[key] = f"{origin} {key}={parsed[key]}" if found is None else f"{origin} {key}={value}: {found.worked()}"
    if problems:
        raise InputError(problems)
    try:
        params = scenario.parameters.with_values(parsed)
    except AllocationError as exc:
        raise InputError(Problem(origin, str(exc))) from None
    return replace(scenario, parameters=params, sources=sources, overrides={**scenario.overrides, **parsed},
                   relative=relative)


def scenario_from(
    base: Scenario | str | Path | None = None,
    parameters: Mapping[str, Any] | None = None,
    *,
    name: str | None = None,
    description: str = "",
    population: str | Path | None = None,
    landsbygd: str | Path | None = None,
    data: Mapping[str, str | Path] | None = None,
    data_dates: Mapping[str, Any] | None = None,
) -> Scenario:
    """A scenario built in code: ``base`` with some parameters and data files replaced.

    The same thing a scenario file with ``base = ...`` says, without a file::

        >>> sc = scenario_from(parameters={"ambulans.grundbelopp": 1_000_000}, name="grundbelopp 1 Mkr")
        >>> sc.changes()
        {'ambulans.grundbelopp': (500000, 1000000)}

    Args:
        base: the scenario to start from: a ``Scenario``, an agreement's name or alias (its
            baseline; default: the default agreement) or the path of a scenario file.
        parameters: changed parameters by dotted key, values as in a scenario file or ``--set``
            (``1_000_000``, ``"1/4"``, ``"25%"``, ``Fraction(1, 4)``).
        name, description: what the scenario is (default name: the base's; every output lists the
            changes beside the name).
        population, landsbygd: data files replacing the base's (checked when allocating); short
            forms of ``data`` for the agreement's recipients slot and its rural-key slot.
        data, data_dates: own data files by data slot, and their dates (``Scenario.with_data``).

    Raises:
        InputError: an unknown key or an invalid value (all problems at once).
    """
    start = base if isinstance(base, Scenario) else load_scenario(base)
    values = {k: str(v) if isinstance(v, Fraction) else v for k, v in (parameters or {}).items()}
    label = name or start.name
    from .own_data import merged_files

    sc = with_overrides(start, values, origin=f"scenario {label!r} (built in code)")
    sc = sc.with_data(merged_files(sc.agreement, population, landsbygd, data), data_dates)
    return replace(sc, name=label, description=description or start.description,
                   origin=f"scenario_from(base={start.origin!r})")
