"""Changes to a held comment after it was sent: the commenter's correction, a re-check.

Each keeps what a moderator read before: the replaced version goes to `revisions`, and the
comment's `version` counts the versions a decision may name (docs/moderation-page.md).
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from ..errors import IllegalTransition
from ..ipstorage import IpStorage, stored_ip
from ..model import (
    TRANSITIONS,
    Action,
    Comment,
    Review,
    Status,
    Submission,
    fingerprint,
    status_for,
)
from . import jobs
from .base import FollowUp
from .database import SQLiteDatabase
from .rows import (
    comment_from_row,
    dump_review,
    existing,
    failure_codes,
    feed_of,
    iso,
    keep_revision,
    load_review,
    one,
    parse_time,
    write_audit,
)


class SQLiteCorrections(SQLiteDatabase):
    """Corrections and re-checks of held comments, as methods of the store."""

    ip_storage: IpStorage  # set by SQLiteStore: a correction's address is kept the same way

    def resubmit(
        self,
        token: str,
        submission: Submission,
        review: Review,
        *,
        follow_up: FollowUp | None = None,
    ) -> Comment:
        # The replaced version goes to `revisions`, not into the audit reason: the audit log
        # stays a list of short reasons, a moderator can compare whole versions, and
        # erase_email finds old addresses in one column.
        now = self._clock()
        status = status_for(review.verdict)
        with self._write() as db:
            old = existing(db, "token", token)
            current = _held(old, "corrected")
            keep_revision(db, old["id"], now)
            row = one(
                db,
                """
                UPDATE comments SET name = ?, blog_url = ?, email = ?, body = ?, ip = ?,
                    user_agent = ?, referrer = ?, review = ?, fingerprint = ?, feed = ?,
                    status = ?, updated_at = ?, version = version + 1
                WHERE id = ? RETURNING *
                """,
                submission.name,
                submission.blog_url,
                submission.email,
                submission.body,
                stored_ip(submission.ip, self.ip_storage),
                submission.user_agent,
                submission.referrer,
                dump_review(review),
                fingerprint(submission.body),
                feed_of(review),
                status.value,
                iso(now),
                old["id"],
            )
            codes = failure_codes(review)
            write_audit(db, old["id"], now, "commenter", "resubmitted", current, status, codes)
            corrected = comment_from_row(row, review)
            if follow_up is not None:
                jobs.enqueue(db, follow_up(corrected), now)
        return corrected

    def revisions(self, comment_id: int) -> list[Comment]:
        with self._connection() as db:
            current = comment_from_row(existing(db, "id", comment_id))
            rows = db.execute(
                "SELECT * FROM revisions WHERE comment_id = ? ORDER BY id", (comment_id,)
            ).fetchall()
        return [
            # Earlier versions' client data is not kept: blank, rather than the current one.
            replace(
                current,
                name=row["name"],
                blog_url=row["blog_url"],
                email=row["email"],
                body=row["body"],
                review=(review := load_review(row["review"])),
                feed=feed_of(review),
                status=Status(row["status"]),
                updated_at=parse_time(row["replaced_at"]),
                version=row["version"],
                ip="",
                user_agent="",
            )
            for row in rows
        ]

    def recheck(self, comment_id: int, review: Review) -> Comment:
        now = self._clock()
        status = status_for(review.verdict)
        with self._write() as db:
            current = _held(existing(db, "id", comment_id), "re-checked")
            # A changed review is news to a moderator (a new verdict, new reasons): a new
            # version. An unchanged one, as most of a nightly re-check, is not.
            row = one(
                db,
                """
                UPDATE comments SET version = version + (review != ?1 OR status != ?3),
                    review = ?1, feed = ?2, status = ?3, updated_at = ?4
                WHERE id = ?5 RETURNING *
                """,
                dump_review(review),
                feed_of(review),
                status.value,
                iso(now),
                comment_id,
            )
            write_audit(
                db, comment_id, now, "policy", "rechecked", current, status, failure_codes(review)
            )
        return comment_from_row(row, review)


def _held(row: sqlite3.Row, verb: str) -> Status:
    """The row's status, which must be held: only the policy's holds are open to change."""
    current = Status(row["status"])
    if current not in TRANSITIONS[Action.RESUBMIT]:
        raise IllegalTransition(
            f"comment {row['id']} is {current}: only held comments can be {verb}"
        )
    return current
