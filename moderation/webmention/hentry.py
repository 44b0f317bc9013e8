"""What a Webmention's source says: whether it links to the target, and its h-entry.

Pure parsing of the page `verify` fetched through NetGuard. The W3C Webmention
Recommendation (3.2.2) asks the receiver to check that the source contains the target's
URL: an `<a href>` (or any element's link) or, in microformats, any property whose value is
the target. The h-entry gives the author (name and URL, from its h-card), the content as
text (the sanitizer renders it at build time, as any comment's text), `in-reply-to` and the
published date (mf2py, which never fetches on its own when given the document).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..netguard import FetchResult
from ..policy.blogauthor import first_text, page_text, parse_mf2, representative_hcard
from .targets import same_page

MAX_BODY = 10_000  # the intake's limit for a comment's text
_LINK_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "data"})
_BLANK_LINES = re.compile(r"\n{3,}")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True)
class SourcePost:
    """A source page as a comment needs it."""

    links_to_target: bool
    author_name: str = ""
    author_url: str = ""
    content: str = ""
    in_reply_to: tuple[str, ...] = ()
    published: datetime | None = None


class _Links(HTMLParser):
    """Every URL an element of the page points to, resolved against the page (and `<base>`)."""

    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if tag == "base" and name == "href" and value:
                self.base = urljoin(self.base, value.strip())
            elif name in _LINK_ATTRIBUTES and value:
                self.links.append(urljoin(self.base, value.strip()))


def _values(value: Any) -> Iterator[str]:
    """Every string in an mf2 structure: property values, nested objects, `value`/`html`."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            if key != "html":
                yield from _values(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _values(inner)


def read_source(page: FetchResult, target: str) -> SourcePost:
    """What the fetched source says about `target`."""
    media_type = page.content_type.split(";")[0].strip().lower()
    text = page_text(page)
    if media_type not in HTML_TYPES:  # plain text, JSON …: only the exact address counts
        return SourcePost(links_to_target=target in text)
    links = _Links(page.final_url)
    links.feed(text)
    links.close()
    parsed = parse_mf2(text, page.final_url)
    linked = any(same_page(link, target) for link in links.links) or any(
        same_page(value, target) for item in parsed.get("items", []) for value in _values(item)
    )
    entry = _first_entry(parsed.get("items", []))
    if entry is None:
        return SourcePost(links_to_target=linked)
    properties = entry.get("properties", {})
    name, url = _author(properties, parsed, page.final_url)
    content = _text(properties, "content") or _text(properties, "summary")
    content = content or first_text(properties, "name", MAX_BODY)
    return SourcePost(
        links_to_target=linked,
        author_name=name,
        author_url=url,
        content=content,
        in_reply_to=tuple(_urls(properties.get("in-reply-to", []), page.final_url)),
        published=_date(first_text(properties, "published")),
    )


def _text(properties: dict[str, Any], name: str) -> str:
    """A property's text with its paragraphs kept, cut to a comment's size."""
    for value in properties.get(name, []):
        if isinstance(value, dict):
            value = value.get("value", "")
        if isinstance(value, str) and value.strip():
            lines = (" ".join(line.split()) for line in value.strip().splitlines())
            text = _BLANK_LINES.sub("\n\n", "\n".join(lines))
            return text if len(text) <= MAX_BODY else text[: MAX_BODY - 1] + "…"
    return ""


def _first_entry(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The page's first h-entry, at top level or among an h-feed's children."""
    for item in items:
        if "h-entry" in item.get("type", []):
            return item
        found = _first_entry(item.get("children", []))
        if found is not None:
            return found
    return None


def _author(properties: dict[str, Any], parsed: dict[str, Any], page_url: str) -> tuple[str, str]:
    """The entry's author h-card (name, url); else the page's representative h-card."""
    for author in properties.get("author", []):
        if isinstance(author, dict):
            inner = author.get("properties", {})
            url = first_text(inner, "url")
            return first_text(inner, "name") or str(author.get("value", ""))[:200], url
        if isinstance(author, str) and author.strip():
            text = author.strip()
            return ("", text) if urlsplit(text).scheme in ("http", "https") else (text, "")
    card = representative_hcard(parsed, page_url)
    if card is None:
        return "", ""
    inner = card.get("properties", {})
    return first_text(inner, "name"), first_text(inner, "url")


def _urls(values: list[Any], base: str) -> Iterator[str]:
    """The URLs of a property such as in-reply-to: strings, or cites' `url` or `value`."""
    for value in values:
        if isinstance(value, dict):
            value = first_text(value.get("properties", {}), "url") or value.get("value", "")
        if isinstance(value, str) and value.strip():
            yield urljoin(base, value.strip())


def _date(text: str) -> datetime | None:
    """An ISO 8601 date as published; a time without an offset is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
