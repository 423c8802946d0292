"""Shipped data: every file has provenance, and the sidecar matches the file's columns."""

from __future__ import annotations

import csv

import pytest

from godnaravard.resources import data_dir, data_file, sources

FILES = sorted(sources()["files"])


@pytest.mark.parametrize("name", FILES)
def test_every_listed_file_exists_and_has_a_source(name: str) -> None:
    entry = sources()["files"][name]
    assert data_file(name).is_file()
    for key in ("title", "document", "table", "date"):
        assert entry.get(key), f"{name}: {key} missing"


@pytest.mark.parametrize("name", [n for n in FILES if "columns" in sources()["files"][n]])
def test_documented_columns_match_the_header(name: str) -> None:
    with data_file(name).open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == list(sources()["files"][name]["columns"])


def test_every_csv_in_data_is_listed() -> None:
    listed = set(FILES)
    on_disk = {str(p.relative_to(data_dir())) for p in data_dir().rglob("*.csv")}
    assert on_disk <= listed, on_disk - listed


def test_every_parameter_of_every_shipped_agreement_has_a_source_unit_and_label() -> None:
    from godnaravard.agreements import shipped_agreements

    for ag in shipped_agreements():
        assert set(ag.parameter_info) == set(ag.parameters.as_dict()), ag.name
        for info in ag.parameter_info.values():
            assert info.source and info.unit and info.label, (ag.name, info.key)
        for data in ag.data.values():
            assert data.source and data.date, (ag.name, data.name)
            # Every shipped data file carries its provenance in data/sources.toml as well.
            assert sources()["files"][data.path.relative_to(data_dir()).as_posix()]["date"], data.path


@pytest.mark.parametrize("name", FILES)
def test_every_entry_validates(name: str) -> None:
    from godnaravard.resources import source_of

    assert source_of(name)["document"]


def test_a_file_without_provenance_is_refused() -> None:
    from godnaravard.resources import source_of

    with pytest.raises(KeyError, match="no provenance entry"):
        source_of("no_such_file.csv")
