"""Publishing comments in a fraction of a build: a Pelican site kept in memory by a child process.

`site.LiveSite` builds once and then re-renders only the pages that read a changed article's
comments (`writer.RecordingWriter` finds them by watching the templates); `server` runs it as
the host's one builder process, shared by the service's workers, and `client.LiveBuilder`
talks to it. This module stays light: the service imports it without importing Pelican.

What the builders keep about an output folder (its lock, its build record, the builder's
socket) lives in the project's `var/`, the one folder a hardened service may write besides the
site and the comments (deploy/systemd), never in or beside the served folder.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def run_dir(project: Path) -> Path:
    """The project's `var/` (the settings' PATH parent, as for the database and the secret)."""
    return project.resolve() / "var"


def output_key(output: Path) -> str:
    """A file-name part that tells output folders apart: name and a hash of the full path."""
    output = output.resolve()
    return f"{output.name}-{hashlib.sha256(str(output).encode()).hexdigest()[:12]}"


@contextmanager
def output_lock(output: Path, run: Path) -> Iterator[None]:
    """One builder at a time writes `output`, across processes (the service, the CLI, deploys);
    `run` is `run_dir(project)`."""
    run.mkdir(parents=True, exist_ok=True)
    with open(run / f"publish-{output_key(output)}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
