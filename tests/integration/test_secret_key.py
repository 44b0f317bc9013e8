"""The key made on first start, when several workers start at once."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

# Each worker imports everything first, says it is ready, then waits for the same instant.
READ_KEY = """
import sys, time
from pathlib import Path
from moderation.wiring import secret_key
root = Path(sys.argv[1])
(root / f"ready-{sys.argv[2]}").touch()
while not (root / "go").exists():
    time.sleep(0.001)
print(secret_key({"COMMENTS_SECRET": "", "PATH": str(root / "content")}))
"""
WORKERS = 8


@pytest.mark.slow
def test_workers_starting_together_share_one_whole_key(tmp_path: Path) -> None:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", READ_KEY, str(tmp_path), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKERS)
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < WORKERS and time.monotonic() < deadline:
        time.sleep(0.01)
    (tmp_path / "go").touch()
    answers = [worker.communicate(timeout=60) for worker in workers]
    assert [w.returncode for w in workers] == [0] * WORKERS, [err for _, err in answers]
    keys = {out.strip() for out, _ in answers}
    assert len(keys) == 1 and len(keys.pop()) >= 40
    assert [p.name for p in (tmp_path / "var").iterdir()] == ["secret.key"]
