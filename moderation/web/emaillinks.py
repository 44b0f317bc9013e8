"""Deciding from the moderator's e-mail: a confirmation page, then one decision.

The link (`moderation/emaillinks.py`) is the credential, so a moderator on a phone needs no
login. Opening it (GET) only shows the comment with Approve and Reject buttons: mail
scanners and link previews open links, and must decide nothing. The POST claims the link's
nonce, then decides through `CommentService.decide` on the version the e-mail described: a
comment changed since is not decided (and the link is given back). The page answers
no-store, and other sites get no Referer (the token is in its URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..emaillinks import EmailLink, EmailLinks, LinkProblem
from ..errors import CommentNotFound, IllegalTransition, StaleDecision, Unpublishable
from ..model import TRANSITIONS, Action, Comment
from ..store.emaillinks import UsedLink
from .auth import FORM_LIMITS, HOME, refuse, same_origin
from .moderate import Card, card

PATH = f"{HOME}/mail"
# same-origin, not no-referrer: with no-referrer, browsers send `Origin: null` on the POST,
# which `same_origin` refuses. Other sites never see the URL and its token.
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin"}
CHOICES = (Action.APPROVE, Action.REJECT)


@dataclass(frozen=True)
class Situation:
    """What the page shows for a valid link: the comment, and whether the link can decide."""

    comment: Comment | None
    used: UsedLink | None
    open: bool  # the comment is at the link's version and may be approved or rejected


async def confirm(request: Request) -> Response:
    """The confirmation page; changes nothing, whoever (or whatever) opens it."""
    read = _read(request)
    if not isinstance(read, tuple):
        return read
    _, link = read
    situation = await run_in_threadpool(_situation, request, link)
    return _page(request, link, situation)


def routes(*, production: bool) -> list[Route]:
    async def decide(request: Request) -> Response:
        """The one decision a link allows, asked for by its page's button."""
        if not same_origin(request, production):
            return refuse(request, "This form did not come from this service's page.")
        read = _read(request)
        if not isinstance(read, tuple):
            return read
        links, link = read
        form = await request.form(**FORM_LIMITS)
        action = next((a for a in CHOICES if a.value == form.get("action")), None)
        parts = (_text(form.get("preset")), _text(form.get("reason")))
        reason = " ".join(part for part in parts if part)[:1000]
        if action is None or (action is Action.REJECT and not reason):
            situation = await run_in_threadpool(_situation, request, link)
            message = "Choose a reason to reject it." if action else "Choose Approve or Reject."
            return _page(request, link, situation, message, 400)
        reason = reason if action is Action.REJECT else ""  # an approval's reason is unused
        error = await run_in_threadpool(_decide, request, links, link, action, reason)
        if error:
            situation = await run_in_threadpool(_situation, request, link)
            return _page(request, link, situation, error, 409)
        return RedirectResponse(request.url.path, 303, headers=HEADERS)

    token = "{token:str}"
    return [
        Route(f"{PATH}/{token}", confirm, methods=["GET"]),
        Route(f"{PATH}/{token}", decide, methods=["POST"]),
    ]


def _decide(
    request: Request, links: EmailLinks, link: EmailLink, action: Action, reason: str
) -> str:
    """Claim the link, then decide; '' when done, else why not (the link is given back)."""
    service = request.app.state.service
    keep = timedelta(seconds=links.max_age)
    if not service.store.use_email_link(link.nonce, link.comment_id, keep):
        return "This link was already used."
    try:
        service.decide(
            link.comment_id,
            action,
            f"{link.moderator} (e-mail link)",
            reason,
            expected_version=link.version,
        )
    except StaleDecision as error:
        problem = (
            f"Nothing was decided: the comment changed after this e-mail was sent (version"
            f" {error.current} now, the e-mail showed version {error.expected})."
        )
    except (IllegalTransition, Unpublishable, CommentNotFound) as error:
        problem = f"Nothing was decided: {error}."
    else:
        return ""
    service.store.give_back_email_link(link.nonce)
    return problem


def _read(request: Request) -> tuple[EmailLinks, EmailLink] | Response:
    """The valid link of this URL, or the page that says why it is not one."""
    service = request.app.state.service
    links: EmailLinks | None = service.notifier.links
    if links is None:
        return _problem(request, 404, "Deciding from e-mail is switched off on this service.")
    link = links.read(request.path_params["token"])
    if isinstance(link, LinkProblem):
        return _problem(request, 410 if link.expired else 400, link.message)
    if link.moderator not in service.notifier.moderators:
        return _problem(request, 403, f"{link.moderator} is no longer one of the moderators.")
    return links, link


def _situation(request: Request, link: EmailLink) -> Situation:
    store = request.app.state.service.store
    used = store.used_email_link(link.nonce)
    try:
        comment = store.get(link.comment_id)
    except CommentNotFound:
        return Situation(None, used, False)
    decidable = any(comment.status in TRANSITIONS[action] for action in CHOICES)
    return Situation(comment, used, used is None and decidable and comment.version == link.version)


def _page(
    request: Request, link: EmailLink, situation: Situation, message: str = "", code: int = 200
) -> Response:
    state = request.app.state
    shown: Card | None = None
    if situation.comment is not None:
        shown = card(state.service, state.settings, situation.comment)
    context = {"link": link, "situation": situation, "card": shown, "message": message}
    return state.templates.TemplateResponse(
        request, "emaillink.html", context, status_code=code, headers=HEADERS
    )


def _problem(request: Request, code: int, message: str) -> Response:
    return request.app.state.templates.TemplateResponse(
        request,
        "emaillink_refused.html",
        {"message": message},
        status_code=code,
        headers=HEADERS,
    )


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
