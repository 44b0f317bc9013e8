"""Helpers that read a built site the way a browser would: HTML5 parsing, link resolution."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

import html5lib


@dataclass(frozen=True)
class Document:
    path: Path
    root: Element
    errors: list[str]

    def iter(self, tag: str | None = None) -> Iterator[Element]:
        return self.root.iter(tag) if tag else self.root.iter()

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.iter(tag) if all(e.get(k) == v for k, v in attrs.items())]

    def text_of(self, element: Element) -> str:
        return " ".join("".join(element.itertext()).split())

    @property
    def ids(self) -> set[str]:
        return {e.get("id") for e in self.iter() if e.get("id")}


def parse(path: Path) -> Document:
    """Parse a file as a browser does and keep the parser's errors (unclosed tags, stray ends…)."""
    return parse_html(path.read_bytes(), path)


def parse_html(markup: str | bytes, path: Path = Path("<response>")) -> Document:
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    if isinstance(markup, bytes):
        root = parser.parse(markup, transport_encoding="utf-8")
    else:
        root = parser.parse(markup)
    errors = [f"{line}:{col} {code} {data}" for (line, col), code, data in parser.errors]
    return Document(path, root, errors)


def html_files(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def resolve(output: Path, page: Path, url: str) -> Path | None:
    """The file an internal URL points at, or None for external, fragment-only or special URLs."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    target = output / path.lstrip("/") if path.startswith("/") else page.parent / path
    target = Path(re.sub(r"/+", "/", str(target)))
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target.resolve()
