"""Reading who a blog says writes it, and what a Webmention source says (no network)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from moderation import commentfile
from moderation.netguard import FetchResult
from moderation.policy.blogauthor import blog_author, feed_author
from moderation.webmention.hentry import read_source
from moderation.webmention.targets import ArticleTarget, ArticleUrls

HOME = "https://juli.example/"


def page(html: str, url: str = HOME, content_type: str = "text/html; charset=utf-8"):
    return FetchResult(url, url, 200, content_type, html.encode())


@pytest.mark.parametrize(
    ("html", "name"),
    [
        (f'<a class="h-card u-url u-uid p-name" href="{HOME}">Juli Ramírez</a>', "Juli Ramírez"),
        (
            '<link rel="me" href="https://code.example/juli">'
            '<div class="h-card"><a class="u-url p-name" href="https://code.example/juli">J. R.</a>'
            '</div><div class="h-card"><span class="p-name">A commenter</span></div>',
            "J. R.",
        ),
        (
            f'<div class="h-card"><a class="u-url" href="{HOME}"><b class="p-name">Juli</b></a>',
            "Juli",
        ),
        (
            f'<div class="h-card"><a class="u-url p-name" href="{HOME}">Juli</a></div>'
            f'<div class="h-card"><a class="u-url p-name" href="{HOME}">Jane</a></div>',
            "",
        ),
        ('<div class="h-card"><a class="u-url p-name" href="https://x.example/">X</a></div>', ""),
    ],
    ids=["uid-and-url", "url-is-rel-me", "only-card-with-page-url", "two-cards", "other-site"],
)
def test_representative_hcard(html: str, name: str) -> None:
    assert blog_author(page(html)).name == name


def test_rel_me_links_are_kept() -> None:
    html = '<a rel="me" href="https://code.example/juli">code</a><link rel="me" href="/about">'
    assert blog_author(page(html)).me == ("https://code.example/juli", f"{HOME}about")


@pytest.mark.parametrize(
    ("feed", "name"),
    [
        (
            b'<feed xmlns="http://www.w3.org/2005/Atom"><author><name> Juli  Ram\xc3\xadrez'
            b"</name></author></feed>",
            "Juli Ramírez",
        ),
        (
            b"<rss><channel><managingEditor>juli@example.org (Juli Ramirez)</managingEditor>"
            b"</channel></rss>",
            "Juli Ramirez",
        ),
        (
            b'<rss xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item>'
            b"<dc:creator>Juli</dc:creator></item></channel></rss>",
            "Juli",
        ),
        (b"<rss><channel><managingEditor>juli@example.org</managingEditor></channel></rss>", ""),
        (b"<html><body>not a feed</body></html>", ""),
        (
            b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">]>'
            b'<feed xmlns="http://www.w3.org/2005/Atom"><author><name>&a;</name></author></feed>',
            "",
        ),
        (b"\xff\xfe broken", ""),
    ],
    ids=["atom", "rss-editor", "rss-dc-creator", "rss-address-only", "html", "entities", "bytes"],
)
def test_feed_author(feed: bytes, name: str) -> None:
    assert feed_author(feed) == name


TARGET = "https://blog.example/posts/coffee/"


def test_a_source_reply_is_read_from_its_hentry() -> None:
    html = f"""<div class="h-entry">
      <a class="u-in-reply-to" href="{TARGET}#comment-7">re</a>
      <div class="p-author h-card"><a class="u-url p-name" href="/">Juli</a></div>
      <time class="dt-published" datetime="2024-02-01T10:00:00">x</time>
      <div class="e-content"><p>One.</p>


      <p>Two.</p></div></div>"""
    post = read_source(page(html, f"{HOME}notes/1"), TARGET)
    assert post.links_to_target
    assert (post.author_name, post.author_url) == ("Juli", HOME)
    assert post.in_reply_to == (f"{TARGET}#comment-7",)
    assert post.published == datetime(2024, 2, 1, 10, tzinfo=UTC)
    assert post.content == "One.\n\nTwo."


@pytest.mark.parametrize(
    ("html", "linked"),
    [
        (f'<p><a href="{TARGET}">this</a></p>', True),
        ('<base href="https://blog.example/posts/"><a href="coffee/">this</a>', True),
        (f'<div class="h-entry"><data class="u-like-of" value="{TARGET}"></data></div>', True),
        ('<a href="https://blog.example/posts/tea/">other</a>', False),
        (f"<p>{TARGET} written out, not linked</p>", False),
    ],
    ids=["a-href", "relative-with-base", "mf2-property", "another-page", "text-only"],
)
def test_a_source_links_to_the_target(html: str, linked: bool) -> None:
    assert read_source(page(html), TARGET).links_to_target is linked


def test_a_plain_text_source_counts_the_exact_address() -> None:
    assert read_source(page(f"see {TARGET}", content_type="text/plain"), TARGET).links_to_target


@pytest.mark.parametrize(
    ("url", "found"),
    [
        ("https://blog.example/posts/coffee/", ArticleTarget("coffee")),
        ("http://BLOG.example:80/posts/coffee", ArticleTarget("coffee")),
        ("https://blog.example/posts/coffee/index.html", ArticleTarget("coffee")),
        ("https://blog.example/posts/coffee/#comment-12", ArticleTarget("coffee", 12)),
        ("https://blog.example/posts/coffee/?utm=x", None),
        ("https://blog.example/about/", None),
        ("https://other.example/posts/coffee/", None),
        ("https://blog.example:8443/posts/coffee/", None),
        ("javascript:alert(1)", None),
    ],
    ids=["plain", "scheme-case-port", "index", "comment", "query", "page", "host", "port", "js"],
)
def test_article_urls(url: str, found: ArticleTarget | None) -> None:
    assert ArticleUrls("https://blog.example", "posts/{slug}/").article(url) == found


def test_a_comment_file_from_before_the_indieweb_headers_reads_and_writes_unchanged() -> None:
    old = (
        "Id: 3\nArticle: coffee\nAuthor: Ada\nUrl: https://ada.example/\n"
        "Date: 2024-01-01T00:00:00+00:00\nReply-To: \nApproved-By: robin\n"
        "Approved-At: 2024-01-02T00:00:00+00:00\nFeed: \nChecks: \n\nHello.\n"
    )
    comment = commentfile.loads(old)
    assert (comment.author_verified, comment.kind, comment.source) == ("", "comment", "")
    assert commentfile.dumps(comment) == old
