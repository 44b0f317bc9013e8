"""The blog-link check: the comment policy asks every commenter for a link to their own blog.

`classify_blog_url` holds links whose shape says they are not someone's blog (a social profile,
a job board, a shortener, a private or numeric address). It is pure: the intake and the Pelican
plugin at build time both use it. `check_blog_link` and `LinkCheck` add, when the rules ask for
it, a live visit by `linkverify.LinkVerifier`; the commenter-facing reasons live in
`linkreasons`. `OwnershipCheck` reads the same visit (no second fetch) to tell the moderator
whether the blog names the commenter as its author (`ownership`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import SettingsError
from ..model import PASSED, Outcome, Submission, Verdict
from ..netguard import NetGuard, ascii_host, is_ip_literal
from .linkreasons import hold
from .linkverify import LinkVerifier
from .ownership import ownership_outcome

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

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_HTTPS_ONLY = "Use the https:// address of your blog: this blog accepts secure links only."


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

    Ports other than `allowed_ports` are held: a public blog is served on 80 or 443. With
    `verify_live`, each request of the visit may take `live_timeout` seconds.
    """

    own_domains: frozenset[str] = frozenset()
    social_networks: frozenset[str] = SOCIAL_NETWORKS
    job_boards: frozenset[str] = JOB_BOARDS
    shorteners: frozenset[str] = SHORTENERS
    extra_blocked: frozenset[str] = frozenset()
    require_https: bool = False
    verify_live: bool = False
    live_timeout: float = 3.0
    allowed_ports: frozenset[int] = frozenset({80, 443})
    # Looked up when a blog cannot be reached: if none resolves, the fault is ours.
    network_probe_hosts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("own_domains", "social_networks", "job_boards", "shorteners", "extra_blocked"):
            object.__setattr__(self, name, _domains(getattr(self, name), name))
        object.__setattr__(self, "allowed_ports", frozenset(self.allowed_ports))
        if not self.live_timeout > 0:
            raise SettingsError(f"live_timeout: {self.live_timeout!r} is not a positive number")


def _match(host: str, domains: frozenset[str]) -> str | None:
    """The listed domain that `host` is, or is a subdomain of."""
    labels = host.split(".")
    return next((s for i in range(len(labels)) if (s := ".".join(labels[i:])) in domains), None)


# Characters a URL cannot hold unencoded (RFC 3986); a browser would percent-encode them, so
# seeing them raw means the address was typed wrong or built to break out of an attribute.
_NOT_IN_URLS = frozenset('"<>`{}|\\^')


# What people type for an address without its scheme: "jane.blog", "www.jane.blog/posts".
_BARE_HOST = re.compile(r"(?://)?[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\.?(?::\d{1,5})?(?:[/?#]\S*)?")


def complete_blog_url(url: str) -> str:
    """An address typed without its scheme, completed with https:// as a browser's address
    bar does; anything else is returned as it was, for the check to judge."""
    text = url.strip()
    if _BARE_HOST.fullmatch(text):  # no scheme can match: a scheme's colon is not followed
        return "https://" + text.removeprefix("//")  # by digits only, nor preceded by a dot
    return text


def classify_blog_url(url: str, rules: LinkRules) -> Outcome:
    """Hold links whose shape alone shows they are not a public blog; no I/O, no DNS."""
    text = url.strip()
    if not text:
        return hold("link.missing")
    detail = f"link {text[:200]!r}"
    if len(text) > 2000 or any(
        c.isspace() or c in _NOT_IN_URLS or unicodedata.category(c) in ("Cc", "Cf") for c in text
    ):
        return hold("link.malformed", detail)
    scheme = _SCHEME.match(text)
    if scheme is None or "." in scheme.group(1):  # "jane.blog" or "jane.blog:8080/x"
        return hold("link.malformed", f"{detail}: no scheme")
    if scheme.group(1).lower() not in ("http", "https"):
        return hold("link.scheme", detail)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        return hold("link.malformed", f"{detail}: {error}")
    if not text[scheme.end() :].startswith("//") or not parts.hostname:
        return hold("link.malformed", f"{detail}: no host")
    if parts.username is not None or parts.password is not None:
        return hold("link.credentials", detail)
    if rules.require_https and parts.scheme.lower() == "http":
        return hold("link.scheme", detail, reason=_HTTPS_ONLY)
    if is_ip_literal(parts.hostname):
        return hold("link.ip-address", detail)
    try:
        host = ascii_host(parts.hostname)
    except ValueError as error:
        return hold("link.malformed", f"{detail}: {error}")
    if "." not in host or host.rsplit(".", 1)[-1] in LOCAL_SUFFIXES:
        return hold("link.localhost", f"host {host}")
    if port is not None and port not in rules.allowed_ports:
        return hold("link.port", f"port {port}")
    return _classify_host(host, rules)


def _classify_host(host: str, rules: LinkRules) -> Outcome:
    detail = f"host {host}"
    if _match(host, rules.own_domains):
        return hold("link.own-site", detail)
    if domain := _match(host, rules.shorteners):
        return hold("link.shortener", detail, host=domain)
    if domain := _match(host, rules.social_networks):
        label = SOCIAL_LABELS.get(domain, domain)
        article = "an" if label[0] in "AEIOUaeiou" or label == "X" else "a"
        return hold("link.social-profile", detail, label=f"{article} {label}")
    if domain := _match(host, rules.job_boards):
        return hold("link.job-board", detail, label=JOB_LABELS.get(domain, domain))
    if domain := _match(host, rules.extra_blocked):
        return hold("link.blocked-domain", detail, host=domain)
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
            guard = NetGuard(timeout=rules.live_timeout, allowed_ports=rules.allowed_ports)
            verifier = LinkVerifier(guard, probe_hosts=rules.network_probe_hosts)
        self.verifier = verifier

    def __call__(self, submission: Submission) -> Outcome:
        return check_blog_link(submission, self.rules, self.verifier)


class OwnershipCheck:
    """Information for the moderator, never a hold: does the blog name the commenter?

    It reads the visit the link check (earlier in the policy) just made, from the verifier's
    memory: it never fetches the page again, even when that visit was not remembered (our
    own network was down), and then says the blog could not be read.
    """

    name = "ownership"

    def __init__(self, rules: LinkRules, verifier: LinkVerifier) -> None:
        self.rules = rules
        self.verifier = verifier

    def __call__(self, submission: Submission) -> Outcome:
        url = submission.blog_url.strip()
        if not classify_blog_url(url, self.rules).passed:
            return Outcome(Verdict.PASS, "ownership.unchecked", "", "the blog link was not opened")
        visit = self.verifier.remembered(url)
        if visit is None or not visit.outcome.passed:
            return Outcome(Verdict.PASS, "ownership.unchecked", "", "the blog could not be read")
        names = self.verifier.authors(visit)
        return ownership_outcome(submission.name, names, len(visit.author.me))
