"""Threading published comments: nesting by reply-to, date order, depth flattening, orphans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from comments.thread import Node, thread, walk

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def node(id: int, minute: int, reply_to: int | None = None) -> Node:
    return Node(
        id=id,
        author=f"Author {id}",
        url="https://blog.example/",
        date=START + timedelta(minutes=minute),
        html=f"<p>{id}</p>",
        reply_to=reply_to,
    )


def shape(nodes: list[Node]) -> list[object]:
    """Ids as nested lists: [1, [2, [3]], 4] means 2 replies to 1 and 3 replies to 2."""
    out: list[object] = []
    for n in nodes:
        out.append(n.id)
        if n.replies:
            out.append(shape(n.replies))
    return out


def test_replies_nest_under_their_parent_oldest_first() -> None:
    nodes = [node(1, 0), node(4, 30, reply_to=1), node(2, 10, reply_to=1), node(3, 20)]
    assert shape(thread(nodes, max_depth=4)) == [1, [2, 4], 3]


def test_top_level_comments_are_in_date_order_whatever_their_ids() -> None:
    nodes = [node(7, 5), node(3, 50), node(9, 0)]
    assert shape(thread(nodes, max_depth=4)) == [9, 7, 3]


def test_comments_with_the_same_date_are_ordered_by_id() -> None:
    assert shape(thread([node(5, 0), node(2, 0)], max_depth=4)) == [2, 5]


def test_depth_counts_from_one_at_top_level() -> None:
    top = thread([node(1, 0), node(2, 1, reply_to=1), node(3, 2, reply_to=2)], max_depth=4)
    assert [n.depth for n in walk(top)] == [1, 2, 3]


@pytest.mark.parametrize(
    ("max_depth", "expected"),
    [
        (4, [1, [2, [3, [4, 5]]]]),
        (3, [1, [2, [3, 4, 5]]]),
        (2, [1, [2, 3, 4, 5]]),
        (1, [1, 2, 3, 4, 5]),
    ],
    ids=["depth-4", "depth-3", "depth-2", "depth-1-is-flat"],
)
def test_replies_deeper_than_the_limit_are_flattened_at_the_deepest_level(
    max_depth: int, expected: list[object]
) -> None:
    chain = [node(1, 0), *(node(i, i, reply_to=i - 1) for i in range(2, 6))]
    assert shape(thread(chain, max_depth=max_depth)) == expected


def test_only_replies_moved_above_their_place_are_marked_flattened() -> None:
    chain = [node(1, 0), *(node(i, i, reply_to=i - 1) for i in range(2, 6))]
    assert [n.id for n in walk(thread(chain, max_depth=4)) if n.flattened] == [5]


def test_flattened_replies_keep_date_order_among_their_new_siblings() -> None:
    nodes = [
        node(1, 0),
        node(2, 1, reply_to=1),
        node(3, 2, reply_to=2),  # flattened at depth 2
        node(4, 3, reply_to=1),
        node(5, 4, reply_to=3),  # flattened, answers a flattened reply
    ]
    top = thread(nodes, max_depth=2)
    assert shape(top) == [1, [2, 3, 4, 5]]
    assert {n.id: n.parent.id for n in walk(top) if n.parent} == {2: 1, 3: 2, 4: 1, 5: 3}


def test_a_reply_whose_parent_is_not_published_is_shown_at_top_level() -> None:
    top = thread([node(1, 0), node(3, 5, reply_to=2)], max_depth=4)
    assert shape(top) == [1, 3]
    assert top[1].parent is None and top[1].depth == 1


def test_a_reply_dated_before_its_parent_is_shown_at_top_level() -> None:
    top = thread([node(1, 10), node(2, 0, reply_to=1)], max_depth=4)
    assert shape(top) == [2, 1]


def test_replies_that_answer_each_other_cannot_hide_each_other() -> None:
    top = thread([node(1, 0, reply_to=2), node(2, 5, reply_to=1)], max_depth=4)
    assert shape(top) == [1, [2]]


def test_threading_twice_gives_the_same_tree() -> None:
    nodes = [node(1, 0), node(2, 1, reply_to=1)]
    thread(nodes, max_depth=4)
    assert shape(thread(nodes, max_depth=4)) == [1, [2]]


def test_walk_lists_every_comment_once_in_date_order() -> None:
    nodes = [node(1, 0), node(2, 3, reply_to=1), node(3, 1), node(4, 2, reply_to=3)]
    assert [n.id for n in walk(thread(nodes, max_depth=4))] == [1, 3, 4, 2]
