"""The importers' small parts: old HTML to Markdown, old addresses, and the Blogger Takeout
feed (no public Takeout export was found to copy, so its test feed is written here, in the
2018 schema Blogger's Takeout uses)."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.importers import blogger
from moderation.importers.articlemap import address_key
from moderation.importers.htmltext import to_markdown
from moderation.importers.record import OldComment, OldPost, OldStatus


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("Plain words\nand a second line", "Plain words\nand a second line"),
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ('See <a href="https://a.example/x">this</a>.', "See [this](https://a.example/x)."),
        ("<b>bold</b> and <em>soft</em>", "**bold** and *soft*"),
        ("<blockquote>quoted<br>more</blockquote><p>reply</p>", "> quoted\n> more\n\nreply"),
        ("It&#39;s &amp; <span style='x'>kept</span>", "It's & kept"),
        ("<script>alert(1)</script>text", "alert(1)text"),
    ],
    ids=["text", "paragraphs", "link", "emphasis", "quote", "entities", "unknown-tags"],
)
def test_old_html_becomes_markdown(html: str, markdown: str) -> None:
    assert to_markdown(html) == markdown


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://old.example/2013/07/slug.html", "/2013/07/slug.html"),
        ("/2013/07/slug.html", "/2013/07/slug.html"),
        ("http://old.example/slug/", "/slug"),
        ("http://old.example/?p=123", "/?p=123"),
        ("http://old.example", "/"),
    ],
    ids=["permalink", "path-only", "trailing-slash", "query", "home"],
)
def test_old_addresses_compare_by_path_and_query(url: str, key: str) -> None:
    assert address_key(url) == key


TAKEOUT = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>
  <id>tag:blogger.com,1999:blog-77</id>
  <entry>
    <id>tag:blogger.com,1999:blog-77.post-101</id>
    <blogger:type>POST</blogger:type><blogger:status>LIVE</blogger:status>
    <title>A post</title><content type='html'>&lt;p&gt;Words&lt;/p&gt;</content>
    <published>2019-03-01T10:00:00Z</published>
    <blogger:filename>/2019/03/a-post.html</blogger:filename>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-77.post-201</id>
    <blogger:parent>tag:blogger.com,1999:blog-77.post-101</blogger:parent>
    <blogger:inReplyTo/><blogger:type>COMMENT</blogger:type><blogger:status>LIVE</blogger:status>
    <author><name>Ann Reader</name><uri>https://ann.example/</uri></author>
    <content type='html'>First!&lt;br /&gt;Really.</content>
    <published>2019-03-02T08:30:00Z</published>
    <blogger:trashed/>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-77.post-202</id>
    <blogger:parent>tag:blogger.com,1999:blog-77.post-101</blogger:parent>
    <blogger:inReplyTo>tag:blogger.com,1999:blog-77.post-201</blogger:inReplyTo>
    <blogger:type>COMMENT</blogger:type><blogger:status>PENDING</blogger:status>
    <author><name>Bo Writer</name></author>
    <content type='html'>A reply.</content>
    <published>2019-03-03T08:30:00Z</published>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-77.post-203</id>
    <blogger:parent>tag:blogger.com,1999:blog-77.post-101</blogger:parent>
    <blogger:type>COMMENT</blogger:type><blogger:status>LIVE</blogger:status>
    <author><name>Gone</name></author><content type='html'>bye</content>
    <published>2019-03-04T08:30:00Z</published>
    <blogger:trashed>2019-04-01T00:00:00Z</blogger:trashed>
  </entry>
</feed>
"""


def test_blogger_takeout_feed(tmp_path: Path) -> None:
    path = tmp_path / "feed.atom"
    path.write_text(TAKEOUT, encoding="utf-8")
    post, first, reply, trashed = blogger.read(path)
    assert post == OldPost("101", "/2019/03/a-post.html")
    assert isinstance(first, OldComment) and isinstance(reply, OldComment)
    assert (first.original_id, first.post_id, first.parent_id) == ("201", "101", "")
    assert (first.author, first.blog_url, first.body) == ("Ann Reader", "https://ann.example/",
                                                          "First!\nReally.")  # fmt: skip
    assert (first.status, reply.status) == (OldStatus.APPROVED, OldStatus.PENDING)
    assert reply.parent_id == "201"
    assert isinstance(trashed, OldComment) and trashed.status is OldStatus.TRASH
