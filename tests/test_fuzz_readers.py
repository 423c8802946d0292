"""Fuzzing the input readers: whatever the bytes, a result or a clean ``InputError``, never a crash.

Generated inputs: arbitrary text and bytes, CSV built from the real column names with mixed
separators, quotes, BOMs, thousands separators and Swedish letters, the shipped files with random
damage, and damaged workbooks. A subset goes through the command line (in process), which must
exit with 0 or 2 and never print a traceback.
"""

from __future__ import annotations

import atexit
import io
import random
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from _cli import invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from godnaravard.core import Recipient, RuralKey
from godnaravard.errors import InputError
from godnaravard.inputs import load_landsbygd, load_population
from godnaravard.lan import LAN
from godnaravard.resources import data_file
from godnaravard.tables import read_table

POP_BYTES = data_file("population_2023.csv").read_bytes()
KEY_BYTES = data_file("landsbygd_weights.csv").read_bytes()
#: Fuzzing runs as many cases as the profile asks for, up to this many (workbooks: a tenth).
CAP = 3000
FUZZ = settings(max_examples=min(settings().max_examples, CAP), suppress_health_check=[HealthCheck.too_slow])
SLOW_FUZZ = settings(
    max_examples=min(settings().max_examples, CAP // 10), suppress_health_check=[HealthCheck.too_slow]
)

_DIR = Path(tempfile.mkdtemp(prefix="godnaravard-fuzz-"))
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)


def _file(data: bytes, suffix: str = ".csv") -> Path:
    path = _DIR / f"input{suffix}"
    path.write_bytes(data)
    return path


def _check_population(recipients: tuple[Recipient, ...]) -> None:
    """A file that loads gives every län once with whole, non-negative counts."""
    assert sorted(r.code for r in recipients) == sorted(LAN)
    assert all(isinstance(r.count("population"), int) and r.count("population") >= 0 for r in recipients)
    assert sum(r.count("population") for r in recipients) > 0 and sum(r.count("hsl_insatser") for r in recipients) > 0


def _check_key(key: tuple[RuralKey, ...]) -> None:
    assert sorted(k.code for k in key) == sorted(LAN)


def loads_or_refuses(data: bytes, suffix: str = ".csv") -> None:
    """Both loaders on ``data``: a valid result or an ``InputError`` whose problems name the file."""
    path = _file(data, suffix)
    loaders: list[tuple[Callable[[Path], object], Callable[[object], None]]] = [
        (load_population, _check_population),  # type: ignore[list-item]
        (lambda p: load_landsbygd(p)[0], _check_key),  # type: ignore[list-item]
    ]
    for load, check in loaders:
        try:
            result = load(path)
        except InputError as exc:
            assert exc.problems
            assert all(str(path) in p.file for p in exc.problems)
            assert all(p.message for p in exc.problems)
        else:
            check(result)


# --- Strategies --------------------------------------------------------------------------------

COLUMNS = [
    "lan_code",
    "lan",
    "region",
    "population",
    "hsl_insatser",
    "tatortsnara_inv",
    "gles_inv",
    "mycket_gles_inv",
    "vagd_summa",
    "status",
    "kommun_code",
    "kategori",
    "populaton",
    "Länskod",
    "Befolkning 1 nov 2023",
    "",
    "LAN_CODE",
]
CELL_PIECES = [
    *LAN,
    *LAN.values(),
    "Region ",
    "län",
    "0",
    "1",
    "12",
    "2455914",
    "2 455 914",
    "2\u00a0455",
    "2.455.914",
    "-1",
    "1,5",
    "1.5",
    "NaN",
    "",
    " ",
    '"',
    '""',
    ";",
    ",",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "#",
    "Totalt",
    "gles",
    "mycket gles",
    "ovrig",
    "0980",
    "2584",
    "kategorier_kanda",
    "endast_vagd_summa",
    "é",
    "Å",
    "\u00a0",
    "\ufeff",
    "=SUM(A1)",
    "#N/A",
    "9" * 30,
    "\x00",
    "\x85",
]
SEPARATORS = [",", ";", "\t", "|"]

cells = st.lists(st.sampled_from(CELL_PIECES), max_size=4).map("".join)


@st.composite
def csv_documents(draw: st.DrawFn) -> bytes:
    """A CSV document: a header of (mostly) real column names, rows of tricky cells, any encoding."""
    sep = draw(st.sampled_from(SEPARATORS))
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8))
    n_rows = draw(st.integers(0, 25))
    rows = [draw(st.lists(cells, min_size=0, max_size=len(header) + 2)) for _ in range(n_rows)]
    quote = draw(st.booleans())

    def line(values: list[str]) -> str:
        return sep.join(f'"{v}"' if quote and draw(st.booleans()) else v for v in values)

    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(line(r) for r in [header, *rows]) + draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "cp437"]))
    return text.encode(encoding, errors="replace")


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with a few random edits: bytes replaced, inserted, deleted, lines cut."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        edit = draw(st.sampled_from(["replace", "insert", "delete", "truncate", "byte"]))
        piece = draw(
            st.sampled_from(
                [
                    b",",
                    b";",
                    b'"',
                    b"\n",
                    b"\r",
                    b"-",
                    b".",
                    b" ",
                    b"\xc3",
                    b"\xa0",
                    b"\xef\xbb\xbf",
                    b"\x00",
                    b"9999999999",
                    b"#",
                    b"\xf6",
                ]
            )
        )
        if edit == "replace":
            data[at : at + 1] = piece
        elif edit == "insert":
            data[at:at] = piece
        elif edit == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif edit == "truncate":
            del data[at:]
        else:
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


# --- Fuzz tests --------------------------------------------------------------------------------


@FUZZ
@given(st.text(), st.sampled_from([b"", b"\xef\xbb\xbf"]))
def test_any_text(text: str, bom: bytes) -> None:
    loads_or_refuses(bom + text.encode("utf-8", errors="surrogatepass"))


@FUZZ
@given(
    st.binary(max_size=2000),
    st.sampled_from([b"", b"\xef\xbb\xbf", b"PK\x03\x04", b"\xff\xfe", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
)
def test_any_bytes(data: bytes, prefix: bytes) -> None:
    loads_or_refuses(prefix + data)


@FUZZ
@given(csv_documents())
def test_generated_csv(data: bytes) -> None:
    loads_or_refuses(data)


@FUZZ
@given(st.one_of(damaged(POP_BYTES), damaged(KEY_BYTES)))
def test_damaged_shipped_files(data: bytes) -> None:
    loads_or_refuses(data)


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["0980", "2584", "0114", "114", "9999", "01", "x", ""]),
            st.sampled_from(["gles", "Mycket glesa", "ovrig", "okand", "", "tatortsnara"]),
            cells,
        ),
        max_size=12,
    ),
    st.sampled_from(SEPARATORS),
)
def test_generated_per_kommun_keys(rows: list[tuple[str, str, str]], sep: str) -> None:
    text = "\n".join([sep.join(["kommun_code", "kategori", "population"]), *(sep.join(r) for r in rows)])
    loads_or_refuses(text.encode("utf-8"))


def _workbook_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for line in POP_BYTES.decode("utf-8").splitlines():
        ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


WORKBOOK = _workbook_bytes()


@SLOW_FUZZ
@given(damaged(WORKBOOK))
def test_damaged_workbooks(data: bytes) -> None:
    loads_or_refuses(data, ".xlsx")


@SLOW_FUZZ
@given(
    st.lists(
        st.lists(
            st.one_of(
                st.none(),
                st.integers(-(10**12), 10**12),
                st.floats(allow_nan=True),
                st.booleans(),
                cells,
                st.dates(),
            ),
            max_size=7,
        ),
        max_size=25,
    ),
    st.booleans(),
)
def test_generated_workbooks(rows: list[list[object]], real_header: bool) -> None:
    """Workbooks with any cell types, with or without the real header."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    if real_header:
        ws.append(["lan_code", "lan", "region", "population", "hsl_insatser"])
    for row in rows:
        ws.append([v.replace("\x00", "").replace("\x85", "") if isinstance(v, str) else v for v in row])
    buf = io.BytesIO()
    try:
        wb.save(buf)
    except Exception:  # noqa: BLE001 - openpyxl refuses some cell texts (control characters) on writing
        return
    loads_or_refuses(buf.getvalue(), ".xlsx")


def test_fuzz_cases_that_load_are_checked() -> None:
    """The oracle is not vacuous: the shipped bytes load, and so do simple re-encodings of them."""
    loads_or_refuses(POP_BYTES)
    assert len(load_population(_file(POP_BYTES.replace(b",", b";")))) == 21
    assert len(load_population(_file(WORKBOOK, ".xlsx"))) == 21
    assert read_table(_file(b"a\n1\n")).rows == ((2, {"a": "1"}),)


# --- Through the command line --------------------------------------------------------------------


def _mutations(seed: int) -> tuple[bytes, str]:
    """A reproducible damaged input for the CLI test (shipped file or workbook, random edits)."""
    rnd = random.Random(seed)
    original, suffix = rnd.choice([(POP_BYTES, ".csv"), (POP_BYTES, ".csv"), (WORKBOOK, ".xlsx")])
    data = bytearray(original)
    for _ in range(rnd.randint(0, 4)):
        at = rnd.randrange(len(data))
        choice = rnd.randrange(4)
        if choice == 0:
            data[at] = rnd.randrange(256)
        elif choice == 1:
            data[at:at] = rnd.choice([b";", b'"', b"\n", b"-", b".5", b"\xc3", b"\x00"])
        elif choice == 2:
            del data[at : at + rnd.randint(1, 30)]
        else:
            del data[at:]
    return bytes(data), suffix


@pytest.mark.parametrize("seed", range(16))
def test_cli_never_prints_a_traceback(seed: int, tmp_path: Path) -> None:
    data, suffix = _mutations(seed)
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    option = "--landsbygd" if seed % 4 == 3 else "--population"
    proc = invoke("allocate", "--format", "csv", option, path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.exit_code in (0, 2), (proc.exit_code, proc.stderr)
    if proc.exit_code == 2:
        assert proc.stderr.startswith("godnaravard: error: ") and str(path) in proc.stderr
        assert proc.stdout == ""
    else:
        assert len(proc.stdout.splitlines()) == 22
