"""Real servers for tests: a throwaway copy of the blog project, and uvicorn on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fixturesite import write_content

from moderation.service import CommentService
from moderation.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

SETTINGS_TEMPLATE = """\
import sys
sys.path.insert(0, {root!r})
from {base} import *  # noqa: F403

PATH = {content!r}
OUTPUT_PATH = {output!r}
CACHE_PATH = {cache!r}
THEME = {theme!r}
PLUGIN_PATHS = [{plugins!r}]
COMMENTS_DATABASE_URL = {database!r}
COMMENTS_PUBLISH_DELAY = 0.2
{extra}
"""


@dataclass(frozen=True)
class Project:
    """A copy of the blog's content with its own settings, database and output folder."""

    root: Path

    @property
    def settings_file(self) -> Path:
        return self.root / "settings.py"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def comments(self) -> Path:
        return self.content / "comments"

    @property
    def database(self) -> Path:
        return self.root / "var" / "comments.sqlite3"

    def article_page(self, slug: str) -> Path:
        return self.output / "posts" / slug / "index.html"


@dataclass
class LiveService:
    url: str
    service: CommentService
    settings: Settings
    project: Project


def make_project(root: Path, extra_settings: str = "", base: str = "pelicanconf") -> Project:
    """A copy of the test blog whose settings extend the project's `base` settings module
    (`publishconf` for a production build) with its own paths and database."""
    root.mkdir(parents=True, exist_ok=True)
    project = Project(root)
    write_content(project.content)
    project.settings_file.write_text(
        SETTINGS_TEMPLATE.format(
            base=base,
            root=str(ROOT),
            content=str(project.content),
            output=str(project.output),
            cache=str(root / "cache"),
            theme=str(ROOT / "theme"),
            plugins=str(ROOT / "plugins"),
            database=f"sqlite:///{project.database}",
            extra=extra_settings,
        ),
        encoding="utf-8",
    )
    return project


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serving(app, deadline: float = 10.0) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a thread on a free loopback port; yield its base URL."""
    sock = free_socket()
    server = uvicorn.Server(
        # proxy_headers off, as in `moderate serve`: uvicorn would otherwise believe any
        # X-Forwarded-For from 127.0.0.1; our ClientAddress decides whom to trust.
        uvicorn.Config(
            app, log_level="warning", lifespan="on", access_log=False, proxy_headers=False
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    give_up = time.monotonic() + deadline
    while not server.started:
        if time.monotonic() > give_up or not thread.is_alive():
            raise RuntimeError("uvicorn did not start in time")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
