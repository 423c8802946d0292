"""``@frozen``: a frozen, slotted dataclass that is five times cheaper to define.

Every value type of the package (a budget line, a recipient, a problem in a file, …) is an
immutable record. ``@dataclass(frozen=True, slots=True)`` would say the same, but on Python 3.11
it compiles six methods per class with ``exec``, about 1 ms a class; the ``allocate`` path
defines some forty of them, a fifth of the command's start (``benchmarks/run.py`` measures the
start against ``import numpy, pydantic``; docs/development.md). ``frozen`` compiles only
``__init__`` (so that its signature and its speed are a dataclass's) and shares the other methods
as ordinary functions.

What a record is, is what ``@dataclass(frozen=True, slots=True)`` makes, and the tests check it
method by method against the dataclass (tests/test_frozen.py):

- ``__init__`` with the fields in order, defaults and ``field(default_factory=…)``,
  ``field(init=False)`` set from its default or factory (or left to ``__post_init__``), then
  ``__post_init__`` if the class has one;
- ``__repr__``, ``__eq__`` (same class, equal compared fields), ``__hash__`` over the hashed fields
  (with ``eq=False``: identity, as ``object``), ``__match_args__``;
- assigning or deleting a field raises :class:`dataclasses.FrozenInstanceError`;
- ``__slots__`` for the fields, and pickling;
- ``__dataclass_fields__``, so :func:`dataclasses.fields` and :func:`dataclasses.replace` work.

Not supported, and refused when the class is defined: inheriting from another record or
dataclass, ``InitVar``, ``KW_ONLY`` and ``kw_only``. Mutable working state (the workbook's
builders, …) stays a plain ``@dataclass``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import MISSING, Field, FrozenInstanceError, field
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

__all__ = ["frozen"]

_T = TypeVar("_T", bound=type)

#: What ``dataclasses`` marks an ordinary field with (``fields`` and ``replace`` read it).
_ORDINARY_FIELD = dataclasses._FIELD  # type: ignore[attr-defined]


class _Factory:
    """The default of a parameter whose value comes from a ``default_factory``."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


@overload
def frozen(cls: _T, /) -> _T: ...
@overload
def frozen(*, eq: bool = True) -> Callable[[_T], _T]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def frozen(cls: Any = None, /, *, eq: bool = True) -> Any:
    """Make ``cls`` a frozen, slotted record (``@frozen``, or ``@frozen(eq=False)`` for identity
    equality)."""
    if cls is None:
        return lambda c: _make(c, eq)
    return _make(cls, eq)


def _make(cls: type, eq: bool) -> type:
    """The record class of ``cls``: a new class with slots (a class's slots are fixed when it is
    created), its fields recorded as ``dataclasses`` records them, and its methods."""
    ns = cls.__dict__
    for base in cls.__mro__[1:]:
        if "__dataclass_fields__" in base.__dict__:
            raise TypeError(f"{cls.__qualname__}: a record cannot inherit from {base.__qualname__}")
    for name in ("__setattr__", "__delattr__"):
        if name in ns:
            raise TypeError(f"{cls.__qualname__}: a record cannot define {name} (it is frozen)")
    fields = _fields(cls)
    names = tuple(fields)
    body = {k: v for k, v in ns.items() if k not in fields and k not in ("__dict__", "__weakref__")}
    body["__slots__"] = names
    body["__dataclass_fields__"] = fields
    body["__match_args__"] = tuple(f.name for f in fields.values() if f.init)
    new: Any = type(cls)(cls.__name__, cls.__bases__, body)
    new.__qualname__ = cls.__qualname__
    methods: dict[str, Callable[..., Any]] = {
        "__init__": _init(new, fields, "__post_init__" in ns),
        "__setattr__": _frozen_setattr(new, frozenset(names)),
        "__delattr__": _frozen_delattr(new, frozenset(names)),
        "__getstate__": _getstate(names),
        "__setstate__": _setstate(names),
    }
    if "__repr__" not in ns:
        methods["__repr__"] = _repr(tuple(f.name for f in fields.values() if f.repr))
    if eq and "__eq__" not in ns:
        methods["__eq__"] = _eq(_key(f.name for f in fields.values() if f.compare))
    if eq and ("__hash__" not in ns or (ns["__hash__"] is None and "__eq__" in ns)):
        hashed = (f.name for f in fields.values() if (f.compare if f.hash is None else f.hash))
        methods["__hash__"] = _hash(_key(hashed))
    for name, fn in methods.items():
        fn.__qualname__ = f"{cls.__qualname__}.{name}"
        fn.__module__ = cls.__module__
        setattr(new, name, fn)
    return new


def _fields(cls: type) -> dict[str, Field[Any]]:
    """The fields of ``cls`` from its annotations, as ``dataclasses`` records them."""
    fields: dict[str, Field[Any]] = {}
    defaulted = False  # a field before this one has a default
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        text = str(annotation)
        if text.startswith(("ClassVar", "typing.ClassVar")):
            continue
        if text.startswith(("InitVar", "dataclasses.InitVar", "KW_ONLY", "dataclasses.KW_ONLY")):
            raise TypeError(f"{cls.__qualname__}.{name}: a record has no {text.split('[')[0]}")
        value = cls.__dict__.get(name, MISSING)
        f: Field[Any] = value if isinstance(value, Field) else field(default=value)
        if f.kw_only is True:
            raise TypeError(f"{cls.__qualname__}.{name}: a record has no keyword-only fields")
        if f.default is not MISSING and type(f.default).__hash__ is None:
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not allowed: "
                             "use default_factory")
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        if f.init and not has_default and defaulted:
            raise TypeError(f"non-default argument {name!r} follows default argument")
        defaulted = defaulted or (f.init and has_default)
        f.name, f.type = name, annotation
        f._field_type = _ORDINARY_FIELD  # type: ignore[attr-defined]
        fields[name] = f
    return fields


def _init(cls: type, fields: dict[str, Field[Any]], post_init: bool) -> Callable[..., None]:
    """``__init__``, compiled as a dataclass compiles it: one parameter per field that has one."""
    scope: dict[str, Any] = {"_set": object.__setattr__, "_FACTORY": _FACTORY}
    params, lines = ["self"], []
    for f in fields.values():
        if f.default_factory is not MISSING:
            scope[f"_factory_{f.name}"] = f.default_factory
        if not f.init:  # set from its default, if it has one (else __post_init__ sets it)
            if f.default is not MISSING:
                scope[f"_default_{f.name}"] = f.default
                lines.append(f"_set(self, {f.name!r}, _default_{f.name})")
            elif f.default_factory is not MISSING:
                lines.append(f"_set(self, {f.name!r}, _factory_{f.name}())")
            continue
        if f.default is not MISSING:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not MISSING:
            params.append(f"{f.name}=_FACTORY")
            lines.append(f"if {f.name} is _FACTORY: {f.name} = _factory_{f.name}()")
        else:
            params.append(f.name)
        lines.append(f"_set(self, {f.name!r}, {f.name})")
    if post_init:
        lines.append("self.__post_init__()")
    source = f"def __init__({', '.join(params)}):\n" + "".join(
        f"    {line}\n" for line in lines or ["pass"]
    )
    exec(source, scope)  # the source is built from the class's own field names, never from data
    init: Callable[..., None] = scope["__init__"]
    init.__annotations__ = {f.name: f.type for f in fields.values() if f.init} | {"return": None}
    return init


def _key(selected: Iterable[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the tuple of these attributes of a record (what ``__eq__`` compares and
    ``__hash__`` hashes, as the dataclass's generated methods do)."""
    names = tuple(selected)
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda r: (one(r),)
    if not names:
        return lambda r: ()
    get: Callable[[Any], tuple[Any, ...]] = attrgetter(*names)
    return get


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    """``__repr__``: ``Name(field=value, …)`` over the fields with ``repr``."""
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
        return f"{type(self).__qualname__}({shown})"
    return __repr__


def _eq(key: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, object], Any]:
    """``__eq__``: a record of the same class with equal compared fields."""
    def __eq__(self: Any, other: object) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented
    return __eq__


def _hash(key: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], int]:
    """``__hash__``: the hash of the hashed fields' tuple."""
    def __hash__(self: Any) -> int:
        return hash(key(self))
    return __hash__


def _frozen_setattr(owner: type[Any], names: frozenset[str]) -> Callable[[Any, str, Any], None]:
    """``__setattr__``: refused for a field, and for any attribute of the record itself."""
    def __setattr__(self: object, name: str, value: Any) -> None:
        if type(self) is owner or name in names:  # a subclass's own attributes may be set
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(owner, self).__setattr__(name, value)
    return __setattr__


def _frozen_delattr(owner: type[Any], names: frozenset[str]) -> Callable[[Any, str], None]:
    """``__delattr__``: refused as ``__setattr__`` is."""
    def __delattr__(self: object, name: str) -> None:
        if type(self) is owner or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(owner, self).__delattr__(name)
    return __delattr__


def _getstate(names: tuple[str, ...]) -> Callable[[Any], list[Any]]:
    """``__getstate__`` for pickle: the fields' values in order (a slotted class has no
    ``__dict__`` to pickle)."""
    def __getstate__(self: Any) -> list[Any]:
        return [getattr(self, n) for n in names]
    return __getstate__


def _setstate(names: tuple[str, ...]) -> Callable[[Any, list[Any]], None]:
    """``__setstate__``: the fields back from ``__getstate__``'s list, past the frozen guard."""
    def __setstate__(self: Any, state: list[Any]) -> None:
        for n, value in zip(names, state, strict=True):
            object.__setattr__(self, n, value)
    return __setstate__
