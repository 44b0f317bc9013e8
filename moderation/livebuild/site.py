"""A built site kept in memory, brought up to date after comment changes in a fraction of a build.

The first `refresh` runs a whole Pelican build (Pelican's own `run`, with its caches) through a
`RecordingWriter` and keeps the generators. Later refreshes ask the comments plugin which
articles' comments changed, and replay only the pages that read those articles' comment data,
then write those articles' comment feeds and the site's. Anything else that changed since the
last full build (a post, a page, the theme, the settings files, or the output folder replaced)
makes the refresh a full build again, so the pages never mix old and new content.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, Generator
from pelican.settings import read_settings

from . import buildmark, output_lock, run_dir
from .writer import ReadTracker, RecordingWriter

Stamps = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class Report:
    """What one refresh did."""

    mode: str  # "full", "pages" (only what comment changes touched) or "unchanged"
    written: list[str] = field(default_factory=list)  # outputs whose bytes changed
    rendered: int = 0  # pages rendered (written or found identical)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # errors Pelican logged

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "written": len(self.written),
            "rendered": self.rendered,
            "seconds": round(self.seconds, 4),
            "errors": self.errors,
        }


@dataclass
class _Built:
    """The state of one full build: the generators, the writer and the inputs it was made from."""

    settings: dict[str, Any]
    articles: ArticlesGenerator
    writer: RecordingWriter
    plugin: ModuleType | None
    inputs: Stamps
    output_id: tuple[int, int, int]  # updated after each refresh's own writes


class LiveSite:
    """The site at `output`, built from `content` with `settings_file`, kept up to date."""

    def __init__(self, settings_file: Path, content: Path, output: Path) -> None:
        self.settings_file = settings_file.resolve()
        self.content = content.resolve()
        self.output = output.resolve()
        self.run = run_dir(content.parent)
        self.built: _Built | None = None

    def refresh(self) -> Report:
        """Bring the output up to date with the content, by the cheapest correct way."""
        started = time.perf_counter()
        with output_lock(self.output, self.run), _ErrorLog() as errors:
            buildmark.check(self.output, self.run, self.settings_file)  # before any write
            built = self.built
            if (
                built is None
                or built.plugin is None  # no plugin to ask what changed: build it all
                or built.inputs != self._inputs(built.settings)
                or built.output_id != self._id()
            ):
                report = self._full()
            else:
                report = self._comments(built)
        return Report(
            report.mode, report.written, report.rendered, time.perf_counter() - started, errors
        )

    # -- the two ways ------------------------------------------------------------------------
    def _full(self) -> Report:
        self.built = None
        gc.unfreeze()  # the last build's objects, frozen below, may be collected now
        settings = read_settings(
            str(self.settings_file),
            override={"PATH": str(self.content), "OUTPUT_PATH": str(self.output)},
        )
        inputs = self._inputs(settings)  # before reading: an edit during the build shows next time
        pelican = _RecordingPelican(settings)
        generators: list[Generator] = []

        def capture(found: list[Generator]) -> None:
            generators.extend(found)
            for generator in found:
                pelican.tracker.watch(generator.env)

        with signals.all_generators_finalized.connected_to(capture):
            pelican.run()
        buildmark.record(self.output, self.run, self.settings_file)
        writer = pelican.writer
        articles = next(g for g in generators if isinstance(g, ArticlesGenerator))
        self.built = _Built(settings, articles, writer, pelican.comments_plugin, inputs, self._id())
        # The build leaves millions of long-lived objects; moved out of the collector's sight,
        # they stop making every later collection (and so every refresh) take a tenth of a second.
        gc.collect()
        gc.freeze()
        return Report("full", writer.written, writer.rendered)

    def _comments(self, built: _Built) -> Report:
        assert built.plugin is not None
        slugs = built.plugin.refresh_comments(built.articles)
        if not slugs:
            return Report("unchanged")
        writer = built.writer
        written = writer.replay(slugs)
        built.plugin.write_comment_feeds(built.articles, slugs)
        built.output_id = self._id()
        return Report("pages", written, writer.rendered)

    # -- what the build depends on -----------------------------------------------------------
    def _inputs(self, settings: dict[str, Any]) -> Stamps:
        """Stamps of every input but the comments: the content, the theme, the settings files."""
        skip = {
            os.path.join(self.content, settings.get("COMMENTS_PATH", "comments")),
            str(settings["CACHE_PATH"]),
            str(self.output),
        }
        stamps: Stamps = {}
        roots = [
            str(self.content),
            str(settings["THEME"]),
            *(str(p) for p in settings.get("THEME_TEMPLATES_OVERRIDES", ())),
        ]
        for root in roots:
            _stamp_tree(root, skip, stamps)
        for path in self.settings_file.parent.glob("*.py"):
            info = path.stat()
            stamps[str(path)] = (info.st_mtime_ns, info.st_size)
        return stamps

    def _id(self) -> tuple[int, int, int]:
        """The output folder's identity and last change of its entries: a folder replaced (after
        `make clean`; its inode number may well be reused) means a full build."""
        try:
            info = self.output.stat()
        except FileNotFoundError:
            return (0, 0, 0)
        return (info.st_dev, info.st_ino, info.st_mtime_ns)


def _stamp_tree(root: str, skip: set[str], stamps: Stamps) -> None:
    try:
        entries = list(os.scandir(root))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.path in skip:
            continue
        if entry.is_dir(follow_symlinks=False):
            _stamp_tree(entry.path, skip, stamps)
        else:
            info = entry.stat()
            stamps[entry.path] = (info.st_mtime_ns, info.st_size)


def _is_comments_plugin(plugin: object) -> bool:
    return all(
        hasattr(plugin, name)
        for name in ("COMMENT_ATTRIBUTES", "refresh_comments", "write_comment_feeds")
    )


class _RecordingPelican(Pelican):
    """Pelican, with our writer instead of the one from the `get_writer` signal."""

    writer: RecordingWriter

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self.comments_plugin = next((p for p in self.plugins if _is_comments_plugin(p)), None)
        attributes = self.comments_plugin.COMMENT_ATTRIBUTES if self.comments_plugin else ()
        self.tracker = ReadTracker(attributes)

    def _get_writer(self) -> RecordingWriter:
        self.writer = RecordingWriter(self.output_path, self.settings, self.tracker)
        return self.writer


class _ErrorLog(logging.Handler):
    """Collects what is logged at ERROR or above while a refresh runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def __enter__(self) -> list[str]:
        logging.getLogger().addHandler(self)
        return self.messages

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self)
