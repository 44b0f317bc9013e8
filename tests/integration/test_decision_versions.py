"""A decision applies to the version of the comment the moderator read (issue 13, finding 1).

The review's bait-and-switch: a comment is held, the moderator loads it, the commenter sends
a correction with other words through the status-page token, and the moderator's Approve,
pressed on the page loaded before, must not publish words nobody read. Through the store,
the real web app over HTTP (one comment and bulk) and the real `moderate` command.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from xml.etree.ElementTree import Element

import httpx
import pytest
from sitecheck import Document, parse_html

from moderation.errors import StaleDecision
from moderation.model import (
    PASSED,
    Action,
    CheckResult,
    Outcome,
    Review,
    Status,
    Submission,
    Verdict,
)
from moderation.passwords import hash_password
from moderation.store import SQLiteStore
from moderation.store.migrations import (
    MIGRATIONS,
    add_comment_versions,
    add_revisions_and_audit_index,
    migrate,
)

MODERATE = str(Path(sys.executable).with_name("moderate"))
PASSWORD = "correct horse battery staple"
ARTICLE = "coffee-meal-beer-rule"
# Held for a judgment call (a generic name), not a hard rule: a moderator may approve it.
HELD = {
    "article": ARTICLE,
    "name": "admin",
    "url": "https://adalovelace.net/",
    "email": "ada@adalovelace.net",
    "body": "I tried the coffee rule at a meetup last week; the follow-ups felt natural.",
}
SWITCHED = "I changed my mind: cold messages to strangers work better than any coffee meeting."
PASSING = Review((CheckResult("name", PASSED),))
HOLDING = Review((CheckResult("name", Outcome(Verdict.HOLD, "name.generic", "Your name.")),))


def submission(body: str = HELD["body"]) -> Submission:
    return Submission(ARTICLE, HELD["name"], HELD["url"], body, email=HELD["email"])


# The store


def test_a_correction_makes_a_new_version_and_a_decision_does_not(store: SQLiteStore) -> None:
    held = store.add(submission(), HOLDING)
    assert held.version == 1
    corrected = store.resubmit(held.token, submission(SWITCHED), HOLDING)
    assert corrected.version == 2
    approved = store.decide(held.id, Action.APPROVE, "robin", expected_version=2)
    assert (approved.status, approved.version) == (Status.APPROVED, 2)
    assert [old.version for old in store.revisions(held.id)] == [1]


def test_a_decision_on_an_earlier_version_is_refused_and_changes_nothing(
    store: SQLiteStore,
) -> None:
    held = store.add(submission(), HOLDING)
    store.resubmit(held.token, submission(SWITCHED), PASSING)
    with pytest.raises(StaleDecision) as refused:
        store.decide(held.id, Action.APPROVE, "robin", expected_version=1)
    message = str(refused.value)
    assert f"comment {held.id}" in message and "changed since" in message
    assert "version 1" in message and "version 2" in message
    assert (refused.value.expected, refused.value.current) == (1, 2)
    assert store.get(held.id).status is Status.PENDING
    assert [e.action for e in store.audit_log(comment_id=held.id)] == ["resubmitted", "submitted"]


def test_a_recheck_makes_a_new_version_only_when_the_review_changed(store: SQLiteStore) -> None:
    held = store.add(submission(), HOLDING)
    assert store.recheck(held.id, HOLDING).version == 1
    assert store.recheck(held.id, PASSING).version == 2


def test_the_migration_counts_the_versions_already_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    # A database from before versions (and before later columns), with a corrected comment.
    before = MIGRATIONS[: MIGRATIONS.index(add_revisions_and_audit_index) + 1]
    assert MIGRATIONS.index(add_comment_versions) > len(before)
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        migrate(db, before)
        for body in ("first words", "second words", "third words"):
            db.execute(
                "INSERT INTO comments (article, name, body, status, token, created_at,"
                " updated_at, review, fingerprint) VALUES (?, 'Ada', ?, 'held', ?, ?, ?, '{}', '')",
                (ARTICLE, body, body, "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00"),
            )
        for replaced in ("older", "old"):
            db.execute(
                "INSERT INTO revisions (comment_id, replaced_at, name, blog_url, email, body,"
                " review, status) VALUES (2, '2025-01-01T00:00:00+00:00', 'Ada', '', '', ?,"
                " '{}', 'held')",
                (replaced,),
            )
    store = SQLiteStore(path)
    try:
        assert [store.get(i).version for i in (1, 2, 3)] == [1, 3, 1]
        assert [old.version for old in store.revisions(2)] == [1, 2]
    finally:
        store.close()


# The web page, over HTTP through the real app


def form_of(document: Document, form_id: str) -> tuple[str, dict[str, str]]:
    """A form's action and its hidden fields, as a browser sends them (also `form=` ones)."""
    form = next(f for f in document.iter("form") if f.get("id") == form_id)
    fields = [*form.iter("input"), *document.find_all("input", form=form_id)]
    hidden = {f.get("name"): f.get("value") or "" for f in fields if f.get("type") == "hidden"}
    return form.get("action"), hidden


def text(document: Document, element: Element | None = None) -> str:
    return document.text_of(document.root if element is None else element)


@pytest.fixture
def robin(live_server) -> httpx.Client:
    """A moderator's browser, logged in."""
    live_server.service.store.set_password("robin", hash_password(PASSWORD))
    client = httpx.Client(base_url=live_server.url, timeout=10)
    page = parse_html(client.get("/moderate/login").text)
    _, fields = form_of(page, "login-form")
    data = {**fields, "username": "robin", "password": PASSWORD}
    assert client.post("/moderate/login", data=data).status_code == 303
    client.headers["Origin"] = live_server.url
    yield client
    client.close()


def send_held(live) -> tuple[int, str]:
    """A held comment sent through the intake: its id and its status-page API address."""
    response = httpx.post(f"{live.url}/api/comments", json=HELD, timeout=10)
    assert response.status_code == 202 and response.json()["status"] == "held", response.text
    token = response.json()["status_url"].rsplit("/", 1)[-1]
    return response.json()["id"], f"{live.url}/api/comments/{token}"


def correct(status_api: str, body: str) -> None:
    """The commenter's correction, through the status-page token."""
    response = httpx.post(status_api, json={**HELD, "body": body}, timeout=10)
    assert response.status_code == 202, response.text


def assert_nothing_published(live, comment_id: int) -> None:
    comment = live.service.store.get(comment_id)
    assert comment.status is not Status.APPROVED
    assert "approve" not in [e.action for e in live.service.store.audit_log(comment_id=comment_id)]
    assert not (live.project.comments / ARTICLE / f"{comment_id}.md").exists()


@pytest.mark.slow
def test_approve_pressed_on_a_page_loaded_before_a_correction_is_refused(
    live_server, robin
) -> None:
    comment_id, status_api = send_held(live_server)
    queue = parse_html(robin.get("/moderate").text)
    url, hidden = form_of(queue, f"actions-{comment_id}")
    correct(status_api, SWITCHED)

    response = robin.post(url, data={**hidden, "action": "approve"})

    assert response.status_code == 303
    assert response.headers["location"] == f"/moderate/comments/{comment_id}"
    assert_nothing_published(live_server, comment_id)
    shown = parse_html(robin.get(response.headers["location"]).text)
    flash = text(shown, shown.find_all("p", id="flash")[0])
    assert "changed since you loaded" in flash and "version 1" in flash and "version 2" in flash
    body = shown.find_all("div", **{"class": "comment-body"})
    assert SWITCHED in text(shown, body[0]) and HELD["body"] in text(shown, body[1])
    # The page now carries the new version: approving from it publishes what was read.
    url, hidden = form_of(shown, f"actions-{comment_id}")
    assert hidden["version"] == "2"
    assert robin.post(url, data={**hidden, "action": "approve"}).status_code == 303
    assert live_server.service.store.get(comment_id).status is Status.APPROVED


@pytest.mark.slow
def test_bulk_approve_decides_the_unchanged_and_lists_the_corrected(live_server, robin) -> None:
    corrected_id, status_api = send_held(live_server)
    unchanged_id, _ = send_held(live_server)
    queue = parse_html(robin.get("/moderate").text)
    url, hidden = form_of(queue, "bulk")
    correct(status_api, SWITCHED)

    data = {**hidden, "action": "approve", "ids": [str(corrected_id), str(unchanged_id)]}
    response = robin.post(url, data=data)

    after = parse_html(robin.get(response.headers["location"]).text)
    flash = after.find_all("p", id="flash")[0]
    assert "flash--error" in flash.get("class")
    assert f"#{unchanged_id}" in text(after, flash)
    assert f"Not decided: comment {corrected_id} changed since" in text(after, flash)
    assert live_server.service.store.get(unchanged_id).status is Status.APPROVED
    assert_nothing_published(live_server, corrected_id)
    assert SWITCHED in text(after)  # the queue it returns to shows the new words


@pytest.mark.slow
def test_a_decision_that_names_no_version_is_refused(live_server, robin) -> None:
    comment_id, _ = send_held(live_server)
    page = parse_html(robin.get(f"/moderate/comments/{comment_id}").text)
    url, hidden = form_of(page, f"actions-{comment_id}")
    del hidden["version"]
    response = robin.post(url, data={**hidden, "action": "approve"})
    after = parse_html(robin.get(response.headers["location"]).text)
    flash = after.find_all("p", id="flash")[0]
    assert "flash--error" in flash.get("class") and "version" in text(after, flash)
    assert_nothing_published(live_server, comment_id)


# The `moderate` command


def moderate(project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MODERATE, "--settings", str(project.settings_file), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_cli_approve_of_a_version_that_was_corrected_is_refused(project, live_server) -> None:
    comment_id, status_api = send_held(live_server)
    shown = moderate(project, "show", str(comment_id))
    assert "version 1" in shown.stdout
    correct(status_api, SWITCHED)

    refused = moderate(project, "approve", str(comment_id), "--version", "1")

    assert refused.returncode == 3, refused.stderr
    assert "changed since" in refused.stderr and "version 2" in refused.stderr
    assert_nothing_published(live_server, comment_id)
    assert json.loads(moderate(project, "show", str(comment_id), "--json").stdout)["version"] == 2
    approved = moderate(project, "approve", str(comment_id), "--version", "2", "--json")
    assert approved.returncode == 0, approved.stderr
    printed = json.loads(approved.stdout)
    assert (printed["id"], printed["status"], printed["version"]) == (comment_id, "approved", 2)


@pytest.mark.slow
def test_cli_approve_prints_the_version_it_published(project, live_server) -> None:
    comment_id, _ = send_held(live_server)
    result = moderate(project, "approve", str(comment_id))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"#{comment_id}: approved (version 1)"]


def test_cli_version_names_one_comment(project) -> None:
    result = moderate(project, "approve", "1", "2", "--version", "1")
    assert result.returncode == 2 and "one comment" in result.stderr
