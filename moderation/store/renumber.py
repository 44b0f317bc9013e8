"""Giving a comment another id: every row that refers to it follows, in one transaction.

Ids move when a published file holds another comment under a comment's id (`reconcile`, and
the publisher at write time). AUTOINCREMENT's sequence is kept above every id given out, so a
moved-from or published id is never issued again.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ..model import Status
from .rows import one, write_audit


def move(
    db: sqlite3.Connection,
    comment_id: int,
    now: datetime,
    reason: str,
    actor: str,
    *,
    new_id: int | None = None,
    above: int = 0,
) -> int:
    """Give a comment another id (a fresh one, above `above`, unless `new_id` is free).

    Every row that refers to it follows: its audit rows, revisions, replies, the rows of any
    table with a foreign key to `comments`, and the jobs about it. The caller holds a write
    transaction.
    """
    db.execute("PRAGMA defer_foreign_keys = ON")
    if new_id is None:
        new_id = _fresh_id(db, above)
    row = one(db, "SELECT status FROM comments WHERE id = ?", comment_id)
    if row is None:
        raise ValueError(f"no comment {comment_id} to move")
    db.execute(
        "UPDATE comments SET id = ?, published_stamp = '' WHERE id = ?", (new_id, comment_id)
    )
    for table, column in _references(db):
        # Names from the schema, not from input.
        db.execute(
            f'UPDATE "{table}" SET "{column}" = ? WHERE "{column}" = ?', (new_id, comment_id)
        )
    # Jobs name their comment in the payload (erasure finds its messages by it).
    db.execute(
        "UPDATE jobs SET payload = json_set(payload, '$.comment_id', ?)"
        " WHERE json_extract(payload, '$.comment_id') = ?",
        (new_id, comment_id),
    )
    raise_sequence(db, new_id)
    status = Status(row["status"])
    write_audit(db, new_id, now, actor, "moved", status, status, f"was #{comment_id}: {reason}")
    return new_id


def _references(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """(table, column) of every foreign key to `comments.id`, replies included."""
    return db.execute(
        """
        SELECT m.name, k."from" FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS k
        WHERE m.type = 'table' AND k."table" = 'comments'
        """
    ).fetchall()


def _fresh_id(db: sqlite3.Connection, above: int) -> int:
    found = one(
        db,
        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'comments'), 0),"
        " coalesce((SELECT max(id) FROM comments), 0), ?)",
        above,
    )
    return int(found[0] if found else above) + 1


def raise_sequence(db: sqlite3.Connection, at_least: int) -> None:
    """AUTOINCREMENT issues ids above `sqlite_sequence`: keep it above every published id."""
    if one(db, "SELECT 1 FROM sqlite_sequence WHERE name = 'comments'") is None:
        db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('comments', ?)", (at_least,))
    else:
        db.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'comments'", (at_least,)
        )
