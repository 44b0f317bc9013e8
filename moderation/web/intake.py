"""POST a comment (plain form or JSON) and fetch a form token: the static pages' doors in."""

from __future__ import annotations

from functools import partial

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from ..indieauth.proof import FIELD
from ..indieauth.review import sign_in_result
from ..indieauth.routes import checked_proof
from ..model import Comment
from .dispatch import run_service
from .forms import parse_submission_fields, wants_json
from .status import describe


async def submit(request: Request) -> Response:
    """Queue a comment; the answer comes only after it is committed. A commenter who signed in
    with their blog sends its proof: checked here, recorded in the comment's review."""
    submission, fields = await parse_submission_fields(request)
    proven = None
    if proof := fields.get(FIELD, "").strip():
        blog = checked_proof(request, proof, submission.blog_url)
        proven = sign_in_result(submission.name, blog)
    submit_comment = partial(request.app.state.service.submit, proven=proven)
    comment = await run_service(request, submit_comment, submission)
    return answer(request, comment)


def answer(request: Request, comment: Comment) -> Response:
    """202 with the status and reasons for the page's script; 303 to the status page otherwise."""
    status_url = request.app.state.status_url(request, comment.token)
    if wants_json(request):
        return JSONResponse({**describe(comment), "status_url": status_url}, status_code=202)
    return RedirectResponse(status_url, status_code=303)


async def form_token(request: Request) -> Response:
    """A signed token for the form of one article, fetched when the reader starts typing."""
    article = request.query_params.get("article", "")
    if article not in request.app.state.service.articles:
        return JSONResponse({"error": f"there is no article {article[:200]!r}"}, status_code=404)
    token = request.app.state.tokens.issue(article)
    return JSONResponse({"token": token}, headers={"Cache-Control": "no-store"})
