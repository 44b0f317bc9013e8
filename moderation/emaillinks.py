"""Signed links in the moderators' e-mail: decide on one comment, at one version, once.

A link names the comment, the version the e-mail described and the moderator it was sent
to, signed with the service's secret and dated, so it cannot be forged or edited and stops
working after COMMENTS_EMAIL_LINK_MAX_AGE. Each carries a random nonce; the database records
a nonce when its link decides (`Store.use_email_link`), so a link works once. Opening a link
only shows a confirmation page (`web/emaillinks.py`): mail scanners open links.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

SALT = "moderator-email-link"


@dataclass(frozen=True)
class EmailLink:
    """What a valid link allows: one decision on `comment_id` as it was at `version`."""

    comment_id: int
    version: int
    moderator: str  # the address the link was sent to: the actor in the audit
    nonce: str


@dataclass(frozen=True)
class LinkProblem:
    """Why a link is refused, in words for the moderator who opened it."""

    message: str
    expired: bool = False


class EmailLinks:
    """Issues and reads the links; `clock` (seconds since the epoch) lets tests age them."""

    def __init__(self, secret: str, max_age: float, clock: Callable[[], float] = time.time) -> None:
        if not secret:
            raise ValueError("e-mail links need a secret")

        class ClockedSigner(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(clock())

        self._serializer = URLSafeTimedSerializer(secret, salt=SALT, signer=ClockedSigner)
        self.max_age = max_age

    def issue(self, comment_id: int, version: int, moderator: str) -> str:
        payload = {"c": comment_id, "v": version, "m": moderator, "n": secrets.token_urlsafe(12)}
        return self._serializer.dumps(payload)

    def read(self, token: str) -> EmailLink | LinkProblem:
        """The link's promise, or why it is refused (forged, edited, expired, malformed)."""
        try:
            payload = self._serializer.loads(token, max_age=self.max_age)
        except SignatureExpired:
            days = self.max_age / 86400
            return LinkProblem(
                f"This link has expired (links work for {days:g} days). Decide from the"
                " moderator page instead.",
                expired=True,
            )
        except BadSignature:
            return LinkProblem("This link is not one this service sent, or it was cut short.")
        if not _well_formed(payload):
            return LinkProblem("This link is not one this service sent.")
        return EmailLink(payload["c"], payload["v"], payload["m"], payload["n"])


def _well_formed(payload: object) -> bool:
    if not isinstance(payload, dict):
        return False
    ints = all(type(payload.get(key)) is int for key in ("c", "v"))
    return ints and all(isinstance(payload.get(key), str) for key in ("m", "n"))
