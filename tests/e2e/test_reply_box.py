"""A reader on a phone ticks "E-mail me replies": the box sits beside its label, the form's
script sends it, and the first message (aiosmtpd on loopback) only asks to confirm."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, expect
from servers import LiveService
from smtpserver import smtp_env, wait_for

from moderation.publish import SiteBuilder

ARTICLE = "/posts/coffee-meal-beer-rule/"
ADA = "ada@adalovelace.net"


@pytest.fixture
def mailing_blog(mailbox, project, start_service: Callable[..., LiveService]) -> LiveService:
    SiteBuilder(project.settings_file, project.content, project.output)()
    return start_service(**smtp_env(mailbox[1], COMMENTS_MODERATOR_EMAILS=""))


def test_a_reader_asks_for_replies_on_a_phone(browser: Browser, mailing_blog, mailbox) -> None:
    blog, box = mailing_blog, mailbox[0]
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(blog.url + ARTICLE)
    page.fill("#comment-name", "Ada Lovelace")
    page.fill("#comment-url", "https://adalovelace.net/")
    page.fill("#comment-email", ADA)
    page.fill("#comment-body", "The coffee rule worked for me; tell me if anyone answers.")
    tick = page.locator("#comment-notify")
    size = tick.bounding_box()
    assert size is not None and size["width"] < 40  # a box, not a full-width field
    page.click("label[for=comment-notify]")
    expect(tick).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.wait_for_timeout(3100)  # a person takes a few seconds: the form token says so
    page.click("#comment-form button[type=submit]")
    expect(page.locator("#comment-form .comment-result")).to_contain_text("awaiting moderation")
    wait_for(lambda: box.to(ADA))
    [message] = box.to(ADA)
    assert message["Subject"].startswith("Confirm: replies to your comment")
    assert blog.service.store.subscription(1).state == "unconfirmed"
    page.close()
