"""Production settings: `make publish` builds with these.

Everything in pelicanconf.py applies, then these overrides. Set the public addresses in the
environment of the build (they are not secrets):

- `SITEURL`: the blog's public origin, no slash at the end (https://coffeebeforeconnect.example)
- `COMMENTS_API_URL`: where the comment form posts, e.g. https://comments.example/api/comments
- `COMMENTS_WEBMENTION_URL`: the Webmention endpoint articles advertise, e.g.
  https://comments.example/webmention
"""

from __future__ import annotations

import os
import sys

sys.path.append(os.path.dirname(__file__))

from pelicanconf import *  # noqa: F403

# Absolute URLs everywhere: feeds, canonical links and shared links must work out of context.
SITEURL = os.environ.get("SITEURL", "https://coffeebeforeconnect.example").rstrip("/")
RELATIVE_URLS = False
CANONICAL_SITEURL = SITEURL
FEED_DOMAIN = SITEURL

FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"

# Its own folder: the dev build (pelicanconf.py) goes to var/dev-site/.
OUTPUT_PATH = "output"
CACHE_PATH = "cache"

# Start from an empty output folder so deleted posts disappear from the published site.
DELETE_OUTPUT_DIRECTORY = True
OUTPUT_RETENTION = [".git", ".nojekyll", "CNAME"]

COMMENTS_API_URL = os.environ.get("COMMENTS_API_URL", f"{SITEURL}/api/comments")
COMMENTS_WEBMENTION_URL = os.environ.get("COMMENTS_WEBMENTION_URL", f"{SITEURL}/webmention")
