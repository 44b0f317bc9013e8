"""Schema versions 4 onwards, one a feature: jobs, comment identity and versions, shared
limits, imports, text-only fingerprints, webmentions, e-mail links, reply subscriptions.

Released migrations: never edited (`migrations` says why). A new one goes at the end here, and
at the end of `MIGRATIONS`.
"""

from __future__ import annotations

import hashlib
import sqlite3


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
