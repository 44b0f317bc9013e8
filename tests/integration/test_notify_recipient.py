"""The decision e-mail reaches exactly one person: the parsed address, never a list (issue 13)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from smtpserver import wait_for

from moderation.model import Action, Submission


class Envelopes:
    """Records each message's envelope recipients (RCPT TO), which decide who receives it."""

    def __init__(self) -> None:
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def envelopes() -> Iterator[tuple[Envelopes, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Envelopes()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def stored_with_email(live, email: str) -> int:
    """A comment whose stored address never went through today's intake (an older row)."""
    submission = Submission(
        article="coffee-meal-beer-rule",
        name="Ada Lovelace",
        blog_url="https://adalovelace.net/",
        body="The coffee rule works for me; I met two people this way.",
        email=email,
    )
    return live.service.store.add(submission, live.service.policy.run(submission)).id


@pytest.mark.parametrize(
    "email",
    ["=?utf-8?q?a=40evil.example=2Cb=40evil.example?=x@ada.example", "root,attacker@evil.example"],
    ids=["encoded-word", "comma-list"],
)
def test_a_stored_list_of_addresses_gets_no_mail(start_service, envelopes, email) -> None:
    box, port = envelopes
    live = start_service(COMMENTS_SMTP_HOST="127.0.0.1", COMMENTS_SMTP_PORT=str(port))
    comment_id = stored_with_email(live, email)
    live.service.decide(comment_id, Action.REJECT, "robin", "Off topic.")
    assert live.service.store.jobs() == []  # nothing to send, now or later
    assert box.recipients == []


def test_the_decision_goes_to_the_one_normalised_address(start_service, envelopes) -> None:
    box, port = envelopes
    live = start_service(COMMENTS_SMTP_HOST="127.0.0.1", COMMENTS_SMTP_PORT=str(port))
    comment_id = stored_with_email(live, " Ada@AdaLovelace.NET")
    live.service.decide(comment_id, Action.REJECT, "robin", "Off topic.")
    wait_for(lambda: box.recipients)
    assert box.recipients == [["Ada@adalovelace.net"]]
