"""Reply notifications through the running service and a real SMTP server (aiosmtpd): the
box asks for a confirmation first (double opt-in), then a published reply is told, with a
one-click unsubscribe that works by its page and by the RFC 8058 POST; per-address limits."""

from __future__ import annotations

import re
import time
from email.message import Message

import httpx
import pytest
from smtpserver import Mailbox, smtp_env, wait_for

from moderation.model import Action

pytestmark = pytest.mark.slow

ADA = "ada@adalovelace.net"
COMMENT = {
    "article": "coffee-meal-beer-rule",
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "email": ADA,
    "body": "The coffee rule works for me; I met two people this way.",
    "notify_replies": "yes",
}
REPLY = {
    "article": "coffee-meal-beer-rule",
    "name": "Grace Hopper",
    "url": "https://gracehopper.org/",
    "email": "grace@gracehopper.org",
}


@pytest.fixture
def live(mailbox, start_service):
    return start_service(**smtp_env(mailbox[1], COMMENTS_MODERATOR_EMAILS=""))


def send(live, **fields: str) -> int:
    answer = httpx.post(f"{live.url}/api/comments", json=fields, timeout=10)
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]


def published_reply(live, parent: int, n: int) -> int:
    reply = send(live, **REPLY, reply_to=str(parent), body=f"Reply number {n}: agreed, mostly.")
    live.service.decide(reply, Action.APPROVE, "robin")
    return reply


def about(box: Mailbox, word: str) -> list[Message]:
    return [m for m in box.to(ADA) if word in m["Subject"]]


def link(message: Message, purpose: str) -> str:
    body = message.get_payload(decode=True).decode()
    return re.search(rf"https?://[^/\s]+(/comments/replies/{purpose}/\S+)", body).group(1)


def settle(live) -> None:
    """Until the outbox is empty: every queued message was handed to the SMTP server."""
    wait_for(lambda: all(job.state != "pending" for job in live.service.store.jobs()))


def test_double_opt_in_then_a_notification_then_one_click_unsubscribe(live, mailbox) -> None:
    box = mailbox[0]
    parent = send(live, **COMMENT)
    live.service.decide(parent, Action.APPROVE, "robin")
    wait_for(lambda: about(box, "Confirm"))
    published_reply(live, parent, 1)
    settle(live)
    assert about(box, "A reply") == []  # not confirmed: nothing but the confirmation

    confirm = link(about(box, "Confirm")[0], "confirm")
    opened = httpx.get(live.url + confirm, timeout=10)  # a mail scanner, or Ada
    assert opened.status_code == 200 and 'id="replies-button"' in opened.text
    assert live.service.store.subscription(1).state == "unconfirmed"
    pressed = httpx.post(live.url + confirm, headers={"Origin": live.url}, timeout=10)
    assert pressed.status_code == 200 and "Confirmed" in pressed.text
    assert live.service.store.subscription(1).state == "confirmed"

    second = published_reply(live, parent, 2)
    wait_for(lambda: about(box, "A reply"))
    [notice] = about(box, "A reply")
    body = notice.get_payload(decode=True).decode()
    assert "Grace Hopper replied" in body and f"#comment-{second}" in body
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(
        r"<https?://[^/]+(/comments/replies/stop/\S+)>", notice["List-Unsubscribe"]
    )
    assert unsubscribe is not None

    # RFC 8058: the mail program POSTs this one field to the header's address, no Origin.
    one_click = httpx.post(
        live.url + unsubscribe.group(1),
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert one_click.status_code == 200
    assert live.service.store.subscription(1).state == "stopped"
    published_reply(live, parent, 3)
    settle(live)
    assert len(about(box, "A reply")) == 1


def test_unsubscribe_by_the_link_in_the_message(live, mailbox) -> None:
    box = mailbox[0]
    parent = send(live, **COMMENT)
    live.service.decide(parent, Action.APPROVE, "robin")
    wait_for(lambda: about(box, "Confirm"))
    confirm = link(about(box, "Confirm")[0], "confirm")
    httpx.post(live.url + confirm, headers={"Origin": live.url}, timeout=10)
    published_reply(live, parent, 1)
    wait_for(lambda: about(box, "A reply"))
    stop = link(about(box, "A reply")[0], "stop")
    page = httpx.get(live.url + stop, timeout=10)
    assert page.status_code == 200 and 'id="replies-button"' in page.text
    assert live.service.store.subscription(1).state == "confirmed"  # opening changed nothing
    assert httpx.post(live.url + stop, timeout=10).status_code == 200
    assert live.service.store.subscription(1).state == "stopped"
    again = httpx.post(live.url + confirm, headers={"Origin": live.url}, timeout=10)
    assert again.status_code == 409  # an old confirmation link does not subscribe again
    assert live.service.store.subscription(1).state == "stopped"


def test_forged_links_are_refused(live, mailbox) -> None:
    send(live, **COMMENT)
    wait_for(lambda: about(mailbox[0], "Confirm"))
    confirm = link(about(mailbox[0], "Confirm")[0], "confirm")
    as_stop = confirm.replace("/confirm/", "/stop/")  # a confirm token used to stop
    for path in (confirm[:-4] + "AAAA", as_stop):
        assert (
            httpx.post(live.url + path, headers={"Origin": live.url}, timeout=10).status_code == 400
        )
    assert live.service.store.subscription(1).state == "unconfirmed"


@pytest.mark.parametrize(
    "change", [{"notify_replies": ""}, {"email": ""}], ids=["box-not-ticked", "no-email"]
)
def test_no_request_no_message(live, mailbox, change: dict[str, str]) -> None:
    send(live, **{**COMMENT, **change})
    settle(live)
    assert about(mailbox[0], "Confirm") == []
    assert live.service.store.subscription(1) is None


def test_confirmation_requests_to_one_address_are_limited(mailbox, start_service) -> None:
    box, port = mailbox
    live = start_service(**smtp_env(port, COMMENTS_REPLY_CONFIRMATIONS_PER_DAY="2"))
    for n in range(4):
        send(live, **{**COMMENT, "body": f"Comment {n} about coffee meetings and follow-ups."})
    settle(live)
    assert len(about(box, "Confirm")) == 2


def test_notifications_to_one_address_are_limited(mailbox, start_service) -> None:
    box, port = mailbox
    live = start_service(**smtp_env(port, COMMENTS_REPLY_NOTIFICATIONS_PER_HOUR="1"))
    parent = send(live, **COMMENT)
    live.service.decide(parent, Action.APPROVE, "robin")
    wait_for(lambda: about(box, "Confirm"))
    confirm = link(about(box, "Confirm")[0], "confirm")
    httpx.post(live.url + confirm, headers={"Origin": live.url}, timeout=10)
    for n in range(3):
        published_reply(live, parent, n)
    settle(live)
    time.sleep(0.2)
    assert len(about(box, "A reply")) == 1


def test_erasing_an_address_forgets_its_subscriptions(live, mailbox) -> None:
    parent = send(live, **COMMENT)
    live.service.decide(parent, Action.APPROVE, "robin")
    wait_for(lambda: about(mailbox[0], "Confirm"))
    assert live.service.store.subscription(1) is not None
    live.service.store.erase_email(ADA.upper())
    assert live.service.store.subscription(1) is None
