"""The service's worker for later work: due jobs with retries, and periodic housekeeping.

Everything it does is recorded in the store first, so a restart loses nothing: the runner
only claims what is due, runs it, and records the outcome. Jobs of a kind without a handler
(e-mail with no SMTP server configured) are left waiting, visible to moderators, until a
service that can do them starts. `tick()` does one round synchronously, which is what tests
drive with an injected clock; `start()` runs rounds on a thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..store.base import Store
from .model import QueuedJob

logger = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """A job that can never succeed as it is (a refused address): give up, do not retry."""


@dataclass(frozen=True)
class Handler:
    """How to do one kind of job, and how long to keep trying.

    `lease` must outlast one run: until it ends, no other worker takes the job, and after it
    the job counts as abandoned by a worker that died.
    """

    run: Callable[[QueuedJob], None]
    max_attempts: int = 20  # with the default back-off, about two and a half days of trying
    lease: timedelta = timedelta(minutes=5)


@dataclass(frozen=True)
class Periodic:
    """A housekeeping task, run at most once per `interval` by all workers together."""

    name: str
    interval: timedelta
    run: Callable[[], object]


@dataclass(frozen=True)
class Backoff:
    """Exponential back-off between attempts: first, first×2, first×4, … up to `longest`."""

    first: timedelta = timedelta(seconds=30)
    longest: timedelta = timedelta(hours=6)

    def after(self, attempts: int) -> timedelta:
        return min(self.longest, self.first * (2 ** max(0, attempts - 1)))


def _utc_now() -> datetime:
    return datetime.now(UTC)


class JobRunner:
    def __init__(
        self,
        store: Store,
        handlers: Mapping[str, Handler],
        periodic: Sequence[Periodic] = (),
        *,
        backoff: Backoff = Backoff(),
        clock: Callable[[], datetime] = _utc_now,
        poll_seconds: float = 5.0,
    ) -> None:
        self.store = store
        self.handlers = dict(handlers)
        self.periodic = list(periodic)
        self.backoff = backoff
        self.clock = clock
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> int:
        """One round: due periodic tasks, then every due job; returns how many jobs ran."""
        for task in self.periodic:
            if self.store.claim_schedule(task.name, task.interval):
                try:
                    task.run()
                except Exception:  # one failing task must not stop the others
                    logger.exception("jobs: periodic task %s failed", task.name)
        return self.run_due_jobs()

    def run_due_jobs(self) -> int:
        """Every due job, without the housekeeping: what a `moderate` command does before it
        exits, so its e-mail goes out even when no service runs."""
        done = 0
        for kind, handler in self.handlers.items():
            while jobs := self.store.claim_jobs([kind], limit=10, lease=handler.lease):
                for job in jobs:
                    self._run(job)
                    done += 1
                if self._stop.is_set():
                    return done
        return done

    def wake(self) -> None:
        """New work was recorded: run a round now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="jobs", daemon=True)
            self._thread.start()

    def close(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # the database was busy or gone: try again next round
                logger.exception("jobs: a round failed")
            self._wake.wait(self.poll_seconds)
            self._wake.clear()

    def _run(self, job: QueuedJob) -> None:
        handler = self.handlers[job.kind]
        try:
            handler.run(job)
        except PermanentFailure as error:
            logger.error("jobs: %s #%d failed for good: %s", job.kind, job.id, error)
            self.store.retry_job(job.id, str(error), None)
        except Exception as error:
            message = f"{type(error).__name__}: {error}"
            if job.attempts >= handler.max_attempts:
                logger.error("jobs: %s #%d gave up after %d attempts: %s",
                             job.kind, job.id, job.attempts, message)  # fmt: skip
                self.store.retry_job(job.id, message, None)
            else:
                due = self.clock() + self.backoff.after(job.attempts)
                logger.warning(
                    "jobs: %s #%d attempt %d failed, next at %s: %s",
                    job.kind, job.id, job.attempts, due.isoformat(), message,
                )  # fmt: skip
                self.store.retry_job(job.id, message, due)
        else:
            self.store.finish_job(job.id)
