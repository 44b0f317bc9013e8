"""Shared fixtures: real Pelican builds, a real comment service on loopback, a fake Akismet."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from builds import Build, build_site
from clock import Clock
from fakeakismet import FakeAkismet, running_fake_akismet
from fixturesite import write_content
from servers import LiveService, Project, make_project, serving
from smtpserver import Mailbox, free_port, smtp_server

from moderation.store import SQLiteStore


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The test blog (tests/fixturesite.py), built once per test session."""
    folder = tmp_path_factory.mktemp("site")
    return build_site(write_content(folder / "content"), folder / "output")


@pytest.fixture
def make_site(tmp_path: Path) -> Iterator[Callable[..., Build]]:
    """Build a small site: a dict of content-relative paths to file texts."""

    def make(files: dict[str, str], **override) -> Build:
        content = tmp_path / "content"
        if content.exists():
            shutil.rmtree(content)
        for relative, text in files.items():
            path = content / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        (content / "pages").mkdir(exist_ok=True)
        return build_site(content, tmp_path / "output", **override)

    yield make


@pytest.fixture
def fake_akismet() -> Iterator[FakeAkismet]:
    """A loopback server speaking the Akismet API; point the real client at it."""
    with running_fake_akismet() as fake:
        yield fake


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A throwaway copy of the blog: its own content, output, database and settings file."""
    return make_project(tmp_path / "blog")


@pytest.fixture
def start_service(project: Project) -> Iterator[Callable[..., LiveService]]:
    """Start the comment service (and the site) on a free 127.0.0.1 port, with env overrides."""
    from moderation.settings import Settings
    from moderation.web.app import create_app
    from moderation.wiring import build_service

    with ExitStack() as stack:

        def start(rebuild: bool = False, live: bool = False, **environ: str) -> LiveService:
            settings = Settings.load(
                project.settings_file, environ={"COMMENTS_RATE_LIMIT": "1000", **environ}
            )
            service = build_service(settings, project.settings_file, rebuild=rebuild, live=live)
            stack.callback(service.store.close)
            app = create_app(service, settings, site_dir=project.output)
            return LiveService(stack.enter_context(serving(app)), service, settings, project)

        yield start


@pytest.fixture
def live_server(start_service: Callable[..., LiveService]) -> LiveService:
    """The comment service with the test defaults."""
    return start_service()


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server (aiosmtpd) on a free loopback port, and the messages it received."""
    port = free_port()
    with smtp_server(port) as box:
        yield box, port


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[SQLiteStore]:
    """A real SQLite file in the test's folder, with a clock the test can move."""
    opened = SQLiteStore(tmp_path / "comments.sqlite3", clock=clock)
    yield opened
    opened.close()
