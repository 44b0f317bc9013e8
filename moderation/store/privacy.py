"""Retention and data-subject requests in SQLite: purge spam, erase client data, export and
erase what is kept about an e-mail address (its comments and the outbox's messages). Each
function runs inside the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta

from ..errors import InvalidSubmission
from ..model import Comment, Status
from . import subscriptions
from .database import SQLiteDatabase
from .limits import forget_login_attempts
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


def erase_email(
    db: sqlite3.Connection, email: str, now: datetime, *, unpublish: bool
) -> list[Comment]:
    """Delete the address's unpublished comments and their messages; anonymise its approved
    ones, or with `unpublish` blank them too (see Store)."""
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
        if unpublish:
            _blank_unpublished(db, row["id"], now)
        else:
            write_audit(
                db, row["id"], now, "privacy", "email-erased", Status.APPROVED, Status.APPROVED
            )
    _forget_messages(db, email, [row["id"] for row in rows])
    subscriptions.forget_address(db, email)
    return [comment_from_row(row) for row in rows]


def _blank_unpublished(db: sqlite3.Connection, comment_id: int, now: datetime) -> None:
    """An approved comment taken down at its author's request: nothing of theirs is left.

    The row stays, rejected and empty, so its id and uid are never given to another comment
    and replies to it still know they were replies.
    """
    db.execute(
        """
        UPDATE comments SET name = '', blog_url = '', body = '', status = 'rejected',
            feed = '', updated_at = ?, decided_by = 'privacy', decided_at = ?,
            decision_reason = 'erased at the commenter''s request'
        WHERE id = ?
        """,
        (iso(now), iso(now), comment_id),
    )
    write_audit(db, comment_id, now, "privacy", "email-erased", Status.APPROVED, Status.REJECTED)


def _forget_messages(db: sqlite3.Connection, email: str, comment_ids: list[int]) -> None:
    """E-mail jobs to the address, or about its comments (the moderators' copies hold their
    text), in every state: the outbox keeps no trace of an erased commenter."""
    db.execute(
        """
        DELETE FROM jobs WHERE kind = 'email' AND (
            json_extract(payload, '$.to') = ? COLLATE NOCASE
            OR json_extract(payload, '$.comment_id') IN (SELECT value FROM json_each(?))
        )
        """,
        (email.strip(), json.dumps(comment_ids)),
    )


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


class SQLitePrivacy(SQLiteDatabase):
    """Retention and data-subject requests, as methods of the store."""

    def purge_spam(self, older_than: timedelta) -> int:
        with self._write() as db:
            return purge_spam(db, self._clock() - older_than)

    def erase_client_data(self, older_than: timedelta) -> int:
        with self._write() as db:
            forget_login_attempts(db, self._clock() - older_than)
            return erase_client_data(db, self._clock() - older_than)

    def export_email(self, email: str) -> list[dict[str, object]]:
        # A read transaction: the comments and their audit rows come from the same moment.
        with self._transaction("BEGIN") as db:
            return export_email(db, email)

    def erase_email(self, email: str, *, unpublish: bool = False) -> list[Comment]:
        with self._write() as db:
            return erase_email(db, email, self._clock(), unpublish=unpublish)
