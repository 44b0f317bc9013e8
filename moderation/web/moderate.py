"""The moderators' web page: the queue, one comment, the audit log, and decisions on them.

Pages are plain HTML forms that work without JavaScript; `static/moderate.js` only adds
keyboard shortcuts. Every decision goes through `CommentService.decide` with the logged-in
moderator as the actor, so the web page and the `moderate` command leave the same audit rows,
publish the same files and send the same e-mails. Login, sessions and CSRF are `auth`'s.

Every decision form carries the version of each comment it shows, and the decision applies to
that version only: a comment corrected after the page was loaded is not decided, and the
moderator is shown what changed (docs/moderation-page.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.routing import Route

from ..articles import Article
from ..errors import CommentNotFound, IllegalTransition, StaleDecision, Unpublishable
from ..model import TRANSITIONS, Action, AuditEntry, Comment
from ..sanitize import render
from ..service import CommentService
from ..settings import Settings
from ..store.base import ModeratorSession
from .auth import HOME, LOGIN, Auth, Done, Page
from .presets import PRESET_REASONS, presets_for
from .queuefilters import QueueFilters, import_options, status_options

PAGE_SIZE = 25
MAX_ID = 2**63 - 1  # SQLite's largest integer: a longer number names no comment
# What a moderator may do from the page, in the order the buttons appear.
ACTIONS = (Action.APPROVE, Action.REJECT, Action.SPAM, Action.HAM, Action.UNPUBLISH)
DONE = {
    Action.APPROVE: "approved and published",
    Action.REJECT: "rejected",
    Action.SPAM: "marked as spam",
    Action.HAM: "marked as not spam (pending again)",
    Action.UNPUBLISH: "unpublished",
}
BULK_ACTIONS = (Action.APPROVE, Action.REJECT, Action.UNPUBLISH)
NO_VERSION = "the form does not say which version of the comment you read; reload the page."


@dataclass(frozen=True)
class Card:
    """One comment as the page shows it: the comment plus what the template cannot compute."""

    comment: Comment
    preview: str  # render(comment.body): the only place comment text becomes HTML
    article_title: str
    article_url: str
    blog_href: str  # "" unless http(s): a javascript: address must never become a link
    actions: tuple[Action, ...]
    reasons: tuple[str, ...]


def card(service: CommentService, settings: Settings, comment: Comment) -> Card:
    """The comment's view: the reject presets its failed checks suggest come first."""
    article = service.articles.get(comment.article)
    return Card(
        comment=comment,
        preview=render(comment.body),
        article_title=article.title if article else comment.article,
        article_url=settings.permalink(comment.article),
        blog_href=comment.blog_url if comment.blog_url.startswith(("https://", "http://")) else "",
        actions=tuple(a for a in ACTIONS if comment.status in TRANSITIONS[a]),
        reasons=presets_for(comment.review),
    )


async def queue_page(request: Request, session: ModeratorSession) -> Page:
    """The comments waiting (or any status, article, origin), newest first, a page at a time."""
    state = request.app.state

    def load() -> tuple[QueueFilters, list[Card], int, dict[str, int], dict[str, int]]:
        store = state.service.store
        sources = store.import_sources()
        filters = QueueFilters.from_query(request.query_params, sources)
        listing = (filters.statuses, filters.article or None)
        total = store.count(*listing, imported=filters.origin)
        offset = (filters.page - 1) * PAGE_SIZE
        comments = store.queue(*listing, PAGE_SIZE, offset, imported=filters.origin)
        cards = [card(state.service, state.settings, c) for c in comments]
        return filters, cards, total, store.stats(), sources

    filters, cards, total, counts, sources = await run_in_threadpool(load)
    page, pages = filters.page, max(1, -(-total // PAGE_SIZE))
    return Page(
        "queue.html",
        {
            "cards": cards,
            "total": total,
            "filters": filters,
            "status_options": status_options(counts),
            "import_options": import_options(sources),
            "can_unpublish": any(Action.UNPUBLISH in c.actions for c in cards),
            "articles": sorted(state.service.articles.articles().values(), key=_title),
            "page": page,
            "pages": pages,
            "prev_url": filters.url(page - 1) if page > 1 else "",
            "next_url": filters.url(page + 1) if page < pages else "",
            "presets": PRESET_REASONS,
        },
    )


async def comment_page(request: Request, session: ModeratorSession) -> Page:
    """One comment (e-mails link here) with its history and earlier versions."""
    state = request.app.state
    comment_id = request.path_params["comment_id"]

    def load() -> tuple[Card, list[AuditEntry], list[tuple[Comment, str]]]:
        store = state.service.store
        shown = card(state.service, state.settings, store.get(_known(comment_id)))
        versions = [(old, render(old.body)) for old in store.revisions(comment_id)]
        return shown, store.audit_log(100, comment_id), versions

    try:
        shown, history, revisions = await run_in_threadpool(load)
    except CommentNotFound:
        message = f"There is no comment #{comment_id}: it may have been purged or erased."
        return Page("missing.html", {"message": message}, 404)
    return Page("comment.html", {"card": shown, "history": history, "revisions": revisions})


async def audit_page(request: Request, session: ModeratorSession) -> Page:
    """The latest decisions: who did what to which comment, and why."""
    entries = await run_in_threadpool(request.app.state.service.store.audit_log, 200)
    return Page("audit.html", {"entries": entries})


async def decide(request: Request, session: ModeratorSession, form: FormData) -> Done:
    """One decision from a comment's buttons; a comment decided meanwhile is not a 500."""
    comment_id = request.path_params["comment_id"]
    back = _field(form, "next") or f"{HOME}/comments/{comment_id}"
    action = _action(_field(form, "action"), ACTIONS)
    if action is None:
        return Done(back, "Choose one of the buttons.", ok=False)
    reason = _reason(form)
    if action is Action.REJECT and not reason:
        return Done(back, f"#{comment_id}: choose or write a reason to reject it.", ok=False)
    version = _version(form, "version")
    if version is None:
        return Done(back, f"#{comment_id} was not changed: {NO_VERSION}", ok=False)
    service = request.app.state.service
    try:
        decided = await run_in_threadpool(
            partial(service.decide, expected_version=version),
            _known(comment_id),
            action,
            session.username,
            reason,
        )
    except StaleDecision as error:
        # Back to the comment itself, whatever page the form came from: the new words and
        # the earlier versions are there, with buttons that carry the new version.
        message = (
            f"#{comment_id} was not decided: it changed since you loaded the page (you saw"
            f" version {error.expected}, it is now version {error.current}). Read it again"
            " below, then decide."
        )
        return Done(f"{HOME}/comments/{comment_id}", message, ok=False)
    except Unpublishable as error:
        return Done(back, f"#{comment_id} was not approved: {error}.", ok=False)
    except (IllegalTransition, CommentNotFound) as error:
        return Done(back, f"#{comment_id} was not changed: {error}", ok=False)
    return Done(back, f"#{comment_id} {DONE[action]}{_renumbered(comment_id, decided.id)}.")


def _renumbered(asked: int, published: int) -> str:
    """The publisher gave the comment a new id: a published file held another comment there."""
    if asked == published:
        return ""
    return f" as #{published}: #{asked} belongs to another published comment"


async def bulk(request: Request, session: ModeratorSession, form: FormData) -> Done:
    """Approve, reject or unpublish the ticked comments; each is decided on its own, as from
    its buttons."""
    back = _field(form, "next") or HOME
    action = _action(_field(form, "action"), BULK_ACTIONS)
    ids = _ticked(form)
    if action is None or not ids:
        return Done(
            back, "Tick at least one comment, then choose Approve, Reject or Unpublish.", ok=False
        )
    reason = _reason(form)
    if action is Action.REJECT and not reason:
        return Done(back, "Choose or write a reason to reject the ticked comments.", ok=False)

    def apply() -> tuple[list[str], list[str]]:
        done, failed = [], []
        for comment_id in ids:
            version = _version(form, f"version-{comment_id}")
            if version is None:
                failed.append(f"comment {comment_id}: {NO_VERSION}")
                continue
            try:
                decided = request.app.state.service.decide(
                    comment_id, action, session.username, reason, expected_version=version
                )
                moved = decided.id != comment_id  # a published file held another comment there
                done.append(f"#{comment_id}" + (f" (now #{decided.id})" if moved else ""))
            except StaleDecision as error:
                failed.append(
                    f"comment {comment_id} changed since you loaded the page (you saw version"
                    f" {error.expected}, it is now version {error.current})"
                )
            except (IllegalTransition, CommentNotFound, Unpublishable) as error:
                failed.append(str(error))
        return done, failed

    done, failed = await run_in_threadpool(apply)
    message = f"{len(done)} comment(s) {DONE[action]}: " + ", ".join(done)
    if failed:
        message += ". Not decided: " + "; ".join(failed)
    return Done(back, message, ok=not failed)


def routes(*, production: bool) -> list[Route]:
    """The /moderate routes; `production` makes every cookie Secure."""
    auth = Auth(secure=production)
    return [
        Route(HOME, auth.page(queue_page), methods=["GET"]),
        Route(LOGIN, auth.login_page, methods=["GET"]),
        Route(LOGIN, auth.login, methods=["POST"]),
        Route(f"{HOME}/logout", auth.action(auth.logout), methods=["POST"]),
        Route(f"{HOME}/audit", auth.page(audit_page), methods=["GET"]),
        Route(f"{HOME}/bulk", auth.action(bulk), methods=["POST"]),
        Route(f"{HOME}/comments/{{comment_id:int}}", auth.page(comment_page), methods=["GET"]),
        Route(f"{HOME}/comments/{{comment_id:int}}/decide", auth.action(decide), methods=["POST"]),
    ]


def _ticked(form: FormData) -> list[int]:
    """The ticked comment numbers; anything else in the field is ignored."""
    values = [v for v in form.getlist("ids") if isinstance(v, str)]
    return sorted({int(v) for v in values if v.isdecimal() and len(v) < 19})


def _known(comment_id: int) -> int:
    if comment_id > MAX_ID:
        raise CommentNotFound(f"no comment with id {comment_id}")
    return comment_id


def _title(article: Article) -> str:
    return article.title.casefold()


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _version(form: FormData, name: str) -> int | None:
    """The comment version a form says the moderator read; None when it says none."""
    value = _field(form, name)
    return int(value) if value.isdecimal() and len(value) < 10 else None


def _action(value: str, allowed: tuple[Action, ...]) -> Action | None:
    return next((a for a in allowed if a.value == value), None)


def _reason(form: FormData) -> str:
    """The preset and the moderator's own words, either or both; the commenter reads this."""
    parts = (_field(form, "preset"), _field(form, "reason"))
    return " ".join(part for part in parts if part)[:1000]
