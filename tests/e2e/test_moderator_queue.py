"""The moderators' queue stays short to scan: failed checks first, passed ones folded away.

Eight held comments measured 7,178 px at 1,280 px wide (9,294 px at 375 px) when every check
was listed open on every card; docs/moderation-page.md has today's figures."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, Page, expect

from moderation.passwords import hash_password

PASSWORD = "a long moderator passphrase"
HELD = [
    {"name": "jdoe1987", "url": "https://jdoe.example/"},
    {"name": "Ada Lovelace", "url": "https://www.linkedin.com/in/ada-lovelace"},
    {"name": "Career Coach", "url": "https://careercoach.example/"},
    {"name": "Grace Hopper", "url": "https://bit.ly/3abc"},
]
BODY = (
    "I tried the coffee rule for a month ({n}). Two of the people I met that way have since"
    " introduced me to hiring managers, which no number of connection requests ever did.\n\n"
    "The hard part was asking: most people said yes, and the ones who said no were kind."
)


def queue_page(browser: Browser, blog, width: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{blog.url}/moderate/login")
    page.fill("#username", "robin")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-submit")
    expect(page.locator(".comment-card")).to_have_count(8)
    return page


def test_a_queue_of_eight_held_comments_shows_what_held_each(browser: Browser, blog) -> None:
    blog.service.store.set_password("robin", hash_password(PASSWORD))
    for n in range(8):
        fields = {"article": "coffee-meal-beer-rule", "body": BODY.format(n=n), **HELD[n % 4]}
        answer = httpx.post(f"{blog.url}/api/comments", json=fields, timeout=10)
        assert answer.json()["status"] == "held", answer.text
    heights = {}
    for width in (1280, 375):
        page = queue_page(browser, blog, width)
        heights[width] = page.evaluate("document.documentElement.scrollHeight")
        print(f"queue of 8 held comments: {heights[width]} px at {width} px wide")
        card = page.locator(".comment-card").first
        expect(card.locator(".checks > ul .check--hold")).to_have_count(1)
        expect(card.locator(".checks-passed")).not_to_have_attribute("open", "")
        expect(card.locator(".checks-passed .check").first).not_to_be_visible()
        card.locator(".checks-passed summary").click()
        expect(card.locator(".checks-passed .check").first).to_be_visible()
        page.close()
    assert heights[1280] < 5000 and heights[375] < 8000
