"""Slow clients against a real `moderate serve`: a request that does not arrive in time is cut off.

Finding 4 of the security review: uvicorn alone keeps connections that send nothing, half a
header or half a body open forever. COMMENTS_REQUEST_TIMEOUT bounds them in the service itself.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
from deploytools import MODERATE
from servers import free_socket

pytestmark = pytest.mark.slow

TIMEOUT = 1.0
SLACK = 2.0  # scheduling on a busy 2-core machine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, object]]:
    from servers import make_project

    project = make_project(tmp_path_factory.mktemp("timeouts") / "blog")
    with free_socket() as sock:
        port = sock.getsockname()[1]
    environment = {**os.environ, "COMMENTS_REQUEST_TIMEOUT": str(TIMEOUT)}
    process = subprocess.Popen(
        [MODERATE, "--settings", str(project.settings_file), "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moderate serve did not start") from None
                time.sleep(0.05)
        yield port, project
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def connect(port: int, sent: bytes = b"") -> socket.socket:
    client = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT + SLACK + 5)
    if sent:
        client.sendall(sent)
    return client


def read_until_closed(client: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and how long that took."""
    started = time.monotonic()
    received = b""
    with client:
        while chunk := client.recv(4096):
            received += chunk
    return received, time.monotonic() - started


def test_200_silent_connections_are_all_closed_in_time(server) -> None:
    port, _ = server
    clients = [connect(port) for _ in range(200)]
    started = time.monotonic()
    try:
        answers = [read_until_closed(client)[0] for client in clients]
    finally:
        for client in clients:
            client.close()
    assert time.monotonic() - started < TIMEOUT + SLACK
    assert set(answers) == {b""}  # nothing was asked: nothing to answer


@pytest.mark.parametrize(
    "sent",
    [
        b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Ag",
        b"POST /api/comments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\n"
        b"article=coffee-meal-beer-rule&name=Slow+Loris&body=half",
    ],
    ids=["half-a-header", "half-a-body"],
)
def test_a_request_that_stops_halfway_gets_408_and_is_closed(server, sent: bytes) -> None:
    port, project = server
    answer, waited = read_until_closed(connect(port, sent))
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert TIMEOUT - 0.2 < waited < TIMEOUT + SLACK
    with sqlite3.connect(project.database) as database:
        assert database.execute("SELECT count(*) FROM comments").fetchone() == (0,)


def test_a_slow_request_that_arrives_in_time_is_answered(server) -> None:
    port, _ = server
    client = connect(port, b"GET /healthz HTTP/1.1\r\n")
    time.sleep(TIMEOUT / 2)
    client.sendall(b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n")
    answer, _ = read_until_closed(client)
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert answer.endswith(b"ok")


def test_each_request_on_a_kept_alive_connection_gets_its_own_deadline(server) -> None:
    port, _ = server
    client = connect(port)
    with client:
        for _ in range(3):
            time.sleep(TIMEOUT * 0.6)  # longer than one deadline in total, never for one request
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = b""
            while not answer.endswith(b"\r\n\r\nok"):
                answer += client.recv(4096)
            assert answer.startswith(b"HTTP/1.1 200 ")
