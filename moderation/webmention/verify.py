"""The asynchronous half of a Webmention: fetch the source, check it, queue it as a comment.

Run by the job runner ("webmention-verify" jobs, recorded with each Webmention received), so
a verification that fails for a while (the source's server is down) is retried with back-off
and nothing is lost across restarts. Every request goes through NetGuard.

- The source links to the target: its h-entry goes through the comment policy (the same
  checks as a comment, but the form's token, which a Webmention cannot carry) into the queue,
  where moderators approve it as any comment. Its author's URL is their own site by
  definition, so the review says "verified" when the h-entry names its author on that site.
- The same source again: its comment takes the new words as a new version (an approved one
  goes back to the queue until a moderator approves the new words).
- The source answers 410 (or another 4xx), or no longer links to the target: its comment is
  taken down (unpublished or rejected), and the Webmention's state says why.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit

from ..errors import CommentNotFound, IllegalTransition, StaleDecision, Unpublishable
from ..jobs.model import Job, QueuedJob
from ..model import Action, CheckResult, Comment, Outcome, Review, Status, Submission, Verdict
from ..netguard import FetchFailed, FetchRefused, NetGuard
from ..policy import Policy
from ..policy.trust import ACTOR as TRUST_ACTOR
from ..store.mentions import Mention
from .hentry import SourcePost, read_source
from .marks import mention_result
from .targets import ArticleUrls

logger = logging.getLogger(__name__)

KIND = "webmention-verify"
MAX_ATTEMPTS = 10  # with the runner's back-off, about four hours of a source's server down
ACTOR = "webmention"
# No form token; ownership is checked here; one post may mention several articles in one text.
_SKIPPED_CHECKS = frozenset({"form", "ownership", "duplicate"})


class SourceUnavailable(Exception):
    """The source's server failed for now (5xx, 429): the runner tries again later."""


def job_for(mention_id: int) -> Job:
    """The verification job of one received Webmention (one waiting per Webmention)."""
    summary = f"Verify Webmention #{mention_id}"
    return Job(KIND, {"mention": mention_id, "summary": summary}, key=f"webmention:{mention_id}")


class WebmentionVerifier:
    """Verifies received Webmentions for a `CommentService`; tests replace `guard`."""

    def __init__(self, service, guard: NetGuard, urls: ArticleUrls) -> None:
        self.service = service
        self.guard = guard
        self.urls = urls

    @classmethod
    def from_settings(cls, settings, service) -> WebmentionVerifier:
        guard = NetGuard(timeout=settings["COMMENTS_WEBMENTION_TIMEOUT"], max_bytes=1_000_000)
        return cls(service, guard, ArticleUrls.from_settings(settings))

    def run(self, job: QueuedJob) -> None:
        """The job handler: one verification; raises to be retried when the source is down."""
        mention = self.service.store.webmention(int(job.payload["mention"]))
        try:
            page = self.guard.fetch(mention.source)
        except FetchRefused as refused:
            self._take_down(mention, "refused", f"the source cannot be fetched: {refused}")
            return
        except FetchFailed as failed:
            self._try_again(job, mention, str(failed))
            return
        if page.status == 429 or page.status >= 500:
            self._try_again(job, mention, f"the source answered {page.status}")
            return
        if page.status >= 400:
            gone = "was deleted (410 Gone)" if page.status == 410 else f"answered {page.status}"
            self._take_down(mention, "gone", f"the source {gone}")
            return
        if page.status >= 300:  # a redirect NetGuard would not follow further
            self._take_down(mention, "refused", f"the source answered {page.status}")
            return
        post = read_source(page, mention.target)
        if not post.links_to_target:
            self._take_down(mention, "no-link", "the source does not link to the target")
            return
        self._queue(mention, post)

    def _try_again(self, job: QueuedJob, mention: Mention, problem: str) -> None:
        """Leave it to the runner's back-off (by raising), or give up after the last try."""
        if job.attempts >= MAX_ATTEMPTS:
            self.service.store.record_webmention(mention.id, "failed", f"gave up: {problem}")
            return
        self.service.store.record_webmention(mention.id, "received", f"retrying: {problem}")
        raise SourceUnavailable(problem)

    def _queue(self, mention: Mention, post: SourcePost) -> None:
        submission, kind = self._submission(mention, post)
        review = self._review(submission, kind, mention.source, post)
        store = self.service.store
        current = self._comment(mention)
        if current is None:
            self._add(mention, submission, review)
            return
        taken_down = current.status is Status.REJECTED and current.decided_by == ACTOR
        if _unchanged(current, submission) and not taken_down:
            store.record_webmention(mention.id, "queued", f"comment #{current.id}, unchanged")
            return
        # New words, or a source back after we took it down: the moderators read it again.
        # What is published must be what a moderator read: the file goes first (a crash
        # before the update leaves an approved comment without a file, which start-up
        # writes again, and this job runs again).
        if current.status is Status.APPROVED:
            self.service.publisher.unpublish(current)
        updated, before = store.update_from_source(
            mention.id, submission, review, f"comment #{current.id}, updated"
        )
        jobs = list(self.service.notifier.new_comment(updated))
        if before is Status.APPROVED:
            jobs += self.service.site_jobs
        if jobs:
            store.enqueue(jobs)
            if self.service.jobs is not None:
                self.service.jobs.wake()
        logger.info("webmention: %s updated comment #%d", mention.source, updated.id)

    def _add(self, mention: Mention, submission: Submission, review: Review) -> None:
        """Queue a new comment; a trusted commenter's (COMMENTS_TRUSTED_COMMENTERS, such as
        "verified-blog") is approved at once, as a comment from the form would be."""
        store = self.service.store
        trust = self.service.trust
        trusted = trust.reason(submission, review) if trust is not None else ""
        jobs: list[Job] = []

        def follow_up(comment: Comment) -> list[Job]:
            jobs.extend([] if trusted else self.service.notifier.new_comment(comment))
            return jobs

        # Two transactions: a crash between them queues the mention again on the retry,
        # where the duplicate check holds the second copy for a moderator.
        comment = store.add(submission, review, follow_up=follow_up)
        if trusted:  # published before the status URL says "queued"
            self._approve_trusted(comment, trusted)
        store.record_webmention(mention.id, "queued", f"comment #{comment.id}", comment.id)
        if jobs and self.service.jobs is not None:
            self.service.jobs.wake()

    def _approve_trusted(self, comment: Comment, reason: str) -> None:
        try:
            self.service.decide(
                comment.id, Action.APPROVE, TRUST_ACTOR, reason, expected_version=comment.version
            )
        except (Unpublishable, IllegalTransition, StaleDecision) as error:
            logger.warning("webmention: comment #%d waits for a moderator: %s", comment.id, error)
            self.service.store.enqueue(self.service.notifier.new_comment(comment))

    def _submission(self, mention: Mention, post: SourcePost) -> tuple[Submission, str]:
        """The comment a source makes: a reply when it answers the article or a comment."""
        reply_to: int | None = None
        kind = "mention"
        for url in post.in_reply_to:
            answered = self.urls.article(url)
            if answered is not None and answered.slug == mention.article:
                kind = "reply"
                reply_to = answered.comment_id if self._published(answered.comment_id) else None
                break
        now = datetime.now(UTC)
        published = post.published if post.published and post.published < now else now
        submission = Submission(
            article=mention.article,
            name=" ".join(post.author_name.split())[:200],
            blog_url=_own_site(post.author_url, mention.source),
            body=post.content or f"Mentioned this article in {mention.source}",
            reply_to=reply_to,
            user_agent="Webmention",
            submitted_at=published,
        )
        return submission, kind

    def _published(self, comment_id: int | None) -> bool:
        if comment_id is None:
            return False
        try:
            return self.service.store.get(comment_id).status is Status.APPROVED
        except CommentNotFound:
            return False

    def _review(self, submission: Submission, kind: str, source: str, post: SourcePost) -> Review:
        """The comment policy's checks but the form's, after the Webmention's own results."""
        checks = [c for c in self.service.policy.checks if c.name not in _SKIPPED_CHECKS]
        policy = Policy(checks)
        results = policy.run(submission).results
        return Review((mention_result(kind, source), _ownership(post, source), *results))

    def _comment(self, mention: Mention) -> Comment | None:
        if mention.comment_id is None:
            return None
        try:
            return self.service.store.get(mention.comment_id)
        except CommentNotFound:
            return None

    def _take_down(self, mention: Mention, state: str, detail: str) -> None:
        """The source is gone or no longer links here: its comment leaves the site and queue."""
        comment = self._comment(mention)
        if comment is not None and comment.status is not Status.REJECTED:
            action = Action.UNPUBLISH if comment.status is Status.APPROVED else Action.REJECT
            self.service.decide(comment.id, action, ACTOR, f"Webmention: {detail}")
            detail = f"{detail}; comment #{comment.id} taken down"
        self.service.store.record_webmention(mention.id, state, detail)


def _own_site(author_url: str, source: str) -> str:
    """The author's URL when it is on the source's site; else the source's own site."""
    source_parts = urlsplit(source)
    author = urlsplit(author_url) if author_url else None
    if (
        author is not None
        and author.scheme in ("http", "https")
        and _host(author) == _host(source_parts)
    ):
        return author_url
    return f"{source_parts.scheme}://{source_parts.netloc}/"


def _host(parts) -> str:
    return (parts.hostname or "").lower().removeprefix("www.")


def _ownership(post: SourcePost, source: str) -> CheckResult:
    """A post on the commenter's own site that names its author: the author is verified."""
    if not post.author_name:
        outcome = Outcome(Verdict.PASS, "ownership.no-data", "", f"no author in {source}")
    elif _own_site(post.author_url, source) == post.author_url or not post.author_url:
        detail = f"verified: the blog names {post.author_name} as its author (h-entry at {source})"
        outcome = Outcome(Verdict.PASS, "ownership.verified", "", detail)
    else:
        detail = f"the h-entry's author {post.author_name} is at {post.author_url}, not {source}"
        outcome = Outcome(Verdict.PASS, "ownership.other-site", "", detail)
    return CheckResult("ownership", outcome)


def _unchanged(comment: Comment, submission: Submission) -> bool:
    return (comment.name, comment.blog_url, comment.body) == (
        submission.name,
        submission.blog_url,
        submission.body,
    )
