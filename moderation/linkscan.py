"""The links a comment will show, listed fast and without rendering: for the spam checks.

`links_outside_code()` predicts the hrefs `sanitize.render()` produces, with a handful of
regular expressions that follow Python-Markdown's and the linkifier's rules: code (fenced,
indented, inline spans) never links, raw `<a href>` is text, only web URLs count. The link
grammar itself (LINK_TEXT, LINK_TARGET, URL_RE, `is_web_url`) belongs to `sanitize`, which this
module imports; `sanitize` never imports this one.
"""

from __future__ import annotations

import re

from .sanitize import LINK_TARGET, LINK_TEXT, URL_RE, is_web_url

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
    rf"(?:!\[|\[)(?P<text>{LINK_TEXT})\](?:\((?P<target>{LINK_TARGET})\)|\s?\[(?P<ref>[^\]]*)\])?"
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
            urls = list(URL_RE.finditer(token))
            if "_" in token:  # `_` outside a word may be emphasis, which splits the text
                loose = list(URL_RE.finditer(_LOOSE_UNDERSCORE_RE.sub(" ", token)))
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
