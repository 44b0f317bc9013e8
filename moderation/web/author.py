"""The author's part on the moderator page: reply as the author, correct a comment's text,
undo a rejection. Forms under each comment's page (templates/moderate/_author_tools.html);
the work is `moderation.authoring`'s and `CommentService.decide`'s, as from the CLI."""

from __future__ import annotations

from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.routing import Route

from .. import authoring
from ..errors import (
    CommentNotFound,
    IllegalTransition,
    InvalidSubmission,
    SettingsError,
    StaleDecision,
    Unpublishable,
)
from ..model import Action, Status
from ..store.base import ModeratorSession
from .auth import HOME, Auth, Done
from .moderate import NO_VERSION

REFUSED = (CommentNotFound, IllegalTransition, InvalidSubmission, SettingsError, Unpublishable)


async def reply(request: Request, session: ModeratorSession, form: FormData) -> Done:
    """Publish the author's answer to this comment at once."""
    comment_id = request.path_params["comment_id"]
    back = f"{HOME}/comments/{comment_id}"
    state = request.app.state
    try:
        author = authoring.Author.from_settings(state.settings)
        published = await run_in_threadpool(
            authoring.reply, state.service, author, comment_id, _field(form, "body"),
            session.username,
        )  # fmt: skip
    except REFUSED as error:
        return Done(back, f"Your reply was not published: {_sentence(error)}", ok=False)
    return Done(back, f"Your reply is published as #{published.id}, as {author.name}.")


async def edit(request: Request, session: ModeratorSession, form: FormData) -> Done:
    """Correct the text of the version the moderator read; the original stays in revisions."""
    comment_id = request.path_params["comment_id"]
    back = f"{HOME}/comments/{comment_id}"
    version = _version(form)
    if version is None:
        return Done(back, f"#{comment_id} was not changed: {NO_VERSION}", ok=False)
    reason = _field(form, "reason")[:500] or "text corrected"
    edit_version = partial(authoring.edit, expected_version=version)
    try:
        edited = await run_in_threadpool(
            edit_version,
            request.app.state.service,
            comment_id,
            _field(form, "body"),
            session.username,
            reason,
        )
    except StaleDecision as error:
        message = (
            f"#{comment_id} was not changed: it changed since you loaded the page (version"
            f" {error.current} now). Read it again below, then edit."
        )
        return Done(back, message, ok=False)
    except REFUSED as error:
        return Done(back, f"#{comment_id} was not changed: {_sentence(error)}", ok=False)
    published = " and its published page updated" if edited.status is Status.APPROVED else ""
    return Done(back, f"#{comment_id} corrected (version {edited.version}){published}.")


async def reopen(request: Request, session: ModeratorSession, form: FormData) -> Done:
    """Undo a rejection: pending again; nothing is reported to Akismet."""
    comment_id = request.path_params["comment_id"]
    back = f"{HOME}/comments/{comment_id}"
    version = _version(form)
    if version is None:
        return Done(back, f"#{comment_id} was not changed: {NO_VERSION}", ok=False)
    decide = partial(request.app.state.service.decide, expected_version=version)
    try:
        await run_in_threadpool(decide, comment_id, Action.REOPEN, session.username, "reopened")
    except (StaleDecision, *REFUSED) as error:
        return Done(back, f"#{comment_id} was not changed: {_sentence(error)}", ok=False)
    return Done(back, f"#{comment_id} is pending again; its rejection is undone.")


def routes(*, production: bool) -> list[Route]:
    auth = Auth(secure=production)
    one = f"{HOME}/comments/{{comment_id:int}}"
    return [
        Route(f"{one}/reply", auth.action(reply), methods=["POST"]),
        Route(f"{one}/edit", auth.action(edit), methods=["POST"]),
        Route(f"{one}/reopen", auth.action(reopen), methods=["POST"]),
    ]


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _version(form: FormData) -> int | None:
    value = _field(form, "version").strip()
    return int(value) if value.isdecimal() and len(value) < 10 else None


def _sentence(error: Exception) -> str:
    text = error.message if isinstance(error, InvalidSubmission) else str(error)
    return text if text.endswith(".") else text + "."
