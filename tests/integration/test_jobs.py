"""The durable job queue: recorded with its cause, run once, retried with back-off, never lost."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from clock import Clock

from moderation.jobs.model import Job, JobState, QueuedJob
from moderation.jobs.runner import Backoff, Handler, JobRunner, Periodic, PermanentFailure
from moderation.model import PASSED as PASS_OUTCOME
from moderation.model import Action, CheckResult, Review, Submission
from moderation.store import SQLiteStore

PASSING = Review((CheckResult("name", PASS_OUTCOME),))


def new_comment(store: SQLiteStore) -> int:
    submission = Submission(
        article="coffee-rule",
        name="Ada Lovelace",
        blog_url="https://ada.example/",
        body="Following first, connecting later.",
        email="ada@ada.example",
    )
    return store.add(submission, PASSING).id


def mail_for(comment) -> list[Job]:
    return [Job("email", {"to": comment.email, "status": str(comment.status)})]


class Recorder:
    """A handler that fails a given number of times, then records what it did."""

    def __init__(self, failures: int = 0, error: Exception | None = None) -> None:
        self.failures = failures
        self.error = error or OSError("connection refused")
        self.done: list[QueuedJob] = []

    def __call__(self, job: QueuedJob) -> None:
        if self.failures:
            self.failures -= 1
            raise self.error
        self.done.append(job)


def runner(store: SQLiteStore, clock: Clock, **handlers: Handler) -> JobRunner:
    return JobRunner(store, handlers, clock=clock, backoff=Backoff(timedelta(seconds=30)))


def test_a_decision_and_its_jobs_commit_together(store: SQLiteStore) -> None:
    comment_id = new_comment(store)
    store.decide(comment_id, Action.APPROVE, "mod", follow_up=mail_for)
    [job] = store.jobs()
    assert (job.kind, job.payload, job.state) == (
        "email",
        {"to": "ada@ada.example", "status": "approved"},
        JobState.PENDING,
    )


def test_a_failing_follow_up_undoes_the_decision(store: SQLiteStore) -> None:
    comment_id = new_comment(store)

    def broken(comment):
        raise RuntimeError("cannot compose the message")

    with pytest.raises(RuntimeError):
        store.decide(comment_id, Action.APPROVE, "mod", follow_up=broken)
    assert str(store.get(comment_id).status) == "pending"
    assert store.jobs() == []


def test_a_due_job_runs_once_and_is_done(store: SQLiteStore, clock: Clock) -> None:
    store.enqueue([Job("email", {"to": "a@b.example"})])
    handler = Recorder()
    jobs = runner(store, clock, email=Handler(handler))
    assert jobs.tick() == 1
    assert jobs.tick() == 0
    assert [job.payload for job in handler.done] == [{"to": "a@b.example"}]
    assert store.jobs() == []
    assert store.job_counts() == {("email", JobState.DONE): 1}


def test_a_failed_job_waits_with_growing_back_off(store: SQLiteStore, clock: Clock) -> None:
    store.enqueue([Job("email")])
    handler = Recorder(failures=2)
    jobs = runner(store, clock, email=Handler(handler))
    assert jobs.tick() == 1
    [waiting] = store.jobs()
    assert (waiting.attempts, waiting.last_error) == (1, "OSError: connection refused")
    assert waiting.due_at == clock.now + timedelta(seconds=30)
    clock.now += timedelta(seconds=29)
    assert jobs.tick() == 0  # not due yet
    clock.now += timedelta(seconds=1)
    assert jobs.tick() == 1
    assert store.jobs()[0].due_at == clock.now + timedelta(seconds=60)
    clock.now += timedelta(seconds=60)
    assert jobs.tick() == 1
    assert len(handler.done) == 1 and store.jobs() == []


def test_a_job_gives_up_after_its_attempts_and_can_be_sent_again(
    store: SQLiteStore, clock: Clock
) -> None:
    [job_id] = store.enqueue([Job("email")])
    handler = Recorder(failures=2)
    jobs = runner(store, clock, email=Handler(handler, max_attempts=2))
    jobs.tick()
    clock.now += timedelta(hours=1)
    jobs.tick()
    [failed] = store.jobs()
    assert (failed.state, failed.attempts) == (JobState.FAILED, 2)
    clock.now += timedelta(days=1)
    assert jobs.tick() == 0  # given up: not retried by itself
    assert store.send_job_again(job_id)
    assert jobs.tick() == 1
    assert len(handler.done) == 1


def test_a_permanent_failure_is_not_retried(store: SQLiteStore, clock: Clock) -> None:
    store.enqueue([Job("email")])
    jobs = runner(store, clock, email=Handler(Recorder(1, PermanentFailure("bad address"))))
    jobs.tick()
    [failed] = store.jobs()
    assert (failed.state, failed.attempts, failed.last_error) == (
        JobState.FAILED,
        1,
        "bad address",
    )


def test_a_kind_without_a_handler_waits_visibly(store: SQLiteStore, clock: Clock) -> None:
    """No SMTP server configured: the message stays in the outbox instead of vanishing."""
    store.enqueue([Job("email", {"summary": "Your comment is published"})])
    assert runner(store, clock).tick() == 0
    [waiting] = store.jobs()
    assert (waiting.state, waiting.attempts, waiting.summary) == (
        JobState.PENDING,
        0,
        "Your comment is published",
    )


def test_keyed_jobs_waiting_together_are_one(store: SQLiteStore) -> None:
    first = store.enqueue([Job("git-push", key="push")])
    second = store.enqueue([Job("git-push", key="push")])
    assert first == second and len(store.jobs()) == 1


def test_a_keyed_job_already_running_gets_a_successor(store: SQLiteStore) -> None:
    """A push that started before a new approval may miss it: a second push is needed."""
    store.enqueue([Job("git-push", key="push")])
    store.claim_jobs(["git-push"])
    store.enqueue([Job("git-push", key="push")])
    assert len(store.jobs()) == 2


def test_a_leased_job_is_not_claimed_twice_until_the_lease_ends(
    store: SQLiteStore, clock: Clock
) -> None:
    store.enqueue([Job("deploy")])
    other = SQLiteStore(store.path, clock=clock)  # another worker process on the same file
    try:
        [claimed] = store.claim_jobs(["deploy"], lease=timedelta(minutes=5))
        assert other.claim_jobs(["deploy"]) == []
        clock.now += timedelta(minutes=5)  # the first worker died mid-job
        [again] = other.claim_jobs(["deploy"])
        assert (again.id, again.attempts) == (claimed.id, 2)
    finally:
        other.close()


def test_work_survives_a_restart(store: SQLiteStore, clock: Clock) -> None:
    store.enqueue([Job("email", {"to": "a@b.example"})])
    failing = runner(store, clock, email=Handler(Recorder(failures=1)))
    failing.tick()
    store.close()
    reopened = SQLiteStore(store.path, clock=clock)
    try:
        clock.now += timedelta(minutes=1)
        handler = Recorder()
        assert runner(reopened, clock, email=Handler(handler)).tick() == 1
        assert handler.done[0].attempts == 2
    finally:
        reopened.close()


def test_a_periodic_task_runs_once_per_interval_across_workers(
    store: SQLiteStore, clock: Clock
) -> None:
    runs: list[str] = []
    other = SQLiteStore(store.path, clock=clock)
    try:
        task = Periodic("purge", timedelta(hours=1), lambda: runs.append("run"))
        first = JobRunner(store, {}, [task], clock=clock)
        second = JobRunner(other, {}, [task], clock=clock)
        first.tick()
        second.tick()
        assert runs == ["run"]
        clock.now += timedelta(minutes=59)
        first.tick()
        second.tick()
        assert runs == ["run"]
        clock.now += timedelta(minutes=1)
        second.tick()
        first.tick()
        assert runs == ["run", "run"]
    finally:
        other.close()


def test_a_failing_periodic_task_does_not_stop_the_jobs(store: SQLiteStore, clock: Clock) -> None:
    def broken() -> None:
        raise RuntimeError("disk full")

    store.enqueue([Job("email")])
    handler = Recorder()
    jobs = JobRunner(
        store, {"email": Handler(handler)}, [Periodic("broken", timedelta(hours=1), broken)],
        clock=clock,
    )  # fmt: skip
    assert jobs.tick() == 1


def test_done_jobs_are_forgotten_after_a_while(store: SQLiteStore, clock: Clock) -> None:
    store.enqueue([Job("email"), Job("email")])
    runner(store, clock, email=Handler(Recorder())).tick()
    clock.now += timedelta(days=31)
    assert store.forget_done_jobs(timedelta(days=30)) == 2
    assert store.job_counts() == {}


def test_the_thread_runs_new_work_when_woken(store: SQLiteStore) -> None:
    handler = Recorder()
    jobs = JobRunner(store, {"email": Handler(handler)}, poll_seconds=60)
    jobs.start()
    try:
        store.enqueue([Job("email")])
        jobs.wake()
        for _ in range(200):
            if handler.done:
                break
            time.sleep(0.01)
        assert len(handler.done) == 1
    finally:
        jobs.close()


def test_each_kind_is_leased_for_as_long_as_its_handler_needs(
    store: SQLiteStore, clock: Clock
) -> None:
    """A deploy may run for many minutes: its lease must not end while it still runs."""
    store.enqueue([Job("deploy")])
    other = SQLiteStore(store.path, clock=clock)
    try:
        started: list[int] = []

        def slow_deploy(job: QueuedJob) -> None:
            started.append(job.id)
            clock.now += timedelta(minutes=10)  # still running ten minutes later…
            assert other.claim_jobs(["deploy"]) == []  # …and nobody else has taken it

        jobs = runner(store, clock, deploy=Handler(slow_deploy, lease=timedelta(minutes=20)))
        assert jobs.tick() == 1 and len(started) == 1
    finally:
        other.close()
