"""Housekeeping the service does on a schedule, so no promise depends on someone's cron job.

Retention (client data, spam, finished jobs) keeps what docs/service.md says is kept for as
long as it says; the re-check moves on comments held only because a check could not reach
the outside world (Akismet, or the commenter's blog while this server's network was down), as
WordPress's Akismet plugin does on a timer. Each task is a `Periodic` registered
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
LINK_CHECK_UNAVAILABLE = "link.check-unavailable"
# Holds that say nothing about the comment, only that a check could not be made.
UNAVAILABLE = frozenset({AKISMET_UNAVAILABLE, LINK_CHECK_UNAVAILABLE})
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


def recheck_unavailable_holds(service: CommentService) -> int:
    """Run the policy again on comments held because a check could not be made; how many moved.

    Oldest first. When the check still cannot be made, the round stops without recording
    anything: asking again about every other comment would only fail the same way, and the
    audit log should not gain a line per comment per hour of an outage.
    """
    moved = 0
    for comment in waiting_for_a_check(service):
        review = service.review_again(comment)
        if still := _unavailable(review.failures):
            logger.info("housekeeping: %s still; re-check later", ", ".join(sorted(still)))
            break
        try:
            service.store.recheck(comment.id, review)
        except (IllegalTransition, CommentNotFound):
            continue  # corrected, decided or erased meanwhile: no longer ours to re-check
        moved += 1
    if moved:
        logger.info("housekeeping: re-checked %d comment(s) held while a check was away", moved)
    return moved


def waiting_for_a_check(service: CommentService) -> list[Comment]:
    """Held comments whose review says a check could not be made, oldest first."""
    found: list[Comment] = []
    offset = 0
    while page := service.store.queue(Status.HELD, limit=_PAGE, offset=offset):
        found += [c for c in page if _unavailable(c.review.failures)]
        offset += len(page)
    return found[::-1]


def _unavailable(failures) -> set[str]:
    return {r.outcome.code for r in failures} & UNAVAILABLE
