"""The commenter's status and error pages look like the blog: its header, menu, CSS, favicon."""

from __future__ import annotations

import httpx
import pytest
from sitecheck import parse_html

COMMENT = {
    "article": "coffee-meal-beer-rule",
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "body": "I tried the coffee rule at a meetup last week; the follow-ups felt natural.",
}


def status_page(live_server) -> str:
    sent = httpx.post(f"{live_server.url}/api/comments", data=COMMENT, timeout=10)
    return httpx.get(live_server.url + sent.headers["location"], timeout=10).text


def error_page(live_server) -> str:
    unknown = {**COMMENT, "article": "no-such-article"}
    answer = httpx.post(f"{live_server.url}/api/comments", data=unknown, timeout=10)
    assert answer.status_code == 404
    return answer.text


@pytest.mark.parametrize("page", [status_page, error_page], ids=["status", "error"])
def test_commenter_pages_carry_the_site_header_and_menu(live_server, page) -> None:
    document = parse_html(page(live_server))
    origin = live_server.settings.site_origin
    [title] = document.find_all("p", **{"class": "site-title"})
    assert document.text_of(title).strip() == live_server.settings["SITENAME"]
    [nav] = document.find_all("nav", **{"class": "site-nav"})
    links = {document.text_of(a).strip(): a.get("href") for a in nav.iter("a")}
    assert links == {
        "Archives": f"{origin}/archives/",
        "Topics": f"{origin}/categories/",
        "About": f"{origin}/about/",
        "Comment Policy": f"{origin}/comment-policy/",
    }


@pytest.mark.parametrize("page", [status_page, error_page], ids=["status", "error"])
def test_commenter_pages_load_the_theme_stylesheet_and_favicon(live_server, page) -> None:
    document = parse_html(page(live_server))
    links = {link.get("rel"): link.get("href") for link in document.find_all("link")}
    stylesheet = httpx.get(live_server.url + links["stylesheet"], timeout=10)
    favicon = httpx.get(live_server.url + links["icon"], timeout=10)
    assert links["stylesheet"] != "/comments-assets/service.css"
    assert stylesheet.headers["content-type"].startswith("text/css")
    assert "--accent" in stylesheet.text  # the theme's own stylesheet
    assert favicon.headers["content-type"] == "image/svg+xml"
