"""Find a blog's IndieAuth endpoints from its address (IndieAuth, "Discovery by Clients").

The profile page names its metadata document in an HTTP `Link` header or an HTML `<link>`
with `rel="indieauth-metadata"`; the document (JSON) gives `issuer`, `authorization_endpoint`
and `token_endpoint`. Older servers name `rel="authorization_endpoint"` directly, which the
spec still asks clients to accept. A `Link` header wins over the HTML, as the spec says.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from ..netguard import FetchError, FetchResult, NetGuard

_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_REL = re.compile(r';\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))', re.IGNORECASE)
METADATA = "indieauth-metadata"
AUTHORIZATION = "authorization_endpoint"


class DiscoveryFailed(Exception):
    """No usable authorization endpoint: the message says why, for the commenter."""


@dataclass(frozen=True)
class Endpoints:
    """Where to send the commenter, and the issuer the answer must name (empty: not known)."""

    profile: str
    authorization: str
    issuer: str = ""


def link_header_rels(values: list[str], base: str) -> dict[str, str]:
    """The first URL for each rel of `Link` header values, made absolute."""
    found: dict[str, str] = {}
    for value in values:
        for target, params in _LINK.findall(value):
            for rel_match in _REL.finditer(params):
                for rel in (rel_match.group(1) or rel_match.group(2)).lower().split():
                    found.setdefault(rel, urljoin(base, target.strip()))
    return found


class _LinkTags(HTMLParser):
    """`<link rel href>` (and `<base href>`) of an HTML page; the first of each rel wins."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rels: dict[str, str] = {}
        self.base = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "base" and not self.base:
            self.base = values.get("href", "")
        elif tag == "link" and values.get("href"):
            for rel in values.get("rel", "").lower().split():
                self.rels.setdefault(rel, values["href"].strip())


def html_rels(html: str, base: str) -> dict[str, str]:
    """The first URL for each rel of the page's `<link>` elements, made absolute."""
    parser = _LinkTags()
    parser.feed(html)
    parser.close()
    page_base = urljoin(base, parser.base) if parser.base else base
    return {rel: urljoin(page_base, href) for rel, href in parser.rels.items()}


def page_rels(page: FetchResult) -> dict[str, str]:
    """Rels from the `Link` header first, then from the HTML for the rels it did not give."""
    rels = link_header_rels(page.header_values("link"), page.final_url)
    if "html" in page.content_type.lower():
        text = page.body.decode("utf-8", errors="replace")
        for rel, url in html_rels(text, page.final_url).items():
            rels.setdefault(rel, url)
    return rels


def _fetch(guard: NetGuard, url: str, what: str) -> FetchResult:
    try:
        page = guard.fetch(url)
    except FetchError as error:
        raise DiscoveryFailed(f"{what} could not be read: {error.message}") from error
    if page.status != 200:
        raise DiscoveryFailed(f"{what} answered HTTP {page.status}")
    return page


def _web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def discover(guard: NetGuard, profile_url: str) -> Endpoints:
    """The endpoints `profile_url` declares; DiscoveryFailed when it declares none we can use."""
    page = _fetch(guard, profile_url, f"Your blog ({profile_url})")
    rels = page_rels(page)
    if METADATA in rels:
        return _from_metadata(guard, profile_url, rels[METADATA])
    if AUTHORIZATION in rels and _web_url(rels[AUTHORIZATION]):
        return Endpoints(profile_url, rels[AUTHORIZATION])
    raise DiscoveryFailed(
        f"Your blog ({profile_url}) does not name an IndieAuth server: it needs a"
        ' <link rel="indieauth-metadata"> (or rel="authorization_endpoint") to sign in with it'
    )


def _from_metadata(guard: NetGuard, profile_url: str, metadata_url: str) -> Endpoints:
    document = _fetch(guard, metadata_url, f"Your blog's IndieAuth metadata ({metadata_url})")
    try:
        metadata = json.loads(document.body)
    except ValueError as error:
        raise DiscoveryFailed(f"Your blog's IndieAuth metadata is not JSON: {error}") from error
    endpoint = metadata.get(AUTHORIZATION) if isinstance(metadata, dict) else None
    if not isinstance(endpoint, str) or not _web_url(endpoint):
        raise DiscoveryFailed("Your blog's IndieAuth metadata names no authorization endpoint")
    issuer = metadata.get("issuer", "")
    return Endpoints(profile_url, endpoint, issuer if isinstance(issuer, str) else "")
