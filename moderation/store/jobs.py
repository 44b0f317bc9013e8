"""The durable work queue and the housekeeping schedule in SQLite.

Each function runs inside the caller's transaction. Claiming takes a lease: a job whose
worker died is claimed again once the lease runs out, so several workers (and processes) can
share one queue without doing a job twice at the same time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from ..jobs.model import Job, JobState, QueuedJob
from .database import SQLiteDatabase
from .rows import iso, one, parse_time

_ERROR_CHARS = 2000


def enqueue(db: sqlite3.Connection, jobs: Sequence[Job], now: datetime) -> list[int]:
    """Add jobs due now; a keyed job that is already pending is not added twice."""
    ids: list[int] = []
    for job in jobs:
        if job.key:
            # A job being run right now may have started before this change: add another.
            pending = one(
                db,
                "SELECT id FROM jobs WHERE key = ? AND state = 'pending'"
                " AND (leased_until IS NULL OR leased_until <= ?)",
                job.key,
                iso(now),
            )
            if pending is not None:
                ids.append(pending["id"])
                continue
        row = one(
            db,
            "INSERT INTO jobs (kind, payload, key, state, attempts, created_at, due_at)"
            " VALUES (?, ?, ?, 'pending', 0, ?, ?) RETURNING id",
            job.kind,
            json.dumps(job.payload),
            job.key,
            iso(now),
            iso(now),
        )
        assert row is not None
        ids.append(row["id"])
    return ids


def claim(
    db: sqlite3.Connection, kinds: Collection[str], limit: int, lease: timedelta, now: datetime
) -> list[QueuedJob]:
    """Due pending jobs of these kinds, oldest first, leased to the caller until `now + lease`."""
    if not kinds:
        return []
    marks = ", ".join("?" * len(kinds))
    rows = db.execute(
        f"""
        UPDATE jobs SET attempts = attempts + 1, last_attempt_at = ?, leased_until = ?
        WHERE id IN (
            SELECT id FROM jobs
            WHERE state = 'pending' AND kind IN ({marks}) AND due_at <= ?
                AND (leased_until IS NULL OR leased_until <= ?)
            ORDER BY due_at, id LIMIT ?
        )
        RETURNING *
        """,
        (iso(now), iso(now + lease), *kinds, iso(now), iso(now), limit),
    ).fetchall()
    return sorted((job_from_row(row) for row in rows), key=lambda job: (job.due_at, job.id))


def finish(db: sqlite3.Connection, job_id: int, now: datetime) -> None:
    db.execute(
        "UPDATE jobs SET state = 'done', done_at = ?, leased_until = NULL, last_error = ''"
        " WHERE id = ?",
        (iso(now), job_id),
    )


def retry(db: sqlite3.Connection, job_id: int, error: str, due_at: datetime | None) -> None:
    """Record a failed attempt: try again at `due_at`, or give up when it is None."""
    if due_at is None:
        db.execute(
            "UPDATE jobs SET state = 'failed', last_error = ?, leased_until = NULL WHERE id = ?",
            (error[:_ERROR_CHARS], job_id),
        )
    else:
        db.execute(
            "UPDATE jobs SET last_error = ?, due_at = ?, leased_until = NULL WHERE id = ?",
            (error[:_ERROR_CHARS], iso(due_at), job_id),
        )


def send_again(db: sqlite3.Connection, job_id: int, now: datetime) -> bool:
    """A moderator's "try again": a failed or waiting job becomes due now."""
    changed = db.execute(
        "UPDATE jobs SET state = 'pending', due_at = ?, leased_until = NULL"
        " WHERE id = ? AND state != 'done'",
        (iso(now), job_id),
    ).rowcount
    return changed == 1


def listing(
    db: sqlite3.Connection, states: Collection[JobState], kinds: Collection[str], limit: int
) -> list[QueuedJob]:
    """Jobs of these states (and kinds, when given), newest first."""
    clauses = [f"state IN ({', '.join('?' * len(states))})"]
    params: list[object] = [JobState(s).value for s in states]
    if kinds:
        clauses.append(f"kind IN ({', '.join('?' * len(kinds))})")
        params.extend(kinds)
    rows = db.execute(
        f"SELECT * FROM jobs WHERE {' AND '.join(clauses)} ORDER BY id DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [job_from_row(row) for row in rows]


def counts(db: sqlite3.Connection) -> dict[tuple[str, JobState], int]:
    rows = db.execute("SELECT kind, state, count(*) FROM jobs GROUP BY kind, state").fetchall()
    return {(kind, JobState(state)): n for kind, state, n in rows}


def forget_done(db: sqlite3.Connection, before: datetime) -> int:
    """Delete jobs finished before that moment (they hold e-mail addresses and texts)."""
    return db.execute(
        "DELETE FROM jobs WHERE state = 'done' AND done_at < ?", (iso(before),)
    ).rowcount


def claim_schedule(db: sqlite3.Connection, name: str, interval: timedelta, now: datetime) -> bool:
    """Whether the periodic task `name` is due, claiming this run for the caller if so.

    The next run time is moved in the same statement, so of several workers checking at once
    exactly one runs the task.
    """
    db.execute(
        "INSERT INTO schedule (name, next_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
        (name, iso(now)),
    )
    claimed = db.execute(
        "UPDATE schedule SET next_at = ?, last_at = ? WHERE name = ? AND next_at <= ?",
        (iso(now + interval), iso(now), name, iso(now)),
    ).rowcount
    return claimed == 1


def job_from_row(row: sqlite3.Row) -> QueuedJob:
    return QueuedJob(
        id=row["id"],
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        key=row["key"],
        state=JobState(row["state"]),
        attempts=row["attempts"],
        created_at=parse_time(row["created_at"]),
        due_at=parse_time(row["due_at"]),
        last_error=row["last_error"],
        last_attempt_at=parse_time(row["last_attempt_at"]) if row["last_attempt_at"] else None,
        done_at=parse_time(row["done_at"]) if row["done_at"] else None,
    )


class SQLiteJobs(SQLiteDatabase):
    """The job-queue methods of `SQLiteStore`, kept here so that module stays the queue's."""

    def enqueue(self, jobs: Sequence[Job]) -> list[int]:
        with self._write() as db:
            return enqueue(db, jobs, self._clock())

    def claim_jobs(
        self, kinds: Collection[str], limit: int = 10, lease: timedelta = timedelta(minutes=5)
    ) -> list[QueuedJob]:
        with self._write() as db:
            return claim(db, kinds, limit, lease, self._clock())

    def finish_job(self, job_id: int) -> None:
        with self._write() as db:
            finish(db, job_id, self._clock())

    def retry_job(self, job_id: int, error: str, due_at: datetime | None) -> None:
        with self._write() as db:
            retry(db, job_id, error, due_at)

    def send_job_again(self, job_id: int) -> bool:
        with self._write() as db:
            return send_again(db, job_id, self._clock())

    def jobs(
        self,
        states: Collection[JobState] = (JobState.PENDING, JobState.FAILED),
        kinds: Collection[str] = (),
        limit: int = 50,
    ) -> list[QueuedJob]:
        with self._connection() as db:
            return listing(db, states, kinds, limit)

    def job_counts(self) -> dict[tuple[str, JobState], int]:
        with self._connection() as db:
            return counts(db)

    def forget_done_jobs(self, older_than: timedelta) -> int:
        with self._write() as db:
            return forget_done(db, self._clock() - older_than)

    def claim_schedule(self, name: str, interval: timedelta) -> bool:
        with self._write() as db:
            return claim_schedule(db, name, interval, self._clock())
