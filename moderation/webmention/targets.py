"""Which of our articles a Webmention's target (or a source's in-reply-to) names.

A target is one of ours when it is on the site's origin (SITEURL / CANONICAL_SITEURL, either
scheme) and its path is an article's, as ARTICLE_URL writes it ("posts/{slug}/"), with or
without the trailing slash or `index.html`. A fragment `#comment-12` names one of its comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
_COMMENT = re.compile(r"comment-([1-9][0-9]{0,17})")


def _place(url: str) -> tuple[str, str, str] | None:
    """(host:port, path without trailing slash, query) of an http(s) URL, or None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return netloc, parts.path.rstrip("/"), parts.query


def same_page(one: str, other: str) -> bool:
    """Both URLs name the same page: scheme, case of the host, default port, a trailing slash
    and the fragment aside."""
    first = _place(one)
    return first is not None and first == _place(other)


def is_web_url(url: str) -> bool:
    return _place(url) is not None


@dataclass(frozen=True)
class ArticleTarget:
    """An article of ours, and the comment a fragment names, if any."""

    slug: str
    comment_id: int | None = None


class ArticleUrls:
    """Turns URLs of the site back into article slugs, by the site's ARTICLE_URL pattern."""

    def __init__(self, site_origin: str, article_url: str = "{slug}.html") -> None:
        origin = _place(site_origin) if site_origin else None
        self.netloc = origin[0] if origin else ""
        prefix = origin[1] if origin else ""
        pattern = re.escape(article_url.strip("/"))
        pattern = pattern.replace(re.escape("{slug}"), "(?P<slug>[^/]+)")
        self._path = re.compile(rf"{re.escape(prefix)}/{pattern}(?:/index\.html)?/?")

    @classmethod
    def from_settings(cls, settings) -> ArticleUrls:
        return cls(settings.site_origin, str(settings.get("ARTICLE_URL", "{slug}.html")))

    def article(self, url: str) -> ArticleTarget | None:
        """The article `url` names on this site, or None (another site, another page)."""
        place = _place(url)
        if place is None or not self.netloc or place[0] != self.netloc or place[2]:
            return None
        found = self._path.fullmatch(place[1] or "/")
        if found is None:
            return None
        fragment = _COMMENT.fullmatch(urlsplit(url.strip()).fragment)
        return ArticleTarget(found.group("slug"), int(fragment.group(1)) if fragment else None)
