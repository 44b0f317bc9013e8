"""Dev and production builds keep apart: an approval in the dev service never turns the
production build (`make publish`) into a dev build, and a production service keeps it a
production build."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from servers import ROOT, SETTINGS_TEMPLATE, Project, free_socket, make_project, serving
from sitecheck import parse

from moderation.livebuild.buildmark import OutputClaimed, check, record
from moderation.model import PASSED, Action, CheckResult, Review, Submission
from moderation.publish import LiveBuilder, SiteBuilder
from moderation.service import CommentService
from moderation.settings import Settings
from moderation.web.app import create_app
from moderation.wiring import build_service

pytestmark = pytest.mark.slow

MODERATE = str(Path(sys.executable).with_name("moderate"))
ARTICLE = "coffee-meal-beer-rule"
PUBLIC = "https://blog.example"
PUBLISHCONF_SITE = "https://coffeebeforeconnect.example"  # publishconf.py's default SITEURL
PRODUCTION = f"""
SITEURL = {PUBLIC!r}
CANONICAL_SITEURL = SITEURL
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
COMMENTS_API_URL = SITEURL + "/api/comments"
"""


@pytest.fixture
def blog(tmp_path: Path) -> Project:
    """The dev settings (settings.py, output/ → dev-site/) beside publish.py, whose production
    build goes to output/, as pelicanconf.py and publishconf.py do."""
    project = make_project(tmp_path, f"OUTPUT_PATH = {str(tmp_path / 'dev-site')!r}")
    publish_settings(project, output=project.output)
    return project


def publish_settings(project: Project, output: Path) -> Path:
    path = project.root / "publish.py"
    path.write_text(
        SETTINGS_TEMPLATE.format(
            base="pelicanconf", root=str(ROOT), content=str(project.content),
            output=str(output),
            cache=str(project.root / "publish-cache"), theme=str(ROOT / "theme"),
            plugins=str(ROOT / "plugins"), database=f"sqlite:///{project.database}",
            extra=PRODUCTION,
        ),
        encoding="utf-8",
    )  # fmt: skip
    return path


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def moderate(settings: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MODERATE, "--settings", str(settings), *args],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@contextmanager
def running_service(settings_file: Path) -> Iterator[CommentService]:
    """The real app with its live builder, served on loopback as `moderate serve` does."""
    settings = Settings.load(settings_file, environ={"COMMENTS_RATE_LIMIT": "0"})
    service = build_service(settings, settings_file, live=True)
    try:
        with serving(create_app(service, settings, site_dir=Path(settings["OUTPUT_PATH"]))):
            yield service
    finally:
        service.store.close()


def approve_new_comment(service: CommentService, body: str) -> int:
    comment = service.store.add(
        Submission(ARTICLE, "Ada Lovelace", "https://adalovelace.net/", body),
        Review((CheckResult("name", PASSED),)),
    )
    service.decide(comment.id, Action.APPROVE, "robin")
    assert service.publisher.wait_idle(timeout=240)
    return comment.id


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The blog as an author has it: the real pelicanconf.py and publishconf.py, its theme,
    plugins and posts (no comments yet)."""
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("theme", "plugins"):
        (tmp_path / name).symlink_to(ROOT / name)
    shutil.copytree(
        ROOT / "content", tmp_path / "content", ignore=shutil.ignore_patterns("comments")
    )
    return tmp_path


def test_a_dev_approval_after_make_publish_leaves_the_production_build_untouched(
    checkout, monkeypatch
) -> None:
    monkeypatch.chdir(checkout)
    monkeypatch.delenv("SITEURL", raising=False)
    production = moderate(checkout / "publishconf.py", "publish")  # what `make publish` runs
    assert production.returncode == 0, production.stderr
    published = checkout / "output"
    page = published / "posts" / ARTICLE / "index.html"
    assert f'href="{PUBLISHCONF_SITE}/posts/{ARTICLE}/"' in page.read_text()  # canonical, absolute
    before = snapshot(published)

    with running_service(checkout / "pelicanconf.py") as dev:  # `make run`'s service
        first = approve_new_comment(dev, "Approved in the dev service.")
        assert dev.publisher.last_error == ""
    dev_page = checkout / "var" / "dev-site" / "posts" / ARTICLE / "index.html"
    assert f"comment-{first}" in parse(dev_page).ids
    assert snapshot(published) == before  # byte for byte, not even a modification time

    with running_service(checkout / "publishconf.py") as live:  # `serve --production`'s
        second = approve_new_comment(live, "Approved in the production service.")
        assert live.publisher.last_error == ""
    assert {f"comment-{first}", f"comment-{second}"} <= parse(page).ids
    text = page.read_text()
    assert f'href="{PUBLISHCONF_SITE}/posts/{ARTICLE}/"' in text
    assert "127.0.0.1" not in text
    # Locks and build records live in var/ (what a hardened service may write), not in or
    # beside the served folder.
    assert not [p.name for p in (*checkout.iterdir(), *published.iterdir()) if p.name[0] == "."]


def test_the_dev_service_refuses_an_output_folder_the_production_build_holds(blog) -> None:
    SiteBuilder(blog.root / "publish.py", blog.content, blog.output)()
    before = snapshot(blog.output)
    dev = blog.root / "dev-into-output.py"
    dev.write_text(
        blog.settings_file.read_text().replace(str(blog.root / "dev-site"), str(blog.output))
    )
    builder = LiveBuilder(dev, blog.content, blog.output, timeout=120)
    try:
        with pytest.raises(RuntimeError, match=r"refusing to build .*/publish\.py"):
            builder()
    finally:
        builder.close()
    with pytest.raises(OutputClaimed, match="Dev and production builds keep separate folders"):
        SiteBuilder(dev, blog.content, blog.output, ask_running=False)()
    refused = moderate(dev, "publish")
    assert refused.returncode == 1 and "refusing to build" in refused.stderr
    assert snapshot(blog.output) == before


@pytest.mark.parametrize(
    ("state", "allowed"),
    [("same settings", True), ("other settings", False), ("other settings, folder empty", True),
     ("never recorded", True)],
)  # fmt: skip
def test_who_may_build_into_a_recorded_folder(tmp_path, state, allowed) -> None:
    mine, theirs = tmp_path / "pelicanconf.py", tmp_path / "publishconf.py"
    for settings in (mine, theirs):
        settings.write_text("SITEURL = ''\n")
    output = tmp_path / "output"
    output.mkdir()
    if state != "never recorded":
        record(output, tmp_path / "var", mine if state == "same settings" else theirs)
    if "empty" not in state:
        (output / "index.html").write_text("<p>built</p>")
    if allowed:
        check(output, tmp_path / "var", mine)
    else:
        with pytest.raises(OutputClaimed, match=r"publishconf\.py"):
            check(output, tmp_path / "var", mine)


def test_serve_production_builds_with_publishconf_unless_told_otherwise(checkout) -> None:
    with free_socket() as probe:
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [MODERATE, "serve", "--production", "--port", str(port)],
        cwd=checkout, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={k: v for k, v in os.environ.items() if k != "MODERATE_SETTINGS"},
    )  # fmt: skip
    try:
        assert server.stdout is not None
        said = next(line for line in server.stdout if line.startswith("Approvals rebuild"))
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=60)
    assert said.split() == [
        "Approvals",
        "rebuild",
        str(checkout / "output"),
        "with",
        "publishconf.py",
    ]
