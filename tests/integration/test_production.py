"""`moderate serve --production`: HSTS, Secure cookies, and the loopback proxy's client address."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest
from servers import serving

from moderation.settings import Settings
from moderation.web.app import create_app
from moderation.wiring import build_service

COMMENT = {
    "article": "coffee-meal-beer-rule",
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "body": "I tried the coffee rule at a meetup last week; the follow-ups felt natural.",
}


@pytest.fixture
def production(project) -> Iterator[tuple[str, object]]:
    """The app as `serve --production` builds it, with no COMMENTS_TRUSTED_PROXIES set."""
    environ = {"COMMENTS_RATE_LIMIT": "1000", "COMMENTS_STORE_IP": "whole"}
    settings = Settings.load(project.settings_file, environ=environ)
    with ExitStack() as stack:
        service = build_service(settings, project.settings_file, rebuild=False)
        stack.callback(service.store.close)
        app = create_app(service, settings, production=True)
        yield stack.enter_context(serving(app)), service


def test_forwarded_for_from_the_loopback_proxy_names_the_client(production) -> None:
    url, service = production
    headers = {"X-Forwarded-For": "203.0.113.9"}
    answer = httpx.post(f"{url}/api/comments", json=COMMENT, headers=headers, timeout=10)
    assert service.store.get(answer.json()["id"]).ip == "203.0.113.9"


def test_responses_carry_hsts(production) -> None:
    url, _ = production
    response = httpx.get(f"{url}/healthz", timeout=10)
    assert response.headers["strict-transport-security"] == "max-age=31536000"


def test_moderator_cookies_are_secure(production) -> None:
    url, _ = production
    response = httpx.get(f"{url}/moderate/login", timeout=10)
    cookies = response.headers.get_list("set-cookie")
    assert cookies
    assert all("secure" in cookie.lower().split("; ") for cookie in cookies)
