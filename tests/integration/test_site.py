"""The real blog, built by Pelican with our theme and plugins: every page there and sound."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from builds import CONTENT, Build
from sitecheck import html_files, parse, resolve

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
POSTS = sorted((CONTENT / "posts").glob("*.md"))
PAGES = sorted((CONTENT / "pages").glob("*.md"))


def metadata(source: Path) -> dict[str, str]:
    head = source.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return dict(
        (key.strip().lower(), value.strip())
        for key, value in (line.split(":", 1) for line in head.splitlines() if ":" in line)
    )


def body_words(source: Path) -> int:
    return len(source.read_text(encoding="utf-8").split("\n\n", 1)[1].split())


def site_url(build: Build, source: Path, kind: str) -> str:
    pattern = build.settings[f"{kind}_URL"]
    return f"{build.settings['CANONICAL_SITEURL']}/{pattern.format(slug=metadata(source)['slug'])}"


def test_the_blog_has_at_least_eight_posts_and_both_pages() -> None:
    assert len(POSTS) >= 8
    assert {metadata(p)["slug"] for p in PAGES} >= {"about", "comment-policy"}


@pytest.mark.parametrize("source", POSTS, ids=lambda p: p.stem)
def test_post_has_metadata_and_400_words(source: Path) -> None:
    meta = metadata(source)
    assert {"title", "date", "category", "tags", "slug", "summary"} <= meta.keys()
    assert body_words(source) >= 400


def test_build_logs_no_warnings(site: Build) -> None:
    assert site.messages == []


@pytest.mark.parametrize("source", POSTS + PAGES, ids=lambda p: p.stem)
def test_every_post_and_page_is_written(site: Build, source: Path) -> None:
    kind = "posts" if source in POSTS else ""
    page = site.page(f"{kind}/{metadata(source)['slug']}".lstrip("/"))
    document = parse(page)
    headings = [document.text_of(h) for h in document.iter("h1")]
    assert metadata(source)["title"].replace("'", "’") in {h.replace("'", "’") for h in headings}


def test_every_page_is_valid_html5(site: Build) -> None:
    problems = {
        str(p.relative_to(site.output)): parse(p).errors
        for p in html_files(site.output)
        if parse(p).errors
    }
    assert problems == {}


def test_no_internal_link_or_asset_is_broken(site: Build) -> None:
    broken = []
    for page in html_files(site.output):
        document = parse(page)
        for element in document.iter():
            for attribute in ("href", "src"):
                url = element.get(attribute)
                if url is None or (element.tag == "form"):
                    continue
                target = resolve(site.output, page, url)
                if target is not None and not target.is_file():
                    broken.append(f"{page.relative_to(site.output)}: {url}")
                fragment = urlsplit(url).fragment
                same_page = target == page.resolve() or url.startswith("#")
                if same_page and fragment and fragment not in document.ids:
                    broken.append(f"{page.relative_to(site.output)}: #{fragment}")
    assert broken == []


def test_stylesheet_references_only_local_files(site: Build) -> None:
    for css in site.output.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            assert not urlsplit(url).scheme or url.startswith("data:"), (css, url)


# Attributes through which a page links to, or loads, another address.
URL_ATTRIBUTES = {
    "href", "src", "srcset", "poster", "data", "action", "formaction", "content", "cite",
    "ping", "background", "data-embed-src",
}  # fmt: skip


def author_written_urls() -> set[str]:
    return {
        url.rstrip("/")
        for source in POSTS + PAGES
        for url in re.findall(r"https?://[^\s)\]>\"']+", source.read_text(encoding="utf-8"))
    }


def test_no_page_references_an_external_host_except_author_links(site: Build) -> None:
    own_host = urlsplit(site.settings["CANONICAL_SITEURL"]).netloc
    allowed_links = author_written_urls()
    offending = []
    for page in html_files(site.output):
        document = parse(page)
        embeds = {id(e) for f in document.find_all("figure") for e in f.iter()}
        for element in document.iter():
            for attribute, value in element.attrib.items():
                if attribute not in URL_ATTRIBUTES:
                    continue
                host = urlsplit(value.strip()).netloc if "://" in value else ""
                if not host or host == own_host:
                    continue
                is_author_link = element.tag == "a" and attribute == "href"
                if is_author_link and (value.rstrip("/") in allowed_links or id(element) in embeds):
                    continue
                if attribute == "data-embed-src" and id(element) in embeds:
                    continue  # loaded only when the reader clicks
                where = page.relative_to(site.output)
                offending.append(f"{where}: <{element.tag} {attribute}={value}>")
    assert offending == []


def test_atom_and_rss_feeds_parse_and_list_every_post(site: Build) -> None:
    expected = {site_url(site, source, "ARTICLE") for source in POSTS}
    atom = ElementTree.parse(site.output / site.settings["FEED_ALL_ATOM"]).getroot()
    atom_links = {e.find(f"{ATOM}link").get("href") for e in atom.iter(f"{ATOM}entry")}
    rss = ElementTree.parse(site.output / site.settings["FEED_ALL_RSS"]).getroot()
    rss_links = {item.findtext("link") for item in rss.iter("item")}
    assert atom_links == expected
    assert rss_links == expected


def test_sitemap_parses_and_lists_every_post_and_page(site: Build) -> None:
    root = ElementTree.parse(site.output / "sitemap.xml").getroot()
    listed = {loc.text.strip() for loc in root.iter(f"{SITEMAP}loc")}
    expected = {site_url(site, s, "ARTICLE") for s in POSTS}
    expected |= {site_url(site, s, "PAGE") for s in PAGES}
    assert expected <= listed
    for url in listed:
        target = resolve(site.output, site.output / "index.html", urlsplit(url).path)
        assert target is not None and target.is_file(), url


@pytest.mark.parametrize("source", POSTS, ids=lambda p: p.stem)
def test_article_has_canonical_social_meta_and_jsonld(site: Build, source: Path) -> None:
    document = parse(site.page(f"posts/{metadata(source)['slug']}"))
    canonical = [e.get("href") for e in document.find_all("link", rel="canonical")]
    assert canonical == [site_url(site, source, "ARTICLE")]
    meta = {e.get("property") or e.get("name"): e.get("content") for e in document.iter("meta")}
    assert meta["og:type"] == "article"
    assert meta["og:url"] == canonical[0]
    assert meta["og:title"] and meta["twitter:card"]
    scripts = document.find_all("script", type="application/ld+json")
    posting = json.loads(scripts[0].text)
    assert posting["@type"] == "BlogPosting"
    assert posting["headline"].replace("'", "’") == metadata(source)["title"].replace("'", "’")
    assert posting["datePublished"].startswith(metadata(source)["date"][:10])


@pytest.mark.parametrize("source", POSTS, ids=lambda p: p.stem)
def test_article_shows_reading_time_and_comment_form(site: Build, source: Path) -> None:
    document = parse(site.page(f"posts/{metadata(source)['slug']}"))
    text = document.text_of(document.root)
    minutes = re.search(r"(\d+) min read", text)
    assert minutes and int(minutes.group(1)) >= math.floor(body_words(source) / 220)
    form = document.find_all("form", id="comment-form")[0]
    assert form.get("action") == site.settings["COMMENTS_API_URL"]
    fields = {e.get("name") for e in form.iter() if e.get("name")}
    assert {"article", "name", "url", "email", "body", "reply_to"} <= fields
    article_field = next(e for e in form.iter("input") if e.get("name") == "article")
    assert article_field.get("value") == metadata(source)["slug"]
    labelled = {e.get("for") for e in form.iter("label")}
    required = {e.get("id") for e in form.iter() if e.get("name") in {"name", "url", "body"}}
    assert required <= labelled


def test_articles_link_to_older_and_newer_neighbours(site: Build) -> None:
    dated = sorted(POSTS, key=lambda p: metadata(p)["date"])
    middle = dated[len(dated) // 2]
    document = parse(site.page(f"posts/{metadata(middle)['slug']}"))
    hrefs = {a.get("href") for a in document.iter("a")}
    neighbours = [dated[len(dated) // 2 - 1], dated[len(dated) // 2 + 1]]
    for neighbour in neighbours:
        assert any(h and h.endswith(f"posts/{metadata(neighbour)['slug']}/") for h in hrefs)


def test_pages_have_landmarks_skip_link_and_language(site: Build) -> None:
    for page in html_files(site.output):
        document = parse(page)
        assert document.root.get("lang"), page
        first_link = next(document.iter("a"))
        assert first_link.get("href") == "#main", page
        assert document.find_all("main", id="main"), page
        assert list(document.iter("header")) and list(document.iter("footer")), page
        assert all(img.get("alt") is not None for img in document.iter("img")), page


def test_index_is_paginated(site: Build) -> None:
    per_page = site.settings["DEFAULT_PAGINATION"]
    pages = math.ceil(len(POSTS) / per_page)
    assert (site.output / "index.html").is_file()
    for number in range(2, pages + 1):
        assert (site.output / f"page/{number}/index.html").is_file()
    listed = len(parse(site.output / "index.html").find_all("article"))
    assert listed == min(per_page, len(POSTS))
