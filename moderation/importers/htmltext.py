"""Old comments' HTML → the Markdown our comment files hold.

WordPress, Blogger and Disqus keep comments as (a little) HTML; our bodies are Markdown,
rendered and sanitized at build time like any other comment. Links, emphasis, quotes, code
and paragraphs survive; every other tag is dropped and its text kept.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset({"p", "div", "blockquote", "pre", "ul", "ol", "li"})
_EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}
_SPACES = re.compile(r"[ \t]*\n[ \t]*")
_BLANKS = re.compile(r"\n{3,}")


class _Markdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []  # hrefs of the open <a> elements
        self.quote = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._text("\n")
        elif tag in _BLOCKS:
            self.quote += tag == "blockquote"
            self._break()
            if tag == "li":
                self._text("- ")
        elif tag in _EMPHASIS:
            self.parts.append(_EMPHASIS[tag])
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
            self.parts.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.quote -= tag == "blockquote" and self.quote > 0
            self._break()
        elif tag in _EMPHASIS:
            self.parts.append(_EMPHASIS[tag])
        elif tag == "a" and self.links:
            href = self.links.pop()
            self.parts.append(f"]({href})" if href else "]")

    def handle_data(self, data: str) -> None:
        self._text(data)

    def _text(self, text: str) -> None:
        if self.quote:
            text = text.replace("\n", "\n" + "> " * self.quote)
        self.parts.append(text)

    def _break(self) -> None:
        self.parts.append("\n\n" + "> " * self.quote)


def to_markdown(html: str) -> str:
    """The comment's words as Markdown; plain text (no tags) keeps its own line breaks."""
    parser = _Markdown()
    parser.feed(html.replace("\r\n", "\n"))
    parser.close()
    text = _SPACES.sub("\n", "".join(parser.parts))
    return _BLANKS.sub("\n\n", text).strip()
