"""Take the README's screenshots with Debian's Chromium (no browser download).

    python scripts/screenshots.py --out docs/screenshots

Builds a throwaway copy of the blog (tests/servers.py `make_project`), serves it with the
comment service on a free loopback port, approves a few comments through the service, and
photographs: the home page and an article; an article's comments; the comment form showing
a held reason; the moderator queue. Each at phone and desktop width. Stops everything after.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page
from screenshot_setup import ARTICLE, WIDTHS, chromium, output_folder, save, throwaway_blog

# isort: split
# From tests/, which screenshot_setup has put on the import path.
from servers import serving

from moderation.model import Action
from moderation.passwords import hash_password
from moderation.service import CommentService

PASSWORD = "screenshots only, thrown away"
COMMENTS = [
    (
        "Priya Raman",
        "https://priyaraman.net/",
        "I adopted the coffee rule last year. My "
        "network is smaller now, but I could call any of them tomorrow and they would pick up.",
    ),
    (
        "Tomás Ortega",
        "https://tomasortega.org/",
        "I disagree a little: for remote workers a "
        "video call has to count, or some of us would never connect with anyone.",
    ),
]
REPLY = (
    "Priya Raman",
    "https://priyaraman.net/",
    "Fair point, Tomás. A real conversation is the test, whatever the medium; a *click* is not.",
)


def publish_comments(url: str, service: CommentService) -> None:
    """Comments as readers would send them, approved as a moderator would."""
    ids = []
    for name, blog, body in COMMENTS:
        answer = httpx.post(
            f"{url}/api/comments",
            timeout=10,
            json={"article": ARTICLE, "name": name, "url": blog, "body": body},
        )
        ids.append(answer.json()["id"])
    for comment_id in ids:
        service.decide(comment_id, Action.APPROVE, "robin")
    name, blog, body = REPLY
    reply = httpx.post(
        f"{url}/api/comments",
        timeout=10,
        json={"article": ARTICLE, "name": name, "url": blog, "body": body, "reply_to": str(ids[1])},
    )
    service.decide(reply.json()["id"], Action.APPROVE, "robin")
    for name, blog, body in [
        ("seo_guru_99", "https://bit.ly/cheap", "Great post!!! Visit my site for cheap followers"),
        ("Dana Kim", "https://www.linkedin.com/in/dana-kim", "Thanks, sending this to my team."),
    ]:
        httpx.post(
            f"{url}/api/comments",
            timeout=10,
            json={"article": ARTICLE, "name": name, "url": blog, "body": body},
        )
    service.publisher.wait_idle(timeout=120)


def shoot(browser: Browser, url: str, out: Path) -> None:
    for device, (width, height) in WIDTHS.items():
        page = browser.new_page(viewport={"width": width, "height": height})
        for name, path in {"home": "/", "article": f"/posts/{ARTICLE}/"}.items():
            page.goto(url + path)
            save(page, out / f"{name}-{device}.png")
        page.goto(f"{url}/posts/{ARTICLE}/#comments")
        save(page, out / f"comments-{device}.png", page.locator("#comments"))
        held_reason(page, out / f"held-reason-{device}.png")
        moderator_queue(page, url, out / f"moderator-queue-{device}.png")
        page.close()


def held_reason(page: Page, target: Path) -> None:
    page.fill("#comment-name", "Sam Lee")
    page.fill("#comment-url", "https://www.linkedin.com/in/sam-lee")
    page.fill("#comment-body", "Great advice: I will try the coffee rule this week.")
    page.wait_for_timeout(3100)  # as long as a person takes; the form token checks it
    page.click("#comment-form button[type=submit]")
    page.locator(".comment-result").filter(has_text="held").wait_for()
    save(page, target, page.locator(".comment-respond"))


def moderator_queue(page: Page, url: str, target: Path) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/moderate/login")
    page.fill("#username", "robin")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-submit")
    save(page, target)


def main() -> None:
    out = output_folder(__doc__)
    with throwaway_blog() as (service, app):
        service.store.set_password("robin", hash_password(PASSWORD))
        with serving(app) as url:
            publish_comments(url, service)
            with chromium() as browser:
                shoot(browser, url, out)


if __name__ == "__main__":
    main()
