"""Text from definitions and data files, printed as text on a terminal (issue 17, §1).

A definition is written by anyone: its titles, labels, sources, notes and names, and the names
in its data files, reach the terminal. They are printed as they are written, never interpreted:

- ``terminal_text`` shows control characters (escape sequences, C1 controls, bidirectional
  overrides, line separators) as visible escapes (``\\x1b``), keeping line breaks; it is the one
  sanitising function, used by every path that prints text (the plain-text renderers through
  the command line, and every string and segment a rich table prints);
- ``text_console`` is the rich console of every table: markup (``[bold]``, ``[/not 1]``) and
  emoji codes (``:smile:``) are not interpreted, and every string it is given and every segment it
  prints passes through ``terminal_text``.

rich is imported only when a console is made, so the CSV and JSON outputs stay light.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console, ConsoleOptions, RenderableType
    from rich.segment import Segment
    from rich.text import Text

__all__ = ["terminal_text", "text_console"]

#: What a terminal must not receive from a file: C0 controls but the line break (tab included:
#: it moves the cursor), DEL, C1 controls (``\x9b`` starts an escape sequence by itself), line and
#: paragraph separators, bidirectional marks, embeddings, overrides and isolates.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def terminal_text(text: str) -> str:
    """``text`` with every control character shown as a visible escape (``\\x1b``, ``\\u202e``);
    line breaks are kept. Text without control characters is returned unchanged."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


@cache
def _console_class() -> type[Console]:
    """The class of ``text_console`` (made on first use: rich is imported only then)."""
    from rich.console import Console
    from rich.segment import Segment

    class TextConsole(Console):
        """A rich console that prints every string as text (see the module)."""

        def render_str(self, text: str, **kwargs: Any) -> Text:
            kwargs["markup"] = False
            kwargs["emoji"] = False
            return super().render_str(terminal_text(text), **kwargs)

        def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
            for seg in super().render(renderable, options):
                if seg.control or not _CONTROL.search(seg.text):
                    yield seg
                else:
                    yield Segment(terminal_text(seg.text), seg.style)

    return TextConsole


def text_console(**kwargs: Any) -> Console:
    """A rich console that prints text as text: no markup, no emoji codes, no control characters."""
    return _console_class()(markup=False, emoji=False, **kwargs)
