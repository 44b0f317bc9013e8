"""The pages of reply notifications: confirm a request, stop the messages (`subscriptions`).

A link opens a page with one button; only the POST changes anything (mail scanners open
links). Stopping also answers the one-click POST of RFC 8058 that mail programs send to the
`List-Unsubscribe` address: no page, no origin check (the signed link is the credential, and
mail providers post from their own servers).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..store.subscriptions import CONFIRMED, STOPPED, UNCONFIRMED
from ..subscriptions import CONFIRM, PATH, STOP
from .auth import FORM_LIMITS, refuse, same_origin

HEADERS = {"Cache-Control": "no-store"}
REACHED = {CONFIRM: CONFIRMED, STOP: STOPPED}  # the state each button leads to
DONE = {
    CONFIRM: "Confirmed: we will e-mail you when a reply to your comment is published.",
    STOP: "Done: you will get no more e-mail about replies to this comment.",
}
ASK = {
    CONFIRM: ("Confirm reply notifications", "Yes, e-mail me replies"),
    STOP: ("Stop reply notifications", "Stop these e-mails"),
}


def routes(*, production: bool) -> list[Route]:
    def page(purpose: str):
        async def show(request: Request) -> Response:
            """Opening the link: one button, nothing changed."""
            return await _answer(request, purpose, change=False)

        return show

    def act(purpose: str):
        async def change(request: Request) -> Response:
            if purpose == CONFIRM and not same_origin(request, production):
                return refuse(request, "This form did not come from this service's page.")
            await request.form(**FORM_LIMITS)  # the button's form, or RFC 8058's one field
            return await _answer(request, purpose, change=True)

        return change

    token = "{token:str}"
    return [
        route
        for purpose in (CONFIRM, STOP)
        for route in (
            Route(f"{PATH}/{purpose}/{token}", page(purpose), methods=["GET"]),
            Route(f"{PATH}/{purpose}/{token}", act(purpose), methods=["POST"]),
        )
    ]


async def _answer(request: Request, purpose: str, *, change: bool) -> Response:
    service = request.app.state.service
    notices = service.replies
    if notices is None:
        return _page(request, purpose, "Reply notifications are switched off here.", 404)
    read = notices.read(request.path_params["token"], purpose)
    if isinstance(read, str):
        return _page(request, purpose, read, 400)
    store = service.store
    if change and purpose == CONFIRM:
        now = await run_in_threadpool(
            store.change_subscription, read, CONFIRMED, only_from=UNCONFIRMED
        )
    elif change:
        now = await run_in_threadpool(store.change_subscription, read, STOPPED)
    else:
        now = await run_in_threadpool(store.subscription, read)
    if now is None:
        return _page(request, purpose, "There is no such request any more.", 404)
    if now.state == REACHED[purpose]:
        return _page(request, purpose, DONE[purpose])
    if purpose == CONFIRM and now.state == STOPPED:
        message = "You stopped these e-mails since: tick the box again on your next comment."
        return _page(request, purpose, message, 409)
    return _page(request, purpose, "", ask=True)


def _page(
    request: Request, purpose: str, message: str, code: int = 200, *, ask: bool = False
) -> Response:
    title, button = ASK[purpose]
    context = {"title": title, "button": button, "message": message, "ask": ask}
    return request.app.state.templates.TemplateResponse(
        request, "replies.html", context, status_code=code, headers=HEADERS
    )
