"""The one way tests run the command line: in process (click's CliRunner), or as a real process.

Most tests use ``invoke``: it is fast and shows the same output and exit code as the console
script. ``run`` starts ``python -m godnaravard`` for the few smoke tests that must see a real
process (the fast start, ``os._exit``, signals, a working directory of its own).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

__all__ = ["invoke", "run"]


def invoke(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> Result:
    """``godnaravard ARGS`` in process (in the folder ``cwd``, if given); ``.exit_code``, and
    ``.output`` with stdout and stderr, ``.stdout``/``.stderr`` each."""
    from godnaravard.cli import main

    here = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner(env=env).invoke(main, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(here)


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m godnaravard ARGS`` as a separate process."""
    return subprocess.run([sys.executable, "-m", "godnaravard", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)
