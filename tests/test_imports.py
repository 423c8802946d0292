"""No import cycle in ``src/godnaravard``: every import between its modules, wherever it stands.

The graph has an edge A → B for every ``import``/``from … import`` in A that names B (or a
module inside B's package by its full name), at module level, under ``if TYPE_CHECKING:`` and
inside functions alike: a cycle that only runs late is still two modules that cannot be
understood, tested or moved one without the other. Only the compatibility re-exports of a module
``__getattr__`` (PEP 562: an old import path that loads the module that now holds the name, on
first access) are not edges of the module's code; ``comparison`` keeps its renderers' old names
that way.

A cycle is a strongly connected component of the graph (Tarjan's algorithm) with more than one
module, or a module importing itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import godnaravard

ROOT = Path(godnaravard.__file__).resolve().parent
PACKAGE = "godnaravard"

def module_name(path: Path) -> str:
    """``.../godnaravard/excel/tables.py`` → ``godnaravard.excel.tables`` (a package: its own name)."""
    parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the package by name."""
    return {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _reexport_nodes(tree: ast.Module) -> set[int]:
    """The ids of the import nodes inside a module-level ``__getattr__`` (PEP 562 re-exports)."""
    ids: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            ids |= {id(n) for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))}
    return ids


def imported(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """The package's modules that module ``name`` (at ``path``) imports, anywhere in its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skip = _reexport_nodes(tree)
    here = name if _is_package(path) else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # ``from . import core``: the module core, not the package
                if f"{target}.{alias.name}" in known:
                    yield f"{target}.{alias.name}"
                elif target in known:
                    yield target


def import_graph() -> dict[str, set[str]]:
    """Module → the package's modules it imports."""
    mods = modules()
    known = set(mods)
    return {name: set(imported(name, path, known)) for name, path in mods.items()}


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with a cycle (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(frozenset(component))
    return found


def test_the_graph_sees_every_kind_of_import(tmp_path: Path) -> None:
    """Module level, ``TYPE_CHECKING``, function level, absolute and relative; not a PEP 562 re-export."""
    source = tmp_path / "mod.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import core\n"
        "from .errors import InputError\n"
        "import godnaravard.lan\n"
        "if TYPE_CHECKING:\n"
        "    from .agreements import Agreement\n"
        "def f():\n"
        "    from .render import kr\n"
        "def __getattr__(name):\n"
        "    from . import explain\n",
        encoding="utf-8",
    )
    known = {f"godnaravard.{m}" for m in ("core", "errors", "lan", "agreements", "render", "explain", "mod")}
    assert set(imported("godnaravard.mod", source, known | {"godnaravard"})) == {
        "godnaravard.core", "godnaravard.errors", "godnaravard.lan", "godnaravard.agreements", "godnaravard.render"}


def test_the_package_graph_is_walked() -> None:
    graph = import_graph()
    assert len(graph) > 60 and "godnaravard.inputs.cells" in graph["godnaravard.inputs.recipients"]


def test_cycle_detection_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert sorted(map(sorted, cycles(graph))) == [["a", "b", "c"], ["e"]]


def test_no_import_cycle() -> None:
    found = cycles(import_graph())
    assert found == [], "import cycles: " + "; ".join(" ↔ ".join(sorted(c)) for c in found)


def test_no_cycle_among_the_report_modules() -> None:
    """The reports (check, explain, deviation, the sheet Avstämning and the table sheets) are in no cycle."""
    reports = {"godnaravard.check", "godnaravard.check_budget", "godnaravard.check_render", "godnaravard.deviation",
               "godnaravard.explain", "godnaravard.explain_render", "godnaravard.excel.reconciliation",
               "godnaravard.excel.tables"}
    assert [sorted(c) for c in cycles(import_graph()) if c & reports] == []
