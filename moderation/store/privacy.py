"""Retention and data-subject requests in SQLite: purge spam, erase client data, export and
erase what is kept about an e-mail address. Each function runs inside the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from ..errors import InvalidSubmission
from ..model import Comment, Status
from .rows import comment_from_row, iso, write_audit

# Comments sent from an address, now or before a correction changed it.
_BY_EMAIL = """
    SELECT * FROM comments
    WHERE email = ? COLLATE NOCASE
       OR id IN (SELECT comment_id FROM revisions WHERE email = ? COLLATE NOCASE)
    ORDER BY id
"""


def purge_spam(db: sqlite3.Connection, cutoff: datetime) -> int:
    # Measured from the last change, so an old comment a moderator marked as spam yesterday
    # still gets the full review time.
    return db.execute(
        "DELETE FROM comments WHERE status = 'spam' AND updated_at < ?", (iso(cutoff),)
    ).rowcount


def erase_client_data(db: sqlite3.Connection, cutoff: datetime) -> int:
    # By creation time: a resubmit's fresher client data may go a little early, which errs on
    # the side of the promise. updated_at stays, so the erasure does not postpone purge_spam.
    return db.execute(
        """
        UPDATE comments SET ip = '', user_agent = '', referrer = ''
        WHERE created_at < ? AND (ip != '' OR user_agent != '' OR referrer != '')
        """,
        (iso(cutoff),),
    ).rowcount


def export_email(db: sqlite3.Connection, email: str) -> list[dict[str, object]]:
    """Every column of the address's comments, with their audit rows and earlier versions."""
    return [
        {
            **dict(row),
            "review": json.loads(row["review"]),
            "audit": [dict(audit) for audit in _rows(db, "audit", row["id"])],
            "revisions": [
                {**dict(revision), "review": json.loads(revision["review"])}
                for revision in _rows(db, "revisions", row["id"])
            ],
        }
        for row in db.execute(_BY_EMAIL, (_required(email), email)).fetchall()
    ]


def erase_email(db: sqlite3.Connection, email: str, now: datetime) -> list[Comment]:
    """Delete the address's unpublished comments, anonymise its approved ones (see Store)."""
    rows = db.execute(_BY_EMAIL, (_required(email), email)).fetchall()
    for row in rows:
        if row["status"] != Status.APPROVED:
            db.execute("DELETE FROM comments WHERE id = ?", (row["id"],))
            continue
        db.execute(
            "UPDATE comments SET email = '', ip = '', user_agent = '', referrer = '' WHERE id = ?",
            (row["id"],),
        )
        db.execute("DELETE FROM revisions WHERE comment_id = ?", (row["id"],))
        write_audit(db, row["id"], now, "privacy", "email-erased", Status.APPROVED, Status.APPROVED)
    return [comment_from_row(row) for row in rows]


def _rows(db: sqlite3.Connection, table: str, comment_id: int) -> list[sqlite3.Row]:
    """A comment's rows in `table` (audit or revisions: code's choice, never input), in order."""
    return db.execute(
        f"SELECT * FROM {table} WHERE comment_id = ? ORDER BY id", (comment_id,)
    ).fetchall()


def _required(email: str) -> str:
    # A blank address would match every comment sent without one.
    if not email.strip():
        raise InvalidSubmission("email", "a non-blank address is needed to export or erase data")
    return email
