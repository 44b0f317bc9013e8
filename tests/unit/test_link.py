"""The blog-link shape rules: what a commenter's own blog address may look like. No network."""

from __future__ import annotations

import pytest

from moderation.errors import SettingsError
from moderation.model import Submission, Verdict
from moderation.policy.link import (
    LinkCheck,
    LinkRules,
    check_blog_link,
    classify_blog_url,
    complete_blog_url,
)

RULES = LinkRules(own_domains=frozenset({"www.connectfirst.blog"}))


def submission(blog_url: str) -> Submission:
    return Submission(article="a-post", name="Jane Smith", blog_url=blog_url, body="Hi")


HELD = [
    ("", "link.missing", "empty"),
    ("   ", "link.missing", "whitespace"),
    ("jane.blog", "link.malformed", "no-scheme"),
    ("jane.blog:8080/posts", "link.malformed", "no-scheme-with-port"),
    ("https://", "link.malformed", "no-host"),
    ("http:/jane.blog", "link.malformed", "one-slash"),
    ("https://jane .blog/", "link.malformed", "space-in-host"),
    ('https://eve.example/"><script>alert(1)</script>', "link.malformed", "attribute-breakout"),
    ("https://eve.example/<b>", "link.malformed", "angle-bracket"),
    ("https://jane.blog/\x00", "link.malformed", "control-character"),
    ("http://[::1", "link.malformed", "broken-ipv6"),
    ("https://jane.blog:99999/", "link.malformed", "port-out-of-range"),
    ("https://xn--zz.example/", "link.malformed", "bad-punycode"),
    ("https://☃.example/", "link.malformed", "disallowed-idn-character"),
    ("https://-jane.blog/", "link.malformed", "leading-hyphen"),
    ("ftp://jane.blog/", "link.scheme", "ftp"),
    ("javascript:alert(1)", "link.scheme", "javascript"),
    ("mailto:jane@jane.blog", "link.scheme", "mailto"),
    ("data:text/html,hi", "link.scheme", "data"),
    ("https://jane:secret@jane.blog/", "link.credentials", "user-and-password"),
    ("https://evil.example@jane.blog/", "link.credentials", "user-only"),
    ("http://127.0.0.1/blog", "link.ip-address", "loopback-v4"),
    ("http://93.184.215.14/", "link.ip-address", "public-v4"),
    ("http://[::1]/", "link.ip-address", "loopback-v6"),
    ("http://[2606:4700::1]/", "link.ip-address", "public-v6"),
    ("http://2130706433/", "link.ip-address", "decimal"),
    ("http://0x7f.1/", "link.ip-address", "hex"),
    ("http://0177.0.0.1/", "link.ip-address", "octal"),
    ("http://127.1/", "link.ip-address", "short-form"),
    ("http://localhost/", "link.localhost", "localhost"),
    ("http://blog.localhost/", "link.localhost", "dot-localhost"),
    ("http://printer.local/", "link.localhost", "mdns"),
    ("https://wiki.corp.internal/", "link.localhost", "internal"),
    ("http://myblog/", "link.localhost", "single-label"),
    ("https://jane.blog:8443/", "link.port", "non-standard-port"),
    ("https://bit.ly/3abc", "link.shortener", "bitly"),
    ("https://t.co/xyz", "link.shortener", "t-co"),
    ("https://tinyurl.com/y2abc", "link.shortener", "tinyurl"),
    ("https://lnkd.in/abc", "link.shortener", "lnkd-in"),
    ("https://www.linkedin.com/in/jane-doe", "link.social-profile", "linkedin"),
    ("https://uk.linkedin.com/in/jane-doe", "link.social-profile", "linkedin-country"),
    ("https://m.facebook.com/jane", "link.social-profile", "facebook-mobile"),
    ("https://x.com/jane", "link.social-profile", "x"),
    ("https://twitter.com/jane", "link.social-profile", "twitter"),
    ("https://www.instagram.com/jane/", "link.social-profile", "instagram"),
    ("https://www.tiktok.com/@jane", "link.social-profile", "tiktok"),
    ("https://www.youtube.com/@jane", "link.social-profile", "youtube"),
    ("https://WWW.LinkedIn.COM/in/jane", "link.social-profile", "upper-case-host"),
    ("https://www.linkedin.com./in/jane", "link.social-profile", "trailing-dot"),
    ("https://www.indeed.com/viewjob?jk=1", "link.job-board", "indeed"),
    ("https://www.glassdoor.com/Reviews", "link.job-board", "glassdoor"),
    ("https://www.ziprecruiter.com/jobs", "link.job-board", "ziprecruiter"),
    ("https://connectfirst.blog/about", "link.own-site", "own-domain"),
    ("https://www.connectfirst.blog/", "link.own-site", "own-domain-www"),
]


@pytest.mark.parametrize(("url", "code"), [(u, c) for u, c, _ in HELD], ids=[i for _, _, i in HELD])
def test_link_that_is_not_a_public_blog_is_held(url: str, code: str) -> None:
    outcome = classify_blog_url(url, RULES)
    assert (outcome.verdict, outcome.code) == (Verdict.HOLD, code)


@pytest.mark.parametrize(("url", "code"), [(u, c) for u, c, _ in HELD], ids=[i for _, _, i in HELD])
def test_held_link_tells_the_commenter_what_to_do(url: str, code: str) -> None:
    reason = classify_blog_url(url, RULES).reason
    assert reason[:1].isupper() and reason.endswith(".")


ACCEPTED = [
    ("https://jane.blog/", "https"),
    ("http://jane.blog/", "http"),
    ("HTTPS://JANE.BLOG/", "upper-case"),
    ("  https://jane.blog/  ", "surrounding-spaces"),
    ("https://jane.blog", "no-path"),
    ("https://jane.blog:443/", "explicit-default-port"),
    ("https://jane.blog./", "trailing-dot"),
    ("https://www.jane-smith.co.uk/blog/?page=2#top", "path-query-fragment"),
    ("https://jane.substack.com/", "substack"),
    ("https://jane.wordpress.com/", "wordpress"),
    ("https://medium.com/@jane", "medium"),
    ("https://jane.github.io/", "github-pages"),
    ("https://bücher.example/", "idn"),
    ("https://xn--bcher-kva.example/", "punycode"),
    ("https://ÉCOLE.example/", "idn-upper-case"),
    ("https://例え.テスト/", "japanese-idn"),
    ("https://boxx.com/", "ends-like-x-com"),
    ("https://notlinkedin.com/", "contains-linkedin"),
    ("https://linkedin.com.jane.blog/", "social-name-as-subdomain"),
    ("https://connectfirst.blog.jane.example/", "own-name-as-subdomain"),
]


@pytest.mark.parametrize("url", [u for u, _ in ACCEPTED], ids=[i for _, i in ACCEPTED])
def test_public_blog_link_passes(url: str) -> None:
    outcome = classify_blog_url(url, RULES)
    assert outcome.passed, outcome


def test_social_profile_reason_names_the_network() -> None:
    reason = classify_blog_url("https://www.linkedin.com/in/jane", RULES).reason
    assert reason == "Add the address of your own blog; a LinkedIn profile is not a blog."


def test_social_profile_reason_uses_an_before_a_vowel() -> None:
    assert "an Instagram profile" in classify_blog_url("https://instagram.com/j", RULES).reason


def test_plain_http_is_held_when_https_is_required() -> None:
    outcome = classify_blog_url("http://jane.blog/", LinkRules(require_https=True))
    assert (outcome.code, "https://" in outcome.reason) == ("link.scheme", True)


def test_https_passes_when_https_is_required() -> None:
    assert classify_blog_url("https://jane.blog/", LinkRules(require_https=True)).passed


def test_extra_blocked_domain_is_held() -> None:
    rules = LinkRules(extra_blocked=frozenset({"careerprofiles.example"}))
    outcome = classify_blog_url("https://me.careerprofiles.example/jane", rules)
    assert outcome.code == "link.blocked-domain"


def test_own_domain_may_be_given_in_unicode() -> None:
    rules = LinkRules(own_domains=frozenset({"bücher.example"}))
    assert classify_blog_url("https://xn--bcher-kva.example/", rules).code == "link.own-site"


def test_built_in_list_can_be_replaced() -> None:
    rules = LinkRules(social_networks=frozenset())
    assert classify_blog_url("https://www.linkedin.com/in/jane", rules).passed


def test_allowed_port_passes() -> None:
    rules = LinkRules(allowed_ports=frozenset({80, 443, 8443}))
    assert classify_blog_url("https://jane.blog:8443/", rules).passed


def test_invalid_rule_domain_is_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="own_domains"):
        LinkRules(own_domains=frozenset({"not a domain"}))


def test_check_blog_link_without_live_verification_is_the_shape_check() -> None:
    outcome = check_blog_link(submission("https://bit.ly/x"), RULES)
    assert outcome.code == "link.shortener"


def test_link_check_is_a_policy_check() -> None:
    check = LinkCheck(RULES)
    outcome = check(submission("https://www.linkedin.com/in/jane"))
    assert (check.name, outcome.code) == ("link", "link.social-profile")


def test_link_check_does_not_verify_unless_asked() -> None:
    assert LinkCheck(RULES).verifier is None


@pytest.mark.parametrize(
    ("typed", "completed"),
    [
        ("jane.blog", "https://jane.blog"),
        ("www.jane.blog/", "https://www.jane.blog/"),
        ("  jane.blog/posts?page=2 ", "https://jane.blog/posts?page=2"),
        ("jane.blog:8080/posts", "https://jane.blog:8080/posts"),
        ("//jane.blog/", "https://jane.blog/"),
        ("bücher.example", "https://bücher.example"),
        ("http://jane.blog/", "http://jane.blog/"),
        ("javascript:alert(1)", "javascript:alert(1)"),
        ("mailto:jane@jane.blog", "mailto:jane@jane.blog"),
        ("localhost", "localhost"),
        ("192.0.2.1", "192.0.2.1"),
        ("Jane Smith", "Jane Smith"),
    ],
    ids=["host", "www-and-slash", "path-and-query", "port", "scheme-relative", "idn",
         "has-scheme", "javascript", "mailto", "no-dot", "ip-address", "not-an-address"],
)  # fmt: skip
def test_an_address_typed_without_its_scheme_is_completed(typed: str, completed: str) -> None:
    assert complete_blog_url(typed) == completed


def test_a_completed_address_is_then_checked_like_any_other() -> None:
    assert classify_blog_url(complete_blog_url("jane.blog"), RULES).passed
    assert classify_blog_url(complete_blog_url("www.linkedin.com/in/jane"), RULES).code == (
        "link.social-profile"
    )
