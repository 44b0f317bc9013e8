"""Moderator accounts in SQLite: password hashes and login sessions (login attempts: `limits`).

Each function runs inside the caller's transaction. The store keeps only what a stolen copy of
the database cannot log in with: scrypt hashes of passwords, SHA-256 hashes of session tokens.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from .base import ModeratorSession
from .database import SQLiteDatabase
from .rows import iso, one, parse_time


def set_password(db: sqlite3.Connection, username: str, password_hash: str, now: datetime) -> bool:
    existed = one(db, "SELECT 1 FROM moderators WHERE username = ?", username) is not None
    db.execute(
        "INSERT INTO moderators (username, password_hash, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash",
        (username, password_hash, iso(now)),
    )
    # A new password ends every session of the old one: a leaked password stops working at once.
    db.execute("DELETE FROM sessions WHERE username = ?", (username,))
    return not existed


def remove_moderator(db: sqlite3.Connection, username: str) -> bool:
    # Their sessions go with them (ON DELETE CASCADE); their audit rows stay, by name.
    return db.execute("DELETE FROM moderators WHERE username = ?", (username,)).rowcount > 0


def password_hash(db: sqlite3.Connection, username: str) -> str | None:
    row = one(db, "SELECT password_hash FROM moderators WHERE username = ?", username)
    return row["password_hash"] if row else None


def start_session(
    db: sqlite3.Connection,
    token_hash: str,
    username: str,
    csrf: str,
    now: datetime,
    lifetime: timedelta,
) -> ModeratorSession:
    db.execute("DELETE FROM sessions WHERE expires_at <= ?", (iso(now),))
    row = one(
        db,
        "INSERT INTO sessions (id, username, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)"
        " RETURNING *",
        token_hash,
        username,
        csrf,
        iso(now),
        iso(now + lifetime),
    )
    assert row is not None
    return _session(row)


def session(db: sqlite3.Connection, token_hash: str, now: datetime) -> ModeratorSession | None:
    row = one(db, "SELECT * FROM sessions WHERE id = ? AND expires_at > ?", token_hash, iso(now))
    return _session(row) if row else None


def end_session(db: sqlite3.Connection, token_hash: str) -> None:
    db.execute("DELETE FROM sessions WHERE id = ?", (token_hash,))


def _session(row: sqlite3.Row) -> ModeratorSession:
    return ModeratorSession(
        username=row["username"],
        csrf=row["csrf"],
        created_at=parse_time(row["created_at"]),
        expires_at=parse_time(row["expires_at"]),
    )


class SQLiteAccounts(SQLiteDatabase):
    """Moderator accounts and sessions, as methods of the store."""

    def set_password(self, username: str, password_hash: str) -> bool:
        with self._write() as db:
            return set_password(db, username, password_hash, self._clock())

    def remove_moderator(self, username: str) -> bool:
        with self._write() as db:
            return remove_moderator(db, username)

    def password_hash(self, username: str) -> str | None:
        with self._connection() as db:
            return password_hash(db, username)

    def start_session(
        self, token_hash: str, username: str, csrf: str, lifetime: timedelta
    ) -> ModeratorSession:
        with self._write() as db:
            return start_session(db, token_hash, username, csrf, self._clock(), lifetime)

    def session(self, token_hash: str) -> ModeratorSession | None:
        with self._connection() as db:
            return session(db, token_hash, self._clock())

    def end_session(self, token_hash: str) -> None:
        with self._write() as db:
            end_session(db, token_hash)
