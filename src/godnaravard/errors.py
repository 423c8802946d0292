"""Errors for bad input: each names the file, the row as the user sees it, and the column.

At most ``MAX_PROBLEMS`` problems are kept in an ``InputError``; the rest are counted and
summed up in one last line (``… and N more problems not shown``), however many there were.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic_core import core_schema

from .frozen import frozen

if TYPE_CHECKING:
    from pydantic_core import CoreSchema

__all__ = [
    "MAX_PROBLEMS",
    "Problem",
    "ProblemList",
    "InputError",
    "listing",
    "Record",
    "optional",
    "other_digits",
    "printable",
    "record",
    "excerpts",
    "safe_excerpt",
]

#: At most this many problems are listed; the rest are counted.
MAX_PROBLEMS = 100
#: A column name or key longer than this is cut in a message.
_MAX_NAME = 60

#: Characters that must not reach a terminal from a file: C0 and C1 controls (escape sequences),
#: line and paragraph separators, bidirectional overrides.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: What an excerpt of a file that is not a table may show: printable ASCII and Latin letters.
_UNSAFE = re.compile(r"[^\x20-\x7e\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]")


def printable(text: str, limit: int | None = None) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), cut to ``limit`` characters."""
    out = _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)
    if limit is not None and len(out) > limit:
        out = out[: limit - 1] + "…"
    return out


def safe_excerpt(text: str, limit: int = 20) -> str:
    """A few safe characters of an arbitrary file, for a message: printable ASCII and Latin
    letters (anything else becomes ``?``), at most ``limit`` characters (``…`` marks a cut)."""
    head = text[: limit + 1]
    out = _UNSAFE.sub("?", head)
    return out[: limit - 1] + "…" if len(out) > limit else out


def excerpts(cells: Sequence[str], count: int, width: int, limit: int) -> list[str]:
    """The first ``count`` of ``cells`` for a message, each a quoted ``safe_excerpt`` of at most
    ``width`` characters, at most ``limit`` characters in all (``…`` marks where they were cut)."""
    out: list[str] = []
    used = 0
    for cell in cells[:count]:
        part = repr(safe_excerpt(cell, width))
        if used + len(part) > limit:
            return [*out, "…"]
        out.append(part)
        used += len(part) + 2
    return out


def other_digits(text: str) -> str | None:
    """Why ``text`` is refused if it writes a number with digits other than 0–9, else ``None``.

    Numbers are read the same way everywhere (input files, ``--set``, scenario files, agreement
    definitions): with the digits 0–9 only. A fullwidth ``１２``, Arabic-Indic ``١٢`` or
    superscript ``²`` is refused with this reason, never read as a number in one place and
    refused in another.
    """
    for ch in text:
        if ch.isdigit() and not "0" <= ch <= "9":
            import unicodedata

            name = unicodedata.name(ch, "a digit")
            return (
                f"{printable(text, 40)!r} is written with the character {ch!r} (U+{ord(ch):04X} {name}); "
                f"numbers are read only with the digits 0-9"
            )
    return None


@frozen
class Problem:
    """One thing wrong with an input: where (file, row, column, or key path in a TOML file) and what.

    ``more`` is set only on the summary line of an ``InputError`` that had more problems than
    it lists: the number of problems not listed.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    key: str | None = None
    more: int = 0

    def __str__(self) -> str:
        where = printable(self.file, 200)
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{printable(self.column, _MAX_NAME)}'"
        if self.key is not None:
            where += f", key '{printable(self.key, _MAX_NAME)}'"
        return f"{where}: {printable(self.message)}"


def _summary(file: str, more: int) -> Problem:
    return Problem(file, f"... and {more} more problems not shown", more=more)


class InputError(ValueError):
    """One or more problems with an input file, scenario or parameter, all reported at once.

    ``problems`` lists at most ``MAX_PROBLEMS`` of them, then (if there were more) one summary
    line whose ``more`` says how many were left out; ``count`` is the number of problems in all.
    ``more`` counts problems that were found but never built (a collector that stopped keeping
    them); summary lines of other errors (merged into this one) are counted, not repeated.
    """

    def __init__(self, problems: list[Problem] | Problem, more: int = 0):
        items = [problems] if isinstance(problems, Problem) else list(problems)
        kept = [p for p in items if not p.more]
        more += sum(p.more for p in items)
        if len(kept) > MAX_PROBLEMS:
            more += len(kept) - MAX_PROBLEMS
            kept = kept[:MAX_PROBLEMS]
        self.count = len(kept) + more
        self.more = more
        if more:
            last = kept[-1].file if kept else next((p.file for p in items if p.more), "")
            kept.append(_summary(last, more))
        self.problems = kept
        super().__init__("\n".join(str(p) for p in self.problems))


class ProblemList:
    """Problems collected while a file is checked, bounded while they are built (issue 17, §1).

    The first ``MAX_PROBLEMS`` are kept; after that a problem is only counted, and a caller that
    builds its message only when it will be kept (``full``) builds none of the rest: a file with
    a million mistakes costs a hundred messages, not a million.
    """

    __slots__ = ("kept", "more")

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.more = 0

    @property
    def full(self) -> bool:
        """Whether a further problem would only be counted."""
        return len(self.kept) >= MAX_PROBLEMS

    def add(self, problem: Problem | Callable[[], Problem]) -> None:
        """Keep ``problem`` (or the one a callable builds, built only when it is kept), or count it."""
        if self.full:
            self.more += 1
        else:
            self.kept.append(problem if isinstance(problem, Problem) else problem())

    def __bool__(self) -> bool:
        return bool(self.kept) or self.more > 0

    def __len__(self) -> int:
        return len(self.kept) + self.more

    def error(self) -> InputError:
        """Every problem: the kept ones and a line counting the rest ("… and N more")."""
        return InputError(self.kept, more=self.more)

    def raise_if_any(self) -> None:
        if self:
            raise self.error()


def listing(names: Iterable[Any], limit: int = 12) -> str:
    """Names for a message, at most ``limit`` of them: ``a, b, c, … (250 in all)``; each shown as
    printable text and cut. A message never grows with the size of the file it is about."""
    shown: list[str] = []
    count = 0
    for name in names:
        count += 1
        if count <= limit:
            shown.append(printable(str(name), _MAX_NAME))
    if count > limit:
        return ", ".join(shown) + f", … ({count} in all)"
    return ", ".join(shown)


# --------------------------------------------------------------------------------------------
# Schemas of the files read: definitions, scenario files, data rows, provenance entries.
#
# Every file is validated by pydantic's validator, pydantic-core, with the schema pydantic
# builds for a model with the same fields: the same checks and the same messages ("Field
# required", "Extra inputs are not permitted", "Input should be a valid dictionary or instance
# of _DataSpec" ...). The schemas are written out here, not derived from pydantic models,
# because importing pydantic's model layer and building the models takes longer than a whole
# ``allocate``: it would be most of the command line's start-up (``tests/test_fast_start.py``).


class Record:
    """One validated table of a file: its keys as attributes, as a pydantic model holds them.

    ``record`` makes a subclass for each kind of table; pydantic-core creates and fills it.
    """

    __slots__ = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


def optional(schema: CoreSchema, default: Any) -> CoreSchema:
    """A key that may be left out, and is then ``default`` (a list or dict default is copied)."""
    return core_schema.with_default_schema(schema, default=default)


def record(
    name: str,
    fields: Mapping[str, CoreSchema],
    *,
    extra: Literal["forbid", "allow", "ignore"] = "forbid",
    check: Callable[[Any], Any] | None = None,
) -> CoreSchema:
    """The schema of a table with the keys ``fields`` (each its value's schema; ``optional`` for
    a key that may be left out), validated into a ``Record`` called ``name``: the schema of a
    pydantic model ``name`` with these fields. ``extra`` says what any other key is (forbidden:
    a problem each). ``check`` (the table → the table, or ``ValueError``) runs after the keys
    are valid, as a model validator does; its message is the problem's.
    """
    cls = type(name, (Record,), {"__slots__": ()})
    fields_schema = core_schema.model_fields_schema(
        {key: core_schema.model_field(schema) for key, schema in fields.items()}, model_name=name
    )
    schema = core_schema.model_schema(
        cls, fields_schema, config=core_schema.CoreConfig(title=name, extra_fields_behavior=extra)
    )
    return schema if check is None else core_schema.no_info_after_validator_function(check, schema)
