"""Every example in README.md and docs/*.md runs in the suite (Sybil), so the docs cannot drift.

- ```console blocks: each ``$ godnaravard ...`` line runs in process (click's CliRunner) in one
  temporary folder per document, and its output must equal the lines that follow it, up to the
  next ``$`` line (trailing spaces ignored; a line ``...`` stands for any number of lines).
  ``$ cd``, ``$ cp`` and ``$ mkdir`` lines do what they say inside that folder, so a
  recipe that creates a file can be followed as written.
- ```python blocks with ``>>>`` run as doctests.
- Blocks in other languages (```toml, ```csv, ```text) are shown, not run; a ```toml or ```csv
  block whose first line is a comment ``# file: NAME`` is written to NAME first, so the commands
  below it read the very text shown.
"""

from __future__ import annotations

from sybil import Sybil
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser

from tests._docs import console_evaluator, file_evaluator, setup_document, teardown_document

pytest_collect_file = Sybil(
    parsers=[
        CodeBlockParser(language="console", evaluator=console_evaluator),
        CodeBlockParser(language="toml", evaluator=file_evaluator),
        CodeBlockParser(language="csv", evaluator=file_evaluator),
        PythonCodeBlockParser(),
    ],
    patterns=["README.md", "docs/*.md"],
    setup=setup_document,
    teardown=teardown_document,
).pytest()
