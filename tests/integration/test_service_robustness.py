"""The service under concurrent load and sudden death: nothing lost, nothing stored twice."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from servers import free_socket

from moderation.model import review_from_dict, status_for

MODERATE = str(Path(sys.executable).with_name("moderate"))


def comment(number: int) -> dict[str, str]:
    return {
        "article": "coffee-meal-beer-rule",
        "name": "Ada Lovelace",
        "url": "https://adalovelace.net/",
        "body": f"Comment number {number}: the coffee rule helped me follow up properly.",
    }


def test_200_submissions_from_20_clients_are_each_stored_once(live_server) -> None:
    def send(number: int) -> int:
        with httpx.Client(timeout=20) as client:
            response = client.post(f"{live_server.url}/api/comments", json=comment(number))
            assert response.status_code == 202, response.text
            return response.json()["id"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        ids = list(pool.map(send, range(200)))
    assert len(set(ids)) == 200
    store = live_server.service.store
    assert store.count() == 200
    bodies = {c.body for c in store.queue(limit=500)}
    assert bodies == {comment(n)["body"] for n in range(200)}


def start_server(project, port: int) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "COMMENTS_RATE_LIMIT": "0"}
    process = subprocess.Popen(
        [MODERATE, "--settings", str(project.settings_file), "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("moderate serve did not start")


def test_every_acknowledged_comment_survives_sigkill(project) -> None:
    with free_socket() as sock:
        port = sock.getsockname()[1]
    server = start_server(project, port)
    acknowledged: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def burst(worker: int) -> None:
        with httpx.Client(timeout=5) as client:
            number = 0
            while not stop.is_set():
                number += 1
                try:
                    response = client.post(
                        f"http://127.0.0.1:{port}/api/comments",
                        json=comment(worker * 100_000 + number),
                    )
                except httpx.TransportError:
                    return  # the server died mid-request: that comment was not acknowledged
                if response.status_code == 202:
                    with lock:
                        acknowledged.append(response.json()["id"])

    threads = [threading.Thread(target=burst, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert server.returncode == -signal.SIGKILL
    assert len(acknowledged) >= 150

    database = sqlite3.connect(project.database)
    try:
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = {
            row[0]: row[1:]
            for row in database.execute("SELECT id, body, review, status FROM comments")
        }
    finally:
        database.close()
    missing = set(acknowledged) - rows.keys()
    assert missing == set()
    for body, review, status in rows.values():
        assert body.startswith("Comment number ")
        assert status == status_for(review_from_dict(json.loads(review)).verdict)

    restarted = start_server(project, port)
    try:
        after = httpx.post(f"http://127.0.0.1:{port}/api/comments", json=comment(-1), timeout=10)
        assert after.status_code == 202
    finally:
        restarted.terminate()
        restarted.wait(timeout=10)
