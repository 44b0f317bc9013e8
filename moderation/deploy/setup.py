"""The deploy steps the settings switch on, wired to the service's store and publisher.

`decision_jobs` names what each publishing decision records in its transaction;
`handlers` builds the job handlers and hooks them to the publisher: after a comment file is
written the push is recorded again (a push that started before the file existed must be
followed by another), and after each rebuild the deploy is (see `command`).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..jobs.model import Job
from ..jobs.runner import Handler
from . import command, gitpush

if TYPE_CHECKING:
    from ..service import CommentService
    from ..settings import Settings

logger = logging.getLogger(__name__)


def decision_jobs(settings: Settings) -> tuple[Job, ...]:
    """One keyed job per step: ten approvals in a row ask for one push and one deploy."""
    jobs = []
    if settings["COMMENTS_GIT_PUSH"]:
        remote = settings["COMMENTS_GIT_REMOTE"]
        summary = f"Push the comment files to {remote}"
        jobs.append(Job(gitpush.KIND, {"summary": summary}, key=gitpush.KIND))
    if settings["COMMENTS_DEPLOY_COMMAND"]:
        program = Path(command.command_line(settings["COMMENTS_DEPLOY_COMMAND"], Path())[0])
        summary = f"Deploy the built site with {program.name}"  # not its arguments: tokens?
        jobs.append(Job(command.KIND, {"summary": summary}, key=command.KIND))
    return tuple(jobs)


def handlers(settings: Settings, service: CommentService) -> dict[str, Handler]:
    """The "git-push" and "deploy" handlers these settings ask for, hooked to the publisher."""
    from ..wiring import project_root

    kinds: dict[str, Handler] = {}
    publisher = service.publisher
    jobs = {job.kind: job for job in decision_jobs(settings)}

    def recorder(kind: str):
        def record() -> None:
            service.store.enqueue([jobs[kind]])
            if service.jobs is not None:
                service.jobs.wake()

        return record

    project = project_root(settings)
    timeout = float(settings["COMMENTS_DEPLOY_TIMEOUT"])
    if gitpush.KIND in jobs:
        repository = Path(settings["COMMENTS_GIT_REPOSITORY"] or ".")
        push = gitpush.GitPush(
            project / repository,  # a relative path starts at the project folder
            publisher.comments_dir,
            remote=settings["COMMENTS_GIT_REMOTE"],
            branch=settings["COMMENTS_GIT_BRANCH"],
            author=settings["COMMENTS_GIT_AUTHOR"],
            timeout=timeout,
            after_pull=lambda: take_in_published(service),
        )
        kinds[gitpush.KIND] = Handler(push, lease=_lease_for(timeout))
        publisher.after_write.append(recorder(gitpush.KIND))
    if command.KIND in jobs:
        output = Path(settings["OUTPUT_PATH"])
        deploy = command.DeployCommand(
            command.command_line(settings["COMMENTS_DEPLOY_COMMAND"], output),
            project,
            output,
            publisher,
            recorder(command.KIND),
            timeout,
        )
        # The deploy first waits for the build (up to 300 s), then runs for up to `timeout`.
        kinds[command.KIND] = Handler(deploy, lease=_lease_for(300.0 + timeout))
        publisher.after_build.append(deploy.after_build)
    return kinds


def _lease_for(seconds: float) -> timedelta:
    """A lease that outlasts a run of at most `seconds`, with a margin."""
    return timedelta(seconds=seconds * 1.5 + 60)


def take_in_published(service: CommentService) -> None:
    """The remote's commits came in: learn their comment files, write ours that moved, and
    rebuild with whatever else they changed (a post, a page)."""
    publisher = service.publisher
    report = service.store.reconcile(publisher.comments_dir)
    for old, new in report.moved:
        logger.warning("git-push: comment #%d is now #%d: the remote published #%d", old, new, old)
    for problem in report.problems:
        logger.warning("git-push: %s", problem)
    for comment in report.to_write:
        publisher.write(comment)
    publisher.schedule()
