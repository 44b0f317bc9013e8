"""Signed form tokens: valid once, for one article, within their age."""

from __future__ import annotations

import time

from moderation.formtoken import FormTokens, OpenedForm, ReplayGuard, TokenProblem


def test_issued_token_reads_back_with_its_article_and_age() -> None:
    tokens = FormTokens("secret")
    opened = tokens.read(tokens.issue("coffee-rule"), now=time.time() + 5)
    assert isinstance(opened, OpenedForm)
    assert opened.article == "coffee-rule"
    assert 4 < opened.age < 7


def test_token_signed_with_another_secret_is_forged() -> None:
    token = FormTokens("other").issue("coffee-rule")
    problem = FormTokens("secret").read(token)
    assert isinstance(problem, TokenProblem) and problem.code == "spam.forged-token"


def test_tampered_token_is_forged() -> None:
    token = FormTokens("secret").issue("coffee-rule")
    problem = FormTokens("secret").read(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    assert isinstance(problem, TokenProblem) and problem.code == "spam.forged-token"


def test_old_token_is_expired() -> None:
    tokens = FormTokens("secret", max_age=0)
    token = tokens.issue("coffee-rule")
    time.sleep(1.1)
    problem = tokens.read(token)
    assert isinstance(problem, TokenProblem) and problem.code == "spam.expired-form"


def test_replay_guard_allows_a_nonce_once() -> None:
    guard = ReplayGuard(max_age=60)
    assert guard.first_use("n1", now=0)
    assert not guard.first_use("n1", now=1)
    assert guard.first_use("n1", now=61)


def test_replay_guard_stays_within_its_limit() -> None:
    guard = ReplayGuard(max_age=1000, limit=10)
    for number in range(100):
        guard.first_use(str(number), now=0)
    assert len(guard._expiry) <= 10
