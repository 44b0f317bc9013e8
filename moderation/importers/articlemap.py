"""Which of our articles an old comment belongs to.

An article names its old addresses in its metadata: `Old-Url:` (one or more permalinks,
separated by spaces) and `Old-Id:` (the old post's id: WordPress `post_id`, Blogger's post
number, a Disqus thread's `dsq:id`). Addresses are compared by path and query only
(`http://old.example/2013/07/slug.html` and `/2013/07/slug.html` match; a trailing slash does
not matter). When no article claims an address, its last segment (`slug.html`, `slug/`) is
tried as a slug. A comment no article claims is reported, never dropped silently.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..articles import ArticleIndex, metadata


def address_key(url: str) -> str:
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return f"{path}?{parts.query}" if parts.query else path


class ArticleMap:
    def __init__(self, articles: ArticleIndex) -> None:
        self.slugs = set(articles.articles())
        self.by_url: dict[str, str] = {}
        self.by_id: dict[str, str] = {}
        for slug, article in articles.articles().items():
            meta = metadata(article.source)
            for url in meta.get("old-url", "").split():
                self.by_url[address_key(url)] = slug
            for old_id in meta.get("old-id", "").split():
                self.by_id[old_id] = slug

    def add(self, slug: str, old_url: str, old_id: str) -> None:
        """An article about to be written (a dry run's imported post), as if it were here."""
        self.slugs.add(slug)
        if old_url:
            self.by_url[address_key(old_url)] = slug
        if old_id:
            self.by_id[old_id] = slug

    def find(self, post_url: str, post_id: str) -> str | None:
        """The slug of the article that was this old post, or None."""
        if post_url and (slug := self.by_url.get(address_key(post_url))):
            return slug
        if post_id and (slug := self.by_id.get(post_id)):
            return slug
        if post_url:
            last = address_key(post_url).partition("?")[0].rsplit("/", 1)[-1]
            guess = last.removesuffix(".html").removesuffix(".htm")
            if guess in self.slugs:
                return guess
        return None
