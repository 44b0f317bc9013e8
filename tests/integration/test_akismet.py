"""Akismet through the real `akismet` client, talking HTTP to a loopback fake of the API."""

from __future__ import annotations

from dataclasses import replace

import pytest

from moderation.model import Submission, Verdict
from moderation.policy.akismet_check import AkismetCheck, make_client

COMMENT = Submission(
    article="coffee-rule",
    name="Ada Lovelace",
    blog_url="https://ada.example/",
    body="Following first, connecting later: that is what worked for me.",
    email="ada@ada.example",
    ip="203.0.113.9",
    user_agent="Mozilla/5.0",
    reply_to=4,
)


def akismet_check(fake_akismet, key: str = "good-key", timeout: float = 1.0) -> AkismetCheck:
    client = make_client(key, "http://blog.example", timeout, fake_akismet.client(timeout))
    return AkismetCheck(client, lambda slug: f"http://blog.example/posts/{slug}/")


def test_ham_passes_and_sends_the_comment_fields(fake_akismet) -> None:
    assert akismet_check(fake_akismet)(COMMENT).passed
    path, form = fake_akismet.requests[-1]
    assert path == "/1.1/comment-check"
    assert form["comment_author"] == "Ada Lovelace"
    assert form["comment_author_url"] == "https://ada.example/"
    assert form["comment_author_email"] == "ada@ada.example"
    assert form["user_ip"] == "203.0.113.9"
    assert form["user_agent"] == "Mozilla/5.0"
    assert form["comment_type"] == "reply"
    assert form["permalink"] == "http://blog.example/posts/coffee-rule/"


def test_spam_answer_marks_spam(fake_akismet) -> None:
    outcome = akismet_check(fake_akismet)(replace(COMMENT, name="akismet-guaranteed-spam"))
    assert (outcome.verdict, outcome.code) == (Verdict.SPAM, "spam.akismet")


def test_discard_answer_marks_blatant_spam(fake_akismet) -> None:
    outcome = akismet_check(fake_akismet)(replace(COMMENT, body="buy now discard-me"))
    assert (outcome.verdict, outcome.code) == (Verdict.SPAM, "spam.akismet-discard")


def test_timeout_holds_the_comment(fake_akismet) -> None:
    fake_akismet.slow_seconds = 0.6
    outcome = akismet_check(fake_akismet, timeout=0.2)(replace(COMMENT, body="be-slow please"))
    assert (outcome.verdict, outcome.code) == (Verdict.HOLD, "spam.akismet-unavailable")
    assert outcome.reason


def test_unreachable_service_holds_the_comment() -> None:
    class Closed:
        url = "http://127.0.0.1:9"  # the discard port: nothing listens there

        def client(self, timeout: float):
            from fakeakismet import FakeAkismet

            return FakeAkismet(self.url).client(timeout)

    outcome = akismet_check(Closed(), timeout=0.5)(COMMENT)
    assert (outcome.verdict, outcome.code) == (Verdict.HOLD, "spam.akismet-unavailable")


def test_invalid_key_holds_the_comment(fake_akismet) -> None:
    outcome = akismet_check(fake_akismet, key="bad-key")(COMMENT)
    assert outcome.code == "spam.akismet-unavailable"


@pytest.mark.parametrize(("spam", "path"), [(True, "/1.1/submit-spam"), (False, "/1.1/submit-ham")])
def test_moderator_correction_is_reported(fake_akismet, spam: bool, path: str) -> None:
    assert akismet_check(fake_akismet).report(COMMENT, spam=spam)
    assert fake_akismet.requests[-1][0] == path
