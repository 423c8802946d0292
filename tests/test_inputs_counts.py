"""A counts file joined to the recipients by code (``inputs.counts``; issue 17 §3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from godnaravard.core import Recipient
from godnaravard.errors import InputError
from godnaravard.inputs.counts import join_counts, load_counts, with_counts

REGIONS = (Recipient("01", "Region Stockholm", "Stockholm", {"population": 100}),
           Recipient("03", "Region Uppsala", "Uppsala", {"population": 50}),
           Recipient("25", "Region Norrbotten", "Norrbotten", {"population": 20}))
KOMMUNER = (Recipient("2303", "Ragunda", "Jämtland", {"population": 5000}),
            Recipient("2305", "Bräcke", "Jämtland", {"population": 6000}))


def _file(tmp_path: Path, text: str, name: str = "counts.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path, counts: tuple[str, ...] = ("antal",), recipients: tuple[Recipient, ...] = REGIONS,
              kommun: bool = False) -> list[str]:
    with pytest.raises(InputError) as info:
        load_counts(path, counts, recipients, kommun=kommun)
    return [str(p) for p in info.value.problems]


def test_counts_are_read_by_code_and_name_columns_are_ignored(tmp_path: Path) -> None:
    path = _file(tmp_path, "region,lan_code,antal,kommentar\nRegion Norrbotten,25,3\nX,01,7\nY,03,5\n")
    assert load_counts(path, ("antal",), REGIONS) == {"25": {"antal": 3}, "01": {"antal": 7}, "03": {"antal": 5}}


def test_a_kommun_counts_file_is_read_by_kommun_code(tmp_path: Path) -> None:
    path = _file(tmp_path, "kommun_code,kommun,antal\n2305,Bräcke,2\n2303,Ragunda,1\n")
    assert load_counts(path, ("antal",), KOMMUNER, kommun=True) == {"2305": {"antal": 2}, "2303": {"antal": 1}}
    wrong = _file(tmp_path, "lan_code,antal\n23,1\n", "lan.csv")
    assert any("did you mean 'kommun_code'" in p for p in _problems(wrong, recipients=KOMMUNER, kommun=True))


@pytest.mark.parametrize(("text", "words"), [
    ("lan_code,antal\n01,1\n03,2\n", ("no row for 1 recipient(s): 25 Region Norrbotten",)),
    ("lan_code,antal\n01,1\n03,2\n25,3\n02,4\n", ("row 5, column 'lan_code'", "unknown code '02'")),
    ("lan_code,antal\n01,1\n03,2\n25,3\n01,4\n", ("row 5, column 'lan_code'", "01 (Region Stockholm) appears again; "
                                                  "it is first on row 2")),
    ("lan_code,antal\n01,1\n03,x\n25,3\n", ("row 3, column 'antal'",)),
    ("lan_code,antal\n01,0\n03,0\n25,0\n", ("every row is zero",)),
    ("lan_code,antal\n01,1\n03,2\n25,3\nTotalt,7\n", ("the total row says 7, but the rows above it sum to 6",)),
    ("lan_code,annat\n01,1\n03,2\n25,3\n", ("column 'annat'", "did you mean 'antal'")),
])
def test_a_bad_counts_file_names_file_row_and_column(tmp_path: Path, text: str, words: tuple[str, ...]) -> None:
    problems = _problems(_file(tmp_path, text))
    assert all(any(w in p for p in problems) for w in words), problems
    assert all("counts.csv" in p for p in problems)


def test_with_counts_adds_or_replaces_by_name() -> None:
    r = Recipient("01", "Region Stockholm", "Stockholm", {"population": 100, "a": 1})
    joined = with_counts(r, {"hsl_insatser": 5, "b": 2})
    assert joined.counts == {"population": 100, "a": 1, "hsl_insatser": 5, "b": 2}
    assert (joined.count("population"), joined.count("hsl_insatser"), joined.count("a"), joined.count("b")) == (
        100, 5, 1, 2)
    assert with_counts(r, {"population": 7}).count("population") == 7
    assert with_counts(r, {}) is r


@settings(max_examples=50, deadline=None)
@given(values=st.lists(st.integers(0, 10**6), min_size=3, max_size=3).filter(any), order=st.permutations(range(3)))
def test_the_join_follows_the_codes_not_the_row_order(tmp_path_factory: pytest.TempPathFactory, values: list[int],
                                                      order: list[int]) -> None:
    rows = [f"{REGIONS[i].code},{values[i]}\n" for i in order]
    path = _file(tmp_path_factory.mktemp("join"), "lan_code,antal\n" + "".join(rows))
    joined = join_counts(REGIONS, load_counts(path, ("antal",), REGIONS))
    assert [r.code for r in joined] == [r.code for r in REGIONS]  # the recipients' order
    assert [r.count("antal") for r in joined] == values
    assert [r.count("population") for r in joined] == [r.count("population") for r in REGIONS]
