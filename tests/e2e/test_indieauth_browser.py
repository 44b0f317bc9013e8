"""Sign in with your blog (IndieAuth), end to end in Chromium: the article's form, a blog with
its own authorization server on loopback (tests/indieauth_server.py), and the way back.

Chromium reaches `juli.test` and `other.test` through --host-resolver-rules; the service
reaches them through NetGuard with a resolver that maps them to 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from indieauth_server import AuthServer, guard_for, serving_auth_server
from playwright.sync_api import Browser, Page, Playwright, expect
from servers import Project, serving

from moderation.policy.ownership import signed_in_blog
from moderation.publish import SiteBuilder, published_comment
from moderation.service import CommentService
from moderation.settings import Settings
from moderation.web.app import create_app
from moderation.wiring import build_service

ARTICLE = "/posts/coffee-meal-beer-rule/"
BODY = "The coffee rule saved me from a dozen awkward connection requests. Thank you."
RESOLVE = "MAP juli.test 127.0.0.1, MAP other.test 127.0.0.1"


@dataclass
class SignInSite:
    url: str
    service: CommentService
    auth: AuthServer


@pytest.fixture
def site(project: Project) -> Iterator[SignInSite]:
    """The built blog and its service, whose sign-ins reach the test's blog through NetGuard."""
    SiteBuilder(project.settings_file, project.content, project.output)()
    settings = Settings.load(project.settings_file, environ={"COMMENTS_RATE_LIMIT": "1000"})
    service = build_service(settings, project.settings_file)
    app = create_app(service, settings, site_dir=project.output)
    with serving_auth_server() as auth, serving(app) as url:
        app.state.indieauth.guard = guard_for(auth)
        yield SignInSite(url, service, auth)
    service.store.close()


@pytest.fixture
def chromium(playwright: Playwright, browser_type_launch_args: dict) -> Iterator[Browser]:
    """Chromium that finds the test blog's names on loopback."""
    args = [*browser_type_launch_args["args"], f"--host-resolver-rules={RESOLVE}"]
    browser = playwright.chromium.launch(**{**browser_type_launch_args, "args": args})
    yield browser
    browser.close()


def start_sign_in(page: Page, site: SignInSite) -> None:
    """Write a comment, press "Sign in with your blog", and approve on the blog's server."""
    page.goto(site.url + ARTICLE)
    page.fill("#comment-name", "Juli Ramirez")
    page.fill("#comment-url", site.auth.url("/"))
    page.fill("#comment-body", BODY)
    page.click("text=Sign in with your blog")
    page.wait_for_url(f"{site.auth.url('/auth')}?*")
    page.click("text=Approve")


def test_sign_in_then_comment_is_verified(chromium: Browser, site: SignInSite) -> None:
    page = chromium.new_page()
    start_sign_in(page, site)
    page.wait_for_url(f"{site.url}{ARTICLE}#comment-form")
    status = page.locator(".comment-signin__status")
    expect(status).to_contain_text(f"Signed in as {site.auth.url('/')}")
    expect(page.locator("#comment-body")).to_have_value(BODY)  # what was written came back
    expect(page.locator("#comment-name")).to_have_value("Juli Ramirez")
    page.click("#comment-form button[type=submit]")
    result = page.locator("#comment-form .comment-result")
    expect(result).to_contain_text("Your comment's status page")
    [comment] = site.service.store.queue()
    assert signed_in_blog(comment.review) == site.auth.url("/")
    assert published_comment(comment).author_verified == "Juli Ramirez"
    page.click("text=Your comment's status page")
    expect(page.locator(".signed-in-blog")).to_contain_text(
        f"Your blog was verified: you signed in with {site.auth.url('/')}"
    )
    exchange = site.auth.exchanges[0]
    assert exchange["code_verifier"] and exchange["redirect_uri"].endswith("/indieauth/callback")


@pytest.mark.parametrize(
    ("knob", "message"),
    [
        ("forge_state", "its state differs"),
        ("tamper_challenge", "code_verifier does not match the code_challenge"),
        ("other_host", "which is on another site than the blog you entered"),
    ],
)
def test_a_bad_answer_verifies_nothing(
    chromium: Browser, site: SignInSite, knob: str, message: str
) -> None:
    if knob == "other_host":
        site.auth.me = site.auth.url("/", host="other.test")
    else:
        setattr(site.auth, knob, True)
    page = chromium.new_page()
    start_sign_in(page, site)
    expect(page.locator("h1")).to_have_text("Your blog could not be verified")
    expect(page.locator(".error-message")).to_contain_text(message)
    page.click("text=Go back to the article")
    page.wait_for_url(f"{site.url}{ARTICLE}")
    expect(page.locator("#comment-body")).to_have_value(BODY)  # what was written is kept
    expect(page.locator(".comment-signin__status")).not_to_contain_text("Signed in")
    assert page.locator("#comment-form [name=indieauth]").input_value() == ""  # no proof
    assert site.service.store.queue() == []


def test_a_proof_for_another_blog_is_refused_then_dropped(
    chromium: Browser, site: SignInSite
) -> None:
    page = chromium.new_page()
    start_sign_in(page, site)
    page.wait_for_url(f"{site.url}{ARTICLE}#comment-form")
    page.fill("#comment-url", "https://adalovelace.net/")
    page.click("#comment-form button[type=submit]")
    result = page.locator("#comment-form .comment-result")
    expect(result).to_contain_text("but the comment names the blog https://adalovelace.net/")
    assert site.service.store.queue() == []
    expect(page.locator(".comment-signin__status")).to_contain_text("Not signed in")
    page.click("#comment-form button[type=submit]")  # sent again, as it is: not verified
    expect(result).to_contain_text("Your comment's status page")
    [comment] = site.service.store.queue()
    assert (signed_in_blog(comment.review), comment.body) == ("", BODY)


def test_without_javascript_there_is_no_sign_in_button(browser: Browser, site: SignInSite) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + ARTICLE)
    expect(page.locator("text=Sign in with your blog")).to_be_hidden()
    expect(page.locator("#comment-form button[type=submit]")).to_have_text("Send comment")
    context.close()
