"""The store's contract for work done after the answer: the job queue (e-mail, deploys,
periodic tasks) and the reply subscriptions whose messages it carries.

Part of `base.Store`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from ..jobs.model import Job, JobState, QueuedJob

if TYPE_CHECKING:
    from .subscriptions import Compose as SubscriptionMail
    from .subscriptions import Limit, Subscription


class JobQueue(Protocol):
    """Jobs recorded with the change that causes them, leased to one worker at a time."""

    def enqueue(self, jobs: Sequence[Job]) -> list[int]:
        """Record work to do now (a keyed job already waiting is not added twice)."""
        ...

    def claim_jobs(
        self, kinds: Collection[str], limit: int = 10, lease: timedelta = timedelta(minutes=5)
    ) -> list[QueuedJob]:
        """Due jobs of these kinds, leased to the caller: nobody else runs them meanwhile."""
        ...

    def finish_job(self, job_id: int) -> None:
        """A claimed job succeeded."""
        ...

    def retry_job(self, job_id: int, error: str, due_at: datetime | None) -> None:
        """A claimed job failed: try again at `due_at`, or give up (None)."""
        ...

    def send_job_again(self, job_id: int) -> bool:
        """A moderator asks for a waiting or failed job to run now; False if it is done."""
        ...

    def jobs(
        self,
        states: Collection[JobState] = (JobState.PENDING, JobState.FAILED),
        kinds: Collection[str] = (),
        limit: int = 50,
    ) -> list[QueuedJob]:
        """Jobs in these states, newest first: what moderators see as waiting or failed."""
        ...

    def job_counts(self) -> dict[tuple[str, JobState], int]:
        """How many jobs of each kind are in each state."""
        ...

    def forget_done_jobs(self, older_than: timedelta) -> int:
        """Delete jobs that finished that long ago; returns how many."""
        ...

    def claim_schedule(self, name: str, interval: timedelta) -> bool:
        """True for exactly one caller when the periodic task `name` is due; it runs it."""
        ...


class ReplySubscriptions(Protocol):
    """Commenters who asked to hear of replies, and the messages queued for them."""

    def subscribe(
        self, comment_id: int, email: str, compose: SubscriptionMail, limit: Limit
    ) -> Subscription | None:
        """Record a request for reply notifications and queue its confirmation message (one
        transaction); None when already subscribed or over the address's limit."""
        ...

    def subscription(self, subscription_id: int) -> Subscription | None: ...

    def change_subscription(
        self, subscription_id: int, to: str, *, only_from: str | None = None
    ) -> Subscription | None:
        """Confirm or stop a subscription (only one in state `only_from`, when given)."""
        ...

    def notify_subscribers(
        self, parent_id: int, replier_email: str, compose: SubscriptionMail, limit: Limit
    ) -> list[Subscription]:
        """Queue the notifications of a published reply to `parent_id`, within limits."""
        ...
