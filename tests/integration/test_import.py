"""`moderate import` on real, public export files (tests/data/imports/README.md): counts,
threading, statuses, dates, idempotency, comments whose post is not here, bad entries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from servers import Project, make_project

from moderation import commentfile
from moderation.importers.articlemap import ArticleMap
from moderation.importers.record import ImportFileError
from moderation.importers.run import Importer, ImportOptions, ImportSummary
from moderation.model import Comment, Status
from moderation.service import CommentService
from moderation.settings import Settings
from moderation.wiring import build_service

DATA = Path(__file__).parents[1] / "data" / "imports"
TODAY = date(2026, 12, 4)


def claim(project: Project, slug: str, *, old_url: str = "", old_id: str = "") -> None:
    """Give an article the metadata naming the old post it was."""
    path = project.content / "posts" / f"{slug}.md"
    lines = [f"Old-Url: {old_url}"] * bool(old_url) + [f"Old-Id: {old_id}"] * bool(old_id)
    path.write_text("\n".join(lines) + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


@pytest.fixture
def service(project: Project) -> Iterator[CommentService]:
    settings = Settings.load(project.settings_file)
    opened = build_service(settings, project.settings_file, rebuild=False)
    yield opened
    opened.close()
    opened.store.close()


def run(service: CommentService, source: str, file: Path, **options: object) -> ImportSummary:
    service.articles._checked_at = float("-inf")  # the test just added Old-Url lines
    importer = Importer(
        store=service.store,
        policy=service.policy,
        articles=ArticleMap(service.articles),
        rules=service.rules,
        publisher=service.publisher,
        today=TODAY,
    )
    return importer.run(source, file, ImportOptions(**options))  # type: ignore[arg-type]


def stored(service: CommentService) -> list[Comment]:
    return sorted(service.store.queue(limit=1000), key=lambda c: c.created_at)


def by_name(service: CommentService) -> dict[str, Comment]:
    return {c.name: c for c in stored(service)}


def test_wordpress_publishes_the_approved_and_queues_the_pending(project, service) -> None:
    claim(project, "lonely-job-search", old_url="https://realmenweardress.es/2010/07/do-you-rp/")
    summary = run(service, "wordpress", DATA / "wordpress-remark42.xml", pingbacks="skip")
    assert (summary.comments, summary.imported, summary.published) == (4, 3, 2)
    assert summary.skipped["pingback (COMMENTS_IMPORT_PINGBACKS)"] == 1
    comments = by_name(service)
    first = comments["SuperUser1"]
    assert first.status is Status.APPROVED
    assert first.created_at == datetime(2010, 7, 20, 12, 8, 8, tzinfo=UTC)
    assert first.decided_by == "imported from wordpress on 2026-12-04"
    assert first.email == "superuser1@aol.com"  # kept for the moderators, never published
    assert comments["SuperUser2"].status in (Status.PENDING, Status.HELD)
    # Its parent was a pingback, skipped: the reply stands at the top.
    assert comments["SuperUser3"].reply_to is None
    published = commentfile.read(project.comments / "lonely-job-search" / f"{first.id}.md")
    assert published.approved_by == "imported from wordpress on 2026-12-04"
    assert published.body == "I do catch myself"
    assert published.checks  # every check's outcome travels with the file
    text = (project.comments / "lonely-job-search" / f"{first.id}.md").read_text()
    assert "superuser1@aol.com" not in text
    audit = service.store.audit_log(comment_id=first.id)
    assert [(a.actor, a.action) for a in audit] == [("import", "imported")]
    assert "original id 100#8" in audit[0].reason


def test_pingbacks_become_link_mentions(project, service) -> None:
    claim(project, "lonely-job-search", old_url="https://realmenweardress.es/2010/07/do-you-rp/")
    summary = run(service, "wordpress", DATA / "wordpress-remark42.xml")
    assert (summary.imported, summary.published) == (4, 3)
    ping = by_name(service)["Wednesday Reading « Cynwise's Battlefield Manual"]
    assert ping.status is Status.APPROVED
    published = commentfile.read(project.comments / "lonely-job-search" / f"{ping.id}.md")
    assert (published.kind, published.source) == (
        "mention",
        "http://cynwise.wordpress.com/2010/07/21/wednesday-reading-8/",
    )
    # The pages list mentions apart from the thread: the reply to it stands at the top.
    assert by_name(service)["SuperUser3"].reply_to is None


def test_replies_are_threaded_to_any_depth(project, service) -> None:
    claim(project, "lonely-job-search", old_url="http://example.tld/2014/test/")
    claim(project, "a-short-note", old_url="/?p=4")
    summary = run(service, "wordpress", DATA / "wordpress-isso.xml")
    assert (summary.comments, summary.imported, summary.relinked) == (8, 8, 3)
    comments = stored(service)
    by_body = {c.body: c for c in comments}
    third = by_body["Yet another reply."]
    second = service.store.get(third.reply_to)
    first = service.store.get(second.reply_to)
    assert (second.body, first.body, first.reply_to) == ("Drölfter!", "Zweiter.", None)
    assert {c.article for c in comments} == {"lonely-job-search", "a-short-note"}
    # No blog link: approved there, but the build would drop it here, so it is held.
    assert first.status is Status.HELD
    assert "import.unpublishable" in {r.outcome.code for r in first.review.results}


def test_the_same_file_twice_adds_nothing(project, service) -> None:
    claim(project, "lonely-job-search", old_url="http://example.tld/2014/test/")
    claim(project, "a-short-note", old_url="/?p=4")
    run(service, "wordpress", DATA / "wordpress-isso.xml")
    before = [(c.id, c.reply_to, c.status) for c in stored(service)]
    again = run(service, "wordpress", DATA / "wordpress-isso.xml")
    assert (again.imported, again.already) == (0, 8)
    assert [(c.id, c.reply_to, c.status) for c in stored(service)] == before


def test_an_overlapping_file_adds_only_what_is_new(project, service, tmp_path) -> None:
    claim(project, "lonely-job-search", old_url="http://example.tld/2014/test/")
    claim(project, "a-short-note", old_url="/?p=4")
    full = (DATA / "wordpress-isso.xml").read_text(encoding="utf-8")
    # The same blog exported before comment 8 (a reply to 7) was written.
    earlier = re.sub(r"<wp:comment>\s*<wp:comment_id>8<.*?</wp:comment>", "", full, flags=re.S)
    (tmp_path / "earlier.xml").write_text(earlier, encoding="utf-8")
    assert run(service, "wordpress", tmp_path / "earlier.xml").imported == 7
    later = run(service, "wordpress", DATA / "wordpress-isso.xml")
    assert (later.imported, later.already) == (1, 7)
    reply = by_name(service)  # several share a name; find comment 8 by its words
    reply = next(c for c in stored(service) if c.body == "Yet another reply.")
    assert service.store.get(reply.reply_to).body == "Drölfter!"


def test_trash_is_skipped_and_a_missing_parent_leaves_a_reply_on_top(project, service) -> None:
    claim(project, "how-to-write-a-follow-up", old_id="422")
    summary = run(service, "wordpress", DATA / "wordpress-pelican.xml")
    assert summary.skipped["trash on the old blog"] == 1
    assert summary.imported == 3
    replies = {c.id: c.reply_to for c in stored(service)}
    assert sorted(replies.values(), key=str) == [min(replies), None, None]


def test_blogger_classic_export(project, service) -> None:
    claim(
        project,
        "recruiters-leave-the-desk",
        old_url="http://youngdoctornotes.blogspot.com/2010/11/the-steel-windpipe.html",
    )
    summary = run(service, "blogger", DATA / "blogger-pelican.xml")
    assert (summary.comments, summary.imported) == (1, 1)
    (comment,) = stored(service)
    assert comment.name == "Thomas Isidore Noël Sankara"
    assert comment.article == "recruiters-leave-the-desk"
    assert comment.created_at == datetime(2010, 11, 29, 20, 35, 44, 27000, tzinfo=UTC)
    assert comment.body.startswith("Mishka, always a pleasure to read your adventures!\n\n")
    assert comment.email == ""  # Blogger's noreply address is nobody's


def test_disqus_threads_and_comments_whose_post_is_not_here(project, service) -> None:
    claim(project, "lonely-job-search", old_url="http://example.org/")
    summary = run(service, "disqus", DATA / "disqus-isso.xml")
    assert summary.comments == 6
    assert summary.skipped["trash on the old blog"] == 1
    assert summary.skipped["its post is not here"] == 2
    assert [line.split(": ")[0] for line in summary.not_here] == [
        "line 66, post 3 (dsq:id 6)",
        "line 101, post 4 (dsq:id 8)",
    ]
    comments = stored(service)
    assert len(comments) == 3
    peter = by_name(service)["peter"]
    replies = [c for c in comments if c.reply_to == peter.id]
    assert [c.body for c in replies] == ["Hello, World."]


def test_a_dry_run_stores_nothing(project, service) -> None:
    claim(project, "lonely-job-search", old_url="https://realmenweardress.es/2010/07/do-you-rp/")
    summary = run(service, "wordpress", DATA / "wordpress-remark42.xml", dry_run=True)
    assert (summary.imported, summary.published) == (4, 3)
    assert stored(service) == []
    assert not project.comments.exists() or not any(project.comments.rglob("*.md"))


def test_a_bad_entry_refuses_the_whole_file_unless_skipped(project, service, tmp_path) -> None:
    claim(project, "lonely-job-search", old_url="https://realmenweardress.es/2010/07/do-you-rp/")
    text = (DATA / "wordpress-remark42.xml").read_text(encoding="utf-8")
    broken = text.replace("2010-07-20 13:09:25", "yesterday")
    (tmp_path / "broken.xml").write_text(broken, encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"nothing was imported") as refused:
        run(service, "wordpress", tmp_path / "broken.xml")
    assert "(id 9): 'yesterday' is not a date" in str(refused.value)
    assert "line 108, post https://realmenweardress.es/2010/07/do-you-rp/, comment 2" in str(
        refused.value
    )
    assert stored(service) == []
    summary = run(service, "wordpress", tmp_path / "broken.xml", skip_bad=True)
    assert (summary.imported, summary.skipped["unreadable entry"]) == (3, 1)


def test_old_comments_failing_todays_policy_can_be_found_and_unpublished(
    project, service, tmp_path
) -> None:
    from click.testing import CliRunner

    from moderation.cli import main
    from moderation.model import Action

    claim(project, "lonely-job-search", old_url="https://realmenweardress.es/2010/07/do-you-rp/")
    links = " ".join(f"https://shop{n}.example/deal" for n in range(4))
    wxr = (DATA / "wordpress-remark42.xml").read_text(encoding="utf-8")
    (tmp_path / "links.xml").write_text(wxr.replace("I do catch myself", links), encoding="utf-8")
    run(service, "wordpress", tmp_path / "links.xml")
    loud = by_name(service)["SuperUser1"]
    assert loud.status is Status.APPROVED  # the old author approved it: published as it was
    assert "spam.too-many-links" in {r.outcome.code for r in loud.review.failures}
    arguments = ["--settings", str(project.settings_file), "imported", "--failing", "--ids"]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    # Its neighbours' names ("SuperUser3") fail today's name check too.
    failing = [c for c in stored(service) if c.status is Status.APPROVED and c.review.failures]
    assert result.output.split() == [str(c.id) for c in failing]
    assert loud in failing
    for comment in failing:
        service.decide(comment.id, Action.UNPUBLISH, "alice", "Not what we publish today")
        assert not (project.comments / comment.article / f"{comment.id}.md").exists()


def test_an_id_given_twice_is_a_bad_entry(project, service, tmp_path) -> None:
    claim(project, "lonely-job-search", old_url="https://realmenweardress.es/2010/07/do-you-rp/")
    wxr = (DATA / "wordpress-remark42.xml").read_text(encoding="utf-8")
    twice = wxr.replace("<wp:comment_id>9</wp:comment_id>", "<wp:comment_id>8</wp:comment_id>")
    (tmp_path / "twice.xml").write_text(twice, encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"\(id 8\): the same id appears earlier"):
        run(service, "wordpress", tmp_path / "twice.xml")
    summary = run(service, "wordpress", tmp_path / "twice.xml", skip_bad=True)
    assert (summary.imported, summary.already, summary.skipped["unreadable entry"]) == (3, 0, 1)


@pytest.mark.slow  # starts a process
def test_text_checks_in_worker_processes_give_the_reviews_of_one_process(
    project, service, tmp_path
) -> None:
    """A big import runs the spam-text and civility checks in other processes: the reviews
    and statuses must be those the checks give when run here, check for check, in order."""
    claim(project, "lonely-job-search", old_url="http://example.tld/2014/test/")
    claim(project, "a-short-note", old_url="/?p=4")
    wxr = (DATA / "wordpress-isso.xml").read_text(encoding="utf-8")
    wxr = wxr.replace("Zweiter.", "You are a complete idiot and a moron.", 1)
    wxr = wxr.replace("Drölfter!", "Subscribe to my channel for free gift cards, earn money!", 1)
    (tmp_path / "texts.xml").write_text(wxr, encoding="utf-8")
    other = make_project(tmp_path / "other")
    claim(other, "lonely-job-search", old_url="http://example.tld/2014/test/")
    claim(other, "a-short-note", old_url="/?p=4")
    settings = Settings.load(other.settings_file)
    here = build_service(settings, other.settings_file, rebuild=False)
    try:
        run(service, "wordpress", tmp_path / "texts.xml", workers=1)
        run(here, "wordpress", tmp_path / "texts.xml", workers=0)
        pooled, alone = stored(service), stored(here)
    finally:
        here.close()
        here.store.close()
    assert [(c.body, c.status, c.review) for c in pooled] == [
        (c.body, c.status, c.review) for c in alone
    ]
    codes = {r.outcome.code for c in pooled for r in c.review.failures}
    assert {"civility.insult", "spam.content"} <= codes
