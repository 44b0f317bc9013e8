"""WordPress eXtended RSS (WXR 1.0, 1.1, 1.2): each `<item>`'s `<wp:comment>` elements.

The `wp:` namespace changes with the version, so fields are found by their local name. A
comment's original id is `<post>#<comment_id>`: WordPress numbers comments per site, but
hand-made and merged exports repeat ids across posts, and a reply always lives on its
parent's post. Times are `comment_date_gmt` (UTC), or `comment_date` when WordPress left the
GMT one empty or zero (as for comments never approved).
"""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape
from pathlib import Path
from xml.etree.ElementTree import Element

from .htmltext import to_markdown
from .record import BadEntry, Kind, OldComment, OldStatus, Record, parse_time
from .xmlstream import elements, line_of

SOURCE = "wordpress"
_STATUS = {
    "1": OldStatus.APPROVED,
    "approve": OldStatus.APPROVED,
    "0": OldStatus.PENDING,
    "hold": OldStatus.PENDING,
    "spam": OldStatus.SPAM,
    "trash": OldStatus.TRASH,
    "post-trashed": OldStatus.TRASH,
}
_KINDS = {"": Kind.COMMENT, "comment": Kind.COMMENT, "pingback": Kind.PINGBACK}
_KINDS["trackback"] = Kind.TRACKBACK
_COMMENT_TAGS = frozenset(
    f"{{http://wordpress.org/export/{v}/}}comment" for v in ("1.0", "1.1", "1.2")
)
_NO_DATE = frozenset({"", "0000-00-00 00:00:00"})


def read(path: Path) -> Iterator[Record]:
    for item, _ in elements(path, frozenset({"item"}), depth=2, marked=_COMMENT_TAGS):
        fields = fields_of(item)
        post_id = fields.get("post_id", "")
        post_url = (item.findtext("link") or "").strip()
        post = post_id or post_url
        for number, comment in enumerate(_children(item, "comment"), start=1):
            place = f"line {line_of(comment)}, post {post_url or post_id or '?'}, comment {number}"
            yield _comment(fields_of(comment), post, post_id, post_url, place)


def _comment(fields: dict[str, str], post: str, post_id: str, post_url: str, place: str) -> Record:
    comment_id = fields.get("comment_id", "")
    if not comment_id:
        return BadEntry(place, "no <wp:comment_id>")
    place = f"{place} (id {comment_id})"
    approved = fields.get("comment_approved", "1").lower()
    if approved not in _STATUS:
        return BadEntry(place, f"unknown <wp:comment_approved> {approved[:20]!r}")
    kind = fields.get("comment_type", "").lower()
    if kind not in _KINDS:
        return BadEntry(place, f"unknown <wp:comment_type> {kind[:20]!r}")
    gmt = fields.get("comment_date_gmt", "")
    try:
        date = parse_time(gmt if gmt not in _NO_DATE else fields.get("comment_date", ""), place)
    except ValueError as error:
        return BadEntry(place, str(error).removeprefix(f"{place}: "))
    parent = fields.get("comment_parent", "0")
    return OldComment(
        original_id=f"{post}#{comment_id}",
        # WordPress keeps names HTML-escaped (`&#039;`, `&laquo;`).
        author=unescape(fields.get("comment_author", "")),
        blog_url=fields.get("comment_author_url", ""),
        email=fields.get("comment_author_email", ""),
        date=date,
        body=to_markdown(fields.get("comment_content", "")),
        status=_STATUS[approved],
        kind=_KINDS[kind],
        parent_id=f"{post}#{parent}" if parent not in {"", "0"} else "",
        post_url=post_url,
        post_id=post_id,
        place=place,
    )


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if _local(child.tag) == name)


def fields_of(element: Element) -> dict[str, str]:
    """The element's `wp:` children by local name (first wins), their text stripped."""
    found: dict[str, str] = {}
    for child in element:
        if child.tag.startswith("{http://wordpress.org/export/"):
            found.setdefault(_local(child.tag), (child.text or "").strip())
    return found
