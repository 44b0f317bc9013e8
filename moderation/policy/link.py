"""The blog-link check: the comment policy asks every commenter for a link to their own blog.

`classify_blog_url` holds links whose shape says they are not someone's blog (a social profile,
a job board, a shortener, a private or numeric address). It is pure: the intake and the Pelican
plugin at build time both use it. `LinkVerifier` optionally opens the page through `NetGuard`
to see that it is a reachable HTML page and whether it advertises a feed.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from ..errors import SettingsError
from ..model import PASSED, Outcome, Submission, Verdict
from ..netguard import (
    DEFAULT_PORTS,
    FetchError,
    FetchResult,
    NetGuard,
    ascii_host,
    is_ip_literal,
)

logger = logging.getLogger(__name__)

# Display names make the reason concrete ("a LinkedIn profile is not a blog").
SOCIAL_LABELS = {
    "linkedin.com": "LinkedIn", "facebook.com": "Facebook", "fb.com": "Facebook",
    "messenger.com": "Messenger", "instagram.com": "Instagram", "instagr.am": "Instagram",
    "x.com": "X", "twitter.com": "Twitter", "threads.net": "Threads", "threads.com": "Threads",
    "tiktok.com": "TikTok", "youtube.com": "YouTube", "youtu.be": "YouTube",
    "pinterest.com": "Pinterest", "snapchat.com": "Snapchat", "reddit.com": "Reddit",
    "redd.it": "Reddit", "quora.com": "Quora", "bsky.app": "Bluesky", "bsky.social": "Bluesky",
    "mastodon.social": "Mastodon", "t.me": "Telegram", "telegram.me": "Telegram",
    "wa.me": "WhatsApp", "whatsapp.com": "WhatsApp", "discord.com": "Discord",
    "discord.gg": "Discord", "twitch.tv": "Twitch", "vk.com": "VK", "ok.ru": "Odnoklassniki",
    "weibo.com": "Weibo", "xing.com": "XING", "github.com": "GitHub", "gitlab.com": "GitLab",
    "linktr.ee": "Linktree", "beacons.ai": "Beacons", "about.me": "about.me",
}  # fmt: skip
JOB_LABELS = {
    "indeed.com": "Indeed", "indeed.co.uk": "Indeed", "glassdoor.com": "Glassdoor",
    "glassdoor.co.uk": "Glassdoor", "monster.com": "Monster", "ziprecruiter.com": "ZipRecruiter",
    "careerbuilder.com": "CareerBuilder", "simplyhired.com": "SimplyHired", "dice.com": "Dice",
    "wellfound.com": "Wellfound", "angel.co": "AngelList", "hired.com": "Hired",
    "lever.co": "Lever", "greenhouse.io": "Greenhouse", "workable.com": "Workable",
    "upwork.com": "Upwork", "fiverr.com": "Fiverr", "freelancer.com": "Freelancer",
    "reed.co.uk": "Reed", "totaljobs.com": "Totaljobs", "seek.com.au": "SEEK",
    "naukri.com": "Naukri", "stepstone.de": "StepStone", "snagajob.com": "Snagajob",
    "flexjobs.com": "FlexJobs", "weworkremotely.com": "We Work Remotely",
    "remoteok.com": "Remote OK", "usajobs.gov": "USAJOBS", "jobs.ch": "jobs.ch",
}  # fmt: skip
SOCIAL_NETWORKS = frozenset(SOCIAL_LABELS)
JOB_BOARDS = frozenset(JOB_LABELS)
SHORTENERS = frozenset({
    "bit.ly", "bitly.com", "t.co", "goo.gl", "tinyurl.com", "ow.ly", "buff.ly", "is.gd", "v.gd",
    "rebrand.ly", "lnkd.in", "cutt.ly", "shorturl.at", "rb.gy", "t.ly", "tiny.cc", "bl.ink",
    "s.id", "trib.al", "dlvr.it", "ift.tt", "amzn.to", "fb.me", "pin.it", "db.tt", "qr.ae",
    "adf.ly", "shorte.st", "bc.vc", "x.co", "soo.gd", "clck.ru", "u.to", "tr.im", "po.st",
    "su.pr", "mcaf.ee", "tiny.one", "surl.li", "snip.ly", "shorturl.com", "1url.com",
})  # fmt: skip
# Names that only work inside one computer or network, whatever they resolve to today.
LOCAL_SUFFIXES = frozenset({
    "localhost", "local", "internal", "localdomain", "lan", "home", "corp", "intranet",
    "private", "invalid", "arpa",
})  # fmt: skip
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_EXAMPLE = "for example https://yourblog.example/"
_HTTPS_ONLY = "Use the https:// address of your blog: this blog accepts secure links only."
REASONS = {
    "link.missing": "Add the address of your own blog: the comment policy publishes only"
    " comments that link to the commenter's blog.",
    "link.malformed": f"Check your blog's address: write it in full, {_EXAMPLE}.",
    "link.scheme": f"Use your blog's web address, starting with https:// or http://, {_EXAMPLE}.",
    "link.credentials": "Remove the user name and password from the address and link to your"
    " blog's public page.",
    "link.ip-address": "Use your blog's domain name rather than a numeric IP address.",
    "link.localhost": "Add your blog's public address: this one only works on your own computer"
    " or network.",
    "link.private-address": "Add your blog's public address: {url} leads to a private network"
    " that readers cannot reach.",
    "link.port": "Remove the port number from the address and give the public address readers"
    f" use, {_EXAMPLE}.",
    "link.shortener": "Add your blog's full address: shortened links such as {host} hide where"
    " they lead.",
    "link.social-profile": "Add the address of your own blog; {label} profile is not a blog.",
    "link.job-board": "Add the address of your own blog; a job listing on {label} is not a blog.",
    "link.blocked-domain": "Add the address of your own blog; {host} is not accepted as a blog.",
    "link.own-site": "Add the address of your own blog; this link points to this blog itself.",
    "link.unreachable": "We could not open {url}: check the address and try again.",
    "link.not-html": "{url} is not a web page; add the address of your blog's home page.",
    "link.too-many-redirects": "{url} redirects too many times; add the address your blog"
    " finally opens at.",
    "link.check-failed": "We could not check {url}, so a moderator will look at it first.",
}


def _hold(code: str, detail: str = "", *, reason: str = "", **facts: str) -> Outcome:
    return Outcome(Verdict.HOLD, code, reason or REASONS[code].format(**facts), detail)


def _domains(values: Iterable[str], field: str) -> frozenset[str]:
    """Rule domains in the form hosts are compared in: ASCII, lower case, no leading `www.`."""
    domains = set()
    for value in values:
        try:
            domains.add(ascii_host(value.strip().lstrip("*.")).removeprefix("www."))
        except ValueError as error:
            raise SettingsError(f"{field}: {value!r} is not a domain name") from error
    return frozenset(domains)


@dataclass(frozen=True)
class LinkRules:
    """Which links are not a commenter's own blog; the built-in lists can be replaced or extended.

    Ports other than `allowed_ports` are held: a public blog is served on 80 or 443.
    """

    own_domains: frozenset[str] = frozenset()
    social_networks: frozenset[str] = SOCIAL_NETWORKS
    job_boards: frozenset[str] = JOB_BOARDS
    shorteners: frozenset[str] = SHORTENERS
    extra_blocked: frozenset[str] = frozenset()
    require_https: bool = False
    verify_live: bool = False
    allowed_ports: frozenset[int] = frozenset({80, 443})

    def __post_init__(self) -> None:
        for name in ("own_domains", "social_networks", "job_boards", "shorteners", "extra_blocked"):
            object.__setattr__(self, name, _domains(getattr(self, name), name))
        object.__setattr__(self, "allowed_ports", frozenset(self.allowed_ports))


def _match(host: str, domains: frozenset[str]) -> str | None:
    """The listed domain that `host` is, or is a subdomain of."""
    labels = host.split(".")
    return next((s for i in range(len(labels)) if (s := ".".join(labels[i:])) in domains), None)


# Characters a URL cannot hold unencoded (RFC 3986); a browser would percent-encode them, so
# seeing them raw means the address was typed wrong or built to break out of an attribute.
_NOT_IN_URLS = frozenset('"<>`{}|\\^')


def classify_blog_url(url: str, rules: LinkRules) -> Outcome:
    """Hold links whose shape alone shows they are not a public blog; no I/O, no DNS."""
    text = url.strip()
    if not text:
        return _hold("link.missing")
    detail = f"link {text[:200]!r}"
    if len(text) > 2000 or any(
        c.isspace() or c in _NOT_IN_URLS or unicodedata.category(c) in ("Cc", "Cf") for c in text
    ):
        return _hold("link.malformed", detail)
    scheme = _SCHEME.match(text)
    if scheme is None or "." in scheme.group(1):  # "jane.blog" or "jane.blog:8080/x"
        return _hold("link.malformed", f"{detail}: no scheme")
    if scheme.group(1).lower() not in ("http", "https"):
        return _hold("link.scheme", detail)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        return _hold("link.malformed", f"{detail}: {error}")
    if not text[scheme.end() :].startswith("//") or not parts.hostname:
        return _hold("link.malformed", f"{detail}: no host")
    if parts.username is not None or parts.password is not None:
        return _hold("link.credentials", detail)
    if rules.require_https and parts.scheme.lower() == "http":
        return _hold("link.scheme", detail, reason=_HTTPS_ONLY)
    if is_ip_literal(parts.hostname):
        return _hold("link.ip-address", detail)
    try:
        host = ascii_host(parts.hostname)
    except ValueError as error:
        return _hold("link.malformed", f"{detail}: {error}")
    if "." not in host or host.rsplit(".", 1)[-1] in LOCAL_SUFFIXES:
        return _hold("link.localhost", f"host {host}")
    if port is not None and port not in rules.allowed_ports:
        return _hold("link.port", f"port {port}")
    return _classify_host(host, rules)


def _classify_host(host: str, rules: LinkRules) -> Outcome:
    detail = f"host {host}"
    if _match(host, rules.own_domains):
        return _hold("link.own-site", detail)
    if domain := _match(host, rules.shorteners):
        return _hold("link.shortener", detail, host=domain)
    if domain := _match(host, rules.social_networks):
        label = SOCIAL_LABELS.get(domain, domain)
        article = "an" if label[0] in "AEIOUaeiou" or label == "X" else "a"
        return _hold("link.social-profile", detail, label=f"{article} {label}")
    if domain := _match(host, rules.job_boards):
        return _hold("link.job-board", detail, label=JOB_LABELS.get(domain, domain))
    if domain := _match(host, rules.extra_blocked):
        return _hold("link.blocked-domain", detail, host=domain)
    return PASSED


def check_blog_link(
    submission: Submission, rules: LinkRules, verifier: LinkVerifier | None = None
) -> Outcome:
    """The shape rules, then (when `rules.verify_live` and a verifier is given) a live visit."""
    outcome = classify_blog_url(submission.blog_url, rules)
    if not outcome.passed or not rules.verify_live or verifier is None:
        return outcome
    return verifier.verify(submission.blog_url.strip())


class LinkCheck:
    """The policy's link check; with `verify_live` and no verifier given it makes its own."""

    name = "link"

    def __init__(self, rules: LinkRules, verifier: LinkVerifier | None = None) -> None:
        self.rules = rules
        if verifier is None and rules.verify_live:
            verifier = LinkVerifier(NetGuard(allowed_ports=rules.allowed_ports))
        self.verifier = verifier

    def __call__(self, submission: Submission) -> Outcome:
        return check_blog_link(submission, self.rules, self.verifier)


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
    ) -> None:
        self.guard = guard or NetGuard()
        self.ttl = ttl
        self.failure_ttl = failure_ttl
        self._cache = _TTLCache(max_entries, clock)

    def verify(self, url: str) -> Outcome:
        host_key = _host_key(url)
        cached = self._cache.get(host_key) or self._cache.get(url)
        if cached is not None:
            return cached
        outcome = self._visit(url)
        if outcome.passed:
            self._cache.put(host_key, outcome, self.ttl)
        else:
            self._cache.put(url, outcome, self.failure_ttl)
        return outcome

    def _visit(self, url: str) -> Outcome:
        try:
            page = self.guard.fetch(url)
        except FetchError as error:
            return _hold(error.code, error.message, url=url)
        except Exception as error:  # the contract: a check never raises; hold and log instead
            logger.exception("link: verifying %s failed", url)
            return _hold("link.check-failed", f"{type(error).__name__}: {error}", url=url)
        if not 200 <= page.status < 300:
            return _hold("link.unreachable", f"{page.final_url} answered {page.status}", url=url)
        media_type = page.content_type.split(";")[0].strip().lower()
        if media_type not in HTML_TYPES:
            return _hold("link.not-html", f"{page.final_url} is {media_type or 'untyped'}", url=url)
        feed = find_feed(page)
        if feed:
            return Outcome(Verdict.PASS, "link.verified", "", f"feed: {feed}")
        return Outcome(
            Verdict.PASS, "link.reachable", "", f"no feed advertised at {page.final_url}"
        )


def _host_key(url: str) -> str:
    """`scheme://host:port` in canonical form, or the URL itself when it does not parse."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        port = parts.port or DEFAULT_PORTS.get(scheme, 0)
        return f"{scheme}://{ascii_host(parts.hostname or '')}:{port}"
    except ValueError:
        return url
