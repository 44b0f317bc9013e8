"""The Webmention endpoint: `POST /webmention` and the status URL it answers with.

Per the W3C Webmention Recommendation (3.2): `source` and `target`, form-encoded, both
http(s) URLs and different; the target must be one of our articles. The request is checked
for shape only (the same rate limit and size cap as a comment), recorded with its
verification job in one transaction, and answered 202 with a `Location` status URL; the
source is fetched later, asynchronously (`verify`). A GET of the status URL says where it
stands and never changes anything.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ..errors import CommentNotFound, InvalidSubmission
from ..store.mentions import Mention, MentionNotFound
from ..web.forms import FORM, RateLimited, media_type, read_fields
from .targets import is_web_url, same_page
from .verify import job_for

MAX_URL = 2000
STATES = {
    "received": "Received; the source is checked shortly.",
    "queued": "Verified; it waits for a moderator, as every comment does.",
    "no-link": "The source does not link to the target.",
    "gone": "The source is gone.",
    "refused": "The source cannot be fetched from here.",
    "failed": "The source could not be reached for hours; send the Webmention again later.",
}


async def receive(request: Request) -> Response:
    """Record a Webmention and answer 202 with its status URL, or 4xx naming the field."""
    state = request.app.state
    service = state.service
    verifier = service.webmentions
    if verifier is None or not state.settings["COMMENTS_WEBMENTION_URL"]:
        raise InvalidSubmission("webmention", "this blog does not accept Webmentions", 404)
    wait = await state.limiter.retry_after(state.client_address.of(request))
    if wait:
        raise RateLimited(wait)
    if media_type(request) != FORM:
        raise InvalidSubmission("content-type", f"send source and target as {FORM}", 415)
    fields = await read_fields(request, state.max_request_bytes)
    source, target = (_url(fields, name) for name in ("source", "target"))
    if same_page(source, target):
        raise InvalidSubmission("source", "the source and the target are the same page")
    found = verifier.urls.article(target)
    if found is None or found.slug not in service.articles:
        raise InvalidSubmission("target", f"{target[:200]} is not an article of this blog")
    mention = await run_in_threadpool(
        service.store.receive_webmention, source, target, found.slug, job_for
    )
    if service.jobs is not None:
        service.jobs.wake()
    status_url = f"{_service_url(request)}/webmention/{mention.token}"
    return PlainTextResponse(
        f"Accepted: the source will be checked.\nStatus: {status_url}\n",
        status_code=202,
        headers={"Location": status_url},
    )


def _url(fields: dict[str, str], name: str) -> str:
    value = fields.get(name, "").strip()
    if not value:
        raise InvalidSubmission(name, "is required")
    if len(value) > MAX_URL:
        raise InvalidSubmission(name, f"is longer than {MAX_URL} characters")
    if not is_web_url(value) or any(c.isspace() or ord(c) < 32 for c in value):
        raise InvalidSubmission(name, "must be an http:// or https:// URL")
    return value


def _service_url(request: Request) -> str:
    configured = request.app.state.settings["COMMENTS_SERVICE_URL"].rstrip("/")
    return configured or str(request.base_url).rstrip("/")


async def status(request: Request) -> Response:
    """Where one Webmention stands, as JSON: its state, and its comment's status if any."""
    store = request.app.state.service.store
    try:
        mention = await run_in_threadpool(store.webmention_by_token, request.path_params["token"])
    except MentionNotFound:
        return JSONResponse({"error": "no Webmention here"}, status_code=404)
    body = {**_describe(mention), "comment_status": await _comment_status(request, mention)}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def _describe(mention: Mention) -> dict[str, object]:
    return {
        "source": mention.source,
        "target": mention.target,
        "state": mention.state,
        "message": STATES.get(mention.state, mention.state),
        "received_at": mention.received_at.isoformat(),
        "checked_at": mention.checked_at.isoformat() if mention.checked_at else None,
    }


async def _comment_status(request: Request, mention: Mention) -> str | None:
    if mention.comment_id is None:
        return None
    try:
        comment = await run_in_threadpool(request.app.state.service.store.get, mention.comment_id)
    except CommentNotFound:
        return None
    return comment.status.value
