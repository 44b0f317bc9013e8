"""The sign-in itself (IndieAuth, "Authentication"): request, redirect back, code exchange.

What the browser must not be able to change stays with us: the state, the PKCE verifier, the
blog entered and the endpoint discovered travel in a signed, HttpOnly cookie that lives ten
minutes, and each sign-in's nonce is spent once in the store. The answer is believed only
when its `state` is ours, its `iss` is the issuer the metadata named, the blog's server
accepts our `code_verifier`, and the profile URL it returns is on the host the commenter
entered (and, when it is another page there, declares the same authorization endpoint).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..netguard import FetchError, NetGuard
from .discovery import DiscoveryFailed, Endpoints, discover
from .profile import NotAProfileUrl, profile_url, same_site

NonceSpender = Callable[[str, timedelta], bool]  # True the first time a nonce is seen


class SignInRefused(Exception):
    """The sign-in did not prove anything; the message says why, for the commenter."""


@dataclass(frozen=True)
class Pending:
    """One sign-in under way, as its cookie holds it."""

    state: str
    verifier: str
    entered: str
    endpoint: str
    issuer: str
    return_to: str
    nonce: str


@dataclass(frozen=True)
class Client:
    """Who we are to the blog's server: our site's URL and where it sends the browser back."""

    client_id: str
    redirect_uri: str


def code_challenge(verifier: str) -> str:
    """PKCE S256: BASE64URL(SHA256(verifier)) without padding (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _said(error: object, description: object) -> str:
    """An OAuth error and its description, bounded: the other side's words, quoted."""
    text = str(error)[:100]
    return f"{text}: {str(description)[:300]}" if description else text


class SignIn:
    """Starts and finishes sign-ins; keeps nothing in memory between the two."""

    def __init__(
        self, guard: NetGuard, secret: str, spend_nonce: NonceSpender, max_age: int = 600
    ) -> None:
        self.guard = guard
        self.spend_nonce = spend_nonce
        self.max_age = max_age
        self._cookies = URLSafeTimedSerializer(secret, salt="indieauth-sign-in")

    def begin(self, typed_url: str, client: Client, return_to: str) -> tuple[str, str]:
        """The authorization URL to send the browser to, and the cookie that remembers it."""
        try:
            entered = profile_url(typed_url)
        except NotAProfileUrl as error:
            raise SignInRefused(f"Your blog's address cannot be signed in with: {error}") from None
        try:
            endpoints: Endpoints = discover(self.guard, entered)
        except DiscoveryFailed as error:
            raise SignInRefused(str(error)) from None
        pending = Pending(
            state=secrets.token_urlsafe(24),
            verifier=secrets.token_urlsafe(48),  # 64 characters, within RFC 7636's 43 to 128
            entered=entered,
            endpoint=endpoints.authorization,
            issuer=endpoints.issuer,
            return_to=return_to,
            nonce=secrets.token_urlsafe(16),
        )
        query = urlencode(
            {
                "response_type": "code",
                "client_id": client.client_id,
                "redirect_uri": client.redirect_uri,
                "state": pending.state,
                "code_challenge": code_challenge(pending.verifier),
                "code_challenge_method": "S256",
                "me": entered,
            }
        )
        separator = "&" if urlsplit(pending.endpoint).query else "?"
        return f"{pending.endpoint}{separator}{query}", self._cookies.dumps(asdict(pending))

    def pending(self, cookie: str) -> Pending:
        """The sign-in this browser started, or SignInRefused (none, forged or too old)."""
        try:
            return Pending(**self._cookies.loads(cookie, max_age=self.max_age))
        except (BadSignature, TypeError):
            raise SignInRefused(
                "This browser has no sign-in under way (it was never started here, or it took"
                f" longer than {self.max_age // 60} minutes): start again from the article"
            ) from None

    def finish(self, pending: Pending, answer: Mapping[str, str], client: Client) -> str:
        """The profile URL the commenter proved is theirs, or SignInRefused saying why."""
        if "error" in answer:
            said = _said(answer["error"], answer.get("error_description", ""))
            raise SignInRefused(f"Your blog's server did not sign you in ({said})")
        if not hmac.compare_digest(answer.get("state", ""), pending.state):
            raise SignInRefused(
                "The answer that came back is not for the sign-in this browser started (its"
                " state differs): nothing was verified; start again from the article"
            )
        if not self.spend_nonce(f"indieauth:{pending.nonce}", timedelta(seconds=self.max_age)):
            raise SignInRefused("This sign-in was already used: start again from the article")
        if pending.issuer and answer.get("iss", "") != pending.issuer:
            raise SignInRefused(
                f"The answer names the issuer {answer.get('iss', '(none)')[:200]!r}, not your"
                f" blog's server {pending.issuer}: nothing was verified"
            )
        me = self._redeem(pending, answer.get("code", ""), client)
        self._check_profile(pending, me)
        return me

    def _redeem(self, pending: Pending, code: str, client: Client) -> str:
        """POST the code with our PKCE verifier to the authorization endpoint; its `me`."""
        if not code:
            raise SignInRefused("Your blog's server sent no authorization code back")
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client.client_id,
            "redirect_uri": client.redirect_uri,
            "code_verifier": pending.verifier,
        }
        try:
            answer = self.guard.post(pending.endpoint, form)
        except FetchError as error:
            raise SignInRefused(f"Your blog's server could not be asked: {error.message}") from None
        try:
            body = json.loads(answer.body)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise SignInRefused(f"Your blog's server answered HTTP {answer.status}, not JSON")
        if answer.status != 200:
            said = _said(body.get("error", "an error"), body.get("error_description", ""))
            raise SignInRefused(f"Your blog's server refused the sign-in ({said})")
        me = body.get("me")
        if not isinstance(me, str) or not me:
            raise SignInRefused("Your blog's server did not say which blog signed in")
        return me

    def _check_profile(self, pending: Pending, me: str) -> None:
        """The returned profile URL must be the entered blog's: same host, same endpoint."""
        try:
            returned = profile_url(me)
        except NotAProfileUrl:
            message = f"Your blog's server answered with {me[:200]!r}, not a blog"
            raise SignInRefused(message) from None
        if not same_site(returned, pending.entered):
            raise SignInRefused(
                f"Your blog's server signed you in as {returned[:200]}, which is on another site"
                f" than the blog you entered ({pending.entered}): nothing was verified"
            )
        if returned != pending.entered:
            try:
                endpoint = discover(self.guard, returned).authorization
            except DiscoveryFailed as error:
                raise SignInRefused(str(error)) from None
            if endpoint != pending.endpoint:
                raise SignInRefused(
                    f"{returned[:200]} names another IndieAuth server than {pending.entered}:"
                    " nothing was verified"
                )
