"""Atom feeds of published comments: the newest of the whole site, and every article's own.

Written with `feedgenerator` (Pelican's own feed library) once the article pages are out.
Entries carry the sanitized HTML, absolute links, and `tag:` ids built from the site's host,
the comment's date and the article slug, so a reader never sees an entry twice.

A site with a thousand posts has a thousand comment feeds, and opening files is most of what
writing them costs; with content caching on, a feed whose inputs and file are unchanged since
the previous build is left as it is (`FeedStamps`).
"""

from __future__ import annotations

import hashlib
import heapq
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from feedgenerator import Atom1Feed
from markupsafe import Markup
from pelican.contents import Article

from .store import Store
from .structured import anchor, page_url
from .thread import Node, order, walk

SITE_FEED_ITEMS = 50
STAMPS_NAME = "comment-feeds.pickle"
# Characters XML 1.0 cannot carry at all, even escaped; a comment body may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class FeedEntry(NamedTuple):
    """One comment with what its feed entry needs to know about the article."""

    node: Node
    slug: str
    title: str  # the article's title, plain text
    url: str  # the article's absolute address


@dataclass(frozen=True)
class Feed:
    save_as: str
    title: str
    link: str
    entries: list[FeedEntry]
    empty_date: datetime  # `updated` of a feed without entries: rebuilds give the same file


class FeedStamps:
    """Feeds an earlier build wrote from the same inputs and nobody touched since."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.before: dict[str, tuple[str, int, int]] = store.load()
        self.now: dict[str, tuple[str, int, int]] = {}

    def fresh(self, path: Path, digest: str) -> bool:
        known = self.before.get(str(path))
        if known is None or known[0] != digest:
            return False
        try:
            info = path.stat()
        except FileNotFoundError:
            return False
        if (info.st_mtime_ns, info.st_size) != known[1:]:
            return False
        self.now[str(path)] = known
        return True

    def record(self, path: Path, digest: str) -> None:
        info = path.stat()
        self.now[str(path)] = (digest, info.st_mtime_ns, info.st_size)

    def save(self) -> None:
        if self.now != self.before:
            self.store.save(self.now)


def stamps_version() -> str:
    """Changes with this module's code or feedgenerator's version: both shape the files."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(metadata.version("feedgenerator").encode())
    return digest.hexdigest()


def plain(title: str) -> str:
    """An article title (HTML in Pelican) as text."""
    return Markup(title).striptags()


def entries_for(nodes: list[Node], slug: str, title: str, url: str) -> list[FeedEntry]:
    text = plain(title)
    return [FeedEntry(node, slug, text, url) for node in nodes]


def feeds_for(articles: list[Article], *, origin: str, sitename: str, site_feed: str) -> list[Feed]:
    """Each article's feed (where it has one), then the site's feed of the newest comments."""
    feeds: list[Feed] = []
    site_entries: list[FeedEntry] = []
    for article in articles:
        url = page_url(origin, article.url)
        entries = entries_for(walk(article.comments), article.slug, article.title, url)
        if article.status == "published":
            site_entries += entries
        if article.comments_feed:
            title = f"Comments on “{plain(article.title)}” — {sitename}"
            feeds.append(
                Feed(article.comments_feed, title, f"{url}#comments", entries, article.date)
            )
    if site_feed:
        newest = heapq.nlargest(SITE_FEED_ITEMS, site_entries, key=lambda e: order(e.node))
        latest = max((a.date for a in articles), default=datetime(1970, 1, 1, tzinfo=UTC))
        feeds.append(
            Feed(site_feed, f"Comments — {sitename}", page_url(origin, ""), newest, latest)
        )
    return feeds


class _Atom(Atom1Feed):
    def __init__(self, *args: object, empty_date: datetime, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.empty_date = empty_date

    def latest_post_date(self) -> datetime:
        return super().latest_post_date() if self.items else self.empty_date


def write_feed(output: Path, feed: Feed, *, origin: str, language: str, stamps: FeedStamps) -> None:
    """Write one feed, newest entry first, unless the same file is already there."""
    path = output / feed.save_as
    digest = _digest(feed, origin, language)
    if stamps.fresh(path, digest):
        return
    feed_url = page_url(origin, feed.save_as)
    atom = _Atom(
        title=_xml(feed.title),
        link=feed.link,
        description="",
        language=language,
        feed_url=feed_url,
        feed_guid=feed_url,
        empty_date=feed.empty_date,
    )
    host = urlsplit(origin).hostname or "localhost"
    for entry in sorted(feed.entries, key=lambda e: order(e.node), reverse=True):
        node = entry.node
        day = node.date.astimezone(UTC).date()
        atom.add_item(
            title=_xml(f"{node.author} on “{entry.title}”"),
            link=f"{entry.url}#{anchor(node)}",
            description=None,
            content=_xml(node.html),
            author_name=_xml(node.author),
            author_link=node.url or None,
            pubdate=node.date,
            unique_id=f"tag:{host},{day}:comments/{entry.slug}/{node.id}",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")
    with temporary.open("w", encoding="utf-8") as handle:
        atom.write(handle, "utf-8")
    os.replace(temporary, path)
    stamps.record(path, digest)


def _digest(feed: Feed, origin: str, language: str) -> str:
    """Everything the file is made of, hashed."""
    entries = [
        (e.slug, e.title, e.url, e.node.id, e.node.author, e.node.url, e.node.date, e.node.html)
        for e in feed.entries
    ]
    inputs = (feed.save_as, feed.title, feed.link, feed.empty_date, origin, language, entries)
    return hashlib.sha256(repr(inputs).encode()).hexdigest()


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)
