"""The live builder: one full build, then only the pages a comment changes; the same files as a
full Pelican build every time, whatever the templates show."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from builds import build_site
from servers import Project, make_project
from sitecheck import parse

from moderation import commentfile
from moderation.commentfile import PublishedComment
from moderation.livebuild.site import LiveSite
from moderation.livebuild.writer import write_if_changed
from moderation.model import Action
from moderation.publish import LiveBuilder

ARTICLE = "coffee-meal-beer-rule"
OTHER = "lonely-job-search"
# A theme override whose archives page shows every article's comment count: no rule in the
# builder knows about it, so only watching the templates can find that page.
ARCHIVES_WITH_COUNTS = """{% extends "!theme/archives.html" %}
{% block content %}{{ super() }}
<ul id="counts">{% for a in articles %}<li>{{ a.slug }}: {{ a.comment_count }}</li>{% endfor %}</ul>
{% endblock %}
"""


def published(id: int, article: str = ARTICLE, reply_to: int | None = None) -> PublishedComment:
    moment = datetime(2026, 5, 1, 9, tzinfo=UTC) + timedelta(minutes=id)
    return PublishedComment(
        id=id,
        article=article,
        author="Ada Lovelace",
        url="https://adalovelace.net/",
        date=moment,
        body=f"Comment number {id}, with *emphasis* and a [link](https://example.org/{id}).",
        approved_by="robin",
        approved_at=moment + timedelta(hours=1),
        reply_to=reply_to,
    )


def clean_build(project: Project, where: Path, **override: object) -> Path:
    """A fresh Pelican build of the project's content, with empty caches: the reference."""
    content = where / "content"
    shutil.copytree(project.content, content)
    return build_site(content, where / "output", **override).output


def differences(left: Path, right: Path) -> list[str]:
    """Relative paths that are missing on one side or hold other bytes."""

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    a, b = files(left), files(right)
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def shown(project: Project, slug: str) -> set[str]:
    ids = parse(project.article_page(slug)).ids
    return {i for i in ids if i.startswith("comment-") and i.removeprefix("comment-").isdigit()}


@pytest.fixture
def live(project: Project) -> LiveSite:
    return LiveSite(project.settings_file, project.content, project.output)


def test_the_first_refresh_is_a_full_build_with_pelicans_files(live, project, tmp_path) -> None:
    report = live.refresh()
    assert report.mode == "full" and not report.errors
    assert report.rendered > 20
    assert differences(project.output, clean_build(project, tmp_path / "ref")) == []


def test_a_refresh_with_nothing_new_writes_nothing(live, project) -> None:
    live.refresh()
    page = project.article_page(ARTICLE)
    before = page.stat().st_ino
    report = live.refresh()
    assert (report.mode, report.written, report.rendered) == ("unchanged", [], 0)
    assert page.stat().st_ino == before


def test_comments_added_replied_to_and_removed_give_a_full_builds_files(
    live, project, tmp_path
) -> None:
    live.refresh()
    steps = [
        lambda: commentfile.write(project.comments, published(1)),
        lambda: commentfile.write(project.comments, published(2, reply_to=1)),
        lambda: commentfile.write(project.comments, published(3, article=OTHER)),
        lambda: commentfile.remove(project.comments, ARTICLE, 1),
    ]
    for number, step in enumerate(steps):
        step()
        report = live.refresh()
        assert report.mode == "pages", number
        assert report.rendered < 15, number  # the article, its list pages: not the whole site
        reference = clean_build(project, tmp_path / f"ref-{number}")
        assert differences(project.output, reference) == [], number
    assert shown(project, ARTICLE) == {"comment-2"}
    assert shown(project, OTHER) == {"comment-3"}


def test_the_pages_rewritten_are_the_article_and_the_lists_that_count_its_comments(
    live, project
) -> None:
    live.refresh()
    commentfile.write(project.comments, published(1))
    written = set(live.refresh().written)
    assert f"posts/{ARTICLE}/index.html" in written
    assert "feeds/comments.atom.xml" not in written  # feeds are the plugin's, written apart
    lists = written - {f"posts/{ARTICLE}/index.html"}
    assert lists, "the index, category, tag and author pages show the count"
    for page in lists:
        assert f"posts/{ARTICLE}/#comments" in (project.output / page).read_text()
    feed = project.output / "feeds" / "comments.atom.xml"
    assert "Comment number 1" in feed.read_text()


def test_a_page_that_reads_comment_counts_is_found_without_being_named(tmp_path) -> None:
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "archives.html").write_text(ARCHIVES_WITH_COUNTS, encoding="utf-8")
    project = make_project(tmp_path / "blog", f"THEME_TEMPLATES_OVERRIDES = [{str(overrides)!r}]")
    live = LiveSite(project.settings_file, project.content, project.output)
    live.refresh()
    commentfile.write(project.comments, published(1))
    report = live.refresh()
    assert "archives/index.html" in report.written
    assert f"{ARTICLE}: 1" in (project.output / "archives/index.html").read_text()
    reference = clean_build(project, tmp_path / "ref", THEME_TEMPLATES_OVERRIDES=[str(overrides)])
    assert differences(project.output, reference) == []


def test_an_edited_post_makes_the_next_refresh_a_full_build(live, project) -> None:
    live.refresh()
    posts = (project.content / "posts").glob("*.md")
    post = next(p for p in posts if f"Slug: {ARTICLE}\n" in p.read_text())
    post.write_text(post.read_text() + "\nA sentence added later.\n", encoding="utf-8")
    commentfile.write(project.comments, published(1))
    report = live.refresh()
    assert report.mode == "full"
    page = project.article_page(ARTICLE).read_text()
    assert "A sentence added later." in page and "comment-1" in page


def test_a_replaced_output_folder_makes_the_next_refresh_a_full_build(live, project) -> None:
    live.refresh()
    shutil.rmtree(project.output)
    project.output.mkdir()
    commentfile.write(project.comments, published(1))
    assert live.refresh().mode == "full"
    assert (project.output / "index.html").is_file()


def test_files_are_replaced_whole_and_only_when_their_bytes_change(tmp_path) -> None:
    path = tmp_path / "page.html"
    assert write_if_changed(str(path), b"one") is True
    first = path.stat()
    assert write_if_changed(str(path), b"one") is False
    assert path.stat().st_ino == first.st_ino and path.stat().st_mtime_ns == first.st_mtime_ns
    assert write_if_changed(str(path), b"two") is True
    assert path.read_bytes() == b"two" and path.stat().st_ino != first.st_ino
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask  # readable by the web server
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_the_service_survives_its_builder_being_killed(project) -> None:
    builder = LiveBuilder(project.settings_file, project.content, project.output, timeout=120)
    try:
        builder.start()
        builder()
        commentfile.write(project.comments, published(1))
        builder()
        assert builder.last["mode"] == "pages"
        assert shown(project, ARTICLE) == {"comment-1"}
        first = builder.builder_pid()
        assert first is not None
        os.kill(first, signal.SIGKILL)
        commentfile.write(project.comments, published(2))
        builder()  # a new builder, whose first build publishes both
        assert shown(project, ARTICLE) == {"comment-1", "comment-2"}
        assert builder.builder_pid() not in (None, first)
    finally:
        builder.close()


def test_a_failed_build_is_reported_and_the_next_one_recovers(tmp_path) -> None:
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    broken = overrides / "article.html"
    broken.write_text("{% if %}", encoding="utf-8")
    project = make_project(tmp_path / "blog", f"THEME_TEMPLATES_OVERRIDES = [{str(overrides)!r}]")
    builder = LiveBuilder(project.settings_file, project.content, project.output, timeout=120)
    try:
        with pytest.raises(RuntimeError, match="TemplateSyntaxError"):
            builder()
        broken.unlink()
        commentfile.write(project.comments, published(1))
        builder()
        assert builder.last["mode"] == "full"
        assert shown(project, ARTICLE) == {"comment-1"}
    finally:
        builder.close()


def test_an_approval_in_the_service_reaches_the_article_page(project, start_service) -> None:
    live = start_service(rebuild=True, live=True)
    answer = httpx.post(
        f"{live.url}/api/comments",
        json={
            "article": ARTICLE,
            "name": "Ada Lovelace",
            "url": "https://adalovelace.net/",
            "email": "ada@adalovelace.net",
            "body": "The coffee rule works for me; I met two people this way.",
        },
        timeout=10,
    )
    assert answer.status_code == 202, answer.text
    comment_id = answer.json()["id"]
    live.service.decide(comment_id, Action.APPROVE, "robin")
    assert live.service.publisher.wait_idle(timeout=120)
    assert live.service.publisher.last_error == ""
    assert shown(project, ARTICLE) == {f"comment-{comment_id}"}
    page = httpx.get(f"{live.url}/posts/{ARTICLE}/", timeout=10)
    assert f'id="comment-{comment_id}"' in page.text


def test_a_comment_on_a_later_page_of_a_list_is_replayed_on_that_page_alone(
    live, project, tmp_path
) -> None:
    live.refresh()
    writer = live.built.writer
    later = next(
        slug
        for slug, pages in sorted(writer.readers.items())
        if any(writer.page_numbers.get(page, 1) > 1 for page in pages)
    )
    commentfile.write(project.comments, published(1, article=later))
    report = live.refresh()
    assert any(writer.page_numbers.get(page, 1) > 1 for page in report.written)
    assert report.rendered < 15
    assert differences(project.output, clean_build(project, tmp_path / "ref")) == []


def test_closing_waits_for_no_refresh_and_starts_no_other_builder(project) -> None:
    builder = LiveBuilder(project.settings_file, project.content, project.output, timeout=120)
    builder()
    pid = builder.builder_pid()
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # a builder busy for a long while (a big blog's full build)
    try:
        errors: list[str] = []

        def approve() -> None:
            try:
                builder()
            except RuntimeError as error:
                errors.append(str(error))

        waiting = threading.Thread(target=approve)
        waiting.start()
        time.sleep(0.5)
        closing = time.monotonic()
        builder.close()  # as the service stops
        waiting.join(timeout=10)
        assert not waiting.is_alive() and time.monotonic() - closing < 5
        assert errors == ["the service is stopping: the site is built next start"]
        assert builder.builder_pid() == pid
    finally:
        os.kill(pid, signal.SIGKILL)
