"""Untrusted XML, streamed: `defusedxml`'s parser (no external entities, no entity expansion)
fed a chunk at a time, so a 200 MB export is read in bounded memory.

Every failure becomes an `ImportFileError` naming the file, the line and what was wrong,
including a file whose bytes are not in the encoding it declares.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, iterparse

from .record import ImportFileError

LINE = "{urn:moderation-import}line"  # the attribute noting where an element starts


class _Lines(TreeBuilder):
    """Notes the line each wanted element starts on, as its `LINE` attribute: the parser
    reads ahead of the events, so only the builder knows the line while it is current."""

    def __init__(self, tags: frozenset[str]) -> None:
        super().__init__()
        self.tags = tags
        self.parser: DefusedXMLParser | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> Element:  # type: ignore[override]
        if tag in self.tags and self.parser is not None:
            attrs = {**attrs, LINE: str(self.parser.parser.CurrentLineNumber)}
        return super().start(tag, attrs)


def elements(
    path: Path, tags: frozenset[str], depth: int, marked: frozenset[str] = frozenset()
) -> Iterator[tuple[Element, int]]:
    """Each finished element with a tag in `tags` at `depth` (the root's children are at 1),
    with the line it starts on. `tags` are Clark names (`{namespace}item`); elements with a
    tag in `marked` (an item's comments) carry their line too, in `line_of`.

    A yielded element is removed from its parent once the caller is done with it, so memory
    holds one entry at a time.
    """
    parser = DefusedXMLParser(target=(lines := _Lines(tags | marked)))
    lines.parser = parser
    try:
        with path.open("rb") as handle:
            open_elements: list[Element] = []
            for event, element in iterparse(handle, events=("start", "end"), parser=parser):
                if event == "start":
                    open_elements.append(element)
                    continue
                open_elements.pop()
                if element.tag in tags and len(open_elements) == depth:
                    yield element, line_of(element)
                    open_elements[-1].remove(element)
    except ParseError as error:
        at, column = error.position
        raise ImportFileError(f"{path}: line {at}, column {column}: {_explain(error)}") from None
    except DefusedXmlException as error:
        at = parser.parser.CurrentLineNumber
        raise ImportFileError(
            f"{path}: line {at}: refused: {error} (entity declarations and external references"
            " are never expanded in an import)"
        ) from None
    except OSError as error:
        raise ImportFileError(f"{path}: {error}") from None


def _explain(error: ParseError) -> str:
    message = str(error).split(": line ")[0]
    if "invalid token" in message or "encoding" in message:
        message += " (is the file in the encoding its XML declaration names?)"
    elif "no element found" in message or "unclosed token" in message:
        message += " (the file ends too early: was the export or download cut short?)"
    return message


def line_of(element: Element) -> int:
    return int(element.get(LINE, "0"))


def child_text(element: Element, tag: str) -> str:
    """The text of the first child with that tag, stripped; "" when there is none."""
    child = element.find(tag)
    return (child.text or "").strip() if child is not None else ""
