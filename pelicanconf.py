"""Site settings for local builds and previews.

`publishconf.py` imports everything here and overrides what production needs. The comment
policy settings (`COMMENTS_*`) live here too, so the author configures the blog and its
comment rules in one place; they are documented in docs/settings.md.
"""

from __future__ import annotations

import os

AUTHOR = "Robin Okafor"
SITENAME = "Coffee Before Connect"
SITESUBTITLE = "Networking and job-search advice for people who would rather talk than click"
SITE_DESCRIPTION = (
    "Practical, opinionated advice on professional networking, job hunting and hiring: "
    "meet people first, connect second, and tell candidates why."
)
DEFAULT_LANG = "en"
TIMEZONE = "Europe/London"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

PATH = "content"
# The dev build (`make html`, `make run`) has its own folder: publishconf.py's production build
# goes to output/, and an approval in the dev service never touches it (docs/publishing.md).
OUTPUT_PATH = "var/dev-site"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
# Published comments live in content/comments/<article-slug>/; they are not articles.
ARTICLE_EXCLUDES = ["comments"]
PAGE_EXCLUDES = ["comments"]
STATIC_PATHS = ["images", "extra/robots.txt", "extra/favicon.svg"]
EXTRA_PATH_METADATA = {
    "extra/robots.txt": {"path": "robots.txt"},
    "extra/favicon.svg": {"path": "favicon.svg"},
}

THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["embeds", "chronology", "comments"]

# Pages link relatively, so `output/` works from any port or folder; feeds, canonical links,
# Open Graph, JSON-LD and the sitemap need an absolute address, the local server's here.
CANONICAL_SITEURL = os.environ.get("SITE_ORIGIN", "http://127.0.0.1:8000").rstrip("/")
SITEURL = CANONICAL_SITEURL
RELATIVE_URLS = True
FEED_DOMAIN = CANONICAL_SITEURL

ARTICLE_URL = "posts/{slug}/"
ARTICLE_SAVE_AS = "posts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
AUTHORS_URL = "authors/"
AUTHORS_SAVE_AS = "authors/index.html"
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
# Drafts are previewable but never linked from lists.
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"

DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "404", "sitemap"]
SITEMAP_SAVE_AS = "sitemap.xml"

DEFAULT_PAGINATION = 5
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
SUMMARY_MAX_LENGTH = 50

FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 20

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.smarty": {},
        "markdown.extensions.toc": {"permalink": False},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}

MENUITEMS = [("Archives", "archives/"), ("Topics", "categories/")]
DISPLAY_PAGES_ON_MENU = True
DISPLAY_CATEGORIES_ON_MENU = False
READING_WORDS_PER_MINUTE = 220

# Published comments: content/<COMMENTS_PATH>/<article-slug>/<id>.md, threaded to this depth.
COMMENTS_PATH = "comments"
COMMENTS_THREAD_DEPTH = 4
COMMENTS_FEED_ATOM = "feeds/comments.atom.xml"
COMMENTS_ARTICLE_FEED_ATOM = "feeds/comments/{slug}.atom.xml"

# The comment form posts here. Under `make run` the comment service serves the site and this
# endpoint on the same origin; in production point it at the service's public address.
COMMENTS_API_URL = os.environ.get("COMMENTS_API_URL", "/api/comments")
# Where a reply written on the commenter's own blog is announced (W3C Webmention).
COMMENTS_WEBMENTION_URL = os.environ.get("COMMENTS_WEBMENTION_URL", "/webmention")

# Caching keeps rebuilds after a new comment fast, and stays correct with the comments
# plugin (tested); see docs/benchmarks.md. `make clean` removes the cache.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "var/dev-cache"  # publishconf.py's build keeps its own: the two may run at once
