"""Ownership, passive: the live link check's visit tells the moderator who writes the blog.

A commenter's blog on loopback (tests/blogserver.py) serves a home page with or without an
h-card, and a feed; the real link check and ownership check run through NetGuard.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from blogserver import Blog, guard_for, serving_blog

from moderation import commentfile
from moderation.model import Submission, Verdict
from moderation.netguard import NetGuard
from moderation.policy import Policy
from moderation.policy.link import LinkCheck, LinkRules, OwnershipCheck
from moderation.policy.linkverify import LinkVerifier
from moderation.publish import published_comment
from moderation.store.sqlite import SQLiteStore

pytestmark = pytest.mark.slow

HCARD_HOME = """<!doctype html><html><head><title>Juli's notes</title>
<link rel="me" href="https://github.com/juli"><link rel="me" href="https://social.example/@juli">
</head><body><header class="h-card"><a class="u-url u-uid p-name" href="{home}">Juli Ramírez</a>
</header></body></html>"""
FEED_HOME = """<!doctype html><html><head>
<link rel="alternate" type="application/atom+xml" href="/feed.xml">
</head><body>Posts</body></html>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Notes</title>
<author><name>J. Ramirez</name></author></feed>"""


@pytest.fixture
def blog() -> Iterator[Blog]:
    with serving_blog() as server:
        yield server


def policy_for(blog: Blog) -> Policy:
    """The live link check and the ownership check, sharing one verifier, as the service does."""
    rules = LinkRules(verify_live=True, allowed_ports=frozenset({blog.port}))
    verifier = LinkVerifier(guard_for(blog))
    return Policy([LinkCheck(rules, verifier), OwnershipCheck(rules, verifier)])


def ownership(policy: Policy, name: str, url: str):
    submission = Submission("coffee-meal-beer-rule", name, url, "A kind word.")
    review = policy.run(submission)
    [result] = [r for r in review.results if r.check == "ownership"]
    return result.outcome, review


def test_a_blog_whose_hcard_names_the_commenter_is_verified_from_the_page_already_fetched(
    blog: Blog,
) -> None:
    home = blog.page("/", HCARD_HOME.format(home=blog.url("/")))
    outcome, review = ownership(policy_for(blog), "Juli Ramirez", home)
    assert (outcome.verdict, outcome.code) == (Verdict.PASS, "ownership.verified")
    assert outcome.detail == (
        "verified: the blog names Juli Ramírez as its author (h-card; 2 rel=me links)"
    )
    assert review.verdict is Verdict.PASS
    assert blog.fetched == ["/"]  # one visit serves both checks; no feed needed


def test_the_feed_names_the_author_when_the_page_does_not(blog: Blog) -> None:
    home = blog.page("/", FEED_HOME)
    blog.pages["/feed.xml"] = (200, {"Content-Type": "application/atom+xml"}, ATOM)
    policy = policy_for(blog)
    outcome, _ = ownership(policy, "Juli Ramírez", home)
    assert outcome.detail == "verified: the blog names J. Ramirez as its author (feed)"
    ownership(policy, "Juli Ramírez", home)  # a second comment: nothing fetched again
    assert blog.fetched == ["/", "/feed.xml"]


def test_a_blog_naming_someone_else_is_information_not_a_hold(blog: Blog) -> None:
    home = blog.page("/", HCARD_HOME.format(home=blog.url("/")))
    outcome, review = ownership(policy_for(blog), "Jane Doe", home)
    assert (outcome.verdict, outcome.code) == (Verdict.PASS, "ownership.other-name")
    assert outcome.detail.startswith("the blog names someone else: Juli Ramírez")
    assert review.verdict is Verdict.PASS and review.reasons == []


@pytest.mark.parametrize(
    "page",
    [
        "<p>No microformats here.</p>",
        '<div class="h-card"><a class="u-url p-name" href="https://other.example/">Juli'
        " Ramírez</a></div>",
    ],
    ids=["nothing", "an-hcard-of-another-site"],
)
def test_a_blog_without_a_representative_hcard_has_no_author_data(page: str, blog: Blog) -> None:
    outcome, _ = ownership(policy_for(blog), "Juli Ramírez", blog.page("/", page))
    assert (outcome.code, outcome.detail) == ("ownership.no-data", "no author data")


def test_a_blog_that_cannot_be_read_leaves_ownership_unchecked(blog: Blog) -> None:
    outcome, review = ownership(policy_for(blog), "Juli Ramírez", blog.url("/missing"))
    assert (outcome.verdict, outcome.code) == (Verdict.PASS, "ownership.unchecked")
    assert review.verdict is Verdict.HOLD  # the link check holds; ownership never does


def test_the_verification_reaches_the_comment_file(blog: Blog, store: SQLiteStore) -> None:
    home = blog.page("/", HCARD_HOME.format(home=blog.url("/")))
    submission = Submission("coffee-meal-beer-rule", "Juli Ramirez", home, "A kind word.")
    comment = store.add(submission, policy_for(blog).run(submission))
    published = published_comment(comment)
    assert published.author_verified == "Juli Ramírez"
    text = commentfile.dumps(published)
    assert "\nAuthor-Verified: Juli Ramírez\n" in text
    assert commentfile.loads(text) == published


def test_ownership_never_fetches_again_when_the_link_checks_visit_was_not_remembered() -> None:
    asked: list[str] = []

    def nothing_resolves(host: str, port: int) -> list[str]:  # this server's network is down
        asked.append(host)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    rules = LinkRules(verify_live=True)
    verifier = LinkVerifier(NetGuard(resolver=nothing_resolves), probe_hosts=("example.com",))
    policy = Policy([LinkCheck(rules, verifier), OwnershipCheck(rules, verifier)])
    link, owner = policy.run(Submission("a", "Juli Ramírez", "https://juli.example/", "Hi")).results
    codes = (link.outcome.code, owner.outcome.code)
    assert codes == ("link.check-unavailable", "ownership.unchecked")
    assert asked == ["juli.example", "example.com"]  # one visit, one probe; nothing more
