"""Webmentions in the queue's database: what was received, its state, the comment it became.

One row per (source, target): sending the same source again finds the row, so its comment is
updated, not doubled. Receiving a Webmention records its verification job in the same
transaction (`moderation/webmention`), so a crash cannot lose one that was answered 202.
Updating a comment from its source keeps the replaced version in `revisions`, as a
correction does, and makes a new version for the moderators.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..errors import ModerationError
from ..jobs.model import Job
from ..model import Comment, Review, Status, Submission, fingerprint, status_for
from . import jobs
from .database import SQLiteDatabase
from .rows import (
    comment_from_row,
    dump_review,
    existing,
    failure_codes,
    feed_of,
    iso,
    keep_revision,
    one,
    parse_time,
    write_audit,
)


class MentionNotFound(ModerationError):
    """No Webmention with that id or status token."""


@dataclass(frozen=True)
class Mention:
    """A received Webmention as the database keeps it."""

    id: int
    source: str
    target: str
    article: str
    token: str  # unguessable: the sender's status URL
    state: str  # received, queued, no-link, gone, refused, failed
    detail: str
    comment_id: int | None
    received_at: datetime
    checked_at: datetime | None


def _mention(row: sqlite3.Row) -> Mention:
    return Mention(
        id=row["id"],
        source=row["source"],
        target=row["target"],
        article=row["article"],
        token=row["token"],
        state=row["state"],
        detail=row["detail"],
        comment_id=row["comment_id"],
        received_at=parse_time(row["received_at"]),
        checked_at=parse_time(row["checked_at"]) if row["checked_at"] else None,
    )


def receive(
    db: sqlite3.Connection,
    source: str,
    target: str,
    article: str,
    job_for: Callable[[int], Job],
    now: datetime,
) -> Mention:
    """Record a Webmention (or its repetition) as received, with its verification job."""
    row = one(
        db,
        """
        INSERT INTO webmentions (source, target, article, token, state, received_at)
        VALUES (?, ?, ?, ?, 'received', ?)
        ON CONFLICT (source, target) DO UPDATE SET
            state = 'received', detail = '', received_at = excluded.received_at
        RETURNING *
        """,
        source,
        target,
        article,
        secrets.token_urlsafe(24),
        iso(now),
    )
    assert row is not None
    jobs.enqueue(db, [job_for(row["id"])], now)
    return _mention(row)


def record(
    db: sqlite3.Connection,
    mention_id: int,
    state: str,
    detail: str,
    now: datetime,
    comment_id: int | None = None,
) -> Mention:
    """The outcome of a verification; a comment once linked stays linked."""
    row = one(
        db,
        """
        UPDATE webmentions SET state = ?, detail = ?, checked_at = ?,
            comment_id = coalesce(?, comment_id)
        WHERE id = ? RETURNING *
        """,
        state,
        detail,
        iso(now),
        comment_id,
        mention_id,
    )
    if row is None:
        raise MentionNotFound(f"no webmention with id {mention_id}")
    return _mention(row)


def update_comment(
    db: sqlite3.Connection, comment_id: int, submission: Submission, review: Review, now: datetime
) -> tuple[Comment, Status]:
    """The source changed: its comment takes the new words as a new version for moderators.

    The replaced version goes to `revisions`. An approved comment goes back to the queue
    (the caller removes its file): what is published must be what a moderator read.
    Returns the comment and the status it had.
    """
    old = existing(db, "id", comment_id)
    before = Status(old["status"])
    status = status_for(review.verdict)
    keep_revision(db, comment_id, now)
    row = one(
        db,
        """
        UPDATE comments SET name = ?, blog_url = ?, body = ?, review = ?, fingerprint = ?,
            feed = ?, status = ?, updated_at = ?, version = version + 1,
            decided_by = '', decided_at = NULL, decision_reason = ''
        WHERE id = ? RETURNING *
        """,
        submission.name,
        submission.blog_url,
        submission.body,
        dump_review(review),
        fingerprint(submission.body),
        feed_of(review),
        status.value,
        iso(now),
        comment_id,
    )
    assert row is not None
    codes = failure_codes(review)
    write_audit(db, comment_id, now, "webmention", "source-updated", before, status, codes)
    return comment_from_row(row, review), before


class SQLiteMentions(SQLiteDatabase):
    """The Webmention methods of `SQLiteStore`, kept here so that module stays the queue's."""

    def receive_webmention(
        self, source: str, target: str, article: str, job_for: Callable[[int], Job]
    ) -> Mention:
        """Record a Webmention and its verification job in one transaction."""
        with self._write() as db:
            return receive(db, source, target, article, job_for, self._clock())

    def webmention(self, mention_id: int) -> Mention:
        with self._connection() as db:
            row = one(db, "SELECT * FROM webmentions WHERE id = ?", mention_id)
        if row is None:
            raise MentionNotFound(f"no webmention with id {mention_id}")
        return _mention(row)

    def webmention_by_token(self, token: str) -> Mention:
        with self._connection() as db:
            row = one(db, "SELECT * FROM webmentions WHERE token = ?", token)
        if row is None:
            raise MentionNotFound("no webmention with that status token")
        return _mention(row)

    def record_webmention(
        self, mention_id: int, state: str, detail: str, comment_id: int | None = None
    ) -> Mention:
        with self._write() as db:
            return record(db, mention_id, state, detail, self._clock(), comment_id)

    def update_from_source(
        self, mention_id: int, submission: Submission, review: Review, detail: str
    ) -> tuple[Comment, Status]:
        """A re-sent source's new words for its comment, and the mention's state, together."""
        now = self._clock()
        with self._write() as db:
            mention = one(db, "SELECT comment_id FROM webmentions WHERE id = ?", mention_id)
            if mention is None or mention["comment_id"] is None:
                raise MentionNotFound(f"webmention {mention_id} has no comment to update")
            updated = update_comment(db, mention["comment_id"], submission, review, now)
            record(db, mention_id, "queued", detail, now)
        return updated
