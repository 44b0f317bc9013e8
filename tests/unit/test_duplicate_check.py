"""Duplicate detection without a store (batch runs): `RecentComments` and `DuplicateCheck`."""

from __future__ import annotations

from dataclasses import replace

import pytest

from moderation.model import Copy, Submission, Verdict, fingerprint
from moderation.policy.spam import DuplicateCheck, RecentComments

LONG = "Following first and connecting later is what finally worked for me, twice."
COMMENT = Submission("coffee-rule", "Ada Lovelace", "https://ada.example/", LONG)


def test_the_fingerprint_is_the_words_only() -> None:
    assert fingerprint("Follow first,  connect later.") == fingerprint(
        "follow FIRST, connect\nlater."
    )
    assert fingerprint("Follow first, connect later.") != fingerprint("Follow first, connect now.")


@pytest.mark.parametrize(
    ("article", "code", "where"),
    [
        ("coffee-rule", "spam.duplicate", "this article"),
        ("cold-emails", "spam.cross-posted", "another article"),
    ],
    ids=["same-article", "other-article"],
)
def test_a_copy_is_held_saying_where_the_first_one_was(article: str, code: str, where: str) -> None:
    check = DuplicateCheck(RecentComments().seen_before)
    assert check(COMMENT).passed
    outcome = check(replace(COMMENT, article=article, body=LONG.upper() + "  "))
    assert (outcome.verdict, outcome.code) == (Verdict.HOLD, code)
    assert where in outcome.reason


def test_a_short_reply_on_another_article_is_not_a_copy() -> None:
    recent = RecentComments()
    thanks = replace(COMMENT, body="Thanks, great post!")
    assert recent.seen_before(thanks) is None
    assert recent.seen_before(replace(thanks, article="cold-emails")) is None
    assert recent.seen_before(thanks) is Copy.THIS_ARTICLE


def test_the_window_expires_for_each_article() -> None:
    recent = RecentComments(window=10)
    assert recent.seen_before(COMMENT, now=0) is None
    assert recent.seen_before(replace(COMMENT, article="cold-emails"), now=5) is Copy.OTHER_ARTICLE
    assert recent.seen_before(COMMENT, now=12) is Copy.OTHER_ARTICLE  # cold-emails, 7 s ago
    assert recent.seen_before(COMMENT, now=30) is None
