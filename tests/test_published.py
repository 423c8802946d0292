"""The published tables a definition names, read by the bounded reader (``published``, issue 17 §1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from godnaravard.errors import InputError
from godnaravard.published import header_excerpt, missing_columns, read_checked, read_published, whole_kronor


def _table(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("cell", "amount"), [("46759214", 46759214), ('"46 759 214"', 46759214),
                                               ("46\u00a0759\u00a0214", 46759214), ("-1", -1), ("\u22121", -1)])
def test_whole_kronor_may_be_grouped_by_spaces(tmp_path: Path, cell: str, amount: int) -> None:
    path = _table(tmp_path, f"lan_code,belopp\n01,{cell}\n")
    pub = read_published(str(path), "t.csv")
    assert whole_kronor(pub, pub.rows[0], "belopp") == amount


@pytest.mark.parametrize(("cell", "reason"), [
    ("", "the cell is empty"), ("46759214.5", "'46759214.5' is not whole kronor"), ("4,5", "'4,5' is not whole kronor"),
    ("x" * 100, "'xxxxxxxxxxxxxxxxxxxxxxx…'"),
])
def test_a_cell_that_is_not_whole_kronor_names_file_row_and_column(tmp_path: Path, cell: str, reason: str) -> None:
    path = _table(tmp_path, f'lan_code,belopp\n01,1\n03,"{cell}"\n', name=f"bad{len(cell)}.csv")
    pub = read_published(str(path), "bad.csv")
    with pytest.raises(InputError) as exc:
        whole_kronor(pub, pub.rows[1], "belopp")
    assert str(exc.value).startswith(f"bad.csv, row 3, column 'belopp': {reason}")


def test_read_checked_normalises_amounts_and_requires_columns(tmp_path: Path) -> None:
    path = _table(tmp_path, 'id,amount_kr\na,"1 000"\n')
    checked = read_checked(path, "t.csv", ("id", "amount_kr"), ("amount_kr",), "stated totals file")
    assert checked.rows == ({"id": "a", "amount_kr": "1000"},)
    with pytest.raises(InputError) as exc:
        read_checked(path, "t.csv", ("id", "section", "amount_kr"), (), "stated totals file")
    assert str(exc.value) == "t.csv: the stated totals file has no column 'section'; its header row names 'id', 'amount_kr'"


@pytest.mark.parametrize("target", ["folder", "/dev/zero"])
def test_only_regular_files_are_read(tmp_path: Path, target: str) -> None:
    (tmp_path / "folder").mkdir()
    path = tmp_path / target if target == "folder" else Path(target)
    with pytest.raises(InputError) as exc:
        read_published(str(path), str(path))
    assert "this is a folder" in str(exc.value) or "this is a device" in str(exc.value)


def test_a_file_that_names_none_of_the_columns_is_not_shown(tmp_path: Path) -> None:
    path = _table(tmp_path, "root:x:0:0:root:/root:/bin/bash\n1\n")
    pub = read_published(str(path), "secret")
    message = missing_columns(pub, ("lan_code", "belopp_kr"), "official table")
    assert message is not None and "root" not in message and "bash" not in message
    assert header_excerpt(("a" * 40, "\u202eb"), ()) == "'aaaaaaaaaaaaaaaaaaaaaaa…', '?b'"
