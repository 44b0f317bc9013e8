"""The `Role: author` header: written only for the author's replies, read back, and old files
(without it) read as readers' comments; the hard link rules skip only the author's link."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from moderation import commentfile
from moderation.commentfile import PublishedComment
from moderation.model import PASSED, CheckResult, Review
from moderation.publishrules import PublishRules
from moderation.roles import author_result, role_of
from moderation.settings import Settings

WHEN = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
READER = PublishedComment(
    id=7,
    article="coffee-rule",
    author="Ada Lovelace",
    url="https://ada.example/",
    date=WHEN,
    body="Thanks!",
    approved_by="robin",
    approved_at=WHEN,
)


def test_a_readers_file_has_no_role_header_and_reads_back_as_a_reader() -> None:
    text = commentfile.dumps(READER)
    assert "Role:" not in text
    assert commentfile.loads(text).role == ""


def test_the_authors_reply_says_so_in_its_file() -> None:
    reply = PublishedComment(**{**READER.__dict__, "role": "author", "reply_to": 6})
    text = commentfile.dumps(reply)
    assert "\nRole: author\n" in text
    assert commentfile.loads(text) == reply


def test_a_review_carries_the_role_only_when_made_for_the_author() -> None:
    assert role_of(Review((author_result("robin"),))) == "author"
    assert role_of(Review((CheckResult("name", PASSED),))) == ""


@pytest.mark.parametrize(
    ("url", "role", "refused"),
    [
        ("https://blog.example/", "", True),  # own site: a reader's link is held
        ("https://blog.example/", "author", False),
        ("https://bit.ly/x", "", True),
        ("https://ada.example/", "", False),
        ("https://blog.example/", "editor", True),  # only "author" is a role
    ],
    ids=["own-site-reader", "own-site-author", "shortener", "reader-blog", "unknown-role"],
)
def test_the_hard_link_rules_skip_only_the_authors_link(url: str, role: str, refused) -> None:
    rules = PublishRules(Settings.resolve({"SITEURL": "https://blog.example"}, environ={}))
    assert bool(rules.reason("Robin Okafor", url, role)) is refused
