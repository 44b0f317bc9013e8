"""Pelican plugin: publish approved comments, and only those, into pages, feeds and JSON-LD.

Comments are attached in `article_generator_finalized`, which fires on every build whatever
content caching kept, so a new comment file shows on the next build even when the article
itself came from the cache. Every article gets the attributes in COMMENT_ATTRIBUTES, empty
when it has no comments. Feeds are written once the article pages are out. See
docs/comment-files.md.

A process that keeps a build's generators in memory calls `refresh_comments` after comment
files changed, re-renders the pages that read the returned articles' COMMENT_ATTRIBUTES, then
calls `write_comment_feeds`; the result is what a full build would have written.
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
from pelican import signals
from pelican.contents import Article
from pelican.generators import ArticlesGenerator

from moderation.settings import Settings

from .block import BlockRenderer
from .feeds import STAMPS_NAME, FeedStamps, Site, article_feed, plain, site_feed, stamps_version
from .feeds import write_feed as _write_feed
from .folders import NO_COMMENTS, Folder, work_out
from .load import READER_SOURCES, Files, Read, Stamp, read_file, scan, source_digest
from .rules import RULE_SOURCES, Policy
from .store import Store
from .structured import JsonLd, json_policy, jsonld_comments, page_url, serialisable, tojson
from .thread import Thread, walk

logger = logging.getLogger(__name__)

__all__ = ["COMMENT_ATTRIBUTES", "attach_comments", "refresh_comments", "write_comment_feeds"]

# Every article attribute the plugin sets that a template may read.
COMMENT_ATTRIBUTES = frozenset(
    {
        "comments",  # the thread: top-level comments, replies nested
        "comment_count",  # every published comment, replies included
        "jsonld_comments",  # schema.org Comment objects
        "jsonld_comments_json",  # the same, serialised as `|tojson` would (Markup)
        "comments_html",  # `_comments.html` rendered for these comments (Markup), when it can be
        "comments_feed",  # the article's comment feed, relative to the site root
        "comments_url",  # the article's comments section, relative to the site root
    }
)
CACHE_NAME = "comment-folders.pickle"
STATE = "_comments_state"  # the generator attribute holding a build's `_State`


class _State:
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
        self.store = _store(settings, CACHE_NAME, self._version())
        data = self.store.load()
        self.folders: dict[str, Folder] = data.get("folders", {})
        self.empty: tuple[str, str | None] = data.get("empty", ("", None))
        template = data.get("template")
        self.renderer = BlockRenderer(generator.env, generator.context, template)
        self.changed = self.renderer.analysis != template
        self.slugs = {a.slug for a in _all_articles(generator)}
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


def _all_articles(generator: ArticlesGenerator) -> list[Article]:
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


def _state(generator: ArticlesGenerator) -> _State:
    state = getattr(generator, STATE, None)
    if state is None:
        raise RuntimeError("comments: attach_comments has not run on this generator")
    return state


def attach_comments(generator: ArticlesGenerator) -> None:
    """Read, check, thread and attach every article's published comments."""
    state = _State(generator)
    setattr(generator, STATE, state)
    state.update(scan(state.root, state.listed), warn_all=True)
    for article in _all_articles(generator):
        state.attach(article)
    generator.context["COMMENTS_FEED_ATOM"] = state.settings["COMMENTS_FEED_ATOM"]
    state.save()


def refresh_comments(generator: ArticlesGenerator) -> set[str]:
    """Re-attach the comments of every article whose comment folder changed since the last
    attach or refresh on this generator; the slugs of those whose comment data changed.

    The folder cache on disk is left for the next build: it re-reads only the changed files.
    """
    state = _state(generator)
    changed = state.update(scan(state.root, state.listed), warn_all=False)
    if changed:
        for article in _all_articles(generator):
            if article.slug in changed:
                state.attach(article)
    return changed


def write_comment_feeds(generator: ArticlesGenerator, slugs: set[str] | None = None) -> None:
    """The site's comment feed, and the feed of each article in `slugs` (None: every article).

    Translations share their original's feed. A feed whose inputs and file are unchanged since
    it was last written is left alone; the bytes are those of a full build either way.
    """
    state = _state(generator)
    settings = generator.settings
    origin = str(
        settings.get("FEED_DOMAIN") or settings.get("CANONICAL_SITEURL") or settings.get("SITEURL")
    )
    site = Site(origin, str(settings.get("DEFAULT_LANG", "en")), plain(settings["SITENAME"]))
    if state.feed_stamps is None:
        state.feed_stamps = FeedStamps(_store(settings, STAMPS_NAME, stamps_version()))
    stamps = state.feed_stamps
    output = str(generator.output_path)
    articles = [*generator.articles, *generator.hidden_articles]
    for article in articles:
        if article.comments_feed and (slugs is None or article.slug in slugs):
            feed = article_feed(article, state.url(article), state.digest(article.slug), site)
            _write_feed(output, feed, site, stamps)
    save_as = generator.context.get("COMMENTS_FEED_ATOM") or ""
    if save_as:
        feed = site_feed(save_as, articles, lambda a: (state.url(a), state.digest(a.slug)), site)
        _write_feed(output, feed, site, stamps)
    if slugs is None:
        # A live builder's refreshes (`slugs`) leave the file to the next full build: the
        # stamps of 10,000 feeds cost a tenth of a second to write, and a stale one only means
        # that build writes the feed again.
        stamps.save(every_feed=True)


def write_feeds(generator: ArticlesGenerator, writer: object) -> None:
    """`article_writer_finalized`: every comment feed of the build."""
    write_comment_feeds(generator)


def _store(settings: Any, name: str, version: str) -> Store:
    """A cache file that follows Pelican's switches, as the content cache does."""
    return Store(
        Path(settings["CACHE_PATH"]) / name,
        version,
        load=bool(settings.get("LOAD_CONTENT_CACHE")),
        save=bool(settings.get("CACHE_CONTENT")),
    )


def register() -> None:
    signals.article_generator_finalized.connect(attach_comments)
    signals.article_writer_finalized.connect(write_feeds)
