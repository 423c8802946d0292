"""Peak memory and time of parsing the worst TOML files that ``toml_guard`` lets through (issue 17).

Python's TOML parser costs memory quadratic in the segments of a dotted key; the guard refuses a
file before parsing when a key has more than ``MAX_SEGMENTS`` segments (and bounds keys, key
length and nesting). This script builds, for the 1 MiB cap of definitions and scenario files,
the worst files of each shape under the caps, and prints for each whether the guard refuses it,
the guard's time, and the parser's time and peak memory (``tracemalloc``, which slows parsing
several times; ``--fast`` measures time without it). Run from a checkout with the package
installed:

    .venv/bin/python benchmarks/toml_memory.py [--fast]
"""

from __future__ import annotations

import sys
import time
import tomllib
import tracemalloc
from decimal import Decimal

from godnaravard.toml_guard import MAX_DEPTH, MAX_KEYS, MAX_SEGMENTS, shape_problem

CAP = 1024 * 1024


def cases() -> dict[str, str]:
    """The files: one over the segment cap (the issue's 30 KB scenario), the rest the worst under the caps."""
    dotted = ".".join(["a"] * (MAX_SEGMENTS - 1))
    return {
        "dotted key of 15 000 segments (30 KB)": 'name = "x"\n' + ".".join(["a"] * 15000) + " = 1\n",
        f"{MAX_KEYS - 1} keys of {MAX_SEGMENTS} segments": "".join(f"{dotted}.b{i} = 1\n" for i in range(MAX_KEYS - 1)),
        f"headers and keys of {MAX_SEGMENTS} segments": "".join(
            f"[{dotted}.t{i}]\n{'.'.join(['b'] * MAX_SEGMENTS)} = 1\n" for i in range(MAX_KEYS // 2 - 1)),
        "an array of half a million items": "x = [" + "1," * (CAP // 2 - 10) + "]\n",
        f"{MAX_KEYS - 1} keys in one inline table": "x = {" + ",".join(f"k{i} = 1" for i in range(MAX_KEYS - 2)) + "}\n",
        f"arrays nested {MAX_DEPTH} deep": "x = " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
        "one string of a megabyte": "x = '" + "a" * (CAP - 10) + "'\n",
    }


def main(fast: bool) -> None:
    print(f"{'file':45} {'bytes':>9}  {'guard':>8}  result")
    for name, text in cases().items():
        text = text[:CAP]
        start = time.perf_counter()
        refused = shape_problem(text)
        guard = time.perf_counter() - start
        if refused:
            print(f"{name:45} {len(text):>9}  {guard * 1000:6.1f} ms  refused: line {refused[0]}, {refused[1]}")
            continue
        if not fast:
            tracemalloc.start()
        start = time.perf_counter()
        tomllib.loads(text, parse_float=Decimal)
        parse = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if not fast else 0
        if not fast:
            tracemalloc.stop()
        memory = f", peak {peak / 2**20:.1f} MiB" if not fast else ""
        print(f"{name:45} {len(text):>9}  {guard * 1000:6.1f} ms  parsed in {parse:.2f} s{memory}")


if __name__ == "__main__":
    main("--fast" in sys.argv[1:])
