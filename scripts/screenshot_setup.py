"""What the screenshot scripts share: a throwaway copy of the test blog with its comment service,
Debian's Chromium (no browser download), the widths, the `--out` folder and saving a picture.

Imported by scripts/screenshots.py and scripts/screenshots_indieauth.py; it puts the project
and tests/ (the test blog, its servers) on the import path for them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(
    0, str(ROOT / "tests")
)  # the test blog, and what tests/servers.py imports beside it

from servers import make_project  # noqa: E402
from starlette.applications import Starlette  # noqa: E402

from moderation.publish import SiteBuilder  # noqa: E402
from moderation.service import CommentService  # noqa: E402
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


def output_folder(description: str) -> Path:
    """The `--out` folder the command line names (docs/screenshots by default), created."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    return out


@contextmanager
def throwaway_blog() -> Iterator[tuple[CommentService, Starlette]]:
    """The test blog built in a temporary folder, its comment service (no rate limit: the
    scripts post quickly) and the web app serving both; all gone afterwards."""
    with tempfile.TemporaryDirectory() as work:
        project = make_project(Path(work) / "blog")
        SiteBuilder(project.settings_file, project.content, project.output)()
        settings = Settings.load(project.settings_file, environ={"COMMENTS_RATE_LIMIT": "0"})
        service = build_service(settings, project.settings_file)
        try:
            yield service, create_app(service, settings, site_dir=project.output)
        finally:
            service.store.close()


@contextmanager
def chromium(*extra_args: str) -> Iterator[Browser]:
    """Debian's headless Chromium, with `extra_args` after the usual ones."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args]
        )
        yield browser
        browser.close()


def save(page: Page, target: Path, element: Locator | None = None) -> None:
    """Photograph the page, or one element of it, and say where the picture went."""
    (element or page).screenshot(path=str(target))
    print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
