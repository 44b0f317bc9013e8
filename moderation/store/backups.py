"""Backing up and restoring the SQLite queue database (`moderate backup` and `restore`).

A backup is taken with SQLite's online backup API, which copies a consistent snapshot while
the service keeps reading and writing (WAL mode lets writers go on during the copy). A
restore replaces the live database only when no other process has it open, after checking
that the file is one of our databases at a schema version this code knows, and after keeping
a copy of the database it replaces. The caller then reconciles the restored database with
`content/comments/` (`store.reconcile`), so an older backup cannot reuse a published id.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ModerationError
from .migrations import MIGRATIONS

_HEADER = b"SQLite format 3\x00"
_TABLES = frozenset({"comments", "audit"})  # what the first migration created


class BackupError(ModerationError):
    """A backup or restore that cannot be done; nothing was changed."""


def backup(database: Path, target: Path) -> None:
    """Copy the live database to `target`, a new file, consistent even while it is written."""
    if not database.is_file():
        raise BackupError(f"there is no comment database at {database}")
    if target.exists():
        raise BackupError(f"{target} exists: name a new file, a backup never overwrites one")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    try:
        with (
            closing(sqlite3.connect(database, timeout=30)) as source,
            closing(sqlite3.connect(partial)) as copy,
        ):
            source.backup(copy)
            # One self-contained file: no -wal or -shm beside it.
            copy.execute("PRAGMA journal_mode = DELETE")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def check_backup(path: Path) -> int:
    """The schema version of a backup that can be restored; `BackupError` says why not."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    with path.open("rb") as handle:
        if handle.read(len(_HEADER)) != _HEADER:
            raise BackupError(f"{path} is not a SQLite database")
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            health = db.execute("PRAGMA quick_check").fetchall()[0][0]
            version = db.execute("PRAGMA user_version").fetchall()[0][0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as a database: {error}") from None
    if health != "ok":
        raise BackupError(f"{path} is damaged: {health}")
    if version < 1 or not _TABLES.issubset(tables):
        raise BackupError(f"{path} is a SQLite database, but not a comment database")
    if version > len(MIGRATIONS):
        raise BackupError(
            f"{path} is at schema version {version}, newer than this code knows"
            f" ({len(MIGRATIONS)}): restore it with the newer code"
        )
    return version


def restore(source: Path, database: Path) -> Path | None:
    """Replace the live database with a checked backup; returns the copy kept of the old one.

    Refuses while any process has the database open: SQLite leaves WAL mode only for a
    connection that is alone, so that switch is the test.
    """
    check_backup(source)
    if source.resolve() == database.resolve():
        raise BackupError(f"{source} is the live database itself: name a backup file")
    database.parent.mkdir(parents=True, exist_ok=True)
    existed = database.is_file()
    with closing(sqlite3.connect(database, timeout=0, isolation_level=None)) as live:
        try:
            alone = live.execute("PRAGMA journal_mode = DELETE").fetchall()[0][0] == "delete"
        except sqlite3.OperationalError:
            alone = False
        if not alone:
            raise BackupError(
                f"{database} is open in another process (the comment service or a `moderate`"
                " command): stop it, then restore"
            )
        kept = None
        if existed:
            moment = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            kept = database.with_name(f"{database.name}.before-restore-{moment}")
            backup(database, kept)
        with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as old:
            old.backup(live)
        live.execute("PRAGMA journal_mode = WAL")
    return kept
