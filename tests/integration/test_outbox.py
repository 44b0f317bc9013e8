"""The durable outbox: e-mail recorded with its cause, retried against a real SMTP server
(aiosmtpd on loopback), visible to moderators, and never lost across a restart."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from clock import Clock
from servers import Project
from sitecheck import parse_html
from smtpserver import Mailbox, free_port, smtp_env, smtp_server, wait_for

from moderation.jobs.model import JobState
from moderation.model import PASSED, Action, CheckResult, Review, Submission
from moderation.passwords import hash_password
from moderation.service import CommentService
from moderation.settings import Settings
from moderation.wiring import build_service

MODERATE = str(Path(sys.executable).with_name("moderate"))
PASSWORD = "correct horse battery staple"
ADA = "ada@adalovelace.net"
PASSING = Review((CheckResult("name", PASSED),))


def open_service(project: Project, clock: Clock, **environ: str) -> CommentService:
    """The service as `moderate serve` wires it, on the project's database, at the test's time."""
    settings = Settings.load(project.settings_file, environ=environ)
    return build_service(settings, project.settings_file, rebuild=False, clock=clock)


def restart(service: CommentService) -> None:
    service.close()
    service.store.close()


def rejected_comment(service: CommentService) -> int:
    """A comment rejected by a moderator: its commenter's message goes to the outbox."""
    submission = Submission(
        article="coffee-meal-beer-rule",
        name="Ada Lovelace",
        blog_url="https://adalovelace.net/",
        body="The coffee rule works for me; I met two people this way.",
        email=ADA,
    )
    comment = service.store.add(submission, PASSING)
    service.decide(comment.id, Action.REJECT, "robin", "Off topic for this post.")
    return comment.id


def test_a_send_that_fails_is_retried_and_delivered_when_the_server_is_back(
    project: Project, clock: Clock
) -> None:
    port = free_port()  # the SMTP server is down
    service = open_service(project, clock, **smtp_env(port))
    rejected_comment(service)
    assert service.jobs is not None and service.jobs.tick() == 1
    [waiting] = service.store.jobs()
    assert (waiting.state, waiting.attempts) == (JobState.PENDING, 1)
    assert "ConnectionRefusedError" in waiting.last_error
    assert waiting.due_at == clock.now + timedelta(seconds=30)
    with smtp_server(port) as box:
        assert service.jobs.tick() == 0  # not due yet: the back-off holds
        clock.now += timedelta(seconds=31)
        assert service.jobs.tick() == 1
        assert service.jobs.tick() == 0
    [message] = box.to(ADA)
    assert "Off topic for this post." in message.get_payload()
    assert service.store.jobs() == []
    assert service.store.job_counts()[("email", JobState.DONE)] == 1
    restart(service)


def test_a_restart_between_the_failure_and_the_delivery_loses_nothing(
    project: Project, clock: Clock
) -> None:
    port = free_port()
    first = open_service(project, clock, **smtp_env(port))
    rejected_comment(first)
    assert first.jobs is not None and first.jobs.tick() == 1  # refused: nothing listens
    restart(first)
    clock.now += timedelta(minutes=1)
    with smtp_server(port) as box:
        second = open_service(project, clock, **smtp_env(port))
        assert second.jobs is not None and second.jobs.tick() == 1
    [message] = box.messages
    assert message["To"] == ADA and "Off topic for this post." in message.get_payload()
    assert second.store.jobs() == []
    restart(second)


@pytest.mark.parametrize(
    ("reply", "state"),
    [("550 5.1.1 no such mailbox", JobState.FAILED), ("450 4.2.1 mailbox busy", JobState.PENDING)],
    ids=["permanent-refusal-gives-up", "temporary-refusal-retries"],
)
def test_a_refused_recipient_is_given_up_only_when_the_refusal_is_permanent(
    project: Project, clock: Clock, reply: str, state: JobState
) -> None:
    port = free_port()
    service = open_service(project, clock, **smtp_env(port))
    with smtp_server(port, Mailbox(refuse_recipients=reply)) as box:
        rejected_comment(service)
        assert service.jobs is not None and service.jobs.tick() == 1
    [job] = service.store.jobs()
    assert (job.state, job.attempts, box.messages) == (state, 1, [])
    assert reply.split()[0] in job.last_error
    restart(service)


def test_the_moderators_message_commits_with_the_new_comment(project: Project, clock) -> None:
    service = open_service(project, clock, COMMENTS_MODERATOR_EMAILS="robin@blog.example")
    comment = service.submit(
        Submission(
            article="coffee-meal-beer-rule",
            name="Ada Lovelace",
            blog_url="https://adalovelace.net/",
            body="Following first, connecting later: it worked for me at two meetups.",
        )
    )
    [job] = service.store.jobs()
    assert (job.payload["to"], job.payload["comment_id"]) == ("robin@blog.example", comment.id)
    assert f"#{comment.id}" in job.payload["subject"]
    restart(service)


# What moderators see


def login(client: httpx.Client) -> None:
    page = parse_html(client.get("/moderate/login").text)
    form = next(f for f in page.iter("form") if f.get("id") == "login-form")
    fields = {i.get("name"): i.get("value") or "" for i in form.iter("input")}
    fields.update(username="robin", password=PASSWORD)
    assert client.post("/moderate/login", data=fields).status_code == 303


def retry_form(client: httpx.Client, job_id: int) -> tuple[str, dict[str, str]]:
    page = parse_html(client.get("/moderate/outbox").text)
    [button] = page.find_all("button", id=f"retry-{job_id}")
    form = next(f for f in page.iter("form") if button in list(f.iter("button")))
    return form.get("action"), {i.get("name"): i.get("value") for i in form.iter("input")}


def test_without_smtp_the_message_waits_on_the_moderator_page_and_goes_out_later(
    start_service,
) -> None:
    live = start_service()  # no COMMENTS_SMTP_HOST: the default
    live.service.store.set_password("robin", hash_password(PASSWORD))
    rejected_comment(live.service)
    with httpx.Client(base_url=live.url, timeout=10) as client:
        login(client)
        page = parse_html(client.get("/moderate/outbox").text)
    text = page.text_of(page.root)
    assert "E-mail is off" in text
    [row] = [r for r in page.iter("tr") if (r.get("id") or "").startswith("job-")]
    row_text = page.text_of(row)
    assert ADA in row_text and "Off topic for this post." in row_text
    assert "waits: e-mail is off" in row_text
    # A service that can send starts on the same database: the message goes out once.
    port = free_port()
    with smtp_server(port) as box:
        sending = start_service(**smtp_env(port))
        wait_for(lambda: box.to(ADA))
        wait_for(lambda: not sending.service.store.jobs())
    assert len(box.to(ADA)) == 1


def test_try_again_makes_a_failed_message_due_now(start_service) -> None:
    port = free_port()
    live = start_service(**smtp_env(port, COMMENTS_MODERATOR_EMAILS=""))
    live.service.store.set_password("robin", hash_password(PASSWORD))
    with smtp_server(port, Mailbox(refuse_recipients="550 no such mailbox")):
        rejected_comment(live.service)
        wait_for(lambda: live.service.store.jobs(states=[JobState.FAILED]))
    [failed] = live.service.store.jobs()
    with httpx.Client(base_url=live.url, timeout=10) as client:
        login(client)
        action, fields = retry_form(client, failed.id)
        forged = client.post(action, data={**fields, "csrf": "not the token"})
        assert forged.status_code == 403
        assert live.service.store.jobs()[0].state is JobState.FAILED
        with smtp_server(port) as box:
            answer = client.post(action, data=fields, headers={"Origin": live.url})
            assert answer.status_code == 303
            wait_for(lambda: box.to(ADA))
    assert live.service.store.jobs() == []


def test_moderate_outbox_lists_what_waits(project: Project, clock: Clock) -> None:
    service = open_service(project, clock)
    rejected_comment(service)
    [job] = service.store.jobs()
    restart(service)
    result = subprocess.run(
        [MODERATE, "--settings", str(project.settings_file), "outbox", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    [listed] = [json.loads(line) for line in result.stdout.splitlines()]
    assert (listed["id"], listed["kind"], listed["state"]) == (job.id, "email", "pending")
    assert listed["payload"]["to"] == ADA


@pytest.mark.slow
def test_serve_says_at_start_up_that_email_is_off(project: Project) -> None:
    port = free_port()
    command = [MODERATE, "--settings", str(project.settings_file), "serve", "--port", str(port)]
    lines: list[str] = []
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as server:
        assert server.stdout is not None
        try:
            for line in server.stdout:  # start-up lines come before uvicorn serves
                lines.append(line.strip())
                if line.startswith(("E-mail", "Blog on")) or len(lines) > 20:
                    break
        finally:
            server.terminate()
            server.wait(timeout=60)
    assert (
        "E-mail is off (COMMENTS_SMTP_HOST is empty): messages wait in the outbox,"
        f" http://127.0.0.1:{port}/moderate/outbox"
    ) in lines
