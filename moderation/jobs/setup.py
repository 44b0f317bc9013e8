"""Which jobs this service can do, and which housekeeping it runs: from the settings.

Each kind of work registers here: e-mail (when an SMTP server is configured), pushing comment
files to the site's repository and running a deploy command (when those are switched on).
A kind with no handler is not claimed: its jobs wait, visible to moderators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .runner import Handler, JobRunner, Periodic

if TYPE_CHECKING:
    from ..service import CommentService
    from ..settings import Settings


def handlers(settings: Settings, service: CommentService) -> dict[str, Handler]:
    """The job kinds this service can do with these settings."""
    return {}


def periodic_tasks(settings: Settings, service: CommentService) -> list[Periodic]:
    """Housekeeping that runs on a schedule inside the service."""
    return []


def runner_from_settings(settings: Settings, service: CommentService) -> JobRunner:
    return JobRunner(service.store, handlers(settings, service), periodic_tasks(settings, service))
