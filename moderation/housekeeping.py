"""Housekeeping the service does on a schedule, so no promise depends on someone's cron job.

Retention (client data, spam, finished jobs) keeps what docs/service.md says is kept for as
long as it says; the Akismet re-check moves on comments held only because Akismet could not
answer, as WordPress's Akismet plugin does on a timer. Each task is a `Periodic` registered
in `jobs.setup`; the store makes sure only one worker runs it per interval.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from .errors import CommentNotFound, IllegalTransition
from .model import Comment, Status

if TYPE_CHECKING:
    from .service import CommentService

logger = logging.getLogger(__name__)

AKISMET_UNAVAILABLE = "spam.akismet-unavailable"
_PAGE = 200


def erase_client_data(service: CommentService, days: int) -> int:
    erased = service.store.erase_client_data(timedelta(days=days))
    if erased:
        logger.info("housekeeping: erased IP address and user agent of %d comment(s)", erased)
    return erased


def purge_spam(service: CommentService, days: int) -> int:
    purged = service.store.purge_spam(timedelta(days=days))
    if purged:
        logger.info("housekeeping: deleted %d spam comment(s) older than %d days", purged, days)
    return purged


def forget_done_jobs(service: CommentService, days: int) -> int:
    forgotten = service.store.forget_done_jobs(timedelta(days=days))
    if forgotten:
        logger.info("housekeeping: forgot %d finished job(s)", forgotten)
    return forgotten


def recheck_akismet_holds(service: CommentService) -> int:
    """Run the policy again on comments held because Akismet did not answer; how many moved.

    Oldest first. When Akismet still cannot answer, the round stops without recording
    anything: asking again about every other comment would only fail the same way, and the
    audit log should not gain a line per comment per hour of an outage.
    """
    moved = 0
    for comment in waiting_for_akismet(service):
        review = service.policy.run(comment.submission())
        if any(r.outcome.code == AKISMET_UNAVAILABLE for r in review.failures):
            logger.info("housekeeping: Akismet still unavailable; re-check later")
            break
        try:
            service.store.recheck(comment.id, review)
        except (IllegalTransition, CommentNotFound):
            continue  # corrected, decided or erased meanwhile: no longer ours to re-check
        moved += 1
    if moved:
        logger.info("housekeeping: re-checked %d comment(s) held while Akismet was away", moved)
    return moved


def waiting_for_akismet(service: CommentService) -> list[Comment]:
    """Held comments whose review says Akismet could not answer, oldest first."""
    found: list[Comment] = []
    offset = 0
    while page := service.store.queue(Status.HELD, limit=_PAGE, offset=offset):
        found += [c for c in page if _waits_for_akismet(c)]
        offset += len(page)
    return found[::-1]


def _waits_for_akismet(comment: Comment) -> bool:
    return any(r.outcome.code == AKISMET_UNAVAILABLE for r in comment.review.failures)
