"""E-mail notifications, delivered by the running service to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import httpx
from smtpserver import smtp_env, wait_for

from moderation.jobs.model import JobState
from moderation.model import Action

COMMENT = {
    "article": "coffee-meal-beer-rule",
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "body": "The coffee rule works for me; I met two people this way.",
}


def test_moderators_hear_of_each_new_comment(start_service, mailbox) -> None:
    box, port = mailbox
    live = start_service(**smtp_env(port))
    answer = httpx.post(f"{live.url}/api/comments", json=COMMENT, timeout=10).json()
    wait_for(lambda: box.messages)
    [message] = box.messages
    assert message["To"] == "robin@blog.example"
    assert f"#{answer['id']}" in message["Subject"]
    assert "Ada Lovelace" in message.get_payload()


def test_commenter_is_told_the_reason_of_a_rejection(start_service, mailbox) -> None:
    box, port = mailbox
    live = start_service(**smtp_env(port))
    answer = httpx.post(
        f"{live.url}/api/comments", json={**COMMENT, "email": "ada@adalovelace.net"}, timeout=10
    ).json()
    live.service.decide(answer["id"], Action.REJECT, "robin", "Off topic for this post.")
    wait_for(lambda: box.to("ada@adalovelace.net"))
    [to_commenter] = box.to("ada@adalovelace.net")
    assert "Off topic for this post." in to_commenter.get_payload()


def test_commenter_without_email_gets_no_mail(start_service, mailbox) -> None:
    box, port = mailbox
    live = start_service(**smtp_env(port))
    answer = httpx.post(f"{live.url}/api/comments", json=COMMENT, timeout=10).json()
    live.service.decide(answer["id"], Action.REJECT, "robin", "No.")
    # The job is marked done just after the server took the message: wait for both.
    wait_for(lambda: box.messages and not live.service.store.jobs())
    assert [m["To"] for m in box.messages] == ["robin@blog.example"]


def test_no_smtp_setting_keeps_the_message_in_the_outbox(live_server) -> None:
    answer = httpx.post(
        f"{live_server.url}/api/comments", json={**COMMENT, "email": "ada@adalovelace.net"}
    ).json()
    assert answer["status"] == "pending"
    live_server.service.decide(answer["id"], Action.APPROVE, "robin")
    [waiting] = live_server.service.store.jobs()
    assert (waiting.kind, waiting.state, waiting.attempts) == ("email", JobState.PENDING, 0)
    assert waiting.payload["to"] == "ada@adalovelace.net"
    assert "published" in waiting.payload["subject"]
