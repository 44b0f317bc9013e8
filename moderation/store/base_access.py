"""The store's contract for who may act: moderator accounts and sessions, the login and
request limits, and the one-use tokens of forms and moderator e-mail links.

Part of `base.Store`; kept apart because none of it is about a comment's own life.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .emaillinks import UsedLink


@dataclass(frozen=True)
class ModeratorSession:
    """A logged-in moderator: who, the form token their pages carry, and until when."""

    username: str
    csrf: str
    created_at: datetime
    expires_at: datetime


class ModeratorAccess(Protocol):
    """Moderators, their sessions, and the records that keep guessers and floods out."""

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
