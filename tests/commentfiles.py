"""Comment files for test builds, written as the publisher writes them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from moderation.commentfile import PublishedComment, dumps

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
CACHING = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
BASE = PublishedComment(
    id=1,
    article="a",
    author="Jane Smith",
    url="https://jane.example/",
    date=START,
    body="A thoughtful *comment*.",
    approved_by="robin",
    approved_at=START + timedelta(hours=1),
)


def comment(id: int, article: str = "a", minute: int = 0, **fields: object) -> str:
    """A comment file's text: BASE with this id, article and time, and any other `fields`."""
    date = START + timedelta(minutes=minute)
    return dumps(replace(BASE, id=id, article=article, date=date, **fields))
