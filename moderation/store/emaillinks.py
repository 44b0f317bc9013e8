"""The e-mail links that were used: each link's nonce, kept until the link would expire.

A link decides once (`moderation/emaillinks.py`). Its nonce is claimed in a write
transaction before the decision, so two taps racing each other cannot both decide, and
given back when the decision was refused (the comment changed meanwhile), leaving the
moderator free to decide another way. Expired rows go as new ones come in.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from .database import SQLiteDatabase
from .rows import iso, parse_time


@dataclass(frozen=True)
class UsedLink:
    """When a link decided, and on which comment (its id before any renumbering)."""

    comment_id: int
    used_at: datetime


def use_email_link(
    db: sqlite3.Connection, nonce: str, comment_id: int, keep: timedelta, now: datetime
) -> bool:
    db.execute("DELETE FROM used_email_links WHERE expires_at <= ?", (iso(now),))
    inserted = db.execute(
        "INSERT INTO used_email_links (nonce, comment_id, used_at, expires_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (nonce, comment_id, iso(now), iso(now + keep)),
    )
    return inserted.rowcount == 1


class SQLiteEmailLinks(SQLiteDatabase):
    """The e-mail link methods of `SQLiteStore`."""

    def use_email_link(self, nonce: str, comment_id: int, keep: timedelta) -> bool:
        with self._write() as db:
            return use_email_link(db, nonce, comment_id, keep, self._clock())

    def give_back_email_link(self, nonce: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM used_email_links WHERE nonce = ?", (nonce,))

    def used_email_link(self, nonce: str) -> UsedLink | None:
        with self._connection() as db:
            row = db.execute(
                "SELECT comment_id, used_at FROM used_email_links WHERE nonce = ?", (nonce,)
            ).fetchone()
        return None if row is None else UsedLink(row["comment_id"], parse_time(row["used_at"]))
