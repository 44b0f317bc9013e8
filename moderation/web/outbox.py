"""The moderators' outbox: e-mail and deploy jobs still waiting or given up, and "try again".

Nothing the service has to do later is hidden: with no SMTP server configured, messages wait
here (readable, so a moderator can still answer by hand); a message or a deploy that keeps
failing shows its attempts, next try and last error. "Try again" makes a job due now and
wakes the runner; it changes nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.routing import Route

from ..jobs.model import JobState, QueuedJob
from ..notify import EMAIL
from ..store.base import ModeratorSession
from .auth import HOME, Auth, Done, Page

OUTBOX = f"{HOME}/outbox"
SHOWN = 200  # newest first; more than that waiting means something is badly wrong anyway
MAX_ID = 2**63 - 1
IDLE_KINDS = {EMAIL: "e-mail is off (COMMENTS_SMTP_HOST is empty)"}


@dataclass(frozen=True)
class OutboxEntry:
    """One job as the page shows it: the job, and why it waits when nothing here can do it."""

    job: QueuedJob
    idle_reason: str  # "" when this service has a handler for the job's kind

    @property
    def email(self) -> dict[str, str] | None:
        """The message itself, for e-mail jobs."""
        payload = self.job.payload
        if self.job.kind != EMAIL:
            return None
        return {name: str(payload.get(name, "")) for name in ("to", "subject", "body")}


async def outbox_page(request: Request, session: ModeratorSession) -> Page:
    service = request.app.state.service
    handled = set(service.jobs.handlers) if service.jobs is not None else set()

    def load() -> tuple[list[QueuedJob], dict[tuple[str, JobState], int]]:
        jobs = service.store.jobs((JobState.PENDING, JobState.FAILED), limit=SHOWN)
        return jobs, service.store.job_counts()

    jobs, counts = await run_in_threadpool(load)
    entries = [OutboxEntry(job, _idle_reason(job.kind, handled)) for job in jobs]
    kinds = sorted({kind for kind, _ in counts})
    totals = [(kind, {state: counts.get((kind, state), 0) for state in JobState}) for kind in kinds]
    return Page(
        "outbox.html",
        {
            "entries": entries,
            "totals": totals,
            "email_off": EMAIL not in handled,
            "shown": SHOWN,
        },
    )


async def try_again(request: Request, session: ModeratorSession, form: FormData) -> Done:
    """A waiting or failed job becomes due now; a finished one is left alone."""
    job_id = request.path_params["job_id"]
    service = request.app.state.service
    again = job_id <= MAX_ID and await run_in_threadpool(service.store.send_job_again, job_id)
    if not again:
        return Done(OUTBOX, f"Job #{job_id} is done or gone: nothing to try again.", ok=False)
    if service.jobs is not None:
        service.jobs.wake()
    return Done(OUTBOX, f"Job #{job_id} will be tried again now.")


def routes(*, production: bool) -> list[Route]:
    auth = Auth(secure=production)
    return [
        Route(OUTBOX, auth.page(outbox_page), methods=["GET"]),
        Route(f"{OUTBOX}/{{job_id:int}}/retry", auth.action(try_again), methods=["POST"]),
    ]


def _idle_reason(kind: str, handled: set[str]) -> str:
    if kind in handled:
        return ""
    return IDLE_KINDS.get(kind, f"this service is not set up to run {kind!r} jobs")
