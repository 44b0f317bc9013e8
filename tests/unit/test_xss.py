"""Known XSS filter-evasion payloads, alone and inside Markdown, must render to inert HTML.

The output is parsed with html5lib, as a browser parses it: escaped text is harmless, so the
checks look at elements and attributes, never at strings.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import pytest

from moderation.sanitize import render

PAYLOAD_FILE = Path(__file__).parent.parent / "data" / "xss-payloads.txt"
ESCAPE_MARKER = "esc:"
ESCAPE_RE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[nrt\\])")
NAMED_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}

FORBIDDEN_ELEMENTS = {
    "script", "iframe", "svg", "math", "style", "object", "embed", "img",
    "form", "input", "base", "link", "meta",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background"}
SAFE_SCHEMES = {"http", "https"}
REQUIRED_REL = {"nofollow", "ugc", "noopener"}
# Browsers drop ASCII whitespace and controls around a URL and tabs and newlines inside it;
# drop every control, space and invisible format character before reading the scheme.
INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060\ufeff]")
SCHEME_RE = re.compile(r"([a-z][a-z0-9+.-]*):")

CONTEXTS = {
    "raw": "{}",
    "link-target": "[x]({})",
    "link-text": "[{}](https://example.com/)",
    "autolink": "<{}>",
    "quote": "> {}",
    "list-item": "- {}",
    "reference": "[x][r]\n\n[r]: {}",
}


def _decode(line: str) -> str:
    if not line.startswith(ESCAPE_MARKER):
        return line

    def character(match: re.Match[str]) -> str:
        code = match[1]
        return NAMED_ESCAPES.get(code) or chr(int(code[1:], 16))

    return ESCAPE_RE.sub(character, line[len(ESCAPE_MARKER) :])


def _payloads() -> list[tuple[str, str]]:
    """(test id, payload) for every payload line: file name and line number name it."""
    lines = PAYLOAD_FILE.read_text(encoding="utf-8").split("\n")
    return [
        (f"{PAYLOAD_FILE.name}:{number}", _decode(line))
        for number, line in enumerate(lines, start=1)
        if line and not line.startswith("#")
    ]


PAYLOADS = _payloads()
CASES = [
    (f"{payload_id}-{context}", template.replace("{}", payload))
    for payload_id, payload in PAYLOADS
    for context, template in CONTEXTS.items()
]


def _local(name: str) -> str:
    """`{http://www.w3.org/1999/xlink}href` -> `href`: namespaces do not make a name safe."""
    return name.rpartition("}")[2].lower()


def _unsafe_url(value: str) -> bool:
    scheme = SCHEME_RE.match(INVISIBLE_RE.sub("", value).lower())
    return scheme is None or scheme[1] not in SAFE_SCHEMES


def _dangers(html: str) -> list[str]:
    """Everything in `html`, as a browser builds it, that could run script or leave the page."""
    fragment: Element = html5lib.parseFragment(
        html, treebuilder="etree", namespaceHTMLElements=False
    )
    found = []
    for element in fragment.iter():
        if not isinstance(element.tag, str):  # comments and other non-elements
            continue
        tag = _local(element.tag)
        if tag in FORBIDDEN_ELEMENTS:
            found.append(f"<{tag}> element")
        for name, value in element.attrib.items():
            attribute = _local(name)
            if attribute.startswith("on") or attribute == "style":
                found.append(f"{attribute} attribute on <{tag}>")
            elif attribute in URL_ATTRIBUTES and _unsafe_url(value):
                found.append(f"{attribute}={value!r} on <{tag}>")
        if tag == "a" and not REQUIRED_REL.issubset(element.get("rel", "").split()):
            found.append(f"<a> without rel={' '.join(sorted(REQUIRED_REL))!r}")
    return found


def test_payload_file_holds_at_least_150_payloads() -> None:
    assert len(PAYLOADS) >= 150


@pytest.mark.parametrize("comment", [case for _, case in CASES], ids=[i for i, _ in CASES])
def test_payload_renders_to_inert_html(comment: str) -> None:
    assert _dangers(render(comment)) == []


@pytest.mark.parametrize(
    "html",
    [
        '<p><a href="https://example.com/">x</a><img src=x onerror=alert(1)></p>',
        '<a href="java&#x09;script:alert(1)" rel="nofollow ugc noopener">x</a>',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
        '<p style="color:red">x</p>',
        '<a href="/relative" rel="nofollow ugc noopener">x</a>',
    ],
    ids=["img-onerror-and-rel", "entity-tab-scheme", "svg-xlink", "style", "relative-href"],
)
def test_checker_sees_what_a_browser_would_run(html: str) -> None:
    assert _dangers(html) != []
