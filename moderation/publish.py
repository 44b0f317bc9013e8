"""Approved comment → comment file (atomic) → one rebuild for a burst of approvals.

Approvals only write files; a single worker thread rebuilds the site after a short quiet
delay, so ten approvals in a row cost one build. A failed build is logged and the files stay
written: the next build publishes them.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from . import commentfile
from .model import Comment

logger = logging.getLogger(__name__)


def published_comment(comment: Comment) -> commentfile.PublishedComment:
    """The public part of a comment: never its e-mail, IP or user agent."""
    checks = tuple(
        f"{r.check}={r.outcome.verdict}" + (f":{r.outcome.code}" if r.outcome.code else "")
        for r in comment.review.results
    )
    return commentfile.PublishedComment(
        id=comment.id,
        article=comment.article,
        author=comment.name,
        url=comment.blog_url,
        date=comment.created_at,
        body=comment.body,
        approved_by=comment.decided_by,
        approved_at=comment.decided_at or comment.updated_at,
        reply_to=comment.reply_to,
        feed=comment.feed,
        checks=checks,
    )


class SiteBuilder:
    """Runs Pelican in a child process: a crash or a leak in a build cannot hurt the service."""

    def __init__(self, settings_file: Path, content: Path, output: Path) -> None:
        self.command = [
            sys.executable, "-m", "pelican", str(content),
            "-s", str(settings_file), "-o", str(output), "--fatal", "errors", "-q",
        ]  # fmt: skip

    def __call__(self) -> None:
        started = time.perf_counter()
        result = subprocess.run(self.command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"pelican exited {result.returncode}: {result.stderr.strip()[-2000:]}"
            )
        logger.info("publish: site rebuilt in %.2f s", time.perf_counter() - started)


class Publisher:
    def __init__(
        self, comments_dir: Path, rebuild: Callable[[], None] | None, delay: float = 1.0
    ) -> None:
        self.comments_dir = comments_dir
        self.rebuild = rebuild
        self.delay = delay
        self.last_error: str = ""
        self._changed = threading.Condition()
        self._dirty = False
        self._building = False
        self._closed = False
        self._worker: threading.Thread | None = None

    def publish(self, comment: Comment) -> Path:
        path = commentfile.write(self.comments_dir, published_comment(comment))
        self.schedule()
        return path

    def unpublish(self, comment: Comment) -> bool:
        removed = commentfile.remove(self.comments_dir, comment.article, comment.id)
        if removed:
            self.schedule()
        return removed

    def schedule(self) -> None:
        """Ask for a rebuild soon; calls close together share one."""
        if self.rebuild is None:
            return
        with self._changed:
            self._dirty = True
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="publisher", daemon=True)
                self._worker.start()
            self._changed.notify_all()

    def wait_idle(self, timeout: float = 120.0) -> bool:
        """Block until every scheduled rebuild is done; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._dirty or self._building:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._changed.wait(remaining):
                    return False
        return True

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._dirty and not self._closed:
                    self._changed.wait()
                if not self._dirty:
                    return
            time.sleep(self.delay)  # let a burst of approvals gather
            with self._changed:
                self._dirty = False
                self._building = True
            try:
                self.rebuild()
                self.last_error = ""
            except Exception as error:  # a failed build must not stop later ones
                self.last_error = str(error)
                logger.error("publish: rebuild failed: %s", error)
            with self._changed:
                self._building = False
                self._changed.notify_all()
