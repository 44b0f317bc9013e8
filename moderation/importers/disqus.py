"""Disqus XML export: `<thread>` elements (the pages) and `<post>` elements (the comments).

A post names its thread and its parent post by their `dsq:id`; a thread's `<link>` is the
old page's address, so threads become `OldPost` records the mapping reads. Disqus keeps no
commenter's website, and a deleted or spam post is marked, not removed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from .htmltext import to_markdown
from .record import BadEntry, OldComment, OldPost, OldStatus, Record, parse_time
from .xmlstream import child_text, elements

SOURCE = "disqus"
NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"


def read(path: Path) -> Iterator[Record]:
    tags = frozenset({NS + "thread", NS + "post"})
    posts = 0
    for element, line in elements(path, tags, depth=1):
        if element.tag == NS + "thread":
            yield OldPost(element.get(DSQ_ID) or "", child_text(element, NS + "link"))
            continue
        posts += 1
        yield _comment(element, f"line {line}, post {posts}")


def _comment(post: Element, place: str) -> Record:
    post_id = post.get(DSQ_ID) or ""
    if not post_id:
        return BadEntry(place, "no dsq:id")
    place = f"{place} (dsq:id {post_id})"
    thread = post.find(NS + "thread")
    if thread is None or not thread.get(DSQ_ID):
        return BadEntry(place, "no <thread dsq:id=…>")
    try:
        date = parse_time(child_text(post, NS + "createdAt"), place)
    except ValueError as error:
        return BadEntry(place, str(error).removeprefix(f"{place}: "))
    status = OldStatus.APPROVED
    if _true(post, "isSpam"):
        status = OldStatus.SPAM
    if _true(post, "isDeleted"):
        status = OldStatus.TRASH
    parent = post.find(NS + "parent")
    author = post.find(NS + "author")
    return OldComment(
        original_id=post_id,
        author=child_text(author, NS + "name") if author is not None else "",
        blog_url="",
        email=child_text(author, NS + "email") if author is not None else "",
        date=date,
        body=to_markdown(post.findtext(NS + "message") or ""),
        status=status,
        parent_id=(parent.get(DSQ_ID) or "") if parent is not None else "",
        post_id=thread.get(DSQ_ID) or "",
        place=place,
    )


def _true(post: Element, tag: str) -> bool:
    return child_text(post, NS + tag).lower() == "true"
