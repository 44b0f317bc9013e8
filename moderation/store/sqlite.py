"""The SQLite backend of the comment queue: connections, transactions, the queue's moves.

Connections come from a small pool: an operation borrows one and gives it back. Reusing
connections makes `add()` over ten times faster than opening one per operation (each open runs
the PRAGMAs, and closing the last connection checkpoints the WAL), and unlike one connection per
thread (threading.local) the pool does not keep a connection for every worker thread the web
server retires: it holds as many as were ever in use at once. Writes run in `BEGIN IMMEDIATE`,
so they queue on SQLite's write lock (`busy_timeout`) at their start instead of failing halfway
with "database is locked".
"""

from __future__ import annotations

import fcntl
import secrets
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..errors import CommentNotFound, IllegalTransition, ModerationError, StaleDecision
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
from . import accounts, exchange, imports, jobs, limits, privacy, reconcile, renumber
from .base import FollowUp, ModeratorSession, Store
from .commenters import SQLiteCommenters
from .edits import SQLiteEdits
from .emaillinks import SQLiteEmailLinks
from .jobs import SQLiteJobs
from .limits import SQLiteLimits
from .mentions import SQLiteMentions
from .migrations import migrate
from .rows import (
    audit_entry_from_row,
    comment_from_row,
    dump_review,
    existing,
    failure_codes,
    feed_of,
    iso,
    load_review,
    one,
    parse_time,
    write_audit,
)
from .subscriptions import SQLiteSubscriptions

BUSY_TIMEOUT_MS = 5000


def utc_now() -> datetime:
    return datetime.now(UTC)


class SQLiteStore(
    SQLiteJobs,
    SQLiteLimits,
    SQLiteMentions,
    SQLiteEmailLinks,
    SQLiteEdits,
    SQLiteCommenters,
    SQLiteSubscriptions,
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
        self.path = path
        self._clock = clock
        self.ip_storage = ip_storage
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._writer = threading.Lock()
        self._closed = False
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_file = open(path.with_name(path.name + ".lock"), "a")  # noqa: SIM115
        try:
            with self._connection() as db:
                migrate(db)
        except BaseException:
            self.close()
            raise

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
    ) -> list[Comment]:
        where, params = _filters(status, article)
        with self._connection() as db:
            rows = db.execute(
                f"SELECT * FROM comments {where} ORDER BY created_at DESC, id DESC"
                " LIMIT ? OFFSET ?",
                (*params, limit, offset),
            ).fetchall()
        return [comment_from_row(row) for row in rows]

    def count(
        self, status: Status | Collection[Status] | None = None, article: str | None = None
    ) -> int:
        where, params = _filters(status, article)
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
            db.execute(
                """
                INSERT INTO revisions (comment_id, replaced_at, name, blog_url, email, body,
                    review, status, version)
                SELECT id, ?, name, blog_url, email, body, review, status, version
                FROM comments WHERE id = ?
                """,
                (iso(now), old["id"]),
            )
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

    def purge_spam(self, older_than: timedelta) -> int:
        with self._write() as db:
            return privacy.purge_spam(db, self._clock() - older_than)

    def erase_client_data(self, older_than: timedelta) -> int:
        with self._write() as db:
            limits.forget_login_attempts(db, self._clock() - older_than)
            return privacy.erase_client_data(db, self._clock() - older_than)

    def export_email(self, email: str) -> list[dict[str, object]]:
        # A read transaction: the comments and their audit rows come from the same moment.
        with self._transaction("BEGIN") as db:
            return privacy.export_email(db, email)

    def erase_email(self, email: str, *, unpublish: bool = False) -> list[Comment]:
        with self._write() as db:
            return privacy.erase_email(db, email, self._clock(), unpublish=unpublish)

    def set_password(self, username: str, password_hash: str) -> bool:
        with self._write() as db:
            return accounts.set_password(db, username, password_hash, self._clock())

    def remove_moderator(self, username: str) -> bool:
        with self._write() as db:
            return accounts.remove_moderator(db, username)

    def password_hash(self, username: str) -> str | None:
        with self._connection() as db:
            return accounts.password_hash(db, username)

    def start_session(
        self, token_hash: str, username: str, csrf: str, lifetime: timedelta
    ) -> ModeratorSession:
        with self._write() as db:
            return accounts.start_session(db, token_hash, username, csrf, self._clock(), lifetime)

    def session(self, token_hash: str) -> ModeratorSession | None:
        with self._connection() as db:
            return accounts.session(db, token_hash, self._clock())

    def end_session(self, token_hash: str) -> None:
        with self._write() as db:
            accounts.end_session(db, token_hash)

    def reconcile(self, comments_dir: Path, *, restored: bool = False) -> reconcile.Reconciliation:
        with self._write() as db:
            return reconcile.reconcile(db, comments_dir, self._clock(), restored=restored)

    def move(self, comment_id: int, reason: str, actor: str, above: int = 0) -> Comment:
        with self._write() as db:
            moved = renumber.move(db, comment_id, self._clock(), reason, actor, above=above)
            return comment_from_row(existing(db, "id", moved))

    def imported_ids(self, source: str) -> set[str]:
        with self._connection() as db:
            return imports.known(db, source)

    def add_imported(self, rows: Sequence[imports.ImportRow]) -> list[int]:
        with self._write() as db:
            return imports.add(db, rows, self._clock())

    def imported_comments(
        self, source: str | None = None, status: Status | None = None
    ) -> list[Comment]:
        with self._connection() as db:
            return imports.imported(db, source, status)

    def link_imported_replies(self, source: str) -> list[int]:
        with self._write() as db:
            return imports.link_replies(db, source)

    def export_comments(self, *, personal: bool = False) -> Iterator[dict[str, object]]:
        with self._transaction("BEGIN") as db:
            yield from exchange.comments(db, personal=personal)

    def comment_uids(self) -> set[str]:
        with self._connection() as db:
            return exchange.known_uids(db)

    def restore_json(self, comments: Sequence[dict]) -> list[int]:
        with self._write() as db:
            return exchange.restore(db, comments)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for db in idle:
            db.close()
        self._lock_file.close()

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """Borrow a connection; it goes back to the pool, or is closed if the store was."""
        with self._lock:
            if self._closed:
                raise ModerationError(f"the comment store {self.path} is closed")
            db = self._idle.pop() if self._idle else None
        if db is None:
            db = self._connect()
        try:
            yield db
        finally:
            with self._lock:
                if not self._closed:
                    self._idle.append(db)
                    db = None
            if db is not None:
                db.close()

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        with self._connection() as db:
            db.execute(begin)
            try:
                yield db
                db.execute("COMMIT")
            finally:
                # Also after a failed COMMIT: a pooled connection must not keep a transaction.
                if db.in_transaction:
                    db.execute("ROLLBACK")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding SQLite's write lock from its first statement.

        Writers first queue on a lock (this process's threads, then other processes through
        a lock file): SQLite's own busy handler retries with growing sleeps, which made the
        slowest writes of a burst wait hundreds of milliseconds (docs/benchmarks.md).
        """
        with self._writer:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX)
            try:
                with self._transaction("BEGIN IMMEDIATE") as db:
                    yield db
            finally:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: the sqlite3 module opens no transactions of its own; ours are
        # explicit. check_same_thread=False: the pool lends a connection to one thread at a
        # time, and close() may run on another.
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode: a commit is in the WAL file, in the OS's hands, before COMMIT
        # returns, so it survives the process being killed (what we promise); a power cut or
        # kernel crash may lose the last commits, never corrupt the file.
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        return db


def _held(row: sqlite3.Row, verb: str) -> Status:
    """The row's status, which must be held: only the policy's holds are open to change."""
    current = Status(row["status"])
    if current not in TRANSITIONS[Action.RESUBMIT]:
        raise IllegalTransition(
            f"comment {row['id']} is {current}: only held comments can be {verb}"
        )
    return current


def _filters(
    status: Status | Collection[Status] | None, article: str | None
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
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params
