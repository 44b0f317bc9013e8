"""Pelican plugin: publish approved comments, and only those, into pages, feeds and JSON-LD.

Comments are attached in `article_generator_finalized`, which fires on every build whatever
content caching kept, so a new comment file shows on the next build even when the article
itself came from the cache. Every article gets `comments` (threaded), `comment_count`,
`jsonld_comments` and `comments_feed`, empty when it has no comments. Feeds are written once
the article pages are out. See docs/comment-files.md.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, tzinfo
from itertools import chain
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.contents import Article
from pelican.generators import ArticlesGenerator

from moderation.policy import link_rules, name_rules
from moderation.settings import Settings

from .feeds import STAMPS_NAME, FeedStamps, feeds_for, plain, stamps_version, write_feed
from .load import CACHE_NAME, Found, RenderCache, cache_version, read_all
from .rules import Policy, placement_reason
from .store import Store
from .structured import jsonld_comments, page_url
from .thread import Node, thread, walk

logger = logging.getLogger(__name__)


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


def attach_comments(generator: ArticlesGenerator) -> None:
    """Read, check, thread and attach every article's published comments."""
    settings = Settings.resolve(generator.settings)
    articles = _all_articles(generator)
    content = Path(generator.path)
    policy = Policy(name_rules(settings), link_rules(settings))
    cache = RenderCache(_store(settings, CACHE_NAME, cache_version(policy.fingerprint())))
    found = read_all(content, settings["COMMENTS_PATH"], cache, policy.reason)
    slugs = {a.slug for a in articles}
    zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    by_slug: dict[str, list[Node]] = defaultdict(list)
    for item in found:
        node = _publishable(item, slugs, zone)
        if node is not None:
            by_slug[item.folder].append(node)
    depth = int(settings["COMMENTS_THREAD_DEPTH"])
    threads = {slug: thread(nodes, depth) for slug, nodes in by_slug.items()}
    origin = str(settings.get("CANONICAL_SITEURL") or settings.get("SITEURL") or "")
    article_feed = settings["COMMENTS_ARTICLE_FEED_ATOM"]
    for article in articles:
        top = threads.get(article.slug, [])
        nodes = walk(top)
        article.comments = top
        article.comment_count = len(nodes)
        article.jsonld_comments = jsonld_comments(nodes, page_url(origin, article.url))
        listed = article.status != "draft"
        article.comments_feed = (
            article_feed.format(slug=article.slug) if article_feed and listed else ""
        )
    generator.context["COMMENTS_FEED_ATOM"] = settings["COMMENTS_FEED_ATOM"]


def _publishable(item: Found, slugs: set[str], zone: tzinfo) -> Node | None:
    """The comment as a page node, or None after one warning naming the file and the reason."""
    comment = item.rendered
    if comment is None:
        reason = item.error
    else:
        reason = placement_reason(item.folder, item.name, comment, slugs) or comment.policy
    if reason or comment is None:
        logger.warning("comments: skipped %s: %s", item.path, reason)
        return None
    return Node(
        id=comment.id,
        author=comment.author,
        url=comment.url,
        date=_local(comment.date, zone),
        html=comment.html,
        text=comment.text,
        verified=comment.verified,
        reply_to=comment.reply_to,
    )


def _local(moment: datetime, zone: tzinfo) -> datetime:
    """In the site's time zone, as article dates are; a naive time is taken to be site time."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def write_feeds(generator: ArticlesGenerator, writer: object) -> None:
    """The site's comment feed and one per article (translations share their original's)."""
    settings = generator.settings
    origin = str(
        settings.get("FEED_DOMAIN") or settings.get("CANONICAL_SITEURL") or settings.get("SITEURL")
    )
    output = Path(generator.output_path)
    language = str(settings.get("DEFAULT_LANG", "en"))
    stamps = FeedStamps(_store(settings, STAMPS_NAME, stamps_version()))
    feeds = feeds_for(
        [*generator.articles, *generator.hidden_articles],
        origin=origin,
        sitename=plain(settings["SITENAME"]),
        site_feed=generator.context.get("COMMENTS_FEED_ATOM") or "",
    )
    for feed in feeds:
        write_feed(output, feed, origin=origin, language=language, stamps=stamps)
    stamps.save()


def _store(settings: Mapping[str, Any], name: str, version: str) -> Store:
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
