"""Pelican's writer, taught to remember which pages read which article's comments.

During a full build every `write_file` call Pelican makes is kept, and every page it renders
notes the articles whose comment attributes its templates read (through the Jinja
environment's `getattr`/`getitem`, which compiled templates call for `a.b`, `a['b']` and
filters like `map(attribute=…)`). Replaying only the calls that produced pages reading one
article, with every other page skipped before rendering, then rewrites exactly the files a
full build would change. The theme needs no rules for this: a page that shows an article's
comment count anywhere, in any template, is found by watching it do so.

Files are written atomically (a hidden temporary file, then a rename, so the web server
never sends half a page) and only when their bytes changed.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, Template
from pelican.contents import Content
from pelican.utils import sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from .pages import page_number, write_pages


class ReadTracker:
    """Collects the slugs of the articles whose watched attributes a render reads."""

    def __init__(self, attributes: Iterable[str]) -> None:
        self.attributes = frozenset(attributes)
        self.reads: set[str] | None = None  # None: not inside a tracked render

    def watch(self, environment: Environment) -> None:
        """Route the environment's attribute lookups through the tracker."""
        if getattr(environment, "_read_tracker", None) is self:
            return
        plain_getattr, plain_getitem = environment.getattr, environment.getitem

        def getattr_(obj: Any, attribute: str) -> Any:
            self._note(obj, attribute)
            return plain_getattr(obj, attribute)

        def getitem(obj: Any, argument: Any) -> Any:
            self._note(obj, argument)
            return plain_getitem(obj, argument)

        environment.getattr = getattr_  # type: ignore[method-assign]
        environment.getitem = getitem  # type: ignore[method-assign]
        environment._read_tracker = self  # type: ignore[attr-defined]

    def _note(self, obj: Any, attribute: Any) -> None:
        if self.reads is not None and attribute in self.attributes and isinstance(obj, Content):
            self.reads.add(obj.slug)


@dataclass
class WriteCall:
    """One `Writer.write_file` call as Pelican made it, to make again."""

    index: int
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


class _Discard:
    """Stands in for a skipped file: Pelican writes into it and nothing happens."""

    def __enter__(self) -> _Discard:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write(self, text: object) -> int:
        return 0


class _AtomicText:
    """A text file that appears whole at its path on close, and only when its bytes changed."""

    def __init__(self, path: str, encoding: str, on_close: Callable[[bool], None]) -> None:
        self.path = path
        self.encoding = encoding
        self.parts: list[bytes] = []
        self.on_close = on_close

    def __enter__(self) -> _AtomicText:
        return self

    def write(self, text: str | bytes) -> int:
        """Text, or bytes already encoded (feedgenerator's XML writer sends some)."""
        self.parts.append(text if isinstance(text, bytes) else text.encode(self.encoding))
        return len(text)

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.on_close(write_if_changed(self.path, b"".join(self.parts)))


def write_if_changed(path: str, data: bytes) -> bool:
    """Replace `path` with `data` atomically unless it already holds exactly that."""
    try:
        with open(path, "rb") as existing:
            if existing.read(len(data) + 1) == data:
                return False
    except FileNotFoundError:
        pass
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.part")
    try:
        with open(temporary, "wb") as handle:  # mode 0666 less the umask, like Pelican's
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return True


class _Watched:
    """A template whose renders go through the writer first (to track or to skip them)."""

    def __init__(self, template: Template, writer: RecordingWriter, call: WriteCall) -> None:
        self.template = template
        self.writer = writer
        self.call = call

    def render(self, localcontext: dict[str, Any]) -> str:
        return self.writer._render(self.template, localcontext, self.call)


class RecordingWriter(Writer):
    """Records a full build's page calls and reads; replays the pages that read some articles.

    One instance serves one full build and then any number of `replay`s. Between them the
    generators, their context and the articles stay in memory, untouched except for the comment
    attributes the plugin refreshes.
    """

    def __init__(self, output_path: str, settings: dict[str, Any], tracker: ReadTracker) -> None:
        super().__init__(output_path, settings=settings)
        self.tracker = tracker
        self.calls: list[WriteCall] = []
        self.page_calls: dict[str, int] = {}  # output -> index of the call that wrote it
        self.page_numbers: dict[str, int] = {}  # output -> its number in a paginated list
        self.readers: dict[str, set[str]] = defaultdict(set)  # slug -> outputs that read it
        self.wanted: set[str] | None = None  # while replaying: the outputs to write
        self.written: list[str] = []  # changed outputs: of the full build, or the last replay
        self.rendered = 0

    # -- Pelican's Writer interface ------------------------------------------------------------
    def write_file(self, name: Any, template: Any, context: Any, *args: Any, **kwargs: Any) -> None:
        if not name:  # Pelican's way of saying "this page is not wanted"
            return
        call = WriteCall(len(self.calls), (name, template, context, *args), kwargs)
        self.calls.append(call)
        super().write_file(name, _Watched(template, self, call), context, *args, **kwargs)

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        """Pelican's rules for writing a file twice, then an atomic write of changes only."""
        if self.wanted is not None and filename not in self.wanted:
            return _Discard()
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
                )
            return _Discard()
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already written to it '
                "previously (set `override=True` if intended)"
            )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return _AtomicText(filename, encoding, lambda changed: self._closed(filename, changed))

    # -- tracking and replay -------------------------------------------------------------------
    def _render(self, template: Template, localcontext: dict[str, Any], call: WriteCall) -> str:
        output = localcontext["output_file"]
        if self.wanted is not None:
            if sanitised_join(self.output_path, output) not in self.wanted:
                return ""
            self.rendered += 1
            return template.render(localcontext)
        self.rendered += 1
        self.page_calls[output] = call.index
        number = page_number(localcontext)
        if number is not None:
            self.page_numbers[output] = number
        self.tracker.reads = set()
        try:
            return template.render(localcontext)
        finally:
            for slug in self.tracker.reads:
                self.readers[slug].add(output)
            self.tracker.reads = None

    def pages_reading(self, slugs: Iterable[str]) -> list[str]:
        """The outputs (relative paths) whose render read the comment data of any of `slugs`."""
        return sorted({page for slug in slugs for page in self.readers.get(slug, ())})

    def replay(self, slugs: Iterable[str]) -> list[str]:
        """Render and write again every page that read the comments of `slugs`.

        Returns the outputs whose bytes changed. The other pages of a paginated list are not
        even set up (`pages.write_pages`).
        """
        pages = self.pages_reading(slugs)
        self.wanted = {sanitised_join(self.output_path, page) for page in pages}
        self.written, self.rendered = [], 0
        self._written_files.clear()
        self._overridden_files.clear()
        try:
            by_call: dict[int, list[str]] = defaultdict(list)
            for page in pages:
                by_call[self.page_calls[page]].append(page)
            for index, outputs in sorted(by_call.items()):
                call = self.calls[index]
                name, template, context, *rest = call.args
                watched = _Watched(template, self, call)
                numbers = [self.page_numbers.get(output) for output in outputs]
                if None in numbers or not write_pages(
                    self, watched, call.args, call.kwargs, numbers
                ):
                    Writer.write_file(self, name, watched, context, *rest, **call.kwargs)
        finally:
            self.wanted = None
        return self.written

    def _closed(self, filename: str, changed: bool) -> None:
        if changed:
            self.written.append(os.path.relpath(filename, self.output_path))
