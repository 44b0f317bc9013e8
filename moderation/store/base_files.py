"""The store's contract for comments that come from or go to files: the published comment
files, `moderate import`, and the JSON export and restore.

Part of `base.Store`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..model import Comment, Status

if TYPE_CHECKING:
    from .imports import ImportRow
    from .reconcile import Reconciliation


class CommentArchive(Protocol):
    """The queue's comments as files: published, imported from elsewhere, exported whole."""

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
