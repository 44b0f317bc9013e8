"""The blog-link check's live visit: open the commenter's page and look for a feed.

`LinkVerifier` fetches through `NetGuard` (the only outbound fetcher), holds on any failure and
never raises; it remembers answers for a while (`_TTLCache`). `find_feed` reads the RSS or Atom
address a page advertises. `link.LinkCheck` uses a verifier when `LinkRules.verify_live` is on.
A visit also keeps who the blog says writes it (`blogauthor`: its h-card and rel=me links);
`authors` adds its feed's author, fetching the feed only when the page names nobody.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Generic, TypeVar
from urllib.parse import urljoin, urlsplit

from ..model import Outcome, Verdict
from ..netguard import DEFAULT_PORTS, FetchError, FetchResult, NetGuard, ascii_host
from .blogauthor import BlogAuthor, blog_author, feed_author
from .linkreasons import hold

logger = logging.getLogger(__name__)

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


class _FeedLinks(HTMLParser):
    """Collects `<link rel="alternate">` feed addresses and the `<base href>`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base = ""
        self.feeds: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: (value or "").strip() for key, value in attrs}
        if tag == "base" and not self.base:
            self.base = values.get("href", "")
        kind = values.get("type", "").split(";")[0].strip().lower()
        rels = values.get("rel", "").lower().split()
        if tag == "link" and "alternate" in rels and kind in FEED_TYPES and values.get("href"):
            self.feeds.append(values["href"])


def find_feed(page: FetchResult) -> str | None:
    """The absolute address of the first RSS or Atom feed the page advertises."""
    charset = re.search(r"charset=[\"']?([\w.:-]+)", page.content_type, re.IGNORECASE)
    try:
        html = page.body.decode(charset.group(1) if charset else "utf-8", errors="replace")
    except LookupError:
        html = page.body.decode("utf-8", errors="replace")
    parser = _FeedLinks()
    parser.feed(html)
    parser.close()
    if not parser.feeds:
        return None
    return urljoin(urljoin(page.final_url, parser.base), parser.feeds[0])


@dataclass(frozen=True)
class BlogVisit:
    """One visit of a blog: the link check's outcome, and the author the blog names."""

    outcome: Outcome
    author: BlogAuthor = field(default_factory=BlogAuthor)
    feed: str = ""  # the feed's address, when the page advertises one


T = TypeVar("T")


class _TTLCache(Generic[T]):
    """A small thread-safe dict whose entries expire; the oldest go first when it is full."""

    def __init__(self, max_entries: int, clock: Callable[[], float]) -> None:
        self._items: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries
        self._clock = clock

    def get(self, key: str) -> T | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] <= self._clock():
                self._items.pop(key, None)
                return None
            return item[1]

    def put(self, key: str, visit: T, ttl: float) -> None:
        with self._lock:
            self._items[key] = (self._clock() + ttl, visit)
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)


class LinkVerifier:
    """Opens a commenter's blog through NetGuard; never raises, holds on any failure.

    A host that served a page is not fetched again for `ttl` seconds, whatever the path. A
    failure is remembered only for that exact URL and for `failure_ttl`: a commenter who fixes
    a typo must not be told again that the old address failed.
    """

    def __init__(
        self,
        guard: NetGuard | None = None,
        *,
        ttl: float = 3600.0,
        failure_ttl: float = 120.0,
        max_entries: int = 4096,
        clock: Callable[[], float] = time.monotonic,
        probe_hosts: tuple[str, ...] = (),
    ) -> None:
        """:param probe_hosts: well-known names; when a blog cannot be reached and none of
        these resolves either, the fault is this server's network, not the commenter's."""
        self.guard = guard or NetGuard()
        self.ttl = ttl
        self.failure_ttl = failure_ttl
        self.probe_hosts = probe_hosts
        self._cache: _TTLCache[BlogVisit] = _TTLCache(max_entries, clock)
        self._feed_authors: _TTLCache[str] = _TTLCache(max_entries, clock)

    def verify(self, url: str) -> Outcome:
        return self.visit(url).outcome

    def visit(self, url: str) -> BlogVisit:
        """The blog's page as last seen: one fetch per host (and feed) per `ttl`."""
        host_key = _host_key(url)
        cached = self.remembered(url)
        if cached is not None:
            return cached
        visit = self._visit(url)
        if visit.outcome.passed:
            self._cache.put(host_key, visit, self.ttl)
        elif visit.outcome.code != "link.check-unavailable":  # our network: ask again next time
            self._cache.put(url, visit, self.failure_ttl)
        return visit

    def _visit(self, url: str) -> BlogVisit:
        try:
            page = self.guard.fetch(url)
        except FetchError as error:
            if error.code == "link.unreachable" and self._network_is_down(error.message):
                message = f"{error.message}; {_OUR_NETWORK}"
                return BlogVisit(hold("link.check-unavailable", message, url=url))
            return BlogVisit(hold(error.code, error.message, url=url))
        except Exception as error:  # the contract: a check never raises; hold and log instead
            logger.exception("link: verifying %s failed", url)
            return BlogVisit(hold("link.check-failed", f"{type(error).__name__}: {error}", url=url))
        if not 200 <= page.status < 300:
            message = f"{page.final_url} answered {page.status}"
            return BlogVisit(hold("link.unreachable", message, url=url))
        media_type = page.content_type.split(";")[0].strip().lower()
        if media_type not in HTML_TYPES:
            message = f"{page.final_url} is {media_type or 'untyped'}"
            return BlogVisit(hold("link.not-html", message, url=url))
        feed = find_feed(page)
        if feed:
            outcome = Outcome(Verdict.PASS, "link.verified", "", f"feed: {feed}")
        else:
            detail = f"no feed advertised at {page.final_url}"
            outcome = Outcome(Verdict.PASS, "link.reachable", "", detail)
        return BlogVisit(outcome, self._author(page), feed or "")

    def remembered(self, url: str) -> BlogVisit | None:
        """The visit `visit` would answer from memory, without fetching anything."""
        return self._cache.get(_host_key(url)) or self._cache.get(url)

    def authors(self, visit: BlogVisit) -> list[tuple[str, str]]:
        """`(name, where)` for each author name the blog gives: its h-card's, else its feed's.

        The feed is fetched only when the page names nobody (one request more, at most) and
        its answer is remembered as long as a visit.
        """
        if visit.author.name:
            return [(visit.author.name, "h-card")]
        if not visit.feed:
            return []
        name = self._feed_authors.get(visit.feed)
        if name is None:
            name = self._feed_author(visit.feed)
            self._feed_authors.put(visit.feed, name, self.ttl)
        return [(name, "feed")] if name else []

    def _author(self, page: FetchResult) -> BlogAuthor:
        """The page's h-card and rel=me links; a page mf2py cannot read names nobody."""
        try:
            return blog_author(page)
        except Exception:  # third-party parsing of hostile HTML: log it, never fail the check
            logger.exception("link: reading the microformats of %s failed", page.final_url)
            return BlogAuthor()

    def _feed_author(self, feed: str) -> str:
        try:
            answer = self.guard.fetch(feed)
        except FetchError as error:
            logger.info("link: feed %s not read: %s", feed, error.message)
            return ""
        return feed_author(answer.body) if 200 <= answer.status < 300 else ""

    def _network_is_down(self, failure: str) -> bool:
        """No route out, or no probe host resolves: nobody's blog could be reached now."""
        if "Network is unreachable" in failure:
            return True
        return bool(self.probe_hosts) and not any(
            self.guard.can_resolve(host) for host in self.probe_hosts
        )


_OUR_NETWORK = "this server's own network or DNS is failing (the probe hosts do not resolve)"


def _host_key(url: str) -> str:
    """`scheme://host:port` in canonical form, or the URL itself when it does not parse."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        port = parts.port or DEFAULT_PORTS.get(scheme, 0)
        return f"{scheme}://{ascii_host(parts.hostname or '')}:{port}"
    except ValueError:
        return url
