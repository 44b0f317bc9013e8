"""Browser fixtures: Debian's Chromium driven by Playwright, and a live blog with its service."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from servers import LiveService

from moderation.publish import SiteBuilder

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `make install-browser` (Debian's chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def blog(project, start_service: Callable[..., LiveService]) -> LiveService:
    """The built blog and its comment service on one loopback port; approvals update it through
    the live builder, as with `moderate serve`."""
    SiteBuilder(project.settings_file, project.content, project.output)()
    return start_service(rebuild=True, live=True)
