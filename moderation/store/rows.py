"""Between Python values and SQLite rows: timestamps, reviews, comments and audit rows.

Timestamps are ISO 8601 UTC text with microseconds (`2025-01-31T09:00:00.000000+00:00`): fixed
width, so they sort and compare as text in SQL, and readable in the sqlite3 shell.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime

from ..errors import CommentNotFound
from ..model import AuditEntry, Comment, Review, Status, review_from_dict

_FEED = re.compile(r"\bfeed:\s*(\S+)")


def feed_of(review: Review) -> str:
    """The commenter's blog feed, when the live link check verified the blog and found one."""
    for result in review.results:
        if result.outcome.code == "link.verified" and (
            found := _FEED.search(result.outcome.detail)
        ):
            return found.group(1)
    return ""


def failure_codes(review: Review) -> str:
    """The audit reason of a policy step: the codes of the checks that did not pass."""
    return ", ".join(r.outcome.code for r in review.failures if r.outcome.code)


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: the store keeps aware UTC times")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def dump_review(review: Review) -> str:
    return json.dumps(review.as_dict())


def load_review(text: str) -> Review:
    return review_from_dict(json.loads(text))


def one(db: sqlite3.Connection, sql: str, *params: object) -> sqlite3.Row | None:
    """The first row, with the statement run to its end (no read snapshot left open)."""
    rows = db.execute(sql, params).fetchall()
    return rows[0] if rows else None


def existing(db: sqlite3.Connection, column: str, value: object) -> sqlite3.Row:
    """The comment row whose `column` (id or token: code's choice, never input) equals value."""
    row = one(db, f"SELECT * FROM comments WHERE {column} = ?", value)
    if row is None:
        raise CommentNotFound(f"no comment with {column} {value!r}")
    return row


def write_audit(
    db: sqlite3.Connection,
    comment_id: int,
    at: datetime,
    actor: str,
    action: str,
    from_status: Status | None,
    to_status: Status,
    reason: str = "",
) -> None:
    db.execute(
        "INSERT INTO audit (comment_id, at, actor, action, from_status, to_status, reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (comment_id, iso(at), actor, action, from_status, to_status, reason),
    )


def keep_revision(db: sqlite3.Connection, comment_id: int, now: datetime) -> None:
    """Keep the comment as it stands as a revision, before its words change."""
    db.execute(
        """
        INSERT INTO revisions (comment_id, replaced_at, name, blog_url, email, body,
            review, status, version)
        SELECT id, ?, name, blog_url, email, body, review, status, version
        FROM comments WHERE id = ?
        """,
        (iso(now), comment_id),
    )


def comment_from_row(row: sqlite3.Row, review: Review | None = None) -> Comment:
    """The stored comment; a caller that just wrote `review` passes it to skip the JSON parse."""
    return Comment(
        id=row["id"],
        article=row["article"],
        name=row["name"],
        blog_url=row["blog_url"],
        body=row["body"],
        status=Status(row["status"]),
        token=row["token"],
        created_at=parse_time(row["created_at"]),
        updated_at=parse_time(row["updated_at"]),
        review=load_review(row["review"]) if review is None else review,
        email=row["email"],
        reply_to=row["reply_to"],
        ip=row["ip"],
        user_agent=row["user_agent"],
        decided_by=row["decided_by"],
        decided_at=parse_time(row["decided_at"]) if row["decided_at"] else None,
        decision_reason=row["decision_reason"],
        feed=row["feed"],
        uid=row["uid"],
        version=row["version"],
    )


def audit_entry_from_row(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        comment_id=row["comment_id"],
        at=parse_time(row["at"]),
        actor=row["actor"],
        action=row["action"],
        from_status=Status(row["from_status"]) if row["from_status"] else None,
        to_status=Status(row["to_status"]),
        reason=row["reason"],
    )
