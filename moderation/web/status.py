"""The commenter's status page, reached by an unguessable token, and held-comment corrections."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from ..model import Comment, Status
from ..sanitize import render
from .dispatch import run_service
from .forms import parse_submission

HEADLINES = {
    Status.PENDING: "Thank you: your comment is awaiting moderation.",
    Status.HELD: "Your comment is held. Here is why, and how to fix it:",
    Status.SPAM: "Your comment was classified as spam:",
    Status.APPROVED: "Your comment is published.",
    Status.REJECTED: "Your comment was not published.",
}
EXPLANATIONS = {
    Status.PENDING: "It will appear under the article once a moderator has read it.",
    Status.HELD: "Correct your comment below and send it again; a moderator can also approve"
    " it as it is.",
    Status.SPAM: "A moderator looks at spam too. If this is a mistake, nothing more is needed.",
    Status.APPROVED: "",
    Status.REJECTED: "",
}


def describe(comment: Comment) -> dict[str, object]:
    """What the commenter may know: status, headline and the reasons addressed to them."""
    reasons = comment.review.reasons if comment.status in (Status.HELD, Status.SPAM) else []
    if comment.status is Status.REJECTED:
        reasons = [comment.decision_reason or "The moderator gave no further reason."]
    return {
        "id": comment.id,
        "status": comment.status.value,
        "message": HEADLINES[comment.status],
        "explanation": EXPLANATIONS[comment.status],
        "reasons": reasons,
        "can_correct": comment.status is Status.HELD,
    }


async def status_page(request: Request) -> Response:
    state = request.app.state
    token = request.path_params["token"]
    if request.method == "POST":
        await correct(request, token)
        return RedirectResponse(request.url.path, status_code=303)
    comment = await run_in_threadpool(state.service.store.by_token, token)
    permalink = state.settings.permalink(comment.article) + f"#comment-{comment.id}"
    return state.templates.TemplateResponse(
        request,
        "status.html",
        {
            "comment": comment,
            "info": describe(comment),
            "preview": render(comment.body),
            "permalink": permalink,
            "article": state.service.articles.get(comment.article),
        },
        headers={"Cache-Control": "no-store"},
    )


async def status_json(request: Request) -> Response:
    state = request.app.state
    token = request.path_params["token"]
    if request.method == "POST":
        comment = await correct(request, token)
        status_code = 202
    else:
        comment = await run_in_threadpool(state.service.store.by_token, token)
        status_code = 200
    body = {**describe(comment), "status_url": state.status_url(request, token)}
    return JSONResponse(body, status_code=status_code, headers={"Cache-Control": "no-store"})


async def correct(request: Request, token: str) -> Comment:
    submission = await parse_submission(request)  # same checks and rate limit as a new one
    return await run_service(request, request.app.state.service.correct, token, submission)
