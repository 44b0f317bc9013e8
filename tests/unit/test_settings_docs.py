"""Docs and code agree on the settings, as Datasette's test_docs.py keeps its own in step.

Every row of the SETTINGS table is read somewhere outside the table (a setting nobody
reads is a promise the code does not keep, as COMMENTS_LINK_TIMEOUT once was), and every
COMMENTS_* name the docs or the code mention is a row of the table.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from moderation.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"\bCOMMENTS_[A-Z0-9]+(?:_[A-Z0-9]+)*\b")
TABLE = {setting.name for setting in SETTINGS}
TABLE_FILES = {ROOT / "moderation" / "settings" / name for name in ("policy.py", "service.py")}
CODE_FOLDERS = ("moderation", "plugins", "theme")
CODE_FILES = ("pelicanconf.py", "publishconf.py")
CODE_SUFFIXES = {".py", ".html", ".js", ".xml"}


def code_files() -> list[Path]:
    files = [ROOT / name for name in CODE_FILES]
    for folder in CODE_FOLDERS:
        files += [p for p in (ROOT / folder).rglob("*") if p.suffix in CODE_SUFFIXES]
    return [p for p in files if p.is_file() and p not in TABLE_FILES]


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def names_in(paths: list[Path], find: Callable[[Path], set[str]]) -> dict[str, list[str]]:
    """Each COMMENTS_* name `find` sees in a file, with the files (relative) it is in."""
    found: dict[str, list[str]] = {}
    for path in paths:
        for name in find(path):
            found.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return found


def mentioned(path: Path) -> set[str]:
    return set(NAME.findall(path.read_text(encoding="utf-8")))


def read(path: Path) -> set[str]:
    """Names used as a value. In Python: a string that is exactly the name
    (`settings["COMMENTS_X"]`, `.get("COMMENTS_X")`) or a variable read; an assignment
    (`COMMENTS_X = 1` in pelicanconf.py), a comment, a docstring or an error message naming it
    reads nothing. In templates and scripts: any mention."""
    if path.suffix != ".py":
        return mentioned(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and ast.get_docstring(node) is not None
    }
    values = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]
    variables = [
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    ]
    return {value for value in values + variables if NAME.fullmatch(value)}


READ_IN_CODE = names_in(code_files(), read)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_setting_is_read_outside_the_table(name: str) -> None:
    readers = READ_IN_CODE.get(name, [])
    assert readers, f"{name} is in the SETTINGS table but nothing outside the table reads it"


def test_every_setting_the_docs_name_is_in_the_table() -> None:
    unknown = {n: files for n, files in names_in(doc_files(), mentioned).items() if n not in TABLE}
    assert unknown == {}, f"the docs name settings that do not exist: {unknown}"


def test_every_setting_the_code_names_is_in_the_table() -> None:
    named = names_in(code_files(), mentioned)
    unknown = {n: files for n, files in named.items() if n not in TABLE}
    assert unknown == {}, f"the code reads settings the table lacks: {unknown}"
