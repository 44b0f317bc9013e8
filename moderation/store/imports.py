"""The store's side of `moderate import`: imported comments and where they came from.

Each imported comment is a row like any other (its status, review, audit row) plus a row in
`imported_comments` holding its source and original id, so a second import recognises it
and replies find their parents once the whole file is stored. The caller holds a write
transaction; `SQLiteStore` opens it.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..model import Comment, Review, Status, Submission, fingerprint
from .database import SQLiteDatabase
from .rows import comment_from_row, dump_review, failure_codes, feed_of, iso, write_audit

ACTOR = "import"
CHUNK = 500  # ids in one `IN (…)`, under SQLite's limit on parameters


@dataclass(frozen=True)
class ImportRow:
    """One old comment, mapped to an article and reviewed, ready to store."""

    source: str  # "wordpress", "blogger", "disqus"
    original_id: str
    parent_original_id: str
    kind: str  # comment, pingback, trackback
    submission: Submission  # its `submitted_at` is the comment's original date
    review: Review
    status: Status
    record: str  # the approval or queue record: "imported from wordpress on 2026-12-04"


@dataclass(frozen=True)
class ImportedFilter:
    """A queue listing's filter on imported comments: from one source (None: any) and, with
    `failing`, only those whose recorded checks fail the policy they were imported under:
    the old comments a moderator may want to unpublish."""

    source: str | None = None
    failing: bool = False

    def clause(self) -> tuple[str, list[object]]:
        """A WHERE fragment on `comments` and its parameters, from fixed text only."""
        sql = "id IN (SELECT comment_id FROM imported_comments"
        params: list[object] = []
        if self.source is not None:
            sql += " WHERE source = ?"
            params.append(self.source)
        sql += ")"
        if self.failing:  # the review's worst verdict, stored with it (`Review.as_dict`)
            sql += " AND json_extract(review, '$.verdict') != 'pass'"
        return sql, params


def known(db: sqlite3.Connection, source: str) -> set[str]:
    """The original ids already imported from this source."""
    rows = db.execute("SELECT original_id FROM imported_comments WHERE source = ?", (source,))
    return {row[0] for row in rows.fetchall()}


def add(db: sqlite3.Connection, rows: Sequence[ImportRow], now: datetime) -> list[Comment]:
    """Store the rows (one already imported is skipped); returns the new comments.

    A reply whose parent is stored already (earlier in the file, or by an earlier import) is
    linked to it here, on the same article only; `link_replies` links the others."""
    added = []
    for row in rows:
        submission = row.submission
        approved = row.status is Status.APPROVED
        found = db.execute(
            """
            INSERT INTO comments (article, reply_to, name, blog_url, email, body, status,
                token, created_at, updated_at, review, fingerprint, decided_by, decided_at,
                decision_reason, feed, uid)
            SELECT ?1, (
                    SELECT parent.comment_id FROM imported_comments AS parent
                    JOIN comments AS original ON original.id = parent.comment_id
                    WHERE parent.source = ?17 AND parent.original_id = ?19
                        AND original.article = ?1),
                ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16
            WHERE NOT EXISTS (
                SELECT 1 FROM imported_comments WHERE source = ?17 AND original_id = ?18)
            RETURNING *
            """,
            (
                submission.article, submission.name, submission.blog_url, submission.email,
                submission.body, row.status.value, secrets.token_urlsafe(24),
                iso(submission.submitted_at), iso(now), dump_review(row.review),
                fingerprint(submission.body), row.record if approved else "",
                iso(now) if approved else None, "", feed_of(row.review), secrets.token_hex(16),
                row.source, row.original_id, row.parent_original_id,
            ),
        ).fetchall()  # fmt: skip
        if not found:
            continue
        comment_id = found[0]["id"]
        db.execute(
            "INSERT INTO imported_comments (source, original_id, comment_id, parent_original_id,"
            " kind, imported_at) VALUES (?, ?, ?, ?, ?, ?)",
            (row.source, row.original_id, comment_id, row.parent_original_id, row.kind, iso(now)),
        )
        reason = f"{row.record} (original id {row.original_id})"
        codes = failure_codes(row.review)
        write_audit(
            db, comment_id, now, ACTOR, "imported", None, row.status,
            f"{reason}; fails: {codes}" if codes else reason,
        )  # fmt: skip
        added.append(comment_from_row(found[0], row.review))
    return added


def link_replies(db: sqlite3.Connection, source: str) -> list[int]:
    """Point each imported reply at its parent, now that both are stored; returns the ids of
    the replies linked. A parent on another article (a broken export) is not linked: the
    store's rule is that a reply lives on its parent's article."""
    rows = db.execute(
        """
        UPDATE comments SET reply_to = parent.comment_id
        FROM imported_comments AS child
        JOIN imported_comments AS parent
            ON parent.source = child.source AND parent.original_id = child.parent_original_id
        JOIN comments AS original ON original.id = parent.comment_id
        WHERE child.source = ? AND child.comment_id = comments.id
            AND child.parent_original_id != '' AND comments.reply_to IS NULL
            AND original.article = comments.article
        RETURNING comments.id
        """,
        (source,),
    ).fetchall()
    return sorted(row[0] for row in rows)


def by_id(db: sqlite3.Connection, ids: Sequence[int]) -> list[Comment]:
    """The comments with these ids (those still here), in the order given."""
    found: dict[int, Comment] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = db.execute(
            f"SELECT * FROM comments WHERE id IN ({', '.join('?' * len(chunk))})", chunk
        ).fetchall()
        found.update((row["id"], comment_from_row(row)) for row in rows)
    return [found[i] for i in ids if i in found]


def imported(db: sqlite3.Connection, source: str | None, status: Status | None) -> list[Comment]:
    """The imported comments (of one source, of one status), by id."""
    rows = db.execute(
        """
        SELECT DISTINCT comments.* FROM comments
        JOIN imported_comments ON imported_comments.comment_id = comments.id
        WHERE (?1 IS NULL OR imported_comments.source = ?1) AND (?2 IS NULL OR status = ?2)
        ORDER BY comments.id
        """,
        (source, None if status is None else status.value),
    ).fetchall()
    return [comment_from_row(row) for row in rows]


class SQLiteImports(SQLiteDatabase):
    """Imported comments, as methods of the store."""

    def imported_ids(self, source: str) -> set[str]:
        with self._connection() as db:
            return known(db, source)

    def add_imported(self, rows: Sequence[ImportRow]) -> list[Comment]:
        with self._write() as db:
            return add(db, rows, self._clock())

    def imported_comments(
        self, source: str | None = None, status: Status | None = None
    ) -> list[Comment]:
        with self._connection() as db:
            return imported(db, source, status)

    def comments_by_id(self, ids: Sequence[int]) -> list[Comment]:
        with self._connection() as db:
            return by_id(db, ids)

    def import_sources(self) -> dict[str, int]:
        with self._connection() as db:
            rows = db.execute(
                "SELECT source, count(comment_id) FROM imported_comments"
                " WHERE comment_id IS NOT NULL GROUP BY source ORDER BY source"
            ).fetchall()
        return dict(rows)

    def link_imported_replies(self, source: str) -> list[int]:
        with self._write() as db:
            return link_replies(db, source)
