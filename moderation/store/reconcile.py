"""The queue database learns what `content/comments/` publishes, and never reuses its ids.

Published comment files outlive the database: a fresh clone, `rm -rf var/`, a restored backup
or a second machine approving for the same repository all leave files whose ids the database
does not know, or knows as another comment. `reconcile` runs in one write transaction at
start-up: every published comment the database does not know is registered under its own id
(an approved row, audited), a database comment whose id a file holds for another comment is
moved to a fresh id first (`renumber`: every row that refers to it follows), and the id
sequence is raised above every published id. A file the database already found holding the
same comment, unchanged since (`published_stamp`), is not read. docs/comment-files.md
explains the scheme.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .. import commentfile
from ..commentfile import CommentFileError, PublishedComment, PublishedFile, aware
from ..model import CheckResult, Comment, Outcome, Review, Status, Verdict, fingerprint
from ..policy.ownership import verified
from ..webmention.marks import KINDS, mention_result
from .database import SQLiteDatabase
from .renumber import move, raise_sequence
from .rows import comment_from_row, dump_review, existing, iso, one, parse_time, write_audit

ACTOR = "reconcile"


@dataclass
class Reconciliation:
    """What one reconcile found and did; `to_write` is for the publisher."""

    files: int = 0  # published comment files found
    was_empty: bool = False  # the database held no comment and no moderator before
    registered: list[int] = field(default_factory=list)
    moved: list[tuple[int, int]] = field(default_factory=list)  # (old id, new id)
    why_moved: list[str] = field(default_factory=list)  # one sentence per move
    # Approved comments whose file is missing, or names a parent that moved: write them.
    to_write: list[Comment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # files left alone, and why

    def notices(self, database: Path | str) -> list[str]:
        """Sentences for the log and `moderate serve`'s start-up lines."""
        lines = []
        if self.was_empty and self.files:
            lines.append(
                f"the comment database {database} was new or empty while content/comments"
                f" holds {self.files} published comment file(s): {len(self.registered)} were"
                " registered under their own ids (replies to them and unpublishing work, new"
                " ids come after them); it has no moderator accounts: set one with"
                " `moderate set-password NAME`"
            )
        elif self.registered:
            ids = ", ".join(f"#{i}" for i in self.registered[:20])
            ids += ", …" if len(self.registered) > 20 else ""
            lines.append(
                f"registered {len(self.registered)} published comment(s) from files: {ids}"
            )
        return lines + self.why_moved + self.problems

    def record_move(self, old: int, new: int, why: str) -> None:
        self.moved.append((old, new))
        self.why_moved.append(f"comment #{old} now has the id #{new}: {why}")


def reconcile(
    db: sqlite3.Connection, comments_dir: Path, now: datetime, *, restored: bool = False
) -> Reconciliation:
    """Bring the database in step with the files; the caller holds a write transaction.

    `restored`: the database is an older backup, so an approved comment without a file was
    most likely unpublished since; it is marked unpublished instead of written again.
    """
    db.execute("PRAGMA defer_foreign_keys = ON")  # ids move; the references follow them
    counts = one(db, "SELECT (SELECT count(*) FROM comments), (SELECT count(*) FROM moderators)")
    report = Reconciliation(was_empty=counts is not None and counts[0] + counts[1] == 0)
    rows = db.cursor()
    rows.row_factory = None  # plain tuples: ten thousand rows in a few milliseconds
    known = {
        row[0]: row
        for row in rows.execute("SELECT id, article, status, published_stamp FROM comments")
    }
    by_id: dict[int, list[PublishedFile]] = {}
    for file in commentfile.scan(comments_dir):
        by_id.setdefault(file.id, []).append(file)
    report.files = sum(map(len, by_id.values()))
    raise_sequence(db, max(by_id, default=0))  # fresh ids for moves come after every file
    claimed: dict[str, Path] = {}  # uid → the file that claimed it in this run
    approved = Status.APPROVED.value
    for comment_id in sorted(by_id):
        row = known.get(comment_id)
        file, *others = by_id[comment_id]
        if others:  # the one in the database's folder for that id keeps it
            file, *others = sorted(
                by_id[comment_id], key=lambda f: row is None or f.article != row[1]
            )
            report.problems += [
                f"{other.path}: comment id {comment_id} is also used by {file.path}; not registered"
                for other in others
            ]
        if row is not None and row[1:] == (file.article, approved, file.stamp):
            continue  # the same file the database last found holding this comment
        _learn(db, file, now, report, claimed)
    db.execute(
        "UPDATE comments SET reply_to = NULL"
        " WHERE reply_to IS NOT NULL AND reply_to NOT IN (SELECT id FROM comments)"
    )
    present = {(f.article, f.id) for files in by_id.values() for f in files}
    moved = {new for _, new in report.moved}
    report.to_write = _unwritten(db, present, moved)
    if restored:
        gone = [
            c for c in report.to_write if c.id not in moved and (c.article, c.id) not in present
        ]
        for comment in gone:
            _unpublish(db, comment.id, now, report)
        report.to_write = [c for c in report.to_write if c not in gone]
    return report


def _unpublish(
    db: sqlite3.Connection, comment_id: int, now: datetime, report: Reconciliation
) -> None:
    """Approved in the restored backup, no file now: taken down after the backup was made."""
    reason = "approved in the restored backup, but not in content/comments: unpublished since"
    db.execute(
        "UPDATE comments SET status = ?, updated_at = ?, decided_by = ?, decided_at = ?,"
        " decision_reason = ? WHERE id = ?",
        (Status.REJECTED.value, iso(now), ACTOR, iso(now), reason, comment_id),
    )
    write_audit(db, comment_id, now, ACTOR, "unpublish", Status.APPROVED, Status.REJECTED, reason)
    report.problems.append(
        f"comment #{comment_id} is {reason}; it is marked unpublished (approve it to publish it)"
    )


def _learn(
    db: sqlite3.Connection,
    file: PublishedFile,
    now: datetime,
    report: Reconciliation,
    claimed: dict[str, Path],
) -> None:
    """Make the database hold the file's comment under the file's id."""
    try:
        published = commentfile.read(file.path)
    except CommentFileError as error:
        report.problems.append(f"{error}; its id stays reserved")
        return
    if (published.id, published.article) != (file.id, file.article):
        report.problems.append(f"{file.path}: its Id or Article does not match its place")
        return
    if published.uid and published.uid in claimed:
        report.problems.append(f"{file.path}: same Uid as {claimed[published.uid]}; not registered")
        return
    if published.uid:
        claimed[published.uid] = file.path
    row = one(db, "SELECT * FROM comments WHERE id = ?", file.id)
    if row is not None and commentfile.same_comment(_as_published(row), published):
        _confirm(db, row, published, file, now)
        return
    twin = published.uid and one(db, "SELECT * FROM comments WHERE uid = ?", published.uid)
    if row is not None:
        reason = f"{_relative(file)} holds another comment under #{file.id}"
        report.record_move(file.id, move(db, file.id, now, reason, ACTOR), reason)
    if twin:
        reason = f"it is published as {_relative(file)}"
        report.record_move(
            twin["id"], move(db, twin["id"], now, reason, ACTOR, new_id=file.id), reason
        )
        _confirm(db, existing(db, "id", file.id), published, file, now)
        return
    _register(db, published, file, now)
    report.registered.append(file.id)


def _confirm(
    db: sqlite3.Connection,
    row: sqlite3.Row,
    published: PublishedComment,
    file: PublishedFile,
    now: datetime,
) -> None:
    """The file holds this row's comment: it is published (so approved, with the file's
    approval record) where the file lies, and the file's stamp spares reading it again."""
    if row["status"] != Status.APPROVED:
        db.execute(
            "UPDATE comments SET status = ?, updated_at = ?, decided_by = ?, decided_at = ?"
            " WHERE id = ?",
            (
                Status.APPROVED.value, iso(now), published.approved_by,
                iso(aware(published.approved_at)), row["id"],
            ),
        )  # fmt: skip
        write_audit(
            db, row["id"], now, ACTOR, "registered", Status(row["status"]), Status.APPROVED,
            f"found published in {_relative(file)}",
        )  # fmt: skip
    db.execute(
        "UPDATE comments SET published_stamp = ?, article = ? WHERE id = ?",
        (file.stamp, file.article, row["id"]),
    )


def _register(
    db: sqlite3.Connection, published: PublishedComment, file: PublishedFile, now: datetime
) -> None:
    """A published comment the database did not know: approved, without e-mail or client data."""
    source = f"registered from {_relative(file)}"
    db.execute(
        """
        INSERT INTO comments (id, article, reply_to, name, blog_url, body, status, token,
            created_at, updated_at, review, fingerprint, decided_by, decided_at,
            decision_reason, feed, uid, published_stamp)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            published.id, published.article, published.reply_to, published.author,
            published.url, published.body, Status.APPROVED.value, secrets.token_urlsafe(24),
            iso(aware(published.date)), iso(now), dump_review(_review(published)),
            fingerprint(published.body), published.approved_by,
            iso(aware(published.approved_at)), source, published.feed,
            published.uid or secrets.token_hex(16), file.stamp,
        ),
    )  # fmt: skip
    write_audit(db, published.id, now, ACTOR, "registered", None, Status.APPROVED, source)


def _unwritten(
    db: sqlite3.Connection, present: set[tuple[str, int]], moved: set[int]
) -> list[Comment]:
    """Approved comments with no file (a crash between commit and write, a move), and the
    approved replies of moved comments, whose file names the parent's old id."""
    rows = db.cursor()
    rows.row_factory = None
    approved = rows.execute(
        "SELECT id, article, reply_to FROM comments WHERE status = ? ORDER BY id",
        (Status.APPROVED.value,),
    )
    return [
        comment_from_row(existing(db, "id", comment_id))
        for comment_id, article, reply_to in approved.fetchall()
        if reply_to in moved or (article, comment_id) not in present
    ]


def _as_published(row: sqlite3.Row) -> PublishedComment:
    """The row's comment as its file would show it, for comparing identities."""
    return PublishedComment(
        id=row["id"],
        article=row["article"],
        author=row["name"],
        url=row["blog_url"],
        date=parse_time(row["created_at"]),
        body=row["body"],
        approved_by=row["decided_by"],
        approved_at=parse_time(row["decided_at"] or row["updated_at"]),
        uid=row["uid"],
    )


def _review(published: PublishedComment) -> Review:
    """The checks' outcomes as the file recorded them (`check=verdict[:code]`), with what its
    headers keep of a Webmention's source and a verified author, so a rewrite keeps them."""
    results = []
    for entry in published.checks:
        check, _, rest = entry.partition("=")
        verdict, _, code = rest.partition(":")
        if verdict not in {member.value for member in Verdict}:
            continue
        if check == "webmention" and published.source and published.kind in KINDS:
            results.append(mention_result(published.kind, published.source))
        elif code == "ownership.verified" and published.author_verified:
            outcome = verified(published.author_verified, "comment file")
            results.append(CheckResult(check, outcome))
        else:
            results.append(CheckResult(check, Outcome(Verdict(verdict), code)))
    return Review(tuple(results))


def _relative(file: PublishedFile) -> str:
    """`comments/<article>/<id>.md`: where the file lies, for audit rows and messages."""
    return "/".join(file.path.parts[-3:])


class SQLiteReconcile(SQLiteDatabase):
    """The store's side of content/comments: learning the files, moving a comment's id."""

    def reconcile(self, comments_dir: Path, *, restored: bool = False) -> Reconciliation:
        with self._write() as db:
            return reconcile(db, comments_dir, self._clock(), restored=restored)

    def move(self, comment_id: int, reason: str, actor: str, above: int = 0) -> Comment:
        with self._write() as db:
            moved = move(db, comment_id, self._clock(), reason, actor, above=above)
            return comment_from_row(existing(db, "id", moved))
