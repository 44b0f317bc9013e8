"""One live builder per host: every uvicorn worker of the service asks the same builder process,
which warms up at start, survives being killed, and leaves with the service."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from servers import Project, free_socket, make_project
from sitecheck import parse

from moderation.livebuild import run_dir
from moderation.livebuild.buildmark import record_path

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
ARTICLE = "coffee-meal-beer-rule"
PASSWORD = "correct horse battery staple"
LOG_CONFIG = {  # each line names the worker process that wrote it
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"pid": {"format": "%(process)d %(name)s %(message)s"}},
    "handlers": {"log": {"class": "logging.StreamHandler", "formatter": "pid"}},
    "loggers": {"uvicorn": {"handlers": ["log"], "level": "INFO", "propagate": False}},
}


def builders(output: Path) -> list[int]:
    """Live-builder processes of `output` (zombies have no command line and do not count)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError):
            command = (entry / "cmdline").read_bytes().split(b"\0")
            if b"moderation.livebuild" in command and str(output).encode() in command:
                found.append(int(entry.name))
    return found


@contextmanager
def two_workers(project: Project) -> Iterator[tuple[str, Path]]:
    """`uvicorn … app_from_environment --factory --workers 2`, as a production host runs it."""
    with free_socket() as probe:
        port = probe.getsockname()[1]
    log, log_config = project.root / "uvicorn.log", project.root / "log.json"
    log_config.write_text(json.dumps(LOG_CONFIG))
    env = {**os.environ, "MODERATE_SETTINGS": str(project.settings_file)}
    env["COMMENTS_SECRET"] = "shared-builder-test"  # one key for both workers
    command = [
        str(BIN / "uvicorn"), "moderation.web.app:app_from_environment", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--http", "httptools",
        "--loop", "uvloop", "--log-config", str(log_config),
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while log.read_text().count("Application startup complete") < 2:
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield url, log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class _Hidden(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.inside = found.get("id") == self.form_id
        elif tag == "input" and self.inside and found.get("type") == "hidden":
            self.fields[found.get("name") or ""] = found.get("value") or ""


def hidden(html: str, form_id: str) -> dict[str, str]:
    parser = _Hidden(form_id)
    parser.feed(html)
    return parser.fields


def submit(client: httpx.Client, number: int) -> int:
    answer = client.post(
        "/api/comments",
        json={
            "article": ARTICLE, "name": "Ada Lovelace", "url": "https://adalovelace.net/",
            "email": "ada@adalovelace.net", "body": f"Shared builder, comment {number}.",
        },
    )  # fmt: skip
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]


def approve(url: str, number: int) -> None:
    """A new comment, approved by a moderator over a new connection (so either worker)."""
    with httpx.Client(base_url=url, timeout=30) as client:
        comment = submit(client, number)
        login = hidden(client.get("/moderate/login").text, "login-form")
        client.post("/moderate/login", data={**login, "username": "robin", "password": PASSWORD})
        page = client.get(f"/moderate/comments/{comment}").text
        decided = client.post(
            f"/moderate/comments/{comment}/decide",
            data={**hidden(page, f"actions-{comment}"), "action": "approve"},
            headers={"Origin": url},
        )
        assert decided.status_code == 303, decided.text


def shown(project: Project) -> set[str]:
    try:
        ids = parse(project.article_page(ARTICLE)).ids
    except FileNotFoundError:
        return set()
    return {i for i in ids if i.startswith("comment-") and i[8:].isdigit()}


def wait_until_shown(project: Project, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(shown(project)) < count:
        assert time.monotonic() < deadline, f"{len(shown(project))} of {count} comments shown"
        time.sleep(0.05)


def test_two_workers_share_one_builder_that_survives_being_killed(tmp_path) -> None:
    project = make_project(tmp_path / "blog", "COMMENTS_RATE_LIMIT = 0")
    subprocess.run(
        [BIN / "moderate", "--settings", project.settings_file, "set-password", "robin",
         "--password-stdin"],
        input=PASSWORD, text=True, check=True, capture_output=True,
    )  # fmt: skip
    with two_workers(project) as (url, log):
        deadline = time.monotonic() + 60
        while not project.article_page(ARTICLE).exists():
            assert time.monotonic() < deadline, "the builder did not build at start"
            time.sleep(0.05)
        approvals, workers = 0, set()
        while len(workers) < 2:  # until both workers have taken approvals
            approvals += 1
            assert approvals <= 30, "one worker took every connection"
            approve(url, approvals)
            workers = {
                line.split()[0] for line in log.read_text().splitlines() if "/decide HTTP" in line
            }
        wait_until_shown(project, approvals)
        assert len(builders(project.output)) == 1

        # An approval from a shell asks the service's builder too: no `pelican` run (which
        # would write the build record again), still one builder.
        record = record_path(project.output, run_dir(project.root)).read_text()
        with httpx.Client(base_url=url, timeout=30) as client:
            comment = submit(client, approvals + 1)
        command = [BIN / "moderate", "--settings", project.settings_file, "approve", str(comment)]
        assert subprocess.run(command, capture_output=True, timeout=120).returncode == 0
        wait_until_shown(project, approvals + 1)
        assert record_path(project.output, run_dir(project.root)).read_text() == record
        assert len(builders(project.output)) == 1

        (first,) = builders(project.output)
        os.kill(first, signal.SIGKILL)
        approve(url, approvals + 2)  # its worker starts a new builder and asks it again
        wait_until_shown(project, approvals + 2)
        assert [pid for pid in builders(project.output) if pid != first] == builders(project.output)
        assert len(builders(project.output)) == 1
    deadline = time.monotonic() + 15
    while builders(project.output):  # it leaves with the service
        assert time.monotonic() < deadline, "the builder outlived the service"
        time.sleep(0.1)
