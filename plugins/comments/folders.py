"""One article's comments, worked out from its folder once, and kept while the folder is unchanged.

A folder's result (what reading each file gave, what is held back and why, the digest of what
is shown, the rendered block and the JSON-LD) is cached under CACHE_PATH with the names and
stamps of its files, so a build where a folder is unchanged reads, renders and threads nothing
for it, and one where a comment changed re-reads that one file. What the files gave is kept
pickled apart and read back only when the thread is needed (a new template, a feed to write,
a changed folder): a warm build unpickles only what the pages show. `digest` sums up what pages
and feeds show of the comments: equal digests mean equal threads, blocks, JSON-LD and feeds.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from .load import Files, Read, Stamp, stamps
from .rules import placement_reason
from .thread import Node, thread, walk

NO_COMMENTS = hashlib.sha256(b"[]").hexdigest()


@dataclass(eq=False)
class Folder:
    """One comment folder: what its files gave, and what the pages show of them."""

    name: str  # the article slug it claims; "" for files outside any folder
    files: Files  # the names and stamps it was worked out from
    read_back: bytes  # what reading each file gave: a pickled dict of `Read` by file name
    article: bool  # whether the folder named an article of the build
    skipped: list[tuple[str, str]]  # (file name, reason) of every file held back, in name order
    count: int  # comments shown, replies included
    digest: str = NO_COMMENTS
    block_key: str = ""  # the template key `block` was rendered with
    block: str | None = None  # None: the template cannot be rendered once for all pages
    jsonld: dict[str, str] = field(default_factory=dict)  # the JSON-LD text by article URL

    def reads(self) -> dict[str, Read]:
        return pickle.loads(self.read_back)

    def thread(self, depth: int, zone: tzinfo) -> list[Node]:
        """The shown comments threaded again from what the files gave (they are not kept)."""
        return thread(_shown(self.name, self.reads(), self.article, zone)[0], depth)

    def keep_shown(self, before: Folder) -> None:
        """Take over what `before` showed when it shows the same: one block, one JSON-LD."""
        if before.digest == self.digest:
            self.block_key, self.block, self.jsonld = before.block_key, before.block, before.jsonld


def work_out(
    name: str,
    files: Files,
    before: Folder | None,
    *,
    article: bool,
    read: Callable[[str, Stamp], Read],
    depth: int,
    zone: tzinfo,
) -> tuple[Folder, list[Node], set[str]]:
    """The folder, its thread, and the files read now (`read(file name, stamp)`): those
    `before` had not seen with that stamp."""
    known = before.reads() if before is not None else {}
    reads: dict[str, Read] = {}
    fresh: set[str] = set()
    for file, stamp in stamps(files):
        result = known.get(file)
        if result is None or result.stamp != stamp:
            result = read(file, stamp)
            fresh.add(file)
        reads[file] = result
    nodes, skipped = _shown(name, reads, article, zone)
    top = thread(nodes, depth)
    shown = walk(top)
    read_back = pickle.dumps(reads, pickle.HIGHEST_PROTOCOL)
    folder = Folder(name, files, read_back, article, skipped, len(shown), _digest(shown))
    if before is not None:
        folder.keep_shown(before)
    return folder, top, fresh


def _shown(
    name: str, reads: dict[str, Read], article: bool, zone: tzinfo
) -> tuple[list[Node], list[tuple[str, str]]]:
    """The comments that pass every rule, as page nodes; the others with the first rule failed."""
    nodes: list[Node] = []
    skipped: list[tuple[str, str]] = []
    articles = (name,) if article else ()
    for file, result in reads.items():
        comment = result.rendered
        if comment is None:
            skipped.append((file, result.error))
            continue
        reason = placement_reason(name, file, comment, articles) or comment.policy
        if reason:
            skipped.append((file, reason))
            continue
        nodes.append(
            Node(
                id=comment.id,
                author=comment.author,
                url=comment.url,
                date=_local(comment.date, zone),
                html=comment.html,
                text=comment.text,
                verified=comment.verified,
                reply_to=comment.reply_to,
                author_verified=comment.author_verified,
                kind=comment.kind,
                source=comment.source,
                role=comment.role,
            )
        )
    return nodes, skipped


def _local(moment: datetime, zone: tzinfo) -> datetime:
    """In the site's time zone, as article dates are; a naive time is taken to be site time."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _digest(shown: list[Node]) -> str:
    """Everything of the comments a page, a block, the JSON-LD or a feed can show."""
    if not shown:
        return NO_COMMENTS
    fields = [
        (n.id, n.author, n.url, n.date.isoformat(), n.html, n.text, n.verified, n.reply_to,
         n.author_verified, n.kind, n.source, n.role)
        for n in shown
    ]  # fmt: skip
    return hashlib.sha256(repr(fields).encode()).hexdigest()
