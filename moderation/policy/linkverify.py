"""The blog-link check's live visit: open the commenter's page and look for a feed.

`LinkVerifier` fetches through `NetGuard` (the only outbound fetcher), holds on any failure and
never raises; it remembers answers for a while (`_TTLCache`). `find_feed` reads the RSS or Atom
address a page advertises. `link.LinkCheck` uses a verifier when `LinkRules.verify_live` is on.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from ..model import Outcome, Verdict
from ..netguard import DEFAULT_PORTS, FetchError, FetchResult, NetGuard, ascii_host
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


class _TTLCache:
    """A small thread-safe dict whose entries expire; the oldest go first when it is full."""

    def __init__(self, max_entries: int, clock: Callable[[], float]) -> None:
        self._items: OrderedDict[str, tuple[float, Outcome]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries
        self._clock = clock

    def get(self, key: str) -> Outcome | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] <= self._clock():
                self._items.pop(key, None)
                return None
            return item[1]

    def put(self, key: str, outcome: Outcome, ttl: float) -> None:
        with self._lock:
            self._items[key] = (self._clock() + ttl, outcome)
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
        self._cache = _TTLCache(max_entries, clock)

    def verify(self, url: str) -> Outcome:
        host_key = _host_key(url)
        cached = self._cache.get(host_key) or self._cache.get(url)
        if cached is not None:
            return cached
        outcome = self._visit(url)
        if outcome.passed:
            self._cache.put(host_key, outcome, self.ttl)
        elif outcome.code != "link.check-unavailable":  # our network: ask again next time
            self._cache.put(url, outcome, self.failure_ttl)
        return outcome

    def _visit(self, url: str) -> Outcome:
        try:
            page = self.guard.fetch(url)
        except FetchError as error:
            if error.code == "link.unreachable" and self._network_is_down(error.message):
                return hold("link.check-unavailable", f"{error.message}; {_OUR_NETWORK}", url=url)
            return hold(error.code, error.message, url=url)
        except Exception as error:  # the contract: a check never raises; hold and log instead
            logger.exception("link: verifying %s failed", url)
            return hold("link.check-failed", f"{type(error).__name__}: {error}", url=url)
        if not 200 <= page.status < 300:
            return hold("link.unreachable", f"{page.final_url} answered {page.status}", url=url)
        media_type = page.content_type.split(";")[0].strip().lower()
        if media_type not in HTML_TYPES:
            return hold("link.not-html", f"{page.final_url} is {media_type or 'untyped'}", url=url)
        feed = find_feed(page)
        if feed:
            return Outcome(Verdict.PASS, "link.verified", "", f"feed: {feed}")
        return Outcome(
            Verdict.PASS, "link.reachable", "", f"no feed advertised at {page.final_url}"
        )

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
