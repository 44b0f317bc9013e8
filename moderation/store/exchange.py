"""The queue as one JSON document, and back: `moderate export --format json` and
`moderate import json`.

Every comment with its status, review (each check's outcome), decision, earlier versions,
audit rows and import origin. Personal data (e-mail, IP address, user agent, referrer) only
when asked for. Times are written as stored, so an export imported into an empty database
exports again byte for byte; a comment keeps its id and `uid` where the id is free. Status
tokens are secrets and are not exported: a restored comment gets a new one.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from ..model import fingerprint
from .database import SQLiteDatabase
from .rows import one

FORMAT = "moderation-comments"
VERSION = 1
PERSONAL = ("email", "ip", "user_agent", "referrer")
COMMENT_FIELDS = (
    "id", "uid", "article", "reply_to", "name", "blog_url", "body", "status", "version",
    "created_at", "updated_at", "decided_by", "decided_at", "decision_reason", "feed",
)  # fmt: skip
REVISION_FIELDS = ("replaced_at", "name", "blog_url", "body", "status", "version")
AUDIT_FIELDS = ("at", "actor", "action", "from_status", "to_status", "reason")
ORIGIN_FIELDS = ("source", "original_id", "parent_original_id", "kind", "imported_at")


def comments(db: sqlite3.Connection, *, personal: bool) -> Iterator[dict[str, object]]:
    """Everything the queue holds about each comment, oldest id first, one at a time; the
    caller holds a read transaction, so the whole export is one moment's."""
    extra = PERSONAL if personal else ()
    rows = db.execute("SELECT * FROM comments ORDER BY id")
    while batch := rows.fetchmany(500):
        for row in batch:
            comment = {name: row[name] for name in (*COMMENT_FIELDS, *extra)}
            comment["review"] = json.loads(row["review"])
            comment["revisions"] = [
                {
                    **{name: revision[name] for name in REVISION_FIELDS},
                    **({"email": revision["email"]} if personal else {}),
                    "review": json.loads(revision["review"]),
                }
                for revision in _of(db, "revisions", row["id"])
            ]
            comment["audit"] = [
                {name: audit[name] for name in AUDIT_FIELDS}
                for audit in _of(db, "audit", row["id"])
            ]
            comment["imported_from"] = [
                {name: origin[name] for name in ORIGIN_FIELDS}
                for origin in _of(db, "imported_comments", row["id"])
            ]
            yield comment


def _of(db: sqlite3.Connection, table: str, comment_id: int) -> list[sqlite3.Row]:
    order = "imported_at, source, original_id" if table == "imported_comments" else "id"
    # Table and order from the code above, never from input.
    return db.execute(
        f"SELECT * FROM {table} WHERE comment_id = ? ORDER BY {order}", (comment_id,)
    ).fetchall()


def known_uids(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT uid FROM comments").fetchall()}


def restore(db: sqlite3.Connection, comments: Iterable[dict]) -> list[int]:
    """Add the exported comments whose `uid` the database does not hold; returns their ids.

    A comment keeps its id when it is free. Replies are linked once all are in, to the id
    their parent has here (restored now, or found by its `uid`). `comments` has been checked
    (`importers.jsonfile`).
    """
    db.execute("PRAGMA defer_foreign_keys = ON")
    given: dict[int, int] = {}  # exported id → id here
    parents: dict[int, int] = {}  # id here → exported id of its parent
    added: list[int] = []
    for comment in comments:
        found = one(db, "SELECT id FROM comments WHERE uid = ?", comment["uid"])
        if found is not None:
            given[comment["id"]] = found["id"]
            continue
        taken = one(db, "SELECT 1 FROM comments WHERE id = ?", comment["id"]) is not None
        values = {name: comment[name] for name in COMMENT_FIELDS if name != "reply_to"}
        values.update({name: comment.get(name, "") for name in PERSONAL})
        if taken:
            del values["id"]
        values.update(
            review=json.dumps(comment["review"]),
            token=secrets.token_urlsafe(24),
            fingerprint=fingerprint(comment["body"]),
        )
        columns = ", ".join(values)
        marks = ", ".join("?" * len(values))
        new_id = db.execute(
            f"INSERT INTO comments ({columns}) VALUES ({marks}) RETURNING id",  # names: ours
            tuple(values.values()),
        ).fetchall()[0][0]
        given[comment["id"]] = new_id
        added.append(new_id)
        if comment["reply_to"] is not None:
            parents[new_id] = comment["reply_to"]
        for revision in comment["revisions"]:
            db.execute(
                "INSERT INTO revisions (comment_id, replaced_at, name, blog_url, email, body,"
                " review, status, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new_id, revision["replaced_at"], revision["name"], revision["blog_url"],
                    revision.get("email", ""), revision["body"], json.dumps(revision["review"]),
                    revision["status"], revision["version"],
                ),
            )  # fmt: skip
        db.executemany(
            "INSERT INTO audit (comment_id, at, actor, action, from_status, to_status, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(new_id, *(audit[name] for name in AUDIT_FIELDS)) for audit in comment["audit"]],
        )
        db.executemany(
            "INSERT OR IGNORE INTO imported_comments (comment_id, source, original_id,"
            " parent_original_id, kind, imported_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (new_id, *(origin[name] for name in ORIGIN_FIELDS))
                for origin in comment["imported_from"]
            ],
        )
    for child, parent in parents.items():
        if parent in given:
            db.execute("UPDATE comments SET reply_to = ? WHERE id = ?", (given[parent], child))
    return added


class SQLiteExchange(SQLiteDatabase):
    """The JSON export and its restore, as methods of the store."""

    def export_comments(self, *, personal: bool = False) -> Iterator[dict[str, object]]:
        with self._transaction("BEGIN") as db:
            yield from comments(db, personal=personal)

    def comment_uids(self) -> set[str]:
        with self._connection() as db:
            return known_uids(db)

    def restore_json(self, comments: Sequence[dict]) -> list[int]:
        with self._write() as db:
            return restore(db, comments)
