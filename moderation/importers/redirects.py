"""Old addresses keep working: redirects from every article's `Old-Url` to its page here.

Two forms, from the same list: a map for nginx (`$request_uri` → new address; it also serves
`/?p=123`, which no static file can), and static redirect pages (a meta refresh and a
canonical link) for hosts without a proxy. Old addresses come from the author's metadata; they
are percent-encoded for the map and refused when they would leave the pages folder.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..articles import ArticleIndex, metadata

# Characters an nginx map key or value may hold unquoted-safe inside double quotes.
_SAFE = "/?=&%-._~:@!+,;"


@dataclass(frozen=True)
class Redirect:
    old: str  # path and query, percent-encoded: "/2013/07/slug.html", "/?p=123"
    new: str  # the article's address here


def redirects(articles: ArticleIndex, permalink: Callable[[str], str]) -> list[Redirect]:
    """Every old address of every article, sorted, to `permalink(slug)`."""
    found = []
    for slug, article in sorted(articles.articles().items()):
        new = permalink(slug)
        for url in metadata(article.source).get("old-url", "").split():
            parts = urlsplit(url)
            old = quote(parts.path or "/", safe=_SAFE)
            if parts.query:
                old += "?" + quote(parts.query, safe=_SAFE)
            found.append(Redirect(old, quote(new, safe=_SAFE + "#")))
    return sorted(set(found), key=lambda r: r.old)


def nginx_map(found: list[Redirect], variable: str = "old_blog_redirect") -> str:
    """An nginx `map` block; the server adds `if ($old_blog_redirect) { return 301 …; }`."""
    lines = [
        "# Written by `moderate redirects`: old blog addresses → their pages here.",
        f"map $request_uri ${variable} {{",
        '    default "";',
        *(f'    "{r.old}" "{r.new}";' for r in found),
        "}",
    ]
    return "\n".join(lines) + "\n"


def write_pages(found: list[Redirect], folder: Path) -> list[Path]:
    """A redirect page at each old path (`slug.html` as is, `/slug/` as `slug/index.html`);
    addresses with a query have no file of their own and are left to the map."""
    written = []
    for redirect in found:
        if "?" in redirect.old:
            continue
        relative = posixpath.normpath(redirect.old).lstrip("/")
        if relative in ("", ".") or relative.startswith(".."):
            continue  # the home page is the site's own; nothing leaves the folder
        if not relative.endswith((".html", ".htm")):
            relative += "/index.html"
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_page(redirect.new), encoding="utf-8")
        written.append(path)
    return written


def _page(new: str) -> str:
    url = html.escape(new, quote=True)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="refresh" content="0; url={url}">\n'
        f'<link rel="canonical" href="{url}">\n<meta name="robots" content="noindex">\n'
        f'<title>Moved</title></head>\n<body><p>This post has moved to <a href="{url}">{url}</a>.'
        "</p></body></html>\n"
    )
