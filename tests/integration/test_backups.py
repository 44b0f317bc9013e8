"""Backups of the live SQLite database, and the checks a restore makes first."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from moderation.model import Review, Submission
from moderation.store.backups import BackupError, backup, check_backup, restore
from moderation.store.migrations import MIGRATIONS


def add(store) -> int:
    submission = Submission("a", "Ann Lee", "https://ann.example/", "A comment.")
    return store.add(submission, Review(())).id


def test_a_backup_taken_while_comments_are_written_is_consistent(store, tmp_path: Path) -> None:
    copy = tmp_path / "backups" / "copy.sqlite3"
    added: list[int] = []
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            added.append(add(store))

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        deadline = time.monotonic() + 10
        while len(added) < 20 and time.monotonic() < deadline:
            time.sleep(0.005)
        backup(store.path, copy)
        during = len(added)
    finally:
        stop.set()
        writer.join()
    assert check_backup(copy) == len(MIGRATIONS)
    assert not list(copy.parent.glob("*-wal")) and not list(copy.parent.glob(".*part"))
    with closing(sqlite3.connect(copy)) as db:
        ids = [row[0] for row in db.execute("SELECT id FROM comments ORDER BY id")]
        audited = {row[0] for row in db.execute("SELECT comment_id FROM audit")}
    # A snapshot: a prefix of the comments, each with its audit row.
    assert 20 <= len(ids) <= during + 1 and ids == added[: len(ids)]
    assert audited == set(ids)


def test_a_backup_from_newer_code_is_refused(store, tmp_path: Path) -> None:
    add(store)
    copy = tmp_path / "copy.sqlite3"
    backup(store.path, copy)
    with closing(sqlite3.connect(copy)) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(BackupError, match="newer than this code"):
        check_backup(copy)


def test_restore_replaces_a_closed_database_and_keeps_the_old_one(tmp_path: Path) -> None:
    from moderation.store import SQLiteStore

    live = tmp_path / "var" / "comments.sqlite3"
    copy = tmp_path / "copy.sqlite3"
    store = SQLiteStore(live)
    add(store)
    backup(live, copy)
    add(store)
    store.close()
    kept = restore(copy, live)
    assert kept is not None and kept.name.startswith("comments.sqlite3.before-restore-")
    reopened, old = SQLiteStore(live), SQLiteStore(kept)
    try:
        assert (reopened.count(), old.count()) == (1, 2)
        assert add(reopened) == 2  # AUTOINCREMENT as the backup left it; reconcile does the rest
    finally:
        reopened.close()
        old.close()


def test_a_backup_from_an_older_schema_is_restored_and_brought_up_to_date(tmp_path: Path) -> None:
    from moderation.store import SQLiteStore
    from moderation.store.migrations import migrate

    old = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(old, isolation_level=None)) as db:
        migrate(db, MIGRATIONS[:3])  # before comments had a uid
        db.execute(
            "INSERT INTO comments (article, name, body, status, token, created_at, updated_at,"
            " review, fingerprint) VALUES ('a', 'Ann Lee', 'Hi.', 'approved', 't',"
            " '2025-03-01T09:00:00.000000+00:00', '2025-03-01T09:00:00.000000+00:00',"
            " '{\"checks\": []}', 'f')"
        )
    assert check_backup(old) == 3
    live = tmp_path / "var" / "comments.sqlite3"
    assert restore(old, live) is None  # there was no database to keep
    store = SQLiteStore(live)
    try:
        assert len(store.get(1).uid) == 32
    finally:
        store.close()
