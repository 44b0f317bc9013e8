"""Finding, reading and rendering the comment files, with a cache of the rendered results.

One pass over `<PATH>/<COMMENTS_PATH>/<article-slug>/*.md` per build. Parsing and rendering
(Markdown through `moderation.sanitize.render`, the only way a body becomes HTML) cost about
half a millisecond per comment, so the results are kept in a pickle under CACHE_PATH, keyed
by each file's (mtime_ns, size) and dropped as a whole when the parser, the sanitizer or
their libraries change. The answer of the name and link checks is kept with each comment,
so the cache's version also covers those rules.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import datetime
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

from moderation import commentfile, sanitize
from moderation.commentfile import CommentFileError, PublishedComment, loads
from moderation.errors import ModerationError

from .store import Store

CACHE_NAME = "comments.pickle"
_FORMAT = 2  # bump when `Rendered` changes shape


class Rendered(NamedTuple):
    """What the pages need from one comment file, rendered and checked; pickles fast."""

    id: int
    article: str
    author: str
    url: str
    date: datetime
    reply_to: int | None
    approved_by: str
    verified: bool
    html: str  # from sanitize.render
    text: str  # `html` as plain text
    policy: str  # why its name or link holds it back; "" when both pass


class Found(NamedTuple):
    """One comment file: its path in the content folder, and what reading it gave."""

    path: str  # "comments/<folder>/<name>"
    folder: str  # the article slug it claims by where it lies; "" outside any folder
    name: str
    rendered: Rendered | None
    error: str = ""


Stamp = tuple[int, int]
Check = Callable[[PublishedComment], str]


class RenderCache:
    """Rendered comments by relative path and file stamp."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.entries: dict[str, tuple[Stamp, Rendered]] = store.load()
        self.changed = False

    def get(self, key: str, stamp: Stamp) -> Rendered | None:
        entry = self.entries.get(key)
        return entry[1] if entry is not None and entry[0] == stamp else None

    def put(self, key: str, stamp: Stamp, rendered: Rendered) -> None:
        self.entries[key] = (stamp, rendered)
        self.changed = True

    def save(self, keep: set[str]) -> None:
        """Save without entries for files that are gone; skip when nothing moved."""
        if set(self.entries) - keep:
            self.entries = {k: v for k, v in self.entries.items() if k in keep}
            self.changed = True
        if self.changed:
            self.store.save(self.entries)


def cache_version(extra: str) -> str:
    """Changes whenever reading or rendering could, or `extra` does.

    That is: the parser's or the sanitizer's source, or the version of a library they use.
    """
    digest = hashlib.sha256(f"{_FORMAT}:{extra}".encode())
    for module in (commentfile, sanitize):
        digest.update(Path(module.__file__ or "").read_bytes())
    for package in ("markdown", "bleach", "nh3"):
        digest.update(f"{package}={metadata.version(package)}".encode())
    return digest.hexdigest()


def scan(root: Path) -> list[tuple[str, str, Stamp]]:
    """Every visible `*.md` one folder below `root` as (folder, name, stamp), sorted.

    Files straight in `root` come back with folder "" so they can be reported, not lost.
    Hidden files (the publisher's `.tmp-*.part` while it writes) are never comment files.
    """
    found: list[tuple[str, str, Stamp]] = []
    try:
        top = list(os.scandir(root))
    except FileNotFoundError:
        return found
    for entry in top:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            with os.scandir(entry.path) as inner:
                found += [
                    (entry.name, f.name, _stamp(f))
                    for f in inner
                    if f.name.endswith(".md") and not f.name.startswith(".") and f.is_file()
                ]
        elif entry.name.endswith(".md") and entry.is_file():
            found.append(("", entry.name, _stamp(entry)))
    found.sort()
    return found


def _stamp(entry: os.DirEntry[str]) -> Stamp:
    info = entry.stat()
    return info.st_mtime_ns, info.st_size


def read_all(content: Path, folder_name: str, cache: RenderCache, check: Check) -> list[Found]:
    """Read, render and `check` every file under content/folder_name, using the cache."""
    results: list[Found] = []
    keep: set[str] = set()
    for folder, name, stamp in scan(content / folder_name):
        path = "/".join(part for part in (folder_name, folder, name) if part)
        keep.add(path)
        rendered = cache.get(path, stamp)
        if rendered is None:
            try:
                rendered = render_file(content / path, check)
            except ModerationError as error:
                results.append(Found(path, folder, name, None, _reason(error, content / path)))
                continue
            cache.put(path, stamp, rendered)
        results.append(Found(path, folder, name, rendered))
    cache.save(keep)
    return results


def render_file(path: Path, check: Check) -> Rendered:
    """Parse, render and check one comment file; raises ModerationError when it cannot."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommentFileError(str(error)) from None
    c = loads(text, str(path))
    html = sanitize.render(c.body)
    return Rendered(
        c.id, c.article, c.author, c.url, c.date, c.reply_to, c.approved_by, c.verified,
        html, plain_text(html), check(c),
    )  # fmt: skip


def _reason(error: ModerationError, path: Path) -> str:
    """The error without the file name the warning already gives."""
    return str(error).removeprefix(f"{path}: ")


class _Text(HTMLParser):
    _BREAKS = frozenset({"p", "br", "li", "pre", "blockquote", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")


def plain_text(html: str) -> str:
    """What a reader sees of sanitized HTML: text only, one line per block."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
