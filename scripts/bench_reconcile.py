"""The start-up reconcile of the queue database with `content/comments/`, at blog sizes.

Writes N comment files (with `Uid`) in 50 article folders, then times, on a new database:
the first reconcile (every file read and registered), and a reconcile when the database
already knows every file (the usual start-up), best of 5, in wall and CPU time, beside the
Pelican plugin's own scan of the same folder.

    .venv/bin/python scripts/bench_reconcile.py --files 10000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))

from comments.load import scan as plugin_scan  # noqa: E402

from moderation import commentfile  # noqa: E402
from moderation.store import SQLiteStore  # noqa: E402

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def best(call: Callable[[], object], rounds: int = 5) -> tuple[float, float]:
    """The fastest of `rounds` calls: (wall ms, CPU ms)."""
    wall, cpu = [], []
    for _ in range(rounds):
        started, used = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return min(wall) * 1000, min(cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    files = parser.parse_args().files
    with tempfile.TemporaryDirectory() as folder:
        comments = Path(folder) / "comments"
        for n in range(1, files + 1):
            commentfile.write(
                comments,
                commentfile.PublishedComment(
                    id=n, article=f"post-{n % 50}", author="Jane Smith",
                    url="https://jane.example/", date=START, body="A comment. " * 30,
                    approved_by="robin", approved_at=START, uid=f"{n:032x}",
                ),
            )  # fmt: skip
        store = SQLiteStore(Path(folder) / "comments.sqlite3")
        try:
            started = time.perf_counter()
            registered = len(store.reconcile(comments).registered)
            first = (time.perf_counter() - started) * 1000
            print(f"{files} files; first reconcile registered {registered} in {first:.0f} ms")
            for name, call in (
                ("reconcile, every file known", lambda: store.reconcile(comments)),
                ("its directory scan", lambda: list(commentfile.scan(comments))),
                ("the plugin's scan", lambda: plugin_scan(comments)),
            ):
                wall, cpu = best(call)
                print(f"{name:30} {wall:6.0f} ms wall {cpu:6.0f} ms CPU")
        finally:
            store.close()


if __name__ == "__main__":
    main()
