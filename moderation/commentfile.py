"""The published comment file: `content/comments/<article-slug>/<comment-id>.md`.

Written only by the publisher when a moderator approves, read by the Pelican plugin at build
time. Plain text with a header of `Key: value` lines, a blank line, then the comment's
Markdown exactly as the commenter wrote it (rendered and sanitized only at build time), so
published comments are reviewable in git and the site can be rebuilt from the repository
alone. The commenter's e-mail address, IP and user agent are never written here.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .errors import ModerationError

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,199}")


class CommentFileError(ModerationError):
    """A comment file that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class PublishedComment:
    id: int
    article: str
    author: str
    url: str
    date: datetime
    body: str
    approved_by: str
    approved_at: datetime
    reply_to: int | None = None
    feed: str = ""  # the commenter's blog feed, found by the live link check: a "verified" mark
    checks: tuple[str, ...] = field(default_factory=tuple)  # "name=pass", "link=pass:link.verified"

    @property
    def verified(self) -> bool:
        return bool(self.feed)


def path_for(comments_dir: Path, comment: PublishedComment) -> Path:
    if not _SLUG.fullmatch(comment.article):
        raise CommentFileError(f"article slug {comment.article!r} cannot name a folder")
    return comments_dir / comment.article / f"{comment.id}.md"


def dumps(comment: PublishedComment) -> str:
    header = {
        "Id": str(comment.id),
        "Article": comment.article,
        "Author": comment.author,
        "Url": comment.url,
        "Date": comment.date.isoformat(),
        "Reply-To": "" if comment.reply_to is None else str(comment.reply_to),
        "Approved-By": comment.approved_by,
        "Approved-At": comment.approved_at.isoformat(),
        "Feed": comment.feed,
        "Checks": " ".join(comment.checks),
    }
    lines = [f"{key}: {_one_line(value)}" for key, value in header.items()]
    return "\n".join(lines) + "\n\n" + comment.body.replace("\r\n", "\n").rstrip("\n") + "\n"


def _one_line(value: str) -> str:
    """Header values cannot break into a new line: a name must not forge `Approved-By:`."""
    return " ".join(value.splitlines()).strip()


def loads(text: str, source: str = "<string>") -> PublishedComment:
    head, separator, body = text.partition("\n\n")
    if not separator:
        raise CommentFileError(f"{source}: no blank line between the header and the comment")
    header: dict[str, str] = {}
    for line in head.split("\n"):
        key, colon, value = line.partition(":")
        if not colon:
            raise CommentFileError(f"{source}: header line without 'Key: value': {line[:60]!r}")
        header[key.strip().lower()] = value.strip()
    try:
        return PublishedComment(
            id=int(_required(header, "id", source)),
            article=_required(header, "article", source),
            author=header.get("author", ""),
            url=header.get("url", ""),
            date=datetime.fromisoformat(_required(header, "date", source)),
            body=body.rstrip("\n"),
            approved_by=header.get("approved-by", ""),
            approved_at=datetime.fromisoformat(_required(header, "approved-at", source)),
            reply_to=int(header["reply-to"]) if header.get("reply-to") else None,
            feed=header.get("feed", ""),
            checks=tuple(header.get("checks", "").split()),
        )
    except ValueError as error:
        raise CommentFileError(f"{source}: {error}") from None


def _required(header: dict[str, str], key: str, source: str) -> str:
    if not header.get(key):
        raise CommentFileError(f"{source}: missing {key.title()}")
    return header[key]


def read(path: Path) -> PublishedComment:
    try:
        return loads(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as error:
        raise CommentFileError(f"{path}: {error}") from None


def write(comments_dir: Path, comment: PublishedComment) -> Path:
    """Write atomically: a temporary file in the same folder, flushed, then renamed over."""
    path = path_for(comments_dir, comment)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(dumps(comment))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def remove(comments_dir: Path, article: str, comment_id: int) -> bool:
    """Unpublish: delete the file; True when there was one."""
    path = comments_dir / article / f"{comment_id}.md"
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
