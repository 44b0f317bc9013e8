"""A clock the tests move by hand, for stores and limits that ask what time it is."""

from __future__ import annotations

from datetime import UTC, datetime


class Clock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now
