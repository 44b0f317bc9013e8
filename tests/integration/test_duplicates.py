"""The same text sent twice is a duplicate, on this article or on another (spam rings post one
comment everywhere); short common replies ("Thanks!") count on the same article only.

Real SQLite files and the real intake over loopback HTTP."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from commentfiles import BASE

from moderation import commentfile
from moderation.model import (
    PASSED,
    CheckResult,
    Copy,
    Outcome,
    Review,
    Submission,
    Verdict,
    fingerprint,
)
from moderation.store import SQLiteStore, open_store
from moderation.store.migrations import MIGRATIONS, fingerprint_the_text_only, migrate

PASSING = Review((CheckResult("name", PASSED),))
HOLDING = Review((CheckResult("name", Outcome(Verdict.HOLD, "name.generic", "Sign.", "")),))
LONG = "Following first and connecting later is what finally worked for me, twice."
SHORT = "Thanks, great post!"


def submission(article: str = "coffee-rule", body: str = LONG, **fields: object) -> Submission:
    return Submission(article, "Ada Lovelace", "https://ada.example/", body, **fields)


# In the store


def test_the_same_text_on_another_article_is_a_copy_elsewhere(store: SQLiteStore) -> None:
    store.add(submission("coffee-rule"), PASSING)
    assert store.seen_before(submission("cold-emails")) is Copy.OTHER_ARTICLE


def test_the_same_text_on_the_same_article_is_a_copy_here(store: SQLiteStore) -> None:
    store.add(submission("cold-emails"), PASSING)
    store.add(submission("coffee-rule"), PASSING)
    assert store.seen_before(submission("coffee-rule")) is Copy.THIS_ARTICLE


@pytest.mark.parametrize("body", [SHORT, "Great post.", "+1", "x" * 39], ids=repr)
def test_a_short_common_reply_counts_on_the_same_article_only(
    store: SQLiteStore, body: str
) -> None:
    store.add(submission("coffee-rule", body), PASSING)
    assert store.seen_before(submission("cold-emails", body)) is None
    assert store.seen_before(submission("coffee-rule", body)) is Copy.THIS_ARTICLE


def test_a_forty_character_text_counts_across_articles(store: SQLiteStore) -> None:
    body = "Forty characters make a comment, indeed."
    assert len(body) == 40
    store.add(submission("coffee-rule", body), PASSING)
    assert store.seen_before(submission("cold-emails", body)) is Copy.OTHER_ARTICLE


def test_a_correction_is_compared_by_its_new_text(store: SQLiteStore) -> None:
    held = store.add(submission("coffee-rule", "A first draft of the comment."), HOLDING)
    store.resubmit(held.token, submission("coffee-rule", LONG), PASSING)
    assert store.seen_before(submission("cold-emails")) is Copy.OTHER_ARTICLE


def test_a_registered_published_comment_is_compared_by_its_text(
    store: SQLiteStore, tmp_path: Path
) -> None:
    comments = tmp_path / "content" / "comments"
    now = datetime.now(UTC)
    commentfile.write(comments, BASE.__class__(**{**BASE.__dict__, "body": LONG, "date": now}))
    store.reconcile(comments)
    later = submission("cold-emails", submitted_at=datetime.now(UTC))
    assert store.seen_before(later) is Copy.OTHER_ARTICLE


def test_the_migration_recomputes_stored_fingerprints_from_the_text(tmp_path: Path) -> None:
    path = tmp_path / "comments.sqlite3"
    before = MIGRATIONS[: MIGRATIONS.index(fingerprint_the_text_only)]
    written = datetime.now(UTC).isoformat(timespec="microseconds")
    words = " ".join(LONG.casefold().split())
    by_article = hashlib.blake2b(f"coffee-rule\0{words}".encode(), digest_size=16).hexdigest()
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        migrate(db, before)
        db.execute(
            "INSERT INTO comments (article, name, blog_url, body, status, token, created_at,"
            " updated_at, review, fingerprint) VALUES ('coffee-rule', 'Ada Lovelace',"
            " 'https://ada.example/', ?, 'pending', 'old-token', ?, ?, ?, ?)",
            (LONG, written, written, json.dumps(PASSING.as_dict()), by_article),
        )
    with closing(open_store(f"sqlite:///{path}")) as store:
        assert store.seen_before(submission("cold-emails")) is Copy.OTHER_ARTICLE
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT fingerprint FROM comments").fetchone()[0] == fingerprint(LONG)


# Through the intake

ARTICLE = "coffee-meal-beer-rule"
OTHER_ARTICLE = "following-versus-connecting"
GOOD = {"name": "Ada Lovelace", "url": "https://adalovelace.net/", "email": "", "reply_to": ""}


def post(live, article: str, body: str) -> dict[str, object]:
    fields = {**GOOD, "article": article, "body": body}
    response = httpx.post(f"{live.url}/api/comments", json=fields, timeout=10)
    assert response.status_code == 202, response.text
    return response.json()


@pytest.mark.slow
def test_one_comment_posted_on_two_articles_holds_the_second(live_server) -> None:
    assert post(live_server, ARTICLE, LONG)["status"] == "pending"
    second = post(live_server, OTHER_ARTICLE, LONG.upper())
    assert second["status"] == "held"
    assert second["reasons"] == [
        next(r for r in second["reasons"] if "another article" in r)
    ]  # only the duplicate reason, saying where the copy was
    codes = [r.outcome.code for r in live_server.service.store.get(second["id"]).review.failures]
    assert codes == ["spam.cross-posted"]


@pytest.mark.slow
def test_the_same_comment_twice_on_one_article_says_so(live_server) -> None:
    post(live_server, ARTICLE, SHORT)
    again = post(live_server, ARTICLE, SHORT)
    assert again["status"] == "held"
    assert any("this article" in reason for reason in again["reasons"])


@pytest.mark.slow
def test_a_short_thank_you_on_two_articles_is_not_held(live_server) -> None:
    assert post(live_server, ARTICLE, SHORT)["status"] == "pending"
    assert post(live_server, OTHER_ARTICLE, SHORT)["status"] == "pending"
