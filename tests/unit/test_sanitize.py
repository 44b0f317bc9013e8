"""What a comment body becomes: Markdown a commenter expects, no raw HTML, web links only."""

from __future__ import annotations

import threading
import timeit
from collections.abc import Callable
from xml.etree.ElementTree import Element

import html5lib
import pytest

from moderation.errors import InvalidSubmission
from moderation.linkscan import links_outside_code
from moderation.sanitize import MAX_COMMENT_CHARS, MAX_NESTING, render

REL = {"nofollow", "ugc", "noopener"}


def parse(html: str) -> Element:
    return html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)


def texts(html: str, path: str) -> list[str]:
    return ["".join(element.itertext()) for element in parse(html).findall(path)]


def hrefs(html: str) -> list[str | None]:
    return [link.get("href") for link in parse(html).iter("a")]


def best_seconds(work: Callable[[], object], number: int = 1) -> float:
    """Fastest of three timings, per call: other processes on the machine only slow it."""
    return min(timeit.repeat(work, number=number, repeat=3)) / number


def depth(html: str, tag: str) -> int:
    def walk(element: Element, level: int) -> int:
        level += element.tag == tag
        return max([level, *(walk(child, level) for child in element)])

    return walk(parse(html), 0)


@pytest.mark.parametrize(
    ("comment", "path", "expected"),
    [
        ("*so* true", "p/em", ["so"]),
        ("**so** true", "p/strong", ["so"]),
        ("use `x < y` here", "p/code", ["x < y"]),
        ("```\nping 10.0.0.1\n```", "pre/code", ["ping 10.0.0.1\n"]),
        ("~~~\ntraceroute host\n~~~", "pre/code", ["traceroute host\n"]),
        ("Try:\n\n    show ip route\n", "pre/code", ["show ip route\n"]),
        ("- one\n- two", "ul/li", ["one", "two"]),
        ("1. one\n2. two", "ol/li", ["one", "two"]),
        ("> you wrote this", "blockquote/p", ["you wrote this"]),
        ("first line\nsecond line", "p/br", [""]),
        ("above\n\n---\n\nbelow", "hr", [""]),
        ("# 1 tip", "p", ["# 1 tip"]),
    ],
    ids=[
        "emphasis", "strong", "inline-code", "fenced-code", "tilde-fence", "indented-code",
        "bullets", "numbers", "quote", "newline-is-a-break", "rule", "no-headings",
    ],
)  # fmt: skip
def test_markdown_renders_as_a_commenter_expects(
    comment: str, path: str, expected: list[str]
) -> None:
    assert texts(render(comment), path) == expected


@pytest.mark.parametrize(
    ("comment", "href"),
    [
        ("[docs](https://docs.example.com/page)", "https://docs.example.com/page"),
        ("<https://auto.example.com/x>", "https://auto.example.com/x"),
        ("see https://bare.example.com/a.", "https://bare.example.com/a"),
        ("see www.python.org", "http://www.python.org"),
        ("cheap-pills.com is spam", "http://cheap-pills.com"),
        ("my site https://jane.dev", "https://jane.dev"),
        ("[ref][1]\n\n[1]: https://ref.example.com", "https://ref.example.com"),
        ("![diagram](https://img.example.com/d.png)", "https://img.example.com/d.png"),
    ],
    ids=["markdown", "autolink", "bare-url", "www", "bare-domain", "new-tld", "reference", "image"],
)
def test_links_get_nofollow_ugc_noopener(comment: str, href: str) -> None:
    (link,) = parse(render(comment)).iter("a")
    assert (link.get("href"), set(link.get("rel", "").split())) == (href, REL)


def test_link_title_is_kept() -> None:
    (link,) = parse(render('[x](https://a.example.com "Read me")')).iter("a")
    assert link.get("title") == "Read me"


@pytest.mark.parametrize(
    "comment",
    [
        "ssh to 192.168.1.1 or http://10.0.0.1/admin",
        "http://localhost:8000",
        "e.g. notes.txt and setup.py",
        "write to me@example.com",
        "<me@example.com>",
    ],
    ids=["addresses", "dotless-host", "file-names", "e-mail", "e-mail-autolink"],
)
def test_text_that_is_no_web_address_stays_text(comment: str) -> None:
    assert hrefs(render(comment)) == []


@pytest.mark.parametrize(
    "comment",
    [
        "```\ncurl https://intranet.example.com\n```",
        "~~~\nwww.inside.com\n~~~",
        "ping `example.com` and `https://a.example.com`",
        "Config:\n\n    server https://ntp.example.com\n",
        "- step\n\n        curl www.example.com\n",
    ],
    ids=["fenced", "tilde-fenced", "inline", "indented", "indented-in-list"],
)
def test_urls_in_code_are_not_linked(comment: str) -> None:
    assert hrefs(render(comment)) == []


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "javascript\u200b:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "mailto:me@example.com",
        "ftp://files.example.com",
        "/relative/path",
        "//evil.example.com",
        "http:evil.example.com",
        "",
    ],
    ids=[
        "javascript", "mixed-case", "tab", "zero-width-space", "data", "vbscript", "mailto",
        "ftp", "relative", "protocol-relative", "no-slashes", "empty",
    ],
)  # fmt: skip
def test_link_to_anything_but_the_web_keeps_only_its_text(target: str) -> None:
    html = render(f"[click *me*]({target})")
    assert (hrefs(html), texts(html, "p")) == ([], ["click me"])


def test_image_becomes_a_link_named_by_its_alt_text() -> None:
    html = render("![network diagram](https://img.example.com/d.png)")
    assert (parse(html).findall(".//img"), texts(html, "p/a")) == ([], ["network diagram"])


def test_image_without_alt_text_shows_its_address() -> None:
    assert texts(render("![](https://img.example.com/d.png)"), "p/a") == [
        "https://img.example.com/d.png"
    ]


@pytest.mark.parametrize(
    ("comment", "shown"),
    [
        ("Use <b>bold</b> tags", "Use <b>bold</b> tags"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ('<img src=x onerror="alert(1)">', '<img src=x onerror="alert(1)">'),
        ('<div onclick="go()">block</div>', '<div onclick="go()">block</div>'),
        ("<!-- hidden -->", "<!-- hidden -->"),
    ],
    ids=["inline-tag", "script", "img", "html-block", "comment"],
)
def test_raw_html_is_shown_as_text(comment: str, shown: str) -> None:
    fragment = parse(render(comment))
    assert ([e.tag for e in fragment.iter()], "".join(fragment.itertext())) == (
        ["DOCUMENT_FRAGMENT", "p"],
        shown,
    )


@pytest.mark.parametrize("length", [MAX_COMMENT_CHARS + 1, 5 * MAX_COMMENT_CHARS])
def test_comment_over_the_limit_is_refused_naming_the_body(length: int) -> None:
    with pytest.raises(InvalidSubmission) as refused:
        render("a" * length)
    assert refused.value.field == "body"


def test_comment_at_the_limit_renders() -> None:
    assert texts(render("a" * MAX_COMMENT_CHARS), "p") == ["a" * MAX_COMMENT_CHARS]


PATHOLOGICAL = {
    "quotes": ">" * 10_000,
    "nested-lists": "1. " * 3_333,
    "open-brackets": "[" * 10_000,
    "open-images": "![" * 5_000,
    "open-links": "[a](" * 2_500,
    "open-parens": "[a](" + "(" * 9_996,
    "backtick-runs": "".join("`" * n + " x " for n in range(1, 130))[:10_000],
    "emphasis": ("*a " * 1_666 + " a*" * 1_666)[:10_000],
    "domain-runs": "a-." * 3_333,
    "dotted-labels": "ab-cd." * 1_666,
    "paren-runs": "(" * 10_000,
    "lines": "x\n" * 5_000,
    "links": "[a](http://a.example.com) " * 384,
}


@pytest.mark.parametrize("comment", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_comment_renders_well_under_a_second(comment: str) -> None:
    assert best_seconds(lambda: render(comment)) < 3.0  # quadratic cases took 5 to 14 s


@pytest.mark.parametrize("comment", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_comment_links_are_counted_quickly(comment: str) -> None:
    assert best_seconds(lambda: links_outside_code(comment)) < 1.0


@pytest.mark.parametrize(
    ("comment", "tag"),
    [("> " * 50 + "deep", "blockquote"), ("1. " * 50 + "deep", "ol"), ("- > " * 30, "ul")],
    ids=["quotes", "numbered", "mixed"],
)
def test_nesting_deeper_than_the_cap_is_flattened(comment: str, tag: str) -> None:
    assert depth(render(comment), tag) <= MAX_NESTING


THREAD_COMMENTS = [
    "*Hi* see https://a.example.com and `b.example.com`",
    "> quoted\n\n- one\n- two [x](https://c.example.com)",
    "```\ncode\n```\n<b>raw</b> ![img](https://d.example.com/i.png)",
]


def test_render_gives_the_same_html_from_eight_threads() -> None:
    expected = [render(comment) for comment in THREAD_COMMENTS]
    results: list[list[str]] = []

    def work() -> None:
        results.append([render(comment) for _ in range(50) for comment in THREAD_COMMENTS])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected * 50] * 8


@pytest.mark.parametrize(
    ("comment", "links"),
    [
        ("no links here.", []),
        ("https://a.example.com/x, www.b.org.", ["https://a.example.com/x", "http://www.b.org"]),
        ("`10.0.0.1` and `example.com` are code", []),
        ("```\nhttps://in.example.com\n```\nhttps://out.example.com", ["https://out.example.com"]),
        ("[x](https://a.example.com) and [y](javascript:alert(1))", ["https://a.example.com"]),
        ("[r][1]\n\n[1]: https://ref.example.com", ["https://ref.example.com"]),
        ("<https://auto.example.com>", ["https://auto.example.com"]),
        ('<a href="https://raw.example.com">raw</a>', ["https://raw.example.com"]),
        ("cheap-pills.com", ["http://cheap-pills.com"]),
    ],
    ids=[
        "none", "bare", "code-spans", "fenced", "markdown", "reference", "autolink", "raw-anchor",
        "bare-domain",
    ],
)  # fmt: skip
def test_links_outside_code_lists_the_links_a_reader_sees(comment: str, links: list[str]) -> None:
    assert links_outside_code(comment) == links


ORACLE = [
    "Plain text, no links at all.",
    "see https://example.com/a and www.python.org.",
    "host `example.com` and `10.0.0.1` in code",
    "```\ncurl https://internal.example.com\n```\nafter https://ok.example.org",
    "~~~\nwww.inside.com\n~~~",
    "para\n\n    ssh admin@router.example.net\n    http://192.168.1.1/admin\n\nthen https://x.org",
    "- item http://a.com\n- item two\n\n    continued www.b.com\n\n        code www.c.com",
    '[docs](https://docs.example.com/p "T") [rel](/local) [js](javascript:alert(1))',
    "![diagram](https://img.example.com/d.png) and ![](https://img.example.com/e.png)",
    "<https://auto.example.com/x> and <ftp://files.example.com> and <a@b.com>",
    '<a href="https://raw.example.com">raw</a> <script>alert(1)</script>',
    "[a][1], [other][] and [short]\n\n[1]: https://one.example.com\n"
    '[other]: https://other.example.com "T"\n[short]: <https://short.example.com>',
    "[undefined][nope] and [x]",
    "> quoted https://q.example.com\n>> deeper www.deep.com",
    "(see http://paren.example.com/a_(b)) and (http://x.com).",
    "**www.bold.com** and *https://em.example.com*",
    "[http://text-is-url.com](javascript:void(0))",
    "[](javascript:x) [empty]() [no-slashes](https:evil.com)",
    "mail me: me@example.com or <me@example.com>",
    "`code http://a.com` then http://b.com and `` nested ` www.c.com ``",
    "line one\nhttp://two.example.com\n\nwiki https://en.wikipedia.org/wiki/Foo_(bar) end",
    "1. first https://a.example.com\n2. second\n\n```python\nprint('https://b.example.com')\n```",
    "Visit example.com, example.org; or example.net!",
    "\ttabbed code www.tab.com\n\nnormal www.normal.com",
    "[![badge](https://img.example.com/b.svg)](https://ci.example.com)",
    "_https://emphasized.example.com_ and my.dev/path",
]


@pytest.mark.parametrize("comment", ORACLE, ids=[f"oracle-{i}" for i in range(len(ORACLE))])
def test_links_outside_code_agrees_with_render(comment: str) -> None:
    assert links_outside_code(comment) == hrefs(render(comment))
