"""The two HTTP doors of "Sign in with your blog": start (POST) and the way back (GET).

Start answers with a small page that moves on to the blog's server (a meta refresh and a
link), not a redirect: the article's form may only post to us (`form-action 'self'`), and a
browser applies that to where a redirect goes too. The way back is a GET because IndieAuth
sends the browser back with one; what it changes (the sign-in's nonce, spent) is what makes
the answer single-use.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import quote, urlsplit, urlunsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import InvalidSubmission
from ..netguard import NetGuard
from ..settings import Settings
from ..web.forms import read_fields
from .flow import Client, NonceSpender, SignIn, SignInRefused
from .proof import FIELD, ProofTokens

START = "/indieauth/start"
CALLBACK = "/indieauth/callback"
COOKIE = "indieauth_sign_in"
_START_FIELDS_MAX_BYTES = 8_000


def routes() -> list[Route]:
    return [
        Route(START, start, methods=["POST"]),
        Route(CALLBACK, callback, methods=["GET"]),
    ]


def install(state: State, settings: Settings, secret: str, spend_nonce: NonceSpender) -> None:
    """Put the sign-in and the proof checker on the app's state (tests swap the guard)."""
    guard = NetGuard(timeout=settings["COMMENTS_LINK_TIMEOUT"])
    enabled = bool(settings["COMMENTS_INDIEAUTH_URL"])
    state.indieauth = SignIn(guard, secret, spend_nonce) if enabled else None
    state.indieauth_proofs = ProofTokens(secret, settings["COMMENTS_INDIEAUTH_PROOF_AGE"])


def client_for(request: Request) -> Client:
    """Our client_id (the site) and redirect_uri (the service), as the settings or the request
    name them."""
    settings = request.app.state.settings
    here = str(request.base_url).rstrip("/")
    if urlsplit(settings.site_origin).netloc == request.url.netloc:
        here = settings.site_origin  # behind the proxy: the site's https, not the proxy's http
    service = settings["COMMENTS_SERVICE_URL"].rstrip("/") or here
    return Client(f"{settings.site_origin or here}/", f"{service}{CALLBACK}")


def _return_address(request: Request, typed: str) -> str:
    """Where to bring the commenter back: a page of this site only, without its fragment."""
    if "\\" in typed or not typed.isprintable():
        return "/"  # browsers read "/\\evil.example" as "//evil.example": another site
    parts = urlsplit(typed.strip())
    ours = {
        urlsplit(str(request.base_url)).netloc,
        urlsplit(request.app.state.settings.site_origin).netloc,
    }
    if parts.scheme in ("http", "https") and parts.netloc in ours - {""}:
        return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
    if parts.path.startswith("/") and not parts.path.startswith("//") and not parts.netloc:
        return urlunsplit(("", "", parts.path, parts.query, ""))
    return "/"


async def start(request: Request) -> Response:
    """Discover the blog's server, remember the sign-in in a cookie, send the browser there."""
    state = request.app.state
    fields = await read_fields(request, _START_FIELDS_MAX_BYTES)
    return_to = _return_address(request, fields.get("return", ""))
    if state.indieauth is None:
        return _refused(request, "Signing in with your blog is turned off here.", return_to, 404)
    wait = await state.limiter.retry_after(state.client_address.of(request))
    if wait:
        message = f"Too many sign-ins in a short time: please wait {wait} seconds."
        return _refused(request, message, return_to, 429)
    begin = partial(state.indieauth.begin, fields.get("url", ""), client_for(request), return_to)
    try:
        authorize, cookie = await run_in_threadpool(begin)
    except SignInRefused as error:
        return _refused(request, str(error), return_to)
    response = state.templates.TemplateResponse(
        request,
        "indieauth_go.html",
        {"authorize": authorize},
        headers={"Cache-Control": "no-store"},
    )
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=state.indieauth.max_age,
        path=CALLBACK,
        secure=client_for(request).redirect_uri.startswith("https:"),
        httponly=True,
        samesite="lax",  # sent on the top-level GET back from the blog's server, not on posts
    )
    return response


async def callback(request: Request) -> Response:
    """Check the answer, redeem the code, and hand the form its proof in the URL fragment."""
    state = request.app.state
    if state.indieauth is None:
        return _refused(request, "Signing in with your blog is turned off here.", "/", 404)
    return_to = "/"
    try:
        pending = state.indieauth.pending(request.cookies.get(COOKIE, ""))
        return_to = pending.return_to
        finish = partial(state.indieauth.finish, pending, request.query_params, client_for(request))
        me = await run_in_threadpool(finish)
    except SignInRefused as error:
        response = _refused(request, str(error), return_to)
    else:
        proof = state.indieauth_proofs.issue(me)
        response = Response(status_code=303, headers={"Cache-Control": "no-store"})
        response.headers["Location"] = f"{return_to}#{FIELD}={proof}&blog={quote(me, safe='')}"
    response.delete_cookie(COOKIE, path=CALLBACK)
    return response


def _refused(request: Request, message: str, return_to: str, status: int = 400) -> Response:
    text = message if message.endswith(".") else f"{message}."
    return request.app.state.templates.TemplateResponse(
        request,
        "indieauth_error.html",
        {"message": text, "return_to": return_to},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def checked_proof(request: Request, token: str, blog_url: str) -> str:
    """The signed-in blog a comment's proof names; InvalidSubmission when it is not good."""
    if request.app.state.indieauth is None:
        raise InvalidSubmission(FIELD, "Signing in with your blog is turned off here.")
    return request.app.state.indieauth_proofs.blog_for(token, blog_url)
