"""A comment file never replaces a file holding another comment (docs/comment-files.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from commentfiles import BASE
from comments.load import read_file

from moderation import commentfile
from moderation.commentfile import CommentFileConflict

MINE = replace(BASE, id=43, uid="a" * 32)


def place(comments: Path, text: str) -> Path:
    path = comments / "a" / "43.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_uid_is_written_after_the_id_and_read_back() -> None:
    text = commentfile.dumps(MINE)
    assert text.splitlines()[:2] == ["Id: 43", f"Uid: {'a' * 32}"]
    assert commentfile.loads(text) == MINE


def test_a_file_without_uid_reads_as_before() -> None:
    legacy = replace(MINE, uid="")
    text = commentfile.dumps(legacy)
    assert "Uid" not in text
    assert commentfile.loads(text) == legacy


@pytest.mark.parametrize(
    "existing",
    [
        replace(MINE, uid="b" * 32),
        replace(MINE, uid="", author="Someone Else"),
        replace(MINE, uid="", date=MINE.date + timedelta(microseconds=1)),
    ],
    ids=["other-uid", "legacy-other-author", "legacy-other-time"],
)
def test_write_refuses_to_replace_another_comment(tmp_path: Path, existing) -> None:
    path = place(tmp_path, commentfile.dumps(existing))
    before = path.read_bytes()
    with pytest.raises(CommentFileConflict, match="holds another comment"):
        commentfile.write(tmp_path, MINE)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["43.md"]  # no temporary file left


def test_write_refuses_to_replace_a_file_it_cannot_read(tmp_path: Path) -> None:
    path = place(tmp_path, "<<<<<<< HEAD\nId: 43\n=======\nId: 43\n>>>>>>> theirs\n")
    before = path.read_bytes()
    with pytest.raises(CommentFileConflict, match="cannot be read"):
        commentfile.write(tmp_path, MINE)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "existing",
    [
        MINE,
        replace(MINE, reply_to=7, body="An earlier wording."),
        replace(MINE, uid="", body="Edited by hand in git."),
    ],
    ids=["same-bytes", "same-uid", "legacy-same-author-and-time"],
)
def test_write_replaces_the_same_comment(tmp_path: Path, existing) -> None:
    place(tmp_path, commentfile.dumps(existing))
    path = commentfile.write(tmp_path, MINE)
    assert commentfile.read(path) == MINE


def test_a_naive_legacy_date_is_the_same_moment_in_utc(tmp_path: Path) -> None:
    naive = replace(MINE, uid="", date=MINE.date.replace(tzinfo=None))
    place(tmp_path, commentfile.dumps(naive))
    assert commentfile.read(commentfile.write(tmp_path, MINE)) == MINE


def test_remove_leaves_another_comment_alone(tmp_path: Path) -> None:
    path = place(tmp_path, commentfile.dumps(replace(MINE, uid="b" * 32)))
    with pytest.raises(CommentFileConflict):
        commentfile.remove(tmp_path, "a", 43, MINE)
    assert path.exists()
    assert commentfile.remove(tmp_path, "a", 43, replace(MINE, uid="b" * 32)) is True
    assert not path.exists()


def test_scan_lists_comment_files_by_name_only(tmp_path: Path) -> None:
    for name in ("a/1.md", "a/12.md", "a/.tmp-x.part", "a/notes.md", "a/01.md", "b/3.md", "x.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("anything", encoding="utf-8")
    found = sorted((f.article, f.id) for f in commentfile.scan(tmp_path))
    assert found == [("a", 1), ("a", 12), ("b", 3)]
    assert list(commentfile.scan(tmp_path / "missing")) == []


def test_the_plugin_publishes_a_file_with_uid_and_ignores_unknown_headers(tmp_path: Path) -> None:
    text = commentfile.dumps(MINE).replace("Article:", "X-Later-Header: anything\nArticle:", 1)
    read = read_file(place(tmp_path, text), (0, 0), lambda comment: "")
    assert read.error == "" and read.rendered is not None
    assert (read.rendered.id, read.rendered.author) == (43, MINE.author)


def test_writing_the_same_bytes_leaves_the_file_untouched(tmp_path: Path) -> None:
    path = commentfile.write(tmp_path, MINE)
    before = path.stat()
    commentfile.write(tmp_path, MINE)
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
