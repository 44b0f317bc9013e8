"""What every importer yields: an old comment (or an old post's address), in one shape.

Importers read a source's file and know nothing of the store; `importers.run` maps these
records to articles, runs the policy and stores them. Times are aware; ids are the source's
own, as text, so a second import of the same file recognises them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from ..errors import ModerationError


class ImportFileError(ModerationError):
    """A file that cannot be imported; the message names the file and the place (line, entry)."""


class Kind(StrEnum):
    COMMENT = "comment"
    PINGBACK = "pingback"
    TRACKBACK = "trackback"


class OldStatus(StrEnum):
    """Where the comment stood on the old blog."""

    APPROVED = "approved"
    PENDING = "pending"
    SPAM = "spam"
    TRASH = "trash"


@dataclass(frozen=True, slots=True)
class OldComment:
    original_id: str
    author: str
    blog_url: str
    email: str
    date: datetime
    body: str  # Markdown
    status: OldStatus
    kind: Kind = Kind.COMMENT
    parent_id: str = ""  # the original id of the comment it answers; "" at the top
    post_url: str = ""  # the old post's permalink
    post_id: str = ""  # the old post's own id (WordPress post_id, Blogger post id, Disqus thread)
    place: str = ""  # "line 120": where the file holds it, for messages


@dataclass(frozen=True, slots=True)
class OldPost:
    """An old post's id and permalink, for sources whose comments name only the id."""

    post_id: str
    post_url: str


@dataclass(frozen=True, slots=True)
class BadEntry:
    """An entry the importer could not read: the whole file is refused unless `--skip-bad`."""

    place: str
    problem: str


Record = OldComment | OldPost | BadEntry


def parse_time(text: str, place: str) -> datetime:
    """An ISO 8601 or WordPress (`2014-01-14 17:32:12`) time; without an offset, UTC."""
    value = text.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{place}: {text.strip()[:40]!r} is not a date") from None
    if moment.tzinfo is None:  # WordPress's local comment_date: its zone is not exported
        moment = moment.replace(tzinfo=UTC)
    return moment
