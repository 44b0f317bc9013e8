"""Housekeeping inside the service, driven through `JobRunner.tick()` with an injected clock:
retention of client data, spam and finished jobs, and the re-check of comments held while
Akismet (its loopback fake) was unreachable."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from clock import Clock
from fakeakismet import FakeAkismet, running_fake_akismet
from servers import Project
from smtpserver import free_port

from moderation.housekeeping import AKISMET_UNAVAILABLE, LINK_CHECK_UNAVAILABLE
from moderation.jobs.model import Job, JobState
from moderation.jobs.setup import periodic_tasks
from moderation.model import (
    PASSED,
    Action,
    CheckResult,
    Outcome,
    Review,
    Status,
    Submission,
    Verdict,
)
from moderation.policy.akismet_check import make_client
from moderation.service import CommentService
from moderation.settings import Settings
from moderation.wiring import build_service

PASSING = Review((CheckResult("name", PASSED),))
SPAMMY = Review((CheckResult("honeypot", Outcome(Verdict.SPAM, "spam.honeypot", "Bot.")),))
DAY = timedelta(days=1)
COMMENT = Submission(
    article="coffee-meal-beer-rule",
    name="Ada Lovelace",
    blog_url="https://adalovelace.net/",
    body="Following first, connecting later: it worked for me at two meetups.",
    ip="203.0.113.9",
    user_agent="Mozilla/5.0",
)


@pytest.fixture
def opened(project: Project, clock: Clock):
    services: list[CommentService] = []

    def open_service(**environ: str) -> CommentService:
        settings = Settings.load(project.settings_file, environ=environ)
        service = build_service(settings, project.settings_file, rebuild=False, clock=clock)
        services.append(service)
        return service

    yield open_service
    for service in services:
        service.close()
        service.store.close()


def tick(service: CommentService) -> None:
    assert service.jobs is not None
    service.jobs.tick()


def test_client_data_is_erased_after_the_retention_period(opened, clock: Clock) -> None:
    service = opened(COMMENTS_CLIENT_DATA_DAYS="30", COMMENTS_HOUSEKEEPING_HOURS="24")
    old = service.store.add(replace(COMMENT, submitted_at=clock.now - 31 * DAY), PASSING)
    fresh = service.store.add(replace(COMMENT, body="A fresh comment."), PASSING)
    tick(service)
    assert (service.store.get(old.id).ip, service.store.get(old.id).user_agent) == ("", "")
    assert service.store.get(fresh.id).ip == "203.0.113.0"
    clock.now += 12 * timedelta(hours=1)
    later = service.store.add(replace(COMMENT, submitted_at=clock.now - 31 * DAY), PASSING)
    tick(service)  # the day's round has run: the next one comes a day after the first
    assert service.store.get(later.id).ip == "203.0.113.0"
    clock.now += 12 * timedelta(hours=1)
    tick(service)
    assert service.store.get(later.id).ip == ""
    clock.now += 30 * DAY
    tick(service)
    assert service.store.get(fresh.id).user_agent == ""


def test_spam_is_purged_after_its_review_time(opened, clock: Clock) -> None:
    service = opened(COMMENTS_SPAM_DAYS="30")
    spam = service.store.add(COMMENT, SPAMMY)
    tick(service)
    assert service.store.get(spam.id).status is Status.SPAM
    clock.now += 31 * DAY
    tick(service)
    assert service.store.count(Status.SPAM) == 0


def test_finished_jobs_are_forgotten_after_a_while(opened, clock: Clock) -> None:
    service = opened(COMMENTS_DONE_JOBS_DAYS="7")
    [job_id] = service.store.enqueue([Job("email", {"to": "ada@adalovelace.net"})])
    service.store.finish_job(job_id)
    tick(service)
    assert service.store.job_counts() == {("email", JobState.DONE): 1}
    clock.now += 8 * DAY
    tick(service)
    assert service.store.job_counts() == {}


def test_housekeeping_can_be_left_to_cron(project: Project) -> None:
    settings = Settings.load(
        project.settings_file,
        environ={"COMMENTS_HOUSEKEEPING_HOURS": "0", "COMMENTS_AKISMET_KEY": "good-key"},
    )
    service = build_service(settings, project.settings_file, rebuild=False)
    try:
        assert [task.name for task in periodic_tasks(settings, service)] == ["recheck-unavailable"]
    finally:
        service.store.close()


class LocalBlog:
    """A commenter's blog on a loopback port: one HTML page with a feed link."""

    PAGE = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed"></head></html>'
    )

    def __init__(self) -> None:
        page = self.PAGE

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]

    def __enter__(self) -> LocalBlog:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def point_akismet_at(service: CommentService, url: str) -> None:
    """The real Akismet client of the service's policy, sending to the loopback fake."""
    assert service.akismet is not None
    service.akismet.client = make_client(
        "good-key", "http://blog.example", 1.0, FakeAkismet(url).client(1.0)
    )


def test_comments_held_while_akismet_was_down_are_rechecked_when_it_is_back(
    opened, clock: Clock
) -> None:
    port = free_port()  # Akismet is down: nothing listens there
    service = opened(COMMENTS_AKISMET_KEY="good-key", COMMENTS_RECHECK_MINUTES="60")
    point_akismet_at(service, f"http://127.0.0.1:{port}")
    held = service.submit(COMMENT)
    assert held.status is Status.HELD
    assert AKISMET_UNAVAILABLE in [r.outcome.code for r in held.review.failures]
    tick(service)  # still down: nothing changes, nothing is written to the audit log
    assert service.store.get(held.id).status is Status.HELD
    assert [e.action for e in service.store.audit_log(comment_id=held.id)] == ["submitted"]
    with running_fake_akismet(port) as fake:
        tick(service)  # Akismet is back, but the next re-check is not due yet
        assert service.store.get(held.id).status is Status.HELD
        clock.now += timedelta(minutes=61)
        tick(service)
        assert fake.requests[-1][0] == "/1.1/comment-check"
    rechecked = service.store.get(held.id)
    assert rechecked.status is Status.PENDING
    assert service.store.audit_log(comment_id=held.id)[0].action == "rechecked"


def test_the_recheck_leaves_comments_held_for_other_reasons(opened, clock: Clock) -> None:
    service = opened(COMMENTS_AKISMET_KEY="good-key")
    with running_fake_akismet() as fake:
        point_akismet_at(service, fake.url)
        held_by_link = service.submit(replace(COMMENT, blog_url="https://bit.ly/ada"))
        asked = len(fake.requests)
        tick(service)
        assert len(fake.requests) == asked  # nothing was waiting for Akismet
    assert service.store.get(held_by_link.id).status is Status.HELD


def test_a_comment_decided_during_the_recheck_is_skipped_not_fatal(opened, clock) -> None:
    service = opened(COMMENTS_AKISMET_KEY="good-key")
    port = free_port()
    point_akismet_at(service, f"http://127.0.0.1:{port}")
    first, second, third = (
        service.submit(replace(COMMENT, body=f"Comment number {n}, on the coffee rule."))
        for n in (1, 2, 3)
    )
    run_policy = service.policy.run

    def moderator_rejects_the_second_meanwhile(submission: Submission) -> Review:
        if service.store.get(second.id).status is Status.HELD:
            service.decide(second.id, Action.REJECT, "robin", "Off topic.")
        return run_policy(submission)

    service.policy.run = moderator_rejects_the_second_meanwhile  # type: ignore[method-assign]
    with running_fake_akismet(port):
        tick(service)
    statuses = [service.store.get(c.id).status for c in (first, second, third)]
    assert statuses == [Status.PENDING, Status.REJECTED, Status.PENDING]


def test_comments_held_while_our_network_was_down_are_rechecked_when_it_is_back(
    opened, clock: Clock
) -> None:
    """The live link check could not be made (no name resolved, not even the probe hosts):
    once the network is back, the scheduled re-check passes the comment on."""
    service = opened(COMMENTS_VERIFY_LINKS="true", COMMENTS_RECHECK_MINUTES="30")
    [link_check] = [c for c in service.policy.checks if c.name == "link"]
    guard = link_check.verifier.guard
    blog = LocalBlog()
    network = {"up": False}

    def resolver(host: str, port: int) -> list[str]:
        if not network["up"]:
            raise OSError("Temporary failure in name resolution")
        return ["127.0.0.1"]

    guard.resolver = resolver
    guard.allow_private_hosts = frozenset({"adalovelace.net"})
    guard.allowed_ports = frozenset({blog.port})
    link_check.rules = replace(link_check.rules, allowed_ports=frozenset({blog.port}))
    with blog:
        held = service.submit(replace(COMMENT, blog_url=f"http://adalovelace.net:{blog.port}/"))
        assert held.status is Status.HELD
        assert LINK_CHECK_UNAVAILABLE in [r.outcome.code for r in held.review.failures]
        tick(service)  # still down: nothing recorded
        assert [e.action for e in service.store.audit_log(comment_id=held.id)] == ["submitted"]
        network["up"] = True
        clock.now += timedelta(minutes=31)
        tick(service)
    assert service.store.get(held.id).status is Status.PENDING
