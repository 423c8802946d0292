"""``@frozen`` behaves as ``@dataclass(frozen=True, slots=True)``, method by method.

Random field lists (defaults, factories, ``init=False``, ``repr``/``compare``/``hash`` flags, a
``__post_init__``, ``eq=False``) define the same class both ways; their signatures, instances,
representations, comparisons, hashes, frozen errors, ``replace``, ``fields``, ``__match_args__``
and pickling must agree.
"""

from __future__ import annotations

import dataclasses
import inspect
import pickle
import subprocess
import sys
from collections.abc import Callable
from dataclasses import FrozenInstanceError, InitVar, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from godnaravard.frozen import frozen

# One field: (kind, repr, compare, hash); kind "noinit" has a factory, "noinit_default" a default.
FIELD = st.tuples(
    st.sampled_from(["required", "default", "factory", "noinit", "noinit_default"]),
    st.booleans(),
    st.booleans(),
    st.sampled_from([None, True, False]),
)


@st.composite
def specs(draw: st.DrawFn) -> tuple[list[tuple[str, bool, bool, bool | None]], bool, bool]:
    """Fields in a valid order (required ones before defaulted ones), ``eq`` and a post-init."""
    fields = draw(st.lists(FIELD, max_size=6))
    fields.sort(key=lambda f: f[0] != "required")
    return fields, draw(st.booleans()), draw(st.booleans())


def post_init(self: Any) -> None:
    """Refuse an instance whose first field is -1 (as the package's records check their values)."""
    names = [f.name for f in dataclasses.fields(self)]
    if names and getattr(self, names[0]) == -1:
        raise ValueError("-1 is refused")


def define(decorator: Callable[[type], type], spec: tuple[Any, bool, bool]) -> type:
    """The class ``R`` of this spec, made by ``decorator`` (a fresh namespace each time)."""
    fields, _, with_post_init = spec
    ns: dict[str, Any] = {"__annotations__": {}, "__doc__": "A test record.", "__module__": __name__}
    for i, (kind, shown, compared, hashed) in enumerate(fields):
        name = f"f{i}"
        ns["__annotations__"][name] = "int"
        flags = {"repr": shown, "compare": compared, "hash": hashed}
        if kind == "default":
            ns[name] = field(default=i, **flags)
        elif kind == "factory":
            ns[name] = field(default_factory=list, **flags)
        elif kind == "noinit":
            ns[name] = field(default_factory=tuple, init=False, **flags)
        elif kind == "noinit_default":
            ns[name] = field(default=-i, init=False, **flags)
        elif (shown, compared, hashed) != (True, True, None):
            ns[name] = field(**flags)
    if with_post_init:
        ns["__post_init__"] = post_init
    return decorator(type("R", (), ns))


def outcome(fn: Callable[[], Any]) -> tuple[str, Any]:
    """What ``fn()`` gives: its value, or the type of what it raised."""
    try:
        return "value", fn()
    except Exception as e:  # the exception's type is the behaviour compared
        return "raised", type(e)


def both(spec: tuple[Any, bool, bool]) -> tuple[type, type]:
    eq = spec[1]
    return define(dataclass(frozen=True, slots=True, eq=eq), spec), define(frozen(eq=eq), spec)


@given(specs(), st.lists(st.integers(-1, 2), min_size=6, max_size=6), st.data())
def test_a_frozen_record_behaves_as_the_frozen_slotted_dataclass(
    spec: tuple[Any, bool, bool], values: list[int], data: st.DataObject
) -> None:
    reference, ours = both(spec)
    assert str(inspect.signature(ours)) == str(inspect.signature(reference))
    assert ours.__match_args__ == reference.__match_args__  # type: ignore[attr-defined]
    assert ours.__slots__ == reference.__slots__  # type: ignore[attr-defined]
    assert ours.__doc__ == reference.__doc__
    assert [(f.name, f.init, f.repr, f.compare, f.hash) for f in dataclasses.fields(ours)] == [
        (f.name, f.init, f.repr, f.compare, f.hash) for f in dataclasses.fields(reference)
    ]
    names = list(ours.__match_args__)  # type: ignore[attr-defined]
    args = dict(zip(names, values, strict=False))
    a_ref, a = outcome(lambda: reference(**args)), outcome(lambda: ours(**args))
    assert a_ref[0] == a[0]
    if a[0] == "raised":  # the post-init refused both
        assert a == a_ref
        return
    r1, o1 = a_ref[1], a[1]
    other = {n: data.draw(st.integers(0, 2)) for n in names}
    r2, o2 = reference(**other), ours(**other)
    assert repr(o1).replace("R(", "", 1) == repr(r1).replace("R(", "", 1)
    assert (o1 == o2) == (r1 == r2) and (o1 != o2) == (r1 != r2)
    assert (o1 == ours(**args)) == (r1 == reference(**args))
    assert outcome(lambda: hash(o1) == hash(ours(**args)))[0] == outcome(lambda: hash(r1))[0]
    assert o1 != r1 and o1.__eq__(r1) is NotImplemented or not spec[1]
    for name in names:
        assert outcome(partial(setattr, o1, name, 5)) == outcome(partial(setattr, r1, name, 5))
        assert outcome(partial(delattr, o1, name)) == outcome(partial(delattr, r1, name))
    # Another attribute: FrozenInstanceError. (Python 3.11's slotted dataclass raises a TypeError
    # from super() instead: its __setattr__ refers to the class as it was before the slots.)
    assert outcome(lambda: setattr(o1, "other", 5)) == ("raised", FrozenInstanceError)
    assert outcome(lambda: delattr(o1, "other")) == ("raised", FrozenInstanceError)
    if names:
        changed = dataclasses.replace(o1, **{names[0]: 2})
        assert repr(changed) == repr(dataclasses.replace(r1, **{names[0]: 2}))
    state = o1.__getstate__()  # what pickle stores (the class itself is not importable here)
    assert state == r1.__getstate__()
    copy = object.__new__(ours)
    copy.__setstate__(state)
    assert repr(copy) == repr(o1)


@frozen
class Point:
    """A module-level record, so that pickle can find it."""

    x: int
    y: int = 0


def test_the_equal_hashable_and_picklable_basics() -> None:
    p = Point(1, 2)
    assert p == Point(1, 2) and p != Point(2, 1) and hash(p) == hash(Point(1, 2))
    assert pickle.loads(pickle.dumps(p)) == p
    assert repr(p) == "Point(x=1, y=2)"
    assert dataclasses.is_dataclass(p) and dataclasses.replace(p, y=5) == Point(1, 5)
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'x'"):
        p.x = 3  # type: ignore[misc]
    assert not hasattr(p, "__dict__")


def test_a_field_without_init_or_default_is_left_to_post_init() -> None:
    @frozen
    class Sized:
        """``size`` is computed, as ``sweep.ScenarioSet``'s is."""

        items: tuple[int, ...]
        size: int = field(init=False)

        def __post_init__(self) -> None:
            object.__setattr__(self, "size", len(self.items))

    assert Sized((1, 2)).size == 2 and Sized((1, 2)) == Sized((1, 2))
    assert str(inspect.signature(Sized)) == "(items: 'tuple[int, ...]') -> None"


def test_eq_false_is_identity() -> None:
    @frozen(eq=False)
    class Box:
        """Compared by identity."""

        v: int

    a = Box(1)
    assert a == a and a != Box(1) and hash(a) == object.__hash__(a)


def test_a_class_that_defines_its_own_methods_keeps_them() -> None:
    @frozen
    class Named:
        """With its own repr and equality."""

        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Named) and other.name.lower() == self.name.lower()

    assert repr(Named("A")) == "<A>" and Named("A") == Named("a")
    hash(Named("A"))  # eq with a frozen record: hashable, as the dataclass is


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        ({"__annotations__": {"x": "list[int]"}, "x": []}, ValueError, "mutable default"),
        ({"__annotations__": {"x": "int", "y": "int"}, "x": 1}, TypeError, "non-default argument 'y'"),
        ({"__annotations__": {"x": "InitVar[int]"}}, TypeError, "no InitVar"),
        ({"__annotations__": {"x": "int"}, "x": field(kw_only=True)}, TypeError, "keyword-only"),
        ({"__annotations__": {"x": "int"}, "__setattr__": lambda s, n, v: None}, TypeError, "__setattr__"),
    ],
)
def test_what_a_record_refuses_when_it_is_defined(body: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        frozen(type("Bad", (), {"__module__": __name__, **body}))


def test_a_record_does_not_inherit_from_a_record() -> None:
    with pytest.raises(TypeError, match="cannot inherit from Point"):
        frozen(type("Sub", (Point,), {"__annotations__": {"z": "int"}, "__module__": __name__}))
    assert InitVar  # the refused annotation is dataclasses' own


#: Run ``allocate --format csv`` in a new process and list the dataclasses its modules define.
_START_PATH_PROBE = """
import contextlib, io, runpy, sys
sys.argv = ["godnaravard", "allocate", "--format", "csv"]
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    runpy.run_module("godnaravard", run_name="__main__")
for m, module in sorted(sys.modules.items()):
    if m.startswith("godnaravard"):
        for name, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == m and "__dataclass_params__" in vars(value):
                print(f"{m}.{name}")
"""


def test_the_start_path_defines_no_dataclass(tmp_path: Path) -> None:
    """``allocate`` loads some forty value types; each is a ``@frozen`` record, so that defining
    them does not cost a dataclass's six compiled methods (docs/development.md, "Start-up time")."""
    proc = subprocess.run([sys.executable, "-c", _START_PATH_PROBE], capture_output=True, text=True,
                          cwd=tmp_path, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.splitlines() == []
