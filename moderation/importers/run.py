"""One import: read a source's file twice (check it all, then store it), publish what the old
blog had published, queue what it had not.

The first pass reads the whole file and refuses it, with every bad entry's place, before
anything is stored (unless `skip_bad`). The second maps each comment to an article, runs the
policy (`review`) and stores comments in batches, each reply linked to its parent as it is
stored, and writes the approved comments' files batch by batch; a crash midway leaves a
partial import that the next run completes, as `(source, original id)` is recorded with each
comment. Replies stored before their parents are linked at the end; then one sync, one
rebuild.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from pathlib import Path

from ..model import Review, Status, Submission
from ..policy import Policy
from ..publish import Publisher
from ..publishrules import PublishRules
from ..store import Store
from ..store.imports import ImportRow
from . import blogger, disqus, jsonfile, wordpress
from .articlemap import ArticleMap
from .files import CommentFiles
from .record import BadEntry, ImportFileError, Kind, OldComment, OldPost, OldStatus, Record
from .review import Reviewer, workers_for

READERS: dict[str, Callable[[Path], Iterator[Record]]] = {
    wordpress.SOURCE: wordpress.read,
    blogger.SOURCE: blogger.read,
    disqus.SOURCE: disqus.read,
}
BATCH = 500
NOT_HERE_SHOWN = 1000  # comments without an article, listed by place (all are counted)


@dataclass
class ImportOptions:
    dry_run: bool = False
    skip_bad: bool = False
    pingbacks: str = "mention"  # or "skip" (COMMENTS_IMPORT_PINGBACKS)
    workers: int | None = None  # processes for the text checks; None: by the file's size


@dataclass
class ImportSummary:
    source: str
    file: Path
    comments: int = 0  # comment entries in the file (pingbacks included)
    imported: int = 0
    already: int = 0  # imported before from this source
    published: int = 0
    queued: Counter[str] = field(default_factory=Counter)  # status → how many
    skipped: Counter[str] = field(default_factory=Counter)  # reason → how many
    not_here: list[str] = field(default_factory=list)  # the first comments whose post is not here
    bad: list[BadEntry] = field(default_factory=list)
    relinked: int = 0  # replies linked to their parents
    unpublishable: int = 0  # approved on the old blog, but a hard rule keeps them off


@dataclass
class Importer:
    store: Store
    policy: Policy  # the service's
    articles: ArticleMap
    rules: PublishRules
    publisher: Publisher | None
    today: date
    _mentions: set[str] = field(default_factory=set, init=False)  # ids of pingbacks, trackbacks

    def run(
        self,
        source: str,
        path: Path,
        options: ImportOptions,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportSummary:
        """Import `path`; `progress(done, total)` is told as entries are handled."""
        read = READERS[source]
        summary = ImportSummary(source, path)
        self._mentions = set()
        posts = self._survey(read, path, summary)
        _refuse_bad(summary, options)
        known = self.store.imported_ids(source)
        record = f"imported from {source} on {self.today.isoformat()}"
        workers = options.workers if options.workers is not None else workers_for(summary.comments)
        batch: list[ImportRow] = []
        done = 0
        # A repeated id was refused in pass one (or skipped, with --skip-bad): not "already".
        refused = {bad.place for bad in summary.bad}
        files = CommentFiles(None if options.dry_run else self.publisher)
        with closing(files), closing(Reviewer(self.policy, self.rules, workers)) as reviewer:
            for entry in read(path):
                if not isinstance(entry, OldComment) or entry.place in refused:
                    continue
                done += 1
                if progress is not None and done % 100 == 0:
                    progress(done, summary.comments)
                row = self._row(entry, source, posts, known, options, summary, record)
                if row is None:
                    continue
                known.add(row.original_id)
                batch.append(row)
                if len(batch) >= BATCH:
                    for reviewed in reviewer.send(batch):
                        self._take(reviewed, summary, options, files)
                    batch = []
            for reviewed in chain(reviewer.send(batch), reviewer.drain()):
                self._take(reviewed, summary, options, files)
            summary.unpublishable = reviewer.unpublishable
            if progress is not None:
                progress(summary.comments, summary.comments)
            if options.dry_run:
                return summary
            # Replies stored before their parents (a file out of order) are linked now.
            late = self.store.link_imported_replies(source)
            summary.relinked += len(late)
            files.write(self.store.comments_by_id(late))
            files.finish()
        return summary

    def _take(
        self,
        rows: list[ImportRow],
        summary: ImportSummary,
        options: ImportOptions,
        files: CommentFiles,
    ) -> None:
        """Count a reviewed batch; store it and write its published comments' files."""
        for row in rows:
            summary.imported += 1
            if row.status is Status.APPROVED:
                summary.published += 1
            else:
                summary.queued[row.status.value] += 1
        if not options.dry_run:
            stored = self.store.add_imported(rows)
            summary.relinked += sum(1 for comment in stored if comment.reply_to is not None)
            files.write(stored)

    def restore(self, path: Path, options: ImportOptions) -> ImportSummary:
        """`moderate import json`: our own export, as it was: statuses, reviews, decisions,
        earlier versions and audit rows; no policy run. A comment whose `uid` is here already
        is left as it is."""
        comments, bad = jsonfile.read(path)
        summary = ImportSummary(jsonfile.SOURCE, path, comments=len(comments) + len(bad), bad=bad)
        _refuse_bad(summary, options)
        known = self.store.comment_uids()
        new = [comment for comment in comments if comment["uid"] not in known]
        summary.already = len(comments) - len(new)
        summary.imported = len(new)
        for comment in new:
            if comment["status"] == Status.APPROVED:
                summary.published += 1
            else:
                summary.queued[comment["status"]] += 1
        if not options.dry_run and new:
            with closing(CommentFiles(self.publisher)) as files:
                files.write(self.store.comments_by_id(self.store.restore_json(new)))
                files.finish()
        return summary

    def _survey(self, read, path: Path, summary: ImportSummary) -> dict[str, str]:
        """Pass one: every entry readable, no id twice; the old posts' addresses by id."""
        posts: dict[str, str] = {}
        seen: set[str] = set()
        for entry in read(path):
            if isinstance(entry, OldPost):
                if entry.post_url:
                    posts.setdefault(entry.post_id, entry.post_url)
            elif isinstance(entry, BadEntry):
                summary.bad.append(entry)
            else:
                summary.comments += 1
                if entry.kind is not Kind.COMMENT:
                    self._mentions.add(entry.original_id)
                if entry.original_id in seen:
                    summary.bad.append(BadEntry(entry.place, "the same id appears earlier"))
                seen.add(entry.original_id)
        return posts

    def _row(
        self,
        entry: OldComment,
        source: str,
        posts: dict[str, str],
        known: set[str],
        options: ImportOptions,
        summary: ImportSummary,
        record: str,
    ) -> ImportRow | None:
        """The comment as a row to store, or None (counted in the summary) when it is not."""
        if entry.status in (OldStatus.SPAM, OldStatus.TRASH):
            summary.skipped[f"{entry.status.value} on the old blog"] += 1
            return None
        if entry.kind is not Kind.COMMENT and options.pingbacks != "mention":
            summary.skipped[f"{entry.kind.value} (COMMENTS_IMPORT_PINGBACKS)"] += 1
            return None
        if entry.original_id in known:
            summary.already += 1
            return None
        post_url = entry.post_url or posts.get(entry.post_id, "")
        article = self.articles.find(post_url, entry.post_id)
        if article is None:
            summary.skipped["its post is not here"] += 1
            if len(summary.not_here) < NOT_HERE_SHOWN:
                post = post_url or f"post {entry.post_id or '?'}"
                summary.not_here.append(
                    entry.place if post in entry.place else f"{entry.place}: {post}"
                )
            return None
        submission = Submission(
            article=article,
            name=entry.author.strip(),
            blog_url=entry.blog_url.strip(),
            body=entry.body,
            email=entry.email.strip(),
            submitted_at=entry.date,
        )
        status = Status.APPROVED if entry.status is OldStatus.APPROVED else Status.PENDING
        # The pages list mentions apart from the thread: nothing is threaded under one.
        parent = "" if entry.parent_id in self._mentions else entry.parent_id
        return ImportRow(
            source, entry.original_id, parent, entry.kind.value, submission,
            Review(()), status, record,
        )  # fmt: skip


def _refuse_bad(summary: ImportSummary, options: ImportOptions) -> None:
    """A file with unreadable entries is refused whole, every bad place named, unless
    `skip_bad`; then they are counted as skipped."""
    bad = summary.bad
    if bad and not options.skip_bad:
        shown = "\n".join(f"  {b.place}: {b.problem}" for b in bad[:20])
        more = f"\n  … and {len(bad) - 20} more" if len(bad) > 20 else ""
        raise ImportFileError(
            f"{summary.file}: {len(bad)} entr{'y' if len(bad) == 1 else 'ies'} cannot be read;"
            f" nothing was imported (--skip-bad imports the rest):\n{shown}{more}"
        )
    summary.skipped["unreadable entry"] = len(bad)
