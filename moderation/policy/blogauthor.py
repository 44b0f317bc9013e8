"""Who a blog says writes it: its representative h-card, its rel=me links, its feed's author.

Pure parsing of pages the live link check already fetched (through NetGuard): microformats2
with `mf2py` (given the document, it never fetches anything itself) and feeds with
`defusedxml` (no external entities, no entity expansion). The representative h-card follows
the microformats algorithm (microformats.org/wiki/representative-h-card-parsing): an h-card
whose `uid` and `url` are the page's URL; else one whose `url` is also a rel=me link of the
page; else the only h-card of the page, when its `url` is the page's URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from ..netguard import FetchResult

ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
_EDITOR_NAME = re.compile(r"\(([^()]+)\)\s*$")  # RSS: "jane@example.org (Jane Doe)"
MAX_NAME = 200


@dataclass(frozen=True)
class BlogAuthor:
    """What a blog's home page says about its author; empty when it says nothing."""

    name: str = ""  # the representative h-card's name
    url: str = ""  # the representative h-card's url
    me: tuple[str, ...] = ()  # rel=me links


def page_text(page: FetchResult) -> str:
    """The page's body as text, in the charset its Content-Type names (else UTF-8)."""
    charset = re.search(r"charset=[\"']?([\w.:-]+)", page.content_type, re.IGNORECASE)
    try:
        return page.body.decode(charset.group(1) if charset else "utf-8", errors="replace")
    except LookupError:
        return page.body.decode("utf-8", errors="replace")


def parse_mf2(html: str, url: str) -> dict[str, Any]:
    """mf2py's parse of a document we already hold; mf2py and BeautifulSoup load on first use."""
    import mf2py

    return mf2py.parse(doc=html, url=url, html_parser="html.parser")


def same_url(one: str, other: str) -> bool:
    """URLs equal but for scheme and host case, a default port and a trailing slash."""
    return _canonical(one) == _canonical(other)


def _canonical(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    netloc = host if port in (None, default) else f"{host}:{port}"
    path = parts.path.rstrip("/")
    return urlunsplit(("", netloc, path, parts.query, ""))


def first_text(properties: dict[str, Any], name: str, limit: int = MAX_NAME) -> str:
    """The first value of an mf2 property as one line of text (an embedded object's `value`)."""
    for value in properties.get(name, []):
        if isinstance(value, dict):
            value = value.get("value", "")
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())[:limit]
    return ""


def representative_hcard(parsed: dict[str, Any], page_url: str) -> dict[str, Any] | None:
    """The page's representative h-card, per the microformats algorithm, or None."""
    cards = [item for item in parsed.get("items", []) if "h-card" in item.get("type", [])]
    me = parsed.get("rels", {}).get("me", [])

    def urls(card: dict[str, Any], name: str) -> list[str]:
        return [u for u in card.get("properties", {}).get(name, []) if isinstance(u, str)]

    for card in cards:
        if any(same_url(u, page_url) for u in urls(card, "uid")) and any(
            same_url(u, page_url) for u in urls(card, "url")
        ):
            return card
    for card in cards:
        if any(same_url(u, m) for u in urls(card, "url") for m in me):
            return card
    if len(cards) == 1 and any(same_url(u, page_url) for u in urls(cards[0], "url")):
        return cards[0]
    return None


def blog_author(page: FetchResult) -> BlogAuthor:
    """The author a blog's home page names, from its microformats; empty when none."""
    parsed = parse_mf2(page_text(page), page.final_url)
    me = tuple(u for u in parsed.get("rels", {}).get("me", []) if isinstance(u, str))
    card = representative_hcard(parsed, page.final_url)
    if card is None:
        return BlogAuthor(me=me)
    properties = card.get("properties", {})
    return BlogAuthor(first_text(properties, "name"), first_text(properties, "url"), me)


def feed_author(body: bytes) -> str:
    """The name an Atom or RSS feed gives for its author, or "" (also for what is no feed)."""
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return ""
    if root.tag == f"{ATOM}feed":
        return _clean(root.findtext(f"{ATOM}author/{ATOM}name"))
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        return ""
    for found in (
        channel.findtext(DC_CREATOR),
        _editor(channel.findtext("managingEditor")),
        channel.findtext(f"item/{DC_CREATOR}"),
        _editor(channel.findtext("item/author")),
    ):
        if name := _clean(found):
            return name
    return ""


def _editor(value: str | None) -> str:
    """RSS puts an e-mail address first: keep the name in brackets, if any."""
    found = _EDITOR_NAME.search(value or "")
    return found.group(1) if found else ""


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())[:MAX_NAME]
