"""The published files of an import's comments, written by a thread beside the import.

Creating a file is mostly the kernel's work (a temporary file, a link, an unlink: about
0.2 ms each here, 80,000 of them in a big import), during which Python lets other threads
run, so one thread writes the files while the import reads and stores the next batches. The
files are written without an fsync each and synced once at the end (`finish`): a crash
before that leaves approved comments without files, which the next start-up reconcile
writes (`reconcile.to_write`). Files are written in the order they are given, so a reply's
file rewritten with its `Reply-To` comes after its first version.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from .. import commentfile
from ..model import Comment, Status
from ..publish import Publisher, published_comment

AHEAD = 4  # batches queued for the thread before the import waits for it


class CommentFiles:
    def __init__(self, publisher: Publisher | None) -> None:
        self.publisher = publisher
        self.wrote = 0
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="import-files")
        self._queued: deque[Future[None]] = deque()

    def write(self, comments: Sequence[Comment]) -> None:
        """Queue the files of the approved comments; a write that failed raises here, at
        the next call or at `finish`."""
        approved = [c for c in comments if c.status is Status.APPROVED]
        if self.publisher is None or not approved:
            return
        self._queued.append(self._thread.submit(self._write, self.publisher, approved))
        while len(self._queued) > AHEAD or (self._queued and self._queued[0].done()):
            self._queued.popleft().result()

    def finish(self) -> None:
        """Wait for every file, sync them all at once, then one rebuild."""
        self._thread.shutdown()
        while self._queued:
            self._queued.popleft().result()
        if self.publisher is None or not self.wrote:
            return
        os.sync()
        for listener in self.publisher.after_write:
            listener()
        self.publisher.schedule()

    def close(self) -> None:
        """Stop without the sync and rebuild (the import failed): files under way finish."""
        self._thread.shutdown(cancel_futures=True)

    def _write(self, publisher: Publisher, comments: list[Comment]) -> None:
        for comment in comments:
            try:
                commentfile.write(publisher.comments_dir, published_comment(comment), sync=False)
            except commentfile.CommentFileConflict:  # the publisher gives it a fresh id
                publisher.write(comment)
            self.wrote += 1
