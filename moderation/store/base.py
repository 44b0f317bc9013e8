"""The queue's contract: what the web service and the `moderate` command may ask of a store.

Callers depend on `Store`, never on a backend, so PostgreSQL can be added next to SQLite without
touching them. Every method is safe to call from many threads at once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..jobs.model import Job, JobState, QueuedJob
from ..model import Action, AuditEntry, Comment, Copy, Review, Status, Submission

if TYPE_CHECKING:
    from .emaillinks import UsedLink
    from .imports import ImportedFilter, ImportRow
    from .reconcile import Reconciliation
    from .subscriptions import Compose as SubscriptionMail
    from .subscriptions import Limit, Subscription

# The work a decision causes (e-mail, deploys), written in the decision's own transaction.
FollowUp = Callable[[Comment], Sequence[Job]]


@dataclass(frozen=True)
class ModeratorSession:
    """A logged-in moderator: who, the form token their pages carry, and until when."""

    username: str
    csrf: str
    created_at: datetime
    expires_at: datetime


class Store(Protocol):
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

    def set_password(self, username: str, password_hash: str) -> bool:
        """Add a moderator, or change their password and end their sessions; True when new.

        The store receives the hash (`moderation.passwords`), never the password.
        """
        ...

    def remove_moderator(self, username: str) -> bool:
        """Delete a moderator and their sessions; False when there was none by that name."""
        ...

    def password_hash(self, username: str) -> str | None:
        """The stored hash to check a login against; None for an unknown username."""
        ...

    def start_session(
        self, token_hash: str, username: str, csrf: str, lifetime: timedelta
    ) -> ModeratorSession:
        """Remember a login under the SHA-256 of its cookie token; expired sessions go."""
        ...

    def session(self, token_hash: str) -> ModeratorSession | None:
        """The live session with that token hash; None when unknown or expired."""
        ...

    def end_session(self, token_hash: str) -> None:
        """Log out: the token stops working at once."""
        ...

    def record_login(self, username: str, client: str, succeeded: bool) -> None:
        """Keep one login attempt (never its password) for the login limits and the record.

        `client` is the key the caller derives from the address (`web.security.AddressKeys`):
        the limits need to recognise an address, not to keep it.
        """
        ...

    def login_failures(
        self, window: timedelta, *, username: str | None = None, client: str | None = None
    ) -> list[datetime]:
        """When the failed logins of the last `window` happened, oldest first.

        Of one username, of one client, or of that username from that client: give one or both.
        """
        ...

    def count_request(self, client: str, limit: int, window: timedelta) -> float:
        """The intake's rate limit: count a request from `client` (a key, as for logins).

        Returns 0 when counted, or the seconds until the client may send again when it made
        `limit` requests in the last `window` (refused requests are not counted, so waiting
        works). Shared by every process using the database; old counts go as new ones come.
        """
        ...

    def use_form_nonce(self, nonce: str, keep: timedelta) -> bool:
        """Whether this is a form token's first use; the nonce is remembered for `keep`.

        Every process using the database sees the same record, so a token is good once per
        host, not once per worker. Remembered nonces are forgotten once `keep` has passed.
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

    def subscribe(
        self, comment_id: int, email: str, compose: SubscriptionMail, limit: Limit
    ) -> Subscription | None:
        """Record a request for reply notifications and queue its confirmation message (one
        transaction); None when already subscribed or over the address's limit."""
        ...

    def subscription(self, subscription_id: int) -> Subscription | None: ...

    def change_subscription(
        self, subscription_id: int, to: str, *, only_from: str | None = None
    ) -> Subscription | None:
        """Confirm or stop a subscription (only one in state `only_from`, when given)."""
        ...

    def notify_subscribers(
        self, parent_id: int, replier_email: str, compose: SubscriptionMail, limit: Limit
    ) -> list[Subscription]:
        """Queue the notifications of a published reply to `parent_id`, within limits."""
        ...

    def use_email_link(self, nonce: str, comment_id: int, keep: timedelta) -> bool:
        """Claim a moderator e-mail link's nonce before its decision; False when it was
        already used. Remembered for `keep` (as long as the link could be valid)."""
        ...

    def give_back_email_link(self, nonce: str) -> None:
        """The decision was refused (the comment changed): the link may be used again."""
        ...

    def used_email_link(self, nonce: str) -> UsedLink | None:
        """When the link with this nonce decided, if it did."""
        ...

    def enqueue(self, jobs: Sequence[Job]) -> list[int]:
        """Record work to do now (a keyed job already waiting is not added twice)."""
        ...

    def claim_jobs(
        self, kinds: Collection[str], limit: int = 10, lease: timedelta = timedelta(minutes=5)
    ) -> list[QueuedJob]:
        """Due jobs of these kinds, leased to the caller: nobody else runs them meanwhile."""
        ...

    def finish_job(self, job_id: int) -> None:
        """A claimed job succeeded."""
        ...

    def retry_job(self, job_id: int, error: str, due_at: datetime | None) -> None:
        """A claimed job failed: try again at `due_at`, or give up (None)."""
        ...

    def send_job_again(self, job_id: int) -> bool:
        """A moderator asks for a waiting or failed job to run now; False if it is done."""
        ...

    def jobs(
        self,
        states: Collection[JobState] = (JobState.PENDING, JobState.FAILED),
        kinds: Collection[str] = (),
        limit: int = 50,
    ) -> list[QueuedJob]:
        """Jobs in these states, newest first: what moderators see as waiting or failed."""
        ...

    def job_counts(self) -> dict[tuple[str, JobState], int]:
        """How many jobs of each kind are in each state."""
        ...

    def forget_done_jobs(self, older_than: timedelta) -> int:
        """Delete jobs that finished that long ago; returns how many."""
        ...

    def claim_schedule(self, name: str, interval: timedelta) -> bool:
        """True for exactly one caller when the periodic task `name` is due; it runs it."""
        ...

    def reconcile(self, comments_dir: Path, *, restored: bool = False) -> Reconciliation:
        """Learn the published comment files (`store.reconcile`, docs/comment-files.md).

        Registers the comments the database does not know under their own ids, moves a
        database comment whose id a file holds for another comment, keeps new ids above
        every published one. Returns what it did, and the approved comments whose file is
        missing or outdated, for the publisher to write. `restored` (just restored from a
        backup): an approved comment without a file is marked unpublished instead.
        """
        ...

    def move(self, comment_id: int, reason: str, actor: str, above: int = 0) -> Comment:
        """Give a comment a fresh id (above `above`), audited; its references follow it."""
        ...

    def imported_ids(self, source: str) -> set[str]:
        """The original ids of the comments already imported from `source` (`moderate import`)."""
        ...

    def add_imported(self, rows: Sequence[ImportRow]) -> list[Comment]:
        """Store imported comments, each with its audit row and its (source, original id),
        in one transaction; a row whose original id is already there is skipped. Returns the
        new comments. A reply whose parent is stored already is linked to it; the others
        are linked afterwards, by `link_imported_replies`."""
        ...

    def imported_comments(
        self, source: str | None = None, status: Status | None = None
    ) -> list[Comment]:
        """The comments `moderate import` brought (from one source, of one status), by id: so
        moderators can find the old ones that break today's policy."""
        ...

    def comments_by_id(self, ids: Sequence[int]) -> list[Comment]:
        """The comments with these ids that are still here, in the order given: an import
        writes files from one read."""
        ...

    def import_sources(self) -> dict[str, int]:
        """How many comments each source's imports brought (and are still here), by source."""
        ...

    def link_imported_replies(self, source: str) -> list[int]:
        """Point imported replies at their imported parents (on the same article); returns
        the ids of the replies linked, whose published files need their `Reply-To`."""
        ...

    def export_comments(self, *, personal: bool = False) -> Iterator[dict[str, object]]:
        """Every comment with its revisions, audit rows, review and import origin, one
        JSON-serialisable dict at a time, all from one moment (`store.exchange`); e-mail and
        client data only when `personal`."""
        ...

    def comment_uids(self) -> set[str]:
        """Every comment's lasting `uid`: what a restore from JSON would find already here."""
        ...

    def restore_json(self, comments: Sequence[dict]) -> list[int]:
        """Add exported comments (from `export_comments`) whose `uid` is new here, with
        their history, in one transaction; returns their ids here."""
        ...

    def close(self) -> None:
        """Release the database; the store cannot be used afterwards."""
        ...
