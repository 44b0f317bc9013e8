"""Comment addresses and schema.org `Comment` objects for the article's JSON-LD.

The template serialises these dicts with `|tojson`, which escapes `<`, `>` and `&`, so the
commenter's text cannot end the `<script>` element it sits in.
"""

from __future__ import annotations

from typing import Any

from .thread import Node


def page_url(origin: str, url: str) -> str:
    """An absolute page address, as the theme's `absolute` macro writes it."""
    if url == "index.html":
        url = ""
    elif url.endswith("/index.html"):
        url = url[: -len("index.html")]
    return f"{origin.rstrip('/')}/{url}"


def anchor(node: Node) -> str:
    return f"comment-{node.id}"


def jsonld_comments(nodes: list[Node], article_url: str) -> list[dict[str, Any]]:
    """One `Comment` per published comment, in date order; replies name their parent."""
    items: list[dict[str, Any]] = []
    for node in nodes:
        url = f"{article_url}#{anchor(node)}"
        author: dict[str, str] = {"@type": "Person", "name": node.author}
        if node.url:
            author["url"] = node.url
        item: dict[str, Any] = {
            "@type": "Comment",
            "@id": url,
            "url": url,
            "author": author,
            "dateCreated": node.date.isoformat(),
            "text": node.text,
        }
        if node.parent is not None:
            item["parentItem"] = {"@id": f"{article_url}#{anchor(node.parent)}"}
        items.append(item)
    return items
