"""With JavaScript, each reason a held comment gets is shown at the field it concerns, and a
comment held only to wait for a moderator asks for no correction."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

ARTICLE = "/posts/coffee-meal-beer-rule/"
BODY = "The coffee rule saved me from a dozen awkward connection requests. Thank you."


def send(page: Page, blog, *, url: str) -> None:
    page.goto(blog.url + ARTICLE)
    page.fill("#comment-name", "Ada Lovelace")
    page.fill("#comment-url", url)
    page.fill("#comment-body", BODY)
    page.wait_for_timeout(3100)  # a person takes a few seconds: the form token says so
    page.click("#comment-form button[type=submit]")


def test_a_reason_about_the_address_is_shown_at_the_address(page: Page, blog) -> None:
    send(page, blog, url="https://www.linkedin.com/in/ada-lovelace")
    url = page.locator("#comment-url")
    expect(url).to_have_attribute("aria-invalid", "true")
    note_id = url.get_attribute("aria-describedby").split()[-1]
    assert "comment-url-hint" in url.get_attribute("aria-describedby")
    expect(page.locator(f"#{note_id}")).to_contain_text("LinkedIn profile is not a blog")
    expect(page.locator(".comment-result")).to_contain_text("LinkedIn profile is not a blog")
    expect(page.locator("#comment-name")).not_to_have_attribute("aria-invalid", "true")
    expect(url).to_be_focused()
    page.fill("#comment-url", "https://adalovelace.net/")
    page.click("#comment-form button[type=submit]")
    expect(page.locator(".comment-result")).to_contain_text("awaiting moderation")
    expect(page.locator(".field__error")).to_have_count(0)
    expect(url).not_to_have_attribute("aria-invalid", "true")


def test_a_comment_held_only_to_wait_asks_for_no_correction(page: Page, blog) -> None:
    first = {"article": "coffee-meal-beer-rule", "name": "Ada Lovelace", "body": BODY}
    httpx.post(f"{blog.url}/api/comments", json={**first, "url": "https://ada.example/"})
    send(page, blog, url="https://adalovelace.net/")  # the same words again: a duplicate
    result = page.locator(".comment-result")
    expect(result).to_contain_text("nothing to change")
    expect(result).not_to_contain_text("Correct")
    expect(page.locator(".field__error")).to_have_count(0)
    expect(page.locator("#comment-form button[type=submit]")).to_have_text("Send comment")
