"""What the queue knows of a returning commenter: their earlier approved comments.

For `policy.trust`'s "approved-before" rule. Names and blog links must match exactly (the
intake already trimmed them); e-mail addresses without regard to case, and a comment without
one matches only earlier comments without one.
"""

from __future__ import annotations

import sqlite3

from ..model import Submission
from .database import SQLiteDatabase


def approved_before(db: sqlite3.Connection, submission: Submission) -> int | None:
    row = db.execute(
        "SELECT id FROM comments WHERE status = 'approved' AND name = ? AND blog_url = ?"
        " AND lower(email) = lower(?) ORDER BY id LIMIT 1",
        (submission.name, submission.blog_url, submission.email.strip()),
    ).fetchone()
    return None if row is None else row[0]


class SQLiteCommenters(SQLiteDatabase):
    """The returning-commenter lookups of `SQLiteStore`."""

    def approved_before(self, submission: Submission) -> int | None:
        with self._connection() as db:
            return approved_before(db, submission)
