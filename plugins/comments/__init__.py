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

from pelican import signals
from pelican.generators import ArticlesGenerator

from .feeds import STAMPS_NAME, FeedStamps, Site, article_feed, plain, site_feed, stamps_version
from .feeds import write_feed as _write_feed
from .load import scan
from .state import State, all_articles, cache_store

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
STATE = "_comments_state"  # the generator attribute holding a build's `State`


def _state(generator: ArticlesGenerator) -> State:
    state = getattr(generator, STATE, None)
    if state is None:
        raise RuntimeError("comments: attach_comments has not run on this generator")
    return state


def attach_comments(generator: ArticlesGenerator) -> None:
    """Read, check, thread and attach every article's published comments."""
    state = State(generator)
    setattr(generator, STATE, state)
    state.update(scan(state.root, state.listed), warn_all=True)
    for article in all_articles(generator):
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
        for article in all_articles(generator):
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
        state.feed_stamps = FeedStamps(cache_store(settings, STAMPS_NAME, stamps_version()))
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


def register() -> None:
    signals.article_generator_finalized.connect(attach_comments)
    signals.article_writer_finalized.connect(write_feeds)
