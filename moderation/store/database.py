"""The SQLite database under the store: a pool of connections, transactions, migrations.

Connections come from a small pool: an operation borrows one and gives it back. Reusing
connections makes `add()` over ten times faster than opening one per operation (each open runs
the PRAGMAs, and closing the last connection checkpoints the WAL), and unlike one connection per
thread (threading.local) the pool does not keep a connection for every worker thread the web
server retires: it holds as many as were ever in use at once. Writes run in `BEGIN IMMEDIATE`,
so they queue on SQLite's write lock (`busy_timeout`) at their start instead of failing halfway
with "database is locked".

Every part of the store (the queue, jobs, limits, accounts…) is a subclass of
`SQLiteDatabase`, and `SQLiteStore` puts the parts together.
"""

from __future__ import annotations

import fcntl
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ModerationError
from .migrations import migrate

BUSY_TIMEOUT_MS = 5000


def utc_now() -> datetime:
    return datetime.now(UTC)


class SQLiteDatabase:
    """One SQLite file, shared safely by threads and processes."""

    def __init__(self, path: Path, *, clock: Callable[[], datetime] = utc_now) -> None:
        """:param clock: the current time, aware UTC; tests pass one they can move."""
        self.path = path
        self._clock = clock
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._writer = threading.Lock()
        self._closed = False
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_file = open(path.with_name(path.name + ".lock"), "a")  # noqa: SIM115
        try:
            with self._connection() as db:
                migrate(db)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for db in idle:
            db.close()
        self._lock_file.close()

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """Borrow a connection; it goes back to the pool, or is closed if the store was."""
        with self._lock:
            if self._closed:
                raise ModerationError(f"the comment store {self.path} is closed")
            db = self._idle.pop() if self._idle else None
        if db is None:
            db = self._connect()
        try:
            yield db
        finally:
            with self._lock:
                if not self._closed:
                    self._idle.append(db)
                    db = None
            if db is not None:
                db.close()

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        with self._connection() as db:
            db.execute(begin)
            try:
                yield db
                db.execute("COMMIT")
            finally:
                # Also after a failed COMMIT: a pooled connection must not keep a transaction.
                if db.in_transaction:
                    db.execute("ROLLBACK")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding SQLite's write lock from its first statement.

        Writers first queue on a lock (this process's threads, then other processes through
        a lock file): SQLite's own busy handler retries with growing sleeps, which made the
        slowest writes of a burst wait hundreds of milliseconds (docs/benchmarks.md).
        """
        with self._writer:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX)
            try:
                with self._transaction("BEGIN IMMEDIATE") as db:
                    yield db
            finally:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: the sqlite3 module opens no transactions of its own; ours are
        # explicit. check_same_thread=False: the pool lends a connection to one thread at a
        # time, and close() may run on another.
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode: a commit is in the WAL file, in the OS's hands, before COMMIT
        # returns, so it survives the process being killed (what we promise); a power cut or
        # kernel crash may lose the last commits, never corrupt the file.
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        return db
