"""The hostile suite (``tests/hostile/cases.toml``): hostile inputs and situations, each run as a
real process under a memory cap and a time limit (issue 13).

Every case must end with its exit code (0, 1 or 2), print no traceback, stay within its memory
cap (``RLIMIT_AS``) and time limit, and, when it fails, print one error message (at most 100
problem lines), leave the existing output file byte for byte as it was and leave no temporary
file behind. The big and hostile files (zip bombs, a million rows, a header of three million
names, pipes, deep chains of scenario files, hidden sheets …) are made here, at test time, in
the case's own folder.

Two runs of each case:

- ``test_hostile_case`` runs it as a real process under the limits. In a plain ``pytest`` only
  the cases that need a process of their own do (``_needs_process``: an output to ``/dev/full``
  or a closed stdout, a file-size limit, a memory cap of their own, a FIFO, a device, a big or
  bomb file, a case of its own time); every case runs so in the thorough run (``.ci/run``, which
  sets ``GODNARAVARD_HYPOTHESIS_PROFILE=ci``, or ``GODNARAVARD_SLOW=1``; see ``conftest.py``).
  Cases marked ``slow`` run only there.
- ``test_hostile_case_in_process`` runs every other case in process (``tests/_cli.py``), in
  every plain ``pytest``: the same exit code, messages, no partial output and no temporary file,
  without the start of a Python process per case (a tenth of the time).
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from _workbooks import save_workbook

HERE = Path(__file__).parent / "hostile"
DATA = Path(__file__).resolve().parents[1] / "data"
CASES: list[dict[str, Any]] = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))["case"]
SENTINEL = b"an earlier export that must survive"
MEMORY_MB = 1536
#: The time a case is expected to take (under load); ``seconds`` in a case overrides it. The
#: limit is ten times that: it catches a hang, it is not a performance assertion (issue 17).
SECONDS = 3.0
HANG_FACTOR = 10


# --------------------------------------------------------------------------------------------
# Makers: each creates the case's file in the case's folder.


def _population() -> list[str]:
    return (DATA / "population_2023.csv").read_text(encoding="utf-8").splitlines()


def _text(case: dict[str, Any], where: Path) -> None:
    text = case.get("text", "")
    if "repeat" in case:
        unit, times = case["repeat"]
        text += unit * times
    text += case.get("tail", "")
    (where / case["file"]).write_text(text, encoding="utf-8")


def _repeat(case: dict[str, Any], where: Path) -> None:
    with open(where / case["file"], "w", encoding="utf-8") as fh:
        fh.write(case.get("text", ""))
        fh.write(case["line"] * case["count"])
        fh.write(case.get("tail", ""))


def _numbered_header(case: dict[str, Any], where: Path) -> None:
    header = ",".join(f"c{i}" for i in range(case["count"]))
    (where / case["file"]).write_text(header + "\n1\n", encoding="utf-8")


def _fifo(case: dict[str, Any], where: Path) -> None:
    os.mkfifo(where / case["file"])


def _folder(case: dict[str, Any], where: Path) -> None:
    (where / case["file"]).mkdir()


def _symlink_loop(case: dict[str, Any], where: Path) -> None:
    (where / case["file"]).symlink_to(case["file"])


def _random_bytes(case: dict[str, Any], where: Path) -> None:
    (where / case["file"]).write_bytes(random.Random(13).randbytes(case["count"]))


def _population_edit(case: dict[str, Any], where: Path) -> None:
    text = "\n".join(_population()) + "\n"
    assert case["old"] in text
    (where / case["file"]).write_text(text.replace(case["old"], case["new"], 1), encoding="utf-8")


def _base_chain(case: dict[str, Any], where: Path) -> None:
    """chain0.toml → chain1.toml → … → chain{count-1}.toml → the agreement."""
    n = case["count"]
    for i in range(n):
        base = f"chain{i + 1}.toml" if i + 1 < n else "2024"
        (where / f"chain{i}.toml").write_text(f'name = "c{i}"\nbase = "{base}"\n', encoding="utf-8")


def _base_loop(case: dict[str, Any], where: Path) -> None:
    """loop0.toml → loop1.toml → … → loop{count-1}.toml → loop0.toml."""
    n = case["count"]
    for i in range(n):
        (where / f"loop{i}.toml").write_text(f'name = "l{i}"\nbase = "loop{(i + 1) % n}.toml"\n', encoding="utf-8")


def _agreement_padded(case: dict[str, Any], where: Path) -> None:
    folder = where / case["file"]
    shutil.copytree(DATA / "agreements" / "svf-cancer-2025-2", folder)
    with open(folder / "agreement.toml", "a", encoding="utf-8") as fh:
        fh.write(("#" + "x" * 99 + "\n") * (case["count"] // 100))


def _definition(case: dict[str, Any], where: Path) -> None:
    """An agreement's folder ``ag``: a copy of the shipped SVF agreement (or, with ``base =
    "kommun"``, of ``hostile/kommun``; with ``base = "rural"``, of ``fixtures/rural_two``)
    named ``hostile``, edited: ``replace`` ([old, new] pairs,
    each old text must occur), ``append`` and ``append_repeat`` ([text, times]) at the end,
    ``append_tail``, ``files`` ({path in the folder: text}), ``big_file`` ([path, head, line,
    times]) and ``fifo`` (a named pipe at that path in the folder)."""
    folder = where / "ag"
    bases = {"kommun": HERE / "kommun", "rural": HERE.parent / "fixtures" / "rural_two"}
    base = bases.get(case.get("base", ""), DATA / "agreements" / "svf-cancer-2025-2")
    shutil.copytree(base, folder)
    text = (folder / "agreement.toml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^name = "[^"]*"\n(aliases = .*\n)?', 'name = "hostile"\n', text, count=1)
    for old, new in case.get("replace", []):
        assert old in text, (case["id"], old)
        text = text.replace(old, new, 1)
    text += case.get("append", "")
    if "append_repeat" in case:
        unit, times = case["append_repeat"]
        text += "".join(unit.replace("{i}", str(i)) for i in range(times))
    text += case.get("append_tail", "")
    (folder / "agreement.toml").write_text(text, encoding="utf-8")
    if "big_file" in case:  # [path, head, line, times]: a large file, written line by line
        name, head, line, times = case["big_file"]
        with open(folder / name, "w", encoding="utf-8") as fh:
            fh.write(head)
            fh.write(line * times)
    for name, content in case.get("files", {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content, encoding="utf-8")
    if "fifo" in case:
        os.mkfifo(folder / case["fifo"])


def _official_edit(case: dict[str, Any], where: Path) -> None:
    """``_definition``, with the official table's text edited (``official_old`` → ``official_new``)."""
    _definition(case, where)
    path = where / "ag" / "official" / "utbetalning2.csv"
    text = path.read_text(encoding="utf-8")
    assert case["official_old"] in text, case["id"]
    path.write_text(text.replace(case["official_old"], case["official_new"], 1), encoding="utf-8")


def _workbook(sheets: dict[str, list[list[Any]]], states: dict[str, str] | None = None) -> bytes:
    """An .xlsx written by openpyxl; ``states`` sets sheets hidden or veryHidden afterwards."""
    data = save_workbook(io.BytesIO(), sheets).getvalue()  # type: ignore[arg-type]
    if not states:
        return data

    def patch(name: str, content: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return content
        text = content.decode("utf-8")
        for title, state in states.items():
            text = re.sub(rf'(<sheet name="{re.escape(title)}"[^>]*? state=")visible(")', rf"\g<1>{state}\g<2>", text)
        return text.encode("utf-8")

    return _rezip(data, patch)


def _rezip(data: bytes, patch: Callable[[str, bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, patch(info.filename, src.read(info.filename)))
    return out.getvalue()


def _population_rows(stockholm: int | None = None) -> list[list[Any]]:
    rows: list[list[Any]] = [_population()[0].split(",")]
    for line in _population()[1:]:
        code, lan, region, pop, hsl = line.split(",")
        rows.append([code, lan, region, int(pop), int(hsl)])
    if stockholm is not None:
        rows[1][3] = stockholm
    return rows


def _xlsx_hidden_first(case: dict[str, Any], where: Path) -> None:
    data = _workbook({"Dold": _population_rows(stockholm=100000), "Befolkning": _population_rows()}, {"Dold": "hidden"})
    (where / case["file"]).write_bytes(data)


def _xlsx_all_hidden(case: dict[str, Any], where: Path) -> None:
    data = _workbook({"Befolkning": _population_rows()}, {"Befolkning": "veryHidden"})
    (where / case["file"]).write_bytes(data)


def _sheet_xml(rows: list[tuple[int, list[tuple[str, Any]]]], dimension: str | None = None) -> bytes:
    """A worksheet part: ``(row number, [(cell reference, value)])``, strings inline."""

    def cell(ref: str, value: Any) -> str:
        if isinstance(value, int):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'

    body = "".join(f'<row r="{n}">{"".join(cell(r, v) for r, v in cells)}</row>' for n, cells in rows)
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def _with_sheet(xml: bytes) -> bytes:
    template = _workbook({"Blad1": [["x"]]})
    return _rezip(template, lambda name, content: xml if name == "xl/worksheets/sheet1.xml" else content)


def _population_cells() -> list[tuple[int, list[tuple[str, Any]]]]:
    return [(n, [(f"{'ABCDE'[i]}{n}", v) for i, v in enumerate(row)]) for n, row in enumerate(_population_rows(), 1)]


def _xlsx_far_cell(case: dict[str, Any], where: Path) -> None:
    rows = _population_cells()
    ref = case["cell"]
    number = int("".join(ch for ch in ref if ch.isdigit()))
    if number <= len(rows):
        rows[number - 1][1].append((ref, "far away"))
    else:
        rows.append((number, [(ref, "far away")]))
    (where / case["file"]).write_bytes(_with_sheet(_sheet_xml(rows, case.get("dimension"))))


def _xlsx_rows(case: dict[str, Any], where: Path) -> None:
    rows = _population_cells()
    xml = _sheet_xml(rows).removesuffix(b"</sheetData></worksheet>")
    more = case["count"] - len(rows)
    if case.get("same_rows"):  # identical rows without numbers: inflates a thousandfold, as a bomb does
        tail = b"<row><c><v>1</v></c></row>" * more
    else:
        numbers = range(len(rows) + 1, len(rows) + more + 1)
        tail = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in numbers).encode()
    (where / case["file"]).write_bytes(_with_sheet(xml + tail + b"</sheetData></worksheet>"))


def _xlsx_wide(case: dict[str, Any], where: Path) -> None:
    """The shipped population, then ``count`` rows in all of ``columns`` numbers each."""
    from openpyxl.utils import get_column_letter

    rows = _population_cells()
    letters = [get_column_letter(c) for c in range(1, case["columns"] + 1)]
    rows += [(n, [(f"{letter}{n}", 1) for letter in letters]) for n in range(len(rows) + 1, case["count"] + 1)]
    (where / case["file"]).write_bytes(_with_sheet(_sheet_xml(rows)))


def _xlsx_escape_header(case: dict[str, Any], where: Path) -> None:
    rows = _population_cells()
    rows[0] = (1, [("A1", "\u009b2J\u202elan_code"), *rows[0][1][1:]])  # CSI (an escape sequence), RTL override
    (where / case["file"]).write_bytes(_with_sheet(_sheet_xml(rows)))


def _zip_bomb(case: dict[str, Any], where: Path) -> None:
    """A workbook whose sheet is ``count`` zero bytes, deflated to a thousandth of that."""
    template = _workbook({"Blad1": [["x"]]})
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(
        where / case["file"], "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with dst.open(info.filename, "w", force_zip64=True) as fh:
                    chunk = bytes(1 << 20)
                    left = case["count"]
                    while left > 0:
                        fh.write(chunk[: min(left, len(chunk))])
                        left -= len(chunk)
            else:
                dst.writestr(info.filename, src.read(info.filename))


def _zip_declared(case: dict[str, Any], where: Path) -> None:
    """A small workbook whose zip directory declares ``count`` bytes for its sheet."""
    template = _workbook({"Blad1": [["x"]]})
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(where / case["file"], "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        for info in dst.filelist:
            if info.filename == "xl/worksheets/sheet1.xml":
                info.file_size = case["count"]


MAKERS: dict[str, Callable[[dict[str, Any], Path], None]] = {
    "text": _text,
    "definition": _definition,
    "official_edit": _official_edit,
    "repeat": _repeat,
    "numbered_header": _numbered_header,
    "fifo": _fifo,
    "folder": _folder,
    "symlink_loop": _symlink_loop,
    "random_bytes": _random_bytes,
    "population_edit": _population_edit,
    "base_chain": _base_chain,
    "base_loop": _base_loop,
    "agreement_padded": _agreement_padded,
    "xlsx_hidden_first": _xlsx_hidden_first,
    "xlsx_all_hidden": _xlsx_all_hidden,
    "xlsx_far_cell": _xlsx_far_cell,
    "xlsx_rows": _xlsx_rows,
    "xlsx_wide": _xlsx_wide,
    "xlsx_escape_header": _xlsx_escape_header,
    "zip_bomb": _zip_bomb,
    "zip_declared": _zip_declared,
}


# --------------------------------------------------------------------------------------------
# Running one case


#: Applies the limits, then becomes ``python -m godnaravard ARGS`` (``execv`` keeps the process,
#: so the time limit, the exit status and the peak memory are the command's own). A wrapper
#: rather than ``preexec_fn``, which is not safe while other threads start processes.
#: The launcher of a hostile run. The program runs in a child of this small process, not of the test's
#: worker: Linux keeps a process's peak resident memory across ``exec``, and a child forked from a
#: worker that has grown (to 500 MB in the thorough profile) would report the worker's size as its
#: own peak. The launcher forks (a fresh peak, from the launcher's few MB), sets the limits in the
#: child, runs ``python -m godnaravard ARGS`` there, and writes the child's wait status and peak
#: (KB) to the report file.
_WRAPPER = """
import os, resource, sys
memory, fsize, close, report = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4]
pid = os.fork()
if pid == 0:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if fsize >= 0:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    if close:
        os.close(1)
    os.execv(sys.executable, [sys.executable, "-m", "godnaravard", *sys.argv[5:]])
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as f:
    f.write(f"{status} {usage.ru_maxrss}")
"""


def _kill_group(pid: int) -> None:
    """Kill the launcher and the program it runs (a hang: the time limit has passed)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_limited(
    args: list[str], cwd: Path, *, memory_mb: int = MEMORY_MB, seconds: float = SECONDS, stdout: str | None = None,
    file_size: int | None = None,
) -> tuple[int, str, str, float, int]:
    """``python -m godnaravard ARGS`` under the limits: (exit code, stdout, stderr, seconds, peak KB).

    Output goes to files (not pipes); the program's own wait status and peak memory come from the
    launcher (``_WRAPPER``); both are killed after ``seconds + 10`` (``seconds`` is the limit).
    """
    out_path, err_path = cwd.parent / f"{cwd.name}.stdout", cwd.parent / f"{cwd.name}.stderr"
    report = cwd.parent / f"{cwd.name}.report"
    out_target = "/dev/full" if stdout == "devfull" else out_path
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(cwd.parent)}
    limits = [str(memory_mb * 1024 * 1024), str(-1 if file_size is None else file_size), "1" if stdout == "closed" else "0",
              str(report)]
    with open(out_target, "wb") as out, open(err_path, "wb") as err:
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _WRAPPER, *limits, *args], cwd=cwd, stdin=subprocess.DEVNULL,
            stdout=out, stderr=err, env=env, start_new_session=True,
        )
        timer = threading.Timer(seconds + 10, _kill_group, (proc.pid,))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        elapsed = time.monotonic() - start
    peak = usage.ru_maxrss
    if report.exists():  # the program's own status and peak (absent only if the launcher was killed)
        status_text, peak_text = report.read_text(encoding="ascii").split()
        status, peak = int(status_text), int(peak_text)
        report.unlink()
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = out_path.read_text(encoding="utf-8", errors="replace") if out_target == out_path else ""
    return proc.returncode, text, err_path.read_text(encoding="utf-8", errors="replace"), elapsed, peak


def _listing(where: Path) -> set[str]:
    return {p.name for p in where.iterdir()}


#: Makers whose files only a real process under a memory cap should read: FIFOs, loops, bombs, big files.
_PROCESS_MAKERS = frozenset({"fifo", "symlink_loop", "random_bytes", "repeat", "numbered_header", "zip_bomb",
                             "zip_declared", "xlsx_rows", "xlsx_far_cell", "xlsx_wide"})


def _needs_process(case: dict[str, Any]) -> bool:
    """True for a case that only a real process can run or judge: its stdout, file size or memory
    is limited, it has a time of its own, it reads a device or FIFO, or its file is big or a bomb."""
    if any(k in case for k in ("stdout", "file_size", "memory_mb", "seconds", "slow")):
        return True
    makers = [case.get("make"), *(f.get("make") for f in case.get("files", []) if isinstance(f, dict))]
    if _PROCESS_MAKERS.intersection(m for m in makers if m):
        return True
    return any("/dev/" in a or "/proc/" in a for a in case["args"])


def _marks(case: dict[str, Any]) -> list[pytest.MarkDecorator]:
    """A real-process run is thorough-only unless the case needs a process (``_needs_process``)."""
    return [] if _needs_process(case) and not case.get("slow") else [pytest.mark.slow]


@dataclass
class _Outcome:
    """One case, made and run: what the checks look at."""

    where: Path
    before: set[str]
    code: int
    out: str
    err: str
    elapsed: float
    peak_kb: int


def _prepare(case: dict[str, Any], tmp: Path) -> tuple[Path, set[str], list[str]]:
    """The case's folder with its files and an earlier export, what it holds, and the arguments."""
    where = tmp / "case"
    where.mkdir()
    if "make" in case:
        MAKERS[case["make"]](case, where)
    if isinstance(case.get("files"), list):  # [[case.files]]: more files, each made by its own maker
        for extra in case["files"]:
            MAKERS[extra["make"]](extra, where)
    (where / "existing.xlsx").write_bytes(SENTINEL)
    args = [
        a.replace("{out}", "existing.xlsx").replace("{data}", str(DATA)).replace("{long}", "x" * 100_000)
        for a in case["args"]
    ]
    return where, _listing(where), args


def _run_case(case: dict[str, Any], tmp: Path) -> _Outcome:
    where, before, args = _prepare(case, tmp)
    code, out, err, elapsed, peak_kb = run_limited(
        args, where, memory_mb=int(case.get("memory_mb", MEMORY_MB)), seconds=_limit(case),
        stdout=case.get("stdout"), file_size=case.get("file_size"),
    )
    return _Outcome(where, before, code, out, err, elapsed, peak_kb)


def _limit(case: dict[str, Any]) -> float:
    """A case's time limit: ten times its expected time, to catch a hang (never a speed test)."""
    return HANG_FACTOR * float(case.get("seconds", SECONDS))


def test_the_suite_is_large_and_well_formed() -> None:
    assert len(CASES) >= 100
    assert sum(c.get("make") in ("definition", "official_edit") or "--agreement" in c["args"] for c in CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)
    for case in CASES:
        assert case.get("exit", 2) in (0, 1, 2), case["id"]
        assert "make" not in case or case["make"] in MAKERS, case["id"]
        assert case.get("expect") or case.get("stdout_has") or case.get("exit", 2) != 2, case["id"]
    docs = (DATA.parent / "docs" / "inputs.md").read_text(encoding="utf-8")
    assert f"holds {len(CASES)} hostile cases" in docs  # the documentation says how many


def test_every_case_runs_in_a_plain_pytest_one_way_or_the_other() -> None:
    """No case is lost to the split: each one not marked slow runs in process or as a real process,
    and the cases that need a device, a pipe, a limit or a big file are among the real processes."""
    in_process = {c["id"] for c in CASES if not _needs_process(c)}
    as_process = {c["id"] for c in CASES if pytest.mark.slow not in _marks(c)}
    assert in_process.isdisjoint(as_process)
    assert in_process | as_process == {c["id"] for c in CASES if not c.get("slow")}
    assert {"allocate_to_dev_full", "population_fifo", "zip_bomb", "population_dev_zero"} <= as_process
    assert len(in_process) >= 90


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"], marks=_marks(c)) for c in CASES])
def test_hostile_case(case: dict[str, Any], tmp_path: Path) -> None:
    if case.get("stdout") == "devfull" and not os.path.exists("/dev/full"):
        pytest.skip("this system has no /dev/full")
    o = _run_case(case, tmp_path)
    seconds = _limit(case)
    memory = int(case.get("memory_mb", MEMORY_MB))
    assert o.elapsed < seconds, f"{o.elapsed:.1f} s: a hang? (the limit is {seconds} s, ten times the expected time)"
    assert o.peak_kb < memory * 1024, f"{o.peak_kb} KB at peak"
    assert "out of memory" not in o.err
    _judge(case, o)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES if not _needs_process(c)])
def test_hostile_case_in_process(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The case in process: what the real process is judged by, but its time and memory."""
    from _cli import invoke

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # crash reports and temporaries go to the case's parent
    where, before, args = _prepare(case, tmp_path)
    result = invoke(*args, cwd=where)
    _judge(case, _Outcome(where, before, result.exit_code, result.stdout, result.stderr, 0.0, 0))


def _judge(case: dict[str, Any], o: _Outcome) -> None:
    """The checks of every run of a case: exit code, no traceback, one error line (or a bounded
    list of problems), nothing overwritten or left behind, the expected and forbidden texts."""
    expected = case.get("exit", 2)
    err, out = o.err, o.out
    assert o.code == expected, (o.code, err[-2000:])
    assert "Traceback" not in err and "Traceback" not in out, err[-2000:]
    lines = err.splitlines()
    assert len(lines) <= 103, f"{len(lines)} lines on stderr"
    if o.code == 2:
        assert err.startswith("godnaravard: error: "), err[:500]
        assert lines[1:] == [] or lines[0].endswith("problems:"), lines[:3]
    if o.code != 0:
        assert (o.where / "existing.xlsx").read_bytes() == SENTINEL
        assert _listing(o.where) == o.before, _listing(o.where) ^ o.before  # no temporary file left, nothing new
    for text in case.get("expect", []):
        assert text in err, (text, err[:3000])
    for text in case.get("forbid", []):
        assert text not in err, (text, err[:3000])
    for text in case.get("stdout_has", []):
        assert text in out, (text, out[:3000])
    for text in case.get("stdout_forbid", []):
        assert text not in out, (text, out[:3000])
    assert not list(o.where.parent.glob("godnaravard-crash-*")), "a crash report was written"


# --------------------------------------------------------------------------------------------
# Beyond the cases: the last-resort handler, and signals while a file is written


def test_an_unexpected_error_is_one_line_and_a_saved_report(tmp_path: Path) -> None:
    """A bug (here: a command that raises) gives one line naming a saved report, no traceback."""
    code = (
        "import godnaravard.cli as cli\n"
        "def boom(*a, **k):\n    raise ZeroDivisionError('a bug')\n"
        "cli.main = boom\ncli.run()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "TMPDIR": str(tmp_path)})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith("godnaravard: error: an unexpected internal error (ZeroDivisionError)")
    [report] = tmp_path.glob("godnaravard-crash-*.txt")
    assert str(report) in line
    assert "ZeroDivisionError: a bug" in report.read_text(encoding="utf-8")


_SLOW_WRITER = """
import signal, sys, time
from godnaravard.atomic import atomic_write

# As started from a terminal: a process started in the background (a CI job, `cmd &`) inherits
# SIGINT ignored, and then rightly leaves it ignored; this test is about the terminal's Ctrl-C.
signal.signal(signal.SIGINT, signal.default_int_handler)

def writer(tmp):
    tmp.write_bytes(b"half a file")
    print("writing", flush=True)
    time.sleep(60)

atomic_write(sys.argv[1], writer, force=True)
"""


def _writing(tmp_path: Path) -> tuple[Path, subprocess.Popen[str]]:
    """A process halfway through an atomic write over an existing ``out.xlsx``."""
    target = tmp_path / "out.xlsx"
    target.write_bytes(SENTINEL)
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, str(target)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline() == "writing\n"
    return target, proc


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_writing_leaves_no_temporary_file(tmp_path: Path, signum: int) -> None:
    target, proc = _writing(tmp_path)
    assert len(list(tmp_path.glob(".out.xlsx.*.tmp"))) == 1
    proc.send_signal(signum)
    proc.communicate(timeout=30)
    assert proc.returncode == -signum  # the process still ends by the signal, as it would have
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]
    assert target.read_bytes() == SENTINEL


def test_a_later_write_removes_the_temporary_file_of_a_killed_one(tmp_path: Path) -> None:
    from godnaravard.atomic import atomic_write_text

    target, proc = _writing(tmp_path)
    proc.kill()  # kill -9: nothing can clean up
    proc.communicate(timeout=30)
    [left] = tmp_path.glob(".out.xlsx.*.tmp")
    os.utime(left, (time.time() - 5, time.time() - 5))  # older than this process's writes
    others = [tmp_path / ".out.xlsx.tmp", tmp_path / ".other.xlsx.1-abcdefgh.tmp", tmp_path / "out.xlsx.1-abcdefgh.tmp"]
    for other in others:  # not the pattern of out.xlsx's temporaries: never touched
        other.write_bytes(b"not ours")
    import godnaravard.atomic as atomic

    old = atomic._STARTED
    atomic._STARTED = time.time()
    try:
        atomic_write_text(target, "new", force=True)
    finally:
        atomic._STARTED = old
    assert not left.exists()
    assert all(other.exists() for other in others)
    assert target.read_text(encoding="utf-8") == "new"
