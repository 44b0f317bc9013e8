"""IndieAuth sign-in against a real authorization server on loopback (tests/indieauth_server.py):
discovery every way the spec allows, the full exchange, and each answer that must prove
nothing. Every request to the blog goes through NetGuard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from indieauth_server import AuthServer, guard_for, s256, serving_auth_server
from starlette.requests import Request

from moderation.errors import InvalidSubmission
from moderation.indieauth.discovery import DiscoveryFailed, discover, link_header_rels
from moderation.indieauth.flow import Client, SignIn, SignInRefused, code_challenge
from moderation.indieauth.proof import ProofTokens
from moderation.indieauth.routes import _return_address, client_for
from moderation.model import CheckResult, Review, Submission
from moderation.netguard import NetGuard
from moderation.policy.ownership import signed_in, signed_in_blog, verified_author
from moderation.policy.trust import Trust
from moderation.settings import Settings
from moderation.wiring import secret_key

pytestmark = pytest.mark.slow
CLIENT = Client("https://blog.example/", "https://blog.example/indieauth/callback")


@pytest.fixture
def auth() -> Iterator[AuthServer]:
    with serving_auth_server() as server:
        yield server


class Spent:
    """The store's single-use nonces, in memory."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, nonce: str, keep: timedelta) -> bool:
        first = nonce not in self.seen
        self.seen.add(nonce)
        return first


def sign_in(auth: AuthServer) -> SignIn:
    return SignIn(guard_for(auth), "test-secret", Spent())


def approve(auth: AuthServer, authorize_url: str) -> dict[str, str]:
    """What a person does on the blog's server: open the page, press Approve; the answer back."""
    request = dict(parse_qsl(urlsplit(authorize_url).query))
    base = f"http://127.0.0.1:{auth.port}"
    headers = {"Host": f"juli.test:{auth.port}"}
    with httpx.Client(trust_env=False) as client:
        assert client.get(f"{base}/auth", params=request, headers=headers).status_code == 200
        back = client.post(f"{base}/auth/approve", data=request, headers=headers)
    assert back.status_code == 302
    location = back.headers["location"]
    assert location.startswith(CLIENT.redirect_uri + "?")
    return dict(parse_qsl(urlsplit(location).query))


def test_pkce_challenge_is_rfc7636_s256() -> None:
    # RFC 7636, appendix B.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@pytest.mark.parametrize("how", ["link-metadata", "html-metadata", "html-authorization"])
def test_discovery_finds_the_authorization_endpoint(auth: AuthServer, how: str) -> None:
    auth.discovery = how
    endpoints = discover(guard_for(auth), auth.url("/"))
    assert endpoints.authorization == auth.url("/auth")
    assert endpoints.issuer == ("" if how == "html-authorization" else auth.url("/"))


def test_discovery_without_an_endpoint_says_what_is_missing(auth: AuthServer) -> None:
    auth.discovery = "none"
    with pytest.raises(DiscoveryFailed, match="indieauth-metadata"):
        discover(guard_for(auth), auth.url("/"))


def test_discovery_goes_through_netguard() -> None:
    with pytest.raises(DiscoveryFailed, match="private"):
        discover(NetGuard(resolver=lambda host, port: ["10.0.0.5"]), "https://intranet.test/")


def test_link_header_parsing() -> None:
    values = [
        '</meta>; rel="indieauth-metadata", <https://a.test/auth>; rel=authorization_endpoint'
    ]
    assert link_header_rels(values, "https://blog.test/x") == {
        "indieauth-metadata": "https://blog.test/meta",
        "authorization_endpoint": "https://a.test/auth",
    }


def test_full_sign_in_returns_the_profile(auth: AuthServer) -> None:
    flow = sign_in(auth)
    authorize, cookie = flow.begin(f"http://JULI.test:{auth.port}", CLIENT, "/posts/x/")
    request = dict(parse_qsl(urlsplit(authorize).query))
    assert authorize.startswith(auth.url("/auth?"))
    assert request["response_type"] == "code" and request["code_challenge_method"] == "S256"
    assert (request["client_id"], request["me"]) == (CLIENT.client_id, auth.url("/"))
    pending = flow.pending(cookie)
    assert s256(pending.verifier) == request["code_challenge"] and len(pending.verifier) >= 43
    assert flow.finish(pending, approve(auth, authorize), CLIENT) == auth.url("/")
    assert auth.exchanges[0]["code_verifier"] == pending.verifier
    with pytest.raises(SignInRefused, match="already used"):
        flow.finish(pending, approve(auth, authorize), CLIENT)


def test_wrong_state_is_refused_before_any_exchange(auth: AuthServer) -> None:
    auth.forge_state = True
    flow = sign_in(auth)
    authorize, cookie = flow.begin(auth.url("/"), CLIENT, "/")
    with pytest.raises(SignInRefused, match="state differs"):
        flow.finish(flow.pending(cookie), approve(auth, authorize), CLIENT)
    assert auth.exchanges == []


def test_wrong_code_verifier_is_refused_by_the_server(auth: AuthServer) -> None:
    auth.tamper_challenge = True
    flow = sign_in(auth)
    authorize, cookie = flow.begin(auth.url("/"), CLIENT, "/")
    with pytest.raises(SignInRefused, match="code_verifier does not match"):
        flow.finish(flow.pending(cookie), approve(auth, authorize), CLIENT)


def test_profile_on_another_host_is_refused(auth: AuthServer) -> None:
    auth.me = auth.url("/", host="other.test")
    flow = sign_in(auth)
    authorize, cookie = flow.begin(auth.url("/"), CLIENT, "/")
    with pytest.raises(SignInRefused, match="another site"):
        flow.finish(flow.pending(cookie), approve(auth, authorize), CLIENT)


def test_an_answer_from_another_issuer_is_refused(auth: AuthServer) -> None:
    auth.me = auth.url("/")
    flow = sign_in(auth)
    authorize, cookie = flow.begin(auth.url("/"), CLIENT, "/")
    answer = approve(auth, authorize)
    answer["iss"] = "https://evil.test/"
    with pytest.raises(SignInRefused, match="issuer"):
        flow.finish(flow.pending(cookie), answer, CLIENT)


def test_a_forged_or_missing_cookie_is_refused(auth: AuthServer) -> None:
    flow = sign_in(auth)
    _, cookie = flow.begin(auth.url("/"), CLIENT, "/")
    for bad in ("", cookie[:-2] + "xx", SignIn(guard_for(auth), "other", Spent()).begin(
        auth.url("/"), CLIENT, "/")[1]):  # fmt: skip
        with pytest.raises(SignInRefused, match="no sign-in under way"):
            flow.pending(bad)


def test_proof_names_the_blog_it_was_issued_for() -> None:
    proofs = ProofTokens("secret", 7200)
    token = proofs.issue("https://juli.test/")
    assert proofs.blog_for(token, "http://Juli.test/about") == "https://juli.test/"
    with pytest.raises(InvalidSubmission, match="but the comment names the blog"):
        proofs.blog_for(token, "https://someone.else/")
    with pytest.raises(InvalidSubmission, match="could not be checked"):
        proofs.blog_for(token + "x", "https://juli.test/")
    with pytest.raises(InvalidSubmission, match="older than"):
        ProofTokens("secret", -1).blog_for(token, "https://juli.test/")


def test_a_signed_in_comment_counts_as_verified_for_the_badge_and_trust() -> None:
    review = Review((CheckResult("ownership", signed_in("Juli Ramírez", "https://juli.test/")),))
    assert (verified_author(review), signed_in_blog(review)) == (
        "Juli Ramírez",
        "https://juli.test/",
    )
    reason = Trust.from_setting(["verified-blog"], lambda submission: None).reason(
        Submission("a", "Juli Ramírez", "https://juli.test/", "hi"), review
    )
    assert reason == (
        "trusted (verified-blog): the commenter signed in with their blog https://juli.test/"
    )


def proof_for(live, blog: str) -> str:
    return ProofTokens(secret_key(live.settings), 7200).issue(blog)


def test_intake_records_the_sign_in_and_a_correction_keeps_it(live_server) -> None:
    blog = "https://juli.example/"
    fields = {
        "article": "coffee-meal-beer-rule",
        "name": "JULI RAMIREZ",  # shouting: held, and the commenter corrects it
        "url": "https://juli.example/",
        "body": "I tried the coffee rule at a meetup last week; the follow-ups felt natural.",
        "indieauth": proof_for(live_server, blog),
    }
    answer = httpx.post(f"{live_server.url}/api/comments", json=fields, timeout=10).json()
    assert (answer["status"], answer["can_correct"]) == ("held", True)
    [held] = live_server.service.store.queue()
    assert signed_in_blog(held.review) == blog
    correction = {**fields, "name": "Juli Ramirez", "indieauth": ""}
    corrected = httpx.post(
        live_server.url + answer["status_url"].replace("/comments/", "/api/comments/"),
        json=correction,
        timeout=10,
    )
    assert corrected.status_code == 202, corrected.text
    comment = live_server.service.store.get(held.id)
    assert verified_author(comment.review) == "Juli Ramirez"  # the corrected name
    assert signed_in_blog(live_server.service.review_again(comment)) == blog  # and a re-check
    page = httpx.get(live_server.url + answer["status_url"], timeout=10).text
    assert f"Your blog was verified: you signed in with {blog}" in page


@pytest.mark.parametrize(
    ("proof", "message"),
    [
        ("forged", "could not be checked"),
        ("other-blog", "but the comment names the blog https://juli.example/"),
    ],
)
def test_intake_refuses_a_bad_proof_and_saves_nothing(
    live_server, proof: str, message: str
) -> None:
    token = proof_for(live_server, "https://other.example/") if proof == "other-blog" else proof
    fields = {
        "article": "coffee-meal-beer-rule",
        "name": "Juli Ramirez",
        "url": "https://juli.example/",
        "body": "I tried the coffee rule at a meetup last week.",
        "indieauth": token,
    }
    response = httpx.post(f"{live_server.url}/api/comments", json=fields, timeout=10)
    assert (response.status_code, response.json()["field"]) == (400, "indieauth")
    assert message in response.json()["error"]
    assert live_server.service.store.queue() == []


@pytest.mark.parametrize(
    ("host", "service_url", "expected"),
    [
        # Behind the proxy the service sees http; the site's own address says https.
        ("blog.example", "", "https://blog.example/indieauth/callback"),
        ("127.0.0.1:8123", "", "http://127.0.0.1:8123/indieauth/callback"),
        ("blog.example", "https://comments.example", "https://comments.example/indieauth/callback"),
    ],
)
def test_redirect_uri_is_the_public_address(host: str, service_url: str, expected: str) -> None:
    settings = Settings({"SITEURL": "https://blog.example", "COMMENTS_SERVICE_URL": service_url})
    app = SimpleNamespace(state=SimpleNamespace(settings=settings))
    scope = {"type": "http", "scheme": "http", "path": "/indieauth/start", "query_string": b"",
             "headers": [(b"host", host.encode())], "app": app}  # fmt: skip
    client = client_for(Request(scope))
    assert (client.client_id, client.redirect_uri) == ("https://blog.example/", expected)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("https://blog.example/posts/x/#comments", "https://blog.example/posts/x/"),
        ("/posts/x/?a=1", "/posts/x/?a=1"),
        ("https://evil.example/posts/x/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/posts/\nx", "/"),
    ],
)
def test_the_way_back_leads_to_this_site_only(typed: str, expected: str) -> None:
    settings = Settings({"SITEURL": "https://blog.example"})
    app = SimpleNamespace(state=SimpleNamespace(settings=settings))
    scope = {"type": "http", "scheme": "http", "path": "/indieauth/start", "query_string": b"",
             "headers": [(b"host", b"blog.example")], "app": app}  # fmt: skip
    assert _return_address(Request(scope), typed) == expected
