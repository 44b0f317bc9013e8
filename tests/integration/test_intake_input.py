"""Hostile but well-formed input over real HTTP: each gets a 400 naming the field, nothing stored.

Found by an outside review (issue 13): an e-mail field that a mailer reads as several
addresses, JSON the parser accepts but the store cannot keep (lone surrogates), integers and
nesting past Python's limits, upper-case media types, and repeated fields.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import httpx
import pytest

ARTICLE = "coffee-meal-beer-rule"
GOOD = {
    "article": ARTICLE,
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "email": "ada@adalovelace.net",
    "body": "I tried the coffee rule at a meetup last week; the follow-ups felt natural.",
}
JSON = {"Content-Type": "application/json", "Accept": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}


def post_raw(base: str, content: bytes | str, headers: dict[str, str], path: str = "/api/comments"):
    return httpx.post(base + path, content=content, headers=headers, timeout=10)


def good_json(**replace: str) -> str:
    """A valid JSON comment whose named values are replaced by raw JSON text."""
    members = [
        f'"{key}": {replace.pop(key) if key in replace else json.dumps(value)}'
        for key, value in GOOD.items()
    ]
    members += [f'"{key}": {value}' for key, value in replace.items()]
    return "{" + ", ".join(members) + "}"


@pytest.mark.parametrize(
    "email",
    [
        "=?utf-8?q?a=40evil.example=2Cb=40evil.example?=x@ada.example",
        "root,attacker@evil.example",
        "ada@adalovelace.net\x00",
        "ada@adalovelace.net\r\nBcc: b@evil.example",
    ],
    ids=["encoded-word", "comma-list", "nul", "header-injection"],
)
@pytest.mark.parametrize("as_json", [True, False], ids=["json", "form"])
def test_email_that_is_not_one_plain_address_is_refused(live_server, email, as_json) -> None:
    fields = {**GOOD, "email": email}
    if as_json:
        response = httpx.post(f"{live_server.url}/api/comments", json=fields, timeout=10)
    else:
        response = httpx.post(
            f"{live_server.url}/api/comments",
            data=fields,
            headers={"Accept": "application/json"},
            timeout=10,
        )
    assert response.status_code == 400
    assert response.json()["field"] == "email"
    assert live_server.service.store.count() == 0


def test_email_is_stored_in_its_normal_form(live_server) -> None:
    fields = {**GOOD, "email": " Ada@AdaLovelace.NET "}
    answer = httpx.post(f"{live_server.url}/api/comments", json=fields, timeout=10).json()
    assert live_server.service.store.get(answer["id"]).email == "Ada@adalovelace.net"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (good_json(name='"Ada \\ud800 Lovelace"'), "name"),
        (good_json(body='"text \\udfff"'), "body"),
        (good_json(url='"https://ada.example/\\ud83d"'), "url"),
        (good_json(email='"ada\\udc00@ada.example"'), "email"),
        (good_json(website='"\\ud800"'), "website"),
        (good_json(**{"\\ud800": '"x"'}), "\\ud800"),
        (good_json(reply_to="1" * 5000), "reply_to"),
        (good_json(extra="-" + "9" * 5000), ""),
        (good_json(extra="[" * 5000 + "]" * 5000), "request"),
        (good_json(extra='{"a":' * 5000 + "1" + "}" * 5000), "request"),
        ("[" * 30_000 + "]" * 30_000, "request"),
    ],
    ids=[
        "surrogate-name",
        "surrogate-body",
        "surrogate-url",
        "surrogate-email",
        "surrogate-extra-field",
        "surrogate-key",
        "huge-int-field",
        "huge-int-ignored-field",
        "deep-array",
        "deep-object",
        "deep-top-level",
    ],
)
def test_json_the_store_cannot_keep_is_a_400_naming_the_field(live_server, body, field) -> None:
    response = post_raw(live_server.url, body, JSON)
    if not field:  # an unknown field holding a huge number is ignored like any unknown field
        assert response.status_code == 202
        return
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
    assert live_server.service.store.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (good_json(name='"Ada \\ud800 Lovelace"'), "name"),
        (good_json(reply_to="1" * 5000), "reply_to"),
        (good_json(extra="[" * 5000 + "]" * 5000), "request"),
    ],
    ids=["surrogate", "huge-int", "deep"],
)
def test_corrections_refuse_the_same_json(live_server, body, field) -> None:
    held = httpx.post(
        f"{live_server.url}/api/comments", json={**GOOD, "url": "https://bit.ly/abc"}, timeout=10
    ).json()
    api = held["status_url"].replace("/comments/", "/api/comments/")
    response = post_raw(live_server.url, body, JSON, path=api)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
    assert live_server.service.store.get(held["id"]).blog_url == "https://bit.ly/abc"


def test_correction_form_refuses_a_list_of_addresses(live_server) -> None:
    held = httpx.post(
        f"{live_server.url}/api/comments", json={**GOOD, "url": "https://bit.ly/abc"}, timeout=10
    ).json()
    fields = {**GOOD, "email": "root,attacker@evil.example"}
    response = httpx.post(live_server.url + held["status_url"], data=fields, timeout=10)
    assert response.status_code == 400
    assert "e-mail address" in response.text
    assert live_server.service.store.get(held["id"]).email == GOOD["email"]


@pytest.mark.parametrize(
    "content_type",
    ["APPLICATION/JSON", "Application/Json; charset=UTF-8", "application/json ; charset=utf-8"],
    ids=["upper", "mixed-with-charset", "space-before-parameter"],
)
def test_json_media_type_is_case_insensitive(live_server, content_type) -> None:
    response = post_raw(live_server.url, good_json(), {"Content-Type": content_type})
    assert response.status_code == 202
    assert response.json()["status"] == "pending"


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (good_json(name='"Ada Lovelace", "name": "admin"'), JSON),
        (urlencode([*GOOD.items(), ("name", "admin")]), FORM),
        (urlencode([*GOOD.items(), ("email", "b@evil.example")]), FORM),
    ],
    ids=["json", "form", "form-email"],
)
def test_a_repeated_field_is_refused(live_server, body, headers) -> None:
    response = post_raw(live_server.url, body, headers)
    assert response.status_code == 400
    field = "email" if "evil" in body else "name"
    assert response.json()["field"] == field
    assert "more than once" in response.json()["error"]
    assert live_server.service.store.count() == 0
