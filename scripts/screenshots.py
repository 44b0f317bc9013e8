"""Take the README's screenshots with Debian's Chromium (no browser download).

    python scripts/screenshots.py --out docs/screenshots

Builds a throwaway copy of the blog (tests/servers.py `make_project`), serves it with the
comment service on a free loopback port, approves a few comments through the service, and
photographs: the home page and an article; an article's comments; the comment form showing
a held reason; the moderator queue. Each at phone and desktop width. Stops everything after.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # what tests/servers.py imports beside it

from servers import make_project, serving  # noqa: E402

from moderation.model import Action  # noqa: E402
from moderation.passwords import hash_password  # noqa: E402
from moderation.publish import SiteBuilder  # noqa: E402
from moderation.settings import Settings  # noqa: E402
from moderation.web.app import create_app  # noqa: E402
from moderation.wiring import build_service  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}
ARTICLE = "coffee-meal-beer-rule"
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


def publish_comments(url: str, service) -> None:
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


def save(page: Page, target: Path, element=None) -> None:
    (element or page).screenshot(path=str(target))
    print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        project = make_project(Path(work) / "blog")
        SiteBuilder(project.settings_file, project.content, project.output)()
        settings = Settings.load(project.settings_file, environ={"COMMENTS_RATE_LIMIT": "0"})
        service = build_service(settings, project.settings_file)
        service.store.set_password("robin", hash_password(PASSWORD))
        try:
            with serving(create_app(service, settings, site_dir=project.output)) as url:
                publish_comments(url, service)
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=CHROMIUM, args=CHROMIUM_ARGS
                    )
                    shoot(browser, url, args.out)
                    browser.close()
        finally:
            service.store.close()


if __name__ == "__main__":
    main()
