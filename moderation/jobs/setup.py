"""Which jobs this service can do, and which housekeeping it runs: from the settings.

Each kind of work registers here: e-mail (when an SMTP server is configured), pushing comment
files to the site's repository and running a deploy command (when those are switched on),
verifying Webmentions' sources.
A kind with no handler is not claimed: its jobs wait, visible to moderators.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .. import housekeeping
from ..deploy import setup as deploy_steps
from ..mailer import SMTPMailer
from ..notify import EMAIL
from ..webmention.verify import KIND as WEBMENTION
from ..webmention.verify import MAX_ATTEMPTS as WEBMENTION_ATTEMPTS
from .runner import Handler, JobRunner, Periodic

if TYPE_CHECKING:
    from ..service import CommentService
    from ..settings import Settings


def handlers(settings: Settings, service: CommentService) -> dict[str, Handler]:
    """The job kinds this service can do with these settings."""
    kinds: dict[str, Handler] = {}
    if settings["COMMENTS_SMTP_HOST"]:  # otherwise messages wait in the outbox
        kinds[EMAIL] = Handler(SMTPMailer(settings).send)
    kinds.update(deploy_steps.handlers(settings, service))  # git push, deploy command
    if service.webmentions is not None:
        kinds[WEBMENTION] = Handler(service.webmentions.run, max_attempts=WEBMENTION_ATTEMPTS)
    return kinds


def periodic_tasks(settings: Settings, service: CommentService) -> list[Periodic]:
    """Housekeeping that runs on a schedule inside the service."""
    tasks: list[Periodic] = []
    if hours := settings["COMMENTS_HOUSEKEEPING_HOURS"]:
        every = timedelta(hours=hours)
        client_days = settings["COMMENTS_CLIENT_DATA_DAYS"]
        spam_days = settings["COMMENTS_SPAM_DAYS"]
        jobs_days = settings["COMMENTS_DONE_JOBS_DAYS"]
        tasks += [
            Periodic(
                "erase-client-data",
                every,
                lambda: housekeeping.erase_client_data(service, client_days),
            ),
            Periodic("purge-spam", every, lambda: housekeeping.purge_spam(service, spam_days)),
            Periodic(
                "forget-done-jobs", every, lambda: housekeeping.forget_done_jobs(service, jobs_days)
            ),
        ]
    minutes = settings["COMMENTS_RECHECK_MINUTES"]
    if minutes and (settings["COMMENTS_AKISMET_KEY"] or settings["COMMENTS_VERIFY_LINKS"]):
        tasks.append(
            Periodic(
                "recheck-unavailable",
                timedelta(minutes=minutes),
                lambda: housekeeping.recheck_unavailable_holds(service),
            )
        )
    return tasks


def runner_from_settings(
    settings: Settings, service: CommentService, clock: Callable[[], datetime] | None = None
) -> JobRunner:
    """The service's runner; `clock` is the store's, so tests can move both together."""
    timing = {"clock": clock} if clock is not None else {}
    return JobRunner(
        service.store, handlers(settings, service), periodic_tasks(settings, service), **timing
    )
