"""Trusted returning commenters, through the real service: off by default; under
"approved-before" a second comment with the same name, blog and e-mail is published at once;
under "verified-blog" a comment whose blog (on loopback) names its commenter is; the audit
names the rule; a failed check, another e-mail or another author always waits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from blogserver import Blog, guard_for, serving_blog

from moderation.errors import SettingsError
from moderation.model import Action, Status, Submission
from moderation.policy import Policy, name_rules
from moderation.policy.link import LinkCheck, LinkRules, OwnershipCheck
from moderation.policy.linkverify import LinkVerifier
from moderation.service import CommentService
from moderation.settings import Settings
from moderation.wiring import build_service

pytestmark = pytest.mark.slow

COMMENT = Submission(
    article="coffee-meal-beer-rule",
    name="Ada Lovelace",
    blog_url="https://adalovelace.net/",
    body="The coffee rule works; I met two people this way.",
    email="ada@adalovelace.net",
)
AGAIN = replace(COMMENT, body="Back again: the follow-up rule worked as well, thank you.")
HCARD = """<!doctype html><html><body><header class="h-card">
<a class="u-url p-name" href="{home}">{name}</a></header></body></html>"""


@pytest.fixture
def opened(project) -> Iterator[Callable[..., CommentService]]:
    services: list[CommentService] = []

    def open_service(**environ: str) -> CommentService:
        environ = {"COMMENTS_MODERATOR_EMAILS": "robin@blog.example", **environ}
        settings = Settings.load(project.settings_file, environ=environ)
        service = build_service(settings, project.settings_file, rebuild=False)
        services.append(service)
        return service

    yield open_service
    for service in services:
        service.close()
        service.store.close()


def returning(service: CommentService, again: Submission = AGAIN):
    first = service.submit(COMMENT)
    service.decide(first.id, Action.APPROVE, "robin")
    return service.submit(again)


def test_trust_is_off_by_default(opened) -> None:
    assert returning(opened()).status is Status.PENDING


def test_an_earlier_approved_commenter_is_published_at_once_with_the_rule_audited(
    opened, project
) -> None:
    service = opened(COMMENTS_TRUSTED_COMMENTERS="approved-before")
    second = returning(service)
    assert second.status is Status.APPROVED
    latest = service.store.audit_log(comment_id=second.id)[0]
    assert (latest.actor, latest.action) == ("trusted-commenter", "approve")
    assert "approved-before" in latest.reason and "same name, blog and e-mail" in latest.reason
    assert (project.comments / COMMENT.article / f"{second.id}.md").is_file()
    mails = [j.payload for j in service.store.jobs() if j.payload.get("comment_id") == second.id]
    assert [m["to"] for m in mails] == [COMMENT.email]  # told it is published; no moderator


@pytest.mark.parametrize(
    "change",
    [
        {"email": "someone@else.example"},
        {"email": ""},
        {"name": "Ada King"},
        {"blog_url": "https://ada.example/"},
    ],
    ids=["other-email", "no-email", "other-name", "other-blog"],
)
def test_another_commenter_waits(opened, change: dict[str, str]) -> None:
    service = opened(COMMENTS_TRUSTED_COMMENTERS="approved-before")
    assert returning(service, replace(AGAIN, **change)).status is Status.PENDING


def test_a_trusted_commenter_whose_comment_fails_a_check_waits(opened) -> None:
    service = opened(COMMENTS_TRUSTED_COMMENTERS="approved-before")
    links = " ".join(f"https://example.org/{n}" for n in range(5))
    held = returning(service, replace(AGAIN, body=f"See all of these: {links}"))
    assert held.status is Status.HELD
    assert "trusted-commenter" not in [e.actor for e in service.store.audit_log(comment_id=held.id)]


def test_a_rejected_earlier_comment_gives_no_trust(opened) -> None:
    service = opened(COMMENTS_TRUSTED_COMMENTERS="approved-before")
    first = service.submit(COMMENT)
    service.decide(first.id, Action.REJECT, "robin", "Off topic.")
    assert service.submit(AGAIN).status is Status.PENDING


@pytest.fixture
def blog() -> Iterator[Blog]:
    with serving_blog() as server:
        yield server


def verifying(service: CommentService, blog: Blog) -> CommentService:
    """The live link check and ownership check, reaching the loopback blog as juli.test."""
    rules = LinkRules(verify_live=True, allowed_ports=frozenset({blog.port}))
    verifier = LinkVerifier(guard_for(blog))
    service.policy = Policy([LinkCheck(rules, verifier), OwnershipCheck(rules, verifier)])
    # The publishing rules allow the loopback blog's port too, as the policy's do here.
    service.rules._rules = (name_rules(service.rules.settings), rules)
    return service


@pytest.mark.parametrize(
    ("blog_names", "status"),
    [("Juli Ramírez", Status.APPROVED), ("Someone Else", Status.PENDING)],
    ids=["names-the-commenter", "names-someone-else"],
)
def test_a_commenter_whose_blog_names_them_is_published_at_once(
    opened, blog: Blog, blog_names: str, status: Status
) -> None:
    service = verifying(opened(COMMENTS_TRUSTED_COMMENTERS="verified-blog"), blog)
    home = blog.page("/", HCARD.format(home=blog.url("/"), name=blog_names))
    comment = service.submit(replace(COMMENT, name="Juli Ramirez", blog_url=home))
    assert comment.status is status
    if status is Status.APPROVED:
        latest = service.store.audit_log(comment_id=comment.id)[0]
        assert latest.actor == "trusted-commenter"
        assert "verified-blog" in latest.reason and "Juli Ramírez" in latest.reason


def test_a_verified_blog_is_not_trusted_unless_the_setting_says_so(opened, blog: Blog) -> None:
    service = verifying(opened(COMMENTS_TRUSTED_COMMENTERS="approved-before"), blog)
    home = blog.page("/", HCARD.format(home=blog.url("/"), name="Juli Ramírez"))
    comment = service.submit(replace(COMMENT, name="Juli Ramirez", blog_url=home))
    assert comment.status is Status.PENDING


def test_an_unknown_rule_is_a_settings_error(opened) -> None:
    with pytest.raises(SettingsError, match="approved-before"):
        opened(COMMENTS_TRUSTED_COMMENTERS="everyone")


def test_a_trusted_comment_the_build_would_drop_waits_and_the_moderators_hear(
    opened, blog: Blog
) -> None:
    service = verifying(opened(COMMENTS_TRUSTED_COMMENTERS="verified-blog"), blog)
    service.rules._rules = None  # the real publishing rules: the blog's port is not 80/443
    home = blog.page("/", HCARD.format(home=blog.url("/"), name="Juli Ramírez"))
    comment = service.submit(replace(COMMENT, name="Juli Ramirez", blog_url=home))
    assert comment.status is Status.PENDING
    mails = [j.payload for j in service.store.jobs() if j.payload.get("comment_id") == comment.id]
    assert [m["to"] for m in mails] == ["robin@blog.example"]
