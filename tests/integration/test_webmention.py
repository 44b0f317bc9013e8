"""Webmention end to end: a commenter's blog on loopback, the real service, a real build.

The commenter's blog is a real HTTP server on 127.0.0.1, reached as `juli.test` through a
resolver table; NetGuard treats that one name as public (`allow_private_hosts`), as the link
check's tests do, and nothing else private. The service's job runner verifies in the
background; the tests wait on the status URL, as a sender would.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from blogserver import Blog, guard_for, serving_blog
from servers import LiveService
from sitecheck import parse

from moderation import commentfile
from moderation.jobs.model import JobState
from moderation.model import Action, Status
from moderation.publish import published_comment
from moderation.store.sqlite import SQLiteStore
from moderation.webmention.marks import mention_of
from moderation.webmention.verify import KIND, MAX_ATTEMPTS

pytestmark = pytest.mark.slow

SITE = "http://127.0.0.1:8000"  # the test project's SITEURL (pelicanconf.py's default)
ARTICLE = "coffee-meal-beer-rule"
TARGET = f"{SITE}/posts/{ARTICLE}/"
AUTHOR = "https://juli.test/"  # the blog's address as its h-card gives it (no test port)
REPLY_TEXT = "I tried the coffee rule: three coffees, two new colleagues."


def reply_page(content: str = REPLY_TEXT, target: str = TARGET) -> str:
    """A reply as an IndieWeb blog marks it up: an h-entry with its author's h-card."""
    return f"""<!doctype html><html><head><title>Coffee</title></head><body>
<article class="h-entry">
  <a class="u-in-reply-to" href="{target}">In reply to “The Coffee, Meal or Beer Rule”</a>
  <a class="p-author h-card" href="{AUTHOR}">Juli Ramírez</a>
  <time class="dt-published" datetime="2024-02-01T10:00:00+00:00">1 Feb</time>
  <div class="e-content"><p>{content}</p><script>alert(1)</script></div>
</article></body></html>"""


@pytest.fixture
def blog() -> Iterator[Blog]:
    with serving_blog() as server:
        yield server


@pytest.fixture
def mentioning(start_service: Callable[..., LiveService], blog: Blog) -> Callable[..., LiveService]:
    def start(**options: object) -> LiveService:
        live = start_service(**options)
        assert live.service.webmentions is not None
        live.service.webmentions.guard = guard_for(blog)
        return live

    return start


def send(live: LiveService, source: str, target: str = TARGET) -> httpx.Response:
    return httpx.post(
        f"{live.url}/webmention", data={"source": source, "target": target}, timeout=10
    )


def settled(status_url: str, deadline: float = 20.0) -> dict:
    """The status once verification ran (the job runner works in the background)."""
    give_up = time.monotonic() + deadline
    while True:
        answer = httpx.get(status_url, timeout=10)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if body["state"] != "received" or time.monotonic() > give_up:
            return body
        time.sleep(0.05)


def received(live: LiveService, source: str, target: str = TARGET) -> dict:
    answer = send(live, source, target)
    assert answer.status_code == 202, answer.text
    return {**settled(answer.headers["location"]), "location": answer.headers["location"]}


def only_comment(live: LiveService):
    [comment] = live.service.store.queue()
    return comment


def test_a_reply_from_a_blog_is_verified_queued_approved_and_shown(
    mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    live = mentioning(rebuild=True, live=True)
    source = blog.page("/2024/coffee", reply_page())
    mention = blog.page(
        "/2024/links",
        f'<p class="h-entry">Read <a href="{TARGET}">this</a>, says'
        f' <a class="p-author h-card" href="{AUTHOR}">Juli Ramírez</a></p>',
    )

    answer = send(live, source)
    assert answer.status_code == 202
    assert answer.headers["location"].startswith(f"{live.url}/webmention/")
    status = settled(answer.headers["location"])
    assert (status["state"], status["comment_status"]) == ("queued", "pending")
    assert received(live, mention)["state"] == "queued"

    reply, other = sorted(live.service.store.queue(), key=lambda c: c.id)
    assert (reply.name, reply.blog_url, reply.body) == ("Juli Ramírez", AUTHOR, REPLY_TEXT)
    codes = {r.check: r.outcome.code for r in reply.review.results}
    assert codes["webmention"] == "webmention.reply"
    assert codes["ownership"] == "ownership.verified"
    assert "form" not in codes
    assert reply.created_at.isoformat() == "2024-02-01T10:00:00+00:00"  # published date

    for comment in (reply, other):
        live.service.decide(comment.id, Action.APPROVE, "robin")
    assert live.service.publisher.wait_idle(timeout=120)
    assert live.service.publisher.last_error == ""
    written = commentfile.read(live.project.comments / ARTICLE / f"{reply.id}.md")
    assert (written.kind, written.source, written.author_verified) == (
        "reply",
        source,
        "Juli Ramírez",
    )

    page = parse(live.project.article_page(ARTICLE))
    [endpoint] = page.find_all("link", rel="webmention")
    assert endpoint.get("href") == "/webmention"
    [thread] = page.find_all("ol", **{"class": "comment-list"})
    shown = next(e for e in thread.iter("article") if e.get("id") == f"comment-{reply.id}")
    assert REPLY_TEXT in page.text_of(shown)
    assert "alert" not in page.text_of(shown)  # the source's script is text at most, never run
    assert [a.get("href") for a in shown.iter("a") if a.get("class") == "comment__source"] == [
        source
    ]
    assert "✓ their blog" in page.text_of(shown)
    [mentions] = page.find_all("ol", **{"class": "mention-list"})
    assert {e.get("id") for e in mentions.iter("article")} == {f"comment-{other.id}"}


def test_a_source_without_a_link_to_the_target_is_not_queued(
    mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    live = mentioning()
    source = blog.page("/elsewhere", reply_page(target=f"{SITE}/posts/another-article/"))
    status = received(live, source)
    assert (status["state"], status["comment_status"]) == ("no-link", None)
    assert live.service.store.count() == 0


def test_a_source_that_answers_410_on_reverification_is_taken_down(
    mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    live = mentioning()
    source = blog.page("/2024/coffee", reply_page())
    assert received(live, source)["state"] == "queued"
    comment = live.service.decide(only_comment(live).id, Action.APPROVE, "robin")
    published = live.project.comments / ARTICLE / f"{comment.id}.md"
    assert published.exists()

    blog.page("/2024/coffee", "Gone", status=410)
    status = received(live, source)
    assert (status["state"], status["comment_status"]) == ("gone", "rejected")
    assert not published.exists()
    assert only_comment(live).decided_by == "webmention"


def test_a_source_that_no_longer_links_is_taken_down(
    mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    live = mentioning()
    source = blog.page("/2024/coffee", reply_page())
    assert received(live, source)["state"] == "queued"
    blog.page("/2024/coffee", "<p>I took this post back.</p>")
    status = received(live, source)
    assert (status["state"], status["comment_status"]) == ("no-link", "rejected")


def test_a_source_that_links_again_comes_back_to_the_moderators(
    mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    live = mentioning()
    source = blog.page("/2024/coffee", reply_page())
    assert received(live, source)["state"] == "queued"
    blog.page("/2024/coffee", "<p>Back soon.</p>")
    assert received(live, source)["comment_status"] == "rejected"
    blog.page("/2024/coffee", reply_page())  # the same words as at first
    status = received(live, source)
    assert (status["state"], status["comment_status"]) == ("queued", "pending")
    assert only_comment(live).version == 2


def test_sending_the_same_source_again_updates_it_for_the_moderators(
    mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    live = mentioning()
    source = blog.page("/2024/coffee", reply_page())
    first = received(live, source)
    approved = live.service.decide(only_comment(live).id, Action.APPROVE, "robin")
    published = live.project.comments / ARTICLE / f"{approved.id}.md"

    unchanged = received(live, source)
    assert (unchanged["state"], unchanged["comment_status"]) == ("queued", "approved")
    assert only_comment(live).version == approved.version

    blog.page("/2024/coffee", reply_page("Update: a fourth coffee, and a job offer."))
    answer = send(live, source)
    assert answer.headers["location"] == first["location"]  # the same Webmention, updated
    status = settled(answer.headers["location"])
    assert (status["state"], status["comment_status"]) == ("queued", "pending")
    updated = only_comment(live)
    assert (updated.id, updated.version) == (approved.id, approved.version + 1)
    assert updated.body == "Update: a fourth coffee, and a job offer."
    assert [old.body for old in live.service.store.revisions(updated.id)] == [REPLY_TEXT]
    assert not published.exists()  # the new words wait for a moderator


@pytest.mark.parametrize(
    ("target", "field"),
    [
        ("https://elsewhere.example/posts/coffee-meal-beer-rule/", "target"),
        (f"{SITE}/about/", "target"),
        (f"{SITE}/posts/no-such-article/", "target"),
        ("ftp://127.0.0.1:8000/posts/coffee-meal-beer-rule/", "target"),
        ("", "target"),
    ],
    ids=["other-site", "not-an-article", "unknown-article", "not-http", "missing"],
)
def test_a_target_that_is_not_our_article_is_refused(
    target: str, field: str, mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    live = mentioning()
    answer = httpx.post(
        f"{live.url}/webmention",
        data={"source": blog.page("/2024/coffee", reply_page()), "target": target},
        headers={"Accept": "application/json"},
        timeout=10,
    )
    assert (answer.status_code, answer.json()["field"]) == (400, field)
    assert blog.fetched == []  # refused before anything is fetched


def test_source_and_target_must_differ_and_be_form_encoded(
    mentioning: Callable[..., LiveService],
) -> None:
    live = mentioning()
    same = send(live, TARGET)
    assert same.status_code == 400 and "same page" in same.text
    as_json = httpx.post(
        f"{live.url}/webmention", json={"source": "https://a.example/", "target": TARGET}
    )
    assert as_json.status_code == 415


def test_a_source_that_redirects_to_a_private_address_is_refused(
    mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    live = mentioning()
    inside = f"http://intranet.test:{blog.port}/admin"
    source = blog.page("/moved", "", status=302, Location=inside)
    status = received(live, source)
    assert (status["state"], status["comment_status"]) == ("refused", None)
    assert blog.fetched == ["/moved"]  # the private address was never asked
    assert live.service.store.count() == 0


def test_an_unknown_status_token_is_404(mentioning: Callable[..., LiveService]) -> None:
    live = mentioning()
    assert httpx.get(f"{live.url}/webmention/not-a-token").status_code == 404


def test_the_webmention_endpoint_is_rate_limited(
    mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    live = mentioning(COMMENTS_RATE_LIMIT="1")
    source = blog.page("/2024/coffee", reply_page())
    assert send(live, source).status_code == 202
    limited = send(live, source)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


def test_a_published_comment_answered_from_a_blog_gets_the_reply_beneath_it(
    mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    live = mentioning()
    first = received(live, blog.page("/2024/coffee", reply_page()))
    assert first["state"] == "queued"
    parent = live.service.decide(only_comment(live).id, Action.APPROVE, "robin")
    answer_to = f"{TARGET}#comment-{parent.id}"
    source = blog.page("/2024/again", reply_page("Replying to myself.", answer_to))
    assert received(live, source, target=TARGET)["state"] == "queued"
    reply = max(live.service.store.queue(), key=lambda c: c.id)
    assert (reply.reply_to, reply.status) == (parent.id, Status.PENDING)


def test_a_held_webmention_keeps_its_source_when_checked_again(
    mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    live = mentioning()
    source = blog.page("/anonymous", f'<p class="h-entry">Read <a href="{TARGET}">this</a>.</p>')
    status = received(live, source)
    assert (status["state"], status["comment_status"]) == ("queued", "held")  # no name given
    rechecked = live.service.recheck(only_comment(live).id)
    assert mention_of(rechecked.review) == ("mention", source)
    assert {r.check for r in rechecked.review.results} >= {"webmention", "ownership", "name"}
    assert "form" not in {r.check for r in rechecked.review.results}


def test_webmentions_can_be_switched_off(
    mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    live = mentioning(COMMENTS_WEBMENTION_URL="")
    answer = send(live, blog.page("/2024/coffee", reply_page()))
    assert answer.status_code == 404 and "does not accept Webmentions" in answer.text


def test_a_database_rebuilt_from_the_files_keeps_what_the_webmention_headers_say(
    mentioning: Callable[..., LiveService], blog: Blog, tmp_path: Path
) -> None:
    live = mentioning()
    source = blog.page("/2024/coffee", reply_page())
    assert received(live, source)["state"] == "queued"
    approved = live.service.decide(only_comment(live).id, Action.APPROVE, "robin")
    written = commentfile.read(live.project.comments / ARTICLE / f"{approved.id}.md")

    fresh = SQLiteStore(tmp_path / "rebuilt.sqlite3")
    try:
        fresh.reconcile(live.project.comments)
        again = published_comment(fresh.get(approved.id))
    finally:
        fresh.close()
    assert (again.kind, again.source, again.author_verified) == ("reply", source, "Juli Ramírez")
    assert commentfile.dumps(again) == commentfile.dumps(written)


def test_a_source_that_cannot_be_reached_is_tried_again_then_given_up(
    mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    live = mentioning()
    answer = send(live, f"http://nowhere.test:{blog.port}/2024/coffee")  # no DNS answer
    give_up = time.monotonic() + 20
    while not (jobs := live.service.store.jobs(kinds=[KIND])) or not jobs[0].last_error:
        assert time.monotonic() < give_up, "the verification never ran"
        time.sleep(0.05)
    [job] = jobs
    assert job.state is JobState.PENDING and "did not resolve" in job.last_error  # retried later
    assert httpx.get(answer.headers["location"]).json()["state"] == "received"

    assert live.service.webmentions is not None
    live.service.webmentions.run(replace(job, attempts=MAX_ATTEMPTS))  # the last try
    assert httpx.get(answer.headers["location"]).json()["state"] == "failed"
    assert live.service.store.count() == 0


def test_a_verified_blog_is_trusted_when_the_settings_say_so(
    mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    live = mentioning(COMMENTS_TRUSTED_COMMENTERS="verified-blog")
    status = received(live, blog.page("/2024/coffee", reply_page()))
    assert (status["state"], status["comment_status"]) == ("queued", "approved")
    comment = only_comment(live)
    assert comment.decided_by == "trusted-commenter"
    assert "names Juli Ramírez as its author" in comment.decision_reason
    assert (live.project.comments / ARTICLE / f"{comment.id}.md").exists()


def test_one_post_mentioning_two_articles_is_not_held_as_cross_posted(
    mentioning: Callable[..., LiveService], blog: Blog
) -> None:
    """The same words reach both articles because they are one post: not a spam ring."""
    live = mentioning()
    other_target = f"{SITE}/posts/following-versus-connecting/"
    source = blog.page(
        "/2024/two-posts",
        f'<div class="h-entry"><a class="p-author h-card" href="{AUTHOR}">Juli Ramírez</a>'
        f'<p class="e-content">Two posts worth reading together, on coffee and on following:'
        f' <a href="{TARGET}">one</a> and <a href="{other_target}">two</a>.</p></div>',
    )
    assert received(live, source)["comment_status"] == "pending"
    assert received(live, source, other_target)["comment_status"] == "pending"
