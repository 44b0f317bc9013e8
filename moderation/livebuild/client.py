"""The service's side of the shared site builder: connect to it, or start it, and ask.

Every worker of a service holds one `LiveBuilder`; they all talk to the same builder process
(`server`), found by a socket whose name comes from the output folder. A worker that finds
none running starts one; when several start one at the same moment, the builder lock lets
only one of them live, and every worker connects to it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

from . import run_dir, server

logger = logging.getLogger("moderation.publish")
STOPPING = "the service is stopping: the site is built next start"
START_TIMEOUT = 30.0  # seconds for a new builder to open its socket (not to build)


def socket_path(run: Path, output: Path) -> Path:
    """The builder socket of `output` (in the project's var/, or a private temporary folder
    when that path is too long for a Unix socket)."""
    digest = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:16]
    path = run / f"livebuild-{digest}.sock"
    if len(os.fsencode(path)) <= 100:
        return path
    private = Path(tempfile.gettempdir()) / f"moderate-{os.getuid()}"
    private.mkdir(mode=0o700, exist_ok=True)
    info = private.lstat()
    if not private.is_dir() or private.is_symlink() or info.st_uid != os.getuid():
        raise RuntimeError(f"{private} is not a private folder of this user")
    private.chmod(0o700)
    return private / path.name


class LiveBuilder:
    """Asks the host's shared builder of `output` to bring the site up to date.

    The builder builds the whole site when it starts (`start` launches it with the service, so
    that build runs before the first approval) and again whenever something other than
    comments changed; each call then costs only the pages the new comments touch. A builder
    that died, or did not answer within `timeout` (it is then killed), is replaced on the next
    call, and the call is tried once more with the new one.
    """

    def __init__(
        self,
        settings_file: Path,
        content: Path,
        output: Path,
        timeout: float = 3600.0,  # a warm-up build of 10,000 posts takes minutes
    ) -> None:
        self.settings_file = settings_file.resolve()
        self.content = content.resolve()
        self.output = output.resolve()
        self.socket = socket_path(run_dir(content.parent), self.output)
        self.timeout = timeout
        self.last: dict[str, Any] = {}  # the builder's last answer
        self._connection: socket.socket | None = None
        self._answers: IO[bytes] | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._pid: int | None = None  # the builder this worker is connected to

    def start(self) -> None:
        """Connect to the builder, starting it if none runs, so its first build starts now."""
        with self._lock:
            try:
                self._connected()
            except (_BuilderLost, RuntimeError) as error:  # each approval tries again
                logger.error("publish: the site builder did not start: %s", error)

    def __call__(self) -> None:
        with self._lock:
            for attempt in (1, 2):
                if self._closed:
                    raise RuntimeError(STOPPING)
                try:
                    answer = self._refresh(self._connected())
                    break
                except _BuilderLost as error:
                    lost = self._pid
                    self._disconnect()
                    if self._closed:
                        raise RuntimeError(STOPPING) from None
                    if attempt == 2:
                        raise RuntimeError(f"the site builder stopped: {error}") from None
                    logger.warning("publish: restarting the site builder: %s", error)
                    self._await_exit(lost)
        self.last = answer
        if not answer.get("ok"):
            raise RuntimeError(answer.get("error") or "; ".join(answer.get("errors", [])))
        logger.info(
            "publish: %s refresh, %s files written in %.2f s",
            answer["mode"], answer["written"], answer["seconds"],
        )  # fmt: skip

    def close(self) -> None:
        """Leave the builder (it exits once no worker is connected), without waiting for a
        refresh under way: its caller is told, and no new builder is started."""
        self._closed = True
        connection = self._connection
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)  # wakes a refresh waiting for its answer
        with self._lock:
            self._disconnect()

    def serving(self) -> bool:
        """Whether a builder with these settings already serves the output folder."""
        found = server.owner(self.socket)
        return bool(found) and found.get("settings") == str(self.settings_file)

    def builder_pid(self) -> int | None:
        """The running builder's process id (None when none runs)."""
        found = server.owner(self.socket)
        return int(found["pid"]) if found and "pid" in found else None

    # -- the connection ----------------------------------------------------------------------
    def _connected(self) -> socket.socket:
        if self._connection is None:
            connection = _connect(self.socket) or self._launch()
            try:
                self._check_settings()
            except RuntimeError:
                connection.close()
                raise
            self._connection = connection
            self._answers = connection.makefile("rb")
            self._pid = self.builder_pid()
        return self._connection

    def _await_exit(self, pid: int | None) -> None:
        """Let a builder that was killed finish dying (its socket may accept a moment longer),
        so that the retry starts a new one instead of reaching the dying one."""
        deadline = time.monotonic() + 5
        while pid is not None and self.builder_pid() == pid and time.monotonic() < deadline:
            time.sleep(0.02)

    def _launch(self) -> socket.socket:
        self.socket.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "moderation.livebuild", "--socket", str(self.socket),
            str(self.settings_file), str(self.content), str(self.output),
        ]  # fmt: skip
        launcher = subprocess.run(command, stdin=subprocess.DEVNULL, timeout=60, check=False)
        if launcher.returncode != 0:
            raise _BuilderLost(f"its launcher exited {launcher.returncode}")
        deadline = time.monotonic() + START_TIMEOUT
        while (connection := _connect(self.socket)) is None:
            if server.owner(self.socket) is None:
                raise _BuilderLost("it exited at start (its error is in the service's log)")
            if time.monotonic() > deadline:
                raise _BuilderLost(f"its socket did not open in {START_TIMEOUT:.0f} s")
            time.sleep(0.02)
        return connection

    def _check_settings(self) -> None:
        found = server.owner(self.socket) or {}
        theirs = found.get("settings")
        if theirs and theirs != str(self.settings_file):
            raise RuntimeError(
                f"the site builder of {self.output} runs with {theirs}, not {self.settings_file}:"
                " stop the other service, or give this one its own OUTPUT_PATH"
            )

    def _refresh(self, connection: socket.socket) -> dict[str, Any]:
        assert self._answers is not None
        try:
            connection.sendall(b"refresh\n")
            connection.settimeout(self.timeout)
            line = self._answers.readline()
        except TimeoutError:
            self._stop_hung_builder()
            raise _BuilderLost(f"no answer in {self.timeout:.0f} s") from None
        except OSError as error:
            raise _BuilderLost(str(error) or type(error).__name__) from None
        if not line:
            raise _BuilderLost("it exited")
        return json.loads(line)

    def _stop_hung_builder(self) -> None:
        pid = self.builder_pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def _disconnect(self) -> None:
        answers, self._answers = self._answers, None
        connection, self._connection = self._connection, None
        for stream in (answers, connection):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class _BuilderLost(Exception):
    pass


def _connect(path: Path) -> socket.socket | None:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
    except (FileNotFoundError, ConnectionRefusedError):
        connection.close()
        return None
    return connection
