"""The host's one site builder for an output folder, shared by every worker of the service.

Started by whichever worker finds none running (`client.LiveBuilder`), it takes the lock file
beside its socket, or exits at once when another builder holds it: so one builder per output
folder, however many workers start together. The launching process returns as soon as the
lock is taken (the builder forks away from it), so the builder belongs to no worker and a
worker's restart does not take it down. Then it builds the whole site (the warm-up, before any
approval asks), and answers requests on a Unix socket (mode 0600): one `refresh` line, one
JSON answer line. Requests that arrive while a refresh runs, from any worker, share the next
refresh. When no worker has been connected for `LINGER` seconds, it exits.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import selectors
import socket
import time
from pathlib import Path
from typing import IO, Any, Protocol

from .buildmark import OutputClaimed

LINGER = 2.0

logger = logging.getLogger(__name__)


class Refreshable(Protocol):
    def refresh(self) -> Any: ...


def lock_path(socket_path: Path) -> Path:
    return socket_path.with_suffix(".lock")


def claim(socket_path: Path, settings_file: Path) -> IO[str] | None:
    """The builder's lock, held for its whole life; None if another builder holds it."""
    descriptor = os.open(lock_path(socket_path), os.O_RDWR | os.O_CREAT, 0o600)
    handle = os.fdopen(descriptor, "r+")
    for attempt in range(5):  # a client's look at the lock (`owner`) holds it for microseconds
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            time.sleep(0.01 * attempt)
    else:
        handle.close()
        return None
    describe(handle, {"settings": str(settings_file.resolve())})
    return handle


def describe(handle: IO[str], facts: dict[str, Any]) -> None:
    """Write who holds the lock: clients read the settings (and, to stop a hung builder, the
    process id) from it."""
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps(facts))
    handle.flush()


def owner(socket_path: Path) -> dict[str, Any] | None:
    """What the running builder wrote in its lock file; None when no builder holds it."""
    try:
        with open(lock_path(socket_path), encoding="utf-8") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                try:
                    return json.loads(handle.read() or "{}")
                except ValueError:
                    return {}  # held, not yet described
            fcntl.flock(handle, fcntl.LOCK_UN)
            return None
    except FileNotFoundError:
        return None


def listen(path: Path) -> socket.socket:
    """The builder's socket, readable and writable by its owner only."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # a dead builder's: the lock says no builder uses it
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    umask = os.umask(0o177)
    try:
        listener.bind(str(path))
    finally:
        os.umask(umask)
    listener.listen(64)
    return listener


def serve(site: Refreshable, listener: socket.socket, linger: float = LINGER) -> None:
    """Build once, then answer refresh requests until no client is left for `linger` s."""
    warm = answer(site)
    if warm["ok"]:
        logger.info("site built in %.1f s, ready for approvals", warm["seconds"])
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    clients: dict[socket.socket, bytes] = {}  # each connected client's unfinished line
    while True:
        events = selector.select(timeout=None if clients else linger)
        if not events and not clients:
            return
        waiting: list[socket.socket] = []
        while events:  # everything that has arrived by now shares the next refresh
            for key, _ in events:
                _take(key.fileobj, listener, selector, clients, waiting)
            events = selector.select(timeout=0)
        if waiting:
            result = answer(site)
            for client in waiting:
                _send(client, result)


def _take(
    source: Any,
    listener: socket.socket,
    selector: selectors.BaseSelector,
    clients: dict[socket.socket, bytes],
    waiting: list[socket.socket],
) -> None:
    """Accept a new client, or read a client's requests (noting who waits for a refresh)."""
    if source is listener:
        client, _ = listener.accept()
        selector.register(client, selectors.EVENT_READ)
        clients[client] = b""
        return
    assert isinstance(source, socket.socket)
    try:
        data = source.recv(4096)
    except OSError:
        data = b""
    if not data:
        selector.unregister(source)
        source.close()
        del clients[source]
        return
    *lines, clients[source] = (clients[source] + data).split(b"\n")
    for line in lines:
        if line.strip() == b"refresh":
            waiting.append(source)
        elif line.strip():
            _send(source, {"ok": False, "error": f"unknown request {line[:40]!r}"})


def answer(site: Refreshable) -> dict[str, Any]:
    """One refresh, as the JSON answer; a build that raises is answered, not fatal."""
    try:
        report = site.refresh()
    except OutputClaimed as error:  # a refusal, not a crash: its message says it all
        logger.error("%s", error)
        return {"ok": False, "error": str(error), "seconds": None}
    except Exception as error:  # a broken build must not end the process: the next may work
        logger.exception("build failed")
        return {"ok": False, "error": f"{type(error).__name__}: {error}", "seconds": None}
    return {"ok": not report.errors, **report.as_dict()}


def _send(client: socket.socket, message: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):  # that client left; the others still get theirs
        client.sendall(json.dumps(message).encode() + b"\n")


def run(socket_path: Path, settings_file: Path, content: Path, output: Path) -> int:
    """Claim the folder's builder lock and serve it, detached from the launching process."""
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    lock = claim(socket_path, settings_file)
    if lock is None:
        return 0  # another builder serves this folder
    if os.fork():
        os._exit(0)  # the launcher: the lock (shared with the child) stays held
    describe(lock, {"settings": str(settings_file.resolve()), "pid": os.getpid()})
    listener = listen(socket_path)
    try:
        from .site import LiveSite  # Pelican loads here, after the launcher has returned

        serve(LiveSite(settings_file, content, output), listener)
    except KeyboardInterrupt:
        pass  # Ctrl-C in `make run` reaches the whole process group
    finally:
        with contextlib.suppress(FileNotFoundError):
            socket_path.unlink()
        listener.close()
        lock.close()
    return 0
