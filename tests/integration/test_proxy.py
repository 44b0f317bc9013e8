"""The one-server set-up for real: nginx (rendered by `moderate deploy-config`) in front of
`moderate serve --production`, over TLS on loopback, serving a publishconf.py build.

A reader's comment goes through the proxy as a browser sends it, a moderator approves it on the
moderator page through the proxy, and the published page comes back through the proxy. Slow
clients are cut off by nginx's timeouts (1 s in this rendering) before the service sees them.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from deploytools import MODERATE, moderate, render, require_nginx
from servers import free_socket, make_project

pytestmark = pytest.mark.slow

CLIENT_TIMEOUT = 1
SLACK = 2.5
ARTICLE = "coffee-meal-beer-rule"
PASSWORD = "correct horse battery staple"


@dataclass
class Stack:
    origin: str  # https://127.0.0.1:PORT, nginx's TLS server
    http_origin: str  # nginx's plain HTTP server (redirects)
    https_port: int
    certificate: Path
    key: Path
    database: Path
    out: Path
    settings_file: Path
    service_log: Path

    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.certificate))

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.origin, verify=self.tls(), timeout=20)


def free_port() -> int:
    with free_socket() as sock:
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, what: str, **options) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1, **options)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not answer at {url}")


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return certificate, key


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    nginx = require_nginx()
    root = tmp_path_factory.mktemp("one-server")
    project = make_project(root / "blog", base="publishconf")
    https_port, http_port, service_port = free_port(), free_port(), free_port()
    origin = f"https://127.0.0.1:{https_port}"
    environment = {"SITEURL": origin}  # as docs/deploy.md's environment file sets it
    settings = project.settings_file
    moderate(settings, "publish", **environment)
    certificate, key = self_signed_certificate(root)
    out = render(
        settings, root / "deploy", "--standalone", "--listen-address", "127.0.0.1",
        "--http-port", str(http_port), "--https-port", str(https_port),
        "--service-port", str(service_port), "--tls-certificate", str(certificate),
        "--tls-key", str(key), "--client-timeout", str(CLIENT_TIMEOUT), **environment,
    )  # fmt: skip
    set_password = subprocess.run(
        [MODERATE, "--settings", str(settings), "set-password", "robin", "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, **environment},
    )  # fmt: skip
    assert set_password.returncode == 0, set_password.stderr
    logs = (root / "service.log").open("wb")
    service = subprocess.Popen(
        [MODERATE, "--settings", str(settings), "serve", "--production",
         "--host", "127.0.0.1", "--port", str(service_port)],
        env={**os.environ, **environment}, stdout=logs, stderr=subprocess.STDOUT,
    )  # fmt: skip
    proxy = subprocess.Popen(
        [nginx, "-p", str(out), "-c", str(out / "nginx.conf"), "-g", "daemon off;"],
        stdout=logs, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{service_port}/healthz", service, "moderate serve")
        tls = ssl.create_default_context(cafile=str(certificate))
        wait_for(f"{origin}/healthz", proxy, "nginx", verify=tls)
        yield Stack(
            origin=origin,
            http_origin=f"http://127.0.0.1:{http_port}",
            https_port=https_port,
            certificate=certificate,
            key=key,
            database=project.database,
            out=out,
            settings_file=settings,
            service_log=root / "service.log",
        )
    finally:
        for process in (proxy, service):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()
        print((root / "service.log").read_text(errors="replace")[-5000:])


class Forms(HTMLParser):
    """Each form's action and the fields a browser would send without the reader's input."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        # An input that belongs to another form (form="bulk") is not sent with this one.
        own_input = tag == "input" and "name" in values and "form" not in values
        if tag == "form":
            self._current = self.forms.setdefault(values.get("action", ""), {})
        elif own_input and self._current is not None:
            self._current[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def stored_status(stack: Stack, comment_id: int) -> str:
    with sqlite3.connect(stack.database) as database:
        return database.execute(
            "SELECT status FROM comments WHERE id = ?", (comment_id,)
        ).fetchone()[0]


def test_a_comment_sent_through_the_proxy_is_approved_and_published(stack: Stack) -> None:
    with stack.client() as reader, stack.client() as moderator:
        comment_id = send_and_approve(stack, reader, moderator)
        deadline = time.monotonic() + 30
        while f'id="comment-{comment_id}"' not in (page := reader.get(f"/posts/{ARTICLE}/")).text:
            assert time.monotonic() < deadline, "the approved comment never reached the page"
            time.sleep(0.2)
    assert "Sent through nginx" in page.text
    assert f"{stack.origin}/posts/{ARTICLE}/" in page.text  # a production build: canonical URLs


def send_and_approve(stack: Stack, reader: httpx.Client, moderator: httpx.Client) -> int:
    """A reader's plain form post and its status page, then the moderator's approval."""
    article = reader.get(f"/posts/{ARTICLE}/")
    assert article.status_code == 200
    action = f"{stack.origin}/api/comments"
    form = Forms(article.text).forms[action]  # publishconf.py: the form posts to SITEURL
    fields = {
        **form,
        "name": "Ada Lovelace",
        "url": "https://adalovelace.net/",
        "body": "Sent through nginx: the coffee rule made my follow-ups feel natural.",
    }
    browser_headers = {"Origin": stack.origin, "Referer": str(article.url)}
    sent = reader.post(action, data=fields, headers=browser_headers)
    assert sent.status_code == 303
    status_page = reader.get(sent.headers["location"])
    assert status_page.status_code == 200
    assert "awaiting moderation" in status_page.text
    theme_css = reader.get("/comments-assets/theme/css/style.css")  # the blog's look, proxied
    assert "/comments-assets/theme/css/style.css" in status_page.text
    assert theme_css.headers["content-type"].startswith("text/css")

    login_page = moderator.get("/moderate/login")
    login = Forms(login_page.text).forms["/moderate/login"]
    origin = {"Origin": stack.origin}
    answer = moderator.post(
        "/moderate/login", data={**login, "username": "robin", "password": PASSWORD}, headers=origin
    )
    assert answer.status_code == 303, answer.text
    assert all("secure" in c.lower() for c in answer.headers.get_list("set-cookie"))
    queue = moderator.get("/moderate")
    decide = next(
        (path, fields)
        for path, fields in Forms(queue.text).forms.items()
        if path.endswith("/decide")
    )
    comment_id = int(decide[0].split("/")[-2])
    approved = moderator.post(decide[0], data={**decide[1], "action": "approve"}, headers=origin)
    assert approved.status_code == 303, approved.text
    assert stored_status(stack, comment_id) == "approved"
    return comment_id


def test_the_service_says_what_production_switches_on(stack: Stack) -> None:
    assert (
        "Production: HSTS, Secure cookies, X-Forwarded-For believed from 127.0.0.1"
        in stack.service_log.read_text()
    )


def test_plain_http_redirects_to_https(stack: Stack) -> None:
    answer = httpx.get(f"{stack.http_origin}/posts/{ARTICLE}/", timeout=10)
    assert answer.status_code == 301
    assert answer.headers["location"] == f"{stack.origin}/posts/{ARTICLE}/"


@pytest.mark.parametrize("path", [f"/posts/{ARTICLE}/", "/healthz"], ids=["static", "service"])
def test_every_answer_carries_one_hsts_header(stack: Stack, path: str) -> None:
    with stack.client() as client:
        answer = client.get(path)
    assert answer.headers.get_list("strict-transport-security") == ["max-age=31536000"]
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_large_comment_is_answered_by_the_service_a_huge_one_by_nginx(stack: Stack) -> None:
    large = {"article": ARTICLE, "name": "Ada Lovelace", "body": "x" * 100_000}
    huge = {**large, "body": "x" * 300_000}
    with stack.client() as client:
        answer = client.post("/api/comments", json=large)
        assert (answer.status_code, answer.headers["content-type"]) == (413, "application/json")
        answer = client.post("/api/comments", json=huge)
    # nginx's own page: the body was refused unread, the service never saw it.
    assert (answer.status_code, answer.headers["content-type"]) == (413, "text/html")


def tls_connection(stack: Stack) -> ssl.SSLSocket:
    context = stack.tls()
    raw = socket.create_connection(("127.0.0.1", stack.https_port), timeout=CLIENT_TIMEOUT + 10)
    return context.wrap_socket(raw, server_hostname="127.0.0.1")


def closed_after(connection: socket.socket) -> tuple[bytes, float]:
    started = time.monotonic()
    received = b""
    with connection:
        try:
            while chunk := connection.recv(4096):
                received += chunk
        except (ConnectionResetError, ssl.SSLEOFError):
            pass
    return received, time.monotonic() - started


def test_a_silent_connection_is_closed_by_the_proxy(stack: Stack) -> None:
    silent = socket.create_connection(("127.0.0.1", stack.https_port), timeout=CLIENT_TIMEOUT + 10)
    answer, waited = closed_after(silent)
    assert (answer, waited < CLIENT_TIMEOUT + SLACK) == (b"", True)


@pytest.mark.parametrize(
    "sent",
    [
        b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Ag",
        b"POST /api/comments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\n"
        b"article=coffee-meal-beer-rule&name=Slow+Loris&url=https%3A%2F%2Fslow.example%2F&body=half",
    ],
    ids=["half-a-header", "half-a-body"],
)
def test_a_request_that_stops_halfway_is_cut_off_by_the_proxy(stack: Stack, sent: bytes) -> None:
    connection = tls_connection(stack)
    connection.sendall(sent)
    answer, waited = closed_after(connection)
    assert waited < CLIENT_TIMEOUT + SLACK
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408")
    with sqlite3.connect(stack.database) as database:
        names = [row[0] for row in database.execute("SELECT name FROM comments")]
    assert "Slow Loris" not in names


@pytest.mark.parametrize("tls", [["--no-tls"], []], ids=["plain-http", "tls"])
def test_nginx_accepts_each_rendering(stack: Stack, tmp_path: Path, tls: list[str]) -> None:
    certificate = ["--tls-certificate", str(stack.certificate), "--tls-key", str(stack.key)]
    out = render(
        stack.settings_file, tmp_path, "--standalone", "--server-name", "blog.example", *tls,
        *certificate, SITEURL=stack.origin,
    )  # fmt: skip
    checked = subprocess.run(
        [require_nginx(), "-t", "-p", str(out), "-c", str(out / "nginx.conf")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


def test_a_webmention_sent_to_the_advertised_endpoint_reaches_the_service(stack: Stack) -> None:
    with stack.client() as blog:
        article = blog.get(f"/posts/{ARTICLE}/")
        endpoint = f"{stack.origin}/webmention"
        assert f'<link rel="webmention" href="{endpoint}">' in article.text
        answer = blog.post(
            endpoint,
            data={"source": "https://juli.example/2024/coffee", "target": "https://else.example/"},
            headers={"Accept": "application/json"},
        )
        assert (answer.status_code, answer.json()["field"]) == (400, "target")  # the service's
        assert blog.get("/webmention/no-such-token").json() == {"error": "no Webmention here"}
