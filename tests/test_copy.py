"""``agreements.copy``: a copy of every shipped agreement computes what the original does."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from _cli import invoke
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_a_copy_keeps_the_sources_comments_and_layout(tmp_path: Path) -> None:
    source = load_agreement("god-och-nara-vard-2024")
    report = new_agreement(source, tmp_path / "copy")
    ours = report.definition.read_text(encoding="utf-8").splitlines()
    theirs = source.path.read_text(encoding="utf-8").splitlines()
    comments = [ln for ln in theirs if ln.startswith("#")]
    assert comments and all(c in ours for c in comments)
    signed = [ln for ln in theirs if "party =" in ln]
    assert signed and all(ln in ours for ln in signed)  # (an inline table ending in a date keeps its space)


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


_COMMENT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30)


@settings(deadline=None, max_examples=25)
@given(comments=st.lists(st.tuples(st.integers(0, 200), _COMMENT), max_size=6), literal=st.booleans(),
       official=st.booleans())
def test_a_copy_is_the_source_with_only_the_intended_edits(comments: list[tuple[int, str]], literal: bool,
                                                            official: bool) -> None:
    """Whatever comments and string styles the source has, the copy reads as the source with a new
    name, no aliases, (without --with-official) no official tables, and every comment kept."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        src = new_agreement(load_agreement("svf-cancer-2025-2"), Path(tmp) / "src", with_official=True).definition
        lines = src.read_text(encoding="utf-8").splitlines()
        for at, text in sorted(comments, reverse=True):
            lines.insert(min(at, len(lines)), f"# {text}")
        text = "\n".join(lines) + "\n"
        if literal:
            text = text.replace('file = "population_2025_09.csv"', "file = 'population_2025_09.csv'")
        src.write_text(text, encoding="utf-8")
        report = new_agreement(load_agreement(src.parent), Path(tmp) / "copy", with_official=official)
        ours = report.definition.read_text(encoding="utf-8")
        expected = tomllib.loads(text)
        expected["name"] = "copy"
        expected.pop("aliases", None)
        if official:
            for table in expected["tables"]:
                if "official" in table:
                    table["official_year"] = expected["year"]
            expected["budget"]["official_year"] = expected["year"]
        else:
            expected["tables"] = [{k: v for k, v in t.items() if not k.startswith("official")}
                                  for t in expected["tables"]]
            expected["budget"] = {k: v for k, v in expected["budget"].items()
                                  if k != "stated_totals" and not k.startswith("official")}
        assert tomllib.loads(ours) == expected
        assert all(f"# {c}".rstrip() in {ln.rstrip() for ln in ours.splitlines()} for _, c in comments)
