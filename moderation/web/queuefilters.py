"""The queue page's filters: `?status=&article=&imported=&failing=&page=`, read from untrusted
query parameters (a value the page does not offer falls back to its default, as a moderator
following an old link expects), and the store arguments that list them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from ..model import Status
from ..store.imports import ImportedFilter
from .auth import HOME

OPEN = (Status.PENDING, Status.HELD)
STATUS_FILTERS = {"open": OPEN, **{s.value: (s,) for s in Status}, "all": None}
STATUS_NAMES = {"open": "Waiting (pending and held)", "all": "All"}
ANY_SOURCE = "any"  # ?imported=any: every imported comment, whatever its source


@dataclass(frozen=True)
class QueueFilters:
    status: str = "open"
    article: str = ""
    imported: str = ""  # "" (sent here or imported), ANY_SOURCE, or a source imports brought
    failing: bool = False  # imported comments whose recorded checks fail
    page: int = 1

    @classmethod
    def from_query(cls, params: Mapping[str, str], sources: Mapping[str, int]) -> QueueFilters:
        """`sources`: the store's `import_sources()`, the only sources the page offers.
        `failing` alone means imported ones from any source."""
        status = params.get("status", "open")
        number = params.get("page", "")
        failing = params.get("failing", "") == "1"
        imported = params.get("imported", "")
        if imported not in sources:
            imported = ANY_SOURCE if imported == ANY_SOURCE or failing else ""
        return cls(
            status=status if status in STATUS_FILTERS else "open",
            article=params.get("article", ""),
            imported=imported,
            failing=failing,
            page=max(1, int(number)) if number.isdecimal() and len(number) < 7 else 1,
        )

    @property
    def statuses(self) -> tuple[Status, ...] | None:
        return STATUS_FILTERS[self.status]

    @property
    def origin(self) -> ImportedFilter | None:
        """The store's filter on imported comments; None lists every comment."""
        if not self.imported:
            return None
        return ImportedFilter(None if self.imported == ANY_SOURCE else self.imported, self.failing)

    def query(self) -> dict[str, str]:
        """The filters as the form sends them (without the page)."""
        shown = {"status": self.status, "article": self.article, "imported": self.imported}
        return shown | ({"failing": "1"} if self.failing else {})

    def url(self, page: int) -> str:
        return f"{HOME}?{urlencode({**self.query(), 'page': page})}"


def status_options(counts: Mapping[str, int]) -> list[tuple[str, str, int]]:
    """(value, label, how many) for the status select, from the store's `stats()`."""
    return [
        (value, STATUS_NAMES.get(value, value.capitalize()), _count(counts, value))
        for value in STATUS_FILTERS
    ]


def import_options(sources: Mapping[str, int]) -> list[tuple[str, str, int]]:
    """(value, label, how many) for the origin select, from the store's `import_sources()`."""
    every = [(ANY_SOURCE, "Imported, any source", sum(sources.values()))]
    return every + [(source, f"Imported from {source}", n) for source, n in sources.items()]


def _count(counts: Mapping[str, int], value: str) -> int:
    statuses = STATUS_FILTERS[value]
    return sum(counts[s.value] for s in statuses) if statuses else sum(counts.values())
