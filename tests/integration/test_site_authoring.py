"""The author's own blog: what the real content/ must satisfy is only what software guarantees.

An author writes short posts, publishes comments that link to other people's blogs, renames
and deletes posts: none of that may turn CI red. So the real content is checked only for what
the theme and plugins promise whatever is written, on a copy with the kind of change an author
makes every week.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from builds import CONTENT, build_site
from sitecheck import parse, site_problems

from moderation.commentfile import PublishedComment, write

SHORT_POST = """Title: Sixty Words on Thank-You Notes
Date: 2026-11-30 09:00
Category: Job search
Tags: follow-up
Slug: sixty-words-on-thank-you-notes
Summary: A short one.

{words}
"""


@pytest.mark.slow
def test_ordinary_authoring_keeps_the_site_checks_green(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    words = " ".join(["Send the note the same day, and name one thing you learned."] * 5)
    (content / "posts" / "sixty-words.md").write_text(SHORT_POST.format(words=words))
    published = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    write(
        content / "comments",
        PublishedComment(
            id=900001,
            article="sixty-words-on-thank-you-notes",
            author="Grace Hopper",
            url="https://grace.example.net/blog/",
            date=published,
            body="A note the same day got me my last two interviews. Thank you for this.",
            approved_by="robin",
            approved_at=published,
        ),
    )
    build = build_site(content, tmp_path / "output")

    own_host = urlsplit(build.settings["CANONICAL_SITEURL"]).netloc
    assert site_problems(build.output, own_host) == []
    page = parse(build.page("posts/sixty-words-on-thank-you-notes"))
    assert "comment-900001" in page.ids
    assert "https://grace.example.net/blog/" in {a.get("href") for a in page.iter("a")}


@pytest.mark.slow
def test_the_real_blog_builds_without_errors(tmp_path: Path) -> None:
    build = build_site(CONTENT, tmp_path / "output")
    assert build.errors == []
    assert (build.output / "index.html").is_file()
