"""The local spam signals, one behaviour each."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from moderation.formtoken import FormTokens, ReplayGuard
from moderation.model import Submission, Verdict
from moderation.policy.spam import (
    FormTokenCheck,
    HoneypotCheck,
    LinkCountCheck,
    SpamTextCheck,
    WordListCheck,
)
from moderation.policy.spamtext import SpamTextModel

COMMENT = Submission(
    article="coffee-rule",
    name="Ada Lovelace",
    blog_url="https://ada.example/",
    body="I tried the coffee rule last month and it changed how I follow up.",
    ip="203.0.113.9",
    user_agent="Mozilla/5.0",
)


def test_filled_honeypot_is_spam() -> None:
    outcome = HoneypotCheck()(replace(COMMENT, honeypot="http://cheap.example"))
    assert (outcome.verdict, outcome.code) == (Verdict.SPAM, "spam.honeypot")


def test_empty_honeypot_passes() -> None:
    assert HoneypotCheck()(COMMENT).passed


@pytest.fixture
def tokens() -> FormTokens:
    return FormTokens("secret")


def check_with_token(tokens: FormTokens, token: str, seconds_later: float, article: str = ""):
    check = FormTokenCheck(tokens, ReplayGuard().first_use, min_seconds=3)
    sent = datetime.now(UTC) + timedelta(seconds=seconds_later)
    return check(
        replace(COMMENT, form_token=token, submitted_at=sent, article=article or COMMENT.article)
    )


def test_comment_without_token_passes_for_readers_without_javascript(tokens) -> None:
    assert check_with_token(tokens, "", 0).passed


def test_token_used_after_a_while_passes(tokens) -> None:
    assert check_with_token(tokens, tokens.issue("coffee-rule"), 30).passed


def test_too_fast_comment_is_held(tokens) -> None:
    outcome = check_with_token(tokens, tokens.issue("coffee-rule"), 0.5)
    assert (outcome.verdict, outcome.code) == (Verdict.HOLD, "spam.too-fast")


def test_forged_token_is_spam(tokens) -> None:
    outcome = check_with_token(tokens, "not-a-token", 30)
    assert (outcome.verdict, outcome.code) == (Verdict.SPAM, "spam.forged-token")


def test_token_for_another_article_is_spam(tokens) -> None:
    outcome = check_with_token(tokens, tokens.issue("other-post"), 30)
    assert (outcome.verdict, outcome.code) == (Verdict.SPAM, "spam.forged-token")


def test_replayed_token_is_spam(tokens) -> None:
    check = FormTokenCheck(tokens, ReplayGuard().first_use, min_seconds=0)
    submission = replace(
        COMMENT, form_token=tokens.issue("coffee-rule"), submitted_at=datetime.now(UTC)
    )
    assert check(submission).passed
    assert check(submission).code == "spam.replayed-form"


@pytest.mark.parametrize(
    ("body", "held"),
    [
        ("See https://a-shop.com and https://b-shop.org for more.", True),
        ("[one](https://a.example) and www.b-example.com", True),
        ("Only one: https://a.example", False),
        ("Ping `10.0.0.1` and `https://intranet.example`, then https://a.example", False),
        ("```\ncurl https://a.example\ncurl https://b.example\n```", False),
    ],
    ids=["two-bare", "markdown-and-www", "one", "code-spans-ignored", "fenced-ignored"],
)
def test_two_or_more_links_outside_code_are_held(body: str, held: bool) -> None:
    outcome = LinkCountCheck(max_links=2)(replace(COMMENT, body=body))
    assert outcome.code == ("spam.too-many-links" if held else "")


def test_link_count_zero_turns_the_check_off() -> None:
    body = "https://a.example https://b.example https://c.example"
    assert LinkCountCheck(max_links=0)(replace(COMMENT, body=body)).passed


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("body", "Get CHEAP pills today", "spam.disallowed-words"),
        ("blog_url", "https://cheap-pills.example", "spam.disallowed-words"),
        ("user_agent", "EvilBot/1.0", "spam.disallowed-words"),
        ("body", "What about crypto recruiters?", "spam.moderation-words"),
        ("body", "Nothing special here", ""),
    ],
    ids=["body", "url", "user-agent", "moderation-word", "clean"],
)
def test_word_lists_mark_spam_or_hold(field: str, value: str, code: str) -> None:
    check = WordListCheck(
        disallowed=["cheap pills", "cheap-pills", "evilbot"], moderation=["crypto"]
    )
    assert check(replace(COMMENT, **{field: value})).code == code


@pytest.mark.parametrize(
    ("entry", "body", "found"),
    [
        ("ass", "A class act, and a first-class post.", False),
        ("ass", "What an ass.", True),
        ("cheap pills", "Cheap pillsbury dough is not spam.", False),
        ("@spam.example", "write to sales@spam.example today", True),
        ("192.0.2.", "from 192.0.2.77", True),
        ("casino", "CASINO!!!", True),
    ],
    ids=["word-inside-word", "whole-word", "phrase-inside-word", "address-fragment",
         "ip-prefix", "capitals"],
)  # fmt: skip
def test_word_lists_match_whole_words(entry: str, body: str, found: bool) -> None:
    outcome = WordListCheck([entry], [])(replace(COMMENT, body=body))
    assert (outcome.code == "spam.disallowed-words") is found


def test_disallowed_word_is_not_revealed_to_the_commenter() -> None:
    outcome = WordListCheck(["cheap pills"], [])(replace(COMMENT, body="cheap pills"))
    assert "cheap pills" not in outcome.reason and "cheap pills" in outcome.detail


@pytest.mark.parametrize(
    ("body", "spam"),
    [
        ("Check out my channel and subscribe!!! http://my-channel.example", True),
        (
            "I never thought about following versus connecting; your point about recruiters "
            "following a company first makes sense to me.",
            False,
        ),
    ],
    ids=["channel-promo", "on-topic"],
)
def test_spam_text_model_holds_promotion(body: str, spam: bool) -> None:
    outcome = SpamTextCheck(SpamTextModel.load())(replace(COMMENT, body=body))
    assert (outcome.verdict, outcome.code) == (
        (Verdict.HOLD, "spam.content") if spam else (Verdict.PASS, "")
    )
