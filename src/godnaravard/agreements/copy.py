"""A new agreement from an existing one: ``copy_agreement`` (``godnaravard agreement new``)."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from .load import DEFINITION
from .model import Agreement

__all__ = ["copy_agreement"]


def _folder_name(path: Path) -> str:
    """The agreement name a new folder suggests: its name, lower case, with safe characters only."""
    name = re.sub(r"[^a-z0-9_.-]+", "-", path.name.casefold()).strip("-._")
    return name or "new-agreement"


def copy_agreement(source: Agreement, target: Path, with_official: bool = False) -> Path:
    """Copy ``source``'s definition and its data files into the new folder ``target``.

    The copy is self-contained: data files sit beside ``agreement.toml``, the paths in the
    definition are rewritten to match, the name becomes the folder's name and the aliases are
    dropped, so that the copy never shadows the original. The official tables are the published
    figures of *that* agreement, not of the new one: they are left out (and the definition's
    references to them removed) unless ``with_official``, when they are copied under
    ``official/``. The folder is built under a temporary name and renamed into place: it appears
    whole or not at all.
    """
    import shutil
    import tempfile

    if target.exists():
        raise FileExistsError(f"{target} already exists; choose a new folder")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise FileNotFoundError(f"the folder {parent} does not exist")
    text = source.path.read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    moves: dict[str, str] = {}
    for spec in raw.get("data", {}).values():
        moves[spec["file"]] = Path(spec["file"]).name
    official = [t["official"] for t in raw.get("tables", []) if t.get("official")]
    official += [raw["budget"][w] for w in ("by_chapter", "by_recipient", "stated_totals") if raw.get("budget", {}).get(w)]
    if with_official:
        moves |= {rel: f"official/{Path(rel).name}" for rel in official}
    else:
        text = re.sub(r'(?m)^(official|official_columns|by_chapter|by_recipient|stated_totals) = .*\n', "", text)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    try:
        (tmp / "official").mkdir()
        for old, new in moves.items():
            shutil.copyfile(source.path.parent / old, tmp / new)
            text = text.replace(f'"{old}"', f'"{new}"')
        text = re.sub(r'(?m)^name = ".*"$', f'name = "{_folder_name(target)}"', text, count=1)
        text = re.sub(r"(?m)^aliases = \[.*\]\n", "", text, count=1)
        (tmp / DEFINITION).write_text(text, encoding="utf-8")
        if not any((tmp / "official").iterdir()):
            (tmp / "official").rmdir()
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target / DEFINITION
