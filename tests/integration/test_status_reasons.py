"""What a commenter is told about a held comment, over real HTTP: the correction form and
"correct your comment" only when a reason can be corrected, "nothing to change" only when none
can, and each reason tied to the form field it concerns."""

from __future__ import annotations

import re

import httpx
import pytest
from sitecheck import parse_html

ARTICLE = "coffee-meal-beer-rule"
GOOD = {
    "article": ARTICLE,
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "body": "I tried the coffee rule at a meetup last week; the follow-ups felt natural.",
}
LINKEDIN = "https://www.linkedin.com/in/ada"
FORM = "application/x-www-form-urlencoded"

pytestmark = pytest.mark.slow


def post(live, **change: str) -> dict:
    response = httpx.post(f"{live.url}/api/comments", json={**GOOD, **change}, timeout=10)
    assert response.status_code == 202, response.text
    return response.json()


def status_page(live, answer: dict):
    page = httpx.get(live.url + answer["status_url"], timeout=10)
    assert page.status_code == 200
    return parse_html(page.text)


def test_a_comment_held_only_to_wait_offers_no_correction(live_server) -> None:
    post(live_server)
    answer = post(live_server)  # the same comment again: a moderator reads it, nothing to fix
    assert (answer["status"], answer["can_correct"]) == ("held", False)
    assert answer["problems"] == [
        {"reason": answer["reasons"][0], "field": None, "correctable": False}
    ]
    assert "nothing to change" in answer["explanation"].lower()
    document = status_page(live_server, answer)
    text = document.text_of(document.root)
    assert document.find_all("form") == []
    assert "nothing to change" in text.lower() and "correct" not in text.lower()


def test_a_comment_held_for_its_link_offers_the_form_pointing_at_the_address(
    live_server,
) -> None:
    answer = post(live_server, url=LINKEDIN)
    assert (answer["status"], answer["can_correct"]) == ("held", True)
    assert [(p["field"], p["correctable"]) for p in answer["problems"]] == [("url", True)]
    assert "nothing to change" not in answer["explanation"].lower()
    document = status_page(live_server, answer)
    assert document.errors == []
    [url_field] = document.find_all("input", name="url")
    assert url_field.get("aria-invalid") == "true"
    reason = document.find_all("li", id=url_field.get("aria-describedby"))[0]
    assert "profile" in document.text_of(reason)
    [name_field] = document.find_all("input", name="name")
    assert name_field.get("aria-invalid") is None
    assert "nothing to change" not in document.text_of(document.root).lower()


def test_a_wait_reason_beside_a_correctable_one_does_not_say_nothing_to_change(
    live_server,
) -> None:
    post(live_server, url=LINKEDIN)
    answer = post(live_server, url=LINKEDIN)  # a duplicate, and the profile link again
    assert answer["can_correct"]
    assert sorted(p["correctable"] for p in answer["problems"]) == [False, True]
    document = status_page(live_server, answer)
    assert document.find_all("form", method="post")
    assert "nothing to change" not in document.text_of(document.root).lower()


def test_spam_that_a_person_can_avoid_says_what_to_do(live_server) -> None:
    answer = post(live_server, website="https://spam.example/")  # the honeypot
    assert (answer["status"], answer["can_correct"]) == ("spam", False)
    assert answer["problems"][0]["correctable"]
    assert "nothing to change" not in answer["explanation"].lower()


# The intake's refusals: a sentence for people; the machine name stays in `field`.

INTERNAL = re.compile(r"^[\w-]+:|\b(request|reply_to|content-type|blog_url)\b")
JSON_ONLY = {"Accept": "application/json"}
BAD_REQUESTS = {
    "content-type": ({"content": b"body=hi", "headers": {"Content-Type": "text/plain"}}, 415),
    "not-json": ({"content": b"{oops", "headers": {"Content-Type": "application/json"}}, 400),
    "json-list": ({"json": ["a"]}, 400),
    "not-text": ({"json": {**GOOD, "name": ["Ada"]}}, 400),
    "reply-to": ({"json": {**GOOD, "reply_to": "abc"}}, 400),
    "no-reply-target": ({"json": {**GOOD, "reply_to": "999"}}, 400),
    "empty-body": ({"json": {**GOOD, "body": "  "}}, 400),
    "no-name": ({"json": {k: v for k, v in GOOD.items() if k != "name"}}, 400),
    "unknown-article": ({"json": {**GOOD, "article": "no-such-post"}}, 404),
    "too-long": ({"json": {**GOOD, "name": "A" * 300}}, 400),
    "repeated": ({"content": b"name=a&name=b", "headers": {"Content-Type": FORM}}, 400),
    "bad-email": ({"json": {**GOOD, "email": "Ada <ada@example.org>"}}, 400),
}


@pytest.mark.parametrize("case", BAD_REQUESTS)
def test_a_refused_comment_is_told_why_in_a_sentence(live_server, case: str) -> None:
    request, status = BAD_REQUESTS[case]
    headers = {**JSON_ONLY, **request.pop("headers", {})} if "headers" in request else JSON_ONLY
    response = httpx.post(f"{live_server.url}/api/comments", headers=headers, timeout=10, **request)
    assert response.status_code == status
    body = response.json()
    message = body["error"]
    assert message[0].isupper() and message.endswith("."), message
    assert not INTERNAL.search(message), message
    assert body["field"]


def test_the_error_page_speaks_to_people_too(live_server) -> None:
    fields = {**GOOD, "reply_to": "abc"}
    response = httpx.post(
        f"{live_server.url}/api/comments", data=fields, headers={"Accept": "text/html"}, timeout=10
    )
    assert response.status_code == 400
    document = parse_html(response.text)
    [message] = document.find_all("p", **{"class": "error-message"})
    assert not INTERNAL.search(document.text_of(message))
