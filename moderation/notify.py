"""E-mail messages: moderators hear of each new comment to read, commenters of the decision.

This module only composes: each message becomes an "email" job, recorded in the store in the
same transaction as the event that causes it, and sent later by `mailer` with retries. So a
commenter never waits on an SMTP server, a failed send is tried again, and with no SMTP
server configured the messages wait in the outbox where moderators can read them. Other
channels (reply notifications) compose their jobs the same way.
"""

from __future__ import annotations

import logging
from typing import Any

from .emailaddress import InvalidEmailAddress, single_address
from .emaillinks import EmailLinks
from .errors import SettingsError
from .jobs.model import Job
from .model import Comment, Status

logger = logging.getLogger(__name__)

EMAIL = "email"  # the job kind `mailer` sends


def email_job(to: str, subject: str, body: str, summary: str, **about: Any) -> Job:
    """One message to one parsed address; `about` (a comment id) lets erasure find it."""
    return Job(EMAIL, {"to": to, "subject": subject, "body": body, "summary": summary, **about})


class Notifier:
    """Composes the service's messages from the settings; sends nothing itself."""

    def __init__(self, settings, links: EmailLinks | None = None) -> None:
        """:param links: signs each moderator's one-tap decision link; None: no such links."""
        self.moderators = [
            _moderator_address(raw) for raw in settings["COMMENTS_MODERATOR_EMAILS"] if raw.strip()
        ]
        self.site_name: str = settings.get("SITENAME", "the blog")
        self.service_url = (settings["COMMENTS_SERVICE_URL"] or settings.site_origin).rstrip("/")
        self.links = links

    def new_comment(self, comment: Comment) -> list[Job]:
        """A message to each moderator about a comment that waits for them."""
        if comment.status not in (Status.PENDING, Status.HELD) or not self.moderators:
            return []
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
        summary = f"To the moderators: {comment.status} comment #{comment.id}"
        return [
            email_job(
                to,
                subject,
                body + self._decide_link(comment, to),
                f"{summary} ({to})",
                comment_id=comment.id,
            )
            for to in self.moderators
        ]

    def _decide_link(self, comment: Comment, moderator: str) -> str:
        """One moderator's signed link to decide on this version (opening it decides nothing)."""
        if self.links is None:
            return ""
        token = self.links.issue(comment.id, comment.version, moderator)
        hours = self.links.max_age / 3600
        return (
            f"\nApprove or reject it from this e-mail (asks you to confirm; works once, for"
            f" {hours:g} hours):\n{self.service_url}/moderate/mail/{token}\n"
        )

    def decided(self, comment: Comment) -> list[Job]:
        """The commenter's message about an approval or a rejection, if they left an address."""
        if not comment.email:
            return []
        if comment.status is Status.APPROVED:
            subject = f"Your comment on {self.site_name} is published"
            body = f"Hello {comment.name},\n\nthank you: your comment is published.\n"
        elif comment.status is Status.REJECTED:
            subject = f"Your comment on {self.site_name} was not published"
            reason = comment.decision_reason or "The moderator gave no further reason."
            body = f"Hello {comment.name},\n\nyour comment was not published.\nWhy: {reason}\n"
        else:
            return []
        body += f"\nIts status page: {self.service_url}/comments/{comment.token}\n"
        try:  # rows stored before the intake checked addresses may hold a list
            recipient = single_address(comment.email)
        except InvalidEmailAddress as error:
            logger.warning("notify: not writing to comment #%s's address: %s", comment.id, error)
            return []
        summary = f"To the commenter: comment #{comment.id} {comment.status} ({recipient})"
        return [email_job(recipient, subject, body, summary, comment_id=comment.id)]


def _moderator_address(raw: str) -> str:
    try:
        return single_address(raw)
    except InvalidEmailAddress as error:
        raise SettingsError(f"COMMENTS_MODERATOR_EMAILS: {raw!r} {error}") from None
