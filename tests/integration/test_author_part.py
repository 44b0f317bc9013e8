"""The author takes part, through the real service and the real moderator page: replies
published at once as the author and marked in the built thread, text corrections kept in the
revisions and the audit, a rejection undone without a word to Akismet (its loopback fake
records every call), and an approval of Akismet's spam reported as ham."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from builds import build_site
from fakeakismet import FakeAkismet, running_fake_akismet
from servers import Project
from sitecheck import parse_html

from moderation import authoring, commentfile
from moderation.authoring import Author
from moderation.errors import InvalidSubmission, StaleDecision
from moderation.model import Action, Status, Submission
from moderation.passwords import hash_password
from moderation.policy.akismet_check import make_client
from moderation.service import CommentService
from moderation.settings import Settings
from moderation.wiring import build_service

pytestmark = pytest.mark.slow

PASSWORD = "a long moderator passphrase"
ARTICLE = "coffee-meal-beer-rule"
COMMENT = Submission(
    article=ARTICLE,
    name="Ada Lovelace",
    blog_url="https://adalovelace.net/",
    body="The coffee rule works; I met two poeple this way, see <https://exmaple.org>.",
    email="ada@adalovelace.net",
)


@pytest.fixture
def service(project: Project) -> Iterator[CommentService]:
    settings = Settings.load(project.settings_file, environ={})
    opened = build_service(settings, project.settings_file, rebuild=False)
    yield opened
    opened.close()
    opened.store.close()


@pytest.fixture
def fake() -> Iterator[FakeAkismet]:
    with running_fake_akismet() as running:
        yield running


@pytest.fixture
def with_akismet(project: Project, fake: FakeAkismet) -> Iterator[CommentService]:
    settings = Settings.load(project.settings_file, environ={"COMMENTS_AKISMET_KEY": "good-key"})
    opened = build_service(settings, project.settings_file, rebuild=False)
    assert opened.akismet is not None
    opened.akismet.client = make_client("good-key", "http://blog.example", 1.0, fake.client(1.0))
    yield opened
    opened.close()
    opened.store.close()


def published(service: CommentService) -> int:
    comment = service.submit(COMMENT)
    return service.decide(comment.id, Action.APPROVE, "robin").id


@pytest.fixture
def browser_like() -> Iterator[list[httpx.Client]]:
    clients: list[httpx.Client] = []
    yield clients
    for client in clients:
        client.close()


def logged_in(live, clients: list[httpx.Client]) -> httpx.Client:
    live.service.store.set_password("robin", hash_password(PASSWORD))
    client = httpx.Client(base_url=live.url, timeout=30, headers={"Origin": live.url})
    clients.append(client)
    page = parse_html(client.get("/moderate/login").text)
    form = next(f for f in page.iter("form") if f.get("id") == "login-form")
    fields = {i.get("name"): i.get("value") or "" for i in form.iter("input") if i.get("name")}
    answer = client.post(
        "/moderate/login", data={**fields, "username": "robin", "password": PASSWORD}
    )
    assert answer.status_code == 303
    return client


def csrf_of(client: httpx.Client, comment_id: int) -> str:
    page = parse_html(client.get(f"/moderate/comments/{comment_id}").text)
    return next(i.get("value") for i in page.iter("input") if i.get("name") == "csrf")


# Replies as the author


def test_the_authors_reply_is_published_at_once_and_marked_in_the_built_thread(
    project: Project, start_service, browser_like
) -> None:
    live = start_service()
    parent = published(live.service)
    client = logged_in(live, browser_like)
    words = "Thank you, Ada: that is exactly why the rule exists."
    answer = client.post(
        f"/moderate/comments/{parent}/reply",
        data={"csrf": csrf_of(client, parent), "body": words},
    )
    assert answer.status_code == 303
    reply = live.service.store.queue(None, ARTICLE, 10, 0)[0]
    assert (reply.status, reply.reply_to, reply.body) == (Status.APPROVED, parent, words)
    author = Author.from_settings(live.settings)
    assert (reply.name, reply.blog_url) == (author.name, author.blog_url)
    assert author.name == live.settings["AUTHOR"]
    assert [r.outcome.code for r in reply.review.results] == ["role.author"]  # never own-site
    assert reply.decided_by == "robin"
    on_disk = commentfile.read(project.comments / ARTICLE / f"{reply.id}.md")
    assert on_disk.role == "author"

    build = build_site(project.content, project.output, str(project.settings_file))
    assert not [m for m in build.messages if "skipped" in m], build.messages
    page = parse_html(project.article_page(ARTICLE).read_text(encoding="utf-8"))
    shown = next(a for a in page.iter("article") if a.get("id") == f"comment-{reply.id}")
    assert "comment--author" in shown.get("class", "").split()
    marks = [s for s in shown.iter("span") if "comment__role" in s.get("class", "")]
    assert [page.text_of(m).strip() for m in marks] == ["Author"]
    parent_node = next(a for a in page.iter("article") if a.get("id") == f"comment-{parent}")
    assert shown in list(parent_node.iter("article"))  # nested under the comment it answers
    reader = next(a for a in page.iter("article") if a.get("id") == f"comment-{parent}")
    assert "comment--author" not in reader.get("class", "")


def test_a_reply_to_an_unpublished_comment_is_refused(service: CommentService) -> None:
    waiting = service.submit(COMMENT)
    author = Author("Robin Okafor", "http://127.0.0.1:8000/")
    with pytest.raises(InvalidSubmission):
        authoring.reply(service, author, waiting.id, "Hello", "robin")
    assert service.store.count(None, ARTICLE) == 1


def test_a_reader_posing_as_the_author_through_the_form_is_held(service: CommentService) -> None:
    posing = service.submit(
        replace(COMMENT, name="Robin Okafor", blog_url="http://127.0.0.1:8000/")
    )
    assert posing.status is Status.HELD  # the blog's own address: link.ip-address here
    assert "role.author" not in [r.outcome.code for r in posing.review.results]
    assert service.rules.reason(posing.name, posing.blog_url)  # the build would drop it too


# Corrections


def test_a_correction_keeps_the_original_in_revisions_and_the_edit_in_the_audit(
    project: Project, service: CommentService
) -> None:
    comment_id = published(service)
    fixed = "The coffee rule works; I met two people this way, see <https://example.org>."
    edited = authoring.edit(
        service, comment_id, fixed, "robin", "fixed a typo and the link", expected_version=1
    )
    assert (edited.body, edited.version, edited.status) == (fixed, 2, Status.APPROVED)
    [original] = service.store.revisions(comment_id)
    assert (original.body, original.version) == (COMMENT.body, 1)
    latest = service.store.audit_log(comment_id=comment_id)[0]
    assert (latest.actor, latest.action, latest.reason) == (
        "robin",
        "edited",
        "fixed a typo and the link",
    )
    assert (latest.from_status, latest.to_status) == (Status.APPROVED, Status.APPROVED)
    on_disk = commentfile.read(project.comments / ARTICLE / f"{comment_id}.md")
    assert on_disk.body == fixed


def test_a_correction_of_an_earlier_version_changes_nothing(service: CommentService) -> None:
    comment_id = published(service)
    authoring.edit(service, comment_id, "First fix.", "robin", "typo", expected_version=1)
    with pytest.raises(StaleDecision):
        authoring.edit(service, comment_id, "Second fix.", "sam", "typo", expected_version=1)
    assert service.store.get(comment_id).body == "First fix."


def test_a_correction_from_the_page_needs_the_version(start_service, browser_like) -> None:
    live = start_service()
    comment_id = live.service.submit(COMMENT).id
    client = logged_in(live, browser_like)
    csrf = csrf_of(client, comment_id)
    no_version = client.post(
        f"/moderate/comments/{comment_id}/edit", data={"csrf": csrf, "body": "Changed."}
    )
    assert no_version.status_code == 303
    assert live.service.store.get(comment_id).body == COMMENT.body
    done = client.post(
        f"/moderate/comments/{comment_id}/edit",
        data={"csrf": csrf, "body": "Changed.", "version": "1", "reason": "typo"},
    )
    assert done.status_code == 303
    assert live.service.store.get(comment_id).body == "Changed."


# Undo and Akismet


def test_undoing_a_rejection_makes_it_pending_and_tells_akismet_nothing(
    with_akismet: CommentService, fake: FakeAkismet
) -> None:
    comment = with_akismet.submit(COMMENT)
    with_akismet.decide(comment.id, Action.REJECT, "robin", "Off topic.")
    calls = len(fake.requests)
    reopened = with_akismet.decide(comment.id, Action.REOPEN, "robin", "rejected by mistake")
    assert reopened.status is Status.PENDING
    assert fake.requests[calls:] == []
    assert with_akismet.store.audit_log(comment_id=comment.id)[0].action == "reopen"


def test_approving_what_akismet_called_spam_reports_ham(
    with_akismet: CommentService, fake: FakeAkismet
) -> None:
    spam = with_akismet.submit(replace(COMMENT, name="akismet-guaranteed-spam"))
    assert spam.status is Status.SPAM
    calls = len(fake.requests)
    with_akismet.decide(spam.id, Action.APPROVE, "robin")  # straight from the spam folder
    assert [path for path, _ in fake.requests[calls:]] == ["/1.1/submit-ham"]


def test_approving_after_not_spam_reports_ham_once(
    with_akismet: CommentService, fake: FakeAkismet
) -> None:
    spam = with_akismet.submit(replace(COMMENT, name="akismet-guaranteed-spam"))
    calls = len(fake.requests)
    with_akismet.decide(spam.id, Action.HAM, "robin")
    with_akismet.decide(spam.id, Action.APPROVE, "robin")
    assert [path for path, _ in fake.requests[calls:]] == ["/1.1/submit-ham"]


def test_a_rejection_is_undone_from_the_page(start_service, browser_like) -> None:
    live = start_service()
    comment_id = live.service.submit(COMMENT).id
    live.service.decide(comment_id, Action.REJECT, "robin", "Off topic.")
    client = logged_in(live, browser_like)
    page = parse_html(client.get(f"/moderate/comments/{comment_id}").text)
    form = next(f for f in page.iter("form") if f.get("id") == "reopen-form")
    fields = {i.get("name"): i.get("value") or "" for i in form.iter("input")}
    assert client.post(form.get("action"), data=fields).status_code == 303
    assert live.service.store.get(comment_id).status is Status.PENDING


def test_a_rejection_is_undone_from_the_command_line(project: Project, service) -> None:
    comment_id = service.submit(COMMENT).id
    service.decide(comment_id, Action.REJECT, "robin", "Off topic.")
    moderate = str(Path(sys.executable).with_name("moderate"))
    done = subprocess.run(
        [moderate, "--settings", str(project.settings_file), "reopen", str(comment_id)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert service.store.get(comment_id).status is Status.PENDING
