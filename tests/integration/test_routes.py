"""Addresses a person may type: `/moderate/` reaches the moderator pages (issue 13)."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize(
    ("path", "location"),
    [("/moderate/", "/moderate"), ("/moderate/?status=held", "/moderate?status=held")],
    ids=["plain", "query"],
)
def test_trailing_slash_redirects_to_the_moderator_page(live_server, path, location) -> None:
    response = httpx.get(live_server.url + path, timeout=10)
    assert response.status_code in (301, 308)
    assert response.headers["location"] == location


def test_trailing_slash_ends_on_the_login_form(live_server) -> None:
    response = httpx.get(live_server.url + "/moderate/", follow_redirects=True, timeout=10)
    assert response.status_code == 200
    assert "password" in response.text
