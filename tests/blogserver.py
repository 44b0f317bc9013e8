"""A commenter's blog for tests: a real HTTP server on 127.0.0.1, reached as `juli.test`.

NetGuard treats that one name as public (`allow_private_hosts`), through a resolver table
that also knows `intranet.test` (a private address, refused as in production).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from moderation.netguard import NetGuard


class Blog(ThreadingHTTPServer):
    """The commenter's blog: pages the test sets, a log of what was fetched."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Pages)
        self.port = self.server_address[1]
        self.pages: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.fetched: list[str] = []

    def url(self, path: str) -> str:
        return f"http://juli.test:{self.port}{path}"

    def page(self, path: str, html: str, status: int = 200, **headers: str) -> str:
        self.pages[path] = (status, {"Content-Type": "text/html; charset=utf-8", **headers},
                            html.encode())  # fmt: skip
        return self.url(path)


class _Pages(BaseHTTPRequestHandler):
    server: Blog

    def do_GET(self) -> None:
        self.server.fetched.append(self.path)
        status, headers, body = self.server.pages.get(self.path, (404, {}, b"not here"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextmanager
def serving_blog() -> Iterator[Blog]:
    """The blog, serving on a thread until the block ends."""
    server = Blog()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def guard_for(blog: Blog) -> NetGuard:
    """Public as far as the guard knows: juli.test only; intranet.test stays private."""
    table = {"juli.test": ["127.0.0.1"], "intranet.test": ["10.0.0.5"]}

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return NetGuard(
        resolver=resolve,
        allow_private_hosts=frozenset({"juli.test"}),
        allowed_ports=frozenset({blog.port}),
        timeout=2.0,
    )
