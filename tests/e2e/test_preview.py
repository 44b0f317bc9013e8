"""`make preview` serves the pages with Pelican's own server and no comment service: the
comment form says so, instead of sending the reader to a bare "501 Unsupported method"."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from servers import free_socket

from moderation.publish import SiteBuilder

ARTICLE = "/posts/coffee-meal-beer-rule/"


@pytest.fixture
def preview(project) -> Iterator[str]:
    """The dev build served the way `pelican --listen` (make preview) serves it."""
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

    SiteBuilder(project.settings_file, project.content, project.output)()
    with free_socket() as sock:
        port = sock.getsockname()[1]
    server = RootedHTTPServer(str(project.output), ("127.0.0.1", port), ComplexHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_preview_form_says_comments_need_make_run(page: Page, preview: str) -> None:
    page.goto(preview + ARTICLE)
    page.click("#comment-name")  # the form asks the service for a token on first focus
    result = page.locator("#comment-form .comment-result")
    expect(result).to_contain_text("Comments are served by `make run`.")


def test_sending_from_the_preview_stays_on_the_page(page: Page, preview: str) -> None:
    page.goto(preview + ARTICLE)
    page.fill("#comment-name", "Ada Lovelace")
    page.fill("#comment-url", "https://adalovelace.net/")
    page.fill("#comment-body", "Trying the form in the preview.")
    page.click("#comment-form button[type=submit]")
    expect(page.locator("#comment-form .comment-result")).to_contain_text("`make run`")
    assert page.url == preview + ARTICLE
    assert page.locator("#comment-body").input_value() == "Trying the form in the preview."
