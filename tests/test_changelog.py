"""CHANGELOG.md (Keep a Changelog 1.1): its latest release is the package's version."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import godnaravard

ROOT = Path(__file__).resolve().parents[1]
CHANGELOG = ROOT / "CHANGELOG.md"
RELEASE = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?$", re.MULTILINE)
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$")


def releases() -> list[str]:
    """The version headings of the changelog, newest first (``Unreleased`` included)."""
    return [m["version"] for m in RELEASE.finditer(CHANGELOG.read_text(encoding="utf-8"))]


def test_unreleased_comes_first_and_every_release_is_a_semantic_version() -> None:
    found = releases()
    assert found[0] == "Unreleased"
    assert found[1:] and all(SEMVER.match(v) for v in found[1:])
    assert len(set(found)) == len(found)


def test_the_latest_release_is_the_package_version_and_pyproject_version() -> None:
    latest = releases()[1]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert latest == godnaravard.__version__ == pyproject


def test_sections_use_the_keep_a_changelog_kinds() -> None:
    kinds = re.findall(r"^#{3,4} (\w+)$", CHANGELOG.read_text(encoding="utf-8"), re.MULTILINE)
    assert kinds and set(kinds) <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
