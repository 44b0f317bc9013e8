"""One build's comments: the settings and caches they are read with, and every comment folder
as last attached, kept on the articles generator for the build (`comments.STATE`).

`attach_comments` fills it, `refresh_comments` and `write_comment_feeds` use it again; what
it learns is saved to the folder cache (CACHE_NAME) for the next build.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup
from pelican.contents import Article
from pelican.generators import ArticlesGenerator

from moderation.settings import Settings

from .block import BlockRenderer
from .feeds import FeedStamps
from .folders import NO_COMMENTS, Folder, work_out
from .load import READER_SOURCES, Files, Read, Stamp, read_file, source_digest
from .rules import RULE_SOURCES, Policy
from .store import Store
from .structured import JsonLd, json_policy, jsonld_comments, page_url, serialisable, tojson
from .thread import Thread, walk

# The plugin's logger, as before the split: its warnings name the plugin, not this module.
logger = logging.getLogger(__package__)

CACHE_NAME = "comment-folders.pickle"


class State:
    """One build's comments: settings, caches, and every folder as last attached."""

    def __init__(self, generator: ArticlesGenerator) -> None:
        settings = Settings.resolve(generator.settings)
        self.settings = settings
        self.content = Path(generator.path)
        self.root = self.content / settings["COMMENTS_PATH"]
        self.prefix = str(settings["COMMENTS_PATH"])
        self.policy = Policy(settings)
        self.zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
        self.depth = int(settings["COMMENTS_THREAD_DEPTH"])
        self.origin = str(settings.get("CANONICAL_SITEURL") or settings.get("SITEURL") or "")
        self.article_feed = settings["COMMENTS_ARTICLE_FEED_ATOM"]
        self.environment = generator.env
        serialisable(generator.env)
        self.store = cache_store(settings, CACHE_NAME, self._version())
        data = self.store.load()
        self.folders: dict[str, Folder] = data.get("folders", {})
        self.empty: tuple[str, str | None] = data.get("empty", ("", None))
        template = data.get("template")
        self.renderer = BlockRenderer(generator.env, generator.context, template)
        self.changed = self.renderer.analysis != template
        self.slugs = {a.slug for a in all_articles(generator)}
        self.feed_stamps: FeedStamps | None = None
        self.urls: dict[int, tuple[Article, str]] = {}
        self.listed: dict[str, tuple[int, Files]] = {}  # folders settled at the last scan
        self.threads: dict[str, Thread] = {}  # by folder, made when first attached

    def _version(self) -> str:
        """Changes with anything a cached folder depends on but its files and the template."""
        return "\n".join(
            (
                source_digest(*READER_SOURCES, *RULE_SOURCES),
                self.policy.fingerprint(),
                str(self.zone),
                str(self.depth),
                self.prefix,
                json_policy(self.environment),
            )
        )

    def update(self, listing: dict[str, Files], *, warn_all: bool) -> set[str]:
        """Bring every folder up to date with `listing`; the article folders whose comments
        changed. Warns about every held-back file, or with `warn_all` off about those read now."""
        changed: set[str] = set()
        for name in sorted(self.folders.keys() - listing.keys()):
            if self.folders.pop(name).digest != NO_COMMENTS:
                changed.add(name)
            self.threads.pop(name, None)
            self.changed = True
        for name in sorted(listing):
            files = listing[name]
            before = self.folders.get(name)
            article = bool(name) and name in self.slugs
            if before is not None and before.files == files and before.article == article:
                if warn_all:
                    self._warn(name, before.skipped)
                continue
            folder, top, fresh = work_out(
                name, files, before, article=article, depth=self.depth, zone=self.zone,
                read=lambda file, stamp, name=name: self._read(self._path(name, file), stamp),
            )  # fmt: skip
            self._warn(name, [s for s in folder.skipped if warn_all or s[0] in fresh])
            self.folders[name] = folder
            self.changed = True
            if folder.digest != (before.digest if before is not None else NO_COMMENTS):
                self.threads[name] = Thread(folder.count, lambda top=top: top)
                changed.add(name)
        return changed & self.slugs

    def thread(self, folder: Folder) -> Thread:
        """The folder's thread, the same object for every article and feed of the build."""
        known = self.threads.get(folder.name)
        if known is None:
            make = partial(folder.thread, self.depth, self.zone)
            known = self.threads[folder.name] = Thread(folder.count, make)
        return known

    def _path(self, folder: str, file: str) -> str:
        """A comment file's path in the content folder, as warnings name it."""
        return "/".join(part for part in (self.prefix, folder, file) if part)

    def _read(self, path: str, stamp: Stamp) -> Read:
        return read_file(self.content / path, stamp, self.policy.reason)

    def _warn(self, folder: str, skipped: Iterable[tuple[str, str]]) -> None:
        for file, reason in skipped:
            logger.warning("comments: skipped %s: %s", self._path(folder, file), reason)

    def attach(self, article: Article) -> None:
        """Set the comment attributes of one article from its folder."""
        folder = self.folders.get(article.slug)
        if folder is None or not folder.count:
            article.comments = []
            article.comment_count = 0
            article.jsonld_comments = []
            article.jsonld_comments_json = Markup("[]")
            block = self._empty_block()
        else:
            article.comments = self.thread(folder)
            article.comment_count = folder.count
            text = self._jsonld(folder, page_url(self.origin, self.url(article)))
            article.jsonld_comments = JsonLd(text)
            article.jsonld_comments_json = Markup(text)
            block = self._block(folder)
        if block is None:
            vars(article).pop("comments_html", None)
        else:
            article.comments_html = block
        article.comments_url = f"{self.url(article)}#comments"
        listed = article.status != "draft"
        feed = self.article_feed
        article.comments_feed = feed.format(slug=article.slug) if feed and listed else ""

    def _jsonld(self, folder: Folder, url: str) -> str:
        """The JSON text of the comments' schema.org objects on the page at `url`."""
        known = folder.jsonld.get(url)
        if known is None:
            objects = jsonld_comments(walk(self.thread(folder)), url)
            known = folder.jsonld[url] = tojson(objects, self.environment)
            self.changed = True
        return known

    def _block(self, folder: Folder) -> Markup | None:
        key = self.renderer.key
        if key is None:
            return None
        if folder.block_key != key:
            folder.block = self.renderer.render(self.thread(folder), folder.count)
            folder.block_key = key
            self.changed = True
        return None if folder.block is None else Markup(folder.block)

    def _empty_block(self) -> Markup | None:
        key = self.renderer.key
        if key is None:
            return None
        if self.empty[0] != key:
            self.empty = (key, self.renderer.render([], 0))
            self.changed = True
        block = self.empty[1]
        return None if block is None else Markup(block)

    def url(self, article: Article) -> str:
        """`article.url`, worked out once: Pelican formats it anew on every read."""
        known = self.urls.get(id(article))
        if known is None or known[0] is not article:
            known = self.urls[id(article)] = (article, article.url)
        return known[1]

    def digest(self, slug: str) -> str:
        folder = self.folders.get(slug)
        return folder.digest if folder is not None and folder.article else NO_COMMENTS

    def save(self) -> None:
        if self.changed:
            template = self.renderer.analysis
            self.store.save({"folders": self.folders, "empty": self.empty, "template": template})
            self.changed = False


def all_articles(generator: ArticlesGenerator) -> list[Article]:
    """Every article of the build, hidden, drafts and translations included: each gets the
    comment attributes, so a template can read them on any of its pages."""
    return list(
        chain(
            generator.articles,
            generator.translations,
            generator.hidden_articles,
            generator.hidden_translations,
            generator.drafts,
            generator.drafts_translations,
        )
    )


def cache_store(settings: Any, name: str, version: str) -> Store:
    """A cache file that follows Pelican's switches, as the content cache does."""
    return Store(
        Path(settings["CACHE_PATH"]) / name,
        version,
        load=bool(settings.get("LOAD_CONTENT_CACHE")),
        save=bool(settings.get("CACHE_CONTENT")),
    )
