"""The ASGI application: routes, middleware and error pages, built from the settings file.

`uvicorn moderation.web.app:app_from_environment --factory` serves it; `moderate serve`
does the same with command-line options. With a site folder, it also serves the built
blog, so one process and one port give readers both.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..errors import CommentNotFound, IllegalTransition, InvalidSubmission
from ..formtoken import FormTokens
from ..indieauth import routes as indieauth
from ..service import CommentService
from ..settings import Settings
from ..webmention import receiver as webmention
from ..wiring import build_service, secret_key
from . import author, emaillinks, intake, moderate, outbox, status, subscriptions
from .forms import RateLimited, readable, sentence, wants_json
from .security import AddressKeys, ClientAddress, RateLimiter, SecurityHeaders
from .sitechrome import SiteChrome

HERE = Path(__file__).parent
LOOPBACK = ["127.0.0.1/32", "::1/128"]


def create_app(
    service: CommentService,
    settings: Settings,
    *,
    site_dir: Path | None = None,
    production: bool = False,
) -> Starlette:
    chrome = SiteChrome(settings)
    routes = [
        Route("/api/comments", intake.submit, methods=["POST"]),
        Route("/api/comments/token", intake.form_token, methods=["GET"]),
        Route("/api/comments/{token}", status.status_json, methods=["GET", "POST"]),
        Route("/comments/{token}", status.status_page, methods=["GET", "POST"]),
        *chrome.routes(),  # the theme's stylesheet and the favicon, for the status pages
        Mount("/comments-assets", StaticFiles(directory=HERE / "static"), name="assets"),
        Route("/healthz", health, methods=["GET"]),
        Route("/webmention", webmention.receive, methods=["POST"]),
        Route("/webmention/{token}", webmention.status, methods=["GET"]),
        *indieauth.routes(),
        Route(f"{moderate.HOME}/", moderator_home, methods=["GET"]),
        *moderate.routes(production=production),
        *outbox.routes(production=production),
        *emaillinks.routes(production=production),
        *author.routes(production=production),
        *subscriptions.routes(production=production),
    ]
    if site_dir is not None:
        routes.append(Mount("/", StaticFiles(directory=site_dir, html=True, check_dir=False)))
    origins = sorted({settings.site_origin, *settings["COMMENTS_ALLOWED_ORIGINS"]} - {""})
    app = Starlette(
        routes=routes,
        lifespan=_service_running,
        middleware=[
            Middleware(SecurityHeaders, production=production),
            Middleware(
                CORSMiddleware,
                allow_origins=origins,
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type"],
                max_age=600,
            ),
        ],
        exception_handlers={
            InvalidSubmission: invalid_submission,
            CommentNotFound: not_found,
            IllegalTransition: conflict,
        },
    )
    state = app.state
    state.settings = settings
    state.service = service
    secret = secret_key(settings)
    state.tokens = FormTokens(secret, settings["COMMENTS_FORM_MAX_AGE"])
    indieauth.install(state, settings, secret, service.store.use_form_nonce)
    # Limits live in the database every worker shares, keyed by an HMAC of the address.
    state.address_keys = AddressKeys(secret)
    state.limiter = RateLimiter(
        service.store,
        state.address_keys,
        settings["COMMENTS_RATE_LIMIT"],
        settings["COMMENTS_RATE_WINDOW"],
    )
    # In production a proxy on this host sits in front (docs/deploy.md): believe its
    # X-Forwarded-For unless the settings name the proxies.
    trusted = settings["COMMENTS_TRUSTED_PROXIES"] or (LOOPBACK if production else [])
    state.client_address = ClientAddress(trusted)
    state.max_request_bytes = settings["COMMENTS_MAX_REQUEST_BYTES"]
    state.policy_uses_network = bool(
        settings["COMMENTS_AKISMET_KEY"] or settings["COMMENTS_VERIFY_LINKS"]
    )
    state.templates = Jinja2Templates(directory=HERE / "templates")
    state.templates.env.globals["site_name"] = settings.get("SITENAME", "")
    state.templates.env.globals["site_url"] = settings.site_origin  # may be "": "/" then
    chrome.add_globals(state.templates.env)
    service_url = settings["COMMENTS_SERVICE_URL"].rstrip("/")
    state.status_url = lambda request, token: f"{service_url}/comments/{token}"
    return app


def app_from_environment() -> Starlette:
    """For uvicorn's --factory: settings file and options from MODERATE_* variables."""
    production = os.environ.get("MODERATE_PRODUCTION", "") == "1"
    default = "publishconf.py" if production else "pelicanconf.py"  # as `moderate serve` picks
    settings_file = Path(os.environ.get("MODERATE_SETTINGS", default)).resolve()
    settings = Settings.load(settings_file)
    site = os.environ.get("MODERATE_SITE_DIR")
    return create_app(
        build_service(settings, settings_file, live=True),
        settings,
        site_dir=Path(site) if site else None,
        production=production,
    )


@asynccontextmanager
async def _service_running(app: Starlette) -> AsyncIterator[None]:
    """The publisher's builder (its first build runs in the background) and the job runner
    start with the server and stop with it."""
    service = app.state.service
    service.start()
    try:
        yield
    finally:
        await run_in_threadpool(service.close)


async def health(request: Request) -> Response:
    return PlainTextResponse("ok")


async def moderator_home(request: Request) -> Response:
    """`/moderate/` as typed: without this the site's mount answers it, with a 404."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(moderate.HOME + query, status_code=308)


def _error(request: Request, status_code: int, message: str, field: str = "") -> Response:
    if wants_json(request):
        body = {"error": message, **({"field": field} if field else {})}
        return JSONResponse(body, status_code=status_code)
    return request.app.state.templates.TemplateResponse(
        request,
        "error.html",
        {"status_code": status_code, "message": message, "field": field},
        status_code=status_code,
    )


async def invalid_submission(request: Request, error: Exception) -> Response:
    assert isinstance(error, InvalidSubmission)
    response = _error(request, error.status, readable(error), error.field)
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


async def not_found(request: Request, error: Exception) -> Response:
    return _error(request, 404, "No comment here: check the address of your status page.")


async def conflict(request: Request, error: Exception) -> Response:
    message = f"{sentence(str(error))} Reload the page to see where the comment stands."
    return _error(request, 409, message)
