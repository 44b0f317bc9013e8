"""The commenter's status page, reached by an unguessable token, and held-comment corrections."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from ..model import Comment, Status
from ..policy.guidance import guidance
from ..policy.ownership import signed_in_blog
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
    Status.HELD: "Correct your comment and send it again; a moderator can also approve it as it"
    " is.",
    Status.SPAM: "If you are a person, do as it says and send your comment again from the"
    " article; a moderator looks at spam too.",
    Status.APPROVED: "",
    Status.REJECTED: "",
}
# When no reason is one the commenter can act on (`policy.guidance`): no correction form,
# and no request to change anything.
WAITING_HEADLINES = {
    Status.HELD: "Your comment is waiting for a moderator, who will read it first:",
    Status.SPAM: HEADLINES[Status.SPAM],
}
WAITING_EXPLANATIONS = {
    Status.HELD: "There is nothing to change: your comment will appear under the article once a"
    " moderator approves it.",
    Status.SPAM: "There is nothing to change: a moderator looks at spam too, and can still"
    " approve your comment if this is a mistake.",
}


def describe(comment: Comment) -> dict[str, object]:
    """What the commenter may know: status, headline and the reasons addressed to them.

    `problems` carries each reason with the form field it concerns (or None) and whether the
    commenter can correct it; `reasons` is the same sentences alone, for simple clients.
    """
    problems = _problems(comment)
    waiting = comment.status in WAITING_HEADLINES and not any(p["correctable"] for p in problems)
    headlines, explanations = (
        (WAITING_HEADLINES, WAITING_EXPLANATIONS) if waiting else (HEADLINES, EXPLANATIONS)
    )
    return {
        "id": comment.id,
        "status": comment.status.value,
        "message": headlines[comment.status],
        "explanation": explanations[comment.status],
        "reasons": [p["reason"] for p in problems],
        "problems": problems,
        "can_correct": comment.status is Status.HELD and not waiting,
        "signed_in_blog": signed_in_blog(comment.review),  # "" unless they signed in with it
    }


def _problems(comment: Comment) -> list[dict[str, object]]:
    if comment.status is Status.REJECTED:
        reason = comment.decision_reason or "The moderator gave no further reason."
        return [{"reason": reason, "field": None, "correctable": False}]
    if comment.status not in (Status.HELD, Status.SPAM):
        return []
    problems = []
    for result in comment.review.failures:
        if result.outcome.reason:
            advice = guidance(result.outcome.code)
            problems.append(
                {
                    "reason": result.outcome.reason,
                    "field": advice.field,
                    "correctable": advice.correctable,
                }
            )
    return problems


def _reasons_by_field(problems: list[dict[str, object]]) -> dict[str, str]:
    """Each form field's reasons, as the ids of their list items (`aria-describedby`)."""
    ids: dict[str, list[str]] = {field: [] for field in ("name", "url", "email", "body")}
    for number, problem in enumerate(problems, start=1):
        if problem["field"] in ids:
            ids[str(problem["field"])].append(f"reason-{number}")
    return {field: " ".join(names) for field, names in ids.items()}


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
            "reasons_for": _reasons_by_field(_problems(comment)),
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
