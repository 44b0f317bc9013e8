"""Reply notifications: a commenter who ticks the box hears when a reply to their comment is
published, once they have confirmed their address.

Addresses typed into the form are not verified, so the first message only asks to confirm
(double opt-in) and nothing else is sent until the link in it is followed and its page's
button pressed (opening a link changes nothing: mail scanners open links). Every
notification carries a one-click unsubscribe: a signed link, and the `List-Unsubscribe` and
`List-Unsubscribe-Post` headers of RFC 8058 whose POST the service handles. Messages go
through the outbox with per-address limits (COMMENTS_REPLY_*), so a typed-in stranger's
address gets at most a few confirmation requests a day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .jobs.model import Job
from .model import Comment, Status
from .notify import email_job
from .settings import Settings
from .store.subscriptions import Limit, Subscription

CONFIRM, STOP = "confirm", "stop"  # what a link does, and the last part of its path
CONFIRM_MAX_AGE = 7 * 86400
PATH = "/comments/replies"
ONE_CLICK = "List-Unsubscribe=One-Click"  # RFC 8058: the header's value and the POST's body


class ReplyNotices:
    """Signs the links and composes the messages; the store records and queues them."""

    def __init__(self, settings: Settings, secret: str) -> None:
        self.site_name: str = settings.get("SITENAME", "the blog")
        self.service_url = (settings["COMMENTS_SERVICE_URL"] or settings.site_origin).rstrip("/")
        self.permalink: Callable[[str], str] = settings.permalink
        self.confirmations = Limit(
            settings["COMMENTS_REPLY_CONFIRMATIONS_PER_DAY"], timedelta(days=1)
        )
        self.notifications = Limit(
            settings["COMMENTS_REPLY_NOTIFICATIONS_PER_HOUR"], timedelta(hours=1)
        )
        self._serializer = URLSafeTimedSerializer(secret, salt="reply-subscription")

    def link(self, subscription: Subscription, purpose: str) -> str:
        token = self._serializer.dumps({"s": subscription.id, "p": purpose})
        return f"{self.service_url}{PATH}/{purpose}/{token}"

    def read(self, token: str, purpose: str) -> int | str:
        """The subscription a link names, or why the link is refused (in words)."""
        try:
            # Unsubscribe links never expire: they must work in any old message.
            payload = self._serializer.loads(
                token, max_age=CONFIRM_MAX_AGE if purpose == CONFIRM else None
            )
        except SignatureExpired:
            return "This confirmation link has expired: tick the box again on your next comment."
        except BadSignature:
            return "This link is not one we sent, or it was cut short: copy all of it."
        valid = isinstance(payload, dict) and payload.get("p") == purpose
        if not valid or type(payload.get("s")) is not int:
            return "This link is not one we sent."
        return payload["s"]

    def requested(self, store, comment: Comment) -> Subscription | None:
        """The commenter ticked the box: record it and ask them to confirm (not for spam)."""
        if not comment.email or comment.status is Status.SPAM:
            return None
        return store.subscribe(
            comment.id, comment.email, self._confirmation(comment), self.confirmations
        )

    def reply_published(self, store, reply: Comment) -> list[Subscription]:
        """A reply was published: tell the confirmed subscribers of the comment it answers."""
        if reply.reply_to is None:
            return []
        compose = self._notification(reply)
        return store.notify_subscribers(reply.reply_to, reply.email, compose, self.notifications)

    def _confirmation(self, comment: Comment) -> Callable[[Subscription], list[Job]]:
        def compose(subscription: Subscription) -> list[Job]:
            body = (
                f"Hello {comment.name},\n\nyou asked to hear of replies to your comment on"
                f" {self.site_name}. Confirm it here (one button to press):\n"
                f"{self.link(subscription, CONFIRM)}\n\nIf you did not ask, ignore this"
                " message: nothing more will be sent to this address.\n"
            )
            subject = f"Confirm: replies to your comment on {self.site_name}"
            summary = f"Reply notifications: confirmation for comment #{comment.id}"
            return [email_job(subscription.email, subject, body, summary, comment_id=comment.id)]

        return compose

    def _notification(self, reply: Comment) -> Callable[[Subscription], list[Job]]:
        read_it = f"{self.permalink(reply.article)}#comment-{reply.id}"

        def compose(subscription: Subscription) -> list[Job]:
            stop = self.link(subscription, STOP)
            excerpt = reply.body if len(reply.body) <= 600 else reply.body[:600] + " […]"
            body = (
                f"{reply.name} replied to your comment on {self.site_name}:\n\n{excerpt}\n\n"
                f"Read it and answer: {read_it}\n\n"
                f"No more messages about this comment: {stop}\n"
            )
            subject = f"A reply to your comment on {self.site_name}"
            summary = f"Reply notification: #{reply.id} answers #{reply.reply_to}"
            headers = {"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": ONE_CLICK}
            return [
                email_job(
                    subscription.email, subject, body, summary,
                    comment_id=subscription.comment_id, headers=headers,
                )
            ]  # fmt: skip

        return compose
