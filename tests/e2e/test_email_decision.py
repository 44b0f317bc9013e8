"""A moderator decides from the e-mail on a phone: the link in a real message (aiosmtpd on
loopback) opens a confirmation page, one tap approves, and readers see the comment."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Browser, expect
from servers import LiveService
from smtpserver import smtp_env, wait_for

from moderation.model import Status
from moderation.publish import SiteBuilder

ARTICLE = "/posts/coffee-meal-beer-rule/"
ROBIN = "robin@blog.example"
COMMENT = {
    "article": "coffee-meal-beer-rule",
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "body": "Decided from a phone between two meetings: the coffee rule holds up.",
}


@pytest.fixture
def mailing_blog(mailbox, project, start_service: Callable[..., LiveService]) -> LiveService:
    SiteBuilder(project.settings_file, project.content, project.output)()
    return start_service(rebuild=True, live=True, **smtp_env(mailbox[1]))


def test_moderator_approves_from_the_email_on_a_phone(
    browser: Browser, mailing_blog: LiveService, mailbox
) -> None:
    blog, box = mailing_blog, mailbox[0]
    answer = httpx.post(f"{blog.url}/api/comments", json=COMMENT, timeout=10).json()
    wait_for(lambda: box.to(ROBIN))
    body = box.to(ROBIN)[-1].get_payload(decode=True).decode()
    path = re.search(r"https?://[^/\s]+(/moderate/mail/\S+)", body).group(1)

    phone = browser.new_page(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    phone.goto(blog.url + path)
    expect(phone.locator("#mail-title")).to_contain_text("Ada Lovelace")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    approve = phone.locator("#mail-approve")
    expect(approve).to_be_in_viewport()
    box_size = approve.bounding_box()
    assert box_size is not None and box_size["height"] >= 44  # a thumb's target
    assert blog.service.store.get(answer["id"]).status is Status.PENDING  # opening: nothing

    with phone.expect_navigation():
        approve.tap()
    expect(phone.locator("#mail-outcome")).to_contain_text("approved")
    assert blog.service.publisher.wait_idle(timeout=60)
    # The link names the public article (SITEURL); this test's blog runs on another port.
    article_link = phone.locator("#mail-article").get_attribute("href") or ""
    assert article_link.endswith(f"{ARTICLE}#comment-{answer['id']}")
    phone.goto(blog.url + ARTICLE)
    expect(phone.locator(f"#comments #comment-{answer['id']}")).to_contain_text(
        "the coffee rule holds up"
    )
    phone.close()
