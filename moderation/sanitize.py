"""The one way comment Markdown becomes HTML, and the fast list of the links it will show.

`render()` runs Python-Markdown, then bleach (linkify, then clean to a small allowlist), then
nh3, which has the final word: bleach is unmaintained since June 2026, nh3 (Ammonia) is not.
- Raw HTML is never HTML: it stays visible as escaped text, as someone asking about `<b>`
  expects. No headings, tables or attributes; newlines are line breaks; ``` and ~~~ fence code.
- Only absolute http(s) links survive, each with rel="nofollow ugc noopener"; any other link
  keeps just its text. No mailto: published addresses get harvested. Images become links.
- MAX_COMMENT_CHARS at most, nesting capped, every scan bounded: 10,000 hostile characters
  render in well under a second.
`links_outside_code()` lists, without rendering, the links `render()` makes (spam checks).
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
_LINK_TEXT = r"(?:[^\[\]]|\[[^\[\]]*\])*"
_LINK_TARGET = r"(?:[^()]|\((?:[^()]|\([^()]*\))*\))*"
_LINK_TEXT_END_RE = re.compile(_LINK_TEXT + r"\]")
_LINK_TARGET_RE = re.compile(r"\(" + _LINK_TARGET + r"\)")
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
_URL_RE = re.compile(
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
            url_re=_URL_RE,
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
            "body", f"has {len(text)} characters; the limit is {MAX_COMMENT_CHARS}"
        )
    html = _pipeline.markdown.reset().convert(text)
    return _NH3.clean(_pipeline.bleach.clean(html))


# links_outside_code(): the renderer's link rules as a handful of regular expressions.
_FENCED_CODE_RE = re.compile(  # fenced_code's FENCED_BLOCK_RE, without hl_lines
    r"^(?P<fence>~{3,}|`{3,})[ ]*(?:\{[^\n]*\}|\.?[\w#.+-]*[ ]*)\n.*?(?<=\n)(?P=fence)[ ]*$",
    re.MULTILINE | re.DOTALL,
)
_DOT_LETTER_RE = re.compile(r"\.[^\W\d_]")
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
_BLOCK_BREAK_RE = re.compile(  # a blank line, or a line that starts a quote, list item or rule
    r"\n(?:[ \t]*\n|[ ]{0,3}(?:>|[*+-][ \t]|\d+\.[ \t]|(?:[-*_][ ]{0,2}){3,}[ ]*$))", re.MULTILINE
)
_LIST_ITEM_RE = re.compile(r" {0,3}(?:[*+-]|\d+\.) ")
_REFERENCE_DEF_RE = re.compile(  # Python-Markdown's, also inside quotes
    r"^(?:[ ]{0,3}>)*[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?"
    r"(([\"'])(.*)\4[ ]*|\((.*)\)[ ]*)?$",
    re.MULTILINE,
)
_SPACES_RE = re.compile(r"\s+")
_LOOSE_UNDERSCORE_RE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_ESCAPED_SYNTAX_RE = re.compile(r"\\[\[\]()!`]")
_MARKUP_LINK_RE = re.compile(
    rf"(?:!\[|\[)(?P<text>{_LINK_TEXT})\](?:\((?P<target>{_LINK_TARGET})\)|\s?\[(?P<ref>[^\]]*)\])?"
    r"|<(?P<auto>[A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>"
)


def links_outside_code(text: str) -> list[str]:
    """The hrefs render(text) would produce, in order, without rendering: cheap for every check.

    Code (fenced, indented, inline spans) never links: readers paste host names and addresses.
    Raw `<a href>` is text, so only the URL inside it counts, as the linkifier would link it.
    """
    references: dict[str, str] = {}
    prose = _without_code(text.replace("\r\n", "\n") if "\r" in text else text, references)
    found: list[tuple[int, str]] = []
    if "[" in prose or "<" in prose:
        prose = _as_text(prose, 0, references, found)
    cursor = 0
    for token in prose.split():
        if "." in token and _DOT_LETTER_RE.search(token):  # a URL's TLD follows a dot
            cursor = prose.find(token, cursor)
            urls = list(_URL_RE.finditer(token))
            if "_" in token:  # `_` outside a word may be emphasis, which splits the text
                loose = list(_URL_RE.finditer(_LOOSE_UNDERSCORE_RE.sub(" ", token)))
                urls = max(urls, loose, key=len)
            found.extend((cursor + url.start(), _bare_href(url[0])) for url in urls)
            cursor += len(token)
    return [href for _, href in sorted(found)]


def _without_code(text: str, references: dict[str, str]) -> str:
    """Python-Markdown's order: fenced code, then blocks (indented code, definitions), then
    inline code spans; definitions go into `references` and out of the text."""
    if "```" in text or "~~~" in text:
        text = _FENCED_CODE_RE.sub("\n", text)
    if "\t" in text or "\n    " in text or text.startswith("    "):
        text = _without_indented_code(text.expandtabs(4))
    if "]:" in text:
        text = _REFERENCE_DEF_RE.sub(lambda match: _define(match, references), text)
    if "`" in text:
        text = _without_code_spans(text)
    if "\\" in text:  # `\[` shows a bracket that opens no link
        text = _ESCAPED_SYNTAX_RE.sub("^", text)
    return text


def _without_indented_code(text: str) -> str:
    """Drop indented code blocks; after a list, indented blocks are its paragraphs unless 8 deep."""
    blocks = _BLANK_LINE_RE.split(text)
    kept: list[str] = []
    in_list = False
    while blocks:
        block = blocks.pop(0).lstrip("\n")
        indent = len(block) - len(block.lstrip(" "))
        if not block.strip():
            continue
        if indent < 4:
            in_list = bool(_LIST_ITEM_RE.match(block))
            kept.append(block)
        elif in_list and indent < 8:
            kept.append(block)
        else:
            lines = block.split("\n")
            prefix = " " * (8 if in_list else 4)
            code = 0
            while code < len(lines) and (lines[code].startswith(prefix) or not lines[code].strip()):
                code += 1
            if code < len(lines):
                blocks.insert(0, "\n".join(lines[code:]))
    return "\n\n".join(kept)


def _without_code_spans(text: str) -> str:
    pieces: list[str] = []
    done = 0
    start = text.find("`")
    while start != -1:
        if text[start - 1 : start] == "\\":  # an escaped backtick opens nothing; the next may
            start += 1
        end = _run_end(text, start)
        close = _code_span_end(text, start, end) if end > start else None
        if close is None:  # Python-Markdown resumes one opener's length further on
            start = text.find("`", end + end - start)
            continue
        pieces += [text[done:start], " "]
        done = close
        start = text.find("`", done)
    return "".join(pieces) + text[done:]


def _code_span_end(text: str, start: int, end: int) -> int | None:
    """Python-Markdown's pairing: the next run as long as the opener in the same block, else
    the longest shorter run."""
    block_break = _BLOCK_BREAK_RE.search(text, end)
    limit = block_break.start() if block_break else len(text)
    longest, longest_end = 0, 0
    at = text.find("`", end, limit)
    while at != -1:
        run_end = _run_end(text, at)
        if run_end - at == end - start:
            return run_end
        if run_end - at > longest:
            longest, longest_end = run_end - at, run_end
        at = text.find("`", run_end, limit)
    return longest_end if 0 < longest < end - start else None


def _run_end(text: str, index: int) -> int:
    while index < len(text) and text[index] == "`":
        index += 1
    return index


def _define(match: re.Match[str], references: dict[str, str]) -> str:
    references[match[1].strip().lower()] = match[2].lstrip("<").rstrip(">")
    return ""


def _as_text(
    prose: str, offset: int, references: dict[str, str], found: list[tuple[int, str]]
) -> str:
    """Note each web link at its position and put what the page shows as text in its place:
    a space for a kept link (an element splits text), the text of an unwrapped one."""
    shift = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal shift
        at = offset + match.start() + shift
        target = match["auto"] or _link_target(match, references)
        if target is not None and is_web_url(target):
            found.append((at, target.strip()))
            if match["text"]:  # links inside it (a linked image) are links too
                _as_text(match["text"], at, references, found)
            shown = " "
        elif match["auto"]:
            shown = match["auto"]
        elif target is not None:
            shown = _as_text(match["text"], at, references, found)
        else:  # an unresolved reference stays as typed, brackets and all
            head = match.start("text") - match.start()
            text = _as_text(match["text"], at + head, references, found)
            shown = match[0][:head] + text + match[0][match.end("text") - match.start() :]
        shift += len(shown) - len(match[0])
        return shown

    return _MARKUP_LINK_RE.sub(replace, prose)


def _link_target(match: re.Match[str], references: dict[str, str]) -> str | None:
    target = match["target"]
    if target is not None:
        target = target.strip()
        if target.startswith("<") and ">" in target:
            return target[1 : target.index(">")]
        return target.split(None, 1)[0] if target else ""
    key = match["ref"] or match["text"]  # `[text][]` and `[text]` name themselves
    return references.get(_SPACES_RE.sub(" ", key).lower())


def _bare_href(url: str) -> str:
    """The href the linkifier gives a bare URL: outer parentheses and trailing , . dropped."""
    while url:
        if url.startswith("("):
            url = url[1:-1] if url.endswith(")") else url[1:]
        elif url.endswith((",", ".")) or (url.endswith(")") and "(" not in url):
            url = url[:-1]
        else:
            break
    return url if url.lower().startswith(("http:", "https:")) else f"http://{url}"
