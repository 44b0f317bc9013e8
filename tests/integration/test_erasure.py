"""`erase-email`: a commenter's comments, their personal data in the rows, and the outbox's
messages to them or about them are erased; other people's stay."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from clock import Clock
from servers import Project

from moderation.jobs.model import Job
from moderation.model import PASSED, Action, CheckResult, Review, Status, Submission
from moderation.notify import email_job
from moderation.service import CommentService
from moderation.settings import Settings
from moderation.store import SQLiteStore
from moderation.wiring import build_service

MODERATE = str(Path(sys.executable).with_name("moderate"))
ADA = "ada@adalovelace.net"
PASSING = Review((CheckResult("name", PASSED),))


def submission(**fields: str) -> Submission:
    values = {
        "article": "coffee-meal-beer-rule",
        "name": "Ada Lovelace",
        "blog_url": "https://adalovelace.net/",
        "body": "The coffee rule works for me; I met two people this way.",
        "email": ADA,
        "ip": "203.0.113.9",
    }
    return Submission(**{**values, **fields})  # type: ignore[arg-type]


def approved(store: SQLiteStore, **fields: str) -> int:
    comment = store.add(submission(**fields), PASSING)
    return store.decide(comment.id, Action.APPROVE, "robin").id


def test_unpublishing_erasure_blanks_the_row_and_keeps_its_id(store: SQLiteStore) -> None:
    comment_id = approved(store)
    before = store.get(comment_id)
    [erased] = store.erase_email(ADA.upper(), unpublish=True)
    assert (erased.id, erased.status, erased.name) == (comment_id, Status.APPROVED, "Ada Lovelace")
    after = store.get(comment_id)
    assert (after.status, after.name, after.blog_url, after.body, after.email, after.ip) == (
        Status.REJECTED,
        "",
        "",
        "",
        "",
        "",
    )
    assert after.uid == before.uid
    assert store.audit_log(comment_id=comment_id)[0].action == "email-erased"
    assert store.export_email(ADA) == []


def test_erasure_that_keeps_published_comments_keeps_their_text(store: SQLiteStore) -> None:
    comment_id = approved(store)
    store.erase_email(ADA)
    kept = store.get(comment_id)
    assert (kept.status, kept.name, kept.email) == (Status.APPROVED, "Ada Lovelace", "")


def test_erasure_deletes_the_messages_to_the_address_and_about_its_comments(
    store: SQLiteStore,
) -> None:
    mine = approved(store)
    other = approved(store, email="grace@hopper.example", name="Grace Hopper")
    store.enqueue(
        [
            email_job(ADA, "Published", "Hello Ada", "to Ada", comment_id=mine),
            email_job("robin@blog.example", "New", "Ada wrote", "to robin", comment_id=mine),
            email_job("robin@blog.example", "New", "Grace wrote", "to robin", comment_id=other),
            Job("deploy", {"summary": "deploy the site"}),
        ]
    )
    store.erase_email(ADA, unpublish=True)
    left = sorted((job.kind, job.payload.get("comment_id")) for job in store.jobs())
    assert left == [("deploy", None), ("email", other)]


@pytest.mark.slow
def test_moderate_erase_email_unpublishes_and_erases_the_rows(project: Project) -> None:
    settings = Settings.load(project.settings_file, environ={})
    service: CommentService = build_service(settings, project.settings_file, rebuild=False)
    comment = service.store.add(submission(), PASSING)
    published = service.decide(comment.id, Action.APPROVE, "robin")  # writes its file
    file = project.comments / published.article / f"{published.id}.md"
    assert file.exists()
    service.store.close()
    result = subprocess.run(
        [MODERATE, "--settings", str(project.settings_file), "erase-email", "--yes", ADA],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not file.exists()
    reopened = SQLiteStore(project.database, clock=Clock())
    try:
        row = reopened.get(published.id)
        assert (row.status, row.name, row.body) == (Status.REJECTED, "", "")
    finally:
        reopened.close()
