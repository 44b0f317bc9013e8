"""The comment system's vocabulary: submissions, check outcomes and reviews. No I/O here."""

from __future__ import annotations

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
