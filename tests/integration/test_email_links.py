"""Deciding from the moderator's e-mail: the link in a real message (aiosmtpd on loopback)
opens a confirmation page that changes nothing; its button decides once, on the version the
e-mail showed; old, forged and edited links are refused."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from email.message import Message

import httpx
import pytest
from smtpserver import Mailbox, smtp_env, wait_for

from moderation.emaillinks import EmailLinks
from moderation.model import Status
from moderation.wiring import secret_key

pytestmark = pytest.mark.slow

ROBIN = "robin@blog.example"
COMMENT = {
    "article": "coffee-meal-beer-rule",
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "email": "ada@adalovelace.net",
    "body": "The coffee rule works for me; I met two people this way.",
}


@pytest.fixture
def live(mailbox, start_service):
    """The service; the SMTP server outlives it, so no send is cut off at the end."""
    return start_service(**smtp_env(mailbox[1]))


def link_in(message: Message) -> str:
    """The path of the decision link in a moderator's e-mail."""
    body = message.get_payload(decode=True).decode()
    match = re.search(r"https?://[^/\s]+(/moderate/mail/\S+)", body)
    assert match, body
    return match.group(1)


def mailed_link(live, box: Mailbox, **change: str) -> tuple[int, str]:
    """Send a comment; return its id and the path of the link in the moderator's e-mail."""
    answer = httpx.post(f"{live.url}/api/comments", json={**COMMENT, **change}, timeout=10)
    wait_for(lambda: box.to(ROBIN))
    return answer.json()["id"], link_in(box.to(ROBIN)[-1])


def post(live, path: str, **form: str) -> httpx.Response:
    return httpx.post(live.url + path, data=form, headers={"Origin": live.url}, timeout=30)


def test_opening_the_link_shows_the_comment_and_changes_nothing(live, mailbox) -> None:
    comment_id, path = mailed_link(live, mailbox[0])
    store = live.service.store
    before = (store.get(comment_id), store.audit_log(comment_id=comment_id))
    for _ in range(3):  # a mail scanner, a link preview, the moderator
        page = httpx.get(live.url + path, timeout=10)
        assert page.status_code == 200
        assert 'id="mail-approve"' in page.text and 'id="mail-reject"' in page.text
        assert "I met two people this way" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "same-origin"
    assert (store.get(comment_id), store.audit_log(comment_id=comment_id)) == before
    assert store.get(comment_id).status is Status.PENDING


def test_the_link_approves_once_in_the_moderators_name(live, mailbox) -> None:
    comment_id, path = mailed_link(live, mailbox[0])
    done = post(live, path, action="approve")
    assert done.status_code == 303
    approved = live.service.store.get(comment_id)
    assert approved.status is Status.APPROVED
    assert approved.decided_by == f"{ROBIN} (e-mail link)"
    again = post(live, path, action="reject", preset="Off topic.")
    assert again.status_code == 409 and "already used" in again.text
    assert live.service.store.get(comment_id).status is Status.APPROVED
    page = httpx.get(live.url + path, timeout=10)
    assert "This link was used" in page.text and 'id="mail-approve"' not in page.text


def test_the_link_rejects_with_a_reason_and_not_without(live, mailbox) -> None:
    box = mailbox[0]
    comment_id, path = mailed_link(live, box)
    refused = post(live, path, action="reject")
    assert refused.status_code == 400 and "reason" in refused.text
    assert live.service.store.get(comment_id).status is Status.PENDING
    assert post(live, path, action="reject", reason="Off topic here.").status_code == 303
    rejected = live.service.store.get(comment_id)
    assert (rejected.status, rejected.decision_reason) == (Status.REJECTED, "Off topic here.")
    wait_for(lambda: box.to(COMMENT["email"]))  # the commenter hears, as from the page


def test_an_expired_link_is_refused(live, mailbox) -> None:
    comment_id, _ = mailed_link(live, mailbox[0])
    max_age = live.settings["COMMENTS_EMAIL_LINK_MAX_AGE"]
    then = EmailLinks(secret_key(live.settings), max_age, clock=lambda: time.time() - max_age - 60)
    path = f"/moderate/mail/{then.issue(comment_id, 1, ROBIN)}"
    assert httpx.get(live.url + path, timeout=10).status_code == 410
    refused = post(live, path, action="approve")
    assert refused.status_code == 410 and "expired" in refused.text
    assert live.service.store.get(comment_id).status is Status.PENDING


@pytest.mark.parametrize(
    "forge",
    [
        lambda token, comment_id: token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),
        lambda token, comment_id: EmailLinks("another secret", 3600).issue(comment_id, 1, ROBIN),
        lambda token, comment_id: token.split(".")[0],
    ],
    ids=["edited-signature", "other-secret", "no-signature"],
)
def test_a_forged_link_is_refused(live, mailbox, forge) -> None:
    comment_id, path = mailed_link(live, mailbox[0])
    forged = f"/moderate/mail/{forge(path.rsplit('/', 1)[1], comment_id)}"
    assert httpx.get(live.url + forged, timeout=10).status_code == 400
    assert post(live, forged, action="approve").status_code == 400
    assert live.service.store.get(comment_id).status is Status.PENDING


def test_a_link_for_a_moderator_no_longer_listed_is_refused(live, mailbox) -> None:
    comment_id, _ = mailed_link(live, mailbox[0])
    links = live.service.notifier.links
    path = f"/moderate/mail/{links.issue(comment_id, 1, 'former@blog.example')}"
    assert post(live, path, action="approve").status_code == 403
    assert live.service.store.get(comment_id).status is Status.PENDING


def test_a_comment_changed_since_the_mail_is_not_decided(live, mailbox) -> None:
    box = mailbox[0]
    comment_id, stale_path = mailed_link(live, box, name="admin")  # held: a generic name
    held = live.service.store.get(comment_id)
    assert held.status is Status.HELD
    words = "Other words entirely, sent after the e-mail."
    live.service.correct(held.token, replace(held.submission(), name="Ada Lovelace", body=words))
    wait_for(lambda: len(box.to(ROBIN)) == 2)  # the moderators hear of the new version
    refused = post(live, stale_path, action="approve")
    assert refused.status_code == 409 and "changed after this e-mail" in refused.text
    assert live.service.store.get(comment_id).status is Status.PENDING
    page = httpx.get(live.url + stale_path, timeout=10)
    assert 'id="mail-approve"' not in page.text and "version 2" in page.text
    fresh_path = link_in(box.to(ROBIN)[-1])
    assert post(live, fresh_path, action="approve").status_code == 303
    assert live.service.store.get(comment_id).body == words


def test_a_post_from_another_site_is_refused(live, mailbox) -> None:
    comment_id, path = mailed_link(live, mailbox[0])
    response = httpx.post(
        live.url + path,
        data={"action": "approve"},
        headers={"Origin": "https://evil.example"},
        timeout=10,
    )
    assert response.status_code == 403
    assert live.service.store.get(comment_id).status is Status.PENDING
