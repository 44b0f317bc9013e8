"""The articles that exist, so the service can refuse comments on anything else.

Read from the Markdown sources' headers (the same `Slug`/`Title`/`Status` metadata Pelican
reads), cached until a file under the content folder changes, so a new post can take
comments without restarting the service.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pelican.utils import slugify

_MARKDOWN = (".md", ".markdown", ".mkd", ".mdown")


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    source: Path


class ArticleIndex:
    """Published articles by slug (drafts and hidden posts take no comments)."""

    def __init__(
        self,
        content: Path,
        article_paths: Iterable[str] = ("",),
        slug_subs: Iterable = (),
        refresh_seconds: float = 2.0,
    ) -> None:
        self.folders = [content / p for p in article_paths]
        self.slug_subs = list(slug_subs)
        self.refresh_seconds = refresh_seconds
        self._stamp: tuple = ()
        self._checked_at = float("-inf")
        self._articles: dict[str, Article] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings) -> ArticleIndex:
        return cls(
            Path(settings["PATH"]),
            settings.get("ARTICLE_PATHS", [""]),
            settings.get("SLUG_REGEX_SUBSTITUTIONS", ()),
        )

    def get(self, slug: str) -> Article | None:
        return self.articles().get(slug)

    def __contains__(self, slug: str) -> bool:
        return slug in self.articles()

    def articles(self) -> dict[str, Article]:
        """The current articles; the folder is looked at again at most every few seconds."""
        now = time.monotonic()
        if now - self._checked_at < self.refresh_seconds:
            return self._articles
        self._checked_at = now
        sources = sorted(
            p for f in self.folders if f.is_dir() for p in f.rglob("*") if p.suffix in _MARKDOWN
        )
        stamp = tuple((p, p.stat().st_mtime_ns) for p in sources)
        with self._lock:
            if stamp != self._stamp:
                self._articles = {a.slug: a for a in map(self._read, sources) if a is not None}
                self._stamp = stamp
            return self._articles

    def _read(self, source: Path) -> Article | None:
        meta = metadata(source)
        if meta.get("status", "published").lower() != "published":
            return None
        title = meta.get("title", source.stem)
        slug = meta.get("slug") or slugify(title, regex_subs=self.slug_subs)
        return Article(slug=slug, title=title, source=source)


def metadata(source: Path) -> dict[str, str]:
    """A Markdown source's `Key: value` header lines, lower-cased keys (Pelican's own form)."""
    meta: dict[str, str] = {}
    with source.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            key, colon, value = line.partition(":")
            if not line.strip() or not colon or " " in key.strip():
                break
            meta[key.strip().lower()] = value.strip()
    return meta
