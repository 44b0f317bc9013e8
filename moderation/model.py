"""The comment system's vocabulary: submissions, check outcomes and reviews. No I/O here."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol


class Verdict(StrEnum):
    """What one check, or the whole policy, says about a comment; later members are worse."""

    PASS = "pass"
    HOLD = "hold"
    SPAM = "spam"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Verdict.PASS: 0, Verdict.HOLD: 1, Verdict.SPAM: 2}


@dataclass(frozen=True)
class Outcome:
    """One check's answer.

    `code` is stable and begins with the check's area (`name.generic`, `link.shortener`);
    `reason` is addressed to the commenter and says how to fix the comment; `detail` is for
    the moderator only (the offending phrase, the resolved address, the Akismet answer).
    """

    verdict: Verdict
    code: str = ""
    reason: str = ""
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.verdict is Verdict.PASS


PASSED = Outcome(Verdict.PASS)


@dataclass(frozen=True)
class Submission:
    """A comment as the reader sent it, already shape-checked (sizes, required fields)."""

    article: str
    name: str
    blog_url: str
    body: str
    email: str = ""
    reply_to: int | None = None
    ip: str = ""
    user_agent: str = ""
    referrer: str = ""
    honeypot: str = ""
    form_token: str = ""
    submitted_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    notify_replies: bool = False  # the box "e-mail me replies" (needs `email`; confirmed first)


# A copy on another article counts from this many characters (words, case and spacing
# aside): spam rings post one comment everywhere, but "Thanks, great post!" on two articles is
# two readers being polite. On the same article, a copy of any length counts.
CROSS_ARTICLE_MIN_CHARS = 40


def _words(body: str) -> str:
    return " ".join(body.casefold().split())


def fingerprint(body: str) -> str:
    """Same words (case and spacing aside), on any article: the key of duplicate detection."""
    return hashlib.blake2b(_words(body).encode(), digest_size=16).hexdigest()


class Copy(StrEnum):
    """Where an earlier copy of a comment's text was sent."""

    THIS_ARTICLE = "this-article"
    OTHER_ARTICLE = "other-article"


def copy_of(article: str, body: str, earlier_articles: Iterable[str]) -> Copy | None:
    """The copy that makes `body` on `article` a duplicate, given the articles where the same
    text was sent before; None when short text was sent only on other articles."""
    earlier = set(earlier_articles)
    if article in earlier:
        return Copy.THIS_ARTICLE
    if earlier and len(_words(body)) >= CROSS_ARTICLE_MIN_CHARS:
        return Copy.OTHER_ARTICLE
    return None


class Check(Protocol):
    """A policy check: a name (its code area) and a call that never raises to the caller."""

    name: str

    def __call__(self, submission: Submission) -> Outcome: ...


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome, labelled with the check that produced it."""

    check: str
    outcome: Outcome

    def as_dict(self) -> dict[str, str]:
        return {
            "check": self.check,
            "verdict": self.outcome.verdict.value,
            "code": self.outcome.code,
            "reason": self.outcome.reason,
            "detail": self.outcome.detail,
        }


@dataclass(frozen=True)
class Review:
    """Every check's outcome for one submission; the overall verdict is the worst of them."""

    results: tuple[CheckResult, ...]

    @property
    def verdict(self) -> Verdict:
        return max(
            (r.outcome.verdict for r in self.results),
            key=lambda v: v.severity,
            default=Verdict.PASS,
        )

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if not r.outcome.passed)

    @property
    def reasons(self) -> list[str]:
        """What the commenter is told: one sentence per failed check, in policy order."""
        return [r.outcome.reason for r in self.failures if r.outcome.reason]

    def as_dict(self) -> dict[str, object]:
        return {
            "verdict": self.verdict.value,
            "checks": [r.as_dict() for r in self.results],
        }


def review_from_dict(data: dict[str, object]) -> Review:
    """Rebuild a review stored as JSON (the inverse of `Review.as_dict`)."""
    checks = data.get("checks", [])
    assert isinstance(checks, list)
    return Review(
        tuple(
            CheckResult(
                c["check"],
                Outcome(
                    Verdict(c["verdict"]),
                    c.get("code", ""),
                    c.get("reason", ""),
                    c.get("detail", ""),
                ),
            )
            for c in checks
        )
    )


class Status(StrEnum):
    """Where a comment stands in the queue."""

    PENDING = "pending"  # passed every check, waits for a moderator
    HELD = "held"  # failed a check; the commenter was told why and may send a correction
    SPAM = "spam"  # kept for review, never shown, purged after a while
    APPROVED = "approved"  # published
    REJECTED = "rejected"  # a moderator said no, with a reason the commenter can read


class Action(StrEnum):
    """What a moderator (or the commenter, for `resubmit`) can do to a comment."""

    APPROVE = "approve"
    REJECT = "reject"
    SPAM = "spam"
    HAM = "ham"
    UNPUBLISH = "unpublish"
    REOPEN = "reopen"  # undo a rejection: pending again, nothing reported to Akismet
    RESUBMIT = "resubmit"


# The only legal moves. A decided comment (approved, rejected) does not change by a plain
# approve/reject: two moderators deciding at once leave exactly one decision.
TRANSITIONS: dict[Action, dict[Status, Status]] = {
    Action.APPROVE: {
        Status.PENDING: Status.APPROVED,
        Status.HELD: Status.APPROVED,
        Status.SPAM: Status.APPROVED,
    },
    Action.REJECT: {
        Status.PENDING: Status.REJECTED,
        Status.HELD: Status.REJECTED,
        Status.SPAM: Status.REJECTED,
    },
    Action.SPAM: {
        Status.PENDING: Status.SPAM,
        Status.HELD: Status.SPAM,
        Status.APPROVED: Status.SPAM,
        Status.REJECTED: Status.SPAM,
    },
    Action.HAM: {Status.SPAM: Status.PENDING},
    Action.UNPUBLISH: {Status.APPROVED: Status.REJECTED},
    Action.REOPEN: {Status.REJECTED: Status.PENDING},
    # A corrected comment goes back through the policy; the store sets the new status.
    Action.RESUBMIT: {Status.HELD: Status.PENDING},
}


def status_for(verdict: Verdict) -> Status:
    """The queue status a fresh review earns."""
    return {Verdict.PASS: Status.PENDING, Verdict.HOLD: Status.HELD, Verdict.SPAM: Status.SPAM}[
        verdict
    ]


@dataclass(frozen=True)
class Comment:
    """A comment as the queue keeps it."""

    id: int
    article: str
    name: str
    blog_url: str
    body: str
    status: Status
    token: str  # unguessable: the commenter's key to the status page
    created_at: datetime
    updated_at: datetime
    review: Review
    email: str = ""
    reply_to: int | None = None
    ip: str = ""
    user_agent: str = ""
    decided_by: str = ""
    decided_at: datetime | None = None
    decision_reason: str = ""
    feed: str = ""
    uid: str = ""  # random, lasting: identifies the comment in its file when an id cannot
    # Grows with each change a moderator must read again (a correction, a changed review),
    # never with a decision: a decision names the version it was made on.
    version: int = 1

    def submission(self) -> Submission:
        """The comment as the policy sees it, for re-checks and Akismet reports."""
        return Submission(
            article=self.article,
            name=self.name,
            blog_url=self.blog_url,
            body=self.body,
            email=self.email,
            reply_to=self.reply_to,
            ip=self.ip,
            user_agent=self.user_agent,
            submitted_at=self.created_at,
        )


@dataclass(frozen=True)
class AuditEntry:
    """One decision, as the audit log records it."""

    id: int
    comment_id: int
    at: datetime
    actor: str
    action: str
    from_status: Status | None
    to_status: Status
    reason: str = ""
