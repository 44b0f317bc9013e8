"""A loopback HTTP server that answers as the Akismet REST API does, for the real client.

It decides by the comment itself: the author `akismet-guaranteed-spam` is spam (as on the
real service), a body containing `discard-me` is blatant spam with the discard hint, and a
body containing `be-slow` makes the server wait past the client's timeout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import akismet
import httpx

THANKS = b"Thanks for making the web a better place."


@dataclass
class FakeAkismet:
    url: str
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    slow_seconds: float = 0.0

    def client(self, timeout: float = 1.0) -> httpx.Client:
        """An httpx client that sends the real client's requests for Akismet here instead."""
        return httpx.Client(
            mounts={"https://rest.akismet.com": _RedirectTransport(self.url)},
            headers={"User-Agent": akismet.USER_AGENT},
            timeout=timeout,
        )


class _RedirectTransport(httpx.HTTPTransport):
    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = httpx.URL(base)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self.base.scheme, host=self.base.host, port=self.base.port
        )
        request.headers["Host"] = f"{self.base.host}:{self.base.port}"
        return super().handle_request(request)


def _handler(fake: FakeAkismet) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            fake.requests.append((self.path, form))
            headers: dict[str, str] = {}
            if self.path.endswith("/verify-key"):
                body = b"valid" if form.get("key") == "good-key" else b"invalid"
            elif form.get("api_key") != "good-key":
                body = b"invalid"
            elif self.path.endswith("/comment-check"):
                content = form.get("comment_content", "")
                if "be-slow" in content:
                    time.sleep(fake.slow_seconds or 1.5)
                if "discard-me" in content:
                    body, headers = b"true", {"X-akismet-pro-tip": "discard"}
                elif form.get("comment_author") == "akismet-guaranteed-spam":
                    body = b"true"
                else:
                    body = b"false"
            elif self.path.endswith(("/submit-spam", "/submit-ham")):
                body = THANKS
            else:
                self.send_error(404)
                return
            self.send_response(200)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def running_fake_akismet(port: int = 0) -> Iterator[FakeAkismet]:
    """The fake on `port` (default: a free one), so a test can take it down and up again."""
    fake = FakeAkismet(url="")
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
