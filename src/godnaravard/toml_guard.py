"""The shape of a TOML file, checked before it is parsed, so that parsing is bounded (issue 17, §1).

Python's TOML parser costs memory quadratic in the number of segments of a dotted key
(``a.a.a.…``: every prefix of the key is kept while its table is read): a 30 KB scenario file
took 883 MB. Every definition and scenario file is therefore scanned first, in one linear pass
that skips strings and comments, and refused when a key has more than ``MAX_SEGMENTS`` dotted
segments or more than ``MAX_KEY_CHARS`` characters, the file more than ``MAX_KEYS`` keys, or
arrays and inline tables nest deeper than ``MAX_DEPTH``. Under these caps (and the file's size
cap) the parser's memory and time are linear in the file's size. Whether the file is valid
TOML is still the parser's to say: the scan only counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MAX_DEPTH", "MAX_KEYS", "MAX_KEY_CHARS", "MAX_SEGMENTS", "shape_problem"]

#: A dotted key (``a.b.c = 1``, ``[a.b.c]``) has at most this many segments.
MAX_SEGMENTS = 10
#: A key (all its segments, quotes included) is at most this many characters long.
MAX_KEY_CHARS = 1000
#: A file has at most this many keys and table headers (a shipped definition has a few hundred).
MAX_KEYS = 20_000
#: Arrays and inline tables nest at most this deep.
MAX_DEPTH = 20

#: What the scan stops at: string and comment starts, brackets, and the characters of keys.
_SIGNIFICANT = re.compile(r"[\"'#\[\]{}=,.\n]")
#: The rest of a string, after its opening quote(s) (each pattern is linear: no alternative overlaps).
_BASIC = re.compile(r'(?:[^"\\\n]|\\.)*"')
_MULTI_BASIC = re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""', re.S)


@dataclass
class _Key:
    """The key being read: where it starts, how many segments it has so far, whether it is a header."""

    start: int
    segments: int = 1
    header: bool = False


def _string_end(text: str, i: int) -> int:
    """The index after the string that starts at ``i``, as the parser reads it: a multi-line
    string may end with up to two more quotes (four quotes end it after the fourth). A string never
    closed ends where the parser must fail: at the end of its line (one line), or of the file."""
    for quotes, rest in (('"""', _MULTI_BASIC), ("'''", None)):
        if text.startswith(quotes, i):
            if rest is not None:
                m = rest.match(text, i + 3)
                end = m.end() if m else -1
            else:
                j = text.find(quotes, i + 3)
                end = j + 3 if j >= 0 else -1
            if end < 0:
                return len(text)
            extra = 0
            while extra < 2 and text.startswith(quotes[0], end + extra):
                extra += 1
            return end + extra
    line_end = text.find("\n", i)
    line_end = len(text) if line_end < 0 else line_end
    if text[i] == '"':
        m = _BASIC.match(text, i + 1)
        return m.end() if m else line_end
    j = text.find("'", i + 1, line_end)
    return line_end if j < 0 else j + 1


def _key_problem(text: str, key: _Key, end: int) -> str | None:
    """What is wrong with the key from ``key.start`` to ``end``, if anything."""
    if key.segments > MAX_SEGMENTS:
        what = "a table header" if key.header else "a dotted key"
        return f"{what} has more than {MAX_SEGMENTS} segments; at most {MAX_SEGMENTS} are read"
    if len(text[key.start : end].strip()) > MAX_KEY_CHARS:
        return f"a key is longer than {MAX_KEY_CHARS} characters"
    return None


def shape_problem(text: str) -> tuple[int, str] | None:
    """The line and reason why ``text`` is not parsed (see the module), or ``None``."""
    stack: list[str] = []
    key: _Key | None = _Key(0)
    keys = 0
    pos = 0
    while (m := _SIGNIFICANT.search(text, pos)) is not None:
        ch, i = m.group(), m.start()
        pos = i + 1
        if ch in "\"'":
            pos = _string_end(text, i)
        elif ch == "#":
            pos = len(text) if (j := text.find("\n", i)) < 0 else j
        elif key is not None and ch == ".":
            key.segments += 1
            if key.segments > MAX_SEGMENTS:  # at once: the key need not end for its cost to be known
                return _line(text, key.start), _key_problem(text, key, i) or ""
        elif key is not None and (ch == "=" or (ch == "]" and key.header)):
            problem = _key_problem(text, key, i)
            if problem is None and (keys := keys + 1) > MAX_KEYS:
                problem = f"the file has more than {MAX_KEYS:,} keys".replace(",", " ")
            if problem:
                return _line(text, i), problem
            key = None
        elif ch == "[" and key is not None and not stack:
            if not key.header:
                key = _Key(i + 1, header=True)
            else:
                key.start = i + 1  # [[array of tables]]
        elif ch in "[{":
            stack.append(ch)
            if len(stack) > MAX_DEPTH:
                return _line(text, i), f"arrays and inline tables nest more than {MAX_DEPTH} deep"
            key = _Key(i + 1) if ch == "{" else None
        elif ch in "]}":
            if stack:
                stack.pop()
            key = None
        elif ch == "," and stack and stack[-1] == "{":
            key = _Key(i + 1)
        elif ch == "\n" and not stack:
            key = _Key(i + 1)
    return None


def _line(text: str, index: int) -> int:
    """The line number (1-based) of ``index``."""
    return text.count("\n", 0, index) + 1
