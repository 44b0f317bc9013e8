"""Work that must happen later, as the database keeps it: what to do, when, and how it went.

A job is recorded in the same transaction as the event that causes it (a decision, an
approval), so a crash between the two cannot lose it; the runner does it afterwards and
retries with back-off until it succeeds. No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class JobState(StrEnum):
    PENDING = "pending"  # waiting for its time, or for a handler (no SMTP configured yet)
    DONE = "done"
    FAILED = "failed"  # given up: a moderator can send it again


@dataclass(frozen=True)
class Job:
    """Something to do: a kind the runner has a handler for, and that handler's input."""

    kind: str  # "email", "git-push", "deploy", …
    payload: dict[str, Any] = field(default_factory=dict)
    # Jobs with the same non-empty key that are still pending are one job: ten approvals in a
    # row ask for one push, not ten.
    key: str = ""


@dataclass(frozen=True)
class QueuedJob:
    """A job as the queue holds it."""

    id: int
    kind: str
    payload: dict[str, Any]
    key: str
    state: JobState
    attempts: int
    created_at: datetime
    due_at: datetime
    last_error: str = ""
    last_attempt_at: datetime | None = None
    done_at: datetime | None = None

    @property
    def summary(self) -> str:
        """One line for moderators: the payload's own summary, or the kind."""
        return str(self.payload.get("summary") or self.kind)
