"""E-mail: moderators hear of each new comment to read, commenters of the decision.

Sending happens on a background thread so the intake never waits on an SMTP server; a
failed send is logged, never raised to the commenter. Without COMMENTS_SMTP_HOST nothing is
sent and nothing fails.
"""

from __future__ import annotations

import logging
import queue
import smtplib
import threading
from email.message import EmailMessage

from .emailaddress import InvalidEmailAddress, single_address
from .model import Comment, Status

logger = logging.getLogger(__name__)


class Notifier:
    def __init__(self, settings) -> None:
        self.host: str = settings["COMMENTS_SMTP_HOST"]
        self.port: int = settings["COMMENTS_SMTP_PORT"]
        self.user: str = settings["COMMENTS_SMTP_USER"]
        self.password: str = settings["COMMENTS_SMTP_PASSWORD"]
        self.starttls: bool = settings["COMMENTS_SMTP_STARTTLS"]
        self.sender: str = settings["COMMENTS_SMTP_FROM"]
        self.moderators: list[str] = list(settings["COMMENTS_MODERATOR_EMAILS"])
        self.site_name: str = settings.get("SITENAME", "the blog")
        self.service_url = (settings["COMMENTS_SERVICE_URL"] or settings.site_origin).rstrip("/")
        self._outbox: queue.Queue[EmailMessage] = queue.Queue()
        self._worker: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    def new_comment(self, comment: Comment) -> None:
        if comment.status not in (Status.PENDING, Status.HELD) or not self.moderators:
            return
        reasons = "\n".join(
            f"- {r.check}: {r.outcome.code} {r.outcome.detail}" for r in comment.review.failures
        )
        body = (
            f"{comment.name} <{comment.blog_url}> commented on {comment.article}.\n"
            f"Status: {comment.status}\n{reasons}\n\n{comment.body}\n\n"
            f"Review it: {self.service_url}/moderate/comments/{comment.id}\n"
            f"or: moderate show {comment.id}\n"
        )
        subject = f"[{self.site_name}] {comment.status} comment #{comment.id} on {comment.article}"
        self._queue(self.moderators, subject, body)

    def decided(self, comment: Comment) -> None:
        if not comment.email:
            return
        if comment.status is Status.APPROVED:
            subject = f"Your comment on {self.site_name} is published"
            body = f"Hello {comment.name},\n\nthank you: your comment is published.\n"
        elif comment.status is Status.REJECTED:
            subject = f"Your comment on {self.site_name} was not published"
            reason = comment.decision_reason or "The moderator gave no further reason."
            body = f"Hello {comment.name},\n\nyour comment was not published.\nWhy: {reason}\n"
        else:
            return
        body += f"\nIts status page: {self.service_url}/comments/{comment.token}\n"
        try:  # rows stored before the intake checked addresses may hold a list
            recipient = single_address(comment.email)
        except InvalidEmailAddress as error:
            logger.warning("notify: not writing to comment #%s's address: %s", comment.id, error)
            return
        self._queue([recipient], subject, body)

    def wait_idle(self) -> None:
        """For tests and the CLI: wait until every queued message was handed over."""
        if self._worker is not None:
            self._outbox.join()

    def _queue(self, recipients: list[str], subject: str, body: str) -> None:
        if not self.enabled:
            return
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(recipients)
        message["Subject"] = subject
        message.set_content(body)
        self._outbox.put(message)
        if self._worker is None:
            self._worker = threading.Thread(target=self._send_forever, name="notify", daemon=True)
            self._worker.start()

    def _send_forever(self) -> None:
        while True:
            message = self._outbox.get()
            try:
                with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
                    if self.starttls:
                        smtp.starttls()
                    if self.user:
                        smtp.login(self.user, self.password)
                    smtp.send_message(message)
            except (OSError, smtplib.SMTPException) as error:
                logger.warning("notify: could not send %r: %s", message["Subject"], error)
            finally:
                self._outbox.task_done()
