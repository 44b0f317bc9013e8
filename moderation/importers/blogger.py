"""Blogger: the classic Atom export (`kind#comment` entries, `thr:in-reply-to`) and the
current Takeout `feed.atom` (`<blogger:type>COMMENT</blogger:type>`, `blogger:parent`).

Ids are the number at the end of the entry's tag URI (`…post-1858599377741856733`), the same
number Blogger shows in permalinks, so an article's `Old-Id` can name it. A classic export
marks a reply with a `related` link to its parent's feed URL; the Takeout feed with
`blogger:inReplyTo`. Blogger keeps only published comments in a classic export; the Takeout
feed says each comment's status.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from .htmltext import to_markdown
from .record import BadEntry, OldComment, OldPost, OldStatus, Record, parse_time
from .xmlstream import child_text, elements

SOURCE = "blogger"
ATOM = "{http://www.w3.org/2005/Atom}"
THREAD = "{http://purl.org/syndication/thread/1.0}"
TAKEOUT = "{http://schemas.google.com/blogger/2018}"
_KIND = "http://schemas.google.com/g/2005#kind"
_TRAILING_ID = re.compile(r"(\d+)/?$")
_STATUS = {
    "LIVE": OldStatus.APPROVED,
    "PENDING": OldStatus.PENDING,
    "DRAFT": OldStatus.PENDING,
    "SPAM": OldStatus.SPAM,
}
_NO_EMAIL = "noreply@blogger.com"


def read(path: Path) -> Iterator[Record]:
    for number, (entry, line) in enumerate(elements(path, frozenset({ATOM + "entry"}), depth=1), 1):
        place = f"line {line}, entry {number}"
        kind = _kind(entry)
        if kind == "post":
            yield OldPost(trailing_number(child_text(entry, ATOM + "id")), post_url(entry))
        elif kind == "comment":
            yield _comment(entry, place)


def _kind(entry: Element) -> str:
    takeout = child_text(entry, TAKEOUT + "type")
    if takeout:
        return takeout.lower()
    for category in entry.iter(ATOM + "category"):
        if category.get("scheme") == _KIND:
            return (category.get("term") or "").rpartition("#")[2]
    return ""


def post_url(entry: Element) -> str:
    for link in entry.iter(ATOM + "link"):
        if link.get("rel") == "alternate":
            return link.get("href") or ""
    return child_text(entry, TAKEOUT + "filename")


def _comment(entry: Element, place: str) -> Record:
    comment_id = trailing_number(child_text(entry, ATOM + "id"))
    if not comment_id:
        return BadEntry(place, "no <id> ending in a number")
    place = f"{place} (id {comment_id})"
    try:
        date = parse_time(child_text(entry, ATOM + "published"), place)
    except ValueError as error:
        return BadEntry(place, str(error).removeprefix(f"{place}: "))
    status = OldStatus.APPROVED
    if (takeout := child_text(entry, TAKEOUT + "status")) or child_text(entry, TAKEOUT + "type"):
        status = _STATUS.get(takeout.upper(), OldStatus.TRASH)
        if child_text(entry, TAKEOUT + "trashed"):
            status = OldStatus.TRASH
    author = entry.find(ATOM + "author")
    email = child_text(author, ATOM + "email") if author is not None else ""
    post_id, permalink = _post_of(entry)
    return OldComment(
        original_id=comment_id,
        author=child_text(author, ATOM + "name") if author is not None else "",
        blog_url=child_text(author, ATOM + "uri") if author is not None else "",
        email="" if email == _NO_EMAIL else email,
        date=date,
        body=to_markdown(_content(entry)),
        status=status,
        parent_id=_parent(entry),
        post_url=permalink,
        post_id=post_id,
        place=place,
    )


def _content(entry: Element) -> str:
    content = entry.find(ATOM + "content")
    if content is None:
        return ""
    text = content.text or ""
    # Atom's type="text" is plain text: keep its characters, not as tags.
    return text.replace("<", "&lt;") if content.get("type") == "text" else text


def _post_of(entry: Element) -> tuple[str, str]:
    reply = entry.find(THREAD + "in-reply-to")
    if reply is not None:
        return trailing_number(reply.get("ref") or ""), reply.get("href") or ""
    return trailing_number(child_text(entry, TAKEOUT + "parent")), ""


def _parent(entry: Element) -> str:
    if parent := child_text(entry, TAKEOUT + "inReplyTo"):
        return trailing_number(parent)
    for link in entry.iter(ATOM + "link"):
        if link.get("rel") == "related":
            return trailing_number(link.get("href") or "")
    return ""


def trailing_number(text: str) -> str:
    found = _TRAILING_ID.search(text.strip())
    return found.group(1) if found else ""
