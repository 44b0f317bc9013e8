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


# What a browser fetches by itself while it loads a page (links a reader clicks do not count).
LOADING_ATTRIBUTES = {"src", "srcset", "poster", "data", "background"}
LOADING_LINK_RELS = {
    "stylesheet", "icon", "apple-touch-icon", "preload", "modulepreload", "prefetch",
    "manifest", "preconnect", "dns-prefetch",
}  # fmt: skip


def invalid_pages(output: Path) -> dict[str, list[str]]:
    """Every page that HTML5 parsing finds errors in, with the errors."""
    problems = {}
    for page in html_files(output):
        if errors := parse(page).errors:
            problems[str(page.relative_to(output))] = errors
    return problems


def broken_links(output: Path) -> list[str]:
    """Internal links, assets and same-page fragments that lead nowhere."""
    broken = []
    for page in html_files(output):
        document = parse(page)
        where = page.relative_to(output)
        for element in document.iter():
            for attribute in ("href", "src"):
                url = element.get(attribute)
                if url is None or element.tag == "form" or _endpoint(element):
                    continue
                target = resolve(output, page, url)
                if target is not None and not target.is_file():
                    broken.append(f"{where}: {url}")
                fragment = urlsplit(url).fragment
                same_page = target == page.resolve() or url.startswith("#")
                if same_page and fragment and fragment not in document.ids:
                    broken.append(f"{where}: #{fragment}")
    return broken


def _endpoint(element: Element) -> bool:
    """The comment service's doors (the Webmention endpoint), as the form's action: not pages."""
    return element.tag == "link" and "webmention" in (element.get("rel") or "").split()


def third_party_loads(output: Path, own_host: str) -> list[str]:
    """What a page would fetch from another host as it loads: the theme promises nothing.

    Links a reader may click (an author's link, a commenter's blog) are not loads; neither is
    a video player's address, which loads only when the reader asks for it.
    """
    found = []
    for page in html_files(output):
        for element in parse(page).iter():
            urls = [v for k, v in element.attrib.items() if k in LOADING_ATTRIBUTES]
            rels = set((element.get("rel") or "").lower().split())
            if element.tag == "link" and rels & LOADING_LINK_RELS:
                urls.append(element.get("href") or "")
            for value in urls:
                for url in value.replace(",", " ").split():
                    host = urlsplit(url).netloc if "//" in url else ""
                    if host and host != own_host:
                        found.append(f"{page.relative_to(output)}: <{element.tag}> {url}")
    return found


def stylesheet_loads(output: Path) -> list[str]:
    """`url(…)` in the stylesheets that points anywhere but a local file or a data: URL."""
    return [
        f"{css.relative_to(output)}: {url}"
        for css in output.rglob("*.css")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8"))
        if urlsplit(url).scheme and not url.startswith("data:")
    ]


def missing_landmarks(output: Path) -> list[str]:
    """Pages without a language, a skip link first, main/header/footer, or image alt texts."""
    missing = []
    for page in html_files(output):
        document = parse(page)
        where = page.relative_to(output)
        first_link = next(document.iter("a"), None)
        checks = {
            "lang": bool(document.root.get("lang")),
            "skip link": first_link is not None and first_link.get("href") == "#main",
            "main": bool(document.find_all("main", id="main")),
            "header and footer": bool(list(document.iter("header")))
            and bool(list(document.iter("footer"))),
            "alt texts": all(img.get("alt") is not None for img in document.iter("img")),
        }
        missing.extend(f"{where}: {name}" for name, ok in checks.items() if not ok)
    return missing


def site_problems(output: Path, own_host: str) -> list[str]:
    """Every structural check of the theme and plugins, on any built site."""
    return [
        *(f"{page}: {errors[0]}" for page, errors in invalid_pages(output).items()),
        *broken_links(output),
        *third_party_loads(output, own_host),
        *stylesheet_loads(output),
        *missing_landmarks(output),
    ]
