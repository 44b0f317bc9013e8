"""IP addresses reach the database truncated (COMMENTS_STORE_IP), whichever door the comment
came through, while the rate limit still tells whole addresses apart."""

from __future__ import annotations

import httpx
import pytest

from moderation.model import PASSED, CheckResult, Review, Submission

COMMENT = {
    "article": "coffee-meal-beer-rule",
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "body": "The coffee rule works for me; I met two people this way.",
}


def post_from(live, address: str, body: str) -> httpx.Response:
    return httpx.post(
        f"{live.url}/api/comments",
        json={**COMMENT, "body": body},
        headers={"X-Forwarded-For": address},
        timeout=10,
    )


@pytest.mark.parametrize(
    ("setting", "stored"),
    [("truncated", "198.51.100.0"), ("whole", "198.51.100.7"), ("none", "")],
    ids=["truncated-by-default", "whole", "none"],
)
def test_the_intake_stores_what_the_setting_says(start_service, setting, stored) -> None:
    live = start_service(COMMENTS_TRUSTED_PROXIES="127.0.0.1", COMMENTS_STORE_IP=setting)
    answer = post_from(live, "198.51.100.7", COMMENT["body"]).json()
    assert live.service.store.get(answer["id"]).ip == stored


def test_the_rate_limit_still_tells_neighbours_apart(start_service) -> None:
    live = start_service(COMMENTS_TRUSTED_PROXIES="127.0.0.1", COMMENTS_RATE_LIMIT="1")
    first = post_from(live, "198.51.100.7", "First words from the first neighbour here.")
    again = post_from(live, "198.51.100.7", "Second words from the first neighbour here.")
    neighbour = post_from(live, "198.51.100.8", "First words from the next-door neighbour.")
    assert [first.status_code, again.status_code, neighbour.status_code] == [202, 429, 202]
    stored = {live.service.store.get(r.json()["id"]).ip for r in (first, neighbour)}
    assert stored == {"198.51.100.0"}


def test_comments_added_without_the_intake_are_truncated_too(live_server) -> None:
    submission = Submission(
        article=COMMENT["article"],
        name=COMMENT["name"],
        blog_url=COMMENT["url"],
        body=COMMENT["body"],
        ip="2001:db8:85a3:8d3:1319:8a2e:370:7348",
    )
    review = Review((CheckResult("name", PASSED),))
    assert live_server.service.store.add(submission, review).ip == "2001:db8:85a3::"
