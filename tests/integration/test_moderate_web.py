"""The moderators' web page over real HTTP on loopback: login, CSRF, the queue, decisions."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from xml.etree.ElementTree import Element

import httpx
import pytest
from servers import serving
from sitecheck import Document, parse_html

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
from moderation.passwords import hash_password, verify_password
from moderation.web.app import create_app
from moderation.web.presets import PRESETS

MODERATE = str(Path(sys.executable).with_name("moderate"))
PASSWORD = "correct horse battery staple"
ARTICLE = "coffee-meal-beer-rule"
OTHER_ARTICLE = "following-versus-connecting"
COMMENT = {
    "article": ARTICLE,
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "email": "ada@adalovelace.net",
    "body": "I tried the coffee rule at a meetup last week; the follow-ups felt natural.",
}
HOSTILE = {
    **COMMENT,
    "url": "javascript:alert(2)",
    "body": "See <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(3)>",
}
PASSING = Review((CheckResult("name", PASSED),))
HOLDING = Review(
    (
        CheckResult(
            "link",
            Outcome(Verdict.HOLD, "link.shortener", "Add your blog's full address.", "host bit.ly"),
        ),
    )
)
SPAMMY = Review((CheckResult("honeypot", Outcome(Verdict.SPAM, "spam.honeypot", "Bot.")),))


def add(live, review: Review = PASSING, **change: str) -> int:
    """A comment with a known review, straight into the store: the queue's tests need no policy."""
    submission = Submission(
        article=ARTICLE,
        name=COMMENT["name"],
        blog_url=COMMENT["url"],
        body=COMMENT["body"],
        email=COMMENT["email"],
    )
    return live.service.store.add(replace(submission, **change), review).id


def submit(live, **change: str) -> int:
    """A comment sent the way readers send them: through the intake."""
    response = httpx.post(f"{live.url}/api/comments", json={**COMMENT, **change}, timeout=10)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def form_of(document: Document, form_id: str) -> tuple[str, dict[str, str]]:
    """A form's action and its hidden fields, as a browser would send them (`form=` ones too)."""
    form = next(f for f in document.iter("form") if f.get("id") == form_id)
    hidden = {
        field.get("name"): field.get("value") or ""
        for field in [*form.iter("input"), *document.find_all("input", form=form_id)]
        if field.get("type") == "hidden"
    }
    return form.get("action"), hidden


def login(
    client: httpx.Client,
    username: str = "robin",
    password: str = PASSWORD,
    headers: dict[str, str] | None = None,
    **extra: str,
) -> httpx.Response:
    """Fill in and send the login form (it carries its own CSRF token)."""
    page = client.get("/moderate/login", headers=headers)
    _, fields = form_of(parse_html(page.text), "login-form")
    data = {**fields, "username": username, "password": password, **extra}
    return client.post("/moderate/login", data=data, headers=headers)


def decide(client: httpx.Client, comment_id: int, action: str, **fields: str) -> httpx.Response:
    """Press one of a comment's buttons on its own page, as a browser does (with Origin)."""
    page = parse_html(client.get(f"/moderate/comments/{comment_id}").text)
    url, hidden = form_of(page, f"actions-{comment_id}")
    return client.post(
        url, data={**hidden, "action": action, **fields}, headers={"Origin": str(client.base_url)}
    )


def card(document: Document, comment_id: int) -> Element:
    return next(e for e in document.iter("article") if e.get("id") == f"comment-{comment_id}")


def text(document: Document) -> str:
    return document.text_of(document.root)


def follow(client: httpx.Client, response: httpx.Response) -> Document:
    assert response.status_code == 303, response.text
    return parse_html(client.get(response.headers["location"]).text)


@pytest.fixture
def client(live_server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=10) as anonymous:
        yield anonymous


@pytest.fixture
def robin(live_server, client: httpx.Client) -> httpx.Client:
    """A client logged in as the moderator robin."""
    live_server.service.store.set_password("robin", hash_password(PASSWORD))
    assert login(client).status_code == 303
    return client


# Access


@pytest.mark.parametrize(
    "path",
    ["/moderate", "/moderate?status=spam", "/moderate/audit", "/moderate/comments/1"],
    ids=["queue", "filtered-queue", "audit", "comment"],
)
def test_pages_redirect_to_login_without_a_session(client, path) -> None:
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/moderate/login?next=%2Fmoderate")


@pytest.mark.parametrize(
    "path",
    ["/moderate/comments/1/decide", "/moderate/bulk", "/moderate/logout"],
    ids=["decide", "bulk", "logout"],
)
def test_posts_are_forbidden_without_a_session(live_server, client, path) -> None:
    comment = add(live_server)
    response = client.post(path, data={"action": "approve", "ids": str(comment), "csrf": "x"})
    assert response.status_code == 403
    assert live_server.service.store.get(comment).status is Status.PENDING


@pytest.mark.parametrize(
    ("username", "password"),
    [("robin", "wrong password, long enough"), ("nobody", PASSWORD)],
    ids=["wrong-password", "unknown-user"],
)
def test_failed_login_gives_one_generic_message(live_server, client, username, password) -> None:
    live_server.service.store.set_password("robin", hash_password(PASSWORD))
    response = login(client, username, password)
    assert response.status_code == 401
    page = parse_html(response.text)
    assert page.text_of(page.find_all("p", id="login-error")[0]) == "Wrong username or password."
    assert "moderate_session" not in client.cookies
    assert client.get("/moderate").status_code == 303


def test_every_login_attempt_is_logged_without_its_password(live_server, client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="moderation.web.logins")
    live_server.service.store.set_password("robin", hash_password(PASSWORD))
    for _ in range(2):  # the same failure twice: both are logged (Pelican's loggers dedupe)
        assert login(client, "robin", "wrong password, long enough").status_code == 401
    assert login(client).status_code == 303
    messages = [r.getMessage() for r in caplog.records if r.name == "moderation.web.logins"]
    assert messages == [
        "moderate: login failed for 'robin' from 127.0.0.1",
        "moderate: login failed for 'robin' from 127.0.0.1",
        "moderate: 'robin' logged in from 127.0.0.1",
    ]
    assert not any("wrong password" in m or PASSWORD in m for m in caplog.messages)


def test_password_set_with_the_cli_logs_in(live_server, client) -> None:
    result = _moderate(live_server.project, "set-password", "robin", "--password-stdin", PASSWORD)
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    response = login(client)
    assert (response.status_code, response.headers["location"]) == (303, "/moderate")
    assert client.get("/moderate").status_code == 200


def test_cli_refuses_a_short_password(live_server) -> None:
    result = _moderate(live_server.project, "set-password", "robin", "--password-stdin", "short")
    assert result.returncode == 1 and "at least 12" in result.stderr
    assert live_server.service.store.password_hash("robin") is None


def test_removing_a_moderator_ends_their_session(live_server, robin) -> None:
    assert robin.get("/moderate").status_code == 200
    assert _moderate(live_server.project, "remove-moderator", "robin").returncode == 0
    assert robin.get("/moderate").status_code == 303
    assert _moderate(live_server.project, "remove-moderator", "robin").returncode == 1


def test_new_password_ends_open_sessions(live_server, robin) -> None:
    assert robin.get("/moderate").status_code == 200
    result = _moderate(live_server.project, "set-password", "robin", "--password-stdin", "x" * 12)
    assert result.returncode == 0, result.stderr
    assert robin.get("/moderate").status_code == 303


def test_password_is_stored_only_as_a_verifiable_scrypt_hash(live_server, robin) -> None:
    with closing(sqlite3.connect(live_server.project.database)) as db:
        (stored,) = db.execute("SELECT password_hash FROM moderators").fetchone()
        session_ids = [row[0] for row in db.execute("SELECT id FROM sessions")]
    assert stored.startswith("scrypt$16384$8$1$") and PASSWORD not in stored
    assert verify_password(PASSWORD, stored) and not verify_password(PASSWORD + "!", stored)
    token = robin.cookies["moderate_session"]
    assert session_ids == [hashlib.sha256(token.encode()).hexdigest()]


@pytest.mark.parametrize("production", [False, True], ids=["local", "production"])
def test_session_cookie_flags(live_server, production) -> None:
    live_server.service.store.set_password("robin", hash_password(PASSWORD))
    app = create_app(live_server.service, live_server.settings, production=production)
    with serving(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        # A Secure cookie does not come back over plain http: send the login token by hand.
        _, fields = form_of(parse_html(client.get("/moderate/login").text), "login-form")
        response = client.post(
            "/moderate/login",
            data={**fields, "username": "robin", "password": PASSWORD},
            headers={"Cookie": f"moderate_login={fields['csrf']}"},
        )
    assert response.status_code == 303
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("moderate_session=")
    )
    attributes = {part.strip().split("=")[0].lower(): part for part in cookie.split(";")[1:]}
    assert "httponly" in attributes
    assert attributes["samesite"].strip().lower() == "samesite=strict"
    assert attributes["path"].strip() == "Path=/moderate"
    assert attributes["max-age"].strip() == "Max-Age=43200"
    assert ("secure" in attributes) is production


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/moderate/audit", "/moderate/audit"),
        ("https://evil.example/", "/moderate"),
        ("//evil.example/moderate", "/moderate"),
        ("/elsewhere", "/moderate"),
    ],
    ids=["own-page", "other-site", "scheme-relative", "outside-moderate"],
)
def test_login_returns_only_to_moderation_pages(live_server, client, target, landing) -> None:
    live_server.service.store.set_password("robin", hash_password(PASSWORD))
    assert login(client, next=target).headers["location"] == landing


def test_logout_ends_the_session_on_the_server(live_server, robin) -> None:
    replay = {"Cookie": f"moderate_session={robin.cookies['moderate_session']}"}
    assert httpx.get(f"{live_server.url}/moderate", headers=replay).status_code == 200
    _, fields = form_of(parse_html(robin.get("/moderate").text), "logout-form")
    after = follow(robin, robin.post("/moderate/logout", data=fields))
    assert "logged out" in after.text_of(after.find_all("p", id="flash")[0])
    assert robin.get("/moderate").status_code == 303
    # A copy of the old cookie is worth nothing now: the server forgot the session.
    assert httpx.get(f"{live_server.url}/moderate", headers=replay).status_code == 303


# The queue


def test_queue_shows_a_held_comment_with_its_reasons_and_a_safe_preview(live_server, robin) -> None:
    comment_id = submit(live_server, **HOSTILE)
    stored = live_server.service.store.get(comment_id)
    # The link check holds it; whether the text models call it spam too is not this test's job.
    assert stored.status in (Status.HELD, Status.SPAM)
    page = parse_html(robin.get(f"/moderate?status={stored.status}").text)
    shown = card(page, comment_id)
    words = page.text_of(shown)
    for result in stored.review.failures:
        outcome = result.outcome
        assert all(part in words for part in (result.check, outcome.reason, outcome.detail))
        assert outcome.code in words and "held for review" in words
    assert "Ada Lovelace" in words and "ada@adalovelace.net" in words
    assert "<script>alert(1)</script>" in words  # shown as text, never run
    scripts = list(page.iter("script"))
    assert [s.get("src") for s in scripts] == ["/comments-assets/moderate.js"]
    assert not any((s.text or "").strip() for s in scripts)
    hrefs = [a.get("href", "") for a in page.iter("a")]
    assert not any(h.strip().lower().startswith("javascript:") for h in hrefs)
    assert not any(k.lower().startswith("on") for e in page.iter() for k in e.attrib)
    assert not list(shown.iter("img"))


def test_queue_lists_waiting_comments_newest_first_and_filters(live_server, robin) -> None:
    older = add(live_server)
    held = add(live_server, HOLDING)
    other = add(live_server, article=OTHER_ARTICLE)
    spam = add(live_server, SPAMMY)
    cards = lambda query: [  # noqa: E731
        int(e.get("data-comment-id"))
        for e in parse_html(robin.get(f"/moderate{query}").text).iter("article")
        if e.get("data-comment-id")
    ]
    assert cards("") == [other, held, older]
    assert cards(f"?article={ARTICLE}") == [held, older]
    assert cards("?status=spam") == [spam]
    assert cards("?status=all") == [spam, other, held, older]


def test_queue_is_paginated(live_server, robin) -> None:
    ids = [add(live_server, body=f"Comment number {n} on the rule.") for n in range(27)]
    first = parse_html(robin.get("/moderate").text)
    assert len(first.find_all("article", **{"data-status": "pending"})) == 25
    (older,) = first.find_all("a", id="page-next")
    second = parse_html(robin.get(older.get("href")).text)
    shown = [int(e.get("data-comment-id")) for e in second.find_all("article", tabindex="-1")]
    assert shown == ids[1::-1]


# Decisions


def test_approve_through_the_page_publishes_and_audits_the_moderator(live_server, robin) -> None:
    comment_id = add(live_server)
    after = follow(robin, decide(robin, comment_id, "approve"))
    assert "approved" in after.text_of(after.find_all("p", id="flash")[0])
    assert live_server.service.store.get(comment_id).status is Status.APPROVED
    entry = live_server.service.store.audit_log(comment_id=comment_id)[0]
    assert (entry.actor, entry.action, entry.to_status) == ("robin", "approve", Status.APPROVED)
    audit = parse_html(robin.get("/moderate/audit").text)
    first = audit.find_all("tr", **{"class": "audit-entry"})[0]
    assert "robin" in audit.text_of(first) and "approve" in audit.text_of(first)


def test_reject_with_a_preset_and_own_words(live_server, robin) -> None:
    comment_id = add(live_server, HOLDING)
    page = parse_html(robin.get(f"/moderate/comments/{comment_id}").text)
    select = next(s for s in page.iter("select") if s.get("id") == f"preset-{comment_id}")
    presets = [o.text for o in select.iter("option") if o.get("value") != ""]
    held_reason = live_server.service.store.get(comment_id).review.reasons[0]
    # Reasons for a moderator's decision, the one the failed link check suggests first; never
    # what the check told the commenter to fix.
    assert presets[0] == PRESETS["blog"] and held_reason not in presets
    assert PRESETS["off-topic"] in presets and PRESETS["attack"] in presets
    decide(robin, comment_id, "reject", preset=presets[0], reason="Then send it again.")
    rejected = live_server.service.store.get(comment_id)
    assert rejected.status is Status.REJECTED
    assert rejected.decision_reason == f"{PRESETS['blog']} Then send it again."


def test_reject_without_a_reason_changes_nothing(live_server, robin) -> None:
    comment_id = add(live_server)
    after = follow(robin, decide(robin, comment_id, "reject"))
    assert "reason" in after.text_of(after.find_all("p", id="flash")[0])
    assert live_server.service.store.get(comment_id).status is Status.PENDING


def test_bulk_approve_of_two_ticked_comments(live_server, robin) -> None:
    first, second, untouched = (add(live_server, body=f"Comment {n} here.") for n in range(3))
    page = parse_html(robin.get("/moderate").text)
    boxes = {b.get("value"): b.get("form") for b in page.find_all("input", type="checkbox")}
    assert boxes == {str(first): "bulk", str(second): "bulk", str(untouched): "bulk"}
    url, hidden = form_of(page, "bulk")
    data = {**hidden, "action": "approve", "ids": [str(first), str(second)]}
    after = follow(robin, robin.post(url, data=data))
    assert "2 comment(s) approved" in text(after)
    store = live_server.service.store
    assert [store.get(i).status for i in (first, second, untouched)] == [
        Status.APPROVED,
        Status.APPROVED,
        Status.PENDING,
    ]


def test_decision_already_taken_by_someone_else_is_a_clear_message(live_server, robin) -> None:
    comment_id = add(live_server)
    page = parse_html(robin.get(f"/moderate/comments/{comment_id}").text)
    live_server.service.decide(comment_id, Action.REJECT, "ann", "Off topic.")
    url, hidden = form_of(page, f"actions-{comment_id}")
    response = robin.post(url, data={**hidden, "action": "approve"})
    after = follow(robin, response)
    flash = after.find_all("p", id="flash")[0]
    assert "flash--error" in flash.get("class") and "not changed" in after.text_of(flash)
    assert live_server.service.store.get(comment_id).status is Status.REJECTED


@pytest.mark.parametrize(
    ("change", "headers"),
    [
        ({"csrf": None}, {}),
        ({"csrf": "forged-token-from-elsewhere-0000000000"}, {}),
        ({}, {"Origin": "https://evil.example"}),
        ({}, {"Origin": "null"}),
        ({}, {"Referer": "https://evil.example/page"}),
    ],
    ids=["no-token", "wrong-token", "other-origin", "null-origin", "other-referer"],
)
def test_forged_decisions_are_refused(live_server, robin, change, headers) -> None:
    comment_id = add(live_server)
    page = parse_html(robin.get(f"/moderate/comments/{comment_id}").text)
    url, hidden = form_of(page, f"actions-{comment_id}")
    data = {k: v for k, v in {**hidden, "action": "spam", **change}.items() if v is not None}
    response = robin.post(url, data=data, headers=headers)
    assert response.status_code == 403
    assert "Nothing was changed" in text(parse_html(response.text))
    assert live_server.service.store.get(comment_id).status is Status.PENDING


def test_forged_login_without_the_form_token_is_refused(live_server, client) -> None:
    live_server.service.store.set_password("robin", hash_password(PASSWORD))
    response = client.post("/moderate/login", data={"username": "robin", "password": PASSWORD})
    assert response.status_code == 403 and "moderate_session" not in client.cookies


# Every page


def test_every_page_is_valid_html_with_a_strict_csp(live_server, robin) -> None:
    held = submit(live_server, **HOSTILE)
    approved = add(live_server)
    live_server.service.decide(approved, Action.APPROVE, "ann")
    pages = {
        "queue": robin.get("/moderate"),
        "all": robin.get("/moderate?status=all"),
        "empty": robin.get("/moderate?status=rejected"),
        "comment": robin.get(f"/moderate/comments/{held}"),
        "approved": robin.get(f"/moderate/comments/{approved}"),
        "missing": robin.get("/moderate/comments/999"),
        "beyond-sqlite": robin.get(f"/moderate/comments/{2**64}"),
        "odd-page": robin.get("/moderate?page=%C2%B2&status=nonsense"),
        "audit": robin.get("/moderate/audit"),
        "refused": robin.post("/moderate/bulk", data={"action": "approve"}),
    }
    with httpx.Client(base_url=live_server.url, timeout=10) as anonymous:
        pages["login"] = anonymous.get("/moderate/login")
    assert {name: r.status_code for name, r in pages.items()} == {
        **dict.fromkeys(pages, 200),
        "missing": 404,
        "beyond-sqlite": 404,
        "refused": 403,
    }
    for name, response in pages.items():
        assert parse_html(response.text).errors == [], name
        assert "script-src 'self'" in response.headers["content-security-policy"], name
        assert response.headers["cache-control"] == "no-store", name
        assert not any(e.get("style") for e in parse_html(response.text).iter()), name


def _moderate(project, *args: str) -> subprocess.CompletedProcess[str]:
    """The real `moderate` command; a last argument after --password-stdin is its stdin."""
    stdin = args[-1] + "\n" if "--password-stdin" in args else ""
    arguments = args[:-1] if stdin else args
    return subprocess.run(
        [MODERATE, "--settings", str(project.settings_file), *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
