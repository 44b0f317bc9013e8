"""Who may use /moderate: login and logout, sessions, CSRF checks and the failed-login limits.

A session is a random token in an HttpOnly, SameSite=Strict cookie scoped to /moderate; the
database keeps only its SHA-256, next to the session's CSRF token. Every POST must come from a
live session, from this service's own origin (Origin, else Referer, when the browser sends one)
and carry the session's CSRF token. The login form, before any session exists, is protected by
a double-submit token: a random value in a cookie and in the form, which must match.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import math
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..store.base import ModeratorSession
from .logins import LoginRules, check_password, login_limit, open_session, token_hash

logger = logging.getLogger(__name__)

SESSION_COOKIE = "moderate_session"
LOGIN_COOKIE = "moderate_login"
FLASH_COOKIE = "moderate_flash"
HOME = "/moderate"
LOGIN = "/moderate/login"
NO_STORE = {"Cache-Control": "no-store"}
# Enough for a page of bulk checkboxes; no file uploads; no field near a megabyte.
FORM_LIMITS: dict[str, Any] = {"max_files": 0, "max_fields": 300, "max_part_size": 16_384}


@dataclass(frozen=True)
class Page:
    """What a GET handler answers: a template under templates/moderate and its context."""

    template: str
    context: dict[str, object] = field(default_factory=dict)
    status_code: int = 200


@dataclass(frozen=True)
class Done:
    """What a POST handler answers: where to go back to, and the message to show there."""

    location: str
    message: str
    ok: bool = True


PageHandler = Callable[[Request, ModeratorSession], Awaitable[Page]]
ActionHandler = Callable[[Request, ModeratorSession, FormData], Awaitable[Done | Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


class Auth:
    """The cookie policy (Secure in production) and the checks around every /moderate route."""

    def __init__(self, *, secure: bool) -> None:
        self.secure = secure

    def page(self, handler: PageHandler) -> Endpoint:
        """A page for logged-in moderators; anyone else is sent to the login page (303)."""

        async def endpoint(request: Request) -> Response:
            session = await current_session(request)
            if session is None:
                return RedirectResponse(f"{LOGIN}?{urlencode({'next': _here(request)})}", 303)
            return self.render(request, await handler(request, session), session)

        return endpoint

    def action(self, handler: ActionHandler) -> Endpoint:
        """A change by a logged-in moderator, sent from one of this service's own pages."""

        async def endpoint(request: Request) -> Response:
            session = await current_session(request)
            if session is None:
                return refuse(request, "You are not logged in, or your session ended.")
            if not same_origin(request, self.secure):
                return refuse(request, "This form was sent from another site.")
            form = await request.form(**FORM_LIMITS)
            if not tokens_match(form.get("csrf"), session.csrf):
                return refuse(request, "This form is out of date or did not come from this site.")
            result = await handler(request, session, form)
            return result if isinstance(result, Response) else self.redirect(result)

        return endpoint

    def render(self, request: Request, page: Page, session: ModeratorSession | None) -> Response:
        """The page with what every moderation page shows: who is in, the form token, news."""
        flash = read_flash(request)
        context = {
            **page.context,
            "moderator": session.username if session else "",
            "csrf": session.csrf if session else "",
            "flash": flash,
            "here": _here(request),
        }
        response = request.app.state.templates.TemplateResponse(
            request, f"moderate/{page.template}", context, page.status_code, NO_STORE
        )
        if flash:
            self.clear_cookie(response, FLASH_COOKIE)
        return response

    def redirect(self, done: Done) -> Response:
        """303 back to a moderation page, with a one-minute message for it to show."""
        response = RedirectResponse(safe_next(done.location), 303, NO_STORE)
        value = ("ok:" if done.ok else "error:") + quote(done.message[:400])
        self.set_cookie(response, FLASH_COOKIE, value, max_age=60)
        return response

    def set_cookie(
        self, response: Response, name: str, value: str, *, max_age: int, path: str = HOME
    ) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=path,
            secure=self.secure,
            httponly=True,
            samesite="strict",
        )

    def clear_cookie(self, response: Response, name: str, *, path: str = HOME) -> None:
        self.set_cookie(response, name, "", max_age=0, path=path)

    async def login_page(self, request: Request) -> Response:
        """The login form; a logged-in moderator goes straight on."""
        target = safe_next(request.query_params.get("next", HOME))
        if await current_session(request) is not None:
            return RedirectResponse(target, 303)
        return self._login_form(request, target)

    async def login(self, request: Request) -> Response:
        """Check the password (after the failed-login limits and slowdown), start a session."""
        state = request.app.state
        form = await request.form(**FORM_LIMITS)
        forged = not same_origin(request, self.secure) or not tokens_match(
            form.get("csrf"), request.cookies.get(LOGIN_COOKIE, "")
        )
        if forged:
            return refuse(request, "This login form is out of date or did not come from here.")
        username = _text(form.get("username")).strip()[:100]
        target = safe_next(_text(form.get("next")) or HOME)
        ip = state.client_address.of(request)
        client = state.address_keys.of(ip)
        store, settings = state.service.store, state.settings
        rules = LoginRules.from_settings(settings)
        limit = await run_in_threadpool(login_limit, store, rules, username, ip, client)
        if limit.wait:
            message = (
                f"Too many failed logins. Try again in {math.ceil(limit.wait / 60)} minute(s)."
            )
            response = self._login_form(request, target, message, username, 429)
            response.headers["Retry-After"] = str(limit.wait)
            return response
        # The slowdown comes before the check, whatever its outcome: were only failures slowed,
        # a quick answer would mean success, and a guesser could hang up on every slow one.
        if limit.delay:
            await asyncio.sleep(limit.delay)
        password = _text(form.get("password"))
        ok = await run_in_threadpool(check_password, store, username, password, ip, client)
        if not ok:
            return self._login_form(request, target, "Wrong username or password.", username, 401)
        hours = settings["COMMENTS_SESSION_HOURS"]
        old = request.cookies.get(SESSION_COOKIE, "")
        token = await run_in_threadpool(open_session, store, username, hours, old)
        response = RedirectResponse(target, 303, NO_STORE)
        self.set_cookie(response, SESSION_COOKIE, token, max_age=int(hours * 3600))
        self.clear_cookie(response, LOGIN_COOKIE, path=LOGIN)
        return response

    async def logout(self, request: Request, session: ModeratorSession, form: FormData) -> Response:
        """End the session in the database (the cookie alone would outlive a stolen copy)."""
        token = request.cookies.get(SESSION_COOKIE, "")
        await run_in_threadpool(request.app.state.service.store.end_session, token_hash(token))
        logger.info("moderate: %r logged out", session.username)
        response = self.redirect(Done(LOGIN, "You are logged out."))
        self.clear_cookie(response, SESSION_COOKIE)
        return response

    def _login_form(
        self,
        request: Request,
        target: str,
        error: str = "",
        username: str = "",
        status_code: int = 200,
    ) -> Response:
        # Reuse the token of an open login form, so two tabs do not invalidate each other.
        token = request.cookies.get(LOGIN_COOKIE, "")
        if not (20 <= len(token) <= 100 and token.isascii()):
            token = secrets.token_urlsafe(32)
        context = {"login_token": token, "next": target, "error": error, "username": username}
        response = self.render(request, Page("login.html", context, status_code), None)
        self.set_cookie(response, LOGIN_COOKIE, token, max_age=3600, path=LOGIN)
        return response


async def current_session(request: Request) -> ModeratorSession | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token or len(token) > 200:
        return None
    return await run_in_threadpool(request.app.state.service.store.session, token_hash(token))


def tokens_match(sent: object, expected: str) -> bool:
    """Constant-time comparison; a missing or non-text field never matches."""
    if not isinstance(sent, str) or not sent or not expected:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


def same_origin(request: Request, https_proxy: bool) -> bool:
    """Whether Origin (else Referer), when sent, names this service; absent, the token decides.

    Ours: the address the request was sent to, COMMENTS_SERVICE_URL's origin, and in production
    the https form of the request's host (TLS usually ends at a proxy in front of us).
    """
    sent = request.headers.get("origin")
    if sent is None:
        referer = request.headers.get("referer")
        if not referer:
            return True
        parts = urlsplit(referer)
        sent = f"{parts.scheme}://{parts.netloc}"
    host = request.url.netloc.lower()
    ours = {f"{request.url.scheme}://{host}"}
    if https_proxy:
        ours.add(f"https://{host}")
    if service_url := request.app.state.settings["COMMENTS_SERVICE_URL"]:
        parts = urlsplit(service_url)
        ours.add(f"{parts.scheme}://{parts.netloc}".lower())
    return sent.lower() in ours


def read_flash(request: Request) -> dict[str, str] | None:
    kind, _, message = request.cookies.get(FLASH_COOKIE, "").partition(":")
    if kind not in ("ok", "error") or not message:
        return None
    return {"kind": kind, "message": unquote(message)[:400]}


def safe_next(target: str) -> str:
    """A moderation page on this site to go back to, never another site (open redirect)."""
    parts = urlsplit(target)
    unsafe = parts.scheme or parts.netloc or "\\" in target or not target.isprintable()
    if unsafe or not (parts.path == HOME or parts.path.startswith(HOME + "/")):
        return HOME
    return target


def refuse(request: Request, reason: str) -> Response:
    """403: nothing was changed, and what to do now."""
    return request.app.state.templates.TemplateResponse(
        request,
        "moderate/refused.html",
        {"reason": reason, "moderator": "", "csrf": "", "flash": None},
        status_code=403,
        headers=NO_STORE,
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _here(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")
