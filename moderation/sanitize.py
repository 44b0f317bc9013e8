"""The one way comment Markdown becomes HTML.

`render()` runs Python-Markdown, then bleach (linkify, then clean to a small allowlist), then
nh3, which has the final word: bleach is unmaintained since June 2026, nh3 (Ammonia) is not.
- Raw HTML is never HTML: it stays visible as escaped text, as someone asking about `<b>`
  expects. No headings, tables or attributes; newlines are line breaks; ``` and ~~~ fence code.
- Only absolute http(s) links survive, each with rel="nofollow ugc noopener"; any other link
  keeps just its text. No mailto: published addresses get harvested. Images become links.
- MAX_COMMENT_CHARS at most, nesting capped, every scan bounded: 10,000 hostile characters
  render in well under a second.
`linkscan.links_outside_code()` lists the same links without rendering; it reads the link
grammar (LINK_TEXT, LINK_TARGET, URL_RE) and `is_web_url` from here, so the two cannot drift.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import bleach
import markdown
import nh3
from bleach.linkifier import TLDS, LinkifyFilter
from markdown.extensions import Extension
from markdown.inlinepatterns import (
    IMAGE_LINK_RE,
    IMAGE_REFERENCE_RE,
    LINK_RE,
    REFERENCE_RE,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from moderation.errors import InvalidSubmission

MAX_COMMENT_CHARS = 10_000
MAX_NESTING = 8  # quotes and list items opened on one line; deeper ones are flattened
LINK_REL = "nofollow ugc noopener"
WEB_SCHEMES = frozenset({"http", "https"})  # no mailto: published addresses get harvested
# `hr` because Markdown makes it from `---`; no `del`: no syntax we enable produces it.
TAGS = frozenset(
    {"p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
)

# Link text with one level of nested brackets and link targets with parentheses three deep.
# The renderer gates Python-Markdown's own scans with them: unbounded, a run of `[` or `[a](`
# makes those scans quadratic (10 s for 10,000 characters).
LINK_TEXT = r"(?:[^\[\]]|\[[^\[\]]*\])*"
LINK_TARGET = r"(?:[^()]|\((?:[^()]|\([^()]*\))*\))*"
_LINK_TEXT_END_RE = re.compile(LINK_TEXT + r"\]")
_LINK_TARGET_RE = re.compile(r"\(" + LINK_TARGET + r"\)")
_HOST_RE = re.compile(r"[\w.-]+|[0-9a-f:.]+")
_CONTAINER = r"(?:>|[*+-] |\d+\. )[ ]*+"  # a quote or list marker, as Python-Markdown reads them
_DEEP_NESTING_RE = re.compile(rf"^([ ]{{0,3}}(?:{_CONTAINER}){{{MAX_NESTING}}})(?:{_CONTAINER})+")


# What the linkifier links. With http(s):// any alphabetic top-level domain (bleach's list
# predates .dev, .blog and .careers); bare domains only with a TLD on bleach's list, less those
# that are also source-file extensions, so "e.g.", "notes.txt" and "setup.py" stay text. Never
# an IP address or a dotless host: readers paste router addresses. A match starts only where a
# run of domain characters starts: bleach's pattern retries inside each run, and linkifying
# "a-." * 3,333 took it 14 s.
_BARE_TLDS = sorted(set(TLDS) - {"cc", "md", "mk", "pl", "pm", "py", "rs", "sh", "so"})
URL_RE = re.compile(
    r"(?:(?<![\w.@(-])\(+|(?<![\w.@-]))\b"
    r"(?:https?:/{0,3}(?:(?:\w+:)?\w+@)?(?:[\w-]+\.)+[^\W\d_]{2,63}"
    r"|(?:[\w-]+\.)+(?:" + "|".join(_BARE_TLDS) + r"))"
    r"(?::[0-9]+)?(?!\.\w)\b"
    r'(?:[/?][^\s{}|\\^`<>"]*)?',
    re.IGNORECASE,
)


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a plausible host: the only links a comment keeps."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return False
    host = parts.hostname
    return parts.scheme.lower() in WEB_SCHEMES and bool(host) and bool(_HOST_RE.fullmatch(host))


class _BoundedScan:
    """Mixin for Python-Markdown's link processors: bracket scans stop at the limits above."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        match = _LINK_TEXT_END_RE.match(data, index)
        if match is None:
            return "", index, False
        return data[index : match.end() - 1], match.end(), True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        match = _LINK_TARGET_RE.match(data, index)
        if match is None:
            return "", None, index, False
        return super().getLink(data[: match.end()], index)  # type: ignore[misc]


class _Link(_BoundedScan, LinkInlineProcessor):
    pass


class _Reference(_BoundedScan, ReferenceInlineProcessor):
    pass


class _ShortReference(_BoundedScan, ShortReferenceInlineProcessor):
    pass


class _NestingCap(Preprocessor):
    """Drop container markers beyond MAX_NESTING: Python-Markdown recurses once per level and,
    for lists, has no guard ("1. " * 3,000 is a RecursionError). Fenced code is stashed by now."""

    def run(self, lines: list[str]) -> list[str]:
        return [_DEEP_NESTING_RE.sub(r"\1", line) for line in lines]


class _WebLinksOnly(Treeprocessor):
    """Unwrap links to anything but an absolute http(s) URL; give empty links their URL as text."""

    def run(self, root: Element) -> None:
        links = [(parent, child) for parent in root.iter() for child in parent if child.tag == "a"]
        for parent, link in reversed(links):  # inner links first, while their parent is intact
            href = link.get("href", "")
            if not is_web_url(href):
                _unwrap(parent, link)
            elif not (link.text or len(link)):
                link.text = href


def _unwrap(parent: Element, element: Element) -> None:
    """Replace `element` by its text and children, keeping the text around it in place."""
    index = list(parent).index(element)
    parent.remove(element)
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    _append_text(parent, index, element.text)
    if children:
        children[-1].tail = (children[-1].tail or "") + (element.tail or "")
    else:
        _append_text(parent, index, element.tail)


def _append_text(parent: Element, index: int, text: str | None) -> None:
    if not text:
        return
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        parent[index - 1].tail = (parent[index - 1].tail or "") + text


class _CommentSyntax(Extension):
    """Markdown for comments: no raw HTML, no headings, images as links, bounded link scans."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.preprocessors.register(_NestingCap(md), "nesting_cap", 15)
        md.inlinePatterns.deregister("html")  # raw tags stay text, escaped on output
        md.inlinePatterns.deregister("automail")  # no mailto; `<a@b.example>` stays as typed
        md.parser.blockprocessors.deregister("hashheader")  # `# 1` in a comment is not a heading
        md.parser.blockprocessors.deregister("setextheader")
        patterns = md.inlinePatterns
        patterns.register(_Reference(REFERENCE_RE, md), "reference", 170)
        patterns.register(_Link(LINK_RE, md), "link", 160)
        patterns.register(_Link(IMAGE_LINK_RE, md), "image_link", 150)
        patterns.register(_Reference(IMAGE_REFERENCE_RE, md), "image_reference", 140)
        patterns.register(_ShortReference(REFERENCE_RE, md), "short_reference", 130)
        patterns.register(_ShortReference(IMAGE_REFERENCE_RE, md), "short_image_ref", 125)
        md.treeprocessors.register(_WebLinksOnly(md), "web_links_only", 15)


_NH3 = nh3.Cleaner(
    tags=set(TAGS),
    attributes={"a": {"href", "title"}},
    url_schemes=set(WEB_SCHEMES),
    url_relative="deny",  # else `javascript\u200b:` would pass as a relative URL
    link_rel=LINK_REL,
    strip_comments=True,
)


class _Pipeline(threading.local):
    """Python-Markdown and bleach's Cleaner keep parser state, so neither is thread-safe:
    each thread builds its own pair once and reuses it."""

    def __init__(self) -> None:
        extensions: list[Any] = ["fenced_code", "sane_lists", "nl2br", _CommentSyntax()]
        self.markdown = markdown.Markdown(extensions=extensions)
        linkify = functools.partial(
            LinkifyFilter,
            url_re=URL_RE,
            callbacks=[],  # rel is nh3's job
            skip_tags={"pre", "code"},
            parse_email=False,
        )
        self.bleach = bleach.Cleaner(
            tags=TAGS,
            attributes={"a": ["href", "title"]},
            protocols=WEB_SCHEMES,
            strip=True,
            strip_comments=True,
            filters=[linkify],
        )


_pipeline = _Pipeline()


def render(text: str) -> str:
    """Turn a comment body into HTML that is safe to put in a page: every caller uses this."""
    if len(text) > MAX_COMMENT_CHARS:
        raise InvalidSubmission(
            "body",
            f"Your comment has {len(text)} characters; the limit is {MAX_COMMENT_CHARS}: please"
            " shorten it.",
        )
    html = _pipeline.markdown.reset().convert(text)
    return _NH3.clean(_pipeline.bleach.clean(html))
