"""The shared builder's socket loop: requests from several workers that arrive while a refresh
runs share the next one, and the builder leaves when no worker is connected."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

from moderation.livebuild.server import listen, serve
from moderation.livebuild.site import Report


class CountingSite:
    """A site whose refresh takes a while and counts itself (the first is the warm-up)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.refreshes = 0

    def refresh(self) -> Report:
        self.refreshes += 1
        time.sleep(self.seconds if self.refreshes > 1 else 0)
        return Report("pages", rendered=self.refreshes)


def ask(path: Path) -> socket.socket:
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(str(path))
    client.sendall(b"refresh\n")
    return client


def answer(client: socket.socket) -> dict:
    with client.makefile("rb") as lines:
        return json.loads(lines.readline())


def test_requests_during_a_refresh_share_the_next_one_and_the_builder_leaves(tmp_path) -> None:
    path = tmp_path / "builder.sock"
    site = CountingSite(seconds=0.5)
    listener = listen(path)
    loop = threading.Thread(target=serve, args=(site, listener, 0.3), daemon=True)
    loop.start()
    first = ask(path)
    time.sleep(0.2)  # the first refresh is running
    second, third = ask(path), ask(path)
    answers = [answer(client) for client in (first, second, third)]
    assert [a["rendered"] for a in answers] == [2, 3, 3]  # refresh 1 was the warm-up
    assert site.refreshes == 3
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    for client in (first, second, third):
        client.close()
    loop.join(timeout=5)
    assert not loop.is_alive()
    listener.close()


def test_an_unknown_request_is_answered_not_fatal(tmp_path) -> None:
    path = tmp_path / "builder.sock"
    listener = listen(path)
    loop = threading.Thread(target=serve, args=(CountingSite(0), listener, 0.3), daemon=True)
    loop.start()
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(str(path))
    client.sendall(b"rebuild everything\nrefresh\n")
    with client.makefile("rb") as lines:
        refused, refreshed = json.loads(lines.readline()), json.loads(lines.readline())
    assert refused["ok"] is False and "unknown request" in refused["error"]
    assert refreshed["ok"] is True
    client.close()
    loop.join(timeout=5)
    listener.close()
