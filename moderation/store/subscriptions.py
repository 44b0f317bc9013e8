"""Reply subscriptions in the queue's database: who asked, whether they confirmed, what was sent.

Each write is one transaction with the e-mail jobs it causes (the outbox), so a request is
never recorded without its confirmation message, nor a notification counted without being
queued. The per-address limits count the messages recorded in `reply_mails` over a window;
rows older than a day are forgotten as new ones come in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..jobs.model import Job
from . import jobs
from .database import SQLiteDatabase
from .rows import iso, parse_time

UNCONFIRMED, CONFIRMED, STOPPED = "unconfirmed", "confirmed", "stopped"
CONFIRMATION, NOTIFICATION = "confirmation", "notification"  # kinds of `reply_mails`
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Subscription:
    id: int
    comment_id: int
    email: str
    state: str
    created_at: datetime
    changed_at: datetime


@dataclass(frozen=True)
class Limit:
    """At most `count` messages of one kind to one address per `window`."""

    count: int
    window: timedelta


Compose = Callable[[Subscription], Sequence[Job]]


def _subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(
        row["id"],
        row["comment_id"],
        row["email"],
        row["state"],
        parse_time(row["created_at"]),
        parse_time(row["changed_at"]),
    )


def _within_limit(
    db: sqlite3.Connection, email: str, kind: str, limit: Limit, now: datetime
) -> bool:
    """Record one message of `kind` to `email` unless the limit is reached; whether recorded."""
    db.execute("DELETE FROM reply_mails WHERE at < ?", (iso(now - FORGET_AFTER),))
    sent = db.execute(
        "SELECT count(*) FROM reply_mails WHERE email = ? AND kind = ? AND at > ?",
        (email, kind, iso(now - limit.window)),
    ).fetchone()[0]
    if sent >= limit.count:
        return False
    db.execute(
        "INSERT INTO reply_mails (email, kind, at) VALUES (?, ?, ?)", (email, kind, iso(now))
    )
    return True


def forget_address(db: sqlite3.Connection, email: str) -> None:
    """Erasure (`privacy.erase_email`): the address's subscriptions and its sending record."""
    address = email.strip().lower()
    db.execute("DELETE FROM reply_subscriptions WHERE email = ?", (address,))
    db.execute("DELETE FROM reply_mails WHERE email = ?", (address,))


class SQLiteSubscriptions(SQLiteDatabase):
    """The reply-subscription methods of `SQLiteStore`."""

    def subscribe(
        self, comment_id: int, email: str, compose: Compose, limit: Limit
    ) -> Subscription | None:
        """Ask for replies to a comment: an unconfirmed row and its confirmation message.

        None, and nothing sent, when the address is already subscribed to that comment or
        had `limit` confirmation messages lately (someone typing another's address).
        """
        now = self._clock()
        address = email.strip().lower()
        with self._write() as db:
            found = db.execute(
                "SELECT state FROM reply_subscriptions WHERE comment_id = ? AND email = ?",
                (comment_id, address),
            ).fetchone()
            if found is not None and found["state"] == CONFIRMED:
                return None
            if not _within_limit(db, address, CONFIRMATION, limit, now):
                return None
            row = db.execute(
                "INSERT INTO reply_subscriptions (comment_id, email, state, created_at,"
                " changed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (comment_id, email) DO UPDATE"
                " SET state = excluded.state, changed_at = excluded.changed_at RETURNING *",
                (comment_id, address, UNCONFIRMED, iso(now), iso(now)),
            ).fetchone()
            subscription = _subscription(row)
            jobs.enqueue(db, compose(subscription), now)
        return subscription

    def subscription(self, subscription_id: int) -> Subscription | None:
        with self._connection() as db:
            row = db.execute(
                "SELECT * FROM reply_subscriptions WHERE id = ?", (subscription_id,)
            ).fetchone()
        return None if row is None else _subscription(row)

    def change_subscription(
        self, subscription_id: int, to: str, *, only_from: str | None = None
    ) -> Subscription | None:
        """Confirm or stop; with `only_from`, only a subscription in that state changes.
        Returns the subscription as it is now (None: there is no such subscription)."""
        with self._write() as db:
            db.execute(
                "UPDATE reply_subscriptions SET state = ?, changed_at = ?"
                " WHERE id = ? AND (? IS NULL OR state = ?)",
                (to, iso(self._clock()), subscription_id, only_from, only_from),
            )
            row = db.execute(
                "SELECT * FROM reply_subscriptions WHERE id = ?", (subscription_id,)
            ).fetchone()
        return None if row is None else _subscription(row)

    def notify_subscribers(
        self, parent_id: int, replier_email: str, compose: Compose, limit: Limit
    ) -> list[Subscription]:
        """Queue a message for each confirmed subscriber to `parent_id` (not the replier
        themself), within each address's limit; returns those told."""
        now = self._clock()
        told: list[Subscription] = []
        with self._write() as db:
            rows = db.execute(
                "SELECT * FROM reply_subscriptions WHERE comment_id = ? AND state = ?"
                " AND email != ?",
                (parent_id, CONFIRMED, replier_email.strip().lower()),
            ).fetchall()
            for subscription in map(_subscription, rows):
                if _within_limit(db, subscription.email, NOTIFICATION, limit, now):
                    jobs.enqueue(db, compose(subscription), now)
                    told.append(subscription)
        return told
