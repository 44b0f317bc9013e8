"""The live builder's scan of content/comments lists again only the folders that changed."""

from __future__ import annotations

import os
import time
from pathlib import Path

from comments.load import SETTLED_NS, scan

LONG_AGO = time.time_ns() - 10 * SETTLED_NS


def folder(root: Path, name: str, *files: str) -> Path:
    path = root / name
    path.mkdir(parents=True)
    for file in files:
        (path / file).write_text(f"comment {file}\n")
    os.utime(path, ns=(LONG_AGO, LONG_AGO))  # settled: its listing can be kept
    return path


def names(found: dict, name: str) -> list[str]:
    return [str(n) for n in found[name][0::3]]


def test_a_settled_folder_is_listed_once_and_a_new_file_is_seen(tmp_path) -> None:
    article = folder(tmp_path, "post", "1.md")
    listed: dict = {}
    assert names(scan(tmp_path, listed), "post") == ["1.md"]
    assert "post" in listed
    (article / "2.md").write_text("comment 2\n")  # as the publisher does: the folder changes
    assert names(scan(tmp_path, listed), "post") == ["1.md", "2.md"]
    assert "post" not in listed  # changed just now: listed again next time, in case of more


def test_an_unchanged_settled_folder_is_not_listed_again(tmp_path) -> None:
    article = folder(tmp_path, "post", "1.md")
    listed: dict = {}
    first = scan(tmp_path, listed)
    (article / "1.md").write_text("edited in place, a longer comment\n")
    os.utime(article, ns=(LONG_AGO, LONG_AGO))
    assert scan(tmp_path, listed) == first  # documented: the next full build reads the edit
    assert scan(tmp_path) != first  # a full build's scan lists every folder


def test_a_removed_folder_is_forgotten(tmp_path) -> None:
    article = folder(tmp_path, "post", "1.md")
    listed: dict = {}
    scan(tmp_path, listed)
    (article / "1.md").unlink()
    article.rmdir()
    assert scan(tmp_path, listed) == {} and listed == {}
