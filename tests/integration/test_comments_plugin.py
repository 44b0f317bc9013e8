"""The comments plugin in real builds: threads, hold-backs, safety, feeds, JSON-LD, caching."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from builds import ROOT, Build, build_site
from commentfiles import CACHING, comment
from jinja2.utils import htmlsafe_json_dumps
from sitecheck import Document, parse

PLUGIN = {"PLUGINS": ["embeds", "comments"]}
ATOM = "{http://www.w3.org/2005/Atom}"
COMMENTS_TEMPLATE = ROOT / "theme/templates/_comments.html"

POST = """Title: Post {slug}
Date: 2025-01-0{day} 10:00
Category: Networking
Slug: {slug}
Summary: About {slug}.

Some words about {slug}.
"""
POSTS = {"posts/a.md": POST.format(slug="a", day=1), "posts/b.md": POST.format(slug="b", day=2)}


def files(**comments: str) -> dict[str, str]:
    """The two posts plus comment files given as `a__1="..."` for comments/a/1.md."""
    site = dict(POSTS)
    for key, text in comments.items():
        folder, name = key.split("__")
        site[f"comments/{folder}/{name}.md"] = text
    return site


def thread_shape(document: Document) -> list[object]:
    """Comment ids as nested lists, as the page nests them: [1, [2], 3]."""
    lists = [e for e in document.iter("ol") if "comment-list" in e.get("class", "").split()]
    return _shape(lists[0]) if lists else []


def _shape(ol: ElementTree.Element) -> list[object]:
    shape: list[object] = []
    for item in ol.findall("li"):
        article = item.find("article")
        assert article is not None
        shape.append(int(article.get("id", "").removeprefix("comment-")))
        nested = [o for o in article.findall("ol") if o.get("class") == "comment-replies"]
        if nested:
            shape.append(_shape(nested[0]))
    return shape


def skipped(build: Build) -> list[str]:
    return [m for m in build.messages if m.startswith("comments: skipped")]


def jsonld(document: Document) -> dict:
    scripts = document.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].text or "")


def test_threaded_comments_appear_in_date_order_under_their_article(make_site) -> None:
    build = make_site(
        files(
            a__1=comment(1, minute=0),
            a__2=comment(2, minute=20, reply_to=1),
            a__3=comment(3, minute=10),
            a__4=comment(4, minute=30, reply_to=2),
            a__6=comment(6, minute=25, reply_to=1),
            b__5=comment(5, article="b"),
        ),
        **PLUGIN,
    )
    assert thread_shape(parse(build.page("posts/a"))) == [1, [2, [4], 6], 3]
    assert thread_shape(parse(build.page("posts/b"))) == [5]
    assert not skipped(build)


def test_each_comment_has_a_permanent_anchor_and_a_reply_link(make_site) -> None:
    build = make_site(files(a__1=comment(1), a__2=comment(2, minute=5, reply_to=1)), **PLUGIN)
    document = parse(build.page("posts/a"))
    assert {"comment-1", "comment-2"} <= document.ids
    replies = document.find_all("a", **{"class": "comment-reply"})
    assert [a.get("data-reply-to") for a in replies] == ["1", "2"]


def test_the_commenters_blog_link_is_nofollow_ugc(make_site) -> None:
    build = make_site(files(a__1=comment(1)), **PLUGIN)
    links = parse(build.page("posts/a")).find_all("a", href="https://jane.example/")
    assert links and all(set(a.get("rel", "").split()) >= {"nofollow", "ugc"} for a in links)


def test_a_reply_to_an_unpublished_comment_is_shown_at_top_level(make_site) -> None:
    build = make_site(files(a__1=comment(1), a__3=comment(3, minute=5, reply_to=2)), **PLUGIN)
    assert thread_shape(parse(build.page("posts/a"))) == [1, 3]


def test_replies_beyond_the_thread_depth_are_flattened_and_name_their_parent(make_site) -> None:
    chain = {
        f"a__{i}": comment(i, minute=i, reply_to=i - 1 if i > 1 else None) for i in range(1, 5)
    }
    build = make_site(files(**chain), COMMENTS_THREAD_DEPTH=2, **PLUGIN)
    document = parse(build.page("posts/a"))
    assert thread_shape(document) == [1, [2, 3, 4]]
    flattened = [
        e for e in document.iter("article") if "comment--flattened" in e.get("class", "").split()
    ]
    assert [e.get("id") for e in flattened] == ["comment-3", "comment-4"]
    answers = [
        a.get("href")
        for e in flattened
        for a in e.iter("a")
        if a.get("class") == "comment__in-reply-to"
    ]
    assert answers == ["#comment-2", "#comment-3"]


HELD_BACK = [
    ("comments/a/1.md", "Id: 1\nno header here\n\nBody.", "header line without 'Key: value'"),
    ("comments/a/1.md", comment(1, approved_by=""), "no approval record"),
    (
        "comments/a/1.md",
        "\n".join(line for line in comment(1).split("\n") if not line.startswith("Approved-At")),
        "missing Approved-At",
    ),
    ("comments/a/1.md", comment(1, author=""), "no author name"),
    ("comments/a/1.md", comment(1, author="jane@mail.example"), "name.email"),
    ("comments/a/1.md", comment(1, author="<b onmouseover=alert(1)>Eve</b>"), "name.invalid"),
    ("comments/a/1.md", comment(1, url=""), "no blog link"),
    ("comments/a/1.md", comment(1, url="https://www.linkedin.com/in/jane"), "link.social"),
    ("comments/a/1.md", comment(1, url="javascript:alert(1)"), "link.scheme"),
    ("comments/gone/1.md", comment(1, article="gone"), "no article with the slug 'gone'"),
    ("comments/a/1.md", comment(1, article="b"), "does not match the folder 'a'"),
    ("comments/a/2.md", comment(1), "Id 1 does not match the file name"),
    ("comments/1.md", comment(1), "not inside an article folder"),
]


@pytest.mark.parametrize(
    ("path", "text", "reason"),
    HELD_BACK,
    ids=[
        "unparseable",
        "no-approved-by",
        "no-approved-at",
        "no-name",
        "name-is-an-email",
        "name-is-markup",
        "no-link",
        "link-is-a-social-profile",
        "link-is-javascript",
        "no-such-article",
        "article-header-differs-from-folder",
        "id-differs-from-file-name",
        "outside-an-article-folder",
    ],
)
def test_a_comment_that_fails_a_rule_is_held_back_with_one_warning(
    make_site, path: str, text: str, reason: str
) -> None:
    site = files(a__9=comment(9, minute=30))
    site[path] = text
    build = make_site(site, **PLUGIN)
    assert thread_shape(parse(build.page("posts/a"))) == [9]
    assert thread_shape(parse(build.page("posts/b"))) == []
    warnings = skipped(build)
    assert len(warnings) == 1
    assert path in warnings[0] and reason in warnings[0]


def test_a_name_held_only_on_judgment_is_published_once_a_moderator_approved_it(
    make_site,
) -> None:
    build = make_site(
        files(a__1=comment(1, author="Teller")), COMMENTS_REQUIRE_FULL_NAME=True, **PLUGIN
    )
    assert thread_shape(parse(build.page("posts/a"))) == [1]
    assert not skipped(build)


HOSTILE_BODY = """<script>alert(1)</script>

[x](javascript:alert(1)) and <img src=x onerror=alert(1)>

<a href="javascript:alert(2)" onclick="alert(3)">click</a>
"""


def test_hostile_markup_in_a_comment_is_inert_on_the_page(make_site) -> None:
    build = make_site(
        files(
            a__1=comment(1, body=HOSTILE_BODY, url="https://eve.example/x'onmouseover='alert(1)")
        ),
        **PLUGIN,
    )
    document = parse(build.page("posts/a"))
    assert thread_shape(document) == [1]
    section = next(e for e in document.iter("section") if e.get("id") == "comments")
    assert not list(section.iter("script")) and not list(section.iter("img"))
    for element in document.iter():
        assert not [name for name in element.attrib if name.lower().startswith("on")]
        assert not element.get("href", "").strip().lower().startswith("javascript:")
    visible = document.text_of(section)
    assert "<script>alert(1)</script>" in visible
    author_links = [a for a in section.iter("a") if a.get("class") == "comment__author"]
    assert author_links[0].get("href") == "https://eve.example/x'onmouseover='alert(1)"


def test_feeds_parse_and_carry_the_comments_with_absolute_links(make_site) -> None:
    build = make_site(
        files(
            a__1=comment(1),
            a__2=comment(2, minute=5, reply_to=1),
            b__3=comment(3, article="b", minute=10),
        ),
        **PLUGIN,
    )
    site = ElementTree.parse(build.output / "feeds/comments.atom.xml").getroot()
    entries = site.findall(f"{ATOM}entry")
    origin = build.settings["FEED_DOMAIN"]
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        f"{origin}/posts/b/#comment-3",
        f"{origin}/posts/a/#comment-2",
        f"{origin}/posts/a/#comment-1",
    ]
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == 3 and all(i.startswith("tag:") for i in ids)
    assert "<em>comment</em>" in entries[0].find(f"{ATOM}content").text
    article_feed = ElementTree.parse(build.output / "feeds/comments/a.atom.xml").getroot()
    assert len(article_feed.findall(f"{ATOM}entry")) == 2


def test_every_article_links_its_own_comment_feed_even_before_any_comment(make_site) -> None:
    build = make_site(files(a__1=comment(1)), **PLUGIN)
    document = parse(build.page("posts/b"))
    feeds = [
        link.get("href")
        for link in document.find_all("link", rel="alternate")
        if "comments" in link.get("href", "")
    ]
    assert sorted(f.rsplit("/", 2)[-2:] for f in feeds) == [
        ["comments", "b.atom.xml"],
        ["feeds", "comments.atom.xml"],
    ]
    empty = ElementTree.parse(build.output / "feeds/comments/b.atom.xml").getroot()
    assert empty.findall(f"{ATOM}entry") == []


def test_json_ld_counts_and_lists_the_comments_as_plain_text(make_site) -> None:
    build = make_site(
        files(
            a__1=comment(1, body="<b>bold</b> and **strong**"),
            a__2=comment(2, minute=5, reply_to=1),
        ),
        **PLUGIN,
    )
    data = jsonld(parse(build.page("posts/a")))
    assert data["commentCount"] == 2
    first, reply = data["comment"]
    assert first["@type"] == "Comment"
    assert first["author"] == {
        "@type": "Person",
        "name": "Jane Smith",
        "url": "https://jane.example/",
    }
    assert first["text"] == "<b>bold</b> and strong"
    assert first["url"].endswith("/posts/a/#comment-1")
    assert reply["parentItem"] == {"@id": first["url"]}
    assert jsonld(parse(build.page("posts/b")))["commentCount"] == 0


def test_list_pages_show_each_articles_comment_count(make_site) -> None:
    build = make_site(files(a__1=comment(1), a__2=comment(2, minute=5, reply_to=1)), **PLUGIN)
    for page in ("index.html", "category/networking"):
        document = parse(build.page(page))
        counts = [
            document.text_of(a)
            for a in document.iter("a")
            if a.get("href", "").endswith("#comments")
        ]
        assert counts == ["2 comments"], page


def _build_again(first: Build, **override: object) -> Build:
    """Rebuild the same content folder into the same output, with the same cache folder."""
    return build_site(first.output.parent / "content", first.output, **override)


def _clean_build(first: Build, tmp_path: Path, **override: object) -> Build:
    """Build a copy of the same content from scratch, in a folder of its own, no cache."""
    content = tmp_path / "clean" / "content"
    shutil.copytree(first.output.parent / "content", content)
    return build_site(content, tmp_path / "clean" / "output", **PLUGIN, **override)


@pytest.mark.parametrize("layer", ["reader", "generator"])
def test_with_content_caching_a_new_comment_shows_on_the_next_build(
    make_site, tmp_path: Path, layer: str
) -> None:
    caching = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CONTENT_CACHING_LAYER": layer}
    first = make_site(files(a__1=comment(1)), **caching, **PLUGIN)
    pelican_cache = {"reader": "ArticlesGenerator-Readers", "generator": "ArticlesGenerator"}
    assert (first.output.parent / f"{first.output.name}-cache" / pelican_cache[layer]).is_file()
    new = first.output.parent / "content/comments/a/2.md"
    new.write_text(comment(2, minute=5, reply_to=1), encoding="utf-8")
    cached = _build_again(first, **caching, **PLUGIN)
    clean = _clean_build(first, tmp_path)
    pages = ("posts/a/index.html", "index.html", "feeds/comments/a.atom.xml")
    for page in (*pages, "feeds/comments.atom.xml"):
        assert (cached.output / page).read_bytes() == (clean.output / page).read_bytes(), page
    assert thread_shape(parse(cached.page("posts/a"))) == [1, [2]]


def test_with_the_render_cache_an_edited_or_removed_comment_changes_the_page(make_site) -> None:
    caching = CACHING
    first = make_site(files(a__1=comment(1), a__2=comment(2, minute=5)), **caching, **PLUGIN)
    folder = first.output.parent / "content/comments/a"
    (folder / "1.md").write_text(comment(1, body="Edited."), encoding="utf-8")
    (folder / "2.md").unlink()
    document = parse(_build_again(first, **caching, **PLUGIN).page("posts/a"))
    assert thread_shape(document) == [1]
    assert "Edited." in document.text_of(document.root)
    assert "thoughtful" not in document.text_of(document.root)


def test_with_the_render_cache_a_stricter_link_rule_holds_back_a_published_comment(
    make_site,
) -> None:
    caching = CACHING
    first = make_site(files(a__1=comment(1)), **caching, **PLUGIN)
    assert thread_shape(parse(first.page("posts/a"))) == [1]
    stricter = _build_again(
        first, COMMENTS_BLOCKED_LINK_DOMAINS=["jane.example"], **caching, **PLUGIN
    )
    assert thread_shape(parse(stricter.page("posts/a"))) == []
    assert "link.blocked-domain" in skipped(stricter)[0]


def test_with_caching_a_comment_feed_missing_from_the_output_is_written_again(make_site) -> None:
    caching = CACHING
    first = make_site(files(a__1=comment(1)), **caching, **PLUGIN)
    feed = first.output / "feeds/comments/a.atom.xml"
    written = feed.read_bytes()
    feed.unlink()
    _build_again(first, **caching, **PLUGIN)
    assert feed.read_bytes() == written


def _override(tmp_path: Path, name: str, edit: tuple[str, str]) -> list[str]:
    """A templates folder holding a `_comments.html` with one edit."""
    folder = tmp_path / name
    folder.mkdir()
    text = COMMENTS_TEMPLATE.read_text(encoding="utf-8")
    assert edit[0] in text
    (folder / "_comments.html").write_text(text.replace(*edit, 1), encoding="utf-8")
    return [str(folder)]


def test_a_cached_build_renders_the_comments_again_when_their_template_changes(
    make_site, tmp_path: Path
) -> None:
    first = make_site(files(a__1=comment(1)), **CACHING, **PLUGIN)
    assert "comment__actions" in first.page("posts/a").read_text(encoding="utf-8")
    edited = _override(tmp_path, "edited", ('<p class="comment__actions">', '<p class="x">'))
    cached = _build_again(first, THEME_TEMPLATES_OVERRIDES=edited, **CACHING, **PLUGIN)
    clean = _clean_build(first, tmp_path, THEME_TEMPLATES_OVERRIDES=edited)
    for page in ("posts/a/index.html", "posts/b/index.html"):
        assert (cached.output / page).read_bytes() == (clean.output / page).read_bytes(), page
    assert '<p class="x">' in cached.page("posts/a").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "read"),
    [
        (("<h2 ", '<a href="{{ SITEURL }}/">home</a><h2 '), "SITEURL"),
        (("<h2 ", "<p>{{ article.title }}</p><h2 "), "article.title"),
    ],
    ids=["siteurl", "article-title"],
)
def test_a_comment_template_that_reads_page_values_is_rendered_with_each_page(
    make_site, tmp_path: Path, edit: tuple[str, str], read: str
) -> None:
    overrides = _override(tmp_path, "per-page", edit)
    build = make_site(
        files(a__1=comment(1)), THEME_TEMPLATES_OVERRIDES=overrides, **CACHING, **PLUGIN
    )
    notes = [m for m in build.messages if "differs from page to page" in m]
    assert len(notes) == 1 and read in notes[0]
    page = build.page("posts/a").read_text(encoding="utf-8")
    assert '<a href="../../">home</a>' in page if read == "SITEURL" else "<p>Post a</p>" in page
    assert thread_shape(parse(build.page("posts/a"))) == [1]


@pytest.mark.parametrize(
    "setting",
    [
        {"COMMENTS_THREAD_DEPTH": 1},
        {"TIMEZONE": "Asia/Tokyo"},
        {"ARTICLE_URL": "articles/{slug}.html", "ARTICLE_SAVE_AS": "articles/{slug}.html"},
        {"DEFAULT_DATE_FORMAT": "%Y-%m-%d"},
    ],
    ids=["thread-depth", "timezone", "article-url", "date-format"],
)
def test_a_cached_build_after_a_settings_change_equals_a_clean_build(
    make_site, tmp_path: Path, setting: dict[str, object]
) -> None:
    site = files(a__1=comment(1), a__2=comment(2, minute=5, reply_to=1), b__3=comment(3, "b"))
    first = make_site(site, **CACHING, **PLUGIN)
    cached = _build_again(first, **setting, **CACHING, **PLUGIN)
    clean = _clean_build(first, tmp_path, **setting)
    pages = [p.relative_to(clean.output) for p in clean.output.rglob("*.html")]
    feeds = [p.relative_to(clean.output) for p in (clean.output / "feeds").rglob("*.xml")]
    assert pages and feeds
    for page in (*pages, *feeds):
        assert (cached.output / page).read_bytes() == (clean.output / page).read_bytes(), page


def test_the_json_ld_is_exactly_what_tojson_writes_for_the_whole_object(make_site) -> None:
    body = "</script><script>alert('x')</script> & <b>more</b>"
    build = make_site(
        files(a__1=comment(1, body=body), a__2=comment(2, minute=5, reply_to=1)), **PLUGIN
    )
    scripts = parse(build.page("posts/a")).find_all("script", type="application/ld+json")
    text = scripts[0].text or ""
    assert "</script" not in text and "'" not in text
    assert text == str(htmlsafe_json_dumps(json.loads(text), sort_keys=True))


def test_comments_can_live_in_a_nested_folder(make_site) -> None:
    site = dict(POSTS)
    site["data/comments/a/1.md"] = comment(1)
    site["data/comments/a/2.md"] = comment(2, approved_by="")
    build = make_site(site, COMMENTS_PATH="data/comments", **PLUGIN)
    assert thread_shape(parse(build.page("posts/a"))) == [1]
    assert skipped(build) == [
        "comments: skipped data/comments/a/2.md: no approval record (Approved-By is empty)"
    ]
