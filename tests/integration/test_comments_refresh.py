"""The plugin's API for a process that keeps a build in memory: refresh, then write only that.

`refresh_comments` must leave the articles as a fresh build attaches them, and the pages and
feeds written from them must be those of a full build, byte for byte.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import comments as plugin
import pytest
from builds import build_site
from commentfiles import CACHING, comment
from pelican import signals
from pelican.generators import ArticlesGenerator
from pelican.writers import Writer
from sitecheck import parse

POST = """Title: Post {slug}
Date: 2025-01-0{day} 10:00
Category: Networking
Tags: coffee
Slug: {slug}
Summary: About {slug}.

Some words about {slug}.
"""


@contextmanager
def kept_generator() -> Iterator[list[ArticlesGenerator]]:
    """The ArticlesGenerator of the builds run inside, as a long-running renderer keeps it."""
    found: list[ArticlesGenerator] = []

    def keep(generators: list[object]) -> None:
        found.extend(g for g in generators if isinstance(g, ArticlesGenerator))

    signals.all_generators_finalized.connect(keep)
    try:
        yield found
    finally:
        signals.all_generators_finalized.disconnect(keep)


class Site:
    """A small site, built once in this process, with its generator kept."""

    def __init__(self, root: Path, **override: object) -> None:
        self.content = root / "content"
        self.output = root / "output"
        self.override = {**CACHING, **override}
        for slug, day in (("a", 1), ("b", 2)):
            self.write(f"posts/{slug}.md", POST.format(slug=slug, day=day))
        (self.content / "pages").mkdir(parents=True, exist_ok=True)
        self.write("comments/a/1.md", comment(1))
        self.write("comments/a/2.md", comment(2, minute=5, reply_to=1))
        self.write("comments/b/3.md", comment(3, article="b", minute=10))
        with kept_generator() as found:
            self.build = build_site(self.content, self.output, **self.override)
        self.generator = found[0]

    def write(self, relative: str, text: str) -> Path:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def rewrite_pages(self) -> None:
        """What the long-running renderer does after a refresh, here simply for every page the
        generator writes, then the comment feeds."""
        writer = Writer(str(self.output), self.generator.settings)
        self.generator.generate_pages(writer)

    def fresh(self, root: Path) -> tuple[Path, ArticlesGenerator]:
        """A full build of the same content now, with no cache: the reference."""
        content = root / "content"
        shutil.copytree(self.content, content)
        output = root / "output"
        with kept_generator() as found:
            build_site(content, output, **{**self.override, "LOAD_CONTENT_CACHE": False})
        return output, found[0]


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "kept")


def by_slug(generator: ArticlesGenerator) -> dict[str, object]:
    return {a.slug: a for a in generator.articles}


def attributes(article: object) -> dict[str, object]:
    """Every comment attribute of an article, the thread as ids and shape."""
    values = {name: getattr(article, name) for name in plugin.COMMENT_ATTRIBUTES}
    values["comments"] = shape(values["comments"])
    values["jsonld_comments"] = list(values["jsonld_comments"])
    return values


def shape(top: object) -> list[object]:
    out: list[object] = []
    for node in top:  # type: ignore[attr-defined]
        out.append((node.id, node.depth, node.flattened, node.parent and node.parent.id))
        if node.replies:
            out.append(shape(node.replies))
    return out


def differing(left: Path, right: Path) -> list[str]:
    """Files that differ between two output trees, or exist in one only."""
    names = {str(p.relative_to(left)) for p in left.rglob("*") if p.is_file()}
    names |= {str(p.relative_to(right)) for p in right.rglob("*") if p.is_file()}
    return sorted(
        n
        for n in names
        if not (left / n).is_file()
        or not (right / n).is_file()
        or (left / n).read_bytes() != (right / n).read_bytes()
    )


def test_every_attribute_attach_sets_is_in_comment_attributes(site: Site) -> None:
    article = by_slug(site.generator)["a"]
    for name in plugin.COMMENT_ATTRIBUTES:
        vars(article).pop(name, None)
    before = set(vars(article))
    plugin.attach_comments(site.generator)
    assert set(vars(article)) - before == plugin.COMMENT_ATTRIBUTES


def test_refresh_with_nothing_changed_changes_nothing(site: Site, caplog) -> None:
    before = {slug: attributes(a) for slug, a in by_slug(site.generator).items()}
    with caplog.at_level(logging.WARNING):
        assert plugin.refresh_comments(site.generator) == set()
    assert {slug: attributes(a) for slug, a in by_slug(site.generator).items()} == before
    assert not caplog.records


def test_refresh_does_not_count_a_touched_but_unchanged_file(site: Site) -> None:
    path = site.content / "comments/a/1.md"
    stamp = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(stamp, stamp))
    assert plugin.refresh_comments(site.generator) == set()


@pytest.mark.parametrize(
    ("change", "slugs"),
    [
        (lambda s: s.write("comments/a/4.md", comment(4, minute=30, reply_to=2)), {"a"}),
        (lambda s: s.write("comments/a/1.md", comment(1, body="Edited, **twice**.")), {"a"}),
        (lambda s: (s.content / "comments/a/2.md").unlink(), {"a"}),
        (lambda s: shutil.rmtree(s.content / "comments/b"), {"b"}),
        (lambda s: s.write("comments/b/3.md", comment(3, article="b", approved_by="")), {"b"}),
        (
            lambda s: (
                (s.content / "comments/a/2.md").unlink(),
                s.write("comments/b/2.md", comment(2, article="b", minute=5)),
            ),
            {"a", "b"},
        ),
    ],
    ids=["new", "edited", "removed", "folder-removed", "now-held-back", "moved"],
)
def test_refresh_reattaches_changed_articles_as_a_fresh_build_would(
    site: Site, tmp_path: Path, change, slugs: set[str]
) -> None:
    change(site)
    assert plugin.refresh_comments(site.generator) == slugs
    _, fresh = site.fresh(tmp_path / "fresh")
    kept, reference = by_slug(site.generator), by_slug(fresh)
    for slug in ("a", "b"):
        assert attributes(kept[slug]) == attributes(reference[slug]), slug
    assert plugin.refresh_comments(site.generator) == set()


def test_pages_and_feeds_written_after_a_refresh_are_those_of_a_full_build(
    site: Site, tmp_path: Path
) -> None:
    site.write("comments/a/4.md", comment(4, minute=30, reply_to=2, body="<script>x</script>"))
    (site.content / "comments/b/3.md").unlink()
    slugs = plugin.refresh_comments(site.generator)
    site.rewrite_pages()
    plugin.write_comment_feeds(site.generator, slugs)
    reference, _ = site.fresh(tmp_path / "fresh")
    assert differing(site.output, reference) == []
    document = parse(site.output / "posts/a/index.html")
    assert {"comment-1", "comment-2", "comment-4"} <= document.ids


def test_write_comment_feeds_writes_the_site_feed_and_only_the_named_articles(
    site: Site, tmp_path: Path
) -> None:
    feeds = site.output / "feeds"
    b_feed = feeds / "comments/b.atom.xml"
    b_feed.write_text("left alone", encoding="utf-8")
    site.write("comments/a/4.md", comment(4, minute=30))
    plugin.write_comment_feeds(site.generator, plugin.refresh_comments(site.generator))
    reference, _ = site.fresh(tmp_path / "fresh")
    for name in ("comments.atom.xml", "comments/a.atom.xml"):
        assert (feeds / name).read_bytes() == (reference / "feeds" / name).read_bytes(), name
    assert b_feed.read_text(encoding="utf-8") == "left alone"
    plugin.write_comment_feeds(site.generator)
    assert b_feed.read_bytes() == (reference / "feeds/comments/b.atom.xml").read_bytes()


def test_refresh_warns_once_about_a_new_held_back_file(site: Site, caplog, monkeypatch) -> None:
    # Pelican's loggers drop a message already logged in this process: count each one here.
    monkeypatch.setattr(logging.getLogger("comments"), "filters", [])
    site.write("comments/a/7.md", comment(7, author="jane@mail.example"))
    with caplog.at_level(logging.WARNING):
        assert plugin.refresh_comments(site.generator) == set()
        site.write("comments/a/8.md", comment(8, minute=40))
        assert plugin.refresh_comments(site.generator) == {"a"}
    warnings = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert warnings == ["comments: skipped comments/a/7.md: the author name fails name.email"]


def test_refresh_and_feeds_need_a_generator_that_attached_comments() -> None:
    untouched = SimpleNamespace(articles=[])  # what a generator is before attach_comments
    with pytest.raises(RuntimeError, match="attach_comments"):
        plugin.refresh_comments(untouched)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="attach_comments"):
        plugin.write_comment_feeds(untouched)  # type: ignore[arg-type]
