"""A moderator's correction of a comment's text: a typo, a broken link.

The words the commenter sent go to `revisions`, as a commenter's own correction does; the
audit records who edited and why (status unchanged); the comment gets a new version, so a
decision or e-mail link made on the earlier words no longer applies to the new ones.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ..errors import StaleDecision
from ..model import Comment, Status, fingerprint
from .database import SQLiteDatabase
from .rows import comment_from_row, existing, iso, keep_revision, one, write_audit

EDITED = "edited"  # the audit action


def edit_text(
    db: sqlite3.Connection,
    comment_id: int,
    body: str,
    actor: str,
    reason: str,
    expected_version: int,
    now: datetime,
) -> Comment:
    found = existing(db, "id", comment_id)
    if found["version"] != expected_version:
        raise StaleDecision(comment_id, expected_version, found["version"])
    keep_revision(db, comment_id, now)
    row = one(
        db,
        "UPDATE comments SET body = ?, fingerprint = ?, updated_at = ?, version = version + 1"
        " WHERE id = ? RETURNING *",
        body,
        fingerprint(body),
        iso(now),
        comment_id,
    )
    status = Status(found["status"])
    write_audit(db, comment_id, now, actor, EDITED, status, status, reason)
    return comment_from_row(row)


class SQLiteEdits(SQLiteDatabase):
    """The moderators' text corrections, as methods of `SQLiteStore`."""

    def edit_text(
        self, comment_id: int, body: str, actor: str, reason: str, *, expected_version: int
    ) -> Comment:
        with self._write() as db:
            return edit_text(db, comment_id, body, actor, reason, expected_version, self._clock())
