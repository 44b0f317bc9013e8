"""The queue's contract: what the web service and the `moderate` command may ask of a store.

Callers depend on `Store`, never on a backend, so PostgreSQL can be added next to SQLite without
touching them. Every method is safe to call from many threads at once.

The comment queue itself is here; the other parts of the contract, each its own protocol that
`Store` combines, are in `base_access` (moderators, limits, one-use tokens), `base_jobs` (jobs
and reply subscriptions) and `base_files` (published files, imports, exports).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

from ..jobs.model import Job
from ..model import Action, AuditEntry, Comment, Copy, Review, Status, Submission
from .base_access import ModeratorAccess, ModeratorSession
from .base_files import CommentArchive
from .base_jobs import JobQueue, ReplySubscriptions

if TYPE_CHECKING:
    from .imports import ImportedFilter

__all__ = ["FollowUp", "ModeratorSession", "Store"]

# The work a decision causes (e-mail, deploys), written in the decision's own transaction.
FollowUp = Callable[[Comment], Sequence[Job]]


class Store(ModeratorAccess, JobQueue, ReplySubscriptions, CommentArchive, Protocol):
    """The comment queue: every comment, its status, and an audit row for every change."""

    def add(
        self, submission: Submission, review: Review, *, follow_up: FollowUp | None = None
    ) -> Comment:
        """Keep a new comment with the status its review earns, before the reader gets an answer.

        The comment, its "submitted" audit row and the jobs `follow_up(comment)` names (the
        moderators' e-mail) commit together. A `reply_to` must name a comment on the same
        article (`CommentNotFound` otherwise): the intake checks it, the store enforces it.
        The IP address is kept as the store's `IpStorage` says (truncated by default).
        """
        ...

    def get(self, comment_id: int) -> Comment:
        """The comment with that id, or `CommentNotFound`."""
        ...

    def by_token(self, token: str) -> Comment:
        """The comment behind a status-page token, or `CommentNotFound`."""
        ...

    def queue(
        self,
        status: Status | Collection[Status] | None = None,
        article: str | None = None,
        limit: int = 50,
        offset: int = 0,
        *,
        imported: ImportedFilter | None = None,
    ) -> list[Comment]:
        """One page of the moderation queue, newest first; of one status or of several;
        `imported`: only comments `moderate import` brought (of one source, failing checks)."""
        ...

    def count(
        self,
        status: Status | Collection[Status] | None = None,
        article: str | None = None,
        *,
        imported: ImportedFilter | None = None,
    ) -> int:
        """How many comments `queue` would list without paging."""
        ...

    def decide(
        self,
        comment_id: int,
        action: Action,
        actor: str,
        reason: str = "",
        *,
        follow_up: FollowUp | None = None,
        expected_version: int | None = None,
    ) -> Comment:
        """A moderator's decision: the move `TRANSITIONS` allows, and its audit row, or nothing.

        `follow_up(decided_comment)` names the jobs the decision causes; they commit with it.
        `expected_version` is the `Comment.version` the moderator read: if the comment changed
        since, `StaleDecision` and nothing is decided. A decision keeps the version.

        The status is read and changed in one write transaction, so of two moderators deciding
        at once exactly one wins; the other gets `IllegalTransition`. `Action.RESUBMIT` is the
        commenter's move and goes through `resubmit`.
        """
        ...

    def resubmit(
        self,
        token: str,
        submission: Submission,
        review: Review,
        *,
        follow_up: FollowUp | None = None,
    ) -> Comment:
        """The commenter's correction of a held comment replaces it; the old version is kept.

        The correction is the comment's next version (the replaced one keeps its number).
        The article and the reply-to stay those of the original: a correction changes the
        words, not the place. Not held → `IllegalTransition`.
        """
        ...

    def revisions(self, comment_id: int) -> list[Comment]:
        """The versions a commenter replaced, oldest first, so a moderator can see what changed.

        Each is the comment as it stood before that correction: its name, address, e-mail,
        body, review and status; `updated_at` is when it was replaced.
        """
        ...

    def recheck(self, comment_id: int, review: Review) -> Comment:
        """A fresh review of a held comment (Akismet was down, the rules changed).

        The status follows the new verdict. Only held comments: a moderator's or the spam
        filter's decision is not undone by a re-run. Not held → `IllegalTransition`. A changed
        review or status makes a new version; an unchanged one does not.
        """
        ...

    def seen_before(
        self, submission: Submission, window_seconds: float = 86400, exclude_id: int | None = None
    ) -> Copy | None:
        """Where an earlier comment had the same text within the window, if it did.

        A copy on the same article counts whatever its length, one on another article only
        when the text is long enough to be more than a polite reply (`model.copy_of`).

        Only comments created strictly before `submission.submitted_at` count: the first copy
        is the original, and the re-check of a stored comment (`Comment.submission()` carries
        its creation time) sees neither itself nor later copies. The intake calls this before
        `add`; a resubmit, sent later than its comment, passes that comment's id as
        `exclude_id`.
        """
        ...

    def audit_log(self, limit: int = 50, comment_id: int | None = None) -> list[AuditEntry]:
        """The latest audit entries, newest first; of one comment when `comment_id` is given."""
        ...

    def stats(self) -> dict[str, int]:
        """How many comments each status holds; every status is a key, even at zero."""
        ...

    def purge_spam(self, older_than: timedelta) -> int:
        """Delete spam left unreviewed that long (and its audit rows); returns how many."""
        ...

    def erase_client_data(self, older_than: timedelta) -> int:
        """Blank IP address, user agent and referrer collected that long ago; returns how many.

        Login attempts that old are deleted too (who tried when, from which address key); the
        count is of comments. The retention promise (COMMENTS_CLIENT_DATA_DAYS) is kept by
        running this daily.
        """
        ...

    def export_email(self, email: str) -> list[dict[str, object]]:
        """Everything kept about an e-mail address, JSON-serialisable, for an access request."""
        ...

    def erase_email(self, email: str, *, unpublish: bool = False) -> list[Comment]:
        """Forget an e-mail address: delete its unpublished comments, anonymise the published.

        Approved comments stay (they are part of the published conversation) with e-mail, IP
        address, user agent and referrer blanked and their earlier revisions deleted. With
        `unpublish` (the commenter wants them taken down) they become rejected, with name,
        blog and text blanked too; the row stays so the id is never reused. E-mail jobs to
        the address or about its comments are deleted. Returns every affected comment as it
        stood before, so the caller can remove the files of the approved ones.
        """
        ...

    def edit_text(
        self, comment_id: int, body: str, actor: str, reason: str, *, expected_version: int
    ) -> Comment:
        """A moderator's correction of the text of the version they read (else
        `StaleDecision`): the old words to `revisions`, an "edited" audit row, a new version."""
        ...

    def approved_before(self, submission: Submission) -> int | None:
        """An earlier approved comment with the same name, blog link and e-mail (trust)."""
        ...

    def close(self) -> None:
        """Release the database; the store cannot be used afterwards."""
        ...
