"""Property test of the intake and correction parsers: whatever arrives, never a 5xx.

Hypothesis posts arbitrary JSON values, comment-shaped objects with arbitrary field values
(lone surrogates, huge integers, deep nesting included), arbitrary bytes and arbitrary form
bodies to the real ASGI app, with a real SQLite store behind it. The service must answer
2xx or 4xx, and a 4xx must leave the store as it was. Bounded and derandomized, so it runs in
a few seconds and the same way in CI; the issue 13 review found what this would have found.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from servers import make_project
from starlette.testclient import TestClient

from moderation.service import CommentService
from moderation.settings import Settings
from moderation.web.app import create_app
from moderation.wiring import build_service

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FIELDS = ("article", "name", "url", "email", "body", "reply_to", "token", "website")
GOOD = {
    "article": "coffee-meal-beer-rule",
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "email": "ada@adalovelace.net",
    "body": "I tried the coffee rule at a meetup last week; the follow-ups felt natural.",
}

# Every code point, lone surrogates included: JSON can escape them, UTF-8 cannot hold them.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | any_text
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)
# Raw JSON text Hypothesis would rarely reach: numbers and nesting past Python's limits.
extreme_json = st.one_of(
    st.integers(4000, 6000).map(lambda n: "9" * n),
    st.integers(4000, 6000).map(lambda n: "-0." + "1" * n + "e-99999"),
    st.integers(900, 6000).map(lambda n: "[" * n + "]" * n),
    st.integers(900, 6000).map(lambda n: '{"a":' * n + "0" + "}" * n),
    st.just('"\\ud800"'),
    st.just('"\\udfff\\ud800"'),
)
field_json = st.one_of(json_values.map(json.dumps), extreme_json, st.just(json.dumps("x")))
# Half the time a whole valid comment underneath, so fuzzed fields reach the policy and store.
base_fields = st.one_of(st.just(frozenset(GOOD)), st.frozensets(st.sampled_from(sorted(GOOD))))


@dataclass
class Target:
    client: TestClient
    service: CommentService
    held_api: str  # the JSON correction endpoint of a held comment
    held_page: str  # its plain-form correction endpoint


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """One app for all examples (a fixture per example would dominate the run time)."""
    project = make_project(tmp_path_factory.mktemp("fuzz") / "blog")
    app_settings = Settings.load(project.settings_file, environ={"COMMENTS_RATE_LIMIT": "1000000"})
    service = build_service(app_settings, Path(project.settings_file), rebuild=False)
    app = create_app(service, app_settings)
    client = TestClient(app, raise_server_exceptions=True)  # no lifespan: nothing is published
    held = client.post("/api/comments", json={**GOOD, "url": "https://bit.ly/abc"}).json()
    assert held["status"] == "held"
    page = held["status_url"]
    yield Target(client, service, page.replace("/comments/", "/api/comments/"), page)
    client.close()
    service.store.close()


def answers_without_error(target: Target, path: str, content: bytes, content_type: str) -> None:
    """POST; the answer is never a 5xx, and a refusal stores nothing and changes nothing."""
    store = target.service.store
    before = (store.count(), store.stats())
    response = target.client.post(
        path, content=content, headers={"Content-Type": content_type, "Accept": "application/json"}
    )
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert (store.count(), store.stats()) == before, response.text
        assert response.json()["error"]


paths = st.sampled_from(["/api/comments", "held-api", "held-page"])


def resolve(target: Target, path: str) -> str:
    return {"held-api": target.held_api, "held-page": target.held_page}.get(path, path)


@pytest.mark.slow
@FUZZ
@given(value=json_values, path=paths)
def test_any_json_value_is_answered_without_error(target, value, path) -> None:
    body = json.dumps(value).encode()
    answers_without_error(target, resolve(target, path), body, "application/json")


@pytest.mark.slow
@FUZZ
@given(
    fields=st.dictionaries(st.sampled_from(FIELDS) | any_text, field_json, max_size=10),
    keep=base_fields,
    path=paths,
)
def test_comment_shaped_json_is_answered_without_error(target, fields, keep, path) -> None:
    members = {key: json.dumps(GOOD[key]) for key in keep} | fields
    body = "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in members.items()) + "}"
    answers_without_error(target, resolve(target, path), body.encode(), "application/json")


@pytest.mark.slow
@FUZZ
@given(
    pairs=st.lists(st.tuples(st.sampled_from(FIELDS) | any_text, any_text), max_size=12),
    keep=base_fields,
    path=paths,
)
def test_any_form_is_answered_without_error(target, pairs, keep, path) -> None:
    fields = [(key, GOOD[key]) for key in sorted(keep)] + pairs
    body = urlencode(fields, errors="surrogatepass").encode()
    form = "application/x-www-form-urlencoded"
    answers_without_error(target, resolve(target, path), body, form)


@pytest.mark.slow
@FUZZ
@given(
    body=st.binary(max_size=300),
    content_type=st.sampled_from(["application/json", "application/x-www-form-urlencoded"]),
    path=paths,
)
def test_any_bytes_are_answered_without_error(target, body, content_type, path) -> None:
    answers_without_error(target, resolve(target, path), body, content_type)
