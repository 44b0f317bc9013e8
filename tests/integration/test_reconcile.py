"""The queue database learns the published comment files: real SQLite, real files."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from commentfiles import BASE

from moderation import commentfile
from moderation.commentfile import PublishedComment
from moderation.model import PASSED, Action, CheckResult, Review, Status, Submission
from moderation.notify import email_job
from moderation.publish import Publisher, published_comment
from moderation.store import SQLiteStore

PASSING = Review((CheckResult("name", PASSED),))


def published(comment_id: int, **change: object) -> PublishedComment:
    return replace(BASE, **{"id": comment_id, "uid": f"{comment_id:032x}", **change})


def write(comments: Path, *files: PublishedComment) -> dict[Path, bytes]:
    return {(path := commentfile.write(comments, f)): path.read_bytes() for f in files}


def pull(comments: Path, comment: PublishedComment) -> dict[Path, bytes]:
    """Another machine's file arrives as git writes it: over whatever was there."""
    path = commentfile.path_for(comments, comment)
    path.write_text(commentfile.dumps(comment), encoding="utf-8")
    return {path: path.read_bytes()}


def submit(store: SQLiteStore, body: str = "A new comment.", **change: object):
    submission = Submission("a", "Ann Lee", "https://ann.example/", body, email="ann@ann.example")
    return store.add(replace(submission, **change), PASSING)


def approve(store: SQLiteStore, publisher: Publisher, comment_id: int):
    return publisher.publish(store.decide(comment_id, Action.APPROVE, "robin"))


@pytest.fixture
def comments(tmp_path: Path) -> Path:
    return tmp_path / "content" / "comments"


@pytest.fixture
def publisher(comments: Path, store: SQLiteStore) -> Publisher:
    return Publisher(comments, None, store=store)


def test_a_new_database_registers_published_comments_under_their_ids(store, comments) -> None:
    write(comments, published(1), published(2, reply_to=1, author="Bo Chen"), published(7))
    report = store.reconcile(comments)
    assert (report.was_empty, report.registered, report.moved) == (True, [1, 2, 7], [])
    second = store.get(2)
    assert (second.status, second.name, second.reply_to, second.email, second.ip) == (
        Status.APPROVED, "Bo Chen", 1, "", "",
    )  # fmt: skip
    assert (second.decided_by, second.uid) == ("robin", f"{2:032x}")
    assert [(e.actor, e.action, e.reason) for e in store.audit_log(comment_id=2)] == [
        ("reconcile", "registered", "registered from comments/a/2.md")
    ]
    assert "moderate set-password" in report.notices("var/comments.sqlite3")[0]


def test_new_ids_come_after_every_published_file_even_unreadable(store, comments) -> None:
    write(comments, published(3))
    (comments / "a" / "40.md").write_text("<<<<<<< conflict\n", encoding="utf-8")
    report = store.reconcile(comments)
    assert report.registered == [3] and "40.md" in report.problems[0]
    assert submit(store).id == 41


def test_replies_to_registered_comments_are_accepted(store, comments) -> None:
    write(comments, published(6))
    store.reconcile(comments)
    assert submit(store, reply_to=6).reply_to == 6


def test_a_different_comment_under_a_published_id_moves_with_its_history(store, comments) -> None:
    # A restored backup: #1 and #2 were pending in it; the files hold other comments as #1.
    pending, reply = submit(store), submit(store, body="A reply.")
    reply = store.decide(reply.id, Action.REJECT, "robin", "off topic")
    files = write(comments, published(1, body="The published one."))
    report = store.reconcile(comments)
    assert report.moved == [(1, 3)]
    assert report.notices("db") == [
        "registered 1 published comment(s) from files: #1",
        "comment #1 now has the id #3: comments/a/1.md holds another comment under #1",
    ]
    moved = store.get(3)
    assert (moved.uid, moved.body, moved.status) == (pending.uid, pending.body, Status.PENDING)
    assert [e.action for e in store.audit_log(comment_id=3)] == ["moved", "submitted"]
    assert store.get(1).body == "The published one."
    assert list(files.values()) == [p.read_bytes() for p in files]


def test_replies_follow_a_moved_comment_and_their_files_are_rewritten(
    store, comments, publisher
) -> None:
    parent = approve(store, publisher, submit(store).id)
    child = approve(store, publisher, submit(store, body="Me too.", reply_to=parent.id).id)
    # Another machine's comment #1 arrives with a git pull, over this machine's file.
    theirs = pull(comments, published(1, body="Theirs."))
    report = store.reconcile(comments)
    assert report.moved == [(1, 3)]
    assert store.get(child.id).reply_to == 3
    assert {c.id for c in report.to_write} == {3, child.id}
    for comment in report.to_write:
        publisher.write(comment)
    assert commentfile.read(comments / "a" / "3.md").uid == parent.uid
    assert commentfile.read(comments / "a" / f"{child.id}.md").reply_to == 3
    assert list(theirs.values()) == [p.read_bytes() for p in theirs]


def test_the_same_comment_pending_in_a_backup_becomes_approved(store, comments) -> None:
    comment = submit(store)
    files = write(comments, published_comment(replace(store.get(comment.id), decided_by="robin")))
    report = store.reconcile(comments)
    assert (report.registered, report.moved) == ([], [])
    confirmed = store.get(comment.id)
    assert (confirmed.status, confirmed.decided_by) == (Status.APPROVED, "robin")
    assert list(files.values()) == [p.read_bytes() for p in files]


def test_a_comment_published_under_another_id_takes_that_id(store, comments) -> None:
    # The backup knew the comment as #1; since then it was moved and published as #5.
    comment = submit(store)
    write(comments, replace(published_comment(comment), id=5, approved_by="robin"))
    report = store.reconcile(comments)
    assert report.moved == [(1, 5)] and store.get(5).uid == comment.uid
    assert report.notices("db") == [
        "comment #1 now has the id #5: it is published as comments/a/5.md"
    ]


def test_an_approved_comment_without_its_file_is_listed_for_writing(
    store, comments, publisher
) -> None:
    comment = store.decide(submit(store).id, Action.APPROVE, "robin")  # died before the write
    assert [c.id for c in store.reconcile(comments).to_write] == [comment.id]
    publisher.write(comment)
    assert store.reconcile(comments).to_write == []


def test_an_unchanged_known_file_is_not_read_again(store, comments) -> None:
    (path,) = write(comments, published(1))
    store.reconcile(comments)
    # Same inode, size and time, other bytes: only a read would notice.
    info = path.stat()
    with path.open("r+b") as handle:
        handle.write(b"X" * info.st_size)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert store.reconcile(comments).problems == []
    path.touch()
    assert "no blank line" in store.reconcile(comments).problems[0]


def test_two_machines_approving_for_one_repository_keep_both(tmp_path: Path, clock) -> None:
    """Machines A and B each approve a different comment as #43 on the same article."""
    shared = tmp_path / "content" / "comments"
    a = SQLiteStore(tmp_path / "a.sqlite3", clock=clock)
    b = SQLiteStore(tmp_path / "b.sqlite3", clock=clock)
    try:
        for store in (a, b):
            store.reconcile(shared)
            store.move(submit(store).id, "start both at #43", "test", above=42)
        ours = approve(a, Publisher(shared, None, store=a), 43)
        kept = {p: p.read_bytes() for p in shared.rglob("*.md")}
        # B approves its own #43 into the same folder: the write is refused, B's comment moves.
        theirs = approve(b, Publisher(shared, None, store=b), 43)
        assert theirs.id == 44
        assert {p: p.read_bytes() for p in kept} == kept
        assert b.audit_log(comment_id=44)[0].reason.startswith("was #43: comments/a/43.md")
        assert commentfile.read(shared / "a" / "44.md").uid == theirs.uid
        # A learns B's comment from the shared folder, under B's id.
        assert a.reconcile(shared).registered == [44]
        assert (a.get(43).uid, a.get(44).uid) == (ours.uid, theirs.uid)
    finally:
        a.close()
        b.close()


def test_a_pull_over_this_machines_file_moves_its_comment(tmp_path: Path, clock) -> None:
    """B published #43; a git pull replaces B's file with A's #43: B keeps both."""
    repo_a, repo_b = tmp_path / "a" / "comments", tmp_path / "b" / "comments"
    a = SQLiteStore(tmp_path / "a.sqlite3", clock=clock)
    b = SQLiteStore(tmp_path / "b.sqlite3", clock=clock)
    try:
        ours = approve(a, Publisher(repo_a, None, store=a), submit(a).id)
        theirs = approve(b, Publisher(repo_b, None, store=b), submit(b, body="B's words.").id)
        assert ours.id == theirs.id == 1
        shutil.copy2(repo_a / "a" / "1.md", repo_b / "a" / "1.md")  # the pull
        report = b.reconcile(repo_b)
        assert report.moved == [(1, 2)] and report.registered == [1]
        for comment in report.to_write:
            Publisher(repo_b, None, store=b).write(comment)
        assert (repo_b / "a" / "1.md").read_bytes() == (repo_a / "a" / "1.md").read_bytes()
        assert commentfile.read(repo_b / "a" / "2.md").body == "B's words."
        assert (b.get(1).uid, b.get(2).uid) == (ours.uid, theirs.uid)
    finally:
        a.close()
        b.close()


def test_one_id_in_two_article_folders_keeps_the_known_one_and_reports_the_other(
    store, comments
) -> None:
    write(comments, published(4, article="b"))
    store.reconcile(comments)
    other = write(comments, published(4, article="a", uid="e" * 32))
    report = store.reconcile(comments)
    assert store.get(4).article == "b" and report.registered == []
    assert "a/4.md: comment id 4 is also used by" in report.problems[0]
    assert list(other.values()) == [p.read_bytes() for p in other]


def test_two_files_with_one_uid_register_only_the_first(store, comments) -> None:
    write(comments, published(1), replace(published(1), id=2))
    report = store.reconcile(comments)
    assert report.registered == [1] and "same Uid as" in report.problems[0]
    assert submit(store).id == 3


def test_a_comment_file_moved_to_another_article_moves_the_comment(store, comments) -> None:
    (path,) = write(comments, published(8, article="a"))
    store.reconcile(comments)
    moved = replace(published(8), article="b")
    commentfile.write(comments, moved)
    path.unlink()
    report = store.reconcile(comments)
    assert (report.registered, report.to_write) == ([], [])
    assert store.get(8).article == "b"


@pytest.mark.parametrize("uid", ["", "d" * 32], ids=["file-without-uid", "file-with-uid"])
def test_a_moderator_can_unpublish_a_registered_comment(
    store, comments, publisher, uid: str
) -> None:
    (path,) = write(comments, replace(published(9), uid=uid))
    store.reconcile(comments)
    assert publisher.unpublish(store.decide(9, Action.UNPUBLISH, "robin", "asked to"))
    assert not path.exists()


def test_jobs_about_a_moved_comment_follow_it(store, comments) -> None:
    pending = submit(store)
    store.enqueue([email_job("robin@example.org", "New comment", "Text", "about it", comment_id=1)])
    write(comments, published(1, body="The published one."))
    assert store.reconcile(comments).moved == [(1, pending.id + 1)]
    (job,) = store.jobs()
    assert job.payload["comment_id"] == pending.id + 1


def test_after_a_restore_an_approved_comment_without_a_file_is_unpublished(
    store, comments, publisher
) -> None:
    kept, dropped = (approve(store, publisher, submit(store, body=b).id) for b in ("A.", "B."))
    commentfile.remove(comments, "a", dropped.id)  # unpublished after the backup was taken
    report = store.reconcile(comments, restored=True)
    assert report.to_write == [] and store.get(dropped.id).status is Status.REJECTED
    assert "marked unpublished" in report.notices("db")[0]
    assert store.get(kept.id).status is Status.APPROVED
    assert store.audit_log(comment_id=dropped.id)[0].action == "unpublish"
