"""The SQLite backend of the comment queue: the queue's moves, and the store put together.

`SQLiteStore` is the comment queue (add, decide, resubmit, re-check, listings) plus the parts
that live beside it, each a subclass of `database.SQLiteDatabase` in its own module: accounts,
privacy, reconcile, imports, exchange, jobs, limits, mentions, e-mail links, edits,
commenters and subscriptions.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from pathlib import Path

from ..errors import CommentNotFound, IllegalTransition, StaleDecision
from ..ipstorage import IpStorage, stored_ip
from ..model import (
    TRANSITIONS,
    Action,
    AuditEntry,
    Comment,
    Copy,
    Review,
    Status,
    Submission,
    copy_of,
    fingerprint,
    status_for,
)
from . import jobs
from .accounts import SQLiteAccounts
from .base import FollowUp, Store
from .commenters import SQLiteCommenters
from .corrections import SQLiteCorrections
from .database import SQLiteDatabase, utc_now
from .edits import SQLiteEdits
from .emaillinks import SQLiteEmailLinks
from .exchange import SQLiteExchange
from .imports import ImportedFilter, SQLiteImports
from .jobs import SQLiteJobs
from .limits import SQLiteLimits
from .mentions import SQLiteMentions
from .privacy import SQLitePrivacy
from .reconcile import SQLiteReconcile
from .rows import (
    audit_entry_from_row,
    comment_from_row,
    dump_review,
    existing,
    failure_codes,
    feed_of,
    iso,
    one,
    write_audit,
)
from .subscriptions import SQLiteSubscriptions


class SQLiteStore(
    SQLiteCorrections,
    SQLiteAccounts,
    SQLitePrivacy,
    SQLiteReconcile,
    SQLiteImports,
    SQLiteExchange,
    SQLiteJobs,
    SQLiteLimits,
    SQLiteMentions,
    SQLiteEmailLinks,
    SQLiteEdits,
    SQLiteCommenters,
    SQLiteSubscriptions,
    SQLiteDatabase,
    Store,
):
    """The queue in one SQLite file, shared safely by threads and processes."""

    def __init__(
        self,
        path: Path,
        *,
        clock: Callable[[], datetime] = utc_now,
        ip_storage: IpStorage = IpStorage.TRUNCATED,
    ) -> None:
        """:param clock: the current time, aware UTC; tests pass one they can move.
        :param ip_storage: what of a commenter's IP address to keep (COMMENTS_STORE_IP).
        """
        self.ip_storage = ip_storage
        super().__init__(path, clock=clock)

    def add(
        self, submission: Submission, review: Review, *, follow_up: FollowUp | None = None
    ) -> Comment:
        status = status_for(review.verdict)
        now = self._clock()
        with self._write() as db:
            if submission.reply_to is not None:
                parent = one(db, "SELECT article FROM comments WHERE id = ?", submission.reply_to)
                if parent is None or parent["article"] != submission.article:
                    raise CommentNotFound(
                        f"reply_to {submission.reply_to}: no such comment on article"
                        f" {submission.article!r}"
                    )
            row = one(
                db,
                """
                INSERT INTO comments (article, reply_to, name, blog_url, email, body, status,
                    token, created_at, updated_at, ip, user_agent, referrer, review, fingerprint,
                    feed, uid)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                RETURNING *
                """,
                submission.article,
                submission.reply_to,
                submission.name,
                submission.blog_url,
                submission.email,
                submission.body,
                status.value,
                secrets.token_urlsafe(24),
                # The submission's time, not the store's: importers keep the original dates.
                iso(submission.submitted_at),
                iso(now),
                stored_ip(submission.ip, self.ip_storage),
                submission.user_agent,
                submission.referrer,
                dump_review(review),
                fingerprint(submission.body),
                feed_of(review),
                secrets.token_hex(16),
            )
            write_audit(
                db, row["id"], now, "policy", "submitted", None, status, failure_codes(review)
            )
            added = comment_from_row(row, review)
            if follow_up is not None:
                jobs.enqueue(db, follow_up(added), now)
        return added

    def get(self, comment_id: int) -> Comment:
        with self._connection() as db:
            return comment_from_row(existing(db, "id", comment_id))

    def by_token(self, token: str) -> Comment:
        with self._connection() as db:
            return comment_from_row(existing(db, "token", token))

    def queue(
        self,
        status: Status | Collection[Status] | None = None,
        article: str | None = None,
        limit: int = 50,
        offset: int = 0,
        *,
        imported: ImportedFilter | None = None,
    ) -> list[Comment]:
        where, params = _filters(status, article, imported)
        with self._connection() as db:
            rows = db.execute(
                f"SELECT * FROM comments {where} ORDER BY created_at DESC, id DESC"
                " LIMIT ? OFFSET ?",
                (*params, limit, offset),
            ).fetchall()
        return [comment_from_row(row) for row in rows]

    def count(
        self,
        status: Status | Collection[Status] | None = None,
        article: str | None = None,
        *,
        imported: ImportedFilter | None = None,
    ) -> int:
        where, params = _filters(status, article, imported)
        with self._connection() as db:
            return db.execute(f"SELECT count(*) FROM comments {where}", params).fetchall()[0][0]

    def decide(
        self,
        comment_id: int,
        action: Action,
        actor: str,
        reason: str = "",
        *,
        follow_up: FollowUp | None = None,
        expected_version: int | None = None,
    ) -> Comment:
        action = Action(action)
        if action is Action.RESUBMIT:
            raise IllegalTransition(
                f"comment {comment_id}: 'resubmit' is the commenter's action, not a decision"
            )
        now = self._clock()
        with self._write() as db:
            found = existing(db, "id", comment_id)
            current = Status(found["status"])
            target = TRANSITIONS[action].get(current)
            if target is None:
                raise IllegalTransition(
                    f"comment {comment_id} is {current}: '{action}' applies only to"
                    f" {', '.join(TRANSITIONS[action])} comments"
                )
            if expected_version is not None and found["version"] != expected_version:
                raise StaleDecision(comment_id, expected_version, found["version"])
            row = one(
                db,
                """
                UPDATE comments SET status = ?, updated_at = ?, decided_by = ?, decided_at = ?,
                    decision_reason = ?
                WHERE id = ? RETURNING *
                """,
                target.value,
                iso(now),
                actor,
                iso(now),
                reason,
                comment_id,
            )
            write_audit(db, comment_id, now, actor, action.value, current, target, reason)
            decided = comment_from_row(row)
            if follow_up is not None:
                jobs.enqueue(db, follow_up(decided), now)
        return decided

    def seen_before(
        self, submission: Submission, window_seconds: float = 86400, exclude_id: int | None = None
    ) -> Copy | None:
        at = submission.submitted_at
        with self._connection() as db:
            # One row is enough: a copy on this article first, else any other article.
            found = one(
                db,
                """
                SELECT article FROM comments
                WHERE fingerprint = ? AND created_at >= ? AND created_at < ? AND id IS NOT ?
                ORDER BY article = ? DESC LIMIT 1
                """,
                fingerprint(submission.body),
                iso(at - timedelta(seconds=window_seconds)),
                iso(at),
                exclude_id,
                submission.article,
            )
        earlier = [found["article"]] if found is not None else []
        return copy_of(submission.article, submission.body, earlier)

    def audit_log(self, limit: int = 50, comment_id: int | None = None) -> list[AuditEntry]:
        with self._connection() as db:
            if comment_id is None:
                rows = db.execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))
            else:
                rows = db.execute(
                    "SELECT * FROM audit WHERE comment_id = ? ORDER BY id DESC LIMIT ?",
                    (comment_id, limit),
                )
            return [audit_entry_from_row(row) for row in rows.fetchall()]

    def stats(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Status}
        with self._connection() as db:
            rows = db.execute("SELECT status, count(*) FROM comments GROUP BY status").fetchall()
        counts.update((status, n) for status, n in rows)
        return counts


def _filters(
    status: Status | Collection[Status] | None,
    article: str | None,
    imported: ImportedFilter | None = None,
) -> tuple[str, list[object]]:
    """The WHERE clause of a queue listing, built from fixed fragments only."""
    clauses: list[str] = []
    params: list[object] = []
    if status is not None:
        statuses = [status] if isinstance(status, str) else list(status)
        clauses.append(f"status IN ({', '.join('?' * len(statuses))})")
        params.extend(Status(s).value for s in statuses)
    if article is not None:
        clauses.append("article = ?")
        params.append(article)
    if imported is not None:
        clause, more = imported.clause()
        clauses.append(clause)
        params.extend(more)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params
