"""Sending the outbox's "email" jobs through an SMTP server (COMMENTS_SMTP_*).

The job runner calls `SMTPMailer.send` for each due message and retries with back-off when it
raises; a refusal that no retry can change (5xx for the recipient or the message) is a
`PermanentFailure`, shown to moderators as failed. Messages are composed in `notify`.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from .emailaddress import single_address
from .jobs.model import QueuedJob
from .jobs.runner import PermanentFailure

TIMEOUT_SECONDS = 20.0
# Headers a job may add: one-click unsubscribe of reply notifications (RFC 8058).
EXTRA_HEADERS = frozenset({"List-Unsubscribe", "List-Unsubscribe-Post"})


class SMTPMailer:
    def __init__(self, settings, timeout: float = TIMEOUT_SECONDS) -> None:
        self.host: str = settings["COMMENTS_SMTP_HOST"]
        self.port: int = settings["COMMENTS_SMTP_PORT"]
        self.user: str = settings["COMMENTS_SMTP_USER"]
        self.password: str = settings["COMMENTS_SMTP_PASSWORD"]
        self.starttls: bool = settings["COMMENTS_SMTP_STARTTLS"]
        self.sender: str = settings["COMMENTS_SMTP_FROM"]
        self.timeout = timeout

    def send(self, job: QueuedJob) -> None:
        """Hand one message to the SMTP server; raises to have the runner try again later."""
        message = self.message(job)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentFailure(f"the server refused the recipient: {error}") from error
            raise
        except smtplib.SMTPDataError as error:
            if error.smtp_code >= 500:
                raise PermanentFailure(f"the server refused the message: {error}") from error
            raise

    def message(self, job: QueuedJob) -> EmailMessage:
        """The job's message; a payload that is not one plain address is never sent."""
        payload = job.payload
        message = EmailMessage()
        try:
            message["From"] = self.sender
            message["To"] = single_address(str(payload["to"]))
            message["Subject"] = str(payload["subject"])  # a line break here raises
            message.set_content(str(payload["body"]))
            extra = {k: str(v) for k, v in dict(payload.get("headers") or {}).items()}
            if extra.keys() & EXTRA_HEADERS:
                # A URL longer than a 78-character line would be sent as RFC 2047 encoded
                # words, which mail programs do not read as a link: fold at 998, the limit.
                message.policy = message.policy.clone(max_line_length=998)
            for name in EXTRA_HEADERS & extra.keys():
                message[name] = extra[name]
        except (KeyError, ValueError) as error:
            raise PermanentFailure(f"not a message this service can send: {error}") from error
        return message
