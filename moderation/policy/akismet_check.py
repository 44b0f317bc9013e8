"""Akismet, through the `akismet` package's real client, after the local signals.

Akismet is the only check that leaves this machine. When it cannot answer (timeout, network,
a bad key) the comment is held with a reason: never lost, never published unchecked.
Moderators' corrections (spam / not spam) are reported back so Akismet learns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import akismet
import httpx

from ..model import PASSED, Outcome, Submission, Verdict

logger = logging.getLogger(__name__)
# What the commenter reads; all three only ask them to wait (`guidance.WAIT`).
REASONS = {
    "spam.akismet-unavailable": "Our spam service did not answer in time, so a moderator will"
    " read your comment before it appears.",
    "spam.akismet-discard": "Akismet, the spam service this blog uses, recognised this comment"
    " as spam.",
    "spam.akismet": "Akismet, the spam service this blog uses, flagged this comment as spam; if"
    " that is a mistake, a moderator can still approve it.",
}


def make_client(key: str, blog_url: str, timeout: float, http_client: httpx.Client | None = None):
    """An unverified SyncClient: verifying the key costs a request at every start-up."""
    http = http_client or httpx.Client(
        timeout=timeout, headers={"User-Agent": akismet.USER_AGENT}, follow_redirects=False
    )
    return akismet.SyncClient(config=akismet.Config(key=key, url=blog_url), http_client=http)


def comment_fields(submission: Submission, permalink: str) -> dict[str, str]:
    """The submission in Akismet's words (see comment-check in the Akismet API)."""
    fields = {
        "comment_type": "reply" if submission.reply_to else "comment",
        "comment_author": submission.name,
        "comment_author_url": submission.blog_url,
        "comment_author_email": submission.email,
        "comment_content": submission.body,
        "comment_date_gmt": submission.submitted_at.isoformat(),
        "user_agent": submission.user_agent,
        "referrer": submission.referrer,
        "permalink": permalink,
        "blog_lang": "en",
        "blog_charset": "UTF-8",
    }
    return {k: v for k, v in fields.items() if v}


class AkismetCheck:
    """Ask Akismet; `costly` tells the policy to skip it for comments already judged spam."""

    name = "akismet"
    costly = True

    def __init__(self, client: akismet.SyncClient, permalink: Callable[[str], str]) -> None:
        self.client = client
        self.permalink = permalink

    def __call__(self, submission: Submission) -> Outcome:
        fields = comment_fields(submission, self.permalink(submission.article))
        try:
            answer = self.client.comment_check(user_ip=submission.ip or "127.0.0.1", **fields)
        except akismet.AkismetError as error:
            logger.warning("akismet: comment-check failed: %r", error)
            code = "spam.akismet-unavailable"
            detail = f"Akismet error: {type(error).__name__}: {error}"
            return Outcome(Verdict.HOLD, code, REASONS[code], detail)
        if answer is akismet.CheckResponse.DISCARD:
            detail = "Akismet answered spam with the discard hint (blatant spam)"
            return Outcome(
                Verdict.SPAM, "spam.akismet-discard", REASONS["spam.akismet-discard"], detail
            )
        if answer is akismet.CheckResponse.SPAM:
            return Outcome(
                Verdict.SPAM, "spam.akismet", REASONS["spam.akismet"], "Akismet answered spam"
            )
        return PASSED

    def report(self, submission: Submission, *, spam: bool) -> bool:
        """Tell Akismet a moderator disagreed; False when Akismet could not be reached."""
        fields = comment_fields(submission, self.permalink(submission.article))
        call = self.client.submit_spam if spam else self.client.submit_ham
        try:
            return bool(call(user_ip=submission.ip or "127.0.0.1", **fields))
        except akismet.AkismetError as error:
            logger.warning("akismet: report failed: %r", error)
            return False
