"""Threading: published comments of one article into nested replies, oldest first.

A reply hangs under the comment it answers when that comment was published earlier (by date,
then id); otherwise, as when its parent was held back, unpublished or is dated later, it is
shown at top level, because a moderator approved it and it reads well on its own. Threads
nest `max_depth` levels deep; replies below that are shown at the deepest level, among their
parent's siblings in date order, and marked `flattened` so the page can say whom they answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import overload


@dataclass(eq=False)
class Node:
    """One published comment as the templates see it."""

    id: int
    author: str
    url: str
    date: datetime
    html: str  # from moderation.sanitize.render, and from nothing else
    text: str = ""  # plain text of `html`, for structured data
    verified: bool = False
    reply_to: int | None = None  # as written in the comment file
    author_verified: str = ""  # the name the commenter's blog gives for its author, if theirs
    kind: str = "comment"  # or, for a Webmention, "reply" or "mention" (listed apart)
    source: str = ""  # a Webmention's source post
    role: str = ""  # "author": the blog's author replying (the thread marks it)
    parent: Node | None = None  # the published comment it answers, if shown as a reply
    depth: int = 1
    flattened: bool = False  # shown at the deepest level, not under `parent` itself
    replies: list[Node] = field(default_factory=list)


def order(node: Node) -> tuple[datetime, int]:
    """Oldest first; the id settles comments stamped with the same second."""
    return node.date, node.id


def thread(nodes: Iterable[Node], max_depth: int) -> list[Node]:
    """Nest one article's comments and return the top-level ones."""
    max_depth = max(1, max_depth)
    ordered = sorted(nodes, key=order)
    by_id = {node.id: node for node in ordered}
    top: list[Node] = []
    shown_in: dict[int, list[Node]] = {}  # the list each placed comment was appended to
    for node in ordered:  # a parent always precedes its replies in this order
        node.replies = []
        parent = by_id.get(node.reply_to) if node.reply_to is not None else None
        if parent is None or order(parent) >= order(node):
            node.parent, node.depth, node.flattened = None, 1, False
            siblings = top
        elif parent.depth < max_depth:
            node.parent, node.depth, node.flattened = parent, parent.depth + 1, False
            siblings = parent.replies
        else:
            node.parent, node.depth, node.flattened = parent, parent.depth, True
            siblings = shown_in[parent.id]
        siblings.append(node)
        shown_in[node.id] = siblings
    return top


def walk(top: Iterable[Node]) -> list[Node]:
    """Every comment of a thread, in date order (feeds, structured data, counts)."""
    found: list[Node] = []
    pending = list(top)
    while pending:
        node = pending.pop()
        found.append(node)
        pending.extend(node.replies)
    return sorted(found, key=order)


class Thread(Sequence[Node]):
    """An article's top-level comments, replies nested, threaded when first used.

    A build that takes the rendered block, the JSON-LD and the feeds from the cache never
    needs the comments themselves, so it never unpickles or threads them.
    """

    __slots__ = ("_make", "_top", "count")

    def __init__(self, count: int, make: Callable[[], list[Node]]) -> None:
        self.count = count  # every comment, replies included
        self._make: Callable[[], list[Node]] | None = make
        self._top: list[Node] | None = None

    @property
    def top(self) -> list[Node]:
        if self._top is None:
            assert self._make is not None
            self._top, self._make = self._make(), None
        return self._top

    @overload
    def __getitem__(self, index: int) -> Node: ...
    @overload
    def __getitem__(self, index: slice) -> list[Node]: ...
    def __getitem__(self, index: int | slice) -> Node | list[Node]:
        return self.top[index]

    def __len__(self) -> int:
        return len(self.top)

    def __iter__(self) -> Iterator[Node]:
        return iter(self.top)

    def __bool__(self) -> bool:
        return self.count > 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Thread({self.top!r})"
