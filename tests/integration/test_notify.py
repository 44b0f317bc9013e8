"""E-mail notifications, delivered to a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator

import httpx
import pytest
from aiosmtpd.controller import Controller

from moderation.model import Action


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


COMMENT = {
    "article": "coffee-meal-beer-rule",
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "body": "The coffee rule works for me; I met two people this way.",
}


def smtp_env(port: int) -> dict[str, str]:
    return {
        "COMMENTS_SMTP_HOST": "127.0.0.1",
        "COMMENTS_SMTP_PORT": str(port),
        "COMMENTS_MODERATOR_EMAILS": "robin@blog.example",
    }


def test_moderators_hear_of_each_new_comment(start_service, mailbox) -> None:
    box, port = mailbox
    live = start_service(**smtp_env(port))
    answer = httpx.post(f"{live.url}/api/comments", json=COMMENT, timeout=10).json()
    live.service.notifier.wait_idle()
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
    live.service.notifier.wait_idle()
    to_commenter = [m for m in box.messages if m["To"] == "ada@adalovelace.net"]
    assert len(to_commenter) == 1
    assert "Off topic for this post." in to_commenter[0].get_payload()


def test_commenter_without_email_gets_no_mail(start_service, mailbox) -> None:
    box, port = mailbox
    live = start_service(**smtp_env(port))
    answer = httpx.post(f"{live.url}/api/comments", json=COMMENT, timeout=10).json()
    live.service.decide(answer["id"], Action.REJECT, "robin", "No.")
    live.service.notifier.wait_idle()
    assert [m["To"] for m in box.messages] == ["robin@blog.example"]


def test_no_smtp_setting_means_no_mail_and_no_error(live_server) -> None:
    answer = httpx.post(f"{live_server.url}/api/comments", json=COMMENT, timeout=10)
    assert answer.status_code == 202
    assert not live_server.service.notifier.enabled
