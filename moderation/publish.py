"""Approved comment → comment file (atomic) → one rebuild for a burst of approvals.

Approvals only write files; a single worker thread rebuilds the site after a short quiet
delay, so ten approvals in a row cost one build. A failed build is logged and the files stay
written: the next build publishes them.

Two builders: `SiteBuilder` runs a whole `pelican` build in a child process (the CLI's way:
nothing stays running), and `LiveBuilder` asks the host's shared `moderation.livebuild`
process, which built the site once and afterwards re-renders only the pages a comment changes
(the service's way; docs/publishing.md). Both refuse an output folder built with another
settings file (`livebuild.buildmark`).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from . import commentfile
from .livebuild import buildmark, output_lock, run_dir
from .livebuild.client import LiveBuilder
from .model import Comment
from .policy.ownership import verified_author
from .roles import role_of
from .webmention.marks import mention_of

if TYPE_CHECKING:
    from .store import Store

__all__ = ["Builder", "LiveBuilder", "Publisher", "SiteBuilder", "published_comment"]

logger = logging.getLogger(__name__)


def published_comment(comment: Comment) -> commentfile.PublishedComment:
    """The public part of a comment: never its e-mail, IP or user agent."""
    checks = tuple(
        f"{r.check}={r.outcome.verdict}" + (f":{r.outcome.code}" if r.outcome.code else "")
        for r in comment.review.results
    )
    kind, source = mention_of(comment.review)
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
        uid=comment.uid,
        author_verified=verified_author(comment.review),
        kind=kind,
        source=source,
        role=role_of(comment.review),
    )


class Builder(Protocol):
    """Brings the built site up to date with the content; raises RuntimeError when it cannot."""

    def start(self) -> None: ...
    def __call__(self) -> None: ...
    def close(self) -> None: ...


class SiteBuilder:
    """Runs Pelican in a child process: a crash or a leak in a build cannot hurt the service.

    While the service runs, its shared live builder already holds the site: with `ask_running`
    (the CLI's approvals) that builder is asked instead, for a fraction of the time.
    """

    def __init__(
        self, settings_file: Path, content: Path, output: Path, *, ask_running: bool = True
    ) -> None:
        self.settings_file = settings_file
        self.output = output
        self.run = run_dir(content.parent)
        self.running = LiveBuilder(settings_file, content, output) if ask_running else None
        self.command = [
            sys.executable, "-m", "pelican", str(content),
            # No -q: it silences the errors that --fatal counts (a plugin that cannot load).
            "-s", str(settings_file), "-o", str(output), "--fatal", "errors",
        ]  # fmt: skip

    def start(self) -> None:
        """Nothing runs between builds."""

    def __call__(self) -> None:
        if self.running is not None and self.running.serving():
            try:
                self.running()
            finally:
                self.running.close()
            return
        started = time.perf_counter()
        with output_lock(self.output, self.run):
            buildmark.check(self.output, self.run, self.settings_file)
            result = subprocess.run(
                self.command,
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "COLUMNS": "250"},  # Pelican's log wraps at the width
            )
            if result.returncode != 0:
                raise RuntimeError(f"pelican exited {result.returncode}: {_first_error(result)}")
            buildmark.record(self.output, self.run, self.settings_file)
        logger.info("publish: site rebuilt in %.2f s", time.perf_counter() - started)

    def close(self) -> None:
        """Nothing to stop."""


def _first_error(result: subprocess.CompletedProcess[str]) -> str:
    """What Pelican said from its first error on (it logs to standard output)."""
    said = f"{result.stdout}\n{result.stderr}"
    start = min((i for i in (said.find(" ERROR "), said.find(" CRITICAL ")) if i >= 0), default=0)
    return " ".join(said[start:].split())[:2000]


class Publisher:
    def __init__(
        self,
        comments_dir: Path,
        rebuild: Builder | None,
        delay: float = 0.2,
        store: Store | None = None,
    ) -> None:
        """:param store: gives a comment a fresh id when a file holds another under its own."""
        self.comments_dir = comments_dir
        self.rebuild = rebuild
        self.delay = delay
        self.store = store
        self.last_error: str = ""
        # Told after each comment file written or removed, and after each successful
        # rebuild: the deploy steps hang here (moderation/deploy).
        self.after_write: list[Callable[[], None]] = []
        self.after_build: list[Callable[[], None]] = []
        self._changed = threading.Condition()
        self._dirty = False
        self._building = False
        self._closed = False
        self._worker: threading.Thread | None = None

    def publish(self, comment: Comment) -> Comment:
        """Write the comment's file (see `write`) and schedule a rebuild."""
        comment = self.write(comment)
        self.schedule()
        return comment

    def write(self, comment: Comment) -> Comment:
        """Write the comment's file; keep both when its id's file holds another comment.

        A recreated, restored or second database can issue an id a published file already
        has: the comment then moves to a fresh id (in the store, audited), is written there,
        and the log says so. Returns the comment as published, with its id.
        """
        tries = 3  # a fresh id lies above every file: a second conflict needs a race
        while True:
            try:
                commentfile.write(self.comments_dir, published_comment(comment))
                _tell(self.after_write)
                return comment
            except commentfile.CommentFileConflict as conflict:
                tries -= 1
                if self.store is None or not tries:
                    raise
                taken = conflict.path.relative_to(self.comments_dir.parent)
                highest = max((f.id for f in commentfile.scan(self.comments_dir)), default=0)
                moved = self.store.move(
                    comment.id, f"{taken} holds another comment", "publisher", above=highest
                )
                logger.warning(
                    "publish: %s: comment #%d is published as #%d", conflict, comment.id, moved.id
                )
                comment = moved

    def unpublish(self, comment: Comment) -> bool:
        """Delete the comment's file, unless it holds another comment (then say so)."""
        try:
            removed = commentfile.remove(
                self.comments_dir, comment.article, comment.id, published_comment(comment)
            )
        except commentfile.CommentFileConflict as conflict:
            logger.warning("publish: comment #%d not unpublished: %s", comment.id, conflict)
            return False
        if removed:
            _tell(self.after_write)
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

    def start(self) -> None:
        """Get the builder ready (the live builder's first build starts now)."""
        if self.rebuild is not None:
            self.rebuild.start()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        if self.rebuild is not None:
            self.rebuild.close()

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
                _tell(self.after_build)  # still "building": wait_idle() returns after this
            except Exception as error:  # a failed build must not stop later ones
                self.last_error = str(error)
                logger.error("publish: rebuild failed: %s", error)
            with self._changed:
                self._building = False
                self._changed.notify_all()


def _tell(listeners: list[Callable[[], None]]) -> None:
    """Call each listener; one that fails is logged and must not undo a publish or a build."""
    for listener in listeners:
        try:
            listener()
        except Exception:
            logger.exception("publish: a listener failed")
