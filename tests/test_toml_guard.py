"""The shape of a TOML file, checked before it is parsed (``toml_guard``, issue 17 §1)."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from godnaravard.errors import InputError
from godnaravard.files import read_toml
from godnaravard.toml_guard import MAX_DEPTH, MAX_KEY_CHARS, MAX_KEYS, MAX_SEGMENTS, shape_problem

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "data").rglob("*.toml"))
                         + ["examples/scenarios/ambulans_grundbelopp_1mkr.toml", "tests/hostile/cases.toml"])
def test_every_shipped_toml_file_passes(path: str) -> None:
    assert shape_problem((ROOT / path).read_text(encoding="utf-8")) is None


@pytest.mark.parametrize(("text", "line", "reason"), [
    ("a = 1\n" + ".".join(["x"] * (MAX_SEGMENTS + 1)) + " = 1\n", 2, "a dotted key has more than 10 segments"),
    ("[" + ".".join(["t"] * (MAX_SEGMENTS + 5)) + "]\n", 1, "a table header has more than 10 segments"),
    ("[[" + ".".join(["t"] * (MAX_SEGMENTS + 1)) + "]]\n", 1, "a table header has more than 10 segments"),
    ("x = { " + ".".join(["b"] * (MAX_SEGMENTS + 1)) + " = 1 }\n", 1, "a dotted key has more than 10 segments"),
    ("x = 1\n" + "k" * (MAX_KEY_CHARS + 1) + " = 1\n", 2, "a key is longer than 1000 characters"),
    ('"' + "k" * MAX_KEY_CHARS + '" = 1\n', 1, "a key is longer than 1000 characters"),
    ("".join(f"k{i} = 1\n" for i in range(MAX_KEYS + 1)), MAX_KEYS + 1, "more than 20 000 keys"),
    ("x = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n", 1, "nest more than 20 deep"),
    ("x = " + "{a = " * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1) + "\n", 1, "nest more than 20 deep"),
])
def test_a_file_beyond_a_cap_is_refused_with_its_line(text: str, line: int, reason: str) -> None:
    found = shape_problem(text)
    assert found is not None and found[0] == line and reason in found[1]


@pytest.mark.parametrize("text", [
    ".".join(["x"] * MAX_SEGMENTS) + " = 1\n",  # exactly at the cap
    'a = "x.y.z.a.b.c.d.e.f.g.h.i.j" # a.b.c.d.e.f.g.h.i.j.k.l\n',  # dots in strings and comments
    "a = '''\n[x.y.z.a.b.c.d.e.f.g.h.i.j]\n'''\n",  # a header inside a multi-line literal string
    'a = """\n[x.y.z.a.b.c.d.e.f.g.h.i.j] \\"""\n"""\n',  # escaped quotes in a multi-line string
    '"a.b.c.d.e.f.g.h.i.j.k.l" = 1.5\n',  # a quoted key is one segment; a float's dot is no key
    "x = [\n  1.5, 2.5,\n  { a = 1, b.c = 2 },\n]\n",
])
def test_what_is_not_a_key_is_not_counted(text: str) -> None:
    assert shape_problem(text) is None
    tomllib.loads(text)


def test_read_toml_refuses_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('name = "x"\n' + "a." * 15000 + "b = 1\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_toml(path, "s.toml", 1 << 20, what="scenario file")
    assert str(exc.value) == ("s.toml, row 2: not read: a dotted key has more than 10 segments; at most 10 are read "
                              "(the scenario file is refused before it is parsed)")


@given(st.text(alphabet='ab.="\'#[]{},\n \\', max_size=200))
def test_the_scan_never_fails_on_any_text(text: str) -> None:
    """Any text: the scan ends (a line and a reason, or None); what it lets through, the parser
    reads or refuses with its own error."""
    found = shape_problem(text)
    if found is None:
        try:
            tomllib.loads(text, parse_float=Decimal)
        except tomllib.TOMLDecodeError:
            pass
    else:
        assert 1 <= found[0] <= text.count("\n") + 1


@pytest.mark.parametrize("opening", [
    'x = """a""""\n',  # a multi-line string closed by four quotes: the fourth is the string's
    "x = '''a'''''\n",
    'x = "not closed\n',  # the parser fails there; the scan goes on at the next line
    "x = 'not closed\n",
])
def test_strings_end_where_the_parser_ends_them(opening: str) -> None:
    """A string the scan reads differently from the parser must never hide a key after it."""
    found = shape_problem(opening + ".".join(["k"] * 50) + " = 1\n")
    assert found is not None and found[0] == 2
