"""What the web layer and the CLI share: submit a comment, correct it, decide on it.

Each step is the same whichever door it comes through: validate against what the store
knows, run the policy, commit, then publish, notify and report to Akismet as the decision
requires. HTTP and terminal concerns stay in `web` and `cli`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from .articles import ArticleIndex
from .errors import (
    CommentNotFound,
    IllegalTransition,
    InvalidSubmission,
    StaleDecision,
    Unpublishable,
)
from .feedback import akismet_report
from .indieauth.review import keep_sign_in
from .jobs.model import Job
from .jobs.runner import JobRunner
from .model import TRANSITIONS, Action, CheckResult, Comment, Review, Status, Submission
from .notify import Notifier
from .policy import Policy
from .policy.akismet_check import AkismetCheck
from .policy.trust import ACTOR as TRUST_ACTOR
from .policy.trust import Trust
from .publish import Publisher
from .publishrules import PublishRules
from .roles import role_of
from .store import Store
from .store.base import FollowUp
from .subscriptions import ReplyNotices
from .webmention.marks import carry_over
from .webmention.verify import WebmentionVerifier

logger = logging.getLogger(__name__)


@dataclass
class CommentService:
    store: Store
    policy: Policy
    articles: ArticleIndex
    publisher: Publisher
    notifier: Notifier
    rules: PublishRules  # what an approval must pass; the build applies the same rules
    akismet: AkismetCheck | None = None  # reports moderators' corrections to Akismet
    jobs: JobRunner | None = None  # e-mail, deploys and housekeeping, with retries
    # Recorded with each decision that publishes or unpublishes: git push, deploy command.
    site_jobs: tuple[Job, ...] = ()
    notices: list[str] = field(default_factory=list)  # what start-up found: `serve` prints it
    webmentions: WebmentionVerifier | None = None  # fetches and queues Webmentions' sources
    trust: Trust | None = None  # approves trusted returning commenters (COMMENTS_TRUSTED_…)
    replies: ReplyNotices | None = None  # reply notifications (COMMENTS_REPLY_NOTIFICATIONS)

    def start(self) -> None:
        """Start the background work of a long-running service: builder and job runner."""
        self.publisher.start()
        if self.jobs is not None:
            self.jobs.start()

    def close(self) -> None:
        """Stop the background work; what is left to do stays recorded in the store."""
        if self.jobs is not None:
            self.jobs.close()
        self.publisher.close()

    def submit(self, submission: Submission, proven: CheckResult | None = None) -> Comment:
        """Check and queue a new comment; committed before this returns.

        :param proven: what the web layer established about the commenter beyond the policy
            (they signed in with their blog), added to the review.
        """
        self.validate_target(submission)
        recorded: list[Job] = []
        review = self.policy.run(submission)
        if proven is not None:
            review = replace(review, results=(*review.results, proven))
        trusted = self.trust.reason(submission, review) if self.trust is not None else ""
        # A trusted comment is approved next: the moderators hear only if that fails.
        compose = _nothing if trusted else self.notifier.new_comment
        comment = self.store.add(submission, review, follow_up=_keeping(compose, recorded))
        if trusted:
            comment = self._approve_trusted(comment, trusted)
        if submission.notify_replies and self.replies is not None:
            asked = self.replies.requested(self.store, comment)  # its confirmation, queued
            self._wake_for([asked] if asked else [])
        self._wake_for(recorded)
        return comment

    def _approve_trusted(self, comment: Comment, reason: str) -> Comment:
        """Approve and publish a trusted returning commenter's comment, the rule as reason."""
        try:
            return self.decide(
                comment.id, Action.APPROVE, TRUST_ACTOR, reason, expected_version=comment.version
            )
        except (Unpublishable, IllegalTransition, StaleDecision) as error:
            logger.warning("trust: comment #%d waits for a moderator: %s", comment.id, error)
            self.store.enqueue(self.notifier.new_comment(comment))
            return self.store.get(comment.id)

    def correct(self, token: str, submission: Submission) -> Comment:
        """The commenter's corrected version of a held comment, checked again."""
        original = self.store.by_token(token)
        if original.status is not Status.HELD:
            raise IllegalTransition(
                f"Comment {original.id} is {original.status} now, so it can no longer be corrected."
            )
        # The original's time: duplicate detection then looks only at comments sent before
        # it, not at the earlier version of this very comment. A correction has no form token.
        corrected = replace(
            submission,
            article=original.article,
            reply_to=original.reply_to,
            submitted_at=original.created_at,
            form_token="",
        )
        recorded: list[Job] = []
        follow_up = _keeping(self.notifier.new_comment, recorded)
        review = keep_sign_in(original.review, self.policy.run(corrected), corrected)
        comment = self.store.resubmit(token, corrected, review, follow_up=follow_up)
        self._wake_for(recorded)
        return comment

    def decide(
        self,
        comment_id: int,
        action: Action,
        actor: str,
        reason: str = "",
        *,
        expected_version: int | None = None,
    ) -> Comment:
        """A moderator's decision, then its consequences: publish, unpublish, tell, report.

        It applies to `expected_version`, the version the moderator read (by default the one
        read here): a comment changed since is `StaleDecision`. An approval the build would
        drop is `Unpublishable`. Either way nothing is decided.
        """
        action = Action(action)
        before = self.store.get(comment_id)
        version = before.version if expected_version is None else expected_version
        if before.version != version:
            raise StaleDecision(comment_id, version, before.version)
        if action is Action.APPROVE and before.status in TRANSITIONS[action]:
            self._refuse_unpublishable(before)
        # The store checks the version again in the decision's own transaction: the rules
        # above judged exactly the words that are approved.
        # The commenter's e-mail commits with the decision (the outbox): never one without the
        # other.
        recorded: list[Job] = []
        comment = self.store.decide(
            comment_id,
            action,
            actor,
            reason,
            expected_version=version,
            follow_up=_keeping(self._decision_jobs(before), recorded),
        )
        if comment.status is Status.APPROVED:
            comment = self.publisher.publish(comment)  # its id moves if a file holds it
            if before.status is not Status.APPROVED and self.replies is not None:
                self._wake_for(self.replies.reply_published(self.store, comment))
        elif before.status is Status.APPROVED:
            self.publisher.unpublish(comment)
        if self.akismet is not None and (report := akismet_report(action, before)) is not None:
            self.akismet.report(comment.submission(), spam=report)
        self._wake_for(recorded)
        return comment

    def _decision_jobs(self, before: Comment) -> Callable[[Comment], list[Job]]:
        """The later work a decision causes: the commenter's e-mail and, when the published
        comments change, the site's deploy steps (moderation/deploy)."""

        def compose(decided: Comment) -> list[Job]:
            jobs = list(self.notifier.decided(decided))
            if Status.APPROVED in (before.status, decided.status):
                jobs += self.site_jobs
            return jobs

        return compose

    def deploy_changes(self) -> None:
        """Published comments changed outside a decision (an edit): the site's deploy steps."""
        if self.site_jobs:
            self.store.enqueue(self.site_jobs)
            self._wake_for(self.site_jobs)

    def _wake_for(self, recorded: Sequence[object]) -> None:
        """New jobs were committed (`recorded`, or what caused them): the runner does them now
        rather than at its next poll."""
        if recorded and self.jobs is not None:
            self.jobs.wake()

    def _refuse_unpublishable(self, comment: Comment) -> None:
        """Never say "published" about a comment the build would leave out."""
        if problem := self.rules.reason(comment.name, comment.blog_url, role_of(comment.review)):
            raise Unpublishable(
                f"comment {comment.id} cannot be published: {problem}, a rule no approval"
                f" overrules; it stays {comment.status}"
            )

    def recheck(self, comment_id: int) -> Comment:
        """Run today's policy again on a held comment (after settings or models changed)."""
        comment = self.store.get(comment_id)
        return self.store.recheck(comment_id, self.review_again(comment))

    def review_again(self, comment: Comment) -> Review:
        """Today's policy on a stored comment (a Webmention keeps its source's results, a
        commenter who signed in with their blog keeps that)."""
        submission = comment.submission()
        today = carry_over(comment.review, self.policy.run(submission))
        return keep_sign_in(comment.review, today, submission)

    def validate_target(self, submission: Submission) -> None:
        """An existing article, and a published comment there to reply to, if any."""
        if submission.article not in self.articles:
            message = f"There is no article {submission.article!r} here to comment on."
            raise InvalidSubmission("article", message, 404)
        if submission.reply_to is None:
            return
        try:
            parent = self.store.get(submission.reply_to)
        except CommentNotFound:
            message = f"There is no comment {submission.reply_to} to reply to."
            raise InvalidSubmission("reply_to", message) from None
        if parent.article != submission.article:
            message = f"Comment {parent.id} is on another article: reply to it there."
            raise InvalidSubmission("reply_to", message)
        if parent.status is not Status.APPROVED:
            message = f"Comment {parent.id} is not published, so it cannot have replies yet."
            raise InvalidSubmission("reply_to", message)


def _nothing(comment: Comment) -> list[Job]:
    return []


def _keeping(compose: Callable[[Comment], Sequence[Job]], into: list[Job]) -> FollowUp:
    """`compose` as a store follow-up that also keeps what it returned, so the caller wakes
    the job runner only when there is new work (not on every comment of a burst)."""

    def follow_up(comment: Comment) -> Sequence[Job]:
        jobs = compose(comment)
        into.extend(jobs)
        return jobs

    return follow_up
