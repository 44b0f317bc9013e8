"""Today's policy on an import's comments, a batch at a time, and the status each may take.

Batches go in the order they are read and come out reviewed in the same order. The text
checks of a batch run in other processes (`textpool`) while the caller reads and stores the
batches before it; the other checks, some of which ask the store (duplicates), run here when
the batch comes out, after every earlier batch was stored, as they would one at a time.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import replace

from ..model import CheckResult, Outcome, Review, Status, Verdict, status_for
from ..policy import Policy
from ..publishrules import PublishRules
from ..store.imports import ImportRow
from ..webmention.marks import mention_result
from .checks import hard_rule_breach, import_policies
from .record import Kind
from .textpool import Key, TextChecks

POOL_FROM = 2_000  # comments in a file: below, the text checks run in this process
AHEAD = 2  # batches whose text checks may be under way while the caller stores earlier ones


def workers_for(comments: int) -> int:
    """Processes for the text checks: one core is left to this process, which reads, runs
    the other checks, stores and writes files about as long as the text checks take."""
    cores = os.cpu_count() or 1
    return max(1, cores - 1) if comments >= POOL_FROM and cores > 1 else 0


class Reviewer:
    def __init__(self, policy: Policy, rules: PublishRules, workers: int) -> None:
        """:param workers: processes for the text checks; 0 runs them here."""
        self.policies = import_policies(policy)
        self.breach = hard_rule_breach(rules)
        self.unpublishable = 0  # approved on the old blog, but a hard rule keeps them off
        self._text = TextChecks(self.policies.text, workers)
        self._waiting: deque[tuple[list[ImportRow], Future[dict[Key, tuple[Outcome, ...]]]]]
        self._waiting = deque()

    def send(self, rows: list[ImportRow]) -> Iterator[list[ImportRow]]:
        """Start reviewing `rows`; yields the earlier batches whose review is done."""
        if rows:
            self._waiting.append((rows, self._text.submit([row.submission for row in rows])))
        while len(self._waiting) > AHEAD:
            yield self._finish(*self._waiting.popleft())

    def drain(self) -> Iterator[list[ImportRow]]:
        """The batches still under way, reviewed, in order."""
        while self._waiting:
            yield self._finish(*self._waiting.popleft())

    def close(self) -> None:
        self._text.close()

    def _finish(
        self, rows: list[ImportRow], answers: Future[dict[Key, tuple[Outcome, ...]]]
    ) -> list[ImportRow]:
        given = answers.result()
        for index, stand_in in enumerate(self.policies.stand_ins):
            stand_in.answers = {key: outcomes[index] for key, outcomes in given.items()}
        return [self.review(row) for row in rows]

    def review(self, row: ImportRow) -> ImportRow:
        """Every check's outcome on record; the status the old blog and today's rules allow."""
        approved = row.status is Status.APPROVED
        review = (self.policies.old if approved else self.policies.queue).run(row.submission)
        if row.kind != Kind.COMMENT:
            # A pingback or trackback is a link mention, published as a Webmention's is
            # (`Kind: mention`, its `Source:`), listed apart from the comments.
            mention = mention_result("mention", row.submission.blog_url)
            review = Review((mention, *review.results))
        status = status_for(review.verdict)
        if approved:
            status = Status.APPROVED
            submission = row.submission
            if problem := self.breach(submission.name, submission.blog_url):
                # The build would leave it out: never call it published. A moderator decides.
                self.unpublishable += 1
                status = Status.HELD
                held = Outcome(Verdict.HOLD, "import.unpublishable", "", f"approved on the old"
                               f" blog, but {problem}")  # fmt: skip
                review = Review((*review.results, CheckResult("import", held)))
        return replace(row, review=review, status=status)
