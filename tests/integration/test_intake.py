"""The comment service over real HTTP on loopback: posts, bad input, limits, status pages."""

from __future__ import annotations

import httpx
import pytest
from sitecheck import parse_html

from moderation.model import Status

ARTICLE = "coffee-meal-beer-rule"
OTHER_ARTICLE = "following-versus-connecting"
GOOD = {
    "article": ARTICLE,
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "email": "ada@adalovelace.net",
    "body": "I tried the coffee rule at a meetup last week; the follow-ups felt natural.",
    "reply_to": "",
}


def post_form(base: str, fields: dict[str, str], **kwargs) -> httpx.Response:
    return httpx.post(f"{base}/api/comments", data=fields, timeout=10, **kwargs)


def post_json(base: str, fields: dict[str, object], **kwargs) -> httpx.Response:
    return httpx.post(f"{base}/api/comments", json=fields, timeout=10, **kwargs)


def test_plain_form_post_redirects_to_a_status_page_awaiting_moderation(live_server) -> None:
    response = post_form(live_server.url, GOOD)
    assert response.status_code == 303
    status_url = response.headers["location"]
    assert status_url.startswith("/comments/")
    page = httpx.get(live_server.url + status_url, timeout=10)
    assert page.status_code == 200
    document = parse_html(page.text)
    assert "awaiting moderation" in document.text_of(document.root)
    assert document.errors == []


def test_json_post_answers_202_with_status_and_reasons(live_server) -> None:
    response = post_json(live_server.url, {**GOOD, "url": "https://www.linkedin.com/in/ada"})
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "held"
    assert any("LinkedIn" in reason or "profile" in reason for reason in body["reasons"])
    assert body["status_url"].startswith("/comments/")


def test_comment_is_stored_before_the_answer(live_server) -> None:
    response = post_json(live_server.url, GOOD)
    stored = live_server.service.store.get(response.json()["id"])
    assert stored.status is Status.PENDING
    assert stored.email == GOOD["email"] and stored.ip == "127.0.0.0"  # kept truncated


def test_an_address_without_its_scheme_is_completed_and_passes(live_server) -> None:
    response = post_json(live_server.url, {**GOOD, "url": "adalovelace.net/blog"})
    assert response.json()["status"] == "pending"
    stored = live_server.service.store.get(response.json()["id"])
    assert stored.blog_url == "https://adalovelace.net/blog"


def test_held_comment_can_be_corrected_from_its_status_page(live_server) -> None:
    held = post_json(live_server.url, {**GOOD, "url": "https://bit.ly/abc"}).json()
    assert held["status"] == "held" and held["can_correct"]
    api = live_server.url + held["status_url"].replace("/comments/", "/api/comments/")
    corrected = httpx.post(api, json={**GOOD, "url": "https://adalovelace.net/"}, timeout=10)
    assert corrected.status_code == 202
    assert corrected.json()["status"] == "pending"
    assert corrected.json()["id"] == held["id"]
    assert httpx.get(api, timeout=10).json()["status"] == "pending"


def test_correction_through_the_plain_form(live_server) -> None:
    location = post_form(live_server.url, {**GOOD, "name": "admin"}).headers["location"]
    page = parse_html(httpx.get(live_server.url + location, timeout=10).text)
    form = next(f for f in page.iter("form") if f.get("action") == location)
    fields = {e.get("name"): e.get("value") or "" for e in form.iter("input") if e.get("name")}
    fields["body"] = GOOD["body"]
    fields["name"] = "Ada Lovelace"
    response = httpx.post(live_server.url + location, data=fields, timeout=10)
    assert response.status_code == 303
    after = parse_html(httpx.get(live_server.url + location, timeout=10).text)
    assert "awaiting moderation" in after.text_of(after.root)


def test_pending_comment_cannot_be_corrected(live_server) -> None:
    pending = post_json(live_server.url, GOOD).json()
    api = live_server.url + pending["status_url"].replace("/comments/", "/api/comments/")
    assert httpx.post(api, json=GOOD, timeout=10).status_code == 409


def test_unknown_status_token_is_404(live_server) -> None:
    assert httpx.get(f"{live_server.url}/comments/not-a-token", timeout=10).status_code == 404


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"body": ""}, 400, "body"),
        ({"body": "x" * 10_001}, 400, "body"),
        ({"article": "no-such-post"}, 404, "article"),
        ({"email": "not an address"}, 400, "email"),
        ({"reply_to": "12abc"}, 400, "reply_to"),
        ({"reply_to": "999999"}, 400, "reply_to"),
        ({"name": None}, 400, "name"),
    ],
    ids=[
        "empty-body",
        "long-body",
        "unknown-article",
        "bad-email",
        "bad-reply",
        "no-parent",
        "missing-name",
    ],
)
def test_bad_fields_get_a_clear_4xx_naming_the_field(live_server, change, status, field) -> None:
    fields = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    response = post_json(live_server.url, fields)
    assert response.status_code == status
    assert response.json()["field"] == field
    assert live_server.service.store.count() == 0


def test_oversized_request_is_413(live_server) -> None:
    response = post_form(live_server.url, {**GOOD, "body": "x" * 70_000})
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"article=a&body=%FF%FE", "application/x-www-form-urlencoded", 400),
        (b'{"body": "\xff"}', "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b"{not json", "application/json", 400),
        (b"body=hi", "text/plain", 415),
        (b"--x\r\n", "multipart/form-data; boundary=x", 415),
    ],
    ids=["bad-percent-utf8", "bad-raw-utf8", "json-array", "broken-json", "text", "multipart"],
)
def test_malformed_bodies_are_refused(live_server, content, content_type, status) -> None:
    response = httpx.post(
        f"{live_server.url}/api/comments",
        content=content,
        headers={"Content-Type": content_type, "Accept": "application/json"},
        timeout=10,
    )
    assert response.status_code == status
    assert "error" in response.json()


def test_form_error_is_an_html_page_for_readers_without_javascript(live_server) -> None:
    response = post_form(live_server.url, {**GOOD, "body": ""})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "comment is empty" in parse_html(response.text).text_of(parse_html(response.text).root)


def test_reply_to_a_comment_on_another_article_is_refused(live_server) -> None:
    parent = post_json(live_server.url, {**GOOD, "article": OTHER_ARTICLE}).json()
    from moderation.model import Action

    live_server.service.store.decide(parent["id"], Action.APPROVE, "robin")
    response = post_json(live_server.url, {**GOOD, "reply_to": str(parent["id"])})
    assert response.status_code == 400 and response.json()["field"] == "reply_to"


def test_reply_to_an_approved_comment_is_accepted(live_server) -> None:
    parent = post_json(live_server.url, GOOD).json()
    from moderation.model import Action

    live_server.service.store.decide(parent["id"], Action.APPROVE, "robin")
    reply = {**GOOD, "reply_to": str(parent["id"]), "body": "Replying: same here, it works."}
    response = post_json(live_server.url, reply)
    assert response.status_code == 202
    assert live_server.service.store.get(response.json()["id"]).reply_to == parent["id"]


def test_rate_limit_answers_429_with_retry_after(start_service) -> None:
    live = start_service(COMMENTS_RATE_LIMIT="3", COMMENTS_RATE_WINDOW="60")
    answers = [
        post_json(live.url, {**GOOD, "body": f"comment number {n} about coffee"}).status_code
        for n in range(4)
    ]
    assert answers == [202, 202, 202, 429]
    limited = post_json(live.url, GOOD)
    assert limited.status_code == 429 and 0 < int(limited.headers["retry-after"]) <= 60
    assert live.service.store.count() == 3


def test_form_token_endpoint_signs_tokens_for_known_articles(live_server) -> None:
    ok = httpx.get(f"{live_server.url}/api/comments/token", params={"article": ARTICLE}, timeout=10)
    assert ok.status_code == 200 and ok.json()["token"]
    assert ok.headers["cache-control"] == "no-store"
    unknown = httpx.get(
        f"{live_server.url}/api/comments/token", params={"article": "nope"}, timeout=10
    )
    assert unknown.status_code == 404


def test_comment_sent_right_after_the_token_is_held_as_too_fast(live_server) -> None:
    token = httpx.get(
        f"{live_server.url}/api/comments/token", params={"article": ARTICLE}, timeout=10
    ).json()["token"]
    body = post_json(live_server.url, {**GOOD, "token": token}).json()
    assert body["status"] == "held"


def test_filled_honeypot_is_spam_and_says_so(live_server) -> None:
    body = post_json(live_server.url, {**GOOD, "website": "http://spam.example"}).json()
    assert body["status"] == "spam" and body["reasons"]


def test_cors_allows_only_the_blogs_origin(live_server) -> None:
    origin = live_server.settings.site_origin
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    ours = httpx.options(
        f"{live_server.url}/api/comments", headers={"Origin": origin, **preflight}, timeout=10
    )
    assert ours.headers.get("access-control-allow-origin") == origin
    theirs = httpx.options(
        f"{live_server.url}/api/comments",
        headers={"Origin": "https://evil.example", **preflight},
        timeout=10,
    )
    assert "access-control-allow-origin" not in theirs.headers


def test_security_headers_on_service_pages(live_server) -> None:
    location = post_form(live_server.url, GOOD).headers["location"]
    headers = httpx.get(live_server.url + location, timeout=10).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(start_service) -> None:
    spoofed = {"X-Forwarded-For": "198.51.100.7"}
    plain = start_service()
    first = post_json(plain.url, GOOD, headers=spoofed).json()
    assert plain.service.store.get(first["id"]).ip == "127.0.0.0"  # (truncated)


def test_forwarded_for_is_used_behind_a_trusted_proxy(start_service) -> None:
    proxied = start_service(COMMENTS_TRUSTED_PROXIES="127.0.0.1")
    headers = {"X-Forwarded-For": "198.51.100.7, 127.0.0.1"}
    answer = post_json(proxied.url, GOOD, headers=headers).json()
    assert proxied.service.store.get(answer["id"]).ip == "198.51.100.0"  # (truncated)
