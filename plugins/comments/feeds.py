"""Atom feeds of published comments: the newest of the whole site, and every article's own.

Written with `feedgenerator` (Pelican's own feed library) once the article pages are out.
Entries carry the sanitized HTML, absolute links, and `tag:` ids built from the site's host,
the comment's date and the article slug, so a reader never sees an entry twice.

A site with a thousand posts has a thousand comment feeds, and opening files is most of what
writing them costs; with content caching on, a feed whose inputs and file are unchanged since
the previous build is left as it is (`FeedStamps`). A feed's inputs name its articles'
comments by their digest, so checking costs no walk over the comments.
"""

from __future__ import annotations

import hashlib
import heapq
import os
import re
from collections.abc import Callable
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


class Body(NamedTuple):
    """What a feed file shows."""

    title: str
    link: str
    entries: list[FeedEntry]
    empty_date: datetime  # `updated` of a feed without entries: rebuilds give the same file


@dataclass(frozen=True)
class Feed:
    save_as: str
    inputs: tuple[object, ...]  # everything the file is made of
    body: Callable[[], Body]  # worked out only when the file is written


@dataclass(frozen=True)
class Site:
    """What every feed of the build shares."""

    origin: str
    language: str
    sitename: str  # plain text


class FeedStamps:
    """Feeds an earlier build wrote from the same inputs and nobody touched since."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.known: dict[str, tuple[tuple[object, ...], int, int]] = store.load()
        self.seen: set[str] = set()
        self.changed = False

    def fresh(self, path: str, inputs: tuple[object, ...]) -> bool:
        self.seen.add(path)
        known = self.known.get(path)
        if known is None or known[0] != inputs:
            return False
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return False
        return (info.st_mtime_ns, info.st_size) == known[1:]

    def record(self, path: str, inputs: tuple[object, ...]) -> None:
        info = os.stat(path)
        self.known[path] = (inputs, info.st_mtime_ns, info.st_size)
        self.changed = True

    def save(self, *, every_feed: bool) -> None:
        """Keep what was written; after `every_feed`, forget feeds no longer written."""
        if every_feed and self.known.keys() - self.seen:
            self.known = {k: v for k, v in self.known.items() if k in self.seen}
            self.changed = True
        if self.changed:
            self.store.save(self.known)
        self.seen, self.changed = set(), False


def stamps_version() -> str:
    """Changes with this module's code or feedgenerator's version: both shape the files."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(metadata.version("feedgenerator").encode())
    return digest.hexdigest()


def plain(title: str) -> str:
    """An article title (HTML in Pelican) as text."""
    return Markup(title).striptags()


def article_feed(article: Article, url: str, comments_digest: str, site: Site) -> Feed:
    """The feed of one article's comments (`article.comments_feed` must be set); `url` is the
    article's, and `comments_digest` that of its comments."""

    def body() -> Body:
        address = page_url(site.origin, url)
        text = plain(article.title)
        entries = [FeedEntry(n, article.slug, text, address) for n in walk(article.comments)]
        title = f"Comments on “{text}” — {site.sitename}"
        return Body(title, f"{address}#comments", entries, article.date)

    parts = (article.comments_feed, article.title, url, article.date, article.slug)
    return Feed(article.comments_feed, _inputs(site, *parts, comments_digest), body)


def site_feed(
    save_as: str, articles: list[Article], known: Callable[[Article], tuple[str, str]], site: Site
) -> Feed:
    """The newest comments of the published `articles`, whose URL and comments' digest `known`
    gives; the feed's date is that of the newest article."""
    published = [a for a in articles if a.status == "published" and a.comment_count]
    latest = max((a.date for a in articles), default=datetime(1970, 1, 1, tzinfo=UTC))

    def body() -> Body:
        # The newest comments first, then entries for those only: a blog has tens of thousands.
        # They all belong to the articles whose own newest comments are the newest (each of
        # the others has that many newer comments elsewhere), so only those are walked.
        candidates = heapq.nlargest(SITE_FEED_ITEMS, published, key=lambda a: _newest(a, known))
        comments = ((node, a) for a in candidates for node in walk(a.comments))
        newest = heapq.nlargest(SITE_FEED_ITEMS, comments, key=lambda pair: order(pair[0]))
        entries = [
            FeedEntry(node, a.slug, plain(a.title), page_url(site.origin, known(a)[0]))
            for node, a in newest
        ]
        return Body(f"Comments — {site.sitename}", page_url(site.origin, ""), entries, latest)

    parts = [(a.slug, a.title, *known(a)) for a in published]
    return Feed(save_as, _inputs(site, save_as, latest, parts), body)


# slug → (its comments' digest, the order of its newest comment): a long-running builder walks
# an article's comments again only when they changed.
_NEWEST: dict[str, tuple[str, tuple[datetime, int]]] = {}


def _newest(article: Article, known: Callable[[Article], tuple[str, str]]) -> tuple[datetime, int]:
    digest = known(article)[1]
    found = _NEWEST.get(article.slug)
    if found is None or found[0] != digest:
        found = _NEWEST[article.slug] = (digest, order(walk(article.comments)[-1]))
    return found[1]


def _inputs(site: Site, *parts: object) -> tuple[object, ...]:
    """Everything the file is made of, kept and compared as it is: cheaper than a hash."""
    return (site.origin, site.language, site.sitename, *parts)


class _Atom(Atom1Feed):
    def __init__(self, *args: object, empty_date: datetime, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.empty_date = empty_date

    def latest_post_date(self) -> datetime:
        return super().latest_post_date() if self.items else self.empty_date


def write_feed(output: str, feed: Feed, site: Site, stamps: FeedStamps) -> None:
    """Write one feed, newest entry first, unless the same file is already there."""
    name = os.path.join(output, feed.save_as)
    if stamps.fresh(name, feed.inputs):
        return
    path = Path(name)
    body = feed.body()
    feed_url = page_url(site.origin, feed.save_as)
    atom = _Atom(
        title=_xml(body.title),
        link=body.link,
        description="",
        language=site.language,
        feed_url=feed_url,
        feed_guid=feed_url,
        empty_date=body.empty_date,
    )
    host = urlsplit(site.origin).hostname or "localhost"
    for entry in sorted(body.entries, key=lambda e: order(e.node), reverse=True):
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
    stamps.record(name, feed.inputs)


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)
