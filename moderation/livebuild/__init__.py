"""Publishing comments in a fraction of a build: a Pelican site kept in memory by a child process.

`site.LiveSite` builds once and then re-renders only the pages that read a changed article's
comments (`writer.RecordingWriter` finds them by watching the templates); `__main__` runs it as
the service's long-lived child process, and `moderation.publish.LiveBuilder` talks to that
process. This module stays light: the service imports it without importing Pelican.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".publish.lock"


@contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """One builder at a time writes `output`, across processes (the service, the CLI)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output.parent / f"{LOCK_NAME}-{output.name}", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
