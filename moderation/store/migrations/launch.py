"""Schema versions 1 to 3, released with the service: the queue and its audit log, the
revisions a correction replaces, and the moderators who log in.

Released migrations: never edited (`migrations` says why).
"""

from __future__ import annotations

import sqlite3


def create_comments_and_audit(db: sqlite3.Connection) -> None:
    """Version 1: the queue and its audit log."""
    # The status list is frozen here on purpose: a new Status needs a migration, not a silent
    # change of the CHECK for new databases only.
    db.execute(
        """
        CREATE TABLE comments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article TEXT NOT NULL,
            reply_to INTEGER REFERENCES comments(id) ON DELETE SET NULL,
            name TEXT NOT NULL,
            blog_url TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'held', 'spam', 'approved', 'rejected')),
            token TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            ip TEXT NOT NULL DEFAULT '',
            user_agent TEXT NOT NULL DEFAULT '',
            referrer TEXT NOT NULL DEFAULT '',
            review TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            decided_by TEXT NOT NULL DEFAULT '',
            decided_at TEXT,
            decision_reason TEXT NOT NULL DEFAULT '',
            feed TEXT NOT NULL DEFAULT ''
        )
        """
    )
    # A purged or erased parent leaves its replies standing as top-level comments (SET NULL
    # above) instead of blocking the delete. The token's UNIQUE constraint is its index.
    db.execute("CREATE INDEX comments_queue ON comments (status, created_at)")
    db.execute("CREATE INDEX comments_article ON comments (article, created_at)")
    db.execute("CREATE INDEX comments_fingerprint ON comments (fingerprint, created_at)")
    db.execute(
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            from_status TEXT,
            to_status TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT ''
        )
        """
    )


def add_revisions_and_audit_index(db: sqlite3.Connection) -> None:
    """Version 2: keep the versions a resubmit replaces; index the audit rows by comment.

    Without the index, `audit_log(comment_id=…)` and every cascading delete scanned the whole
    audit table.
    """
    db.execute(
        """
        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
            replaced_at TEXT NOT NULL,
            name TEXT NOT NULL,
            blog_url TEXT NOT NULL,
            email TEXT NOT NULL,
            body TEXT NOT NULL,
            review TEXT NOT NULL,
            status TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX revisions_comment ON revisions (comment_id)")
    db.execute("CREATE INDEX audit_comment ON audit (comment_id)")


def add_moderators_and_sessions(db: sqlite3.Connection) -> None:
    """Version 3: moderators who log in to the web page, their sessions and login attempts.

    A session's id is the SHA-256 of the cookie's token, so a copy of the database does not
    log anyone in. Login attempts (never the password) are kept for the rate limit and the
    record; they hold an IP address, so `erase_client_data` deletes them with the rest.
    """
    db.execute(
        """
        CREATE TABLE moderators (
            username TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            username TEXT NOT NULL REFERENCES moderators(username) ON DELETE CASCADE,
            csrf TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX sessions_username ON sessions (username)")
    db.execute("CREATE INDEX sessions_expiry ON sessions (expires_at)")
    db.execute(
        """
        CREATE TABLE login_attempts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            username TEXT NOT NULL,
            ip TEXT NOT NULL,
            succeeded INTEGER NOT NULL CHECK (succeeded IN (0, 1))
        )
        """
    )
    db.execute("CREATE INDEX login_attempts_ip ON login_attempts (ip, at)")
    db.execute("CREATE INDEX login_attempts_username ON login_attempts (username, at)")
