"""The published comment file: `content/comments/<article-slug>/<comment-id>.md`.

Written only by the publisher when a moderator approves, read by the Pelican plugin at build
time. Plain text with a header of `Key: value` lines, a blank line, then the comment's
Markdown exactly as the commenter wrote it (rendered and sanitized only at build time), so
published comments are reviewable in git and the site can be rebuilt from the repository
alone. The commenter's e-mail address, IP and user agent are never written here.

A file never replaces a file holding another comment: ids can be issued again by a recreated
or restored database, so `write` compares identities (the `Uid` header, or the date and author
of files written before it existed) and refuses with `CommentFileConflict` (docs/comment-files.md).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from stat import S_ISREG
from typing import NamedTuple

from .errors import ModerationError

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,199}")
_NAME = re.compile(r"([1-9][0-9]{0,17})\.md")


class CommentFileError(ModerationError):
    """A comment file that cannot be read; the message names the file and the problem."""


class CommentFileConflict(CommentFileError):
    """The file at a comment's place holds another comment (or one that cannot be read)."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path} {problem}")
        self.path = path


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
    uid: str = ""  # random and lasting; "" in files written before the header existed
    # The name the commenter's blog gives for its author, when it is theirs (h-card or feed).
    author_verified: str = ""
    kind: str = "comment"  # or, for a Webmention, "reply" (in the thread) or "mention"
    source: str = ""  # a Webmention's source: the commenter's post that links here
    role: str = ""  # "author": the blog's author replying; "" for a reader

    @property
    def verified(self) -> bool:
        return bool(self.feed)


def same_comment(one: PublishedComment, other: PublishedComment) -> bool:
    """Whether two versions are the same comment, whatever their ids or edits say.

    By `Uid` when both have one; otherwise by article, author and sending time (to the
    microsecond): what a hand edit of a file written before `Uid` existed leaves alone.
    """
    if one.uid and other.uid:
        return one.uid == other.uid
    return (one.article, one.author, aware(one.date)) == (
        other.article,
        other.author,
        aware(other.date),
    )


def aware(moment: datetime) -> datetime:
    """A hand-written time without an offset is taken as UTC, for comparing and storing."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def path_for(comments_dir: Path, comment: PublishedComment) -> Path:
    if not _SLUG.fullmatch(comment.article):
        raise CommentFileError(f"article slug {comment.article!r} cannot name a folder")
    return comments_dir / comment.article / f"{comment.id}.md"


def dumps(comment: PublishedComment) -> str:
    header = {
        "Id": str(comment.id),
        **({"Uid": comment.uid} if comment.uid else {}),
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
    # Written only when set, so files from before these headers are rewritten byte for byte.
    optional = {
        "Author-Verified": comment.author_verified,
        "Kind": "" if comment.kind == "comment" else comment.kind,
        "Source": comment.source,
        "Role": comment.role,
    }
    header.update((key, value) for key, value in optional.items() if value)
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
            uid=header.get("uid", ""),
            author_verified=header.get("author-verified", ""),
            kind=header.get("kind") or "comment",
            source=header.get("source", ""),
            role=header.get("role", ""),
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


def write(comments_dir: Path, comment: PublishedComment, *, sync: bool = True) -> Path:
    """Write atomically, never over another comment: `CommentFileConflict` instead.

    A temporary file in the same folder, flushed, then hard-linked to a free name (which
    fails rather than replace a file that appeared meanwhile) or renamed over the same
    comment's earlier file (a re-approval after unpublishing, a rewritten `Reply-To`).
    `sync=False` skips the fsync for a caller writing thousands at once (an import), which
    syncs once at the end.
    """
    path = path_for(comments_dir, comment)
    text = dumps(comment)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            if _needs_replacing(path, comment, text):
                os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path


def _needs_replacing(path: Path, comment: PublishedComment, text: str) -> bool:
    """False when the file already holds these bytes; `CommentFileConflict` when it holds
    another comment."""
    try:
        current = path.read_text(encoding="utf-8")
        if current == text:
            return False
        existing = loads(current, str(path))
    except (OSError, UnicodeDecodeError, CommentFileError) as error:
        raise CommentFileConflict(path, f"cannot be read ({error}): it is left alone") from None
    if not same_comment(existing, comment):
        raise CommentFileConflict(
            path, f"holds another comment (by {existing.author!r}, {existing.date.isoformat()})"
        )
    return True


def remove(
    comments_dir: Path, article: str, comment_id: int, expected: PublishedComment | None = None
) -> bool:
    """Unpublish: delete the file; True when there was one.

    With `expected`, a file holding another comment is left alone (`CommentFileConflict`).
    """
    path = comments_dir / article / f"{comment_id}.md"
    if expected is not None and path.exists():
        try:
            existing = read(path)
        except CommentFileError as error:
            raise CommentFileConflict(path, f"cannot be read ({error}): it is left alone") from None
        if not same_comment(existing, expected):
            raise CommentFileConflict(path, f"holds another comment (by {existing.author!r})")
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


class PublishedFile(NamedTuple):
    """A comment file as a directory scan sees it, without reading it."""

    article: str
    id: int
    stamp: str  # inode:mtime_ns:size: changes whenever the file is rewritten or replaced
    folder: str  # the article folder's path

    @property
    def path(self) -> Path:
        return Path(self.folder, f"{self.id}.md")


def scan(comments_dir: Path) -> Iterator[PublishedFile]:
    """Every `<article>/<id>.md` below `comments_dir`: names and one `stat` each, no reading.

    Names are stat'ed relative to the open folder (the kernel does not walk the whole path
    each time) and no `Path` is made: 10,000 files take about 40 ms.
    """
    try:
        folders = sorted(e.name for e in os.scandir(comments_dir) if e.is_dir())
    except FileNotFoundError:
        return
    for article in folders:
        if article.startswith("."):
            continue
        folder = os.path.join(comments_dir, article)
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for name in os.listdir(descriptor):
                match = _NAME.fullmatch(name)
                if match is None:
                    continue
                try:
                    info = os.stat(name, dir_fd=descriptor, follow_symlinks=False)
                except FileNotFoundError:  # removed since the listing
                    continue
                if S_ISREG(info.st_mode):
                    stamp = f"{info.st_ino}:{info.st_mtime_ns}:{info.st_size}"
                    yield PublishedFile(article, int(match.group(1)), stamp, folder)
        finally:
            os.close(descriptor)
