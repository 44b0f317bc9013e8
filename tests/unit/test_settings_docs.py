"""Docs and code agree on the settings, as Datasette's test_docs.py keeps its own in step.

Every row of the SETTINGS table is read somewhere outside settings.py (a setting nobody
reads is a promise the code does not keep, as COMMENTS_LINK_TIMEOUT once was), and every
COMMENTS_* name the docs or the code mention is a row of the table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from moderation.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"\bCOMMENTS_[A-Z0-9]+(?:_[A-Z0-9]+)*\b")
TABLE = {setting.name for setting in SETTINGS}
CODE_FOLDERS = ("moderation", "plugins", "theme")
CODE_FILES = ("pelicanconf.py", "publishconf.py")
CODE_SUFFIXES = {".py", ".html", ".js", ".xml"}


def code_files() -> list[Path]:
    files = [ROOT / name for name in CODE_FILES]
    for folder in CODE_FOLDERS:
        files += [p for p in (ROOT / folder).rglob("*") if p.suffix in CODE_SUFFIXES]
    return [p for p in files if p.is_file() and p != ROOT / "moderation" / "settings.py"]


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def names_in(paths: list[Path]) -> dict[str, list[str]]:
    """Each COMMENTS_* name mentioned, with the files (relative) that mention it."""
    found: dict[str, list[str]] = {}
    for path in paths:
        for name in set(NAME.findall(path.read_text(encoding="utf-8"))):
            found.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return found


READ_IN_CODE = names_in(code_files())


@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_setting_is_read_outside_the_table(name: str) -> None:
    readers = READ_IN_CODE.get(name, [])
    assert readers, f"{name} is in the SETTINGS table but nothing outside settings.py reads it"


def test_every_setting_the_docs_name_is_in_the_table() -> None:
    unknown = {n: files for n, files in names_in(doc_files()).items() if n not in TABLE}
    assert unknown == {}, f"the docs name settings that do not exist: {unknown}"


def test_every_setting_the_code_names_is_in_the_table() -> None:
    unknown = {n: files for n, files in READ_IN_CODE.items() if n not in TABLE}
    assert unknown == {}, f"the code reads settings the table lacks: {unknown}"
