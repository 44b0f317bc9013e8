"""A reader comments from an article page, with and without JavaScript."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

ARTICLE = "/posts/coffee-meal-beer-rule/"
BODY = "The coffee rule saved me from a dozen awkward connection requests. Thank you."


def fill_form(page: Page, *, url: str, body: str = BODY) -> None:
    page.fill("#comment-name", "Ada Lovelace")
    page.fill("#comment-url", url)
    page.fill("#comment-email", "ada@adalovelace.net")
    page.fill("#comment-body", body)


def test_held_reason_shows_inline_and_the_correction_goes_through(page: Page, blog) -> None:
    page.goto(blog.url + ARTICLE)
    fill_form(page, url="https://www.linkedin.com/in/ada-lovelace")
    page.wait_for_timeout(3100)  # a person takes a few seconds: the form token says so
    page.click("#comment-form button[type=submit]")
    result = page.locator("#comment-form .comment-result")
    expect(result).to_contain_text("held")
    expect(result).to_contain_text("LinkedIn profile is not a blog")
    page.fill("#comment-url", "https://adalovelace.net/")
    page.click("#comment-form button[type=submit]")
    expect(result).to_contain_text("awaiting moderation")
    [comment] = blog.service.store.queue()
    assert (comment.status.value, comment.blog_url) == ("pending", "https://adalovelace.net/")


def test_without_javascript_the_form_posts_and_the_status_page_corrects(
    browser: Browser, blog
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(blog.url + ARTICLE)
    fill_form(page, url="https://www.linkedin.com/in/ada-lovelace")
    with page.expect_navigation():
        page.click("#comment-form button[type=submit]")
    assert re.search(r"/comments/[\w-]+$", page.url)
    expect(page.locator("h1")).to_contain_text("held")
    expect(page.locator(".reasons")).to_contain_text("LinkedIn profile is not a blog")
    page.fill("#url", "https://adalovelace.net/")
    with page.expect_navigation():
        page.click(".correction button[type=submit]")
    expect(page.locator("h1")).to_contain_text("awaiting moderation")
    context.close()


def test_article_page_has_no_horizontal_scroll_on_a_phone(browser: Browser, blog) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(blog.url + ARTICLE)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.close()
