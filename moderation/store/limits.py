"""Limits every worker of a host shares: failed logins, the intake's rate limit, used form tokens.

They live in the database because memory is per process: with two uvicorn workers, a
single-use token was good once per worker and every limit counted twice as much (issue 13).
Clients appear here only as the key the caller passes, an HMAC of their address with the
service's secret (`web.security.AddressKeys`), so a copy of the database holds no addresses.
Expired rows are deleted as new ones come in; each call is one short write transaction.

The rate limit counts requests in buckets of a sixtieth of its window, one row per client and
bucket: a request costs one upsert whatever the limit, and a bucket is forgotten once its start
is a whole window old (so at most a sixtieth of the window early). Bucket starts are integer
milliseconds rather than the ISO text of other tables: they are computed with, never read.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from .database import SQLiteDatabase
from .rows import iso, parse_time

RATE_BUCKETS = 60


def count_request(
    db: sqlite3.Connection, client: str, limit: int, window: timedelta, now: datetime
) -> float:
    """Count a request unless the client made `limit` in the window; else seconds to wait."""
    window_ms = int(window.total_seconds() * 1000)
    now_ms = int(now.timestamp() * 1000)
    width = max(1, window_ms // RATE_BUCKETS)
    oldest = now_ms - window_ms
    db.execute("DELETE FROM rate_limit_counts WHERE start <= ?", (oldest,))
    buckets = db.execute(
        "SELECT start, hits FROM rate_limit_counts WHERE client = ? ORDER BY start", (client,)
    ).fetchall()
    excess = sum(hits for _, hits in buckets) - limit + 1
    if excess > 0:
        # Wait until enough of the oldest buckets have aged out to leave room for one more.
        for start, hits in buckets:
            excess -= hits
            if excess <= 0:
                return (start - oldest) / 1000
    db.execute(
        "INSERT INTO rate_limit_counts (client, start, hits) VALUES (?, ?, 1)"
        " ON CONFLICT (client, start) DO UPDATE SET hits = hits + 1",
        (client, now_ms - now_ms % width),
    )
    return 0.0


def use_form_nonce(db: sqlite3.Connection, nonce: str, keep: timedelta, now: datetime) -> bool:
    """Remember a form token's nonce; False when it was already used (a replay)."""
    db.execute("DELETE FROM used_form_tokens WHERE expires_at <= ?", (iso(now),))
    inserted = db.execute(
        "INSERT INTO used_form_tokens (nonce, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (nonce, iso(now + keep)),
    )
    return inserted.rowcount == 1


def record_login(
    db: sqlite3.Connection, username: str, client: str, succeeded: bool, now: datetime
) -> None:
    db.execute(
        "INSERT INTO login_attempts (at, username, client, succeeded) VALUES (?, ?, ?, ?)",
        (iso(now), username, client, int(succeeded)),
    )


def login_failures(
    db: sqlite3.Connection, since: datetime, username: str | None, client: str | None
) -> list[datetime]:
    """Failed attempts since then, of a username, of a client, or of that pair."""
    where = ["at > ?", "succeeded = 0"]
    params: list[object] = [iso(since)]
    for column, value in (("username", username), ("client", client)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    rows = db.execute(
        f"SELECT at FROM login_attempts WHERE {' AND '.join(where)} ORDER BY at", params
    ).fetchall()
    return [parse_time(row["at"]) for row in rows]


def forget_login_attempts(db: sqlite3.Connection, cutoff: datetime) -> int:
    return db.execute("DELETE FROM login_attempts WHERE at < ?", (iso(cutoff),)).rowcount


class SQLiteLimits(SQLiteDatabase):
    """The limit methods of `SQLiteStore`, kept here so that module stays the queue's."""

    def count_request(self, client: str, limit: int, window: timedelta) -> float:
        with self._write() as db:
            return count_request(db, client, limit, window, self._clock())

    def use_form_nonce(self, nonce: str, keep: timedelta) -> bool:
        with self._write() as db:
            return use_form_nonce(db, nonce, keep, self._clock())

    def record_login(self, username: str, client: str, succeeded: bool) -> None:
        with self._write() as db:
            record_login(db, username, client, succeeded, self._clock())

    def login_failures(
        self, window: timedelta, *, username: str | None = None, client: str | None = None
    ) -> list[datetime]:
        if username is None and client is None:
            raise ValueError("login_failures: give a username, a client or both")
        with self._connection() as db:
            return login_failures(db, self._clock() - window, username, client)
