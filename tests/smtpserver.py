"""A real SMTP server (aiosmtpd) on loopback for the e-mail tests, and a wait with a deadline."""

from __future__ import annotations

import email
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import Message

from aiosmtpd.controller import Controller


class Mailbox:
    """Keeps each message and its envelope recipients; can refuse recipients like a server."""

    def __init__(self, refuse_recipients: str = "") -> None:
        self.messages: list[Message] = []
        self.recipients: list[list[str]] = []
        self.refuse_recipients = refuse_recipients  # an SMTP reply such as "550 no such user"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.refuse_recipients:
            return self.refuse_recipients
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    """A loopback port nothing listens on (yet): an SMTP server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(port: int, box: Mailbox | None = None) -> Iterator[Mailbox]:
    box = box or Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def smtp_env(port: int, **more: str) -> dict[str, str]:
    """Settings that send through the loopback server and tell one moderator."""
    return {
        "COMMENTS_SMTP_HOST": "127.0.0.1",
        "COMMENTS_SMTP_PORT": str(port),
        "COMMENTS_MODERATOR_EMAILS": "robin@blog.example",
        **more,
    }


def wait_for(condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Until `condition()` is true: the service's job runner works on its own thread."""
    give_up = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > give_up:
            raise AssertionError(f"still not true after {timeout} s: {condition}")
        time.sleep(0.02)
