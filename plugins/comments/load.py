"""Finding, reading and rendering the comment files.

One pass over `<PATH>/<COMMENTS_PATH>/<article-slug>/*.md` per build: names and stamps only.
A file is read only when its stamp is new; parsing and rendering it (Markdown through
`moderation.sanitize.render`, the only way a body becomes HTML) cost about half a millisecond,
and the parser and sanitizer, with their libraries, take a tenth of a second to import, so
they are imported only then.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, NamedTuple

import moderation

from .store import paused_collection

if TYPE_CHECKING:
    from moderation.commentfile import PublishedComment

_FORMAT = 5  # bump when what the folder cache holds (`Read`, `folders.Folder`) changes shape


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
    author_verified: str  # the name the commenter's blog gives for its author, if theirs
    kind: str  # "comment", or for a Webmention "reply" or "mention"
    source: str  # a Webmention's source post
    role: str  # "author": the blog's author replying


Stamp = tuple[int, int]  # mtime_ns, size
# One folder's files, sorted by name, flat (name, mtime_ns, size, name, …): one tuple per
# folder, not two per file, for the cache and the garbage collector.
Files = tuple[str | int, ...]
Check = Callable[["PublishedComment"], str]


class Read(NamedTuple):
    """What reading one file gave: the comment, or why it cannot be read."""

    stamp: Stamp
    rendered: Rendered | None
    error: str = ""


def source_digest(*names: str) -> str:
    """The source of the named `moderation` modules (paths below the package, no `.py`),
    hashed without importing them: the cache must know when they change, the build need not
    pay for importing them when nothing is to be read."""
    base = Path(moderation.__file__ or "").parent
    digest = hashlib.sha256(f"{_FORMAT}".encode())
    for name in names:
        digest.update((base / f"{name}.py").read_bytes())
    for package in ("markdown", "bleach", "nh3"):
        digest.update(f"{package}={metadata.version(package)}".encode())
    return digest.hexdigest()


READER_SOURCES = ("commentfile", "sanitize")


# A folder whose own modification time is older than this is trusted to hold what it held when
# it was last listed; a newer one may still change within the same clock tick.
SETTLED_NS = 2_000_000_000


def scan(root: Path, listed: dict[str, tuple[int, Files]] | None = None) -> dict[str, Files]:
    """Every visible `*.md` one folder below `root`, by folder, with its stamp.

    Files straight in `root` come under folder "" so they can be reported, not lost.
    Hidden files (the publisher's `.tmp-*.part` while it writes) are never comment files.
    With `listed` (kept between scans of a long-running build), a folder whose modification
    time is unchanged and settled is not listed again: a file added, removed or replaced (as
    the publisher writes) changes it. A file edited in place does not; the next full build
    reads it.
    """
    found: dict[str, Files] = {}
    settled = time.time_ns() - SETTLED_NS
    with paused_collection():
        try:
            top = sorted(os.scandir(root), key=lambda entry: entry.name)
        except FileNotFoundError:
            return found
        loose = _stamps(str(root), [entry.name for entry in top if not entry.is_dir()])
        if loose:
            found[""] = loose
        for entry in top:
            if not entry.name.startswith(".") and entry.is_dir():
                files = _folder(entry, listed, settled)
                if files:
                    found[entry.name] = files
    if listed is not None:
        for gone in listed.keys() - found.keys():
            del listed[gone]
    return found


def _folder(
    entry: os.DirEntry[str], listed: dict[str, tuple[int, Files]] | None, settled: int
) -> Files:
    if listed is None:
        return _stamps(entry.path, None)
    modified = entry.stat().st_mtime_ns
    known = listed.get(entry.name)
    if known is not None and known[0] == modified:
        return known[1]
    files = _stamps(entry.path, None)
    if modified < settled:
        listed[entry.name] = (modified, files)
    else:
        listed.pop(entry.name, None)
    return files


def _stamps(folder: str, names: list[str] | None) -> Files:
    """The comment files among `names` (None: all in `folder`), sorted, with their stamps.

    Names relative to the open folder: the kernel does not walk the whole path each time.
    """
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        flat: list[str | int] = []
        for name in sorted(os.listdir(descriptor) if names is None else names):
            if not name.endswith(".md") or name.startswith("."):
                continue
            try:
                info = os.stat(name, dir_fd=descriptor)
            except FileNotFoundError:  # removed since the listing: not there
                continue
            if S_ISREG(info.st_mode):
                flat += (name, info.st_mtime_ns, info.st_size)
    finally:
        os.close(descriptor)
    return tuple(flat)


def stamps(files: Files) -> Iterator[tuple[str, Stamp]]:
    """(file name, stamp) of each file of a scanned folder."""
    for index in range(0, len(files), 3):
        name, mtime, size = files[index : index + 3]
        yield str(name), (int(mtime), int(size))


def read_file(path: Path, stamp: Stamp, check: Check) -> Read:
    """Parse, render and `check` one comment file, or say why it cannot be published.

    Only what the file causes becomes a reason: a broken setting still stops the build.
    """
    from moderation import sanitize
    from moderation.commentfile import loads
    from moderation.errors import ModerationError

    try:
        c = loads(path.read_text(encoding="utf-8"), str(path))
        html = sanitize.render(c.body)
    except (OSError, UnicodeDecodeError) as error:
        return Read(stamp, None, str(error))
    except ModerationError as error:
        return Read(stamp, None, str(error).removeprefix(f"{path}: "))
    rendered = Rendered(
        c.id, c.article, c.author, c.url, c.date, c.reply_to, c.approved_by, c.verified,
        html, plain_text(html), check(c), c.author_verified, c.kind, c.source, c.role,
    )  # fmt: skip
    return Read(stamp, rendered)


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
