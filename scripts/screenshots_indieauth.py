"""Take docs/indieweb.md's screenshots of "Sign in with your blog", at phone and desktop width.

    python scripts/screenshots_indieauth.py --out docs/screenshots

As scripts/screenshots.py does, on a throwaway copy of the blog; the commenter's blog and its
IndieAuth server are tests/indieauth_server.py on loopback (Chromium and NetGuard both map
`juli.test` to 127.0.0.1, port 80, so the blog's address has no port, as a real one would
not). Photographs the form with the button, the form after signing in, the status page, and
the published comment with its "✓ their blog" mark.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser
from screenshot_setup import ARTICLE, WIDTHS, chromium, output_folder, save, throwaway_blog

# isort: split
# From tests/, which screenshot_setup has put on the import path.
from indieauth_server import AuthServer, guard_for, serving_auth_server
from servers import serving

from moderation.model import Action
from moderation.service import CommentService

# One comment per width, each its own words (the same words twice would be held as a copy).
BODIES = {
    "phone": "I signed in with my own blog for this one: the coffee rule works for remote teams.",
    "desktop": "Signed in with my blog: a video coffee counts too, as long as it is a real talk.",
}


def shoot(browser: Browser, url: str, auth: AuthServer, service: CommentService, out: Path) -> None:
    for device, (width, height) in WIDTHS.items():
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(f"{url}/posts/{ARTICLE}/#comment-form")
        page.fill("#comment-name", "Juli Ramirez")
        page.fill("#comment-url", auth.url("/"))
        page.fill("#comment-body", BODIES[device])
        save(page, out / f"indieauth-button-{device}.png", page.locator(".comment-respond"))
        page.click("text=Sign in with your blog")
        page.click("text=Approve")
        page.locator(".comment-signin__status").filter(has_text="Signed in").wait_for()
        save(page, out / f"indieauth-signed-in-{device}.png", page.locator(".comment-respond"))
        page.wait_for_timeout(3100)  # as long as a person takes; the form token checks it
        page.click("#comment-form button[type=submit]")
        page.click("text=Your comment's status page")
        page.locator(".signed-in-blog").wait_for()
        save(page, out / f"indieauth-status-{device}.png")
        comment = service.store.queue()[0]
        service.decide(comment.id, Action.APPROVE, "robin")
        service.publisher.wait_idle(timeout=120)
        page.goto(f"{url}/posts/{ARTICLE}/#comment-{comment.id}")
        save(page, out / f"indieauth-badge-{device}.png", page.locator(f"#comment-{comment.id}"))
        page.close()


def main() -> None:
    out = output_folder(__doc__)
    with (
        throwaway_blog() as (service, app),
        serving_auth_server(port=80) as auth,
        serving(app) as url,
    ):
        app.state.indieauth.guard = guard_for(auth)
        with chromium("--host-resolver-rules=MAP juli.test 127.0.0.1") as browser:
            shoot(browser, url, auth, service, out)


if __name__ == "__main__":
    main()
