"""The test blog, built by Pelican with our theme and plugins: every page there and sound.

The content is the tests' own (tests/fixturesite.py): these check the theme and plugins, and
nothing an author writes in content/ can make them fail.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from builds import Build
from fixturesite import PAGES, POSTS, Post
from sitecheck import (
    broken_links,
    invalid_pages,
    missing_landmarks,
    parse,
    resolve,
    stylesheet_loads,
    third_party_loads,
)

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def site_url(build: Build, slug: str, kind: str) -> str:
    return (
        f"{build.settings['CANONICAL_SITEURL']}/{build.settings[f'{kind}_URL'].format(slug=slug)}"
    )


def same_title(a: str, b: str) -> bool:
    """Equal once typographic quotes (Markdown's smarty extension) are made plain."""
    plain = str.maketrans({"’": "'", "“": '"', "”": '"'})
    return a.translate(plain) == b.translate(plain)


def test_build_logs_no_warnings(site: Build) -> None:
    assert site.messages == []


@pytest.mark.parametrize("post", POSTS, ids=lambda p: p.slug)
def test_every_post_is_written_with_its_title(site: Build, post: Post) -> None:
    document = parse(site.page(f"posts/{post.slug}"))
    headings = [document.text_of(h) for h in document.iter("h1")]
    assert any(same_title(h, post.title) for h in headings), headings


@pytest.mark.parametrize("slug", PAGES)
def test_every_page_is_written_with_its_title(site: Build, slug: str) -> None:
    document = parse(site.page(slug))
    headings = [document.text_of(h) for h in document.iter("h1")]
    assert PAGES[slug][0] in headings


def test_every_page_is_valid_html5(site: Build) -> None:
    assert invalid_pages(site.output) == {}


def test_no_internal_link_or_asset_is_broken(site: Build) -> None:
    assert broken_links(site.output) == []


def test_stylesheet_references_only_local_files(site: Build) -> None:
    assert stylesheet_loads(site.output) == []


def test_no_page_loads_anything_from_another_host(site: Build) -> None:
    own_host = urlsplit(site.settings["CANONICAL_SITEURL"]).netloc
    assert third_party_loads(site.output, own_host) == []


def test_the_load_check_sees_a_third_party_script(tmp_path: Path) -> None:
    """The check above can fail: a page that loads a script from elsewhere is reported."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title>'
        '<link rel="stylesheet" href="https://cdn.example/x.css">'
        '<script src="https://tracker.example/t.js"></script></head>'
        '<body><a href="https://friend.example/">a friend</a></body></html>'
    )
    assert third_party_loads(tmp_path, "blog.example") == [
        "index.html: <link> https://cdn.example/x.css",
        "index.html: <script> https://tracker.example/t.js",
    ]


def test_author_links_and_click_to_load_videos_stay_links(site: Build) -> None:
    document = parse(site.page("posts/coffee-meal-beer-rule"))
    assert "https://guides.example.org/coffee" in {a.get("href") for a in document.iter("a")}
    video = parse(site.page("posts/recruiters-leave-the-desk"))
    assert [e for e in video.iter() if e.get("data-embed-src")], "the video is click-to-load"
    assert not list(video.iter("iframe"))


def test_atom_and_rss_feeds_parse_and_list_every_post(site: Build) -> None:
    newest = sorted(POSTS, key=lambda p: p.date, reverse=True)[: site.settings["FEED_MAX_ITEMS"]]
    expected = {site_url(site, post.slug, "ARTICLE") for post in newest}
    atom = ElementTree.parse(site.output / site.settings["FEED_ALL_ATOM"]).getroot()
    atom_links = {e.find(f"{ATOM}link").get("href") for e in atom.iter(f"{ATOM}entry")}
    rss = ElementTree.parse(site.output / site.settings["FEED_ALL_RSS"]).getroot()
    rss_links = {item.findtext("link") for item in rss.iter("item")}
    assert atom_links == expected
    assert rss_links == expected


def test_sitemap_parses_and_lists_every_post_and_page(site: Build) -> None:
    root = ElementTree.parse(site.output / "sitemap.xml").getroot()
    listed = {loc.text.strip() for loc in root.iter(f"{SITEMAP}loc")}
    expected = {site_url(site, post.slug, "ARTICLE") for post in POSTS}
    expected |= {site_url(site, slug, "PAGE") for slug in PAGES}
    assert expected <= listed
    for url in listed:
        target = resolve(site.output, site.output / "index.html", urlsplit(url).path)
        assert target is not None and target.is_file(), url


@pytest.mark.parametrize("post", POSTS, ids=lambda p: p.slug)
def test_article_has_canonical_social_meta_and_jsonld(site: Build, post: Post) -> None:
    document = parse(site.page(f"posts/{post.slug}"))
    canonical = [e.get("href") for e in document.find_all("link", rel="canonical")]
    assert canonical == [site_url(site, post.slug, "ARTICLE")]
    meta = {e.get("property") or e.get("name"): e.get("content") for e in document.iter("meta")}
    assert meta["og:type"] == "article"
    assert meta["og:url"] == canonical[0]
    assert meta["og:title"] and meta["twitter:card"]
    scripts = document.find_all("script", type="application/ld+json")
    posting = json.loads(scripts[0].text)
    assert posting["@type"] == "BlogPosting"
    assert same_title(posting["headline"], post.title)
    assert posting["datePublished"].startswith(post.date[:10])


@pytest.mark.parametrize("post", POSTS, ids=lambda p: p.slug)
def test_article_shows_reading_time_and_comment_form(site: Build, post: Post) -> None:
    document = parse(site.page(f"posts/{post.slug}"))
    text = document.text_of(document.root)
    minutes = re.search(r"(\d+) min read", text)
    assert minutes and int(minutes.group(1)) >= max(1, math.floor(post.words / 220))
    form = document.find_all("form", id="comment-form")[0]
    assert form.get("action") == site.settings["COMMENTS_API_URL"]
    fields = {e.get("name") for e in form.iter() if e.get("name")}
    assert {"article", "name", "url", "email", "body", "reply_to"} <= fields
    article_field = next(e for e in form.iter("input") if e.get("name") == "article")
    assert article_field.get("value") == post.slug
    labelled = {e.get("for") for e in form.iter("label")}
    required = {e.get("id") for e in form.iter() if e.get("name") in {"name", "url", "body"}}
    assert required <= labelled


def test_articles_link_to_older_and_newer_neighbours(site: Build) -> None:
    dated = sorted(POSTS, key=lambda p: p.date)
    middle = len(dated) // 2
    document = parse(site.page(f"posts/{dated[middle].slug}"))
    hrefs = {a.get("href") for a in document.iter("a")}
    for neighbour in (dated[middle - 1], dated[middle + 1]):
        assert any(h and h.endswith(f"posts/{neighbour.slug}/") for h in hrefs)


def test_pages_have_landmarks_skip_link_and_language(site: Build) -> None:
    assert missing_landmarks(site.output) == []


def test_index_is_paginated(site: Build) -> None:
    per_page = site.settings["DEFAULT_PAGINATION"]
    pages = math.ceil(len(POSTS) / per_page)
    assert pages >= 2, "the test blog must be long enough to paginate"
    assert (site.output / "index.html").is_file()
    for number in range(2, pages + 1):
        assert (site.output / f"page/{number}/index.html").is_file()
    listed = len(parse(site.output / "index.html").find_all("article"))
    assert listed == min(per_page, len(POSTS))
