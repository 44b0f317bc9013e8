"""The SQLite schema's history: named migrations applied in order, counted in `user_version`.

A migration is never edited once released; a change is a new function at the end of
`MIGRATIONS`. Statements run one by one through `execute` (never `executescript`, which commits
first), so every pending migration and the new version number commit together or not at all.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence

from ..errors import SettingsError

Migration = Callable[[sqlite3.Connection], None]


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


def add_jobs_and_schedule(db: sqlite3.Connection) -> None:
    """Work that must happen later (e-mail, deploys), and when housekeeping last ran.

    A job is written in the same transaction as its cause and leased while it runs
    (`leased_until`), so a worker that dies mid-job leaves it to be claimed again.
    """
    db.execute(
        """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            key TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            due_at TEXT NOT NULL,
            leased_until TEXT,
            last_attempt_at TEXT,
            last_error TEXT NOT NULL DEFAULT '',
            done_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX jobs_due ON jobs (state, due_at)")
    db.execute("CREATE INDEX jobs_key ON jobs (key, state)")
    db.execute("CREATE TABLE schedule (name TEXT PRIMARY KEY, next_at TEXT NOT NULL, last_at TEXT)")


def add_comment_identity(db: sqlite3.Connection) -> None:
    """Version 5: a comment's lasting identity, and what the store last saw of its file.

    `uid` is random and goes into the published file's `Uid:` header: a recreated or restored
    database can issue an id again, never a uid (docs/comment-files.md). `published_stamp` is
    the file's inode, mtime and size when the store last found this comment in it, so the
    start-up reconcile reads only the files that changed.
    """
    db.execute("ALTER TABLE comments ADD COLUMN uid TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE comments ADD COLUMN published_stamp TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE comments SET uid = lower(hex(randomblob(16)))")
    db.execute("CREATE UNIQUE INDEX comments_uid ON comments (uid)")


def add_comment_versions(db: sqlite3.Connection) -> None:
    """A version number for each comment, so a decision applies to the words that were read.

    It starts at 1 and grows with every change a moderator would read again (a correction,
    a re-check that changed the review), never with a decision. A revision keeps the version
    it replaced. Comments already corrected count their kept revisions.
    """
    db.execute("ALTER TABLE comments ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE revisions ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    db.execute(
        """
        UPDATE revisions SET version = (
            SELECT count(*) FROM revisions AS earlier
            WHERE earlier.comment_id = revisions.comment_id AND earlier.id <= revisions.id
        )
        """
    )
    db.execute(
        "UPDATE comments SET version"
        " = 1 + (SELECT count(*) FROM revisions WHERE revisions.comment_id = comments.id)"
    )


def add_shared_limits(db: sqlite3.Connection) -> None:
    """Used form tokens and the intake's rate-limit counts, shared by every worker of a host.

    Both lived in each process's memory, so with several workers a single-use token was good
    once per worker and the limit multiplied (issue 13). Clients are keyed by an HMAC of their
    address with the service's secret, never the address: login attempts too from now on, so
    the addresses kept in them so far are blanked (their time, username and outcome stay).
    """
    db.execute(
        "CREATE TABLE used_form_tokens (nonce TEXT PRIMARY KEY, expires_at TEXT NOT NULL)"
        " WITHOUT ROWID"
    )
    db.execute("CREATE INDEX used_form_tokens_expiry ON used_form_tokens (expires_at)")
    db.execute(
        """
        CREATE TABLE rate_limit_counts (
            client TEXT NOT NULL,
            start INTEGER NOT NULL,
            hits INTEGER NOT NULL,
            PRIMARY KEY (client, start)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX rate_limit_counts_start ON rate_limit_counts (start)")
    db.execute("DROP INDEX login_attempts_ip")
    db.execute("ALTER TABLE login_attempts RENAME COLUMN ip TO client")
    db.execute("UPDATE login_attempts SET client = ''")
    db.execute("CREATE INDEX login_attempts_client ON login_attempts (client, at)")


def add_imported_comments(db: sqlite3.Connection) -> None:
    """Which comments came from which old blog: (source, original id) → our comment.

    Importing the same export twice adds nothing, an overlapping one only what is new, and a
    reply finds its parent after the whole file is read. The row outlives its comment (SET
    NULL), so spam purged after an import does not come back with the next one.
    """
    db.execute(
        """
        CREATE TABLE imported_comments (
            source TEXT NOT NULL,
            original_id TEXT NOT NULL,
            comment_id INTEGER REFERENCES comments(id) ON DELETE SET NULL,
            parent_original_id TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT 'comment',
            imported_at TEXT NOT NULL,
            PRIMARY KEY (source, original_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX imported_comments_comment ON imported_comments (comment_id)")


def fingerprint_the_text_only(db: sqlite3.Connection) -> None:
    """Duplicates across articles: the fingerprint is the words alone, no longer the article
    and the words, so one text posted on every article is found (issue 12).

    The hash is written out here rather than imported: a migration keeps its meaning even
    when `model.fingerprint` changes again.
    """
    rows = db.execute("SELECT id, body FROM comments").fetchall()
    for comment_id, body in rows:
        words = " ".join(body.casefold().split())
        digest = hashlib.blake2b(words.encode(), digest_size=16).hexdigest()
        db.execute("UPDATE comments SET fingerprint = ? WHERE id = ?", (digest, comment_id))


def add_webmentions(db: sqlite3.Connection) -> None:
    """Webmentions received: one row per source and target, the comment it became, its state.

    Sending the same source again finds its row (UNIQUE), so it updates the same comment
    rather than queue a second one. The row outlives its comment (SET NULL).
    """
    db.execute(
        """
        CREATE TABLE webmentions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            target TEXT NOT NULL,
            article TEXT NOT NULL,
            token TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            comment_id INTEGER REFERENCES comments(id) ON DELETE SET NULL,
            received_at TEXT NOT NULL,
            checked_at TEXT,
            UNIQUE (source, target)
        )
        """
    )
    db.execute("CREATE INDEX webmentions_comment ON webmentions (comment_id)")


def add_used_email_links(db: sqlite3.Connection) -> None:
    """The moderators' e-mail links that were used, so each decides once (emaillinks.py).

    A row lives as long as its link could still be valid; no foreign key: the record of a
    used link must outlast a comment erased or renumbered meanwhile.
    """
    db.execute(
        """
        CREATE TABLE used_email_links (
            nonce TEXT PRIMARY KEY,
            comment_id INTEGER NOT NULL,
            used_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX used_email_links_expiry ON used_email_links (expires_at)")


def add_reply_subscriptions(db: sqlite3.Connection) -> None:
    """Commenters who asked to hear of replies to their comment (moderation/subscriptions.py).

    A row starts `unconfirmed` (double opt-in: the address is not verified), becomes
    `confirmed` from the e-mail's link and `stopped` by unsubscribing; it goes with its
    comment (CASCADE). `reply_mails` records each message sent, for the per-address limits.
    """
    db.execute(
        """
        CREATE TABLE reply_subscriptions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
            email TEXT NOT NULL,
            state TEXT NOT NULL,
            created_at TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            UNIQUE (comment_id, email)
        )
        """
    )
    # What was sent to each address, for the per-address limits (forgotten after a day).
    db.execute(
        "CREATE TABLE reply_mails (email TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX reply_mails_email ON reply_mails (email, kind, at)")


MIGRATIONS: tuple[Migration, ...] = (
    create_comments_and_audit,
    add_revisions_and_audit_index,
    add_moderators_and_sessions,
    add_jobs_and_schedule,
    add_comment_identity,
    add_comment_versions,
    add_shared_limits,
    add_imported_comments,
    fingerprint_the_text_only,
    add_webmentions,
    add_used_email_links,
    add_reply_subscriptions,
)


def migrate(db: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database up to date; returns its version. Safe to run on every start.

    The version is read inside the write transaction, so two processes starting at once do
    not both apply a migration. `db` must be in autocommit mode (isolation_level=None).
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchall()[0][0]
        if version > len(migrations):
            raise SettingsError(
                f"the comment database is at schema version {version}, newer than this code"
                f" (which knows up to {len(migrations)}): upgrade the code, not the database"
            )
        for migration in migrations[version:]:
            migration(db)
        # PRAGMA takes no parameters; the value is an int we computed.
        db.execute(f"PRAGMA user_version = {len(migrations)}")
        db.execute("COMMIT")
    finally:
        if db.in_transaction:
            db.execute("ROLLBACK")
    return len(migrations)
