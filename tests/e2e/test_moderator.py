"""A moderator decides in the browser; readers see the result in the rebuilt pages."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from moderation.model import Status
from moderation.passwords import hash_password

ARTICLE = "/posts/coffee-meal-beer-rule/"
PASSWORD = "a long moderator passphrase"
GOOD = {
    "article": "coffee-meal-beer-rule",
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "body": "The coffee rule saved me from a dozen awkward connection requests.",
}
SCRIPT_PAYLOADS = "\n\n".join(
    [
        "<script>window.__pwned = 'script'; alert('script')</script>",
        "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\">",
        "[click me](javascript:alert('link'))",
        "<svg onload=\"alert('svg')\"></svg>",
        "<iframe src=\"javascript:alert('iframe')\"></iframe>",
        "<a href=\"javascript:alert('a')\">raw link</a>",
        "<details open ontoggle=\"alert('details')\">x</details>",
        "[ref][1]\n\n[1]: javascript:alert('ref')",
    ]
)


@pytest.fixture
def moderator(blog) -> str:
    blog.service.store.set_password("robin", hash_password(PASSWORD))
    return "robin"


def log_in(page: Page, blog, username: str) -> None:
    page.goto(f"{blog.url}/moderate/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-submit")


def submit(blog, **change: str) -> int:
    response = httpx.post(f"{blog.url}/api/comments", json={**GOOD, **change}, timeout=10)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def approve_in_browser(page: Page, blog, comment_id: int) -> None:
    page.goto(f"{blog.url}/moderate/comments/{comment_id}")
    with page.expect_navigation():
        page.click(f"#approve-{comment_id}")
    expect(page.locator("#flash")).to_be_visible()
    assert blog.service.publisher.wait_idle(timeout=60)


def test_moderator_sees_checks_approves_and_the_reader_sees_the_comment(
    page: Page, blog, moderator: str
) -> None:
    comment_id = submit(blog)
    log_in(page, blog, moderator)
    card = page.locator(f"#comment-{comment_id}")
    expect(card).to_contain_text("Ada Lovelace")
    expect(card.locator(".checks li")).to_have_count(len(blog.service.policy.checks))
    expect(card.locator(".checks")).to_contain_text("civility")
    with page.expect_navigation():
        page.click(f"#approve-{comment_id}")
    assert blog.service.publisher.wait_idle(timeout=60)
    assert blog.service.store.get(comment_id).status is Status.APPROVED
    page.goto(blog.url + ARTICLE)
    published = page.locator(f"#comments #comment-{comment_id}")
    expect(published).to_contain_text("awkward connection requests")
    expect(published.locator("a[rel~=nofollow]").first).to_have_attribute(
        "href", "https://adalovelace.net/"
    )


def test_a_reply_shows_nested_under_its_parent(browser: Browser, blog, moderator: str) -> None:
    parent = submit(blog)
    page = browser.new_page()
    log_in(page, blog, moderator)
    approve_in_browser(page, blog, parent)
    page.goto(blog.url + ARTICLE)
    page.click(f"#comment-{parent} .comment-reply")
    expect(page.locator(".comment-replying")).to_be_visible()
    page.fill("#comment-name", "Grace Hopper")
    page.fill("#comment-url", "https://gracehopper.org/")
    page.fill("#comment-body", "Same here: a coffee beats a connection request every time.")
    page.wait_for_timeout(3100)
    page.click("#comment-form button[type=submit]")
    expect(page.locator(".comment-result")).to_contain_text("awaiting moderation")
    [reply] = [c for c in blog.service.store.queue() if c.reply_to == parent]
    approve_in_browser(page, blog, reply.id)
    page.goto(blog.url + ARTICLE)
    nested = page.locator(f"#comment-{parent} .comment-replies #comment-{reply.id}")
    expect(nested).to_contain_text("Grace Hopper")
    page.close()


def test_script_payloads_are_displayed_inert(browser: Browser, blog, moderator: str) -> None:
    comment_id = submit(blog, body=SCRIPT_PAYLOADS)
    moderator_page = browser.new_page()
    dialogs: list[str] = []
    moderator_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(moderator_page, blog, moderator)
    approve_in_browser(moderator_page, blog, comment_id)
    reader = browser.new_page()
    reader.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    reader.goto(blog.url + ARTICLE)
    body = reader.locator(f"#comment-{comment_id} .comment__body")
    expect(body).to_contain_text("click me")
    expect(body).to_contain_text("<script>")  # shown as text, as written
    for link in body.locator("a").all():  # whatever links survived must not run anything
        link.click(no_wait_after=True, timeout=2000)
    reader.wait_for_timeout(500)
    assert dialogs == []
    assert reader.evaluate("window.__pwned") is None
    assert body.locator("script, img, svg, iframe, details, [onerror], [onload]").count() == 0
    assert body.locator("a[href^='javascript' i]").count() == 0
    moderator_page.close()
    reader.close()


def test_moderator_pages_need_a_login_and_refuse_forged_posts(
    page: Page, blog, moderator: str
) -> None:
    comment_id = submit(blog)
    page.goto(f"{blog.url}/moderate")
    expect(page).to_have_url(re.compile(r"/moderate/login\?next="))
    log_in(page, blog, moderator)
    forged = page.request.post(
        f"{blog.url}/moderate/comments/{comment_id}/decide",
        form={"action": "approve"},
        headers={"Origin": blog.url},
    )
    assert forged.status == 403
    assert blog.service.store.get(comment_id).status is Status.PENDING


def test_moderator_page_has_no_horizontal_scroll_on_a_phone(
    browser: Browser, blog, moderator: str
) -> None:
    submit(blog)
    submit(blog, url="https://www.linkedin.com/in/a-very-long-profile-name-that-could-overflow")
    page = browser.new_page(viewport={"width": 375, "height": 800})
    log_in(page, blog, moderator)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.close()
