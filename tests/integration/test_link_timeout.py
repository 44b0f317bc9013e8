"""COMMENTS_LINK_TIMEOUT bounds the live link check, against a slow server on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from moderation.model import Submission, Verdict
from moderation.policy import Policy
from moderation.settings import Settings

DELAY = 1.0  # the server's pause before it answers


class SlowHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.release.wait(DELAY)  # type: ignore[attr-defined]
        body = b"<!doctype html><title>Jane</title><p>Posts</p>"
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the check gave up first, as it should

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def slow_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowHandler)
    server.daemon_threads = True
    server.release = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.release.set()  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def link_check_from_settings(tmp_path, timeout: str, port: int):
    """The policy's own link check, built from settings as the service builds it.

    Only its guard's name table changes, so `blog.test` may reach the loopback server; the
    timeout stays whatever the settings gave it.
    """
    settings_file = tmp_path / "settings.py"
    settings_file.write_text('SITEURL = "https://blog.example"\n', encoding="utf-8")
    settings = Settings.load(
        settings_file,
        environ={"COMMENTS_VERIFY_LINKS": "true", "COMMENTS_LINK_TIMEOUT": timeout},
    )
    [check] = [c for c in Policy.from_settings(settings).checks if c.name == "link"]
    guard = check.verifier.guard
    guard.resolver = lambda host, _port: ["127.0.0.1"]
    guard.allow_private_hosts = frozenset({"blog.test"})
    guard.allowed_ports = frozenset({port})
    check.rules = replace(check.rules, allowed_ports=frozenset({port}))
    return check


def submission(port: int) -> Submission:
    return Submission(
        article="a-post", name="Jane Smith", blog_url=f"http://blog.test:{port}/", body="Hi"
    )


@pytest.mark.slow
def test_short_link_timeout_holds_a_slow_blog_in_time(tmp_path, slow_server) -> None:
    port = slow_server.server_address[1]
    check = link_check_from_settings(tmp_path, "0.25", port)
    started = time.monotonic()
    outcome = check(submission(port))
    elapsed = time.monotonic() - started
    assert (outcome.verdict, outcome.code) == (Verdict.HOLD, "link.unreachable")
    assert elapsed < DELAY * 0.8


@pytest.mark.slow
def test_long_link_timeout_waits_for_a_slow_blog(tmp_path, slow_server) -> None:
    port = slow_server.server_address[1]
    check = link_check_from_settings(tmp_path, "5", port)
    outcome = check(submission(port))
    assert (outcome.verdict, outcome.code) == (Verdict.PASS, "link.reachable")
