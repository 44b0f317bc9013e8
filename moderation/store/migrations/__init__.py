"""The SQLite schema's history: named migrations applied in order, counted in `user_version`.

A migration is never edited once released; a change is a new function at the end of
`MIGRATIONS`. Statements run one by one through `execute` (never `executescript`, which commits
first), so every pending migration and the new version number commit together or not at all.

The functions live by era: `launch` (versions 1 to 3, released with the service) and
`features` (4 onwards, one a feature); this module puts them in order and applies them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from ...errors import SettingsError
from .features import (
    add_comment_identity,
    add_comment_versions,
    add_imported_comments,
    add_jobs_and_schedule,
    add_reply_subscriptions,
    add_shared_limits,
    add_used_email_links,
    add_webmentions,
    fingerprint_the_text_only,
)
from .launch import (
    add_moderators_and_sessions,
    add_revisions_and_audit_index,
    create_comments_and_audit,
)

Migration = Callable[[sqlite3.Connection], None]

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
