"""``agreements.copy``: a copy of every shipped agreement computes what the original does."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from _cli import invoke

from godnaravard.agreements import load_agreement, path_like, resolve
from godnaravard.agreements.copy import new_agreement, new_name

SHIPPED = ["god-och-nara-vard-2024", "svf-cancer-2025-2"]


@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("official", [False, True])
def test_a_copy_allocates_and_checks_as_its_source(tmp_path: Path, name: str, official: bool) -> None:
    report = new_agreement(load_agreement(name), tmp_path / "copy", with_official=official)
    assert report.referenced == ()
    assert "agreement.toml" not in report.copied
    ours = invoke("allocate", "--agreement", tmp_path / "copy", "--format", "csv")
    theirs = invoke("allocate", "--agreement", name, "--format", "csv")
    assert ours.exit_code == 0 and ours.stdout == theirs.stdout and ours.stderr == ""
    checked = invoke("check", "--agreement", tmp_path / "copy")
    assert checked.exit_code == (0 if official else 1)
    raw = tomllib.loads(report.definition.read_text(encoding="utf-8"))
    assert raw["name"] == "copy" and "aliases" not in raw
    assert any("official" in t for t in raw["tables"]) == official


def test_a_copy_keeps_the_sources_comments(tmp_path: Path) -> None:
    source = load_agreement("god-och-nara-vard-2024")
    report = new_agreement(source, tmp_path / "copy")
    ours = report.definition.read_text(encoding="utf-8")
    comments = [ln for ln in source.path.read_text(encoding="utf-8").splitlines() if ln.startswith("#")]
    assert comments and all(c in ours.splitlines() for c in comments)


@pytest.mark.parametrize(("ref", "like"), [("2024", False), ("./2024", True), ("a/b", True), ("x.toml", True),
                                           (".hidden", True), ("svf-2025-2", False)])
def test_path_like(ref: str, like: bool) -> None:
    assert path_like(ref) is like


def test_a_path_object_is_always_a_path(tmp_path: Path) -> None:
    from godnaravard.errors import InputError

    with pytest.raises(InputError, match="no such agreement"):
        resolve(Path("2024"), relative_to=tmp_path)
    assert resolve("2024", relative_to=tmp_path).parent.name == "god-och-nara-vard-2024"


@pytest.mark.parametrize(("folder", "name"), [("gnv2025", "gnv2025"), ("My Copy", "my-copy"), ("--x--", "x")])
def test_new_name(folder: str, name: str) -> None:
    assert new_name(Path("somewhere") / folder) == name
